package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookGitReadInNestedRepository: through the hook (suggest; the agent
// runs git itself, unpinned), a git read after `cd docs` into a nested
// repository whose config sets core.fsmonitor is not allowed as safe: guard
// asks the repository at the directory the script's cd leads to, not only
// the one the script starts in. The answer's command, run as the agent
// would, never runs the marker script unasked; plain git there does (the
// control).
func TestHookGitReadInNestedRepository(t *testing.T) {
	guard := hookGuard(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	work := t.TempDir()
	proj := filepath.Join(work, "proj")
	docs := filepath.Join(proj, "docs")
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	marker := filepath.Join(work, "MARKER")
	script := filepath.Join(work, "evil.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	git(proj, "init", "-q", ".")
	git(docs, "init", "-q", ".")
	git(docs, "config", "core.fsmonitor", script)

	// Control: plain git in docs runs the script.
	git(docs, "status", "--short")
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("plain git status in docs/ did not run core.fsmonitor: the test proves nothing here")
	}
	os.Remove(marker)

	for _, cmd := range []string{"cd docs && git status", "cd docs; git status", "pushd docs && git status",
		"cd docs && git log --oneline", "cd docs || exit; git diff --stat", "cd /tmp && cd " + docs + " && git status"} {
		ans := hookAsk(t, guard, "claude-code", proj, env, hookRequest("claude-code", proj, cmd))
		decision := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision"))
		if decision == "allow" || len(ans) == 0 {
			t.Errorf("hook, suggest: %q in a nested repository with core.fsmonitor: answer %v, want ask", cmd, ans)
			c := exec.Command("bash", "-c", cmd)
			c.Dir, c.Env = proj, env
			_ = c.Run()
			if _, err := os.Stat(marker); err == nil {
				t.Errorf("%q: the agent's git ran core.fsmonitor after guard allowed it", cmd)
				os.Remove(marker)
			}
		}
	}
	// The project's own repository sets nothing: its reads stay safe.
	for _, cmd := range []string{"git status", "cd " + proj + " && git status"} {
		ans := hookAsk(t, guard, "claude-code", proj, env, hookRequest("claude-code", proj, cmd))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "allow" && len(ans) != 0 {
			t.Errorf("hook, suggest: %q in a plain repository: answer %v, want allow", cmd, ans)
		}
	}
}
