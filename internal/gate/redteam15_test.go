package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// gitLab15 is a repository for the fifteenth red team's git cases, run
// by the real git with a fixed identity and no system config.
type gitLab15 struct {
	t    *testing.T
	git  string
	root string
	repo string
	env  []string
}

func newGitLab15(t *testing.T) *gitLab15 {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	root, _ := filepath.EvalSymlinks(t.TempDir())
	l := &gitLab15{t: t, git: git, root: root, repo: filepath.Join(root, "repo"),
		env: []string{"HOME=" + root, "PATH=/usr/bin:/bin", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b",
			"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1"}}
	if err := os.MkdirAll(l.repo, 0o755); err != nil {
		t.Fatal(err)
	}
	l.run(nil, "init", "-q", "-b", "main", ".")
	return l
}

// run runs git in the repository with env (the lab's when nil) and
// returns its error, failing the test only for the lab's own setup.
func (l *gitLab15) run(env []string, args ...string) error {
	l.t.Helper()
	cmd := exec.Command(l.git, args...)
	cmd.Dir = l.repo
	cmd.Env = env
	if env == nil {
		cmd.Env = l.env
	}
	out, err := cmd.CombinedOutput()
	if err != nil && env == nil {
		l.t.Fatalf("git %v: %v %s", args, err, out)
	}
	return err
}

func (l *gitLab15) write(name, body string) {
	l.t.Helper()
	if err := os.WriteFile(filepath.Join(l.repo, name), []byte(body), 0o644); err != nil {
		l.t.Fatal(err)
	}
}

func (l *gitLab15) judge(opts Options, argv ...string) policy.Class {
	l.t.Helper()
	g := newGate(l.t, l.repo, opts, l.env...)
	v, _ := g.Judge(argv)
	return v.Class
}

// ran reports whether the marker exists, and removes it.
func ran(marker string) bool {
	_, err := os.Stat(marker)
	os.Remove(marker)
	return err == nil
}

// TestRedTeam15GitMergeDriver: a merge driver in the repository's config
// (merge.NAME.driver, selected by `* merge=NAME` in .gitattributes) is a
// program git runs for every file it merges that way. The merges auto-edit
// runs (git merge, rebase, cherry-pick, revert, stash pop) ran it, and so
// did two reads suggest mode runs, `git show -m HEAD` and `git log -m -p`,
// when the repository's log.diffMerges is remerge (git redoes the merge
// commit's merge to show it): the real, pinned git runs the driver first.
// guard asks about every git command in such a repository now, also for
// the hook (which does not pin git); `merge.ours.driver true`, the usual
// way to keep one's side of a file, and a driver in the user's config with
// the system's PATH, still run.
func TestRedTeam15GitMergeDriver(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "MERGE_DRIVER_RAN")
	l.write("f.txt", "base\n")
	l.write(".gitattributes", "* merge=ev\n")
	l.run(nil, "add", ".")
	l.run(nil, "commit", "-qm", "base")
	l.run(nil, "checkout", "-qb", "b2")
	l.write("f.txt", "theirs\n")
	l.run(nil, "commit", "-qam", "theirs")
	l.run(nil, "checkout", "-q", "main")
	l.write("f.txt", "ours\n")
	l.run(nil, "commit", "-qam", "ours")
	l.run(nil, "merge", "-q", "--no-edit", "-X", "ours", "b2") // no driver yet: git's own merge
	l.run(nil, "config", "log.diffMerges", "remerge")

	for _, argv := range [][]string{{"git", "show", "-m", "HEAD"}, {"git", "status"}, {"git", "merge", "--no-edit", "b2"}} {
		want := policy.Safe
		if argv[1] == "merge" {
			want = policy.Match
		}
		if c := l.judge(Options{}, argv...); c != want {
			t.Fatalf("%v with no merge driver: %s, want %s", argv, c, want)
		}
	}

	l.run(nil, "config", "merge.ev.driver", "touch "+marker+"; cp %B %A")
	ran(marker)
	_ = l.run(PinGit(l.env), "show", "-m", "HEAD")
	if !ran(marker) {
		t.Fatal("the pinned git show -m did not run the merge driver: the attack changed")
	}
	for _, argv := range [][]string{
		{"git", "show", "-m", "HEAD"},
		{"git", "log", "-m", "-p", "-1"},
		{"git", "log", "-p", "-m", "--first-parent", "-1", "--oneline"},
		{"git", "merge", "--no-edit", "b2"},
		{"git", "cherry-pick", "b2"},
		{"git", "rebase", "b2"},
		{"git", "stash", "pop"},
		{"git", "status"},
	} {
		for _, opts := range []Options{{}, {RunsElsewhere: true}} {
			if c := l.judge(opts, argv...); c == policy.Safe || c == policy.Match {
				t.Errorf("%v (hook %v) with the repository's merge driver: %s, want asked", argv, opts.RunsElsewhere, c)
			}
		}
	}

	// The usual harmless driver, and one in the user's own config.
	l.run(nil, "config", "merge.ev.driver", "true")
	if c := l.judge(Options{}, "git", "show", "-m", "HEAD"); c != policy.Safe {
		t.Errorf("git show -m with merge.ev.driver true: %s, want safe", c)
	}
	if c := l.judge(Options{}, "git", "merge", "--no-edit", "b2"); c != policy.Match {
		t.Errorf("git merge with merge.ev.driver true: %s, want match", c)
	}
	l.run(nil, "config", "--unset", "merge.ev.driver")
	l.run(nil, "config", "--global", "merge.ev.driver", "cat %A")
	if c := l.judge(Options{}, "git", "show", "-m", "HEAD"); c != policy.Safe {
		t.Errorf("git show -m with the user's merge driver and the system's PATH: %s, want safe", c)
	}
}

