package gate

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"guard/policy"
)

// TestTMPDIRNotHome: a TMPDIR that is the home, a directory above it (as
// written or through a link) or "/" is no writable root: a command sets
// TMPDIR for one run where no guard above judges it (a shim's), and
// `TMPDIR=~ rm -rf ~/x` ran through an rm shim in auto-edit. A TMPDIR below
// the home, or elsewhere, is one as before. The home lies outside /tmp
// (always a root) so that only TMPDIR could make it one.
func TestTMPDIRNotHome(t *testing.T) {
	base, err := os.MkdirTemp("/var/tmp", "guard-tmpdir-")
	if err != nil {
		t.Skip("no /var/tmp to make a home outside /tmp in:", err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	home := filepath.Join(base, "home")
	work := filepath.Join(base, "work")
	for _, d := range []string{filepath.Join(home, "tmp"), work, filepath.Join(home, "x"), filepath.Join(base, "other")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(home, filepath.Join(work, "to-home")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	for _, c := range []struct {
		tmpdir string
		root   bool
	}{
		{home, false},
		{home + "/", false},
		{base, false},
		{"/", false},
		{filepath.Join(work, "to-home"), false},
		{filepath.Join(home, "tmp"), true},
		{filepath.Join(base, "other"), true},
	} {
		env := []string{"PATH=/usr/bin:/bin", "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "TMPDIR=" + c.tmpdir}
		g, err := New(Options{Mode: "auto-edit"}, env, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(g.Roots, filepath.Clean(c.tmpdir)); got != c.root {
			t.Errorf("TMPDIR=%s: a writable root %v, want %v (roots %q)", c.tmpdir, got, c.root, g.Roots)
		}
		if _, d := g.Judge([]string{"rm", "-rf", filepath.Join(home, "x")}); !c.root && d.Action == policy.Run {
			t.Errorf("TMPDIR=%s: rm -rf ~/x runs unasked in auto-edit", c.tmpdir)
		}
	}
}
