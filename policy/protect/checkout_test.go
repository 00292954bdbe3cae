package protect

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestResolveAgentCheckout: a checkout Claude Code makes in
// .claude/worktrees/NAME that the project's repository lists is returned as
// a Checkout inside the protected .claude, its own protected paths with it
// (not pruned below .claude); a directory there with a .git file naming that
// checkout's git directory is none. MatchBelow matches the names at any
// depth from the checkout's top down.
func TestResolveAgentCheckout(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	base, _ := filepath.EvalSymlinks(t.TempDir())
	proj := filepath.Join(base, "proj")
	wt := filepath.Join(proj, ".claude", "worktrees", "feat")
	forged := filepath.Join(proj, ".claude", "worktrees", "forged")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", proj, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+base, "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(filepath.Join(proj, ".claude"), 0o755)
	os.WriteFile(filepath.Join(proj, ".claude", "settings.json"), []byte("{}"), 0o644)
	git("init", "-q")
	os.WriteFile(filepath.Join(proj, ".envrc"), []byte("# x\n"), 0o644)
	git("add", "-A")
	git("commit", "-qm", "init")
	git("worktree", "add", "-q", wt, "-b", "feat")
	os.MkdirAll(forged, 0o755)
	os.WriteFile(filepath.Join(forged, ".git"), []byte("gitdir: "+filepath.Join(proj, ".git", "worktrees", "feat")+"\n"), 0o644)

	if got := CheckoutTop(filepath.Join(wt, "src", "main.go")); got != wt {
		t.Errorf("CheckoutTop in the checkout: %q, want %q", got, wt)
	}
	for _, p := range []string{filepath.Join(forged, "x"), filepath.Join(proj, ".claude", "settings.json"), filepath.Join(proj, "src")} {
		if got := CheckoutTop(p); got != "" {
			t.Errorf("CheckoutTop(%s) = %q, want none", p, got)
		}
	}
	for _, roots := range [][]string{{proj}, {wt}} {
		prot, _ := Default().Resolve(roots, roots, base)
		var checkouts, paths []string
		for _, f := range prot {
			if f.Checkout {
				checkouts = append(checkouts, f.Path)
			} else {
				paths = append(paths, f.Path)
			}
		}
		if !slices.Equal(checkouts, []string{wt}) {
			t.Errorf("roots %v: checkouts %v, want %v", roots, checkouts, []string{wt})
		}
		for _, want := range []string{filepath.Join(proj, ".claude"), filepath.Join(wt, ".claude"), filepath.Join(wt, ".git"), filepath.Join(wt, ".envrc")} {
			if !slices.Contains(paths, want) {
				t.Errorf("roots %v: %s not protected (%v)", roots, want, paths)
			}
		}
	}
	l := Default()
	for p, want := range map[string]bool{
		filepath.Join(wt, "src", "main.go"):           false,
		filepath.Join(wt, ".claude", "settings.json"): true,
		filepath.Join(wt, "a", ".envrc"):              true,
		filepath.Join(wt, ".vscode", "tasks.json"):    true,
	} {
		if got := l.MatchBelow(Protected, p, base, wt) != nil; got != want {
			t.Errorf("MatchBelow(%s): %v, want %v", p, got, want)
		}
		if l.Match(Protected, p, base) == nil {
			t.Errorf("Match(%s): not protected without the checkout's top", p)
		}
	}
}
