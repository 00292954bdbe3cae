package sandbox

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

func init() {
	readAll := func(p string) error {
		b, err := os.ReadFile(p)
		if err == nil && len(b) == 0 {
			return errors.New("read nothing")
		}
		return err
	}
	attacks["read"] = func(a []string) error { return readAll(a[0]) }
	attacks["rename-read"] = func(a []string) error {
		if err := unix.Rename(a[0], a[1]); err != nil {
			return err
		}
		return readAll(a[1])
	}
	attacks["link-read"] = func(a []string) error {
		if err := unix.Link(a[0], a[1]); err != nil {
			return err
		}
		return readAll(a[1])
	}
	attacks["env"] = func(a []string) error {
		if os.Getenv(a[0]) == "" {
			return errors.New(a[0] + " not in the environment")
		}
		return nil
	}
	attacks["replace"] = func(a []string) error { // a new file renamed over a[1]
		tmp := a[1] + ".lock"
		if err := os.WriteFile(tmp, []byte("[core]\n\tfsmonitor = /tmp/pwn\n"), 0o644); err != nil {
			return err
		}
		return unix.Rename(tmp, a[1])
	}
}

// protectFixture lays out, in root and in a home directory next to it, what the
// default list protects and holds secret. Files are world-writable so that an
// ordinary user can plant into them without the sandbox.
func protectFixture(t testing.TB, root string) (home string) {
	t.Helper()
	home = filepath.Join(filepath.Dir(root), "home")
	files := map[string]string{
		".git/HEAD": "ref: refs/heads/main\n", ".git/config": "[core]\n\thooksPath = tools/githooks\n",
		".git/hooks/pre-commit.sample": "#!/bin/sh\n", ".git/index": "x", ".git/objects/.keep": "", ".git/refs/heads/main": "0\n",
		"tools/githooks/pre-commit": "#!/bin/sh\n", ".husky/pre-commit": "npm test\n",
		"docs/HEAD": "ref: refs/heads/main\n", "docs/config": "[core]\n\tbare = true\n", "docs/objects/.keep": "", "docs/refs/.keep": "",
		".envrc": "export A=1\n", ".tool-versions": "nodejs 20.11.0\n", ".vscode/settings.json": "{}\n", ".claude/settings.local.json": "{}\n",
		".env": "API_KEY=sk-secret\n", "app/.env.local": "API_KEY=sk-secret\n", "certs/server.pem": "-----BEGIN PRIVATE KEY-----\n",
		"sub/.keep": "", "src.txt": "evil\n", "config/prod.env": "API_KEY=sk-secret\n",
		"services/api/config/.env": "API_KEY=sk-secret\n", ".env~": "API_KEY=sk-secret\n", "#.env#": "API_KEY=sk-secret\n",
		"certs/server.pem~": "-----BEGIN PRIVATE KEY-----\n", ".git/worktrees/wt/commondir": "../..\n", ".git/modules/lib/modules/inner/config": "[core]\n",
	}
	homeFiles := map[string]string{
		".ssh/id_ed25519": "PRIVATE", ".ssh/known_hosts": "host", ".aws/credentials": "[default]\nkey=1\n",
		".config/gh/hosts.yml": "oauth_token: x\n", ".netrc": "machine x password y\n", ".codex/auth.json": "{}\n",
		".claude/.credentials.json": "{}\n", ".gemini/oauth_creds.json": "{}\n", ".gnupg/private-keys-v1.d/k.key": "k",
		".docker/config.json": "{}\n", ".kube/config": "token: x\n", ".git-credentials": "https://u:p@h\n",
		".pypirc": "password = x\n", ".npmrc": "//r/:_authToken=x\n", ".config/gcloud/credentials.db": "x",
		"dotfiles/password-store/bank.gpg": "k", "dotfiles/pgpass": "h:5432:*:u:p\n",
	}
	// Secrets behind symbolic links, as dotfile managers make them: the
	// content is read through the link's target.
	links := map[string]string{
		filepath.Join(home, ".password-store"): "dotfiles/password-store", filepath.Join(home, ".pgpass"): "dotfiles/pgpass",
		filepath.Join(root, ".env.production"): "config/prod.env",
	}
	for dir, fs := range map[string]map[string]string{root: files, home: homeFiles} {
		for name, content := range fs {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
				t.Fatal(err)
			}
			for d := filepath.Dir(p); d != dir; d = filepath.Dir(d) {
				os.Chmod(d, 0o777)
			}
			os.Chmod(p, 0o666)
		}
	}
	for link, target := range links {
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(root, 0o777)
	return home
}

