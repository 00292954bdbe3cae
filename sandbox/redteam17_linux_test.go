package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"guard/policy/protect"
)

// Seventeenth red-team pass (docs/redteam/sandbox-17.md).

// homeLaterMade are files in a home that is a root that run code later,
// outside the sandbox, that the list missed (S17-1), one or more of each
// family: every shell's start-up and logout files and zsh's compiled
// forms of them, who may log in and what mail delivery runs, what the
// session runs at login (systemd-tmpfiles --user, PipeWire, GNOME Shell's
// extensions, window managers), tools' init code and per-user config that
// names a program, and credential files that name one (a kubeconfig's exec
// plugin, gpg-agent's pinentry-program, docker's plugin directories). Made
// by the command, each is moved aside.
var homeLaterMade = []string{".zlogout", ".zshenv.zwc", ".zshrc.zwc", ".zcompdump", ".config/zsh/.zshrc", ".kshrc",
	".cshrc", ".login", ".config/elvish/rc.elv", ".k5login", ".forward", ".procmailrc", ".config/user-tmpfiles.d/x.conf",
	".config/pipewire/pipewire.conf", ".local/share/gnome-shell/extensions/x@lab17/extension.js",
	".config/lxsession/LXDE/autostart", ".config/river/init", ".npm-init.js", ".config/containers/containers.conf",
	".node_modules/x/index.js", ".gem/ruby/3.2.0/plugins/x_plugin.rb", ".config/micro/init.lua", ".kube/config",
	".gnupg/gpg-agent.conf", ".docker/config.json", ".terraformrc", ".gradle/gradle.properties", ".msmtprc",
	".mbsyncrc"}

// homeLaterExisting are more of the same families, there at start: each
// stays read-only.
var homeLaterExisting = []string{".zprofile.zwc", ".zlogin.zwc", ".tcshrc", ".logout", ".mkshrc", ".rhosts", ".qmail",
	".mailfilter", ".config/wireplumber/main.lua.d/x.lua", ".config/bspwm/bspwmrc", ".node_libraries/x.js",
	".local/share/gem/ruby/3.2.0/plugins/y_plugin.rb", ".config/kak/kakrc", ".config/containers/storage.conf",
	".config/waybar/config", ".emacs.el", ".tmux/plugins/tpm/tpm", ".local/share/nautilus/scripts/x", ".task/hooks/on-add.x"}

// TestNewHomeLaterNamesMovedAside: each of homeLaterMade made by the
// command in a home that is the root is moved aside, status 126, and each
// of homeLaterExisting cannot be appended to (root, nobody).
func TestNewHomeLaterNamesMovedAside(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	testHomeNamesAs(t, homeLaterExisting, homeLaterMade, nil)
}

// TestAttackZshCompiledStartup: zsh runs ~/.zshenv.zwc, the compiled form
// of ~/.zshenv, in its place when it is newer: one made inside a home that
// is the root (zcompile, a real zsh) ran at the next `zsh -c` outside, the
// protected ~/.zshenv untouched. Shown to run without the sandbox first;
// with it, it is moved aside (root, nobody).
func TestAttackZshCompiledStartup(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh is not installed")
	}
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		home := f.root
		writeWorld(filepath.Join(home, ".zshenv"), "# the user's\n")
		past := time.Now().Add(-time.Hour)
		os.Chtimes(filepath.Join(home, ".zshenv"), past, past)
		src := filepath.Join(home, "src")
		writeWorld(filepath.Join(src, ".zshenv"), "echo ZWC-RAN > "+filepath.Join(home, "ran")+"\n")
		chownFixture(t, f, cred)
		plant := "cd " + src + " && zcompile " + filepath.Join(home, ".zshenv.zwc") + " .zshenv"
		later := func() bool {
			os.Remove(filepath.Join(home, "ran"))
			cmd := exec.Command(zsh, "-c", "true")
			cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
			cmd.Run()
			return exists(filepath.Join(home, "ran"))
		}
		if o := (child{path: zsh, argv: []string{"zsh", "-fc", plant}, dir: home, exe: exe, cred: cred,
			env: []string{"HOME=" + home}}).run(t); !o.ok {
			t.Fatalf("zcompile without the sandbox: %s\n%s", o, o.stderr)
		}
		if !later() {
			t.Fatalf("without the sandbox, the next zsh did not run ~/.zshenv.zwc")
		}
		os.Remove(filepath.Join(home, ".zshenv.zwc"))
		p := Profile{WritableRoots: []string{home}}
		Protect(&p, protect.Default(), home)
		o := child{profile: &p, path: zsh, argv: []string{"zsh", "-fc", plant}, dir: home, exe: exe, cred: cred,
			env: []string{"HOME=" + home}}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("zcompile of ~/.zshenv.zwc inside: %s, want status 126\nstderr: %s", o.msg, o.stderr)
		}
		if later() {
			t.Errorf("the next zsh outside ran the ~/.zshenv.zwc made inside")
		}
	})
}

