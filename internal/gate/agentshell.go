package gate

import "guard/shim"

// PathShell is for guard doctor: whether a PATH lookup can find a file
// inside a writable root (a relative entry, or one in or above a root), and
// why program, found on PATH from dir, is such a file ("" when it is not).
// Gemini CLI runs its hooks, guard's included, as `bash -c` with bash found
// on PATH: a bash written into such a directory (by a sandboxed command, which
// may write inside the roots) would run every hook before guard starts.
func (g *Gate) PathShell(program, dir string) (why string, reaches bool) {
	if !g.pathReachesRoots() {
		return "", false
	}
	bin, real := g.lookupIn(program, nil, dir)
	if bin == "" {
		return "", true
	}
	return g.plantedAt(program, bin, real, nil), true
}

// FoundOnPath returns the file a PATH lookup finds for name from the working
// directory and, where PATH has a relative entry, from each of dirs (the
// directories the script may be in), guard itself skipped; "" when none. It
// is for a name bash runs as its builtin that another shell of the agent
// looks up on PATH (dash's `[[`, pushd).
func (g *Gate) FoundOnPath(name string, dirs []string) string {
	_, self, _ := shim.Self()
	lookIn := []string{g.Cwd}
	if g.relativeLookup(name) {
		lookIn = append(lookIn, dirs...)
	}
	for _, dir := range lookIn {
		if bin, _ := g.lookupIn(name, self, dir); bin != "" {
			return bin
		}
	}
	return ""
}