// withProtection is a profile hook: the fixture, then the default list applied.
func withProtection(t *testing.T) func(p *Profile) {
	return func(p *Profile) {
		home := protectFixture(t, p.WritableRoots[0])
		Protect(p, protect.Default(), home)
	}
}

func inRoot(name string, more ...string) func(*testing.T, *fixture) []string {
	return func(t *testing.T, f *fixture) []string {
		protectFixture(t, f.root)
		args := []string{filepath.Join(f.root, name)}
		for _, m := range more {
			args = append(args, filepath.Join(f.root, m))
		}
		return args
	}
}

func inHome(name string) func(*testing.T, *fixture) []string {
	return func(t *testing.T, f *fixture) []string {
		home := protectFixture(t, f.root)
		return []string{filepath.Join(home, name)}
	}
}

func protectedAttacks(t *testing.T) []attackCase {
	unchanged := func(name, want string) func(f *fixture) bool {
		return func(f *fixture) bool { return readString(filepath.Join(f.root, name)) != want }
	}
	made := func(name string) func(f *fixture) bool {
		return func(f *fixture) bool { return exists(filepath.Join(f.root, name)) }
	}
	gone := func(name string) func(f *fixture) bool {
		return func(f *fixture) bool { return !exists(filepath.Join(f.root, name)) }
	}
	prot := withProtection(t)
	ro := []unix.Errno{unix.EROFS, unix.EBUSY, unix.EACCES, unix.EPERM, unix.EXDEV}
	return []attackCase{
		{name: "plant .git/hooks/pre-commit", attack: "create", args: inRoot(".git/hooks/pre-commit"), effect: made(".git/hooks/pre-commit"), profile: prot, want: ro},
		{name: "append .git/config", attack: "append", args: inRoot(".git/config"), effect: unchanged(".git/config", "[core]\n\thooksPath = tools/githooks\n"), profile: prot, want: ro},
		{name: "replace .git/config by rename", attack: "replace", args: inRoot("src.txt", ".git/config"), effect: unchanged(".git/config", "[core]\n\thooksPath = tools/githooks\n"), profile: prot, want: ro},
		{name: "remove .git/hooks", attack: "rename", args: inRoot(".git/hooks", ".git/hooks.old"), effect: gone(".git/hooks"), profile: prot, want: ro},
		{name: "plant under core.hooksPath (tools/githooks/pre-push)", attack: "create", args: inRoot("tools/githooks/pre-push"), effect: made("tools/githooks/pre-push"), profile: prot, want: ro},
		{name: "append .husky/pre-commit", attack: "append", args: inRoot(".husky/pre-commit"), effect: unchanged(".husky/pre-commit", "npm test\n"), profile: prot, want: ro},
		{name: "embedded bare repository config", attack: "append", args: inRoot("docs/config"), effect: unchanged("docs/config", "[core]\n\tbare = true\n"), profile: prot, want: ro},
		{name: "rewrite a linked worktree's commondir", attack: "append", args: inRoot(".git/worktrees/wt/commondir"), effect: unchanged(".git/worktrees/wt/commondir", "../..\n"), profile: prot, want: ro},
		{name: "nested submodule's config", attack: "append", args: inRoot(".git/modules/lib/modules/inner/config"), effect: unchanged(".git/modules/lib/modules/inner/config", "[core]\n"), profile: prot, want: ro},
		{name: "plant a hook through a .git that is a symbolic link", attack: "create", want: ro,
			args: func(t *testing.T, f *fixture) []string {
				symlinkedGitDir(t, f.root)
				return []string{filepath.Join(f.root, ".git", "hooks", "pre-commit")}
			},
			effect: func(f *fixture) bool { return exists(filepath.Join(f.root, ".git", "hooks", "pre-commit")) },
			profile: func(p *Profile) {
				// The git directory lies in another root that is not scanned
				// (as /tmp is not): only the link leads there.
				p.WritableRoots = append(p.WritableRoots, filepath.Join(filepath.Dir(p.WritableRoots[0]), "gitstore"))
				symlinkedGitDir(t, p.WritableRoots[0])
				Protect(p, protect.Default(), "")
			}},
		{name: "append .envrc", attack: "append", args: inRoot(".envrc"), effect: unchanged(".envrc", "export A=1\n"), profile: prot, want: ro},
		{name: "append .tool-versions (a shim runs what it names by path)", attack: "append", args: inRoot(".tool-versions"), effect: unchanged(".tool-versions", "nodejs 20.11.0\n"), profile: prot, want: ro},
		{name: "plant .vscode/tasks.json", attack: "create", args: inRoot(".vscode/tasks.json"), effect: made(".vscode/tasks.json"), profile: prot, want: ro},
		{name: "append .claude/settings.local.json", attack: "append", args: inRoot(".claude/settings.local.json"), effect: unchanged(".claude/settings.local.json", "{}\n"), profile: prot, want: ro},
		{name: "write .bashrc in a root", attack: "append", args: inRoot(".bashrc"), effect: unchanged(".bashrc", "# rc\n"), want: ro,
			profile: func(p *Profile) {
				root := p.WritableRoots[0]
				protectFixture(t, root)
				os.WriteFile(filepath.Join(root, ".bashrc"), []byte("# rc\n"), 0o666)
				os.Chmod(filepath.Join(root, ".bashrc"), 0o666)
				Protect(p, protect.Default(), root) // the root is the home directory
			},
			child: func(c *child) {
				os.WriteFile(filepath.Join(c.dir, ".bashrc"), []byte("# rc\n"), 0o666)
				os.Chmod(filepath.Join(c.dir, ".bashrc"), 0o666)
			}},
		// A protected name that is a symbolic link: the target was writable
		// under its own name, and a link to a directory made the bind fail.
		{name: "append to where a protected link leads (.envrc -> scripts/envrc.sh)", attack: "append", want: ro,
			profile: linkedProfile(t, ".envrc", "scripts/envrc.sh", false),
			args:    linkedArg(".envrc", "scripts/envrc.sh", false), effect: unchanged("scripts/envrc.sh", "[env]\n")},
		{name: "remove a protected link (.envrc)", attack: "remove", want: ro,
			profile: linkedProfile(t, ".envrc", "scripts/envrc.sh", false),
			args: func(t *testing.T, f *fixture) []string {
				linkedArg(".envrc", "scripts/envrc.sh", false)(t, f)
				return []string{filepath.Join(f.root, ".envrc")}
			},
			effect: gone(".envrc")},
		{name: "plant where a protected directory link leads (.idea -> ide/idea)", attack: "create", want: ro,
			profile: linkedProfile(t, ".idea", "ide/idea", true),
			args:    linkedArg(".idea", "ide/idea", true), effect: made("ide/idea/new.xml")},
		{name: "append to a config file that .git/config includes (include.path = ../shared.gitconfig)", attack: "append", want: ro,
			profile: func(p *Profile) {
				home := protectFixture(t, p.WritableRoots[0])
				includeShared(p.WritableRoots[0])
				Protect(p, protect.Default(), home)
			},
			args: func(t *testing.T, f *fixture) []string {
				protectFixture(t, f.root)
				includeShared(f.root)
				return []string{filepath.Join(f.root, "shared.gitconfig")}
			},
			effect: unchanged("shared.gitconfig", "[user]\n")},
		homeRootPlant(t, ".bash_aliases"), homeRootPlant(t, ".ssh/rc"), homeRootPlant(t, ".gradle/init.d/x.gradle"),
		homeRootPlant(t, ".local/lib/python3.12/site-packages/x.pth"), homeRootPlant(t, ".cargo/config.toml"),
		{name: "guard's own config in a root", attack: "append", args: inRoot("cfg/guard/config.toml"), effect: unchanged("cfg/guard/config.toml", "mode = \"suggest\"\n"), want: ro,
			profile: func(p *Profile) {
				root := p.WritableRoots[0]
				protectFixture(t, root)
				writeWorld(filepath.Join(root, "cfg/guard/config.toml"), "mode = \"suggest\"\n")
				l := protect.Default()
				l.Add(protect.Protected, "guard's own state", filepath.Join(root, "cfg/guard"))
				Protect(p, l, "")
			},
			child: func(c *child) { writeWorld(filepath.Join(c.dir, "cfg/guard/config.toml"), "mode = \"suggest\"\n") }},
	}
}

