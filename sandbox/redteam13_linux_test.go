package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	runAttackCases(t, systemFileCases(t, "/var/backups/shadow.bak", "/var/backups/gshadow.bak", "/etc/apt/auth.conf",
		"/etc/apt/auth.conf.d/90ubuntu-advantage", "/var/lib/ubuntu-advantage/private/machine-token.json",
		"/etc/netplan/50-wifi.yaml", "/var/lib/iwd/Home.psk", "/var/lib/bluetooth/00:11:22:33:44:55/66:77:88:99:AA:BB/info",
		"/etc/exim4/passwd.client", "/etc/ssmtp/ssmtp.conf", "/etc/msmtprc", "/etc/davfs2/secrets",
		"/etc/pve/priv/authkey.key"))
}

// systemFileCases are the attack cases reading each system file, planted
// (root's, 0600) where missing and removed after, with the default list.
func systemFileCases(t *testing.T, paths ...string) []attackCase {
	var cases []attackCase
	for _, path := range paths {
		cases = append(cases, attackCase{name: "read " + path, attack: "read", want: unreadable,
			args: func(t *testing.T, _ *fixture) []string {
				plantSystemFile(t, path)
				return []string{path}
			},
			profile: func(p *Profile) { Protect(p, protect.Default(), t.TempDir()) }})
	}
	return cases
}

// TestAutoEditNewNamesMovedAside (S13-3): auto-edit lets a script run because
// each write it sees lands inside the root, off the protected paths; a link
// made at run time sends one elsewhere in the root (`cp -r src dst && cp -r
// pd/. dst/lnk/`, src/lnk -> ..: dst/lnk/.envrc is the root's .envrc). As
// root, files-only ran in place of guard and nothing looked afterwards: the
// .envrc stayed, for direnv to run at the next cd. Now guard stays the
// parent there too and moves it aside (126), as for an ordinary user in
// the child (where user namespaces are forbidden, it did not either); an
// ordinary command keeps its status.
func TestAutoEditNewNamesMovedAside(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	for _, u := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
	}{{"root", nil, false}, {"nobody", nobody, false}, {"nobody, user namespaces forbidden", nobody, true}} {
		t.Run(u.name, func(t *testing.T) {
			if u.cred != nil && !u.forbidden {
				if ok, why := userNSAllowed(); !ok {
					sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
				}
			}
			base := t.TempDir()
			exe := shareWith(t, base, u.cred)
			f := newFixture(t, base)
			for _, d := range []string{"src", "pd"} {
				if err := os.MkdirAll(filepath.Join(f.root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink("..", filepath.Join(f.root, "src", "lnk")); err != nil {
				t.Fatal(err)
			}
			writeWorld(filepath.Join(f.root, "pd", ".envrc"), "echo PWNED-lab13\n")
			chownFixture(t, f, u.cred)
			home := filepath.Join(filepath.Dir(f.root), "home")
			// Where user namespaces are forbidden, pd/.envrc (protected,
			// existing) cannot be kept read-only: best-effort, as a person
			// who chose it runs.
			p := Profile{WritableRoots: []string{f.root}, FilesOnly: true, BestEffort: u.forbidden}
			Protect(&p, protect.Default(), home)
			run := func(script string) outcome {
				return child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: f.root, exe: exe,
					cred: u.cred, env: []string{"HOME=" + home}, noUserNS: u.forbidden}.run(t)
			}
			o := run("cp -r src dst && cp -r pd/. dst/lnk/")
			envrc := filepath.Join(f.root, ".envrc")
			if exists(envrc) {
				t.Errorf("the root's .envrc, made through a link made at run time, stayed (%s)\n%s", o.msg, o.stderr)
			}
			if o.ok || !strings.Contains(o.msg, "126") {
				t.Errorf("want exit status 126, got %s\n%s", o.msg, o.stderr)
			}
			if aside, _ := filepath.Glob(envrc + ".guard-blocked-*"); len(aside) != 1 {
				t.Errorf("want the .envrc moved aside, found %v", aside)
			}
			if o := run("echo fine > more.txt"); !o.ok || !exists(filepath.Join(f.root, "more.txt")) {
				t.Errorf("an ordinary write: %s\n%s", o.msg, o.stderr)
			}
			if o := run("exit 3"); o.ok || !strings.Contains(o.msg, "exit status 3") {
				t.Errorf("a failing command: %s, want its own status 3", o.msg)
			}
		})
	}
}

// homeAliasCases (S13-4): the writable root is a bind mount of the home (an
// agent started in a directory that is another mount of it). The "~/"
// entries were resolved at the home's own path, which lay in no root: its
// ~/.bashrc, ~/.ssh/config and ~/.gitconfig were read-only there and
// written through the root. Now the list is resolved at the other path too
// and kept read-only where the root reaches it.
func homeAliasCases(t *testing.T) []attackCase {
	files := map[string]string{".bashrc": "# rc\n", ".ssh/config": "Host lab13\n", ".gitconfig": "[user]\n\tname = lab13\n"}
	home := func(root string) string {
		h := filepath.Join(filepath.Dir(root), "home")
		for name, content := range files {
			if _, err := os.Lstat(filepath.Join(h, name)); err != nil {
				writeWorld(filepath.Join(h, name), content)
			}
		}
		return h
	}
	alias := func(root string) string {
		h := home(root)
		a := h + ".alias"
		if isMountRoot(a) {
			return a
		}
		return bindAlias(t, h)
	}
	var cases []attackCase
	for name, content := range files {
		cases = append(cases, attackCase{name: "append ~/" + name + " through a root that is a bind mount of the home",
			attack: "append", want: []unix.Errno{unix.EROFS, unix.EBUSY, unix.EACCES, unix.EPERM},
			root: "a bind mount needs root",
			profile: func(p *Profile) {
				h := home(p.WritableRoots[0])
				p.WritableRoots = []string{alias(p.WritableRoots[0])}
				Protect(p, protect.Default(), h)
			},
			args: func(t *testing.T, f *fixture) []string {
				return []string{filepath.Join(alias(f.root), name)}
			},
			effect: func(f *fixture) bool { return readString(filepath.Join(home(f.root), name)) != content }})
	}
	return cases
}

func TestAttackHomeAlias(t *testing.T) {
	requireRoot(t, "a bind mount needs root")
	runAttackCases(t, homeAliasCases(t))
}

func TestAttackHomeAliasUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireUserNS(t)
	runAttackCasesAs(t, nobody, homeAliasCases(t))
}

