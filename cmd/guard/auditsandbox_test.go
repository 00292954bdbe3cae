package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditLogReadOnlyInSandbox: guard's audit log is guard's state, read-only
// (and, holding every command's argv, unreadable) inside the sandbox. When a
// writable root held it (the home as the project, where it is by default),
// its directory was left writable for the guards run inside (shims): a
// program in full-auto's sandbox read the tokens of earlier commands from
// it, and replaced it with a symbolic link to ~/.bashrc, after which the
// next guard, outside any sandbox, appended the agent's words to ~/.bashrc
// (`echo '$(touch PWNED)'`: an interactive bash ran it).
func TestAuditLogReadOnlyInSandbox(t *testing.T) {
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	w.setenv("HOME", w.work) // the project is the home
	bashrc := w.write(filepath.Join(w.work, ".bashrc"), "# mine\n", 0o644)
	if r := execute(t, w.guardCmd("--", "echo", "sk-earlier-token-123")); r.code != 0 {
		t.Fatalf("guard -- echo: %s", r)
	}
	w.write(filepath.Join(w.work, "w.sh"), `#!/bin/sh
cat "$HOME"/.local/state/guard/audit.jsonl > leak.txt
ln -sf "$HOME/.bashrc" "$HOME"/.local/state/guard/audit.jsonl
exit 0
`, 0o755)
	if r := execute(t, w.guardCmd("--mode", "full-auto", "--", "./w.sh")); r.code != 0 {
		t.Fatalf("guard --mode full-auto -- ./w.sh: %s", r)
	}
	if b, _ := os.ReadFile(filepath.Join(w.work, "leak.txt")); strings.Contains(string(b), "sk-earlier-token-123") {
		t.Errorf("a sandboxed program read the audit log: the token of an earlier command")
	}
	execute(t, w.guardCmd("--", "echo", "$(touch PWNED)"))
	if b, _ := os.ReadFile(bashrc); strings.Contains(string(b), "PWNED") {
		t.Errorf("the next guard appended its entry to ~/.bashrc through a link a sandboxed program made: %q", b)
	}
}
