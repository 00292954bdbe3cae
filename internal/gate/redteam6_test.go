package gate

import (
	"testing"

	"guard/policy"
)

// TestGitBlobToken (docs/redteam/judge-6.md): `cat config.py` is asked
// about when the file holds a token, but `git show HEAD:config.py`, `git
// cat-file -p HEAD:config.py` and `git show :config.py` printed the same
// bytes from the repository, judged by the path's name alone (also after
// the file was cleaned in the work tree, and from a subdirectory, where
// HEAD:PATH is relative to the top). The blob a REV:PATH word names is now
// scanned as cat's read of the file is.
func TestGitBlobToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("config.py", "API = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n")
	write("sub/a.txt", "a\n")
	write("notes.txt", "nothing here\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	run("rm", "-q", "--cached", "config.py")
	write("config.py", "API = os.environ['API']\n")
	run("add", "config.py")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(cwd string, argv ...string) policy.Verdict {
		g := newGate(t, cwd, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, c := range []struct {
		cwd  string
		argv []string
	}{
		{dir, []string{"git", "show", "HEAD:config.py"}},
		{dir, []string{"git", "cat-file", "-p", "HEAD:config.py"}},
		{dir, []string{"git", "cat-file", "blob", "HEAD:config.py"}},
		{dir, []string{"bash", "-c", "git show HEAD:./config.py | head -3"}},
		{dir + "/sub", []string{"git", "show", "HEAD:config.py"}},
		{dir + "/sub", []string{"git", "show", "HEAD:../config.py"}},
		{dir, []string{"git", "diff", "HEAD:config.py", ":config.py"}},
	} {
		if v := judge(c.cwd, c.argv...); v.Class == policy.Safe {
			t.Errorf("%v in %s: safe, want asked (the blob holds a token)", c.argv, c.cwd)
		}
	}
	for _, argv := range [][]string{{"git", "show", "HEAD:notes.txt"}, {"git", "show", ":config.py"},
		{"git", "show", "HEAD:sub"}, {"git", "cat-file", "-p", "HEAD:sub/a.txt"}} {
		if v := judge(dir, argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}