// credentialShapeCases: a password under a short name, and credentials by
// their shape under names no pattern catches (a connection string, a
// signed URL, a webhook URL), set outside (S17-2).
func credentialShapeCases(t *testing.T) []attackCase {
	prot := withProtection(t)
	var cases []attackCase
	for _, kv := range []string{"DB_PW=sk-lab17", "DBPASS=sk-lab17", "APP_SESSION=sk-lab17",
		"SQLSERVER=Server=tcp:db;Database=d;User ID=u;Password=sk-lab17;",
		"BLOB=https://x.blob.core.windows.net/c/f?sv=2022-11-02&sig=sk-lab17",
		"NOTIFY_URL=https://hooks.slack.com/services/T000/B000/sk-lab17"} {
		name, _, _ := strings.Cut(kv, "=")
		cases = append(cases, attackCase{name: "credential in " + name, attack: "env-holds", profile: prot,
			args:  func(*testing.T, *fixture) []string { return []string{"sk-", "lab17"} },
			child: func(c *child) { c.env = append(c.env, kv) }})
	}
	return cases
}

func TestAttackCredentialShapesEnv(t *testing.T) {
	runAttackCases(t, credentialShapeCases(t))
}

func TestAttackCredentialShapesEnvUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAttackCasesAs(t, nobody, credentialShapeCases(t))
}

// TestNewNamesAtOtherRootTops: at the top of a writable root other than
// the project (writable_roots = ["~/scratch"], the project ~/scratch/p),
// what tools below it take for their own, made by a command unseen (a
// .cargo with a rustc wrapper, a bare repository's HEAD, go.work,
// conftest.py, ESLint's config), is moved aside, status 126 (S17-3): a
// planted .cargo/config.toml ran its wrapper at the next cargo build in
// ~/scratch/other, outside. Shown with git's discovery of a bare
// repository first: `git rev-parse --git-dir` in ~/scratch/other finds the
// planted one without the sandbox, and none after a run inside. The same
// names at the project's top, and ordinary files, stay (root, nobody).
func TestNewNamesAtOtherRootTops(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	made := []string{".cargo/config.toml", "HEAD", "go.work", "conftest.py", "eslint.config.js"}
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		scratch, project := f.root, filepath.Join(f.root, "p")
		os.MkdirAll(project, 0o755)
		os.MkdirAll(filepath.Join(scratch, "other"), 0o755)
		chownFixture(t, f, cred)
		var script strings.Builder
		for _, n := range made {
			script.WriteString("mkdir -p \"$(dirname '" + filepath.Join(scratch, n) + "')\" && echo x > '" + filepath.Join(scratch, n) + "'\n")
		}
		script.WriteString("mkdir -p '" + scratch + "/objects' '" + scratch + "/refs' && printf '[core]\\n\\tbare = true\\n' > '" + scratch + "/config'\n")
		script.WriteString("printf 'ref: refs/heads/main\\n' > '" + scratch + "/HEAD'\n")
		found := func() bool {
			cmd := exec.Command(git, "-c", "safe.directory=*", "rev-parse", "--git-dir")
			cmd.Dir = filepath.Join(scratch, "other")
			cmd.Env = []string{"HOME=" + base, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + filepath.Dir(scratch)}
			out, err := cmd.Output()
			return err == nil && strings.TrimSpace(string(out)) != ""
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", script.String()}, dir: project, exe: exe, cred: cred,
			env: []string{"HOME=" + base}}.run(t)
		if !o.ok || !found() {
			t.Fatalf("without the sandbox, git in %s/other did not find the planted repository: %s\n%s", scratch, o, o.stderr)
		}
		for _, n := range append(made, "config", "objects", "refs") {
			os.RemoveAll(filepath.Join(scratch, n))
		}
		os.RemoveAll(filepath.Join(scratch, ".cargo"))
		p := Profile{WritableRoots: []string{project, scratch}}
		Protect(&p, protect.Default(), base)
		script.WriteString("echo ok > '" + scratch + "/notes.txt' && echo x > '" + project + "/conftest.py' && echo x > '" + project + "/HEAD'\n")
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script.String()}, dir: project, exe: exe, cred: cred,
			env: []string{"HOME=" + base}}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that made them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		for _, n := range made {
			if exists(filepath.Join(scratch, n)) {
				t.Errorf("%s, made by the command at the top of another root, is still there\nstderr: %s", n, o.stderr)
			}
		}
		if found() {
			t.Errorf("git in %s/other finds the repository planted inside", scratch)
		}
		for _, n := range []string{"notes.txt", "p/conftest.py", "p/HEAD"} {
			if !exists(filepath.Join(scratch, n)) {
				t.Errorf("%s was moved aside\nstderr: %s", n, o.stderr)
			}
		}
	})
}

