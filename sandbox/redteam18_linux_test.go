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

// Red team of the sandbox, eighteenth pass (docs/redteam/sandbox-18.md).

// asRootNobodyAndForbidden runs test as root, as nobody, and as nobody
// where user namespaces are forbidden (no child: Landlock alone, guard the
// program's parent), each with a scratch base directory, guard's test
// binary shared with the user and a fixture. The last sets
// user.max_user_namespaces=0 for the subtest and restores it; where the
// test may not (no CAP_SYS_RESOURCE over the setting's namespace), the
// helper behaves as if it were set (forbidden: child.noUserNS).
func asRootNobodyAndForbidden(t *testing.T, test func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture)) {
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		test(t, cred, false, base, exe, f)
	})
	t.Run("nobody, user namespaces forbidden", func(t *testing.T) {
		if err := forbidUserNS(t); err != nil {
			t.Logf("user.max_user_namespaces cannot be set here (%v): the helper behaves as if it were 0", err)
		}
		base := t.TempDir()
		exe := shareWith(t, base, nobody)
		test(t, nobody, true, base, exe, newFixture(t, base))
	})
}

// forbidUserNS sets user.max_user_namespaces=0 until t ends.
func forbidUserNS(t *testing.T) error {
	t.Helper()
	const knob = "/proc/sys/user/max_user_namespaces"
	old, err := os.ReadFile(knob)
	if err != nil {
		return err
	}
	if err := os.WriteFile(knob, []byte("0"), 0); err != nil {
		return err
	}
	t.Cleanup(func() {
		if err := os.WriteFile(knob, old, 0); err != nil {
			t.Errorf("restoring %s: %v", knob, err)
		}
	})
	return nil
}

