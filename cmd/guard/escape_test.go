package main

import (
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/gate"
)

// TestPromptEscapesControl: at a real terminal, a command whose words hold
// \r, ESC sequences or newlines cannot repaint or split the prompt: they
// are shown escaped, in $'...' form, and the prompt is one line.
func TestPromptEscapesControl(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tm := openTerminal(t)
	name := "made\r\x1b[2K\x1b[1Als -la\nrm -rf ~"
	cmd := w.touchCmd(name)
	tm.start(cmd)
	tm.waitFor(promptText)
	// guard's own reset before the question is the one escape allowed.
	shown := strings.ReplaceAll(tm.text(), gate.TerminalReset, "")
	if strings.ContainsAny(shown, "\x1b") {
		t.Errorf("the prompt carries the command's escape sequences: %q", shown)
	}
	if want := `guard: touch $'made\r\x1b[2K\x1b[1Als -la\nrm -rf ~' (match, suggest mode)`; !strings.Contains(shown, want) {
		t.Errorf("the prompt %q does not show the command escaped as %q", shown, want)
	}
	tm.typeIn("n\n")
	if r := waitExit(t, cmd); r.code != 126 {
		t.Errorf("answered n: %s, want 126", r)
	}
}

// TestRefusalOneLine: a refusal is one line on stderr whatever the
// command's words hold.
func TestRefusalOneLine(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, argv := range [][]string{
		{"touch", "a\nb"},
		{"touch", "x\r\x1b[2K\x1b[1A"},
		{"curl", "\u202eevil", "a\nb\nc"},
		{"bash", "-c", "echo one\necho two > f"},
	} {
		r := execute(t, w.guardCmd(append([]string{"--"}, argv...)...))
		if r.code != 126 || strings.Count(r.stderr, "\n") != 1 || strings.ContainsAny(r.stderr, "\r\x1b\u202e") {
			t.Errorf("guard -- %q: %s, want 126 and one line with nothing a terminal acts on", argv, r)
		}
	}
}

// TestAlwaysNeverBricks: answering "always" for a program whose name no
// rule can spell ("a b", a tab) runs it once, says why it was not
// remembered, and leaves user.policy loading: the next guard call works.
func TestAlwaysNeverBricks(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a b", "tab\there"} {
		w := newWorld(t)
		bin := filepath.Join(w.root, "bin")
		w.write(filepath.Join("bin", name), "#!/bin/sh\nexit 0\n", 0o755)
		tm := openTerminal(t)
		cmd := w.guardCmd("--mode", "suggest", "--", name)
		cmd.Env = append(cmd.Env, "PATH="+bin+":"+systemPath)
		tm.start(cmd)
		tm.waitFor(promptText)
		tm.typeIn("a\n")
		r := waitExit(t, cmd)
		if shown := tm.drain(); r.code != 0 || !strings.Contains(shown, "not remembered") {
			t.Errorf("always for %q: %s, terminal %q; want it run once and the reason it was not remembered", name, r, shown)
		}
		if r := execute(t, w.guardCmd("--", "sh", "-c", "exit 0")); r.code != 0 {
			t.Errorf("after always for %q, the next guard call: %s, want exit 0 (user.policy still loads)", name, r)
		}
	}
}
