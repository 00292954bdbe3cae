package gate

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestRootResolver: the remembering resolver gives what policy.Resolve gives,
// through symlinks (absolute, relative, chained, looping, dangling), missing
// components, files and "..".
func TestRootResolver(t *testing.T) {
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
	m := rootResolver{}
	for _, p := range []string{
		"a", "a/b", "a/b/c", "a/b/c/missing/deeper", "a/file", "a/file/below",
		"a/abs", "a/abs/y", "a/rel", "a/rel/new", "a/chain", "a/chain/q",
		"a/loop1", "a/loop1/z", "a/dangling", "a/dangling/w", "a/dotdot", "a/dotdot/b",
		"a/rel/../b", "a/./b//c/", "x/y/../../a/abs",
	} {
		abs := base + "/" + p
		if got, want := m.resolve(abs), policy.Resolve(abs, "/"); got != want {
			t.Errorf("resolve(%s) = %s, want %s (policy.Resolve)", p, got, want)
		}
	}
}

// TestWritesConfined: only auto-edit's "match, every write inside" runs
// write-confined; safe commands, approvals, other modes and actions do not.
func TestWritesConfined(t *testing.T) {
	for _, tt := range []struct {
		mode  policy.Mode
		d     policy.Decision
		wants bool
	}{
		{policy.AutoEdit, policy.Decision{Action: policy.Run, Class: policy.Match}, true},
		{policy.AutoEdit, policy.Decision{Action: policy.Run, Class: policy.Safe}, false},
		{policy.AutoEdit, policy.Decision{Action: policy.Ask, Class: policy.Match}, false},
		{policy.AutoEdit, policy.Decision{Action: policy.Refuse, Class: policy.Forbidden}, false},
		{policy.Suggest, policy.Decision{Action: policy.Run, Class: policy.Safe}, false},
		{policy.FullAuto, policy.Decision{Action: policy.RunSandboxed, Class: policy.Match}, false},
	} {
		if got := writesConfined(tt.mode, tt.d); got != tt.wants {
			t.Errorf("writesConfined(%s, %s %s) = %v, want %v", tt.mode, tt.d.Action, tt.d.Class, got, tt.wants)
		}
	}
}