// TestRedTeam15GitSigningKeyCommand: with the repository's commit.gpgSign,
// gpg.format=ssh and gpg.ssh.defaultKeyCommand (and no user.signingKey),
// `git commit -m x`, which auto-edit runs, ran that command before the
// signing program guard pins failed. guard pins it too now; the hook (whose
// git is not pinned) asks.
func TestRedTeam15GitSigningKeyCommand(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "KEY_COMMAND_RAN")
	script := filepath.Join(l.root, "key.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\necho 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE k'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	l.write("a.txt", "x\n")
	l.run(nil, "add", "a.txt")
	if c := l.judge(Options{RunsElsewhere: true}, "git", "commit", "-m", "x"); c != policy.Match {
		t.Fatalf("git commit -m x in a plain repository (hook): %s, want match", c)
	}
	l.run(nil, "config", "commit.gpgSign", "true")
	l.run(nil, "config", "gpg.format", "ssh")
	l.run(nil, "config", "gpg.ssh.defaultKeyCommand", script)
	ran(marker)
	_ = l.run(append(append([]string{}, l.env...), "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=gpg.ssh.program",
		"GIT_CONFIG_VALUE_0=/dev/null/x"), "commit", "-qm", "x")
	if !ran(marker) {
		t.Fatal("git commit did not run gpg.ssh.defaultKeyCommand: the attack changed")
	}
	_ = l.run(PinGit(l.env), "commit", "-qm", "x")
	if ran(marker) {
		t.Error("git commit with guard's pins ran the repository's gpg.ssh.defaultKeyCommand")
	}
	if c := l.judge(Options{RunsElsewhere: true}, "git", "commit", "-m", "x"); c == policy.Safe || c == policy.Match {
		t.Errorf("git commit -m x (hook, unpinned) with the repository's defaultKeyCommand: %s, want asked", c)
	}
}

// TestRedTeam15GitTrailerCommand: `git commit --trailer "Signed-off-by:
// x"` runs trailer.<token>.cmd of the trailer's token (the real git, pinned
// or not); guard asks about a script with a --trailer word in a repository
// whose config names such a command, and a commit without one still runs.
func TestRedTeam15GitTrailerCommand(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "TRAILER_COMMAND_RAN")
	l.write("a.txt", "x\n")
	l.run(nil, "add", "a.txt")
	l.run(nil, "config", "trailer.sign.key", "Signed-off-by")
	l.run(nil, "config", "trailer.sign.cmd", "touch "+marker+"; echo x")
	ran(marker)
	_ = l.run(PinGit(l.env), "commit", "-qm", "x", "--trailer", "Signed-off-by: a")
	if !ran(marker) {
		t.Fatal("the pinned git commit --trailer did not run trailer.sign.cmd: the attack changed")
	}
	for _, argv := range [][]string{
		{"git", "commit", "--allow-empty", "-m", "y", "--trailer", "Signed-off-by: a"},
		{"git", "commit", "--allow-empty", "-m", "y", "--trailer=sign: a"},
	} {
		for _, opts := range []Options{{}, {RunsElsewhere: true}} {
			if c := l.judge(opts, argv...); c == policy.Safe || c == policy.Match {
				t.Errorf("%v (hook %v) with the repository's trailer command: %s, want asked", argv, opts.RunsElsewhere, c)
			}
		}
	}
	if c := l.judge(Options{}, "git", "commit", "--allow-empty", "-m", "y"); c != policy.Match {
		t.Errorf("git commit without --trailer: %s, want match", c)
	}
	l.run(nil, "config", "--unset", "trailer.sign.cmd")
	if c := l.judge(Options{}, "git", "commit", "--allow-empty", "-m", "y", "--trailer", "Signed-off-by: a"); c != policy.Match {
		t.Errorf("git commit --trailer with no trailer command: %s, want match", c)
	}
}

