package gate

import (
	"path/filepath"
	"slices"

	"guard/policy"
)

// dropMovableRoots removes from the writable roots (past the project, the
// first) each one whose path leads through a symbolic link that lies inside
// another writable root, and says so on stderr: a command allowed to write
// there could have made that link, and the root would then be wherever the
// link points. A trusted project's `writable_roots = ["<project>/build"]`
// ("inside the project", guard trust said) became /var when the agent
// made `a/b/c/L -> ../../..` (inside the project as it was made), moved it
// to build (`mv`: a write inside the project), and every write under /var
// was then inside a root: run unasked in auto-edit. The same holds for a
// $TMPDIR or a configured root below /tmp or another root. A link that the
// roots do not contain (the user's own, ~/data -> /srv/data) is followed.
//
// Only a root below another root can lead through such a link, so the
// others cost a map lookup a directory above them; a root below one is
// resolved step by step (an lstat a component), and the roots themselves
// only when that meets a link (300 roots nested in /tmp: 1,200 lstats less
// a run).
//
// Limits: the roots are looked at when guard starts; a link made after
// that, before the sandbox opens the root (milliseconds), is followed.
func (g *Gate) dropMovableRoots() {
	if len(g.Roots) < 2 {
		return
	}
	named := make(map[string]bool, len(g.Roots))
	for _, r := range g.Roots {
		named[filepath.Clean(r)] = true
	}
	var resolved []string // the roots resolved, made when a link is met
	kept, temps := g.Roots[:1:1], []int(nil)
	for i := 1; i < len(g.Roots); i++ {
		r := filepath.Clean(g.Roots[i])
		if belowAnother(r, named) {
			if link, within := linkInRoots(r, g.Roots, &resolved, i); link != "" {
				Warn(g.Stderr, "writable root %s leads through the symbolic link %s, inside the writable root %s, which a command guard lets write there can change: not a root (name the directory it leads to instead)", r, link, within)
				continue
			}
		}
		if slices.Contains(g.temps, i) {
			temps = append(temps, len(kept))
		}
		kept = append(kept, g.Roots[i])
	}
	g.Roots, g.temps = kept, temps
}

// belowAnother reports whether a directory strictly above r is one of the
// named roots.
func belowAnother(r string, named map[string]bool) bool {
	for d := filepath.Dir(r); ; d = filepath.Dir(d) {
		if named[d] {
			return true
		}
		if d == "/" || d == "." {
			return false
		}
	}
}

// linkInRoots resolves r as the kernel would and returns the first
// symbolic link met that lies inside one of the roots other than r's own
// (index self), resolved (*resolved, made on the first link met), with that
// root; "" when none does.
func linkInRoots(r string, roots []string, resolved *[]string, self int) (link, within string) {
	var met [][2]string // the links met, and the directories holding them
	policy.ResolveVisit(r, func(l, dir string) bool {
		met = append(met, [2]string{l, dir})
		return true
	})
	if len(met) > 0 && *resolved == nil {
		*resolved = policy.ResolveRoots(roots)
	}
	for _, m := range met {
		for j, root := range *resolved {
			if j != self && policy.Inside(m[1], root) {
				return m[0], root
			}
		}
	}
	return "", ""
}
