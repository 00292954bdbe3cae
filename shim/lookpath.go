package shim

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrNotFound is returned (wrapped in a *NotFoundError) when PATH holds no
// usable program of the name asked for.
var ErrNotFound = errors.New("executable file not found in PATH")

// NotFoundError tells which name was not found and how many candidates were
// seen and skipped on the way.
type NotFoundError struct {
	Name    string
	Skipped int
}

func (e *NotFoundError) Error() string {
	if e.Skipped == 0 {
		return fmt.Sprintf("%s: %v", e.Name, ErrNotFound)
	}
	return fmt.Sprintf("%s: %v (%d candidates skipped; run 'guard which %s')", e.Name, ErrNotFound, e.Skipped, e.Name)
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Skipped is a PATH entry or candidate file that LookPath passed over, and why.
type Skipped struct {
	Path   string
	Reason string
}

// Reasons given in Skipped.Reason.
const (
	ReasonEmpty       = "empty PATH entry (it would mean the current directory)"
	ReasonRelative    = "relative PATH entry"
	ReasonSelf        = "guard itself (same file as the running guard)"
	ReasonOtherGuard  = "shim of another guard binary"
	ReasonDir         = "a directory"
	ReasonNotRegular  = "not a regular file"
	ReasonNotExec     = "not executable"
	ReasonUnreachable = "cannot be examined"
)

// LookPath finds the real program name for a shim or prefix run by walking
// pathEnv (a PATH value). It returns the first candidate DIR/name that is an
// executable regular file and is not guard, and every candidate or entry it
// passed over on the way (for 'guard which').
//
// Skipped, in order of PATH:
//   - empty entries and relative entries (".", "bin"): like os/exec's ErrDot,
//     a program is never taken from a directory that depends on the cwd;
//   - a candidate that is the same file as self (device and inode, through any
//     symlink, symlinked directory, "//", trailing slash or hard link);
//   - a candidate that is a symlink whose final target is named guard: the shim
//     of another guard binary (running it would classify the command twice, or
//     loop);
//   - directories, non-regular files, files this account may not execute (no
//     execute bit, or none granted to it: the shells and execvp go on past
//     them), and files that cannot be examined (a broken symlink, a
//     permission error).
//
// Candidates that do not exist are not reported. The path returned is the
// candidate as found (not resolved), so the program sees its usual argv[0].
//
// name must be a bare program name: a name with a slash is not searched for
// (the caller runs it as given, after its own check), and LookPath rejects it.
// self is guard's own file, from [Self]; it must not be nil. The error wraps
// [ErrNotFound] when nothing usable was found.
func LookPath(name, pathEnv string, self os.FileInfo) (string, []Skipped, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return "", nil, fmt.Errorf("look up %q: not a bare program name", name)
	}
	if self == nil {
		return "", nil, fmt.Errorf("look up %s: guard's own file is unknown, refusing a search that could find guard", name)
	}
	var skipped []Skipped
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			skipped = append(skipped, Skipped{Path: "", Reason: ReasonEmpty})
			continue
		}
		cand := InDir(dir, name)
		if !filepath.IsAbs(dir) {
			skipped = append(skipped, Skipped{Path: cand, Reason: ReasonRelative})
			continue
		}
		reason, ok := usable(cand, self)
		if ok {
			return cand, skipped, nil
		}
		if reason != "" {
			skipped = append(skipped, Skipped{Path: cand, Reason: reason})
		}
	}
	return "", skipped, &NotFoundError{Name: name, Skipped: len(skipped)}
}

// usable reports whether cand may be run as the real program; when it may not,
// reason says why ("" when cand simply does not exist).
func usable(cand string, self os.FileInfo) (reason string, ok bool) {
	lfi, err := os.Lstat(cand)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return "", false
		}
		return ReasonUnreachable + ": " + errText(err), false
	}
	fi := lfi
	if lfi.Mode()&fs.ModeSymlink != 0 {
		if fi, err = os.Stat(cand); err != nil {
			return ReasonUnreachable + ": " + errText(err), false
		}
	}
	if os.SameFile(fi, self) {
		return ReasonSelf, false
	}
	if lfi.Mode()&fs.ModeSymlink != 0 {
		if target, err := filepath.EvalSymlinks(cand); err == nil && IsGuard(filepath.Base(target)) {
			return ReasonOtherGuard + " (" + target + ")", false
		}
	}
	switch {
	case fi.IsDir():
		return ReasonDir, false
	case !fi.Mode().IsRegular():
		return ReasonNotRegular, false
	case !Runnable(cand, fi):
		return ReasonNotExec, false
	}
	return "", true
}

// InDir is the file a PATH search tries for name in the directory dir: the
// two joined as execvp and the shells join them, not cleaned. The kernel
// takes a ".." in dir after the symbolic link before it (`/usr/bin/X11/..`
// is /usr, X11 being a link to /usr/bin), where a lexical clean takes the
// component before it away: the file found must be the one a shell runs.
func InDir(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// errText is err without the path that the caller already reports.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
