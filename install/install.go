// Package install lays guard's PATH shims out on disk and removes them.
//
// A shim is a symlink DIR/NAME whose target is the guard binary. A file counts
// as a guard shim, and so may be replaced or removed, only when it is a symlink
// that resolves to the same file as the guard binary given, or whose final
// target (existing or not) is named guard: the shim of an older or moved guard
// binary. Everything else in DIR (regular files, directories, symlinks to
// other programs) is never replaced or removed; it is reported.
//
// New shims are created with symlink(2), which is atomic and fails rather than
// replace a name that appeared meanwhile. A stale guard shim is replaced by a
// symlink made under a temporary name in DIR and renamed over it.
//
// Limits: between checking that a stale shim is guard's and renaming over it,
// another process could put a file of its own there, which the rename would
// replace; the window is two system calls, in a directory guard owns. Shims
// only catch programs looked up through PATH, and only when DIR comes before
// the real programs' directories; see [PathAdvice].
package install

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"guard/shim"
)

// Status is what happened to one shim.
type Status int

const (
	// Created: the shim did not exist and was made.
	Created Status = iota + 1
	// Present: a shim to this guard binary was already there; nothing changed.
	Present
	// Updated: a shim to another guard binary (or a dangling one) was
	// replaced by a shim to this one.
	Updated
	// NotOurs: a file that is not a guard shim holds the name; left alone.
	NotOurs
	// Removed: the guard shim was deleted.
	Removed
)

var statusNames = [...]string{
	Created: "created",
	Present: "present",
	Updated: "updated",
	NotOurs: "not ours, left alone",
	Removed: "removed",
}

func (s Status) String() string {
	if s > 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is the outcome for one name.
type Result struct {
	Name   string
	Path   string
	Status Status
	Detail string // for NotOurs: what the file is
}

// Report lists the outcome for every name, in the order handled.
type Report struct {
	Dir     string
	Results []Result
}

// Conflicts returns the results whose name is held by a file that is not a
// guard shim. A caller installing shims should exit non-zero when there are
// any: those programs are not guarded.
func (r Report) Conflicts() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == NotOurs {
			out = append(out, res)
		}
	}
	return out
}

// Count returns how many results have status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// ErrName is wrapped by the error for a name that cannot be a shim.
var ErrName = errors.New("not a valid shim name")

// ValidName reports whether name can be a shim: a bare file name, not guard's
// own name, not hidden (temporary files in DIR start with a dot).
func ValidName(name string) error {
	switch {
	case name == "", name == ".", name == "..",
		strings.ContainsAny(name, "/\x00"), strings.HasPrefix(name, "."):
		return fmt.Errorf("%q: %w", name, ErrName)
	case shim.IsGuard(name):
		return fmt.Errorf("%q: %w: it is guard's own name", name, ErrName)
	}
	return nil
}