// TestRedTeam15GitIndexHook: git runs the post-index-change hook whenever
// it writes the index, and `git status` and `git diff` write it after a
// file changed. For the hook (the agent runs git itself, unpinned) guard
// asked about `git commit` with that hook in place but let `git status`
// run, and the agent's git status ran it. An index writer is asked about
// now when post-index-change is there; other hooks (pre-commit) leave it
// alone, and guard's own pinned run needs nothing.
func TestRedTeam15GitIndexHook(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "INDEX_HOOK_RAN")
	l.write("a.txt", "a\n")
	l.run(nil, "add", "a.txt")
	l.run(nil, "commit", "-qm", "a")
	hooks := filepath.Join(l.repo, ".git", "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, "pre-commit"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	hook := Options{RunsElsewhere: true}
	for _, argv := range [][]string{{"git", "status"}, {"git", "diff"}} {
		if c := l.judge(hook, argv...); c != policy.Safe {
			t.Fatalf("%v (hook) with a pre-commit hook only: %s, want safe", argv, c)
		}
	}
	if c := l.judge(hook, "bash", "-c", "git status && git commit -m x"); c == policy.Safe || c == policy.Match {
		t.Errorf("git status && git commit (hook) with a pre-commit hook: %s, want asked", c)
	}
	if err := os.WriteFile(filepath.Join(hooks, gitIndexHook), []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	l.write("a.txt", "b\n")
	ran(marker)
	_ = l.run(l.env, "status")
	if !ran(marker) {
		t.Fatal("git status did not run post-index-change: the attack changed")
	}
	for _, argv := range [][]string{{"git", "status"}, {"git", "diff"}, {"git", "add", "a.txt"},
		{"bash", "-c", "cd . && git status --short"}} {
		if c := l.judge(hook, argv...); c == policy.Safe || c == policy.Match {
			t.Errorf("%v (hook) with a post-index-change hook: %s, want asked", argv, c)
		}
	}
	for _, argv := range [][]string{{"git", "log", "-1"}, {"git", "show", "--stat"}} {
		if c := l.judge(hook, argv...); c != policy.Safe {
			t.Errorf("%v (hook) with a post-index-change hook: %s, want safe (no index written)", argv, c)
		}
	}
	if c := l.judge(Options{}, "git", "status"); c != policy.Safe {
		t.Errorf("git status run by guard (hooks pinned off): %s, want safe", c)
	}
}

// TestRedTeam15GitRefHook: git runs the reference-transaction hook for
// every ref it updates, `git branch NAME`, `git tag NAME` and `git notes
// add` among them (the real git runs it). For the hook (unpinned git) such
// a command is asked about when that hook is there, also after an index
// writer's question in the same script.
func TestRedTeam15GitRefHook(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "REF_HOOK_RAN")
	l.write("a.txt", "a\n")
	l.run(nil, "add", "a.txt")
	l.run(nil, "commit", "-qm", "a")
	hook := Options{RunsElsewhere: true}
	if c := l.judge(hook, "git", "branch", "nb"); c != policy.Match {
		t.Fatalf("git branch nb (hook) with no hooks: %s, want match", c)
	}
	hooks := filepath.Join(l.repo, ".git", "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, "reference-transaction"), []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ran(marker)
	_ = l.run(l.env, "branch", "x1")
	if !ran(marker) {
		t.Fatal("git branch did not run reference-transaction: the attack changed")
	}
	for _, argv := range [][]string{{"git", "branch", "nb"}, {"git", "tag", "v1"}, {"git", "notes", "add", "-m", "x"},
		{"bash", "-c", "git status && git branch nb"}} {
		if c := l.judge(hook, argv...); c == policy.Safe || c == policy.Match {
			t.Errorf("%v (hook) with a reference-transaction hook: %s, want asked", argv, c)
		}
	}
	for _, argv := range [][]string{{"git", "status"}, {"git", "log", "-1"}} {
		if c := l.judge(hook, argv...); c != policy.Safe {
			t.Errorf("%v (hook) with a reference-transaction hook: %s, want safe", argv, c)
		}
	}
}

// TestRedTeam15GitVerifyPlanted: with log.showSignature set, `git log`
// verifies a commit's signature with gpg (gpgsm, ssh-keygen) found by name
// through PATH; for the hook (the agent's git is not pinned) a PATH that
// reaches a writable root ran a planted gpg for `git log -1` of a commit
// carrying a signature header. The repository's own log.showSignature or
// merge.verifySignatures asks now; the user's asks when PATH leads gpg into
// a root, and runs with the system's PATH.
func TestRedTeam15GitVerifyPlanted(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "GPG_RAN")
	l.write("a.txt", "a\n")
	l.run(nil, "add", "a.txt")
	l.run(nil, "commit", "-qm", "a")
	tree, err := exec.Command(l.git, "-C", l.repo, "rev-parse", "HEAD^{tree}").Output()
	if err != nil {
		t.Fatal(err)
	}
	l.write("c.txt", "tree "+string(tree[:len(tree)-1])+"\nauthor a <a@b> 1700000000 +0000\ncommitter a <a@b> 1700000000 +0000\n"+
		"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned\n")
	out, err := exec.Command(l.git, "-C", l.repo, "hash-object", "-t", "commit", "-w", "c.txt").Output()
	if err != nil {
		t.Fatal(err)
	}
	l.run(nil, "update-ref", "refs/heads/main", string(out[:len(out)-1]))
	bin := filepath.Join(l.repo, "pb")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "gpg"), []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	planted := "PATH=" + bin + ":/usr/bin:/bin"
	judge := func(path string) policy.Class {
		g := newGate(t, l.repo, Options{RunsElsewhere: true}, append(append([]string{}, l.env...), path)...)
		v, _ := g.Judge([]string{"git", "log", "-1"})
		return v.Class
	}
	if c := judge(planted); c != policy.Safe {
		t.Fatalf("git log -1 (hook) with no signature setting: %s, want safe", c)
	}
	l.run(nil, "config", "log.showSignature", "true")
	ran(marker)
	_ = l.run(append(append([]string{}, l.env...), planted), "log", "-1")
	if !ran(marker) {
		t.Fatal("git log -1 did not run the gpg found through PATH: the attack changed")
	}
	if c := judge(planted); c == policy.Safe || c == policy.Match {
		t.Errorf("git log -1 (hook) with the repository's log.showSignature: %s, want asked", c)
	}
	l.run(nil, "config", "--unset", "log.showSignature")
	l.run(nil, "config", "--global", "log.showSignature", "true")
	if c := judge(planted); c == policy.Safe || c == policy.Match {
		t.Errorf("git log -1 (hook) with the user's log.showSignature and gpg planted in PATH: %s, want asked", c)
	}
	if c := judge("PATH=/usr/bin:/bin"); c != policy.Safe {
		t.Errorf("git log -1 (hook) with the user's log.showSignature and the system's PATH: %s, want safe", c)
	}
}

