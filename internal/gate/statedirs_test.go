package gate

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMakeStateDirs: guard's missing state directories are made when a
// writable root holds them (a sandboxed program could otherwise create
// ~/.config/guard/config.toml), and only then.
func TestMakeStateDirs(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(base, "home")
	os.MkdirAll(home, 0o755)
	env := map[string]string{"HOME": home}
	g := &Gate{Getenv: func(k string) string { return env[k] }}

	g.makeStateDirs([]string{filepath.Join(base, "elsewhere")})
	if _, err := os.Stat(filepath.Join(home, ".config")); err == nil {
		t.Fatal("state directories made outside every root")
	}
	g.makeStateDirs([]string{home})
	for d, mode := range map[string]os.FileMode{".config/guard": 0o755, ".cache/guard/policies": 0o755,
		".local/state/guard": 0o700, ".local/share/guard/shims": 0o755} {
		fi, err := os.Stat(filepath.Join(home, d))
		if err != nil || !fi.IsDir() {
			t.Errorf("%s: not made (%v)", d, err)
			continue
		}
		if fi.Mode().Perm()&^mode != 0 {
			t.Errorf("%s: mode %v, want at most %v", d, fi.Mode().Perm(), mode)
		}
	}
	// HOME through a symlink into the root: the resolved path is what counts.
	real := filepath.Join(base, "proj", "realhome")
	os.MkdirAll(real, 0o755)
	if err := os.Symlink(real, filepath.Join(base, "linkhome")); err != nil {
		t.Fatal(err)
	}
	env["HOME"] = filepath.Join(base, "linkhome")
	g.makeStateDirs([]string{filepath.Join(base, "proj")})
	if _, err := os.Stat(filepath.Join(real, ".config", "guard")); err != nil {
		t.Errorf("HOME a symlink into the root: %v", err)
	}
	// "/" as a root: the sandbox protects nothing then; nothing is made.
	other := filepath.Join(base, "other")
	env["HOME"] = other
	g.makeStateDirs([]string{"/"})
	if _, err := os.Stat(other); err == nil {
		t.Error("state directories made with / as the root")
	}
}

// BenchmarkMakeStateDirs: the cost before every sandboxed run, with guard's
// state directories missing and outside the roots (the usual case: home is
// not a root), which resolves each one.
func BenchmarkMakeStateDirs(b *testing.B) {
	home := filepath.Join(b.TempDir(), "home")
	os.MkdirAll(home, 0o755)
	g := &Gate{Getenv: func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}}
	roots := []string{"/nonexistent/project", "/var/tmp/nonexistent"}
	for b.Loop() {
		g.makeStateDirs(roots)
	}
}