// TestNewGitDirsFromOldPartsOrSharedRoots (S18-1): a git directory the
// command assembles from what was there at start (an old directory given
// HEAD, objects, refs and a config, named by a new .git file, or renamed to
// .git), and a .git file or link naming a repository it made in a shared
// root ($TMPDIR): git status there later, outside, ran the planted
// core.fsmonitor. The look took "made during the run" for the birth time,
// which a rename keeps, and looked only in the unshared roots.
func TestNewGitDirsFromOldPartsOrSharedRoots(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	plant := `set -e
echo 'ref: refs/heads/main' > docs/README; mv docs/README docs/HEAD; mkdir docs/objects docs/refs
printf '[core]\n\tbare = false\n\tfsmonitor = "echo OLDDIR >> %s/ran; false"\n' "$PWD" > docs/config
echo "gitdir: ../docs" > sub/.git
git init -q --bare stash; git --git-dir=stash config core.bare false
git --git-dir=stash config core.fsmonitor "echo RENAMED >> $PWD/ran; false"; mv stash lib/.git
git init -q --bare "$SHARED/x.git"; git --git-dir="$SHARED/x.git" config core.bare false
git --git-dir="$SHARED/x.git" config core.fsmonitor "echo SHARED >> $PWD/ran; false"
mkdir s1 s2; echo "gitdir: $SHARED/x.git" > s1/.git; ln -s "$SHARED/x.git" s2/.git
`
	// What stays: a linked worktree in the shared root (its .git file is
	// there, naming the project's), a commit in a repository there at start.
	clean := `set -e
git -C old -c user.name=a -c user.email=a@b commit -q --allow-empty -m again
git init -q r; git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m m
git -C r worktree add -q "$SHARED/wt"; git -C "$SHARED/wt" status --short
`
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		shared := filepath.Join(filepath.Dir(f.root), "tmp")
		olds := func() {
			for _, d := range []string{"docs", "sub", "lib", "stash", "old"} {
				os.MkdirAll(filepath.Join(f.root, d), 0o755)
			}
			os.WriteFile(filepath.Join(f.root, "docs", "README"), []byte("docs\n"), 0o644)
			os.MkdirAll(shared, 0o777)
			chownFixture(t, f, cred)
			time.Sleep(ctimeRacy + 500*time.Millisecond) // there at start: older than the run
		}
		env := []string{"HOME=" + base, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + filepath.Dir(f.root),
			"SHARED=" + shared}
		status := func() string {
			os.Remove(filepath.Join(f.root, "ran"))
			for _, d := range []string{"sub", "lib", "s1", "s2"} {
				cmd := exec.Command(git, "-c", "safe.directory=*", "status", "--short")
				cmd.Dir = filepath.Join(f.root, d)
				cmd.Env = env
				cmd.Run()
			}
			return readString(filepath.Join(f.root, "ran"))
		}
		olds()
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env}.run(t)
		for _, want := range []string{"OLDDIR", "RENAMED", "SHARED"} {
			if got := status(); !o.ok || !strings.Contains(got, want) {
				t.Fatalf("without the sandbox, git status did not run the planted core.fsmonitor (%s): %s\n%s\nran %q", want, o, o.stderr, got)
			}
		}
		for _, n := range []string{"docs", "sub", "lib", "stash", "s1", "s2", "old"} {
			os.RemoveAll(filepath.Join(f.root, n))
		}
		os.RemoveAll(filepath.Join(shared, "x.git"))
		olds()
		// Where user namespaces are forbidden the shared root's placeholders
		// (protected) cannot be kept read-only: best effort, as guard's
		// best-effort mode runs it, with the look after the command.
		p := Profile{WritableRoots: []string{f.root, shared}, SharedRoots: []string{shared}, BestEffort: forbidden}
		Protect(&p, protect.Default(), base)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that planted them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		if got := status(); got != "" {
			t.Errorf("git status outside ran %q\nstderr: %s", got, o.stderr)
		}
		if exists(filepath.Join(f.root, "s1", ".git")) || exists(filepath.Join(f.root, "s2", ".git")) {
			t.Errorf("a .git naming a repository in the shared root is still there\nstderr: %s", o.stderr)
		}

		// An existing repository (protected, so not where user namespaces
		// are forbidden: strict refuses), a worktree in the shared root.
		if forbidden {
			return
		}
		init := exec.Command(git, "init", "-q", filepath.Join(f.root, "old"))
		init.Env = env
		if out, err := init.CombinedOutput(); err != nil {
			t.Fatalf("git init old: %v\n%s", err, out)
		}
		chownFixture(t, f, cred)
		time.Sleep(ctimeRacy + 500*time.Millisecond)
		p = Profile{WritableRoots: []string{f.root, shared}, SharedRoots: []string{shared}}
		Protect(&p, protect.Default(), base)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", clean}, dir: f.root, exe: exe, cred: cred, env: env}.run(t)
		if !o.ok {
			t.Errorf("a commit in a repository there at start, a worktree in the shared root: %s, want status 0\nstderr: %s", o.msg, o.stderr)
		}
		if !exists(filepath.Join(f.root, "old", ".git", "config")) || !exists(filepath.Join(shared, "wt", ".git")) {
			t.Errorf("the existing repository's config or the worktree's .git was moved\nstderr: %s", o.stderr)
		}
	})
}

// storedLoginsAndWallets are logins, keys and wallets at their tools'
// documented places that were readable (S18-2).
var storedLoginsAndWallets = []string{".authinfo", ".authinfo.gpg", ".config/solana/id.json", ".ethereum/keystore/UTC--2026",
	".foundry/keystores/deployer", ".near-credentials/mainnet/a.near.json", ".sui/sui_config/sui.keystore",
	".bitcoin/wallets/w/wallet.dat", ".bitcoin/wallet.dat", ".electrum/wallets/default_wallet", ".tccli/default.credential",
	".config/yandex-cloud/config.yaml", ".config/exoscale/exoscale.toml", ".render/cli.yaml", ".vercel/auth.json",
	".now/auth.json", ".dogrc", ".minikube/ca.key", ".minikube/profiles/minikube/client.key", ".ansible/galaxy_token",
	".chef/credentials", ".chef/admin.pem", ".puppetlabs/etc/puppet/ssl/private_keys/host.pem",
	".vagrant.d/data/vagrant_login_token", ".cert/nm-openvpn/vpn-key.pem", ".vnc/passwd", ".sbt/.credentials",
	".hex/hex.config", ".config/httpie/sessions/api.example.com/s.json",
	".config/obs-studio/basic/profiles/Untitled/service.json", ".gnome2/keyrings/login.keyring",
	".local/share/powershell/PSReadLine/ConsoleHost_history.txt"}

func walletAndLoginCases(forbidden bool) []attackCase {
	return homeSecretCases(storedLoginsAndWallets, "password=lab18-stored-login\n", forbidden)
}

