package gate

import (
	"os"
	"path/filepath"

	"guard/install"
	"guard/internal/config"
	"guard/policy"
)

// makeStateDirs creates guard's own state directories that lie inside a
// writable root and do not exist yet (mode 0700; they are guard's), before the
// sandbox resolves its protected paths. A read-only bind needs something to
// cover: without the directory, a sandboxed program could create
// ~/.config/guard/config.toml, or ~/.cache/guard/policies, and loosen the next
// guard run. The directories are named as protectList names them: from the
// environment guard was given and from the account's home.
func (g *Gate) makeStateDirs(roots []string) {
	for _, getenv := range []func(string) string{g.Getenv, accountEnv(g.Getenv)} {
		dirs := []string{config.Dir(getenv), config.CacheDir(getenv)}
		if a := config.DefaultAuditLog(getenv); a != "" {
			dirs = append(dirs, filepath.Dir(a))
		}
		if d, err := install.DefaultDir(getenv); err == nil {
			dirs = append(dirs, d)
		}
		for _, d := range dirs {
			if !filepath.IsAbs(d) {
				continue
			}
			d = policy.Resolve(d, "/")
			inside := false
			for _, r := range roots {
				inside = inside || r != "/" && policy.Inside(d, r)
			}
			if !inside {
				continue
			}
			if _, err := os.Lstat(d); err == nil {
				continue
			}
			// Best effort: a directory that cannot be made (a read-only parent)
			// cannot be made by the program either.
			os.MkdirAll(d, 0o700)
		}
	}
}
