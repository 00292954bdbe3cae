package sandbox

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// The thirteenth red-team pass (docs/redteam/sandbox-13.md).

// bindAlias mounts dir again at dir+".alias" (a bind mount, as a container's
// volumes or `mount --bind` make), unmounted when the test ends, and returns
// the alias.
func bindAlias(t *testing.T, dir string) string {
	t.Helper()
	alias := dir + ".alias"
	if err := os.MkdirAll(alias, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(dir, alias, "", unix.MS_BIND, ""); err != nil {
		sandboxtest.Skipf(t, "bind mount %s: %v", dir, err)
	}
	t.Cleanup(func() { unix.Unmount(alias, unix.MNT_DETACH) })
	return alias
}

// aliasSecretCases (S13-1): secrets hidden where their path leads were
// readable through another mount of the same directory. The fixture's
// directory (the root and a home beside it) is bind-mounted again, and each
// secret read through that second path: a file of the home (/dev/null over
// it), a directory of the home (a tmpfs over it), and .env in the root.
func aliasSecretCases(forbidden bool) []attackCase {
	home := func(root string) string {
		h := filepath.Join(filepath.Dir(root), "home")
		writeWorld(filepath.Join(h, ".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY----- lab13\n")
		writeWorld(filepath.Join(h, ".aws/credentials"), "aws_secret_access_key = lab13\n")
		writeWorld(filepath.Join(h, ".gnupg/private-keys-v1.d/k.key"), "lab13\n")
		if !forbidden {
			// Without user namespaces a secret in a root is left readable
			// (the documented limit: strict mode refuses): not here.
			writeWorld(filepath.Join(root, ".env"), "API_KEY=sk-lab13\n")
		}
		return h
	}
	names := []string{"home/.ssh/id_ed25519", "home/.aws/credentials", "home/.gnupg/private-keys-v1.d/k.key"}
	if !forbidden {
		names = append(names, "root/.env")
	}
	var cases []attackCase
	for _, name := range names {
		cases = append(cases, attackCase{name: "read " + name + " through a bind mount", attack: "read", want: unreadable,
			root:    "a bind mount needs root",
			child:   func(c *child) { c.noUserNS = forbidden },
			profile: func(p *Profile) { Protect(p, protect.Default(), home(p.WritableRoots[0])) },
			args: func(t *testing.T, f *fixture) []string {
				home(f.root)
				return []string{filepath.Join(bindAlias(t, filepath.Dir(f.root)), name)}
			}})
	}
	return cases
}

func TestAttackAliasSecrets(t *testing.T) {
	requireRoot(t, "a bind mount needs root")
	runAttackCases(t, aliasSecretCases(false))
}

func TestAttackAliasSecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, aliasSecretCases)
}

// TestAttackSystemCopies (S13-2): root read what the system keeps beside
// the listed secrets: Debian's copies of the password hashes, apt's and
// Ubuntu Pro's tokens, Wi-Fi and Bluetooth keys, mail relays' and WebDAV
// passwords. Each planted (root's, 0600) where missing, removed after.
func TestAttackSystemCopies(t *testing.T) {
	requireRoot(t, "the files are root's, mode 0600")
	var cases []attackCase
	for _, path := range []string{"/var/backups/shadow.bak", "/var/backups/gshadow.bak", "/etc/apt/auth.conf",
		"/etc/apt/auth.conf.d/90ubuntu-advantage", "/var/lib/ubuntu-advantage/private/machine-token.json",
		"/etc/netplan/50-wifi.yaml", "/var/lib/iwd/Home.psk", "/var/lib/bluetooth/00:11:22:33:44:55/66:77:88:99:AA:BB/info",
		"/etc/exim4/passwd.client", "/etc/ssmtp/ssmtp.conf", "/etc/msmtprc", "/etc/davfs2/secrets",
		"/etc/pve/priv/authkey.key"} {
		cases = append(cases, attackCase{name: "read " + path, attack: "read", want: unreadable,
			args: func(t *testing.T, _ *fixture) []string {
				plantSystemFile(t, path)
				return []string{path}
			},
			profile: func(p *Profile) { Protect(p, protect.Default(), t.TempDir()) }})
	}
	runAttackCases(t, cases)
}