// TestAttackStoredLoginsAndWallets: each read from inside, the project
// beside the home.
func TestAttackStoredLoginsAndWallets(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackStoredLoginsAndWalletsUnprivileged is this test")
	runAttackCases(t, walletAndLoginCases(false))
}

func TestAttackStoredLoginsAndWalletsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, walletAndLoginCases)
}

// homeStartMade and homeStartExisting are files a tool sources or runs
// from the home at its start (S18-3), made by the command and there at
// start, in a home that is the root (~/.selected_editor and ~/.less made:
// TestAttackHomeStartFilesRun).
var homeStartMade = []string{".config/.bunfig.toml", ".config/pnpm/rc", ".ansible/plugins/filter/x.py", ".config/zellij/config.kdl"}
var homeStartExisting = []string{".selected_editor", ".less", ".ansible.cfg", ".config/ghostty/config"}

// TestNewHomeStartFilesMovedAside: each of homeStartMade made in a home
// that is the root is moved aside, status 126, and each of
// homeStartExisting cannot be appended to (root, nobody).
func TestNewHomeStartFilesMovedAside(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	testHomeNamesAs(t, homeStartExisting, homeStartMade, nil)
}

// TestAttackHomeStartFilesRun: with the real tools, what a command planted
// in a home that is the root ran outside later: sensible-editor sourced
// ~/.selected_editor (VISUAL unset, EDITOR set), and less ran the LESSOPEN
// of a ~/.less compiled by lesskey (git's pager). Shown to run without the
// sandbox first; with it, both are moved aside and nothing runs (root,
// nobody, nobody with user namespaces forbidden).
func TestAttackHomeStartFilesRun(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	for _, tool := range []string{"sensible-editor", "less", "lesskey"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		ran := filepath.Join(base, "ran")
		os.WriteFile(filepath.Join(base, "page"), []byte("page\n"), 0o644)
		writeWorld(filepath.Join(home, "src", "lesskey.in"), "#env\nLESSOPEN=|echo LESSOPEN-RAN >> "+ran+"; cat %s\n")
		chownFixture(t, f, cred)
		os.Chmod(base, 0o777)
		plant := `echo 'SELECTED_EDITOR=true; echo SELECTED-RAN >> ` + ran + `' > ~/.selected_editor
lesskey -o ~/.less src/lesskey.in 2>/dev/null
`
		later := func() string {
			os.Remove(ran)
			env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "EDITOR=true", "TERM=dumb"}
			ed := exec.Command("sensible-editor", filepath.Join(base, "page"))
			ed.Env = env
			ed.Run()
			less := exec.Command("less", filepath.Join(base, "page"))
			less.Env = env
			less.Run()
			return readString(ran)
		}
		env := []string{"HOME=" + home}
		plantUnconfined(t, "", plant, home, exe, cred, env)
		if got := later(); !strings.Contains(got, "SELECTED-RAN") || !strings.Contains(got, "LESSOPEN-RAN") {
			t.Fatalf("without the sandbox, sensible-editor and less outside ran %q, want both plants", got)
		}
		os.Remove(filepath.Join(home, ".selected_editor"))
		os.Remove(filepath.Join(home, ".less"))
		p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("planting inside: %s, want status 126\nstderr: %s", o.msg, o.stderr)
		}
		if got := later(); got != "" {
			t.Errorf("sensible-editor and less outside ran %q", got)
		}
	})
}

