// Package shim is how guard is entered under another program's name and how it
// finds the real program behind that name.
//
// A shim is a symlink NAME -> guard in a directory placed first on PATH. Guard
// learns NAME from argv[0] only ([Name]); os.Executable resolves the symlink and
// names guard itself, which is what the same-file check needs ([Self]).
// [LookPath] then walks PATH for the real NAME, skipping empty and relative
// entries and every candidate that is guard's own file (by device and inode) or
// the shim of another guard binary. A marker in the environment ([Depth],
// [WithDepth], [Next]) stops two guard copies that keep exec'ing each other.
//
// Limits: shims only intercept lookups through PATH. A program run by absolute
// path (/bin/rm), through a shell builtin, or by a process that sets its own
// PATH never reaches guard. A copy of guard under another name (not a symlink
// to a file named guard) is not recognised as guard by LookPath; the depth
// marker is what stops a loop through it.
package shim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Name returns the name guard was invoked under: the last element of argv[0].
// It is the shim's name when guard runs through a symlink; never use
// os.Executable for this, since it names the symlink's target.
func Name(argv0 string) string {
	if argv0 == "" {
		return ""
	}
	return filepath.Base(argv0)
}

// IsGuard reports whether name, as returned by [Name], means guard itself
// rather than a shim: "guard", or "guard" followed by a separator and
// anything ("guard-1.2", "guard.new", "guard.test", the test binary). A hook
// configured with a renamed copy must answer as guard, not run as a shim
// for a program of that name (which an agent would read as "go ahead").
// "guardian" is a shim name.
func IsGuard(name string) bool {
	if name == "guard" {
		return true
	}
	rest, ok := strings.CutPrefix(name, "guard")
	return ok && (rest[0] == '-' || rest[0] == '.' || rest[0] == '_' || rest[0] == '@')
}

// Self returns the path and file information of the running guard binary, for
// the same-file check in [LookPath]. On Linux the path has every symlink
// resolved (it comes from /proc/self/exe), so a shim's own symlink never hides
// guard; elsewhere the path may be a symlink, and the information is that of
// its target either way.
// It is looked up once per process: the running binary does not change.
func Self() (string, os.FileInfo, error) {
	s := self()
	return s.path, s.info, s.err
}

type selfInfo struct {
	path string
	info os.FileInfo
	err  error
}

var self = sync.OnceValue(func() selfInfo {
	p, err := os.Executable()
	if err != nil {
		return selfInfo{err: fmt.Errorf("find guard's own executable: %w", err)}
	}
	fi, err := os.Stat(p)
	if err != nil {
		return selfInfo{err: fmt.Errorf("find guard's own executable: %w", err)}
	}
	return selfInfo{path: p, info: fi}
})
