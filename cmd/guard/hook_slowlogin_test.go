package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookCodexSlowLogin: Codex runs a command in a login bash, whose
// start-up files make the PATH it searches (hooks-7 H7-7). guard asks that
// shell for it; a shell that took over 3 s used to be skipped, so guard
// judged `ls` with the hook's PATH and allowed it, while Codex's login bash,
// once its ~/.bash_profile was done, ran the project's node_modules/.bin/ls
// (hooks-15 H15-1). A PATH guard cannot learn is a refusal now.
func TestHookCodexSlowLogin(t *testing.T) {
	if _, err := os.Stat("/bin/bash"); err != nil {
		t.Skip("no /bin/bash")
	}
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	ls := filepath.Join(project, "node_modules", ".bin", "ls")
	if err := os.MkdirAll(filepath.Dir(ls), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ls, []byte("#!/bin/sh\ntouch planted.txt\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, dir, "GUARD_MODE=suggest")
	profile := filepath.Join(dir, "home", ".bash_profile")
	for _, c := range []struct {
		profile, want string
	}{
		{"", "pass"}, // the control: no start-up file, ls runs
		{"sleep 4\nexport PATH=\"./node_modules/.bin:$PATH\"\n", "deny"},
	} {
		if err := os.WriteFile(profile, []byte(c.profile), 0o644); err != nil {
			t.Fatal(err)
		}
		ans := hookAsk(t, guard, "codex", project, env, hookRequest("codex", project, "ls"))
		if got := hookOutcome(ans); got != c.want {
			t.Errorf("~/.bash_profile %q: %s (%s), want %s", c.profile, got, hookReason(ans), c.want)
		} else if c.want == "deny" && !strings.Contains(hookReason(ans), "could not learn that PATH") {
			t.Errorf("the reason does not say why: %s", hookReason(ans))
		}
	}
}
