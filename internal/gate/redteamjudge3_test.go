package gate

import (
	"strings"
	"testing"

	"guard/policy"
)

// TestGitContentReaders (third red-team of the judge): git reads that print
// file contents the history check did not know: `git grep KEY` with no
// revision searches the tracked files (a tracked .env was printed), `git
// grep KEY HEAD:` a revision's tree named with a colon, `git whatchanged
// -p` prints patches as log -p does, and `git range-diff` prints the two
// ranges' patches diffed (`--creation-factor=100 A~1..A B~1..B` printed
// both versions of a committed .env).
func TestGitContentReaders(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q", "-b", "main", ".")
	write(".env", "OPENAI_API_KEY=sk-TRACKED0\n")
	write("main.go", "package main\n")
	run("add", "-f", ".env", "main.go")
	run("commit", "-qm", "init")
	run("checkout", "-q", "-b", "b1")
	write(".env", "OPENAI_API_KEY=sk-BRANCH1\n")
	run("commit", "-qam", "same")
	run("checkout", "-q", "-b", "b2", "main")
	write(".env", "OPENAI_API_KEY=sk-BRANCH2\n")
	run("commit", "-qam", "same")
	run("checkout", "-q", "main")

	premise := map[string]string{
		"grep OPENAI":       "sk-TRACKED0",
		"grep OPENAI HEAD:": "sk-TRACKED0",
		"whatchanged -p":    "sk-BRANCH",
		"range-diff --creation-factor=100 b1~1..b1 b2~1..b2": "sk-BRANCH2",
	}
	for c, want := range premise {
		if c == "whatchanged -p" {
			c = "whatchanged -p b1"
		}
		if out := run(strings.Fields(c)...); !strings.Contains(out, want) {
			t.Errorf("git %s printed %q, not %s (the class's premise)", c, out, want)
		}
	}
	for _, elsewhere := range []bool{false, true} {
		g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
		for _, c := range []string{
			"git grep OPENAI", "git grep -h -e OPENAI", "git grep --cached OPENAI", "git grep -n OPENAI -- ':!main.go'",
			"git grep OPENAI HEAD:", "git grep OPENAI HEAD:./", "git whatchanged -p b1", "git whatchanged -p -1 b2",
			"git range-diff --creation-factor=100 b1~1..b1 b2~1..b2", "git range-diff b1...b2", "git range-diff main b1 b2",
		} {
			v, _ := g.Judge([]string{"bash", "-c", c})
			if v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("elsewhere %v: %s = %s, want unverified (it prints the tracked .env)", elsewhere, c, v.Class)
			}
		}
		for _, c := range []string{
			"git grep package -- main.go", "git grep package main.go", "git grep -l OPENAI", "git whatchanged",
			"git whatchanged -p -- main.go", "git range-diff b1...b2 -- main.go", "git status",
		} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Safe {
				t.Errorf("elsewhere %v: %s = %s (%s), want safe", elsewhere, c, v.Class, v.Why())
			}
		}
	}
}
