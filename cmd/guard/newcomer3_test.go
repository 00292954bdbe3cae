package main

// The third newcomer pass: setup, trust, rules and the audit log, tried as
// a newcomer and as an agent that means harm (docs/newcomer.md, "Third
// pass"). Each test runs the built guard in a scratch directory with its own
// HOME.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewcomer3TerminalText: the names guard shows a person come from the
// agent (a project directory, the files in its .guard, a remembered
// command); `guard trust`'s question, `guard trust --list` and `guard rules
// list` write the characters a terminal acts on as escapes. Before, a
// .guard file named with ESC [1A ESC [2K erased the line above it in the
// trust question, so a person could be shown fewer files than they trusted.
func TestNewcomer3TerminalText(t *testing.T) {
	dir, home := newcomerDir(t)
	project := filepath.Join(dir, "p\x1b[2K\r")
	hidden := "e\x1b[1A\x1b[2K.policy"
	if err := os.MkdirAll(filepath.Join(project, ".guard"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"config.toml": "mode = \"suggest\"\n", hidden: ""} {
		if err := os.WriteFile(filepath.Join(project, ".guard", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	trustAt := func(answer string) (outcome, string) {
		tm := openTerminal(t)
		cmd := exec.Command(guardBinary(t), "trust")
		cmd.Env, cmd.Dir = env, project
		tm.start(cmd)
		tm.waitFor("[y/N]: ")
		tm.typeIn(answer)
		r := waitExit(t, cmd)
		return r, tm.drain()
	}
	r, text := trustAt("n\n")
	if r.code != 126 {
		t.Errorf("guard trust answered n: exit %d, want 126; terminal %q", r.code, text)
	}
	if strings.Contains(text, "\x1b") || !strings.Contains(text, `e\x1b[1A\x1b[2K.policy`) || !strings.Contains(text, `p\x1b[2K\r/.guard`) {
		t.Errorf("guard trust showed the terminal control characters of the names as they are:\n%q", text)
	}
	if r, text = trustAt("y\n"); r.code != 0 {
		t.Fatalf("guard trust answered y: exit %d; terminal %q", r.code, text)
	}
	code, out, se := newcomerRun(t, env, dir, nil, "trust", "--list")
	if code != 0 || strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, `e\x1b[1A\x1b[2K.policy`) {
		t.Errorf("guard trust --list: exit %d, stdout %q, stderr %q", code, out, se)
	}

	// A remembered rule whose command and project hold ESC and \r, and a
	// hand-edited binding with a short hash (it panicked).
	meta, _ := json.Marshal(map[string]any{"scope": "everywhere", "made": "2026-12-06T10:00:00Z", "kind": "exact",
		"command": []string{"touch", "a\x1b[2K\rb"}, "bind": map[string]string{"path": "/x\x1b]0;T\a", "sha256": "ab"}})
	policyText := "# guard rule: " + string(meta) + "\nprefix_rule(pattern=[\"touch\", \"a\\u001b[2K\\rb\"], decision=\"allow\")\n"
	if err := os.WriteFile(filepath.Join(home, ".config", "guard", "user.policy"), []byte(policyText), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, se = newcomerRun(t, env, dir, nil, "rules", "list")
	if code != 0 || strings.ContainsAny(out, "\x1b\r\a") || !strings.Contains(out, `$'a\x1b[2K\rb'`) {
		t.Errorf("guard rules list: exit %d, stdout %q, stderr %q", code, out, se)
	}
}