// symlinkedGitDir makes root/.git a symbolic link to a git directory deep in
// gitstore next to the root, and returns that git directory.
func symlinkedGitDir(t *testing.T, root string) string {
	t.Helper()
	// Deeper than the scan looks (as in /tmp, which it skips).
	gitdir := filepath.Join(filepath.Dir(root), "gitstore", "1/2/3/4/5/6/7/8/9", "p.git")
	for name, content := range map[string]string{"HEAD": "ref: refs/heads/main\n", "config": "[core]\n", "hooks/.keep": "",
		"objects/.keep": "", "refs/heads/.keep": ""} {
		writeWorld(filepath.Join(gitdir, name), content)
	}
	for d := gitdir; filepath.Base(d) != "gitstore"; d = filepath.Dir(d) {
		os.Chmod(d, 0o777)
	}
	os.Chmod(filepath.Join(filepath.Dir(root), "gitstore"), 0o777)
	os.Chmod(filepath.Join(gitdir, "hooks"), 0o777)
	os.Remove(filepath.Join(root, ".git"))
	if err := os.Symlink(gitdir, filepath.Join(root, ".git")); err != nil {
		t.Fatal(err)
	}
	return gitdir
}

// includeShared makes the root's .git/config include ../shared.gitconfig (a
// project's shared git config, kept in the work tree).
func includeShared(root string) {
	writeWorld(filepath.Join(root, ".git/config"), "[core]\n\thooksPath = tools/githooks\n[include]\n\tpath = ../shared.gitconfig\n")
	writeWorld(filepath.Join(root, "shared.gitconfig"), "[user]\n")
}