// gcmStoreCases: Git Credential Manager's plaintext store (credentialStore =
// plaintext: ~/.gcm/store/git/https/HOST/USER.credential) was readable.
func gcmStoreCases(forbidden bool) []attackCase {
	return homeSecretCases([]string{".gcm/store/git/https/github.com/lab13.credential"},
		"password=ghp_lab13\n", forbidden)
}

func TestAttackGCMStore(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackGCMStoreUnprivileged is this test")
	runAttackCases(t, gcmStoreCases(false))
}

func TestAttackGCMStoreUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, gcmStoreCases)
}

// editorCopyCases (S13-6): editors' swap, undo and backup files in the
// home hold the text of the files edited (a project's .env): vim's undo
// file kept a rotated-out key, readable inside.
func editorCopyCases(forbidden bool) []attackCase {
	return homeSecretCases([]string{".local/state/nvim/swap/%lab%proj%.env.swp", ".local/state/nvim/undo/%lab%proj%.env",
		".vim/undo/%lab%proj%.env", ".cache/vim/swap/%lab%proj%.env.swp", ".emacs.d/backups/!lab!proj!.env~"},
		"STRIPE_KEY=sk_live_lab13\n", forbidden)
}

func TestAttackEditorCopies(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackEditorCopiesUnprivileged is this test")
	runAttackCases(t, editorCopyCases(false))
}

func TestAttackEditorCopiesUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, editorCopyCases)
}

// TestHomeAliasNewNames (S13-4): with the root a bind mount of the home, a
// "~/" protected name missing at start (~/.gitconfig) made through the root
// is moved aside after the command, as when the home itself is the root.
func TestHomeAliasNewNames(t *testing.T) {
	requireRoot(t, "a bind mount needs root")
	requireSandbox(t)
	for _, u := range []struct {
		name string
		cred *syscall.Credential
	}{{"root", nil}, {"nobody", nobody}} {
		t.Run(u.name, func(t *testing.T) {
			if u.cred != nil {
				if ok, why := userNSAllowed(); !ok {
					sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
				}
			}
			base := t.TempDir()
			exe := shareWith(t, base, u.cred)
			f := newFixture(t, base)
			home := filepath.Join(filepath.Dir(f.root), "home")
			writeWorld(filepath.Join(home, ".bashrc"), "# rc\n")
			if u.cred != nil {
				os.Chown(home, int(u.cred.Uid), int(u.cred.Gid))
			}
			chownFixture(t, f, u.cred)
			alias := bindAlias(t, home)
			p := Profile{WritableRoots: []string{alias}}
			Protect(&p, protect.Default(), home)
			o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", "n=.gitcon; printf '[core]\\n' > ${n}fig"},
				dir: alias, exe: exe, cred: u.cred, env: []string{"HOME=" + home}}.run(t)
			if exists(filepath.Join(home, ".gitconfig")) {
				t.Errorf("~/.gitconfig, made through the root, stayed (%s)\n%s", o.msg, o.stderr)
			}
			if o.ok || !strings.Contains(o.msg, "126") {
				t.Errorf("want exit status 126, got %s\n%s", o.msg, o.stderr)
			}
		})
	}
}
