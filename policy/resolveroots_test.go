package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// TestResolveRoots: the remembering resolver gives what Resolve gives,
// through symlinks (absolute, relative, chained, looping, dangling), missing
// components, files and "..".
func TestResolveRoots(t *testing.T) {
	base := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(base, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(base, name)); err != nil {
			t.Fatal(err)
		}
	}
	mk("a/b/c")
	mk("x/y")
	if err := os.WriteFile(filepath.Join(base, "a/file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ln(filepath.Join(base, "x"), "a/abs")
	ln("../x/y", "a/rel")
	ln("rel", "a/chain")
	ln("loop2", "a/loop1")
	ln("loop1", "a/loop2")
	ln("/nonexistent-guard/z", "a/dangling")
	ln("b/..", "a/dotdot")
	var paths []string
	for _, p := range []string{
		"a", "a/b", "a/b/c", "a/b/c/missing/deeper", "a/file", "a/file/below",
		"a/abs", "a/abs/y", "a/rel", "a/rel/new", "a/chain", "a/chain/q",
		"a/loop1", "a/loop1/z", "a/dangling", "a/dangling/w", "a/dotdot", "a/dotdot/b",
		"a/rel/../b", "a/./b//c/", "x/y/../../a/abs",
	} {
		paths = append(paths, base+"/"+p)
	}
	got := ResolveRoots(paths)
	for i, p := range paths {
		if want := Resolve(p, "/"); got[i] != want {
			t.Errorf("ResolveRoots: %s -> %s, want %s (Resolve)", p, got[i], want)
		}
	}
}