// TestWorktreeAndModuleGitDirsLookedIn (S18-4): the git directories a
// repository found at start keeps inside its own, made in the run for a
// work tree in the shared root ($TMPDIR, where the look does not go): a
// linked worktree's commondir rewritten to name a repository of the
// command's, a worktree's config.worktree (extensions.worktreeConfig set
// by the user, as git sparse-checkout does) naming core.fsmonitor, a
// submodule-style .git/modules/m named by a .git file in the shared root.
// git status in each work tree later, outside, ran the plant.
func TestWorktreeAndModuleGitDirsLookedIn(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	plant := `set -e
git worktree add -q "$SHARED/wt1"
git init -q --bare "$SHARED/evil.git"; git --git-dir="$SHARED/evil.git" config core.bare false
git --git-dir="$SHARED/evil.git" config core.fsmonitor "echo COMMONDIR >> $RAN; false"
cp -r .git/objects/. "$SHARED/evil.git/objects/"; cp -r .git/refs/. "$SHARED/evil.git/refs/"
echo "$SHARED/evil.git" > .git/worktrees/wt1/commondir
git worktree add -q "$SHARED/wt2"; git -C "$SHARED/wt2" config --worktree core.fsmonitor "echo WORKTREECONFIG >> $RAN; false"
git init -q --bare .git/modules/m; git --git-dir=.git/modules/m config core.bare false
git --git-dir=.git/modules/m config core.fsmonitor "echo MODULE >> $RAN; false"
mkdir "$SHARED/m"; echo "gitdir: $PWD/.git/modules/m" > "$SHARED/m/.git"
`
	clean := `set -e
git -C "$SHARED/wt0" -c user.name=a -c user.email=a@b commit -q --allow-empty -m again
git worktree add -q "$SHARED/wt3"; git -C "$SHARED/wt3" status --short
`
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		shared := filepath.Join(filepath.Dir(f.root), "tmp")
		repo := filepath.Join(f.root, "p")
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		env := []string{"HOME=" + base, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + filepath.Dir(f.root),
			"SHARED=" + shared, "RAN=" + ran}
		gitOK := func(dir string, args ...string) {
			cmd := exec.Command(git, append([]string{"-c", "safe.directory=*"}, args...)...)
			cmd.Dir, cmd.Env = dir, env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		setUp := func() {
			os.RemoveAll(repo)
			os.RemoveAll(shared)
			os.MkdirAll(repo, 0o755)
			os.MkdirAll(shared, 0o777)
			gitOK(repo, "init", "-q")
			gitOK(repo, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty", "-m", "m")
			gitOK(repo, "config", "extensions.worktreeConfig", "true")
			gitOK(repo, "worktree", "add", "-q", filepath.Join(shared, "wt0"))
			gitOK(filepath.Join(shared, "wt0"), "config", "--worktree", "core.pager", "less -R")
			chownFixture(t, f, cred)
			time.Sleep(ctimeRacy + 500*time.Millisecond) // there at start: older than the run
		}
		later := func() string {
			os.Remove(ran)
			for _, d := range []string{"wt1", "wt2", "m"} {
				cmd := exec.Command(git, "-c", "safe.directory=*", "status", "--short")
				cmd.Dir, cmd.Env = filepath.Join(shared, d), env
				cmd.Run()
			}
			return readString(ran)
		}
		setUp()
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: repo, exe: exe, cred: cred, env: env}.run(t)
		got := later()
		for _, want := range []string{"COMMONDIR", "WORKTREECONFIG", "MODULE"} {
			if !o.ok || !strings.Contains(got, want) {
				t.Fatalf("without the sandbox, git status did not run the plant %s: %s\n%s\nran %q", want, o, o.stderr, got)
			}
		}
		setUp()
		p := Profile{WritableRoots: []string{f.root, shared}, SharedRoots: []string{shared}, BestEffort: forbidden}
		Protect(&p, protect.Default(), base)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: repo, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that planted them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		if got := later(); got != "" {
			t.Errorf("git status outside ran %q\nstderr: %s", got, o.stderr)
		}
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", clean}, dir: repo, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if !o.ok {
			t.Errorf("a commit in a worktree there at start, a new worktree: %s, want status 0\nstderr: %s", o.msg, o.stderr)
		}
		if !exists(filepath.Join(repo, ".git", "worktrees", "wt0", "config.worktree")) {
			t.Errorf("the existing worktree's config.worktree was moved\nstderr: %s", o.stderr)
		}
	})
}

