package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Red team of the sandbox, twenty-fourth pass (docs/redteam/sandbox-24.md).

func init() {
	// open-tree-attr DIR NAME WANT: copy DIR's mount (OPEN_TREE_CLONE, not
	// its submounts: a secret's /dev/null stays behind) and read NAME
	// through the copy; it worked when that gives WANT.
	attacks["open-tree-attr"] = func(a []string) error {
		fd, err := openTreeAttr(a[0], unix.OPEN_TREE_CLONE)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		f, err := unix.Openat(fd, a[1], unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("openat through the copy: %w", err)
		}
		defer unix.Close(f)
		buf := make([]byte, 256)
		n, err := unix.Read(f, buf)
		if err != nil {
			return err
		}
		if got := string(buf[:n]); got != a[2] {
			return fmt.Errorf("read %q through the copy", got)
		}
		return nil
	}
	// open-tree-attr-path DIR: the call without a copy (an O_PATH
	// descriptor, no privilege needed): it worked when the filter let it
	// through.
	attacks["open-tree-attr-path"] = func(a []string) error {
		fd, err := openTreeAttr(a[0], 0)
		if err != nil {
			return err
		}
		return unix.Close(fd)
	}
}

func openTreeAttr(dir string, flags int) (int, error) {
	p, err := unix.BytePtrFromString(dir)
	if err != nil {
		return -1, err
	}
	fd, _, e := unix.Syscall6(sysOpenTreeAttr, atFDCWD, uintptr(unsafe.Pointer(p)),
		uintptr(flags|unix.OPEN_TREE_CLOEXEC), 0, 0, 0)
	if e != 0 {
		return -1, fmt.Errorf("open_tree_attr(%s): %w", dir, e)
	}
	return int(fd), nil
}

// newSyscallCases: open_tree_attr, open_tree's twin with mount attributes
// (Linux 6.15), which the filter let through: libseccomp 2.5.4, which
// compiles the policy, does not know it, and the filter allows what its
// rules do not name. Its copy of a mount leaves the secrets' mounts behind;
// the program's missing CAP_SYS_ADMIN refused that, the filter did not.
func newSyscallCases(asRoot, forbidden bool) []attackCase {
	outside := func(_ *testing.T, f *fixture) []string { return []string{f.outside, "file", original} }
	hidden := func(c *child) {
		c.noUserNS = forbidden
		if c.profile != nil {
			c.profile.Unreadable = append(c.profile.Unreadable, filepath.Join(filepath.Dir(c.dir), "outside", "file"))
		}
	}
	cases := []attackCase{{name: "open_tree_attr without a copy", attack: "open-tree-attr-path",
		args: func(_ *testing.T, f *fixture) []string { return []string{f.root} }, child: hidden,
		want: []unix.Errno{unix.EPERM}}}
	if asRoot {
		// An ordinary user may not copy a mount of the host's at all.
		cases = append(cases, attackCase{name: "open_tree_attr copy of a directory holding a secret, read through the copy",
			attack: "open-tree-attr", args: outside, root: "needs CAP_SYS_ADMIN", child: hidden, want: []unix.Errno{unix.EPERM}})
	}
	return cases
}

// TestNewSyscalls (S24-1): calls newer than the filter's compiler are
// refused by number, and numbers newer than the policy fail with ENOSYS
// (TestSeccompProgramsForEveryArch has the numbers; here the real kernel).
func TestNewSyscalls(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestNewSyscallsUnprivileged is this test")
	runAttackCases(t, newSyscallCases(true, false))
}

func TestNewSyscallsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, func(forbidden bool) []attackCase { return newSyscallCases(false, forbidden) })
}

