package gate

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestSharedRoots: $TMPDIR and /tmp are the roots every process shares
// (no links or FIFOs made there in the sandbox), unless the project or the
// user's options name the same directory as a root of its own.
func TestSharedRoots(t *testing.T) {
	project, _ := filepath.EvalSymlinks(t.TempDir())
	tmpdir, _ := filepath.EvalSymlinks(t.TempDir())
	tmp, _ := filepath.EvalSymlinks("/tmp")
	for _, tc := range []struct {
		name string
		opts Options
		env  []string
		want []string
	}{
		{"a project apart", Options{Mode: "full-auto", Project: project}, []string{"TMPDIR=" + tmpdir}, []string{tmpdir, tmp}},
		{"the project is /tmp", Options{Mode: "full-auto", Project: "/tmp"}, []string{"TMPDIR=" + tmpdir}, []string{tmpdir}},
		{"TMPDIR named by --writable-root", Options{Mode: "full-auto", Project: project, Roots: []string{tmpdir}}, []string{"TMPDIR=" + tmpdir}, []string{tmp}},
		{"TMPDIR is the project", Options{Mode: "full-auto", Project: project}, []string{"TMPDIR=" + project}, []string{tmp}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGate(t, project, tc.opts, tc.env...)
			got := g.Profile().SharedRoots
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("SharedRoots = %q, want %q", got, want)
			}
		})
	}
}