// TestNewHomeNamesInSharedRoot (S18-5): a home that lies in a shared root
// (HOME=/tmp/h, as containers set it for an account with no home of its
// own): ~/.bashrc, ~/.ssh/authorized_keys and ~/.gitconfig made from
// inside stayed, since the home's names were looked for only in a home in
// an unshared root; bash outside ran the ~/.bashrc. Now each is moved
// aside, status 126, and a plain file made there stays.
func TestNewHomeNamesInSharedRoot(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	plant := `echo 'echo BASHRC-RAN' > ~/.bashrc; mkdir -p ~/.ssh; echo key > ~/.ssh/authorized_keys
printf '[core]\n\tpager = "echo GITCONFIG-RAN"\n' > ~/.gitconfig; echo notes > ~/notes.txt`
	made := []string{".bashrc", ".ssh/authorized_keys", ".gitconfig"}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		shared := filepath.Join(filepath.Dir(f.root), "tmp")
		home := filepath.Join(shared, "home")
		os.MkdirAll(home, 0o755)
		chownFixture(t, f, cred)
		env := []string{"HOME=" + home}
		interactive := func() string {
			cmd := exec.Command(bash, "-i", "-c", "true")
			cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
			out, _ := cmd.Output()
			return string(out)
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env}.run(t)
		if !o.ok || !strings.Contains(interactive(), "BASHRC-RAN") {
			t.Fatalf("without the sandbox, bash did not run the ~/.bashrc made: %s\n%s", o, o.stderr)
		}
		for _, n := range append(made, ".ssh", "notes.txt") {
			os.RemoveAll(filepath.Join(home, n))
		}
		p := Profile{WritableRoots: []string{f.root, shared}, SharedRoots: []string{shared}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that made them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		for _, n := range made {
			if exists(filepath.Join(home, n)) {
				t.Errorf("~/%s, made by the command in a home in a shared root, is still there\nstderr: %s", n, o.stderr)
			}
		}
		if got := interactive(); strings.Contains(got, "BASHRC-RAN") {
			t.Errorf("bash outside ran the ~/.bashrc made inside")
		}
		if !exists(filepath.Join(home, "notes.txt")) {
			t.Errorf("~/notes.txt, a plain file, was moved\nstderr: %s", o.stderr)
		}
	})
}

// TestMissingGitIncludesLookedFor (S18-6): the user's ~/.gitconfig
// includes an optional ~/.gitconfig.local and, for one repository, an
// includeIf file in its work tree, neither there yet: with the home the
// root, a command made them with a core.fsmonitor, and git status outside
// ran it. Resolution protected only includes that existed; now one that
// does not is looked for after the command (from a cached plan too) and
// moved aside, status 126.
func TestMissingGitIncludesLookedFor(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	plant := `f=.gitconfig.local; printf '[core]\n\tfsmonitor = "echo LOCAL >> %s; false"\n' "$RAN" > "$HOME/$f"
g=.gitconfig-proj; printf '[core]\n\tfsmonitor = "echo INCLUDEIF >> %s; false"\n' "$RAN" > "$HOME/proj/$g"
`
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		proj := filepath.Join(home, "proj")
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "RAN=" + ran}
		init := exec.Command(git, "init", "-q", proj)
		init.Env = env
		if out, err := init.CombinedOutput(); err != nil {
			t.Fatalf("git init: %v\n%s", err, out)
		}
		// The include's and the includeIf's, the last setting wins: each
		// file alone is tried after.
		writeWorld(filepath.Join(home, ".gitconfig"), "[includeIf \"gitdir:"+proj+"/\"]\n\tpath = ~/proj/.gitconfig-proj\n"+
			"[include]\n\tpath = ~/.gitconfig.local\n[safe]\n\tdirectory = *\n")
		chownFixture(t, f, cred)
		status := func() string {
			os.Remove(ran)
			cmd := exec.Command(git, "status", "--short")
			cmd.Dir, cmd.Env = proj, env
			cmd.Run()
			return readString(ran)
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env}.run(t)
		if got := status(); !o.ok || !strings.Contains(got, "LOCAL") {
			t.Fatalf("without the sandbox, git status did not run the included file's core.fsmonitor: %s\n%s\nran %q", o, o.stderr, got)
		}
		os.Remove(filepath.Join(home, ".gitconfig.local"))
		if got := status(); !strings.Contains(got, "INCLUDEIF") {
			t.Fatalf("without the sandbox, git status did not run the includeIf file's core.fsmonitor: ran %q", got)
		}
		os.Remove(filepath.Join(proj, ".gitconfig-proj"))
		time.Sleep(ctimeRacy + 500*time.Millisecond)
		cache := filepath.Join(base, "cache")
		for _, cached := range []bool{false, true} {
			p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
			if cached {
				ProtectCached(&p, protect.Default(), home, cache) // made
				p = Profile{WritableRoots: []string{home}, BestEffort: forbidden}
				ProtectCached(&p, protect.Default(), home, cache) // used
			} else {
				Protect(&p, protect.Default(), home)
			}
			o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env,
				noUserNS: forbidden}.run(t)
			if o.ok || !strings.Contains(o.msg, "126") {
				t.Errorf("cached plan %v: a command that made them: %s, want exit status 126\nstderr: %s", cached, o.msg, o.stderr)
			}
			if got := status(); got != "" {
				t.Errorf("cached plan %v: git status outside ran %q\nstderr: %s", cached, got, o.stderr)
			}
			for _, n := range []string{".gitconfig.local", "proj/.gitconfig-proj"} {
				if exists(filepath.Join(home, n)) {
					t.Errorf("cached plan %v: ~/%s is still there", cached, n)
				}
			}
		}
	})
}

