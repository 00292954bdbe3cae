package gate

import (
	"fmt"
	"path/filepath"
	"strings"

	"guard/policy"
)

// ErrLinkedRoot is wrapped when the project's directory leads through a
// symbolic link to the home, a directory above it or a system directory.
var ErrLinkedRoot = fmt.Errorf("the project is reached through a symbolic link")

// linkedRootErr says why root (the working directory, or --project), the
// project and first writable root, is not taken as one, or nil: it is
// reached through a symbolic link and leads to the home (HOME's, or the
// one /etc/passwd names), a directory above it (`/` too) or a system
// directory (/etc and what is below it, /usr, /var, /boot...). A program
// whose own root holds another session's project (a monorepo's `~/mono`
// holding `~/mono/pkg`, the home holding `~/src/proj`) can replace that
// project with a link for good, and that session's next commands then had
// the link's target as their root: auto-edit wrote `~/newtop` unasked, and
// as root a link to /etc let `/etc/profile.d/x.sh` be written. A person's
// own link to a project (`~/proj -> /data/proj`) leads to neither, and
// the home reached as written (HOME=/home/u with /home -> /var/home) is the
// person's too; only a link at the project's place leads off. Costs a
// resolution of root, which the roots' check makes later anyway; the
// homes are read only when a link was met.
func linkedRootErr(root, home string) error {
	real := policy.Resolve(root, "/")
	if real == root {
		return nil
	}
	what := ""
	for _, h := range []string{home, passwdHome()} {
		if !filepath.IsAbs(h) {
			continue
		}
		h = filepath.Clean(h)
		if policy.Inside(h, root) {
			return nil // the home, or above it, as written: reached as the person names it
		}
		if hr := policy.Resolve(h, "/"); policy.Inside(hr, real) {
			what = "the home directory " + hr
			if hr != real {
				what = "a directory above the home " + hr
			}
		}
	}
	if what == "" && systemDir(real) {
		what = "the system directory " + real
	}
	if what == "" {
		return nil
	}
	return fmt.Errorf("%w: %s leads to %s, which guard will not take as a writable root through a link "+
		"(a program writing beside the project may have put the link there); "+
		"to allow: work in the directory itself (cd -P %s, or --project %s)", ErrLinkedRoot, Visible(root), Visible(what), Visible(real), Visible(real))
}

// systemDir reports whether dir (resolved) is `/`, one of the system's
// top-level directories, or inside /etc, where every file is the
// system's configuration.
func systemDir(dir string) bool {
	switch dir {
	case "/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/var", "/opt",
		"/srv", "/root", "/home", "/dev", "/proc", "/sys", "/run", "/usr/local", "/usr/bin", "/usr/lib", "/usr/share":
		return true
	}
	return strings.HasPrefix(dir, "/etc/")
}
