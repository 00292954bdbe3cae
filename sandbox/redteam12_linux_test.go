package sandbox

import (
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
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
	return homeSecretCases(lockedLogins, "password=lab12-secret\n", forbidden)
}

// TestAttackLockedLogins: a stored login (plain, or under a master password
// or a key kept beside it) in the home, read from inside.
func TestAttackLockedLogins(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackLockedLoginsUnprivileged is this test")
	runAttackCases(t, lockedLoginCases(false))
}

func TestAttackLockedLoginsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, lockedLoginCases)
}

// TestNewHomeNamesMovedAside: with the home a writable root (an agent run
// in the home, or a home that is the project), the list's "~/" protected
// files absent at start and made by the command are moved aside, status
// 126: a ~/.gitconfig made inside ran its core.fsmonitor at the next `git
// status` outside (docs/redteam/sandbox-12.md, S12-2).
func TestNewHomeNamesMovedAside(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	// Start-up files run as code: those that exist at start are read-only
	// inside, the others are moved aside once made.
	existing := []string{".mongoshrc.js", ".erlang", ".ocamlinit", ".perldb"}
	made := []string{".gitconfig", ".ssh/config", ".config/git/config", ".config/autostart/x.desktop", ".iex.exs",
		".sbclrc", ".vscode-server/extensions/x/package.json", ".config/ptpython/config.py"}
	testHomeNamesAs(t, existing, made, nil)
}

// testHomeNamesAs runs testHomeNames as root and as nobody (the child).
func testHomeNamesAs(t *testing.T, existing, made, kept []string) {
	t.Run("root", func(t *testing.T) { testHomeNames(t, nil, existing, made, kept) })
	t.Run("nobody", func(t *testing.T) {
		if ok, why := userNSAllowed(); !ok {
			sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
		}
		testHomeNames(t, &syscall.Credential{Uid: 65534, Gid: 65534}, existing, made, kept)
	})
}

// testHomeNames: with the home the writable root, each of existing (there
// at start) cannot be appended to, and each of made (absent at start, made
// by the command) is moved aside, status 126; each of kept, made by the
// command on the way to a protected path but none itself, stays (and with
// nothing protected made, the status stays 0).
func testHomeNames(t *testing.T, cred *syscall.Credential, existing, made, kept []string) {
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	home := f.root // the home is the writable root
	for _, n := range existing {
		writeWorld(filepath.Join(home, n), "// user's\n")
	}
	chownFixture(t, f, cred)
	p := Profile{WritableRoots: []string{home}}
	Protect(&p, protect.Default(), home)
	var script strings.Builder
	for _, n := range slices.Concat(made, kept) {
		path := filepath.Join(home, n)
		script.WriteString("mkdir -p '" + filepath.Dir(path) + "' && echo '[core]' > '" + path + "' || echo REFUSED " + n + "\n")
	}
	for _, n := range existing {
		script.WriteString("echo planted >> '" + filepath.Join(home, n) + "' || echo REFUSED " + n + "\n")
	}
	script.WriteString("echo ok > notes.txt\n")
	o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script.String()}, dir: home, exe: exe, cred: cred,
		env: []string{"HOME=" + home}}.run(t)
	if len(made) > 0 && (o.ok || !strings.Contains(o.msg, "126")) {
		t.Errorf("a command that made ~/ protected files: %s, want exit status 126\nstdout: %s\nstderr: %s", o.msg, o.stdout, o.stderr)
	}
	if len(made) == 0 && !o.ok {
		t.Errorf("a command that made no protected file: %s, want exit status 0\nstdout: %s\nstderr: %s", o.msg, o.stdout, o.stderr)
	}
	for _, n := range kept {
		if !exists(filepath.Join(home, n)) {
			t.Errorf("~/%s, made by the command, is no protected path but was moved aside\nstderr: %s", n, o.stderr)
		}
	}
	for _, n := range made {
		if exists(filepath.Join(home, n)) {
			t.Errorf("~/%s, made by the command, is still there\nstderr: %s", n, o.stderr)
		}
		// The hint names the entry as the config does: "~/NAME", or NAME
		// for a start-up file protected in any directory (.iex.exs).
		if top, _, _ := strings.Cut(n, "/"); top == n {
			entry := "~/" + n
			if e := protect.Default().Protected(filepath.Join(home, n), home); e != nil {
				entry = e.Pattern
			}
			if !strings.Contains(o.stderr, `unprotected = ["`+entry+`"]`) {
				t.Errorf("~/%s: the message should name the entry as the config does (%s)\nstderr: %s", n, entry, o.stderr)
			}
		}
	}
	for _, n := range existing {
		if !strings.Contains(o.stdout, "REFUSED "+n+"\n") {
			t.Errorf("~/%s existed at start: appending to it should have failed\nstdout: %s", n, o.stdout)
		}
	}
	if !exists(filepath.Join(home, "notes.txt")) {
		t.Errorf("an ordinary file the command made is gone")
	}
}
