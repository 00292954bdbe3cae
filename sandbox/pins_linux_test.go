package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

const plant = "[core]\n\trepositoryformatversion = 0\n\tfsmonitor = touch /tmp/PWNED\n"

func init() {
	// move-plant: the directory a[0] moved to a[1], then a[2] written anew in
	// its place (`mv .git .git2 && mkdir .git && printf ... > .git/config`).
	attacks["move-plant"] = func(a []string) error {
		if err := unix.Rename(a[0], a[1]); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(a[2]), 0o755); err != nil {
			return err
		}
		return os.WriteFile(a[2], []byte(plant), 0o644)
	}
	// mkdir-plant: a[0] written, its directories made first.
	attacks["mkdir-plant"] = func(a []string) error {
		if err := os.MkdirAll(filepath.Dir(a[0]), 0o755); err != nil {
			return err
		}
		return os.WriteFile(a[0], []byte(plant), 0o755)
	}
}

// movedAttacks: the protected paths' names, not only their content. Each
// directory between a root and a protected path is a mount point of itself
// (pinDirs): moving it away, to plant a new one in its place, fails with EBUSY.
// And a directory or a protected file on a standard descriptor, which refers to
// the original mounts, is taken away (guardStdFDs).
func movedAttacks(t *testing.T) []attackCase {
	planted := func(name string) func(f *fixture) bool {
		return func(f *fixture) bool { return strings.Contains(readString(filepath.Join(f.root, name)), "fsmonitor") }
	}
	made := func(name string) func(f *fixture) bool {
		return func(f *fixture) bool { return exists(filepath.Join(f.root, name)) }
	}
	prot := withProtection(t)
	ro := []unix.Errno{unix.EROFS, unix.EBUSY, unix.EACCES, unix.EPERM, unix.EXDEV}
	// withExtra lays out more files (for both runs), then applies the list l
	// made by list for the root.
	withExtra := func(files map[string]string, list func(root string) *protect.List) (func(*Profile), func(*child)) {
		lay := func(root string) {
			for name, content := range files {
				writeWorld(filepath.Join(root, name), content)
			}
		}
		return func(p *Profile) {
				root := p.WritableRoots[0]
				home := protectFixture(t, root)
				lay(root)
				Protect(p, list(root), home)
			}, func(c *child) {
				lay(c.dir)
			}
	}
	nestedProf, nestedChild := withExtra(map[string]string{"sub/.git/HEAD": "ref: refs/heads/main\n", "sub/.git/config": "[core]\n", "sub/.git/hooks/x.sample": ""},
		func(string) *protect.List { return protect.Default() })
	guardProf, guardChild := withExtra(map[string]string{"cfg/guard/config.toml": "mode = \"suggest\"\n"}, func(root string) *protect.List {
		l := protect.Default()
		l.Add(protect.Protected, "guard's own state", filepath.Join(root, "cfg/guard"))
		return l
	})
	binProf, binChild := withExtra(map[string]string{"go/bin/guard": "#!/bin/sh\n"}, func(root string) *protect.List {
		l := protect.Default()
		l.Add(protect.Protected, "guard's binary", filepath.Join(root, "go/bin/guard"))
		return l
	})
	wtProf, wtChild := withExtra(map[string]string{"wt/.git": "gitdir: /nonexistent/.git/worktrees/wt\n", "wt/README": "x\n"},
		func(string) *protect.List { return protect.Default() })
	// Repositories without a hooks directory (git init --template=), one with
	// a core.hooksPath that does not exist yet (before `husky install`).
	bareRepo := map[string]string{"r2/.git/HEAD": "ref: refs/heads/main\n", "r2/.git/config": "[core]\n", "r2/.git/objects/.keep": "", "r2/.git/refs/.keep": "",
		"r3/.git/HEAD": "ref: refs/heads/main\n", "r3/.git/config": "[core]\n\thooksPath = .hk/_\n", "r3/.git/objects/.keep": "", "r3/.git/refs/.keep": ""}
	noHooksProf0, noHooksChild := withExtra(bareRepo, func(string) *protect.List { return protect.Default() })
	noHooksProf := func(p *Profile) {
		noHooksProf0(p)
		// Made by Resolve, here as root: writable by the user of the test, as
		// they would be when guard runs as that user.
		for _, d := range []string{"r2/.git/hooks", "r3/.hk", "r3/.hk/_"} {
			if err := os.Chmod(filepath.Join(p.WritableRoots[0], d), 0o777); err != nil {
				t.Fatalf("the missing hooks directory was not made: %v", err)
			}
		}
	}
	stdinRoot := func(c *child) {
		d, err := os.Open(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		c.stdin = d
	}
	fd0 := func(name string) func(*testing.T, *fixture) []string {
		return func(t *testing.T, f *fixture) []string {
			protectFixture(t, f.root)
			return []string{"/proc/self/fd/0/" + name}
		}
	}
	return []attackCase{
		{name: "move .git away and plant a new one", attack: "move-plant", args: inRoot(".git", ".git.old", ".git/config"), effect: planted(".git/config"), profile: prot, want: ro},
		{name: "move .git/hooks' parent to plant hooks", attack: "move-plant", args: inRoot(".git", ".git2", ".git/hooks/pre-commit"), effect: made(".git/hooks/pre-commit"), profile: prot, want: ro},
		{name: "move a nested repository's .git away", attack: "move-plant", args: inRoot("sub/.git", "sub/.git.old", "sub/.git/config"), effect: planted("sub/.git/config"), profile: nestedProf, child: nestedChild, want: ro},
		{name: "move the directory holding a nested repository", attack: "move-plant", args: inRoot("sub", "sub.old", "sub/.git/config"), effect: planted("sub/.git/config"), profile: nestedProf, child: nestedChild, want: ro},
		{name: "move the parent of guard's config directory", attack: "move-plant", args: inRoot("cfg", "cfg.old", "cfg/guard/config.toml"), effect: planted("cfg/guard/config.toml"), profile: guardProf, child: guardChild, want: ro},
		{name: "move the directory holding guard's binary", attack: "move-plant", args: inRoot("go/bin", "go/bin.old", "go/bin/guard"), effect: planted("go/bin/guard"), profile: binProf, child: binChild, want: ro},
		{name: "move the grandparent of guard's binary", attack: "move-plant", args: inRoot("go", "go.old", "go/bin/guard"), effect: planted("go/bin/guard"), profile: binProf, child: binChild, want: ro},
		{name: "rewrite a worktree's .git file", attack: "replace", args: inRoot("src.txt", "wt/.git"), effect: planted("wt/.git"), profile: wtProf, child: wtChild, want: ro},
		{name: "make the missing .git/hooks and plant a hook", attack: "mkdir-plant", args: inRoot("r2/.git/hooks/pre-commit"), effect: made("r2/.git/hooks/pre-commit"), profile: noHooksProf, child: noHooksChild, want: ro},
		{name: "make the missing core.hooksPath and plant a hook", attack: "mkdir-plant", args: inRoot("r3/.hk/_/pre-commit"), effect: made("r3/.hk/_/pre-commit"), profile: noHooksProf, child: noHooksChild, want: ro},
		{name: "plant a hook through a directory on stdin", attack: "create", args: fd0(".git/hooks/pre-commit"), effect: made(".git/hooks/pre-commit"), profile: prot, child: stdinRoot},
		{name: "read .env through a directory on stdin", attack: "read", args: fd0(".env"), profile: prot, child: stdinRoot},
	}
}

func TestAttackMoved(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackMovedUnprivileged is this test")
	runAttackCases(t, movedAttacks(t))
}

func TestAttackMovedUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root (run as one, TestAttackMoved is this test)")
	if ok, why := userNSAllowed(); !ok {
		sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
	}
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, movedAttacks(t))
}