// linkProtected makes root/name a symbolic link to root/target, a file
// holding "[env]\n" or a directory holding one.
func linkProtected(t *testing.T, root, name, target string, dir bool) {
	tp := filepath.Join(root, target)
	if dir {
		writeWorld(filepath.Join(tp, "workspace.xml"), "[env]\n")
		os.Chmod(tp, 0o777)
	} else {
		writeWorld(tp, "[env]\n")
	}
	os.Remove(filepath.Join(root, name))
	if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
		t.Fatal(err)
	}
}

// linkedProfile: the fixture, the link, then the default list applied.
func linkedProfile(t *testing.T, name, target string, dir bool) func(p *Profile) {
	return func(p *Profile) {
		home := protectFixture(t, p.WritableRoots[0])
		linkProtected(t, p.WritableRoots[0], name, target, dir)
		Protect(p, protect.Default(), home)
	}
}

// linkedArg: the link (made again: the profile makes it only inside), and
// the attack's argument: the target, or for a directory a new file in it.
func linkedArg(name, target string, dir bool) func(*testing.T, *fixture) []string {
	return func(t *testing.T, f *fixture) []string {
		protectFixture(t, f.root)
		linkProtected(t, f.root, name, target, dir)
		if dir {
			return []string{filepath.Join(f.root, target, "new.xml")}
		}
		return []string{filepath.Join(f.root, target)}
	}
}

// homeRootPlant: the root is the home directory, and a file there that a
// shell, ssh, a build tool or Python runs later is appended to.
func homeRootPlant(t *testing.T, name string) attackCase {
	const content = "# x\n"
	return attackCase{name: "write ~/" + name + " with the home as a root", attack: "append", args: inRoot(name),
		effect: func(f *fixture) bool { return readString(filepath.Join(f.root, name)) != content },
		want:   []unix.Errno{unix.EROFS, unix.EBUSY, unix.EACCES, unix.EPERM, unix.EXDEV},
		profile: func(p *Profile) {
			writeWorld(filepath.Join(p.WritableRoots[0], name), content)
			Protect(p, protect.Default(), p.WritableRoots[0])
		},
		child: func(c *child) { writeWorld(filepath.Join(c.dir, name), content) }}
}

func writeWorld(p, content string) {
	os.MkdirAll(filepath.Dir(p), 0o777)
	os.Chmod(filepath.Dir(p), 0o777)
	os.Chmod(filepath.Dir(filepath.Dir(p)), 0o777)
	os.WriteFile(p, []byte(content), 0o666)
	os.Chmod(p, 0o666)
}

