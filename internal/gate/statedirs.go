package gate

import (
	"os"
	"path/filepath"

	"guard/install"
	"guard/internal/config"
	"guard/policy"
)

// makeStateDirs creates guard's own state directories that lie inside a
// writable root and do not exist yet (they are guard's), before the
// sandbox resolves its protected paths. A read-only bind needs something to
// cover: without the directory, a sandboxed program could create
// ~/.config/guard/config.toml, or ~/.cache/guard/policies, and loosen the next
// guard run. The directories are named as protectList names them: from the
// environment guard was given and from the account's home. The state
// directory (the audit log's) is made 0700, as the audit log makes it; the
// others 0755, so that an empty directory made by one user does not stop
// another that shares the same XDG directories from reading its own defaults.
func (g *Gate) makeStateDirs(roots []string) {
	seen, resolved := map[string]bool{}, map[string]string{}
	for _, getenv := range []func(string) string{g.Getenv, accountEnv(g.Getenv)} {
		dirs := []string{config.Dir(getenv), config.CacheDir(getenv)}
		state := ""
		if a := config.DefaultAuditLog(getenv); a != "" {
			state = filepath.Dir(a)
			dirs = append(dirs, state)
		}
		if d, err := install.DefaultDir(getenv); err == nil {
			dirs = append(dirs, d)
		}
		for _, d := range dirs {
			if !filepath.IsAbs(d) || seen[d] {
				continue
			}
			seen[d] = true
			if _, err := os.Lstat(d); err == nil {
				continue // the usual case: one lstat
			}
			mode := os.FileMode(0o755)
			if d == state {
				mode = 0o700
			}
			d = resolveMissing(d, resolved)
			inside := false
			for _, r := range roots {
				inside = inside || r != "/" && policy.Inside(d, r)
			}
			if !inside {
				continue
			}
			// Best effort: a directory that cannot be made (a read-only parent)
			// cannot be made by the program either.
			config.MkdirAll(d, mode) // the home's owner's when root makes them there
		}
	}
}

// resolveMissing resolves the symlinks of the missing directory d: its first
// existing ancestor resolved, then the rest of d. Each prefix is looked at
// once per run (memo): guard's state directories share most of theirs, and
// resolving each whole from / took 70 us for the eight of them.
func resolveMissing(d string, memo map[string]string) string {
	a, rest := filepath.Dir(d), filepath.Base(d)
	for a != "/" {
		if r, ok := memo[a]; ok {
			return filepath.Join(r, rest)
		}
		fi, err := os.Lstat(a)
		if err == nil {
			var r string
			if fi.Mode()&os.ModeSymlink == 0 {
				r = filepath.Join(resolvePrefix(filepath.Dir(a), memo), filepath.Base(a))
			} else {
				r = policy.Resolve(a, "/")
			}
			memo[a] = r
			return filepath.Join(r, rest)
		}
		rest = filepath.Join(filepath.Base(a), rest)
		a = filepath.Dir(a)
	}
	return filepath.Join("/", rest)
}

// resolvePrefix resolves the existing directory a through its parent's
// resolution: a symlink is resolved whole (policy.Resolve), anything else is
// its resolved parent joined with its name.
func resolvePrefix(a string, memo map[string]string) string {
	if a == "/" {
		return a
	}
	if r, ok := memo[a]; ok {
		return r
	}
	var r string
	if fi, err := os.Lstat(a); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		r = filepath.Join(resolvePrefix(filepath.Dir(a), memo), filepath.Base(a))
	} else {
		r = policy.Resolve(a, "/")
	}
	memo[a] = r
	return r
}
