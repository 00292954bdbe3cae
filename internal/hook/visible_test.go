package hook

import (
	"strings"
	"testing"
)

// TestReasonEscapesBlankLetters: the reason of an ask, which Claude Code
// shows the person in its question, escapes what a terminal shows as blank
// or reads right to left, as guard's own questions do: "gitㅤ" (a Hangul
// filler) read as git.
func TestReasonEscapesBlankLetters(t *testing.T) {
	for _, r := range []rune{0x3164, 0x2800, 0xffa0, 0x00a0, 0x05d0, 0x1d159} {
		got := visible(`no rule for program "git` + string(r) + `"`)
		if strings.ContainsRune(got, r) || !strings.Contains(got, `"git\`) {
			t.Errorf("visible(git%U) = %q, want the character escaped", r, got)
		}
	}
	if got := visible("naïve 日本語 файл"); got != "naïve 日本語 файл" {
		t.Errorf("visible changed ordinary text: %q", got)
	}
}