// TestRedTeam15GitPlacesProtected: a merge, branch switch, rebase,
// cherry-pick or stash pop writes what the commits hold; in auto-edit `git
// merge --no-edit evil` created .envrc and .vscode/tasks.json from a branch
// (the real git does), where `touch .envrc` is asked about: the verdict's
// writes held the repository's top only. The files the command places are
// listed from git now and decided as any written path; a branch of
// ordinary files still merges unasked.
func TestRedTeam15GitPlacesProtected(t *testing.T) {
	l := newGitLab15(t)
	l.write("a.txt", "a\n")
	l.run(nil, "add", "a.txt")
	l.run(nil, "commit", "-qm", "a")
	l.run(nil, "checkout", "-qb", "feat")
	l.write("b.txt", "b\n")
	l.run(nil, "add", "b.txt")
	l.run(nil, "commit", "-qm", "feat")
	l.run(nil, "checkout", "-q", "main")
	l.run(nil, "checkout", "-qb", "evil")
	l.write(".envrc", "echo hi\n")
	if err := os.MkdirAll(filepath.Join(l.repo, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	l.write(".vscode/tasks.json", "{}\n")
	l.run(nil, "add", "-A")
	l.run(nil, "commit", "-qm", "evil")
	l.run(nil, "checkout", "-q", "main")
	l.run(nil, "stash", "list")
	// guard's state in the lab's home, not in the project (newGate's).
	env := append(append([]string{}, l.env...), "XDG_CONFIG_HOME="+filepath.Join(l.root, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(l.root, ".cache"), "XDG_DATA_HOME="+filepath.Join(l.root, ".local/share"),
		"XDG_STATE_HOME="+filepath.Join(l.root, ".local/state"), "TMPDIR="+filepath.Join(l.root, "tmp"))
	decide := func(argv ...string) policy.Action {
		g := newGate(l.t, l.repo, Options{Mode: "auto-edit"}, env...)
		_, d := g.Judge(argv)
		return d.Action
	}
	for _, argv := range [][]string{{"git", "merge", "--no-edit", "feat"}, {"git", "switch", "feat"}, {"git", "switch", "-c", "nb"}} {
		if a := decide(argv...); a != policy.Run {
			g := newGate(l.t, l.repo, Options{Mode: "auto-edit"}, env...)
			v, d := g.Judge(argv)
			t.Fatalf("%v in auto-edit: %s, want run (%s; %s %q)", argv, a, d.Reason, v.Class, v.Writes)
		}
	}
	for _, argv := range [][]string{
		{"git", "merge", "--no-edit", "evil"},
		{"git", "checkout", "evil"},
		{"git", "switch", "evil"},
		{"git", "rebase", "evil"},
		{"git", "cherry-pick", "evil"},
		{"git", "cherry-pick", "main..evil"},
		{"bash", "-c", "git status && git merge --no-edit evil"},
	} {
		if a := decide(argv...); a == policy.Run {
			t.Errorf("%v in auto-edit: %s, want asked (it writes .envrc)", argv, a)
		}
	}
	// A stash holding an untracked .envrc.
	l.write(".envrc", "echo hi\n")
	l.run(nil, "stash", "push", "-u", "-q")
	if a := decide("git", "stash", "pop"); a == policy.Run {
		t.Errorf("git stash pop of a stash holding .envrc in auto-edit: %s, want asked", a)
	}
	l.run(nil, "merge", "-q", "--no-edit", "evil")
	if _, err := os.Stat(filepath.Join(l.repo, ".vscode", "tasks.json")); err != nil {
		t.Fatalf("git merge did not write .vscode/tasks.json: the premise does not hold (%v)", err)
	}
}

// TestRedTeam15ZipOptionsInherited: Info-ZIP's zip reads ZIPOPT (and ZIP)
// before its own words: with an inherited `ZIPOPT='-T -TT CMD'`, `zip -r
// out.zip src`, a writer auto-edit runs, ran CMD to test the archive (the
// real zip runs it first). judge-11 R7 held unzip's and zipinfo's variables
// to harmless letters, not zip's.
func TestRedTeam15ZipOptionsInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	zipBin := mustLook(t, "zip")
	marker := filepath.Join(dir, "ZIP_TEST_RAN")
	script := filepath.Join(dir, "zt.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := exec.Command(zipBin, "-qr", "first.zip", "src")
	mk.Dir = dir
	mk.Env = append(os.Environ(), "ZIPOPT=-T -TT "+script)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("zip: %v %s", err, out)
	}
	if !ran(marker) {
		t.Fatal("ZIPOPT=-T -TT did not make zip run the command: the premise does not hold here")
	}
	for _, env := range []string{"ZIPOPT=-T -TT " + script, "ZIP=-m", "ZIPOPT=-lf /x/log", "ZIPOPT=-b /x", "ZIP=-@", "ZIPOPT=src"} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "zip -r out.zip src"}); v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("zip -r out.zip src with %s = %s, want unverified", env, v.Class)
		}
	}
	for _, env := range []string{"ZIPOPT=-qr -9", "ZIP=-X"} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "zip -r out.zip src"}); v.Class != policy.Match {
			t.Errorf("zip -r out.zip src with %s = %s (%s), want match", env, v.Class, v.Why())
		}
	}
}