func secretAttacks(t *testing.T) []attackCase {
	prot := withProtection(t)
	var cases []attackCase
	for _, name := range []string{".ssh/id_ed25519", ".aws/credentials", ".config/gh/hosts.yml", ".netrc", ".codex/auth.json",
		".claude/.credentials.json", ".gemini/oauth_creds.json", ".gnupg/private-keys-v1.d/k.key", ".docker/config.json",
		".kube/config", ".git-credentials", ".pypirc", ".npmrc", ".config/gcloud/credentials.db",
		".password-store/bank.gpg", "dotfiles/password-store/bank.gpg", ".pgpass", "dotfiles/pgpass"} {
		cases = append(cases, attackCase{name: "read ~/" + name, attack: "read", args: inHome(name), profile: prot, want: unreadable})
	}
	for _, name := range []string{".env", "app/.env.local", "certs/server.pem", "config/prod.env", "services/api/config/.env",
		".env~", "#.env#", "certs/server.pem~"} {
		cases = append(cases, attackCase{name: "read " + name + " in the root", attack: "read", args: inRoot(name), profile: prot, want: unreadable})
	}
	cases = append(cases,
		attackCase{name: "rename .env into a readable place", attack: "rename-read", args: inRoot(".env", "sub/leak"), profile: prot, want: append(denied, unix.EBUSY)},
		attackCase{name: "hard-link .env into a readable place", attack: "link-read", args: inRoot(".env", "sub/leak"), profile: prot, want: append(denied, unix.EBUSY)},
		attackCase{name: "secret environment variable", attack: "env", profile: prot,
			args:  func(*testing.T, *fixture) []string { return []string{"GUARD_TEST_API_KEY"} },
			child: func(c *child) { c.env = append(c.env, "GUARD_TEST_API_KEY=sk-test") }},
		attackCase{name: "npm's per-registry token variable (slashes in its name)", attack: "env", profile: prot,
			args:  func(*testing.T, *fixture) []string { return []string{"npm_config_//registry.npmjs.org/:_authToken"} },
			child: func(c *child) { c.env = append(c.env, "npm_config_//registry.npmjs.org/:_authToken=npm_test") }},
	)
	// Secrets whose names say neither key, token nor password.
	for _, kv := range []string{"SSHPASS=hunter2", "BW_SESSION=bw-session-key", "OP_SESSION_my=op-session-key"} {
		name, _, _ := strings.Cut(kv, "=")
		cases = append(cases, attackCase{name: "secret environment variable " + name, attack: "env", profile: prot,
			args:  func(*testing.T, *fixture) []string { return []string{name} },
			child: func(c *child) { c.env = append(c.env, kv) }})
	}
	return cases
}

// unreadable: Landlock refuses (EACCES), or, with mounts, the file reads as
// empty (errno 0: "read nothing") or its directory is empty (ENOENT).
var unreadable = []unix.Errno{unix.EACCES, 0, unix.ENOENT}

func TestAttackProtected(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackProtectedUnprivileged is this test")
	runAttackCases(t, protectedAttacks(t))
}

func TestAttackSecrets(t *testing.T) {
	runAttackCases(t, secretAttacks(t))
}

func TestAttackSecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root (run as one, TestAttackSecrets is this test)")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, secretAttacks(t))
}

// TestAttackProcCmdline: another process's argv, as root (a fresh /proc in the
// mount namespace hides processes outside the sandbox).
func TestAttackProcCmdline(t *testing.T) {
	requireRoot(t, "the fresh /proc needs the mount namespace (see doc.go for ordinary users)")
	v := exec.Command("sleep", "300")
	v.Args[0] = "secret-arg" // shows in its cmdline
	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { v.Process.Kill(); v.Wait() }()
	pid := strconv.Itoa(v.Process.Pid)
	runAttackCases(t, []attackCase{
		{name: "/proc/PID/cmdline", attack: "read", args: func(*testing.T, *fixture) []string { return []string{"/proc/" + pid + "/cmdline"} },
			want: []unix.Errno{unix.ENOENT, unix.EACCES}},
	})
}

// TestAttackProtectedUnprivileged: the same plants as an ordinary user, whose
// read-only binds are made in a user namespace by a child of guard.
func TestAttackProtectedUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root (run as one, TestAttackProtected is this test)")
	if ok, why := userNSAllowed(); !ok {
		sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
	}
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, protectedAttacks(t))
}

