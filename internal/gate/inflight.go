package gate

import (
	"os"
	"path/filepath"
	"slices"

	"guard/internal/config"
	"guard/internal/inflight"
	"guard/policy"
	"guard/sandbox"
)

// InFlightDir is where guard records the runs it has confined or sandboxed
// while they run (package inflight): running/ in guard's configuration
// directory, which the protected list keeps out of every sandboxed
// command's reach; "" when there is none.
func InFlightDir(getenv func(string) string) string {
	d := config.Dir(getenv)
	if d == "" {
		return ""
	}
	if !filepath.IsAbs(getenv("XDG_CONFIG_HOME")) {
		// Under a HOME that does not exist: none, rather than guard
		// making the home directory (as for its other state).
		if fi, err := os.Stat(getenv("HOME")); err != nil || !fi.IsDir() {
			return ""
		}
	}
	return filepath.Join(d, "running")
}

// holdInFlight records this run, with the roots where it may make links
// or move them to, until guard exits: the writable roots but the shared
// temporary directories, where the sandbox makes none, unless another root
// lies in one. There the run may rename that root, or a directory above
// it, with the links it made inside, to any other name (a rename within
// one directory needs no right Landlock withholds there): a project in
// /tmp renamed to /tmp/notes put its link notes/run.sh -> ~/.bashrc under
// an edit the hook had allowed. Best effort: a guard inside another's
// sandbox cannot write the record, and its outer guard holds one.
func (g *Gate) holdInFlight(p sandbox.Profile) {
	dir := InFlightDir(g.Getenv)
	if dir == "" {
		return
	}
	roots := slices.DeleteFunc(slices.Clone(p.WritableRoots), func(r string) bool { return slices.Contains(p.SharedRoots, r) })
	for _, s := range p.SharedRoots {
		if slices.ContainsFunc(roots, func(r string) bool { return r != s && policy.Inside(r, s) }) {
			roots = append(roots, s)
		}
	}
	if len(roots) > 0 && config.MkdirAll(dir, 0o700) == nil {
		inflight.Hold(dir, roots)
	}
}