// TestPinDirs: the directories between the outermost root and each protected
// path, parents first, each once; none for a path at a root's top.
func TestPinDirs(t *testing.T) {
	base := t.TempDir()
	for _, d := range []string{"p/.git/hooks", "p/sub/.git/hooks", "p/inner/x/.git", "q"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(".", filepath.Join(base, "p/link"))
	j := func(s string) string { return filepath.Join(base, s) }
	roots := []root{{path: j("p")}, {path: j("p/inner")}, {path: j("q")}}
	got := pinDirs(roots, []string{j("p/.git/hooks"), j("p/.git/config"), j("p/sub/.git/hooks"), j("p/inner/x/.git/config"), j(".envrc"), j("p/.envrc"), j("p/link/y/z"), j("q/.envrc")})
	want := []string{j("p/.git"), j("p/inner"), j("p/inner/x"), j("p/inner/x/.git"), j("p/sub"), j("p/sub/.git")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pinDirs:\n got %v\nwant %v", got, want)
	}
}

// TestStdinProtectedFile: a protected file on stdin could be reopened for
// writing through /proc/self/fd/0 on its original, writable mount (shown
// unconfined first); Exec refuses it instead, as root and as an ordinary user.
func TestStdinProtectedFile(t *testing.T) {
	requireSandbox(t)
	creds := []*syscall.Credential{nil}
	if os.Geteuid() == 0 {
		creds = append(creds, &syscall.Credential{Uid: 65534, Gid: 65534})
	}
	const orig = "[core]\n\thooksPath = tools/githooks\n"
	for _, cred := range creds {
		base := t.TempDir()
		exe := ""
		if cred != nil {
			exe = shareWith(t, base, cred)
		}
		for _, confined := range []bool{false, true} {
			f := newFixture(t, base)
			home := protectFixture(t, f.root)
			chownFixture(t, f, cred)
			cfg := filepath.Join(f.root, ".git/config")
			in, err := os.Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := child{attack: &attackSpec{Name: "append", Args: []string{"/proc/self/fd/0"}}, dir: f.root, exe: exe, cred: cred, stdin: in}
			if !confined {
				o := c.run(t)
				in.Close()
				if !o.ok || readString(cfg) == orig {
					sandboxtest.Skipf(t, "cred %v: reopening stdin for writing does not work unconfined either (%s)", cred, o)
				}
				continue
			}
			p := Profile{WritableRoots: []string{f.root}}
			Protect(&p, protect.Default(), home)
			c.attack, c.path, c.argv = nil, "/bin/sh", []string{"sh", "-c", "echo x >> /proc/self/fd/0"}
			spec := helperSpec{Profile: p, Path: c.path, Argv: c.argv}
			exePath := exe
			if exePath == "" {
				exePath, _ = os.Executable()
			}
			cmd := exec.Command(exePath)
			cmd.Dir, cmd.Stdin = f.root, in
			cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(spec))
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			out, err := cmd.CombinedOutput()
			in.Close()
			if err == nil || !strings.Contains(string(out), "a protected path") {
				t.Errorf("cred %v: a protected file on stdin: %v\n%s\nwant a refusal", cred, err, out)
			}
			if got := readString(cfg); got != orig {
				t.Errorf("cred %v: .git/config changed through stdin: %q", cred, got)
			}
		}
	}
}
