package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedTeam28HookZshSpecialLoopName: a for loop's or a read's variable
// that bash binds as a plain one of the script is one of zsh's special
// parameters: path is PATH, so `for path in tools; do ls; done` runs the
// project's tools/ls in zsh, the agent's shell for some users and one a
// Codex model may name. The hooks judged bash's reading only.
func TestRedTeam28HookZshSpecialLoopName(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, map[string]string{"tools/ls": "#!/bin/sh\necho PLANTED-RAN\n"})
	if err := os.Chmod(filepath.Join(proj, "tools/ls"), 0o755); err != nil {
		t.Fatal(err)
	}
	attacks := []string{
		"for path in tools; do ls; done",
		"echo tools | while read path; do ls; done",
		"printf 'tools\\n' | while IFS= read -r path; do ls -la; done",
		"for path in tools /usr/bin; do ls a.txt; done",
	}
	if zsh, err := exec.LookPath("zsh"); err == nil {
		for _, script := range attacks {
			cmd := exec.Command(zsh, "-f", "-c", script)
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "PLANTED-RAN") {
				t.Errorf("zsh %q printed %q, not the planted program's output: the premise does not hold here", script, out)
			}
		}
	} else {
		t.Log("zsh is not installed: the answers are checked without running it")
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for _, script := range attacks {
		for _, agent := range []string{"claude-code", "codex"} {
			if verdict, reason := hookVerdict(t, agent, hookRun(t, proj, env, hookBody(t, agent, proj, script), guard, "hook", agent)); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
				t.Errorf("%s %q: %s %q; want asked", agent, script, verdict, reason)
			}
		}
	}
	for _, script := range []string{`for f in a.txt; do cat "$f"; done`, `ls | while read -r line; do echo "$line"; done`, `for p in tools; do ls $p; done`} {
		if verdict, reason := hookVerdict(t, "claude-code", hookRun(t, proj, env, hookBody(t, "claude-code", proj, script), guard, "hook", "claude-code")); verdict != "allow" {
			t.Errorf("claude-code %q: %s %q; want allow", script, verdict, reason)
		}
	}
}