// Shims makes DIR/NAME -> guardPath symlinks for names, creating DIR (0755)
// when missing. guardPath must be absolute and exist. Names are handled in
// sorted order, each once. Running Shims again changes nothing (every shim is
// Present); concurrent runs are safe. A name held by a file that is not a
// guard shim is left alone and reported as NotOurs; see [Report.Conflicts].
// The error is for invalid arguments and for failures of the file system; the
// report then holds what was done before the failure.
func Shims(dir, guardPath string, names []string) (Report, error) {
	rep := Report{Dir: dir}
	guard, err := guardFile(guardPath)
	if err != nil {
		return rep, err
	}
	var bad []error
	for _, name := range names {
		if err := ValidName(name); err != nil {
			bad = append(bad, err)
		}
	}
	if err := errors.Join(bad...); err != nil {
		return rep, fmt.Errorf("install shims: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return rep, fmt.Errorf("install shims: %w", err)
	}
	names = slices.Clone(names)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		res, err := install(dir, name, guardPath, guard)
		if err != nil {
			return rep, fmt.Errorf("install shim %s: %w", name, err)
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func install(dir, name, guardPath string, guard os.FileInfo) (Result, error) {
	p := filepath.Join(dir, name)
	res := Result{Name: name, Path: p}
	// A concurrent installer may create the name between our look and our
	// symlink; then look again. Two rounds settle it.
	for range 3 {
		ours, stale, detail, err := examine(p, guard)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			err := os.Symlink(guardPath, p)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return res, err
			}
			res.Status = Created
			return res, nil
		case err != nil:
			return res, err
		case !ours:
			res.Status, res.Detail = NotOurs, detail
			return res, nil
		case !stale:
			res.Status = Present
			return res, nil
		}
		if err := replace(dir, name, guardPath); err != nil {
			return res, err
		}
		res.Status = Updated
		return res, nil
	}
	return res, fmt.Errorf("%s keeps changing under us", p)
}

// examine tells whether the file at p is a guard shim (ours), and if so
// whether it points at a guard other than guard (stale). guard may be nil when
// the binary is gone; then only the target's name tells. detail describes a
// file that is not ours. The error wraps fs.ErrNotExist when p does not exist.
func examine(p string, guard os.FileInfo) (ours, stale bool, detail string, err error) {
	lfi, err := os.Lstat(p)
	if err != nil {
		return false, false, "", err
	}
	if lfi.Mode()&fs.ModeSymlink == 0 {
		switch {
		case lfi.IsDir():
			return false, false, "a directory", nil
		case lfi.Mode().IsRegular():
			return false, false, "a regular file", nil
		}
		return false, false, "a " + lfi.Mode().Type().String() + " file", nil
	}
	target, err := os.Readlink(p)
	if err != nil {
		return false, false, "", err
	}
	if guard != nil {
		if fi, err := os.Stat(p); err == nil && os.SameFile(fi, guard) {
			return true, false, "", nil
		}
	}
	if shim.IsGuard(filepath.Base(finalTarget(p, target))) {
		return true, true, "", nil
	}
	return false, false, "a symlink to " + target, nil
}

// finalTarget follows the symlink at p as far as it goes, and returns the
// last path reached: the final target, or the first one that does not exist.
func finalTarget(p, target string) string {
	for range 40 {
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		next, err := os.Readlink(target)
		if err != nil {
			return target
		}
		p, target = target, next
	}
	return target
}

// replace puts a symlink to guardPath at dir/name: made under a temporary name
// in dir, then renamed over the old one.
func replace(dir, name, guardPath string) error {
	tmp, err := tempSymlink(dir, name, guardPath)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func tempSymlink(dir, name, target string) (string, error) {
	var err error
	for range 10 {
		tmp := filepath.Join(dir, "."+name+".guard-tmp-"+strconv.FormatUint(rand.Uint64(), 16))
		if err = os.Symlink(target, tmp); !errors.Is(err, fs.ErrExist) {
			return tmp, err
		}
	}
	return "", err
}

// Remove deletes every guard shim in dir, the symlinks that resolve to
// guardPath or whose final target is named guard (including the temporary
// ones an interrupted install may leave), and reports everything else it saw
// as NotOurs. A missing dir is not an error: there is nothing to remove.
// guardPath must be absolute; it need not exist any more.
func Remove(dir, guardPath string) (Report, error) {
	rep := Report{Dir: dir}
	if !filepath.IsAbs(guardPath) {
		return rep, fmt.Errorf("remove shims: guard path %q is not absolute", guardPath)
	}
	guard, _ := os.Stat(guardPath) // nil when gone: then only the name tells
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("remove shims: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		res := Result{Name: e.Name(), Path: p}
		ours, _, detail, err := examine(p, guard)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed by someone else meanwhile
		}
		if err != nil {
			return rep, fmt.Errorf("remove shim %s: %w", e.Name(), err)
		}
		if !ours {
			res.Status, res.Detail = NotOurs, detail
			rep.Results = append(rep.Results, res)
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rep, fmt.Errorf("remove shim %s: %w", e.Name(), err)
		}
		res.Status = Removed
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func guardFile(guardPath string) (os.FileInfo, error) {
	if !filepath.IsAbs(guardPath) {
		return nil, fmt.Errorf("install shims: guard path %q is not absolute", guardPath)
	}
	fi, err := os.Stat(guardPath)
	if err != nil {
		return nil, fmt.Errorf("install shims: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("install shims: guard path %s is not a regular file", guardPath)
	}
	return fi, nil
}