// TestRedTeam15XzOptionsInherited: xz puts XZ_DEFAULTS' and XZ_OPT's words
// before its own; with `XZ_OPT='-f --files=LIST'`, `xzcat new.xz` (a file
// not there when judged, so no content to scan) printed every file LIST
// names as is (--force copies what is not xz): the real xzcat printed a
// credentials file. The words people set there (-T0, -9e) still run.
func TestRedTeam15XzOptionsInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	xzcat := mustLook(t, "xzcat")
	secret := filepath.Join(dir, "creds")
	list := filepath.Join(dir, "list")
	if err := os.WriteFile(secret, []byte("aws_secret_access_key = wJalrXUtnFEMI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(list, []byte(secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xzcat, "new.xz")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XZ_OPT=-f --files="+list)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "wJalr") {
		t.Fatalf("XZ_OPT=--files did not make xzcat print the listed file (%q): the premise does not hold here", out)
	}
	for _, env := range []string{"XZ_OPT=-f --files=" + list, "XZ_DEFAULTS=--files0=" + list, "XZ_OPT=-T 0"} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "xzcat new.xz"}); v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("xzcat new.xz with %s = %s, want unverified", env, v.Class)
		}
	}
	for _, env := range []string{"XZ_OPT=-T0", "XZ_OPT=-9e -T4 --memlimit=50%", "XZ_DEFAULTS=-q"} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "xzcat new.xz"}); v.Class != policy.Safe {
			t.Errorf("xzcat new.xz with %s = %s (%s), want safe", env, v.Class, v.Why())
		}
	}
}

