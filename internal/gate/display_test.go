package gate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestRefusalEscapesControl: a refusal is one line with no character a
// terminal acts on, whatever the command's words, reason or paths hold; the
// JSON form carries the words exactly.
func TestRefusalEscapesControl(t *testing.T) {
	words := []string{"x\r\x1b[2K\x1b[1Als -la", "a\nb", "\u202eevil", "tab\there", "bell\a", "del\x7f", "c1\u009b", "bad\xff", "z\u200bw", "ls\u2028x", "it's"}
	r := Refusal{Guard: "refused", Command: append([]string{"curl"}, words...), Class: "unverified", Mode: "suggest",
		Reason: "writes outside the writable roots: /tmp/a\nb\r\x1b[1A", Rule: "define_program(\"x\n\")", At: "p.policy:1:1\r",
		Allow: "adding /x\ny to writable_roots", ExitCode: 126}
	line := r.Line()
	for _, c := range line {
		if dangerous(c) {
			t.Errorf("Line() holds %U: %q", c, line)
		}
	}
	for _, want := range []string{`$'x\r\x1b[2K\x1b[1Als -la'`, `$'a\nb'`, `$'\u202eevil'`, `$'tab\there'`, `$'bell\x07'`,
		`$'del\x7f'`, `$'c1\u009b'`, `$'bad\xff'`, `$'z\u200bw'`, `$'ls\u2028x'`, `'it'\''s'`, `/tmp/a\nb\r\x1b[1A`} {
		if !strings.Contains(line, want) {
			t.Errorf("Line() = %q, want it to hold %q", line, want)
		}
	}
	for _, g := range []*Gate{{JSON: true}, {}} {
		var buf bytes.Buffer
		g.Stderr = &buf
		g.print(r)
		if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.HasSuffix(buf.String(), "\n") {
			t.Errorf("print (JSON %v) wrote %d lines: %q", g.JSON, n, buf.String())
		}
		for _, c := range buf.String() {
			if c != '\n' && dangerous(c) {
				t.Errorf("print (JSON %v) holds %U: %q", g.JSON, c, buf.String())
			}
		}
		if g.JSON {
			var back Refusal
			want := strings.ReplaceAll(strings.Join(r.Command, "\x00"), "\xff", "\ufffd") // JSON carries only UTF-8
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil || strings.Join(back.Command, "\x00") != want {
				t.Errorf("JSON refusal does not carry the words exactly: %v %q", err, back.Command)
			}
		}
	}
}

// TestDisplayPlain: words with nothing to escape are quoted as the shell
// quotes them.
func TestDisplayPlain(t *testing.T) {
	if got, want := Display([]string{"git", "log", "--format=%H %s", "", "é"}), `git log '--format=%H %s' '' 'é'`; got != want {
		t.Errorf("Display = %q, want %q", got, want)
	}
}

// TestDisplayBlankAndRightToLeft: a character a terminal shows as blank or
// as nothing (every space but the ASCII one, Hangul fillers, which are
// letters, the Braille blank, default-ignorable and unassigned code points,
// private use) or that turns the words around it (right-to-left letters)
// is escaped in a question, a refusal and free text: 'gitㅤ' read as git.
func TestDisplayBlankAndRightToLeft(t *testing.T) {
	for _, r := range []rune{0x3164, 0xffa0, 0x115f, 0x1160, 0x2800, 0x303f, 0x1d159, 0x00a0, 0x2003, 0x202f, 0x205f, 0x3000,
		0x1680, 0x034f, 0xfe0f, 0xe0100, 0x17b4, 0xe000, 0xf8ff, 0x10ffff - 2, 0x0378, 0x05d0, 0x0627, 0x0661, 0x0710,
		0x07c0, 0xfb1d, 0xfe8e, 0x10900, 0x1e900} {
		word := "git" + string(r)
		got := Display([]string{word, "status"})
		if strings.ContainsRune(got, r) || !strings.HasPrefix(got, "$'git\\") {
			t.Errorf("Display(%U) = %q, want the character escaped", r, got)
		}
		if v := Visible("ran " + word); strings.ContainsRune(v, r) {
			t.Errorf("Visible(%U) = %q, want the character escaped", r, v)
		}
	}
	for _, w := range []string{"é", "naïve", "日本語", "Ωμέγα", "файл", "✓", "a—b", "🙂"} {
		if got := Display([]string{w}); got != "'"+w+"'" {
			t.Errorf("Display(%q) = %q, want it shown as it is, quoted", w, got)
		}
	}
}
