package gate

import (
	"path/filepath"

	"guard/policy"
)

// A write into a directory on PATH puts a program there: the script's own
// later commands (`... > .venv/bin/ls && ls`, with an activated virtual
// environment on PATH) and the user's next ones run it under a name a rule
// calls harmless. Such a write is not an ordinary edit inside the project.

// PathWrite says why writing one of paths (absolute) puts a file into a
// directory on PATH, or creates or replaces such a directory, or "".
func (g *Gate) PathWrite(paths []string) string {
	var dirs []string
	for _, entry := range g.pathEntries() {
		for _, d := range g.entryDirs(entry, g.Cwd) {
			dirs = append(dirs, policy.Resolve(d, "/"))
		}
	}
	for _, p := range paths {
		w := policy.Resolve(p, "/")
		for _, d := range dirs {
			// Folded: where case is not told apart ~/.local/BIN is ~/.local/bin.
			if policy.Folded(filepath.Dir(w)) == policy.Folded(d) || policy.InsideFolded(d, w) {
				return "writes " + p + " into " + d + ", a directory on PATH: the programs run there next may be that file"
			}
		}
	}
	return ""
}

// checkPathWrites makes a verdict that writes into a PATH directory
// unverified (see PathWrite).
func (g *Gate) checkPathWrites(v *policy.Verdict) {
	if v.Class != policy.Safe && v.Class != policy.Match || len(v.Writes) == 0 {
		return
	}
	if why := g.PathWrite(v.Writes); why != "" {
		v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
	}
}
