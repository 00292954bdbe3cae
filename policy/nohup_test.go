package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestNohupWritesNohupOut: with its output on a terminal, nohup appends it
// to ./nohup.out. `nohup ls` was safe, and with nohup.out planted as a link
// to ~/.bashrc it added the listing (file names the agent chose) to the
// user's start-up file. It writes nohup.out now: asked in suggest, and in
// auto-edit run only when nohup.out resolves inside the roots.
func TestNohupWritesNohupOut(t *testing.T) {
	set := defaultSet(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj, planted := filepath.Join(base, "proj"), filepath.Join(base, "planted")
	for _, d := range []string{proj, planted} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(base, "home", ".bashrc"), filepath.Join(planted, "nohup.out")); err != nil {
		t.Fatal(err)
	}
	roots := []string{proj, planted}
	for _, c := range []struct {
		dir, script string
		autoEdit    bool // runs unasked in auto-edit
	}{
		{proj, "nohup ls", true},
		{proj, "timeout 5 nohup ls -la", true},
		{planted, "nohup ls", false},
		{planted, "nice nohup ls", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.script}, c.dir)
		if d := policy.Decide(&v, policy.Suggest, roots); d.Action == policy.Run {
			t.Errorf("%s in %s: runs unasked in suggest (%s)", c.script, c.dir, v.Why())
		}
		v = set.Judge([]string{"bash", "-c", c.script}, c.dir)
		d := policy.Decide(&v, policy.AutoEdit, roots)
		if got := d.Action == policy.Run; got != c.autoEdit {
			t.Errorf("%s in %s: auto-edit runs it unasked = %v, want %v (%s; %s)", c.script, c.dir, got, c.autoEdit, v.Why(), d.Reason)
		}
	}
}
