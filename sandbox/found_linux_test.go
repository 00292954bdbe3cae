package sandbox

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy/protect"
)

// TestFoundFileOnlyWhenSomethingFound: what a root's scan found is
// remembered in a file of its own, and a root where nothing was found has
// none (300 roots with nothing in them read 300 files a run): it is made
// when a secret appears, kept while the secret is there and gone once it is.
func TestFoundFileOnlyWhenSomethingFound(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cache, root := filepath.Join(base, "cache"), filepath.Join(base, "proj")
	if err := os.MkdirAll(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	l := protect.Default()
	file := filepath.Join(cache, "found", foundName(root, listDigest(l)))
	run := func(unreadable ...string) {
		t.Helper()
		p := &Profile{WritableRoots: []string{root}, Unreadable: unreadable}
		keepFound(p, l, cache, nil)
	}
	exists := func() bool {
		_, err := os.Lstat(file)
		return err == nil
	}
	run()
	if exists() {
		t.Fatalf("a root with nothing found has a remembered file %s", file)
	}
	env := filepath.Join(root, ".env")
	if err := os.WriteFile(env, []byte("K=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(env)
	if !exists() {
		t.Fatalf("the secret %s found in the root is not remembered", env)
	}
	var p Profile
	p.WritableRoots = []string{root}
	keepFound(&p, l, cache, nil) // a later scan that did not reach it
	if len(p.Unreadable) != 1 || p.Unreadable[0] != env {
		t.Fatalf("a later run's unreadable paths: %q, want the remembered %s", p.Unreadable, env)
	}
	if err := os.Remove(env); err != nil {
		t.Fatal(err)
	}
	run()
	if exists() {
		t.Fatalf("the secret is gone, and its root's file %s stays", file)
	}
}
