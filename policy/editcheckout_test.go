package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestEditAgentCheckout (edits-4 E1): Claude Code's worktrees (`claude
// --worktree NAME`, a subagent's `isolation: worktree`) are checkouts in
// PROJECT/.claude/worktrees/NAME, inside the protected .claude: every edit of
// a checkout's sources was asked in auto-edit and refused in full-auto. A
// checkout the project's repository lists is now a work tree of its own: its
// files are written, its own protected paths (.claude, .git, .envrc,
// .vscode/tasks.json) stay protected, and so does the rest of the project's
// .claude. A directory there that the repository does not list (a .git file
// naming another checkout's git directory, a repository of its own, another
// repository's worktree) is no checkout, nor is a worktree at .claude itself.
func TestEditAgentCheckout(t *testing.T) {
	base, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(base, "home")
	proj := filepath.Join(base, "proj")
	other := filepath.Join(base, "other")
	os.MkdirAll(home, 0o755)
	git := func(dir string, args ...string) {
		t.Helper()
		os.MkdirAll(dir, 0o755)
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, dir := range []string{proj, other} {
		git(dir, "init", "-q")
		git(dir, "commit", "-q", "--allow-empty", "-m", "init")
	}
	claude := filepath.Join(proj, ".claude")
	wt := filepath.Join(claude, "worktrees", "feat")
	git(proj, "worktree", "add", "-q", wt, "-b", "feat")
	os.WriteFile(filepath.Join(claude, "settings.json"), []byte("{}\n"), 0o644)
	// Not checkouts: a .git file naming feat's git directory, a repository
	// of its own, another repository's worktree.
	forged := filepath.Join(claude, "worktrees", "forged")
	os.MkdirAll(forged, 0o755)
	os.WriteFile(filepath.Join(forged, ".git"), []byte("gitdir: "+filepath.Join(proj, ".git", "worktrees", "feat")+"\n"), 0o644)
	git(filepath.Join(claude, "worktrees", "ownrepo"), "init", "-q")
	git(other, "worktree", "add", "-q", filepath.Join(claude, "worktrees", "foreign"), "-b", "foreign")
	// A worktree at .claude itself, in a project that had none.
	proj2 := filepath.Join(base, "proj2")
	git(proj2, "init", "-q")
	git(proj2, "commit", "-q", "--allow-empty", "-m", "init")
	git(proj2, "worktree", "add", "-q", filepath.Join(proj2, ".claude"), "-b", "c")

	for _, tc := range []struct {
		rel     string
		allowed bool
	}{
		{".claude/worktrees/feat/src/main.go", true},
		{".claude/worktrees/feat/README.md", true},
		{".claude/worktrees/feat/docs/.claude-notes.md", true},
		{".claude/worktrees/feat/.claude/settings.json", false},
		{".claude/worktrees/feat/.claude/settings.local.json", false},
		{".claude/worktrees/feat/.git", false},
		{".claude/worktrees/feat/.envrc", false},
		{".claude/worktrees/feat/.vscode/tasks.json", false},
		{".claude/worktrees/feat/sub/.claude/settings.json", false},
		{".claude/settings.json", false},
		{".claude/agents/x.md", false},
		{".claude/worktrees/feat2/x", false},
		{".claude/worktrees/x", false},
		{".claude/worktrees/forged/src/main.go", false},
		{".claude/worktrees/ownrepo/src/main.go", false},
		{".claude/worktrees/foreign/src/main.go", false},
	} {
		p := filepath.Join(proj, tc.rel)
		for _, roots := range [][]string{{proj}, {wt}} {
			for mode, refused := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
				want := refused
				if tc.allowed && policy.Inside(p, roots[0]) {
					want = policy.Run
				}
				if d := policy.DecideEdit([]string{p}, mode, roots, nil, home); d.Action != want {
					t.Errorf("%s, root %s, %s: %v (%s), want %v", tc.rel, roots[0], mode, d.Action, d.Reason, want)
				}
			}
		}
	}
	for _, rel := range []string{".claude/settings.json", ".claude/src/main.go"} {
		if d := policy.DecideEdit([]string{filepath.Join(proj2, rel)}, policy.AutoEdit, []string{proj2}, nil, home); d.Action != policy.Ask {
			t.Errorf("a worktree at .claude itself: %s: %v (%s), want ask", rel, d.Action, d.Reason)
		}
	}
}
