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

// TestResolveEnclosingShared: roots side by side share the walk above them
// (a level looked at once ends the next root's walk); what is found for
// them together is what each finds alone: repositories nested in each
// other's subdirectories, roots in .git/hooks, in .vscode, and outside any
// repository, each pair in both orders, which reach a level first with and without a
// .git below it.
func TestResolveEnclosingShared(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(tmp, "home")
	outer := filepath.Join(tmp, "w", "outer")
	git(t, tmp, "init", "-q", outer)
	git(t, outer, "config", "core.hooksPath", "tools/githooks") // found through outer's config only
	inner := filepath.Join(outer, "vendor", "inner")
	git(t, tmp, "init", "-q", inner)
	for _, f := range []string{"vendor/inner/src/a/x", "vendor/inner/src/b/x", "vendor/lib/x", "src/x", ".vscode/sub/x", "tools/githooks/pre-commit"} {
		write(t, filepath.Join(outer, f), "")
	}
	write(t, filepath.Join(tmp, "w", "plain", "a", "x"), "")
	write(t, filepath.Join(tmp, "w", "plain", "b", "x"), "")
	roots := []string{
		filepath.Join(inner, "src", "a"), filepath.Join(outer, "vendor", "lib"), filepath.Join(inner, "src", "b"),
		filepath.Join(outer, "src"), filepath.Join(outer, ".git", "hooks"), filepath.Join(inner, ".git", "hooks"),
		filepath.Join(outer, ".vscode", "sub"), filepath.Join(tmp, "w", "plain", "a"), filepath.Join(tmp, "w", "plain", "b"),
		filepath.Join(outer, "tools"),
	}
	set := func(fs []Found) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Path+" "+f.Entry.Pattern)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	alone := map[string][2][]string{}
	for _, r := range roots {
		p, s := Default().Resolve([]string{r}, nil, home)
		alone[r] = [2][]string{set(p), set(s)}
	}
	for _, a := range roots {
		for _, b := range roots {
			if a == b {
				continue
			}
			p, s := Default().Resolve([]string{a, b}, nil, home)
			want := [2][]string{set(nil), set(nil)}
			for k := range want {
				want[k] = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(alone[a][k]), alone[b][k]...))))
			}
			if got := set(p); !slices.Equal(got, want[0]) {
				t.Errorf("protected for %s then %s:\n%v\nwant (each alone):\n%v", a, b, got, want[0])
			}
			if got := set(s); !slices.Equal(got, want[1]) {
				t.Errorf("secrets for %s then %s:\n%v\nwant (each alone):\n%v", a, b, got, want[1])
			}
		}
	}
}
