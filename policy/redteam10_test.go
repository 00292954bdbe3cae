package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// The tenth red team of the judge (docs/redteam/judge-10.md): one test per
// class, each failing on the code before its fix.

// rt10Git runs git in dir with a fixed identity and no user or system
// configuration.
func rt10Git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a",
		"GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
}

// Q1: git commands that write work-tree files from commits (switch,
// checkout, merge, cherry-pick, rebase, stash pop, pull...) put there what
// a commit holds, links included. With a branch whose commit adds `sub ->
// ../home`, `git switch evil && cat sub/tok.txt` ran in auto-edit (a
// repository write, confined; reads are not confined) and printed the
// token: the judge read sub/tok.txt as the file system held it before the
// script (nothing there). mv, cp and ln were already such movers.
func TestRedTeam10GitPlacesFiles(t *testing.T) {
	set, home, proj := rtLab(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	mustWrite(t, filepath.Join(home, "tok.txt"), "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\n")
	rt10Git(t, proj, "init", "-q", "-b", "main", ".")
	rt10Git(t, proj, "add", "a.txt")
	rt10Git(t, proj, "commit", "-qm", "init")
	rt10Git(t, proj, "checkout", "-qb", "evil")
	mustLink(t, "../home", filepath.Join(proj, "sub"))
	rt10Git(t, proj, "add", "sub")
	rt10Git(t, proj, "commit", "-qm", "evil")
	rt10Git(t, proj, "checkout", "-q", "main")
	if _, err := os.Lstat(filepath.Join(proj, "sub")); err == nil {
		t.Fatal("sub is still there on main")
	}
	// The control: bash prints the token through the committed link.
	if out := rtRun(t, proj, "git switch -q evil && cat sub/tok.txt; git switch -q main"); !strings.Contains(out, "ghp_") {
		t.Fatalf("the switch did not bring the link (%q): the premise does not hold here", out)
	}
	if _, err := os.Lstat(filepath.Join(proj, "sub")); err == nil {
		t.Fatal("sub is still there on main")
	}
	for _, c := range []string{
		"git switch evil && cat sub/tok.txt",
		"git switch -q evil; cd sub && cat tok.txt",
		"git checkout evil && cat sub/tok.txt",
		"git merge evil && cat sub/tok.txt",
		"git merge --ff-only evil && head sub/tok.txt",
		"git cherry-pick evil && cat sub/tok.txt",
		"git rebase evil && cat sub/tok.txt",
		"git stash pop && cat sub/tok.txt",
		"git switch evil && grep -r ghp sub",
		"cd src && git switch evil && cat ../sub/tok.txt",
		"git switch evil && cat " + filepath.Join(proj, "sub", "tok.txt"),
	} {
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if runs, why := rt9Runs(set, proj, c, mode); runs {
				t.Errorf("%q in %s: %s; want asked (the checkout may put a link where the read goes)", c, mode, why)
			}
		}
	}
	// What reads nothing the checkout wrote, or only names, still runs.
	for _, c := range []string{"git switch evil && ls", "git switch evil && git status", "git checkout -b x && git log --oneline -1",
		"cat a.txt && git switch evil"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
}