// TestUserNSForbidden: where an ordinary user cannot make a user namespace
// (here: a nested guard, whose enclosing seccomp filter refuses CLONE_NEWUSER,
// as user.max_user_namespaces=0 would; the enclosing one runs as if the
// setting forbade them, so that it makes no child), strict refuses and names the setting;
// best-effort warns and runs with Landlock alone.
func TestUserNSForbidden(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	protectFixture(t, f.root)
	chownFixture(t, f, cred)
	outer := Profile{WritableRoots: []string{f.root}}
	for _, c := range []struct{ best, filesOnly bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		best := c.best
		inner := Profile{WritableRoots: []string{f.root}, BestEffort: best}
		Protect(&inner, protect.Default(), "")
		// Auto-edit's files-only profile keeps the protected paths read-only
		// too, and needs the child for them all the same.
		inner.FilesOnly = c.filesOnly
		if len(inner.ReadOnly) == 0 {
			t.Fatal("no protected paths found in the fixture")
		}
		home := filepath.Join(filepath.Dir(f.root), "home")
		inner.Unreadable = append(inner.Unreadable, filepath.Join(home, ".ssh", "id_ed25519"))
		spec := helperSpec{Profile: outer, Path: exe, Argv: []string{exe}, NoUserNS: true,
			Next: &helperSpec{Profile: inner, Path: "/bin/sh", Argv: []string{"sh", "-c", "echo ran; cat " + filepath.Join(home, ".ssh", "id_ed25519")}}}
		cmd := exec.Command(exe)
		cmd.Dir = f.root
		cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(spec))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		s := string(out)
		if !best {
			if err == nil || !strings.Contains(s, "protected paths read-only") || !strings.Contains(s, notEnforcedMarker) {
				t.Errorf("strict (files-only %v), user namespaces refused: %v\n%s\nwant a refusal naming the protected paths", c.filesOnly, err, s)
			}
			continue
		}
		if !strings.Contains(s, "ran") || !strings.Contains(s, "sandbox: not enforced: protected paths read-only") {
			t.Errorf("best-effort (files-only %v), user namespaces refused: %v\n%s\nwant a warning, then the program", c.filesOnly, err, s)
		}
		if c.filesOnly {
			continue // reads are free in files-only
		}
		// Secrets outside the roots stay Landlock's, namespaces or not.
		if strings.Contains(s, "PRIVATE") || !strings.Contains(s, "Permission denied") {
			t.Errorf("best-effort, user namespaces refused: a secret outside the roots was read:\n%s", s)
		}
	}
}

// TestToolsUnprivilegedProtected: as an ordinary user, in a repository whose hooks and
// config are read-only (so through the user-namespace child), the everyday
// tools keep working.
func TestToolsUnprivilegedProtected(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	needTool(t, "git", "make", "tar", "python3", "script", "go")
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	proj, home := f.root, filepath.Join(filepath.Dir(f.root), "home")
	for name, content := range map[string]string{
		".tmp/.keep": "", "README": "hello\n", "Makefile": "all: a b\na:\n\t@echo made-a\nb:\n\t@echo made-b\n",
		"mp.py": "import multiprocessing as m\nif __name__ == '__main__':\n    m.set_start_method('fork')\n    with m.Pool(2) as p: print('pool', sum(p.map(abs, [-1, -2])))\n",
	} {
		writeWorld(filepath.Join(proj, name), content)
	}
	os.MkdirAll(home, 0o755)
	env := []string{"GIT_AUTHOR_NAME=g", "GIT_AUTHOR_EMAIL=g@e", "GIT_COMMITTER_NAME=g", "GIT_COMMITTER_EMAIL=g@e", "GIT_CONFIG_NOSYSTEM=1"}
	git := exec.Command("sh", "-c", "git init -q -b main && git add README && git commit -qm first")
	git.Dir, git.Env = proj, append(os.Environ(), append(env, "HOME="+home)...)
	if out, err := git.CombinedOutput(); err != nil {
		t.Fatalf("git: %v\n%s", err, out)
	}
	chownFixture(t, f, cred)
	p := Profile{WritableRoots: []string{proj}}
	Protect(&p, protect.Default(), home)
	if len(p.ReadOnly) == 0 {
		t.Fatal("no protected paths found in the repository")
	}
	script := `set -e
git status --short
echo more >> README && git add README && git commit -qm second
git checkout -q -b feature && echo f > f && git add f && git commit -qm feature
echo wip >> README && git stash -q && git stash pop -q && git checkout -q README
git checkout -q main && echo m > m && git add m && git commit -qm main2
git checkout -q feature && git rebase -q main && git log --oneline | head -3
make -j2
python3 mp.py
tar cf t.tar README && tar tf t.tar
script -qec 'test -t 0 && echo pty-ok' /dev/null
printf 'module m\n\ngo 1.21\n' > go.mod
printf 'package main\n\nfunc main() { println("go-built") }\n' > main.go
printf 'package main\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n' > main_test.go
go build -o prog . && ./prog && go test -count=1 . 
if echo x >> .git/config 2>/dev/null; then echo CONFIG-CHANGED; fi
`
	o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: proj, exe: exe, cred: cred, timeout: 5 * time.Minute,
		env: append(env, "HOME="+home, "TMPDIR="+proj+"/.tmp", "GOCACHE="+proj+"/.gocache", "GOPATH="+proj+"/.gopath", "GOTOOLCHAIN=local", "GOFLAGS=")}.run(t)
	out := o.stdout + o.stderr
	if !o.ok {
		t.Fatalf("as nobody, the tools failed: %s (killed %v)\n%s", o.msg, o.killed, out)
	}
	for _, want := range []string{"main2", "made-a", "made-b", "pool 3", "README", "pty-ok", "go-built", "ok  \tm"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "CONFIG-CHANGED") {
		t.Errorf(".git/config written as nobody:\n%s", out)
	}
	t.Logf("output:\n%s", out)
}

