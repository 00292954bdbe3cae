package gate

import (
	"strings"
	"testing"

	"guard/policy"
)

// The ninth red team of the judge (docs/redteam/judge-9.md).

// P7: git log -L prints the history of a line range as patches, whatever
// --oneline or --stat beside it says, but the history check did not count
// -L as a patch option, and its listing of the printed files (the command
// with --name-only) is refused beside -L, which the check took for the
// command failing: `git log -L1,1:config.py --oneline` printed a token
// committed in config.py and removed since.
func TestGitLogLineRangeToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	write("config.py", "API = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n")
	run("add", "config.py")
	run("commit", "-qm", "cfg")
	write("config.py", "API = os.environ['API']\n")
	run("commit", "-qam", "redact")
	if out := run("log", "-L1,1:config.py", "--oneline"); !strings.Contains(out, "ghp_abc") {
		t.Fatalf("git log -L did not print the removed line: %q", out)
	}
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{
		{"git", "log", "-L1,1:config.py", "--oneline"}, {"git", "log", "--oneline", "-L", "1,1:config.py"},
		{"git", "log", "-L", "/API/,+1:config.py", "-n", "5"}, {"git", "log", "-L1,1:config.py", "--format=%h"},
		{"bash", "-c", "git log --oneline -L 1,1:config.py | head"},
	} {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (it prints the token's line)", argv)
		}
	}
	for _, argv := range [][]string{{"git", "log", "-L1,1:a.txt", "--oneline"}, {"git", "log", "--oneline", "-3"}} {
		if v := judge(argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}
