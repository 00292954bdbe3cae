package gate

import (
	"strings"
	"testing"

	"guard/policy"
)

// R2 (judge-11): `git range-diff` prints the two ranges' patches diffed,
// a token line of a commit rebased or rewritten among them, but the
// history check ran its ranges as plain `git log A..B` (no patch): the
// patch scan saw only headers, and a token committed in cfg.py (a name no
// list knows) was printed in suggest mode, where `git log -p` asks.
func TestGitRangeDiffToken(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q", "-b", "main", ".")
	write("main.go", "package main\n")
	run("add", "main.go")
	run("commit", "-qm", "init")
	run("checkout", "-q", "-b", "b1")
	write("cfg.py", "API = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\"\n")
	run("add", "cfg.py")
	run("commit", "-qm", "config")
	run("checkout", "-q", "-b", "b2", "main")
	write("cfg.py", "API = \"ghp_zZ3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zQQ\"\n")
	run("add", "cfg.py")
	run("commit", "-qm", "config")
	run("checkout", "-q", "main")
	if out := run("range-diff", "--creation-factor=100", "main..b1", "main..b2"); !strings.Contains(out, "ghp_zZ3") {
		t.Fatalf("git range-diff printed %q, without the token (the premise)", out)
	}
	g := newGate(t, dir, Options{})
	for _, c := range []string{
		"git range-diff --creation-factor=100 main..b1 main..b2", "git range-diff --creation-factor=100 b1...b2",
		"git range-diff --creation-factor=100 main b1 b2", "git range-diff --no-color --creation-factor=100 main..b1 main..b2 -- cfg.py",
	} {
		v, _ := g.Judge([]string{"bash", "-c", c})
		if v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("%s = %s, want unverified (it prints the committed token)", c, v.Class)
		}
	}
	for _, c := range []string{"git range-diff b1...b2 -- main.go", "git log --oneline b1...b2"} {
		if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Safe {
			t.Errorf("%s = %s (%s), want safe", c, v.Class, v.Why())
		}
	}
}
