package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// lnPaths returns what `ln -s` (argv, matched by a rule) writes, absolute:
// each link, and each link's target as the link will resolve it. A
// relative target is resolved from the link's directory, as the kernel
// does when the link is followed (from cwd only with -r, where ln computes
// the relative path itself). The target counts as written because a later
// write through the link lands there: a link in the project that points
// outside the roots is asked about like a write outside them.
//
// GNU ln's forms: TARGET LINK (LINK an existing directory: LINK/TARGET's
// base name, unless -T, or -n and LINK is a symbolic link), TARGET... DIR.
// ok is false for anything else (an option not known here, -t, one
// positional); the rule's own typing then stands.
func lnPaths(argv []string, cwd string) (paths []string, ok bool) {
	var pos []string
	var relative, noTarget, noDeref bool
	opts := true
	for _, a := range argv[1:] {
		switch {
		case opts && a == "--":
			opts = false
		case opts && strings.HasPrefix(a, "--"):
			switch a {
			case "--symbolic", "--force", "--verbose":
			case "--relative":
				relative = true
			case "--no-target-directory":
				noTarget = true
			case "--no-dereference":
				noDeref = true
			default:
				return nil, false
			}
		case opts && len(a) > 1 && a[0] == '-':
			for _, c := range a[1:] {
				switch c {
				case 's', 'f', 'v':
				case 'r':
					relative = true
				case 'T':
					noTarget = true
				case 'n':
					noDeref = true
				default:
					return nil, false
				}
			}
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) < 2 || noTarget && len(pos) != 2 {
		return nil, false
	}
	last := absolute(pos[len(pos)-1], cwd)
	intoDir := len(pos) > 2
	if len(pos) == 2 && !noTarget {
		stat := os.Stat
		if noDeref {
			stat = os.Lstat
		}
		if fi, err := stat(last); err == nil && fi.IsDir() {
			intoDir = true
		}
	}
	for _, t := range pos[:len(pos)-1] {
		link := last
		if intoDir {
			link = strings.TrimSuffix(last, "/") + "/" + filepath.Base(t)
		}
		target := t
		switch {
		case relative:
			target = absolute(t, cwd)
		case !filepath.IsAbs(t):
			// The link's directory as written: not cleaned, since a ".."
			// after a symbolic link is resolved physically.
			target = link[:strings.LastIndex(link, "/")+1] + t
		}
		paths = append(paths, link, target)
	}
	return paths, true
}

// isLn reports whether the matched program is ln.
func isLn(r *Result) bool {
	return r.Exec != nil && filepath.Base(r.Exec.Program) == "ln"
}