// TestUpwardNamesAboveProjectInSharedRoot (S24-2): a project inside a
// shared root (/tmp/work/proj) with no repository of its own. The command
// made a repository in the directory above it (/tmp/work, writable as
// /tmp is), its config naming a core.fsmonitor, and a conftest.py and a
// .cargo/config.toml beside it: git status in the project, later and
// outside, ran the fsmonitor (the agent's own git questions, a prompt's);
// pytest and cargo there would take the others. Only the top of the shared
// root kept those names out (placeholders), and the look after the command
// went into the roots that are not shared only.
func TestUpwardNamesAboveProjectInSharedRoot(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	plant := `set -e
git init -q ..; git -C .. config core.fsmonitor "echo FSMONITOR >> $OUT; false"
echo 'import os' > ../conftest.py; mkdir ../.cargo; printf '[build]\nrustc-wrapper = "./w"\n' > ../.cargo/config.toml
`
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		// The shared root is the fixture's root, the project two levels
		// below it; the home (base) is outside it, as /tmp holds no home.
		shared, above := f.root, filepath.Join(f.root, "work")
		project := filepath.Join(above, "proj")
		os.MkdirAll(project, 0o755)
		chownFixture(t, f, cred)
		out := filepath.Join(t.TempDir(), "ran")
		os.WriteFile(out, nil, 0o666)
		os.Chmod(out, 0o666)
		env := []string{"HOME=" + base, "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + shared, "OUT=" + out}
		status := func() string {
			os.WriteFile(out, nil, 0o666)
			cmd := exec.Command(git, "-c", "safe.directory=*", "status", "--short")
			cmd.Dir = project
			cmd.Env = env
			cmd.Run()
			return readString(out)
		}
		clean := func() {
			for _, n := range []string{".git", "conftest.py", ".cargo"} {
				os.RemoveAll(filepath.Join(above, n))
			}
		}
		o := child{path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: project, exe: exe, cred: cred, env: env}.run(t)
		if got := status(); !o.ok || !strings.Contains(got, "FSMONITOR") {
			t.Fatalf("without the sandbox, git status did not run the planted core.fsmonitor: %s\n%s\nran %q", o, o.stderr, got)
		}
		clean()

		p := Profile{WritableRoots: []string{project, shared}, SharedRoots: []string{shared}, Project: project, BestEffort: forbidden}
		Protect(&p, protect.Default(), base)
		o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: project, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("a command that planted them: %s, want exit status 126\nstderr: %s", o.msg, o.stderr)
		}
		if got := status(); got != "" {
			t.Errorf("git status in the project, outside, ran %q\nstderr: %s", got, o.stderr)
		}
		for _, n := range []string{".git", "conftest.py", ".cargo"} {
			if exists(filepath.Join(above, n)) {
				t.Errorf("%s above the project is still there\nstderr: %s", n, o.stderr)
			}
		}
		clean()
	})
}

func TestBetweenSharedAndRoots(t *testing.T) {
	roots := []root{{path: "/tmp/a/b/proj"}, {path: "/tmp", shared: true}, {path: "/tmp/a", shared: true},
		{path: "/home/u/src"}, {path: "/tmp/x"}}
	got := betweenSharedAndRoots(roots)
	want := []string{"/tmp/a/b"}
	if !slices.Equal(got, want) {
		t.Errorf("betweenSharedAndRoots = %q, want %q", got, want)
	}
}

// TestBelowBetweenUntouched: the directories between a shared root's top
// and the project are looked at for their own names only. What lies below
// them is other work in /tmp, not the project's (another process's
// /tmp/work/other/home/.claude, made while the command ran, was moved
// aside and the command's status made 126): it stays, as before S24-2.
func TestBelowBetweenUntouched(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	made := []string{"other/.envrc", "other/home/.claude", "other/home/.codex"}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		shared, above := f.root, filepath.Join(f.root, "work")
		project := filepath.Join(above, "proj")
		os.MkdirAll(project, 0o755)
		os.MkdirAll(filepath.Join(above, "other", "home"), 0o755)
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{project, shared}, SharedRoots: []string{shared}, Project: project, BestEffort: forbidden}
		Protect(&p, protect.Default(), base)
		script := "set -e; cd ..; mkdir " + strings.Join(made, " ")
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: project, exe: exe, cred: cred,
			env: []string{"HOME=" + base, "PATH=/usr/bin:/bin"}, noUserNS: forbidden}.run(t)
		if !o.ok {
			t.Errorf("a command that made %q below the directory above the project: %s, want exit 0\nstderr: %s", made, o.msg, o.stderr)
		}
		for _, n := range made {
			if !exists(filepath.Join(above, n)) {
				t.Errorf("%s was moved aside\nstderr: %s", n, o.stderr)
			}
		}
	})
}