// TestRedTeam15GitExecPath: git runs its scripted commands (git-submodule
// in git 2.39) and its own subprocesses from $GIT_EXEC_PATH; inherited and
// naming a directory in a writable root (or relative), `git submodule
// status` ran a planted git-submodule. Such a GIT_EXEC_PATH makes git
// commands unverified now (git --version aside); the system's stays safe.
func TestRedTeam15GitExecPath(t *testing.T) {
	l := newGitLab15(t)
	marker := filepath.Join(l.root, "EXEC_PATH_RAN")
	l.write("a.txt", "a\n")
	l.run(nil, "add", "a.txt")
	l.run(nil, "commit", "-qm", "a")
	sys, err := exec.Command(l.git, "--exec-path").Output()
	if err != nil {
		t.Fatal(err)
	}
	gx := filepath.Join(l.repo, "gx")
	if err := os.MkdirAll(gx, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(strings.TrimSpace(string(sys)))
	for _, e := range entries {
		if e.Name() != "git-submodule" {
			_ = os.Symlink(filepath.Join(strings.TrimSpace(string(sys)), e.Name()), filepath.Join(gx, e.Name()))
		}
	}
	if err := os.WriteFile(filepath.Join(gx, "git-submodule"), []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ran(marker)
	_ = l.run(append(append([]string{}, l.env...), "GIT_EXEC_PATH="+gx), "submodule", "status")
	if !ran(marker) {
		t.Log("this git's submodule command is built in: the planted script did not run (it does with git 2.39)")
	}
	for _, env := range []string{"GIT_EXEC_PATH=" + gx, "GIT_EXEC_PATH=gx"} {
		for _, argv := range [][]string{{"git", "submodule", "status"}, {"git", "status"}} {
			g := newGate(t, l.repo, Options{}, append(append([]string{}, l.env...), env)...)
			if v, _ := g.Judge(argv); v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("%v with %s: %s, want unverified", argv, env, v.Class)
			}
		}
	}
	g := newGate(t, l.repo, Options{}, append(append([]string{}, l.env...), "GIT_EXEC_PATH="+strings.TrimSpace(string(sys)))...)
	if v, _ := g.Judge([]string{"git", "submodule", "status"}); v.Class != policy.Safe {
		t.Errorf("git submodule status with the system's GIT_EXEC_PATH: %s (%s), want safe", v.Class, v.Why())
	}
}

// TestRedTeam15MagicInherited: file(1) reads its magic database from
// $MAGIC, and a magic entry prints what it matched: with an inherited MAGIC
// naming a file in a writable root, `file CREDENTIALS`, a type query the
// secret checks let run, printed the keys (the real file does). Such a
// MAGIC (or a relative one) makes file unverified; the system's database
// stays safe.
func TestRedTeam15MagicInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fileBin := mustLook(t, "file")
	creds := filepath.Join(dir, "creds.ini")
	if err := os.WriteFile(creds, []byte("[default]\naws_secret_access_key = wJalrXUtnFEMI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	magic := filepath.Join(dir, "m")
	if err := os.WriteFile(magic, []byte("0\tstring\t[\tini\n>10\tstring\tx\t%s\n>20\tstring\tx\t%s\n>30\tstring\tx\t%s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(fileBin, creds)
	cmd.Env = append(os.Environ(), "MAGIC="+magic)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "wJalr") {
		t.Fatalf("file with MAGIC=%s printed %q, not the key: the premise does not hold here", magic, out)
	}
	for _, env := range []string{"MAGIC=" + magic, "MAGIC=m", "MAGIC=/usr/share/misc/magic:" + magic} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "file creds.ini"}); v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("file creds.ini with %s = %s, want unverified", env, v.Class)
		}
	}
	g := newGate(t, dir, Options{}, "MAGIC=/usr/share/misc/magic")
	if v, _ := g.Judge([]string{"bash", "-c", "file creds.ini"}); v.Class != policy.Safe {
		t.Errorf("file creds.ini with the system's MAGIC = %s (%s), want safe", v.Class, v.Why())
	}
	// With no MAGIC, file reads ~/.magic: a home inside a root.
	if v, _ := newGate(t, dir, Options{}).Judge([]string{"file", "creds.ini"}); v.Class != policy.Safe {
		t.Fatalf("file creds.ini with no ~/.magic = %s (%s), want safe", v.Class, v.Why())
	}
	if err := os.Rename(magic, filepath.Join(dir, ".magic")); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(fileBin, creds)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "wJalr") {
		t.Fatalf("file with ~/.magic printed %q, not the key: the premise does not hold here", out)
	}
	if v, _ := newGate(t, dir, Options{}).Judge([]string{"file", "creds.ini"}); v.Class == policy.Safe || v.Class == policy.Match {
		t.Errorf("file creds.ini with ~/.magic in a home inside a root = %s, want unverified", v.Class)
	}
}

