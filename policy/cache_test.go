package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The default policy's source uses every builtin: evaluated once, then read
// back from the cache, it must be the same policy and judge alike.
func TestCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "default.policy")
	if err := os.WriteFile(file, DefaultSource(), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Cache{Dir: filepath.Join(dir, "cache"), Version: "v1"}
	evaluated, err := c.LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(file)
	key, _ := keyOf(abs)
	cached := c.read(abs, key)
	if cached == nil {
		t.Fatal("no cache entry after a load")
	}
	a, _ := json.Marshal(evaluated)
	b, _ := json.Marshal(cached)
	if string(a) != string(b) {
		t.Fatal("the cached policy differs from the evaluated one")
	}
	for _, argv := range [][]string{
		{"ls", "-la"}, {"rm", "-rf", "/"}, {"git", "status"}, {"git", "push"}, {"cp", "a", "b"},
		{"sed", "-i", "s/a/b/", "f"}, {"mkfs.ext4", "/dev/sda"}, {"find", ".", "-delete"}, {"python3", "x.py"},
	} {
		r1, r2 := Set{evaluated}.Check(argv), Set{cached}.Check(argv)
		if j1, j2 := r1.JSON(), r2.JSON(); string(j1) != string(j2) {
			t.Errorf("%q: evaluated %s, cached %s", argv, j1, j2)
		}
	}
}

// An entry is used only for the file it was made from: a rewrite of the same
// size with the modification time set back, another version of guard, or a
// damaged entry all mean evaluating the file again.
func TestCacheInvalidation(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.policy")
	allow := `define_program(program = "aaa", args = [])`
	deny := `define_program(program = "bbb", args = [])`
	if err := os.WriteFile(file, []byte(allow), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Cache{Dir: filepath.Join(dir, "cache"), Version: "v1"}
	programs := func(c Cache) string {
		t.Helper()
		p, err := c.LoadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return p.Programs[0].Key
	}
	if got := programs(c); got != "aaa" {
		t.Fatalf("first load: %s", got)
	}
	fi, _ := os.Stat(file)
	time.Sleep(10 * time.Millisecond) // a later change time
	if err := os.WriteFile(file, []byte(deny), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(file, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got := programs(c); got != "bbb" {
		t.Errorf("after a same-size rewrite with the old mtime: %s, want bbb", got)
	}
	// Another version writes its own entry; the old one is not used.
	abs, _ := filepath.Abs(file)
	key, _ := keyOf(abs)
	if c2 := (Cache{Dir: c.Dir, Version: "v2"}); c2.read(abs, key) != nil {
		t.Error("an entry of version v1 was used by v2")
	}
	// A damaged entry is passed over, then replaced.
	if err := os.WriteFile(c.entry(abs), []byte(`{"Format":1,"Version":"v1","Key":`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := programs(c); got != "bbb" {
		t.Errorf("with a damaged entry: %s", got)
	}
	if c.read(abs, key) == nil {
		t.Error("the damaged entry was not replaced")
	}
	// No cache directory: plain loading.
	if got := programs(Cache{}); got != "bbb" {
		t.Errorf("without a cache: %s", got)
	}
}

// A policy that does not load leaves no entry: the error comes again next time.
func TestCacheKeepsNoErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.policy")
	if err := os.WriteFile(file, []byte(`define_program(`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Cache{Dir: filepath.Join(dir, "cache"), Version: "v1"}
	for i := 0; i < 2; i++ {
		if _, err := c.LoadFile(file); err == nil {
			t.Fatalf("load %d of a broken policy succeeded", i+1)
		}
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Errorf("entries for a broken policy: %v", entries)
	}
}
