package gate

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
