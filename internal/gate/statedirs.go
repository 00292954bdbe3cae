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
	seen := map[string]bool{}
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
			d = policy.Resolve(d, "/")
			inside := false
			for _, r := range roots {
				inside = inside || r != "/" && policy.Inside(d, r)
			}
			if !inside {
				continue
			}
			// Best effort: a directory that cannot be made (a read-only parent)
			// cannot be made by the program either.
			os.MkdirAll(d, mode)
		}
	}
}