// TestMissingShellSourcesLookedFor (S18-7): ~/.bashrc sources an optional
// ~/.bashrc.local and puts ~/tools/bin first on PATH, an .envrc sources an
// optional .envrc.local (direnv's source_env_if_exists), none of them
// there yet: with the home the root, a command made them, and the next
// interactive bash outside ran the ~/.bashrc.local and the ~/tools/bin
// program.
// Resolution protected only what existed; now each is looked for after
// the command and moved aside, status 126.
func TestMissingShellSourcesLookedFor(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	plant := `f=.bashrc.local; echo 'echo LOCALRC-RAN' > "$HOME/$f"
d=tools; mkdir -p "$HOME/$d/bin"; printf '#!/bin/sh\necho PATHDIR-RAN\n' > "$HOME/$d/bin/lab18tool"; chmod +x "$HOME/$d/bin/lab18tool"
e=.envrc.local; echo 'echo ENVRC-LOCAL' > "$HOME/$e"
`
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		writeWorld(filepath.Join(home, ".bashrc"), "[ -f ~/.bashrc.local ] && . ~/.bashrc.local\nexport PATH=\"$HOME/tools/bin:$PATH\"\n")
		writeWorld(filepath.Join(home, ".envrc"), "source_env_if_exists .envrc.local\n")
		chownFixture(t, f, cred)
		env := []string{"HOME=" + home}
		later := func() string {
			cmd := exec.Command(bash, "-i", "-c", "lab18tool")
			cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
			out, _ := cmd.Output()
			return string(out)
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env}.run(t)
		if got := later(); !o.ok || !strings.Contains(got, "LOCALRC-RAN") || !strings.Contains(got, "PATHDIR-RAN") {
			t.Fatalf("without the sandbox, bash did not run the plants: %s\n%s\nran %q", o, o.stderr, got)
		}
		for _, n := range []string{".bashrc.local", "tools", ".envrc.local"} {
			os.RemoveAll(filepath.Join(home, n))
		}
		time.Sleep(ctimeRacy + 500*time.Millisecond)
		p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that made them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		if got := later(); got != "" {
			t.Errorf("bash outside ran %q\nstderr: %s", got, o.stderr)
		}
		for _, n := range []string{".bashrc.local", "tools", ".envrc.local"} {
			if exists(filepath.Join(home, n)) {
				t.Errorf("~/%s, made by the command, is still there\nstderr: %s", n, o.stderr)
			}
		}
	})
}

// TestMissingGitProgramLookedFor (S18-6): a repository's config names its
// core.fsmonitor by a path in the root that does not exist yet
// (~/tools/fsmon.sh); a command made it, and git status outside ran it.
// Only existing program files were protected; now a missing one (a path
// for sure: absolute, ~/, ./ or ../) is looked for and moved aside.
func TestMissingGitProgramLookedFor(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	plant := `d=tools; mkdir -p "$HOME/$d"; printf '#!/bin/sh\necho FSMON-FILE >> %s\nexit 1\n' "$RAN" > "$HOME/$d/fsmon.sh"; chmod +x "$HOME/$d/fsmon.sh"`
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		proj := filepath.Join(home, "proj")
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "RAN=" + ran}
		for _, args := range [][]string{{"init", "-q", proj}, {"-C", proj, "config", "core.fsmonitor", filepath.Join(home, "tools", "fsmon.sh")}} {
			cmd := exec.Command(git, args...)
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		writeWorld(filepath.Join(home, ".gitconfig"), "[safe]\n\tdirectory = *\n")
		chownFixture(t, f, cred)
		status := func() string {
			os.Remove(ran)
			cmd := exec.Command(git, "status", "--short")
			cmd.Dir, cmd.Env = proj, env
			cmd.Run()
			return readString(ran)
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env}.run(t)
		if got := status(); !o.ok || !strings.Contains(got, "FSMON-FILE") {
			t.Fatalf("without the sandbox, git status did not run the program made: %s\n%s\nran %q", o, o.stderr, got)
		}
		os.RemoveAll(filepath.Join(home, "tools"))
		time.Sleep(ctimeRacy + 500*time.Millisecond)
		p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: home, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that made it: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		if got := status(); got != "" {
			t.Errorf("git status outside ran %q\nstderr: %s", got, o.stderr)
		}
	})
}

