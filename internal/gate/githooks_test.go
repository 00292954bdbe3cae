package gate

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestGitHooksWhereTheAgentRuns: the default's git writers that run hooks
// (commit, switch, checkout -b, stash) are match, which auto-edit runs;
// guard pins hooks off when it runs git, but where the agent runs the
// command itself (a hook: RunsElsewhere) a hook the repository holds
// would run, so such a command is unverified there, and only there. A
// writer that runs no hook (tag, add -A) stays match; a .sample hook is
// not one.
func TestGitHooksWhereTheAgentRuns(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q")
	write("a.txt", "a\n")
	run("add", "a.txt")
	run("commit", "-q", "-m", "first")
	hookRunners := []string{"git commit -m x", "git add -A && git commit -m x", "cd . && git commit -am wip",
		"git switch -c feat", "git checkout -b feat", "git stash", "git stash pop"}
	quiet := []string{"git tag v1", "git add -A", "git branch feat", "git reset --soft HEAD~1"}
	judge := func(elsewhere bool, cmd string) policy.Verdict {
		t.Helper()
		g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
		v, _ := g.Judge([]string{"bash", "-c", cmd})
		return v
	}
	// Only .sample hooks (git init's templates, or none): match in both.
	for _, c := range append(hookRunners, quiet...) {
		for _, elsewhere := range []bool{false, true} {
			if v := judge(elsewhere, c); v.Class != policy.Match {
				t.Errorf("%q (runs elsewhere %v), no hook: %s (%s), want match", c, elsewhere, v.Class, v.Why())
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".git/hooks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git/hooks/pre-commit"), []byte("#!/bin/sh\ntouch /tmp/x\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range hookRunners {
		if v := judge(true, c); v.Class != policy.Unverified {
			t.Errorf("%q run by the agent with a pre-commit hook: %s, want unverified", c, v.Class)
		}
		if v := judge(false, c); v.Class != policy.Match {
			t.Errorf("%q run by guard (hooks pinned off) with a pre-commit hook: %s (%s), want match", c, v.Class, v.Why())
		}
	}
	for _, c := range quiet {
		if v := judge(true, c); v.Class != policy.Match {
			t.Errorf("%q runs no hook: %s (%s), want match", c, v.Class, v.Why())
		}
	}
}