// TestSecretNeighbours: a secret at a root's top (.env) and a secret directory
// in it stay unreadable, while a file made next to them during the run is
// readable, as root and as an ordinary user (where Landlock rules alone would
// leave every new file in that directory unreadable).
func TestSecretNeighbours(t *testing.T) {
	requireSandbox(t)
	creds := []*syscall.Credential{nil}
	if os.Geteuid() == 0 {
		creds = append(creds, &syscall.Credential{Uid: 65534, Gid: 65534})
	}
	for _, cred := range creds {
		base := t.TempDir()
		exe := ""
		if cred != nil {
			exe = shareWith(t, base, cred)
		}
		f := newFixture(t, base)
		writeWorld(filepath.Join(f.root, ".env"), "API_KEY=sk-secret\n")
		writeWorld(filepath.Join(f.root, "vault", "key"), "sk-secret\n")
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{f.root}, Unreadable: []string{filepath.Join(f.root, ".env"), filepath.Join(f.root, "vault")}}
		script := `echo fresh > new.txt && cat new.txt; mkdir d && echo deeper > d/x && cat d/x
cat .env vault/key 2>&1; ls vault 2>&1; echo end`
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred}.run(t)
		out := o.stdout + o.stderr
		if !strings.Contains(out, "fresh") || !strings.Contains(out, "deeper") || !strings.Contains(out, "end") {
			t.Errorf("cred %v: a new file next to a secret is not readable:\n%s", cred, out)
		}
		if strings.Contains(out, "sk-secret") {
			t.Errorf("cred %v: a secret was read:\n%s", cred, out)
		}
		t.Logf("cred %v:\n%s", cred, out)
	}
}

// TestUserNSForbiddenSysctl: the same with the real setting,
// user.max_user_namespaces=0, set for the test and restored.
func TestUserNSForbiddenSysctl(t *testing.T) {
	requireRoot(t, "changing the sysctl needs root")
	requireSandbox(t)
	const knob = "/proc/sys/user/max_user_namespaces"
	old, err := os.ReadFile(knob)
	if err != nil {
		sandboxtest.NotApplicable(t, "no user.max_user_namespaces: ", err)
	}
	if err := os.WriteFile(knob, []byte("0"), 0); err != nil {
		sandboxtest.NotApplicable(t, "this machine does not let the test change user.max_user_namespaces (", err, "): TestUserNSForbidden covers the refusal")
	}
	defer func() {
		if err := os.WriteFile(knob, old, 0); err != nil {
			t.Errorf("restoring %s: %v", knob, err)
		}
	}()
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	protectFixture(t, f.root)
	chownFixture(t, f, cred)
	p := Profile{WritableRoots: []string{f.root}}
	Protect(&p, protect.Default(), "")
	cmd := exec.Command(exe)
	cmd.Dir = f.root
	cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(helperSpec{Profile: p, Path: "/bin/true", Argv: []string{"true"}}))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "user.max_user_namespaces=0") {
		t.Errorf("strict with user.max_user_namespaces=0: %v\n%s\nwant a refusal naming the setting", err, out)
	}
}
