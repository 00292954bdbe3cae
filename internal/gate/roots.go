package gate

import (
	"os"
	"path/filepath"
	"strings"

	"guard/policy"
)

// rootResolver resolves writable roots through symlinks as policy.Resolve does,
// remembering the directories it has resolved: hundreds of roots under one
// parent cost one lstat each instead of one per path component (300 roots
// under /tmp/x/y took 1,200 lstats, a third of guard's run).
type rootResolver map[string]string

func (m rootResolver) resolve(p string) string {
	if !filepath.IsAbs(p) || strings.Contains(p, "..") {
		return policy.Resolve(p, "/") // ".." applies after symlinks: leave it to the full walk
	}
	p = filepath.Clean(p)
	if p == "/" {
		return p
	}
	if r, ok := m[p]; ok {
		return r
	}
	parent := m.resolve(filepath.Dir(p))
	next := filepath.Join(parent, filepath.Base(p))
	r := next // missing: created as written, as policy.Resolve has it
	if fi, err := os.Lstat(next); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		r = policy.Resolve(next, "/") // a symlink: the full walk, with its loop limit
	}
	m[p] = r
	return r
}

// writesConfined reports whether d, the decision of mode before any prompt, lets
// a command run only because the writes it was judged to make are inside the
// roots: auto-edit's "match, every write inside". Such a command runs with the
// file system confined to the roots (sandbox.Profile.FilesOnly), since a script
// can make a symlink that a later command of it writes through. What a person
// approved at the prompt runs as approved; safe commands, which write nothing,
// run as they are.
func writesConfined(mode policy.Mode, d policy.Decision) bool {
	return mode == policy.AutoEdit && d.Action == policy.Run && d.Class == policy.Match
}