// TestNewRepositoriesLookedIn: a repository the command made (git init,
// a bare one, one with a separate git directory, one deeper in a new
// directory) has no protected hooks or config to cover; a hook other than
// git's samples, or a config key naming a program (core.fsmonitor, a shell
// alias), is moved aside after the command, status 126 (S17-4). Shown with
// real git first: without the sandbox, `git status` in the new repository
// runs the planted core.fsmonitor. A repository made, cloned, committed
// to and given a linked worktree (its commondir is git's own) with nothing
// planted stays, status 0 (root, nobody).
func TestNewRepositoriesLookedIn(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	plant := `set -e
git init -q r1; printf '#!/bin/sh\necho HOOK >> ../ran\n' > r1/.git/hooks/post-checkout; chmod +x r1/.git/hooks/post-checkout
git init -q r2; git -C r2 config core.fsmonitor "echo FSMON >> $PWD/ran; false"
git init -q --bare b.git; echo x > b.git/hooks/pre-receive
git init -q --separate-git-dir "$PWD/gd" r3; echo x > gd/hooks/post-commit
mkdir -p deep/a; git init -q deep/a/r4; git -C deep/a/r4 config alias.st '!echo ALIAS'
`
	clean := `set -e
git init -q clean; git clone -q clean c2 2>/dev/null; cd clean; echo a > a; git add a
git -c user.name=a -c user.email=a@b commit -qm m; git config user.name x; git -C ../c2 status --short
git worktree add -q ../wt; git -C ../wt status --short
`
	moved := []string{"r1/.git/hooks/post-checkout", "r2/.git/config", "b.git/hooks/pre-receive", "gd/hooks/post-commit",
		"deep/a/r4/.git/config"}
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		chownFixture(t, f, cred)
		env := []string{"HOME=" + base, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + filepath.Dir(f.root)}
		status := func() string {
			os.Remove(filepath.Join(f.root, "ran"))
			cmd := exec.Command(git, "-c", "safe.directory=*", "status", "--short")
			cmd.Dir = filepath.Join(f.root, "r2")
			cmd.Env = env
			cmd.Run()
			return readString(filepath.Join(f.root, "ran"))
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env}.run(t)
		if !o.ok || !strings.Contains(status(), "FSMON") {
			t.Fatalf("without the sandbox, git status in the new repository did not run its core.fsmonitor: %s\n%s", o, o.stderr)
		}
		for _, n := range []string{"r1", "r2", "b.git", "gd", "r3", "deep"} {
			os.RemoveAll(filepath.Join(f.root, n))
		}
		time.Sleep(ctimeRacy) // what the run before made is not this one's
		p := Profile{WritableRoots: []string{f.root}}
		Protect(&p, protect.Default(), base)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that planted them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		for _, n := range moved {
			if exists(filepath.Join(f.root, n)) {
				t.Errorf("%s, planted in a repository the command made, is still there\nstderr: %s", n, o.stderr)
			}
		}
		if got := status(); got != "" {
			t.Errorf("git status in the new repository ran %q", got)
		}
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", clean}, dir: f.root, exe: exe, cred: cred, env: env}.run(t)
		if !o.ok {
			t.Errorf("git init, clone and commit with nothing planted: %s, want status 0\nstderr: %s", o.msg, o.stderr)
		}
	})
}

// sandboxedAppProfiles are browser, mail and chat profiles where snap and
// flatpak keep them (S17-5): Ubuntu's Firefox is a snap.
var sandboxedAppProfiles = []string{"snap/firefox/common/.mozilla/firefox/ab.default/cookies.sqlite",
	"snap/thunderbird/common/.thunderbird/ab.default/logins.json", "snap/brave/551/.config/BraveSoftware/Brave-Browser/Default/Cookies",
	".var/app/org.mozilla.firefox/.mozilla/firefox/ab.default/logins.json",
	".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/Default/Cookies",
	".var/app/com.slack.Slack/config/Slack/Cookies", ".var/app/org.signal.Signal/config/Signal/config.json"}

func sandboxedAppCases(forbidden bool) []attackCase {
	return homeSecretCases(sandboxedAppProfiles, "SQLite format 3 sessionid=lab17\n", forbidden)
}

// TestAttackSandboxedAppProfiles: each read from inside, the project
// beside the home.
func TestAttackSandboxedAppProfiles(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackSandboxedAppProfilesUnprivileged is this test")
	runAttackCases(t, sandboxedAppCases(false))
}

func TestAttackSandboxedAppProfilesUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, sandboxedAppCases)
}

// asRootAndNobody runs test as root and as nobody (needing user namespaces),
// each with a scratch base directory, guard's test binary shared with the
// user (exe) and a fixture in base.
func asRootAndNobody(t *testing.T, test func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture)) {
	for _, tc := range []struct {
		name string
		cred *syscall.Credential
	}{{"root", nil}, {"nobody", nobody}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != nil {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := shareWith(t, base, tc.cred)
			test(t, tc.cred, base, exe, newFixture(t, base))
		})
	}
}
