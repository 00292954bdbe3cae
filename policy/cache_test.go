package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	whole := func(p *Policy) []byte {
		b, _ := json.Marshal(struct {
			P        *Policy
			Programs Table[[]Spec]
			Prefixes Table[[]PrefixRule]
		}{&Policy{Paths: p.Paths, HostExecutables: p.HostExecutables, ProgramRegexes: p.ProgramRegexes,
			Substrings: p.Substrings, NetworkRules: p.NetworkRules, File: p.File}, p.AllPrograms(), p.AllPrefixes()})
		return b
	}
	if a, b := whole(evaluated), whole(cached); string(a) != string(b) {
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

// rulesFile writes a policy with n remembered rules (one prefix rule and
// one define_program per program, as "always" answers are).
func rulesFile(t testing.TB, dir string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "prefix_rule(pattern = [\"tool%d\", \"run\"], decision = \"allow\")\n", i)
		if i%10 == 2 {
			fmt.Fprintf(&b, "define_program(program = \"prog%d\", options = [flag(\"-v\")], args = [ARG_RFILES_OR_CWD])\n", i)
		}
	}
	file := filepath.Join(dir, "user.policy")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// An indexed entry serves every rule, and a damaged chunk makes the policy
// evaluate its file again: no rule is ever lost to a bad cache.
func TestCacheIndexed(t *testing.T) {
	dir := t.TempDir()
	file := rulesFile(t, dir, 300)
	c := Cache{Dir: filepath.Join(dir, "cache"), Version: "v1"}
	if _, err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	p, err := c.LoadFile(file)
	if err != nil || p.lazy == nil {
		t.Fatalf("second load: %v, lazy %v", err, p != nil && p.lazy != nil)
	}
	for _, tt := range []struct {
		argv []string
		want Class
	}{
		{[]string{"tool7", "run", "x"}, Safe}, {[]string{"tool299", "run"}, Safe}, {[]string{"tool7", "stop"}, Unverified},
		{[]string{"prog12", "-v", "a"}, Safe}, {[]string{"prog12", "-x"}, Unverified}, {[]string{"nothing"}, Unverified},
	} {
		if r := (Set{p}).Check(tt.argv); r.Class != tt.want {
			t.Errorf("%q: %s, want %s", tt.argv, r.Class, tt.want)
		}
	}
	// Damage one chunk in place (same key: the entry is still "current").
	abs, _ := filepath.Abs(file)
	entry := c.entry(abs)
	b, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), `"tool42"`)
	if i < 0 {
		t.Fatal("no chunk for tool42 in the entry")
	}
	copy(b[i:], "{{{{{{{{")
	if err := os.WriteFile(entry, b, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err = c.LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if r := (Set{p}).Check([]string{"tool42", "run"}); r.Class != Safe {
		t.Errorf("damaged chunk: tool42 run is %s, want safe (from the file evaluated again)", r.Class)
	}
	// A truncated or garbled entry is not used at all.
	for _, bad := range [][]byte{b[:len(b)/2], []byte("GUARDC3\n\xff\xff\xff\xff"), []byte("{}")} {
		if _, _, err := decodeLazy(bad); err == nil && len(bad) < 20 {
			t.Errorf("decodeLazy(%q) accepted", bad)
		}
	}
}

// BenchmarkCachedRules: loading a cached policy file with n remembered
// rules and checking one argv. The cost must stay flat in n (issue 13:
// 1,000 rules within 1.3x of the exec-only floor, 10,000 within 2x).
func BenchmarkCachedRules(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			file := rulesFile(b, dir, n)
			c := Cache{Dir: filepath.Join(dir, "cache"), Version: "v1"}
			if _, err := c.LoadFile(file); err != nil {
				b.Fatal(err)
			}
			argv := []string{"pwd"}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, err := c.LoadFile(file)
				if err != nil || p.lazy == nil {
					b.Fatal("no indexed entry")
				}
				if r := (Set{p}).Check(argv); r.Class != Unverified {
					b.Fatal(r.Class)
				}
			}
		})
	}
}

// Every truncation of an entry is refused without a panic, and the whole
// entry reads back its header and the policy-wide parts.
func TestLazyHeaderRoundTrip(t *testing.T) {
	h := &lazyHeader{Format: cacheFormat, Version: "v1", Key: fileKey{Path: "/p/user.policy", Dev: 1, Ino: 2, Size: 3, Mtime: -4, Ctime: 5}}
	p := &Policy{Paths: Table[[]string]{{"/bin/ls", []string{"ls"}}}, Prefixes: Table[[]PrefixRule]{}}
	b, err := encodeLazy(h, p)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := decodeLazy(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != h.Format || got.Version != h.Version || got.Key != h.Key || len(got.Policy.Paths) != 1 {
		t.Errorf("read back %+v, wrote %+v", got, h)
	}
	for i := 0; i < len(b); i++ {
		if _, _, err := decodeLazy(b[:i]); err == nil {
			t.Errorf("a %d-byte truncation of a %d-byte entry was accepted", i, len(b))
		}
	}
}

// An entry another user could have written is not used: where the cache
// lies in a directory others can write (XDG_CACHE_HOME in /tmp), an entry
// made for the file's very key, with the rules of another policy, would
// otherwise replace the user's policy.
func TestCacheEntryOfAnotherUserIgnored(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.policy")
	if err := os.WriteFile(file, []byte(`prefix_rule(pattern=["rm"], decision="forbidden")`), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(file)
	key, _ := keyOf(abs)
	loose, err := Load("loose.policy", []byte(`prefix_rule(pattern=["rm"], decision="allow")`))
	if err != nil {
		t.Fatal(err)
	}
	c := Cache{Dir: filepath.Join(dir, "cache"), Version: "v1"}
	forged, err := encodeLazy(&lazyHeader{Format: cacheFormat, Version: c.Version, Key: key}, loose)
	if err != nil {
		t.Fatal(err)
	}
	plant := func(mode os.FileMode, uid int) {
		t.Helper()
		if err := os.MkdirAll(c.Dir, 0o777); err != nil {
			t.Fatal(err)
		}
		e := c.entry(abs)
		os.Remove(e)
		if err := os.WriteFile(e, forged, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(e, mode); err != nil {
			t.Fatal(err)
		}
		if uid != os.Geteuid() {
			if err := os.Chown(e, uid, -1); err != nil {
				t.Skipf("cannot give the entry to another user here: %v", err)
			}
		}
	}
	decision := func() string {
		p, err := c.LoadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if (Set{p}).Check([]string{"rm", "x"}).Class == Forbidden {
			return "forbidden"
		}
		return "allow"
	}
	// The check can fail: the same entry, guard's own, is used.
	plant(0o600, os.Geteuid())
	if d := decision(); d != "allow" {
		t.Fatalf("guard's own entry was not used (rm: %s): the test shows nothing", d)
	}
	plant(0o666, os.Geteuid())
	if d := decision(); d != "forbidden" {
		t.Errorf("an entry others may write was used: rm %s", d)
	}
	plant(0o600, 65534)
	if d := decision(); d != "forbidden" {
		t.Errorf("another user's entry was used: rm %s", d)
	}
}
