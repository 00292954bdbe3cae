package sandbox

import (
	"path/filepath"
	"testing"

	"guard/policy/protect"
)

// Eleventh red-team pass (docs/redteam/sandbox-11.md).

// storedLogins are clients' stored passwords, tokens, keys and sessions that
// no entry of the list matched: each was read from inside full-auto before.
var storedLogins = []string{".config/filezilla/sitemanager.xml", ".config/filezilla/recentservers.xml",
	".config/remmina/remmina.pref", ".local/share/remmina/work.remmina", ".config/hexchat/servlist.conf", ".wgetrc",
	".curlrc", ".local/share/lftp/bookmarks", ".config/composer/auth.json", ".composer/auth.json",
	".local/share/com.vercel.cli/auth.json", ".netlify/config.json", ".cloudflared/cert.pem",
	".cloudflared/6ff42ae2.json", ".mcli/config.json", ".local/share/uv/credentials/credentials.toml",
	".config/pypoetry/auth.toml", ".ovh.conf", ".vultr-cli.yaml", ".config/configstore/snyk.json",
	".config/twilio-cli/config.json", ".config/atlascli/config.toml", ".doppler/.doppler.yaml",
	".tsh/keys/proxy.example.com/alice", ".local/share/python_keyring/keyring_pass.cfg",
	".local/share/TelegramDesktop/tdata/key_datas"}

func storedLoginCases(forbidden bool) []attackCase {
	return homeSecretCases(storedLogins, "password=lab11-secret\n", forbidden)
}

// TestAttackStoredLogins: a client's stored login in the home, read from
// inside.
func TestAttackStoredLogins(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackStoredLoginsUnprivileged is this test")
	runAttackCases(t, storedLoginCases(false))
}

func TestAttackStoredLoginsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, storedLoginCases)
}

// rustToolchainCases: a project's rust-toolchain(.toml) rewritten to name a
// toolchain by path ([toolchain] path = "/dir"): rustup then runs DIR/bin's
// cargo and rustc at every start in the project outside, a prompt's `rustc
// --version` and an editor's `cargo metadata` included (shown in the lab).
func rustToolchainCases(forbidden bool) []attackCase {
	plant := func(root string) {
		writeWorld(filepath.Join(root, "rust-toolchain.toml"), "[toolchain]\nchannel = \"stable\"\n")
		writeWorld(filepath.Join(root, "rust-toolchain"), "stable\n")
	}
	var cases []attackCase
	for _, n := range []string{"rust-toolchain.toml", "rust-toolchain"} {
		cases = append(cases, attackCase{name: "append to " + n, attack: "append", want: denied,
			child: func(c *child) { c.noUserNS = forbidden },
			profile: func(p *Profile) {
				plant(p.WritableRoots[0])
				Protect(p, protect.Default(), filepath.Join(filepath.Dir(p.WritableRoots[0]), "home"))
			},
			args: func(t *testing.T, f *fixture) []string {
				plant(f.root)
				return []string{filepath.Join(f.root, n)}
			}})
	}
	return cases
}

func TestAttackRustToolchain(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackRustToolchainUnprivileged is this test")
	runAttackCases(t, rustToolchainCases(false))
}

func TestAttackRustToolchainUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, rustToolchainCases(false))
}

// pathShims are version managers' shims, runtimes and install directories
// in the home, on PATH before the system's: with the home a root, a shim
// rewritten from inside ran at the next start of the tool outside (a pyenv
// python3, shown in the lab).
var pathShims = []string{".pyenv/shims/python3", ".pyenv/versions/3.12.0/lib/python3.12/site-packages/sitecustomize.py",
	".rbenv/shims/ruby", ".nodenv/shims/node", ".asdf/shims/node", ".local/share/mise/shims/node",
	".nvm/versions/node/v20.11.0/bin/npm", ".volta/bin/node", ".local/share/fnm/aliases/default/bin/node",
	".sdkman/candidates/java/current/bin/java", ".local/share/pnpm/pnpm", ".npm-global/bin/tsc", ".bun/bin/bun",
	".deno/bin/deno", "go/bin/gopls", ".jenv/shims/java", ".goenv/shims/go"}

func pathShimCases() []attackCase { return homeCodeCases(pathShims) }

// TestAttackPathShims: with the home a root, a version manager's shim or a
// tool in an install directory on PATH, rewritten from inside.
func TestAttackPathShims(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackPathShimsUnprivileged is this test")
	runAttackCases(t, pathShimCases())
}

func TestAttackPathShimsUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, pathShimCases())
}
