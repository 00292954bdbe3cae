package gate

import (
	"testing"

	"guard/policy"
)

// TestGitShowBlobOnly (tenth held-out batch): `git show HEAD:src/a.ts`
// prints that blob and no commit, but the history check left the blob out
// of its name list and so listed HEAD's files: a repository whose last
// commit held a .env asked about every `git show REV:PATH`. Only blobs now
// list nothing (the blob's name and content are judged as before); a
// revision or an option beside them (--all), a commit found by a message with a colon
// (`HEAD^{/fix: x}`, no blob) and the .env blob itself are still asked.
func TestGitShowBlobOnly(t *testing.T) {
	dir, run, write := gitLab(t)
	write(".env", "A=1\n")
	write("src/a.ts", "export {}\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "fix: the thing")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{{"git", "show", "HEAD:src/a.ts"}, {"bash", "-c", "git show HEAD~0:src/a.ts | head -40"},
		{"git", "show", "main:src/a.ts", "HEAD:src/a.ts"}} {
		if v := judge(argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe: it prints the blob only", argv, v.Class, v.Why())
		}
	}
	for _, argv := range [][]string{{"git", "show", "HEAD"}, {"git", "show", "HEAD", "HEAD:src/a.ts"},
		{"git", "show", "HEAD:.env"}, {"git", "show", "HEAD^{/fix: the}"}, {"git", "show", "HEAD:src/a.ts", "--", ".env"},
		{"git", "show", "--all", "HEAD:src/a.ts"}, {"git", "show", "--branches", "HEAD:src/a.ts"}} {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (it prints .env)", argv)
		}
	}
}
