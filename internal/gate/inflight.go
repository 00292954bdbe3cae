package gate

import (
	"os"
	"path/filepath"
	"slices"

	"guard/internal/config"
	"guard/internal/inflight"
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
// (the writable roots but the shared temporary directories, where the
// sandbox makes none), until guard exits. Best effort: a guard inside
// another's sandbox cannot write the record, and its outer guard holds one.
func (g *Gate) holdInFlight(p sandbox.Profile) {
	dir := InFlightDir(g.Getenv)
	if dir == "" {
		return
	}
	roots := slices.DeleteFunc(slices.Clone(p.WritableRoots), func(r string) bool { return slices.Contains(p.SharedRoots, r) })
	if len(roots) > 0 && config.MkdirAll(dir, 0o700) == nil {
		inflight.Hold(dir, roots)
	}
}
