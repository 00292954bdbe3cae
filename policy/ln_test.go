package policy_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"guard/policy"
)

// TestLnTargetFromLinkDir: `ln -s TARGET LINK` writes LINK, and its target
// counts as written where the link will point: a relative TARGET resolved
// from LINK's directory (from the working directory only with -r), and
// LINK/base(TARGET) when LINK is a directory. A link that points outside
// the roots is asked about in auto-edit; one that stays inside runs.
func TestLnTargetFromLinkDir(t *testing.T) {
	set := defaultSet(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	for _, d := range []string{"lib", "shared", "web/node_modules"} {
		if err := os.MkdirAll(filepath.Join(proj, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(proj, "shared"), filepath.Join(proj, "dirlink")); err != nil {
		t.Fatal(err)
	}
	roots := []string{proj}
	for _, c := range []struct {
		argv   []string
		writes []string // relative to proj
		run    bool     // runs unasked in auto-edit
	}{
		// From cwd, ../shared is outside proj; from lib/ it is proj/shared.
		{[]string{"ln", "-s", "../shared", "lib/shared"}, []string{"lib/shared", "lib/../shared"}, true},
		{[]string{"ln", "-sf", "../../shared", "web/node_modules/shared"}, []string{"web/node_modules/shared", "web/node_modules/../../shared"}, true},
		// LINK is a directory: the link is lib/shared, its target lib/../shared.
		{[]string{"ln", "-s", "../shared", "lib"}, []string{"lib/shared", "lib/../shared"}, true},
		{[]string{"ln", "-s", "../shared", "lib/"}, []string{"lib/shared", "lib/../shared"}, true},
		// Several targets into a directory.
		{[]string{"ln", "-s", "../a", "../b", "lib"}, []string{"lib/a", "lib/../a", "lib/b", "lib/../b"}, true},
		// -T: LINK is the link even when it is a directory; -n: a link to a directory is replaced.
		{[]string{"ln", "-T", "-s", "shared", "lib"}, []string{"lib", "shared"}, true},
		{[]string{"ln", "-sfn", "lib", "dirlink"}, []string{"dirlink", "lib"}, true},
		// -r: TARGET is relative to the working directory.
		{[]string{"ln", "-sr", "shared", "lib/shared"}, []string{"lib/shared", "shared"}, true},
		// Pointing outside the roots, however it is spelt.
		{[]string{"ln", "-s", "../x", "link"}, []string{"link", "../x"}, false},
		{[]string{"ln", "-s", "../../x", "lib/link"}, []string{"lib/link", "lib/../../x"}, false},
		{[]string{"ln", "-s", "/etc/passwd", "lib/pw"}, []string{"lib/pw", "/etc/passwd"}, false},
		{[]string{"ln", "-sr", "../x", "lib/x"}, []string{"lib/x", "../x"}, false},
		// Into .git (protected) stays asked.
		{[]string{"ln", "-s", "../../x", ".git/hooks/pre-commit"}, nil, false},
	} {
		v := set.Judge(c.argv, proj)
		if v.Class != policy.Match {
			t.Errorf("%q: class %s, want match", c.argv, v.Class)
			continue
		}
		var want []string
		for _, w := range c.writes {
			if filepath.IsAbs(w) {
				want = append(want, w)
			} else {
				want = append(want, proj+"/"+w)
			}
		}
		if c.writes != nil && !slices.Equal(v.Writes, want) {
			t.Errorf("%q: writes %q, want %q", c.argv, v.Writes, want)
		}
		d := policy.Decide(&v, policy.AutoEdit, roots)
		if got := d.Action == policy.Run; got != c.run {
			t.Errorf("%q: auto-edit %s (%s), want run=%v", c.argv, d.Action, d.Reason, c.run)
		}
		if d := policy.Decide(&v, policy.Suggest, roots); d.Action == policy.Run {
			t.Errorf("%q: runs unasked in suggest mode", c.argv)
		}
	}
}
