package sandbox

import (
	"path/filepath"
	"testing"

	"guard/policy/protect"
)

// Twelfth red-team pass (docs/redteam/sandbox-12.md).

// lockedLogins are stored logins the eleventh pass left readable: git
// credential-store's XDG file, stores under a master password or a key kept
// beside them, API clients' data, and mail, IRC and CLI logins. Each was
// read from inside full-auto before.
var lockedLogins = []string{".config/git/credentials", ".cache/rbw/bitwarden.com:alice.json", ".pgadmin/pgadmin4.db",
	".config/JetBrains/IntelliJIdea2024.1/c.pwd", ".config/JetBrains/IntelliJIdea2024.1/c.kdbx",
	".gitkraken/profiles/abc/profile", ".config/Postman/Partitions/x/Cookies", ".config/Insomnia/insomnia.Request.db",
	".infisical/infisical-config.json", ".config/helm/registry/config.json", ".ollama/id_ed25519",
	".config/kaggle/kaggle.json", ".gitlab-runner/config.toml", ".snowflake/connections.toml",
	".clickhouse-client/config.xml", ".config/argocd/config", ".argocd/config", ".rancher/cli2.json", ".muttrc",
	".config/neomutt/neomuttrc", ".mbsyncrc", ".offlineimaprc", ".config/aerc/accounts.conf",
	".config/himalaya/config.toml", ".transifexrc", ".config/hut/config"}

func lockedLoginCases(forbidden bool) []attackCase {
	homeFixture := func(root string) string {
		home := filepath.Join(filepath.Dir(root), "home")
		for _, n := range lockedLogins {
			writeWorld(filepath.Join(home, n), "password=lab12-secret\n")
		}
		return home
	}
	var cases []attackCase
	for _, name := range lockedLogins {
		cases = append(cases, attackCase{name: "read ~/" + name, attack: "read", want: unreadable,
			child:   func(c *child) { c.noUserNS = forbidden },
			profile: func(p *Profile) { Protect(p, protect.Default(), homeFixture(p.WritableRoots[0])) },
			args: func(t *testing.T, f *fixture) []string {
				return []string{filepath.Join(homeFixture(f.root), name)}
			}})
	}
	return cases
}

// TestAttackLockedLogins: a stored login (plain, or under a master password
// or a key kept beside it) in the home, read from inside.
func TestAttackLockedLogins(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackLockedLoginsUnprivileged is this test")
	runAttackCases(t, lockedLoginCases(false))
}

func TestAttackLockedLoginsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	t.Run("child", func(t *testing.T) {
		requireUserNS(t)
		runAttackCasesAs(t, nobody, lockedLoginCases(false))
	})
	t.Run("user namespaces forbidden", func(t *testing.T) { runAttackCasesAs(t, nobody, lockedLoginCases(true)) })
}