// TestNewHomeNamesBelowExistingDirs (S18-8): with the home the root and
// ~/.local/share and ~/.config there at start (guard's own state makes the
// first), a user unit, a D-Bus service, a desktop entry and an autostart
// entry made below them stayed: the look went by the home's own change
// time, which a name made two levels down does not move. Now each is moved
// aside, status 126.
func TestNewHomeNamesBelowExistingDirs(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	made := []string{".local/share/systemd/user/x.service", ".local/share/dbus-1/services/org.x.service",
		".local/share/applications/x.desktop", ".config/autostart/x.desktop"}
	var plant strings.Builder
	for _, m := range made {
		d := filepath.Dir(m)
		plant.WriteString(`d=` + d + `; mkdir -p "$HOME/$d"; echo '[x]' > "$HOME/$d/` + filepath.Base(m) + "\"\n")
	}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		for _, d := range []string{".local/share/guard", ".config"} {
			os.MkdirAll(filepath.Join(home, d), 0o755)
		}
		chownFixture(t, f, cred)
		time.Sleep(ctimeRacy + 500*time.Millisecond)
		p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant.String()}, dir: home, exe: exe, cred: cred,
			env: []string{"HOME=" + home}, noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that made them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		for _, m := range made {
			if exists(filepath.Join(home, m)) {
				t.Errorf("~/%s, made by the command, is still there\nstderr: %s", m, o.stderr)
			}
		}
	})
}

// TestAttackDirenvAllow (S18-9): a project's .envrc there at start that the
// user never allowed (a cloned project's): `direnv allow` run inside, with
// the home the root, wrote direnv's trust store, and the next cd into the
// directory outside (direnv export) ran the .envrc. Shown with the real
// direnv without the sandbox first; with it, the store is protected.
func TestAttackDirenvAllow(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	direnv, err := exec.LookPath("direnv")
	if err != nil {
		t.Skip("direnv is not installed")
	}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		writeWorld(filepath.Join(home, "work", ".envrc"), "echo ENVRC-RAN >> "+ran+"\n")
		os.MkdirAll(filepath.Join(home, ".local", "share"), 0o755)
		chownFixture(t, f, cred)
		env := []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
		later := func() string {
			os.Remove(ran)
			cmd := exec.Command(direnv, "export", "bash")
			cmd.Dir, cmd.Env = filepath.Join(home, "work"), env
			cmd.Run()
			return readString(ran)
		}
		if got := later(); got != "" {
			t.Fatalf("direnv ran the .envrc before it was allowed: %q", got)
		}
		o := child{path: direnv, argv: []string{"direnv", "allow", "work"}, dir: home, exe: exe, cred: cred, env: env}.run(t)
		if got := later(); !o.ok || !strings.Contains(got, "ENVRC-RAN") {
			t.Fatalf("without the sandbox, direnv allow did not make the .envrc run: %s\n%s\nran %q", o, o.stderr, got)
		}
		os.RemoveAll(filepath.Join(home, ".local", "share", "direnv"))
		time.Sleep(ctimeRacy + 500*time.Millisecond)
		p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o = child{profile: &p, path: direnv, argv: []string{"direnv", "allow", "work"}, dir: home, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if got := later(); got != "" {
			t.Errorf("direnv allow inside: %s; the next direnv outside ran the .envrc (%q)\nstderr: %s", o.msg, got, o.stderr)
		}
	})
}

// plantUnconfined runs the shell script plant in dir as cred, without the
// sandbox, and stops the test when it fails: each attack is shown to work
// unconfined before the sandbox is shown to stop it. what names the case
// ("" for none).
func plantUnconfined(t *testing.T, what, plant, dir, exe string, cred *syscall.Credential, env []string) {
	t.Helper()
	if o := (child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: dir, exe: exe, cred: cred, env: env}).run(t); !o.ok {
		if what != "" {
			what += ": "
		}
		t.Fatalf("%splanting without the sandbox: %s\n%s", what, o, o.stderr)
	}
}
