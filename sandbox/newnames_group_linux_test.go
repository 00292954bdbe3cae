package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// TestNewNamesByGroup: lookForNewNames, which takes the list's entries by
// their first component, notes in each directory what the entries taken
// one by one note (the first entry for each missing relative path, in list
// order; nothing below a .git, .hg or .jj that is not a directory), over
// directories that hold none, some or all of the names, and repositories
// present, missing or files.
func TestNewNamesByGroup(t *testing.T) {
	entries := protect.Default().Literal(protect.Protected)
	entries = append(entries, protect.Entry{Pattern: ".git", Kind: protect.Protected}, protect.Entry{Pattern: ".vscode/x/y", Kind: protect.Protected})
	base := t.TempDir()
	layouts := map[string][]string{
		"empty":     nil,
		"repo":      {".git/hooks/", ".git/config", ".vscode/"},
		"repo file": {".git", ".hg/", ".envrc"},
		"many":      {".git/", ".git/info/", ".vscode/x/", ".claude/", ".envrc", ".jj/", ".husky/"},
	}
	var roots []root
	for name, paths := range layouts {
		dir := filepath.Join(base, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			full := filepath.Join(dir, p)
			if strings.HasSuffix(p, "/") {
				err := os.MkdirAll(full, 0o755)
				if err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		roots = append(roots, root{path: dir})
	}
	c := &confinement{roots: roots, cwd: base}
	n := lookForNewNames(c, entries, nil, "")
	defer n.close()
	got := map[string][]missingPath{}
	for _, h := range n.dirs {
		got[h.path] = h.missing
	}
	for _, r := range roots {
		// One by one, as it was.
		fd, err := unix.Open(r.path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		names, listed := dirNames(fd, make([]byte, dirNamesBuf))
		var want []missingPath
		for i, e := range entries {
			first, _, deeper := strings.Cut(e.Pattern, "/")
			if deeper && (first == ".git" || first == ".hg" || first == ".jj") && !isDirAt(fd, first) {
				continue
			}
			rel := missingPrefix(fd, e.Pattern, names, listed)
			if rel != "" && !slices.ContainsFunc(want, func(m missingPath) bool { return m.rel == rel }) {
				want = append(want, missingPath{rel, i})
			}
		}
		unix.Close(fd)
		g := got[r.path]
		if len(g) != len(want) {
			t.Fatalf("%s: %d paths noted, want %d\n got %v\nwant %v", r.path, len(g), len(want), g, want)
		}
		for i := range want {
			if g[i] != want[i] {
				t.Errorf("%s: noted #%d %s (%s), want %s (%s)", r.path, i, g[i].rel, entries[g[i].at].Pattern, want[i].rel, entries[want[i].at].Pattern)
			}
		}
	}
}
