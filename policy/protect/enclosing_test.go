package protect

import (
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestResolveEnclosing: a root inside a protected path (the working directory
// in .git/hooks, in core.hooksPath, below .vscode or ~/.claude) gets that path
// back, so that the sandbox can drop the root; a root in an ordinary
// subdirectory of a repository gets none of the repository's git paths.
func TestResolveEnclosing(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(tmp, "home")
	p := filepath.Join(tmp, "p")
	git(t, tmp, "init", "-q", p)
	git(t, p, "config", "core.hooksPath", "tools/githooks")
	write(t, filepath.Join(p, "tools", "githooks", "sub", "pre-commit"), "")
	write(t, filepath.Join(p, ".vscode", "sub", "x"), "")
	write(t, filepath.Join(p, "src", "main.go"), "")
	write(t, filepath.Join(home, ".claude", "skills", "s", "SKILL.md"), "")
	for _, tc := range []struct {
		root string
		want string // "": nothing holds the root
	}{
		{filepath.Join(p, ".git", "hooks"), filepath.Join(p, ".git", "hooks")},
		{filepath.Join(p, "tools", "githooks", "sub"), filepath.Join(p, "tools", "githooks")},
		{filepath.Join(p, ".vscode", "sub"), filepath.Join(p, ".vscode")},
		{filepath.Join(home, ".claude", "skills", "s"), filepath.Join(home, ".claude")},
		{filepath.Join(p, "src"), ""},
	} {
		prot, _ := Default().Resolve([]string{tc.root}, nil, home)
		var holders []string
		for _, f := range prot {
			if within(tc.root, f.Path) {
				holders = append(holders, f.Path)
			}
		}
		switch {
		case tc.want == "" && len(holders) > 0:
			t.Errorf("root %s: held by %v, want nothing", tc.root, holders)
		case tc.want != "" && !slices.Contains(holders, tc.want):
			t.Errorf("root %s: held by %v, want %s", tc.root, holders, tc.want)
		}
	}
}

// TestResolveUserHooksPath: the user's own git config's core.hooksPath (and
// what it includes) is protected where it reaches a root, with no repository
// at a root's top: the home as the root, or the hooks directory itself.
func TestResolveUserHooksPath(t *testing.T) {
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(tmp, "home")
	write(t, filepath.Join(home, ".gitconfig"), "[core]\n\thooksPath = ~/.githooks\n[include]\n\tpath = dotfiles/git.inc\n[init]\n\ttemplateDir = ~/.git-templates\n")
	write(t, filepath.Join(home, ".git-templates", "hooks", "post-checkout"), "")
	write(t, filepath.Join(home, ".githooks", "pre-commit"), "")
	write(t, filepath.Join(home, "dotfiles", "git.inc"), "")
	for _, root := range []string{home, filepath.Join(home, ".githooks")} {
		prot, _ := Default().Resolve([]string{root}, nil, home)
		var got []string
		for _, f := range prot {
			got = append(got, f.Path)
		}
		if !slices.Contains(got, filepath.Join(home, ".githooks")) {
			t.Errorf("root %s: protected %v, want ~/.githooks", root, got)
		}
		if root == home && !slices.Contains(got, filepath.Join(home, "dotfiles", "git.inc")) {
			t.Errorf("root %s: protected %v, want the included dotfiles/git.inc", root, got)
		}
		if root == home && !slices.Contains(got, filepath.Join(home, ".git-templates")) {
			t.Errorf("root %s: protected %v, want init.templateDir's ~/.git-templates", root, got)
		}
	}
}

// TestCommandFiles: the words of a git command value that name files.
func TestCommandFiles(t *testing.T) {
	for v, want := range map[string][]string{
		"./tools/fsmon.sh":              {"./tools/fsmon.sh"},
		"python3 ~/scripts/tc.py --x":   {"~/scripts/tc.py"},
		"!~/bin/st.sh -s":               {"~/bin/st.sh"},
		"true":                          nil,
		"store":                         nil,
		`"/opt/my tool/x"`:              {"/opt/my", "tool/x"}, // cut at the space: each word looked up, only existing files count
		"git-lfs filter-process":        nil,
		"!f() { echo https://x/y; }; f": nil,
	} {
		if got := commandFiles(v); !slices.Equal(got, want) {
			t.Errorf("commandFiles(%q) = %q, want %q", v, got, want)
		}
	}
}
