package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"guard/shim"
)

// Problem is a shim that does not do what a shim should.
type Problem struct {
	Name string
	Path string
	Why  string
}

// Check examines the guard shims in dir against the guard at guardPath and
// the PATH value pathEnv, and returns the shims that fail: a dangling one
// (its guard is gone: a shell skips it and runs the real program
// unguarded), one that leads to another guard binary, and one for a program
// that PATH does not hold (`command -v NAME` would find a program that is
// not installed). guardPath must be absolute; it need not exist.
func Check(dir, guardPath, pathEnv string) ([]Problem, error) {
	guard, _ := os.Stat(guardPath)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check shims: %w", err)
	}
	var out []Problem
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		ours, stale, _, err := examine(p, guard)
		if err != nil || !ours {
			continue
		}
		fi, serr := os.Stat(p)
		switch {
		case serr != nil:
			out = append(out, Problem{e.Name(), p, "dangling: the guard it leads to is gone, so a shell skips it and runs " + e.Name() + " unguarded (guard install again, or guard uninstall)"})
			continue
		case stale:
			out = append(out, Problem{e.Name(), p, "leads to another guard binary than this one (guard install replaces it)"})
		}
		if _, _, err := shim.LookPath(e.Name(), pathEnv, fi); err != nil {
			out = append(out, Problem{e.Name(), p, "no " + e.Name() + " on PATH: command -v " + e.Name() + " finds a program that is not installed (guard uninstall, then guard install)"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Shadowed returns the shims in dir whose name a PATH search (pathEnv) finds
// in an earlier directory, with where: those programs run unguarded.
func Shadowed(dir, pathEnv string) map[string]string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	idx := PathIndex(dir, pathEnv)
	if idx <= 0 {
		return nil
	}
	out := map[string]string{}
	list := filepath.SplitList(pathEnv)
	for _, e := range entries {
		if e.Name()[0] == '.' {
			continue
		}
		for _, d := range list[:idx] {
			if !filepath.IsAbs(d) {
				continue
			}
			c := filepath.Join(d, e.Name())
			if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				out[e.Name()] = c
				break
			}
		}
	}
	return out
}