// TestRedTeam15DockerSSHPlanted: with DOCKER_HOST=ssh://... (or a docker
// context) docker reaches the daemon by running ssh by name through PATH;
// a PATH that reaches a writable root made `docker ps` run a planted ssh
// (the real docker CLI does). So are config.json's credential helpers.
func TestRedTeam15DockerSSHPlanted(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	docker := mustLook(t, "docker")
	bin := filepath.Join(dir, "pb")
	marker := filepath.Join(dir, "SSH_RAN")
	for _, name := range []string{"ssh", "docker-credential-evil"} {
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sysPath := filepath.Dir(docker) + ":/usr/bin:/bin"
	planted := "PATH=" + bin + ":" + sysPath
	home := filepath.Join(dir, "home")
	cmd := exec.Command(docker, "ps")
	cmd.Env = []string{planted, "HOME=" + home, "DOCKER_HOST=ssh://u@h"}
	_ = cmd.Run()
	if !ran(marker) {
		t.Fatal("docker ps with DOCKER_HOST=ssh:// did not run the ssh found through PATH: the premise does not hold here")
	}
	judge := func(env ...string) policy.Class {
		g := newGate(t, dir, Options{}, append([]string{"HOME=" + home}, env...)...)
		v, _ := g.Judge([]string{"docker", "ps"})
		return v.Class
	}
	for _, env := range [][]string{{planted, "DOCKER_HOST=ssh://u@h"}, {planted, "DOCKER_CONTEXT=remote"}} {
		if c := judge(env...); c == policy.Safe || c == policy.Match {
			t.Errorf("docker ps with %v: %s, want unverified", env, c)
		}
	}
	for _, env := range [][]string{{planted}, {planted, "DOCKER_HOST=unix:///run/docker.sock"}, {"PATH=" + sysPath, "DOCKER_HOST=ssh://u@h"}} {
		if c := judge(env...); c != policy.Safe {
			t.Errorf("docker ps with %v: %s, want safe", env, c)
		}
	}
	if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".docker", "config.json"), []byte(`{"credsStore":"evil"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := judge(planted); c == policy.Safe || c == policy.Match {
		t.Errorf("docker ps with credsStore evil and docker-credential-evil planted in PATH: %s, want unverified", c)
	}
}
