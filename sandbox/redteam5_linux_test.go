package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// The fifth red-team pass on the sandbox (docs/redteam/sandbox-5.md).

func init() {
	// Open a device node for writing, and write nothing: the open is the
	// breach (a disk's blocks, the kernel log), and the test must not harm
	// the machine.
	attacks["open-device-write"] = func(a []string) error {
		fd, err := unix.Open(a[0], unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		unix.Close(fd)
		return nil
	}
}

// copyDevice makes a node at path with the device number and type of dev.
func copyDevice(t *testing.T, dev, path string, mode uint32) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(dev, &st); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(path, st.Mode&unix.S_IFMT|mode, int(st.Rdev)); err != nil {
		sandboxtest.Skipf(t, "mknod %s: %v", path, err)
	}
	if err := unix.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// deviceOutsideDevCases are the attacks of TestAttackDeviceNodesOutsideDev:
// a copy of a sensitive node of /dev made in the writable root (a project's
// rootfs/dev) and one outside the roots, opened for reading and writing.
func deviceOutsideDevCases(t *testing.T, devices []string, mode uint32, profile func(*Profile), prefix string) []attackCase {
	var cases []attackCase
	for _, d := range devices {
		attacks := []string{"open-device"}
		if fd, err := unix.Open(d, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
			attacks = append(attacks, "open-device-write") // some (hwrng) are read-only
		}
		for _, where := range []string{"root", "outside"} {
			for _, attack := range attacks {
				cases = append(cases, attackCase{
					name: prefix + attack + " a copy of " + d + " in the " + where, attack: attack, profile: profile,
					args: func(t *testing.T, f *fixture) []string {
						dir := f.root
						if where == "outside" {
							dir = f.outside
						}
						p := filepath.Join(dir, "rootfs-"+filepath.Base(d))
						copyDevice(t, d, p, mode)
						return []string{p}
					},
					want: []unix.Errno{unix.EACCES},
				})
			}
		}
	}
	return cases
}

// TestAttackDeviceNodesOutsideDev: root's /dev of its own (and the device
// filter's Landlock rules) cover /dev only, and a read-only mount does not
// stop writing to a device. A node elsewhere, in a writable root above all
// (a debootstrap or image build leaves rootfs/dev/* in the project), let a
// root program in full-auto read a console's screen and write the kernel log;
// a block node there is the raw disk on a host without a device cgroup. Every
// mount but /dev and /dev/pts is nodev now: EACCES, in full-auto and in
// auto-edit's files-only runs.
func TestAttackDeviceNodesOutsideDev(t *testing.T) {
	requireRoot(t, "making device nodes (and opening the sensitive ones) needs root")
	devs := sensitiveDevices(t)
	if len(devs) > 2 {
		devs = devs[:2]
	}
	cases := deviceOutsideDevCases(t, devs, 0o600, nil, "")
	cases = append(cases, deviceOutsideDevCases(t, devs, 0o600, func(p *Profile) { p.FilesOnly = true }, "files-only: ")...)
	runAttackCases(t, cases)
}

// TestAttackDeviceNodesOutsideDevUnprivileged: the same for an ordinary user,
// with a node whose mode lets anyone open it (root made it earlier, or a
// tarball's owner did): the user-namespace child makes the mounts nodev too.
func TestAttackDeviceNodesOutsideDevUnprivileged(t *testing.T) {
	requireRoot(t, "making device nodes and switching to an ordinary user need root")
	requireUserNS(t)
	devs := sensitiveDevices(t)
	if len(devs) > 2 {
		devs = devs[:2]
	}
	cases := deviceOutsideDevCases(t, devs, 0o666, nil, "")
	cases = append(cases, deviceOutsideDevCases(t, devs, 0o666, func(p *Profile) { p.FilesOnly = true }, "files-only: ")...)
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases)
}

// TestDevicesInsideNoDev: with every other mount nodev, the devices programs
// use stay usable, the terminal reached through /proc/self/fd included, as
// root and as an ordinary user.
func TestDevicesInsideNoDev(t *testing.T) {
	requireSandbox(t)
	master, slave, err := openPTY()
	if err != nil {
		sandboxtest.Skipf(t, "no pty here: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	base := t.TempDir()
	var creds = []*syscall.Credential{nil}
	if os.Geteuid() == 0 {
		creds = append(creds, &syscall.Credential{Uid: 65534, Gid: 65534})
	}
	for _, cred := range creds {
		exe := ""
		if cred != nil {
			exe = shareWith(t, base, cred)
		}
		f := newFixture(t, base)
		chownFixture(t, f, cred)
		if err := os.Chmod(slave.Name(), 0o666); err != nil {
			t.Fatal(err)
		}
		script := `exec 2>&1
echo x > /dev/null && echo null
head -c 4 /dev/urandom | wc -c
head -c 4 /dev/zero | wc -c
test -c /proc/self/fd/0 && head -c 0 /proc/self/fd/0 && echo stdin-reopened
python3 -c 'import os,pty; m,s=pty.openpty(); os.write(s,b"p"); print(os.read(m,1).decode())' 2>/dev/null || echo p`
		for _, filesOnly := range []bool{false, true} {
			o := child{profile: &Profile{WritableRoots: []string{f.root}, FilesOnly: filesOnly}, path: "/bin/sh",
				argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred, stdin: slave}.run(t)
			if want := "null\n4\n4\nstdin-reopened\np\n"; o.stdout != want {
				t.Errorf("as %v, files-only %v: output %q, want %q\n%s", cred, filesOnly, o.stdout, want, o.stderr)
			}
		}
	}
}

// rootInside is a profile whose only writable root is rel inside the
// protection fixture (the home next to it for "~/..."), made if missing,
// with the default list applied.
func rootInside(t *testing.T, rel string, more func(p *Profile)) func(p *Profile) {
	return func(p *Profile) {
		top := p.WritableRoots[0]
		home := protectFixture(t, top)
		dir := insideDir(top, home, rel)
		if err := os.MkdirAll(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		p.WritableRoots = []string{dir}
		Protect(p, protect.Default(), home)
		if more != nil {
			more(p)
		}
	}
}

func insideDir(top, home, rel string) string {
	if rest, ok := strings.CutPrefix(rel, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return filepath.Join(top, rel)
}

// insideArgs lays the fixture out and names file inside rel.
func insideArgs(rel, file string) func(*testing.T, *fixture) []string {
	return func(t *testing.T, f *fixture) []string {
		home := protectFixture(t, f.root)
		dir := insideDir(f.root, home, rel)
		if err := os.MkdirAll(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		for d := dir; d != f.root && d != home; d = filepath.Dir(d) {
			os.Chmod(d, 0o777)
		}
		return []string{filepath.Join(dir, file)}
	}
}

// rootInsideProtectedCases: the working directory (a writable root) inside a
// protected path: cwd .git/hooks made the hooks a root of their own, in which
// nothing was protected, and a hook planted there ran at the next commit.
func rootInsideProtectedCases(t *testing.T, more func(p *Profile), prefix string) []attackCase {
	var cases []attackCase
	for _, c := range []struct {
		attack, rel, file, why string
		inside                 bool // the protected path lies inside the root: mounts needed
	}{
		{"create", ".git/hooks", "pre-commit", "plant a hook with the hooks directory as the working directory", false},
		{"create", "tools/githooks", "pre-push", "plant a hook with core.hooksPath as the working directory", false},
		{"append", ".git/worktrees/wt", "commondir", "redirect a linked worktree from its git directory", true},
		{"append", ".git/modules/lib/modules/inner", "config", "append a nested submodule's config from its git directory", true},
		{"create", ".vscode/sub", "tasks.json", "write in .vscode from a directory below it", false},
		{"create", ".husky/_", "pre-commit", "plant a hook in .husky/_ from there", false},
		{"create", "~/.claude/skills", "SKILL.md", "write in ~/.claude from a directory below it", false},
	} {
		if c.inside && more != nil {
			continue // without mounts, TestUserNSForbidden's documented limit
		}
		cases = append(cases, attackCase{name: prefix + c.why, attack: c.attack, args: insideArgs(c.rel, c.file),
			profile: rootInside(t, c.rel, more), want: denied})
	}
	return cases
}

// TestAttackRootInsideProtected, as root: the read-only mounts and Landlock
// both, once the root inside a protected path is no root.
func TestAttackRootInsideProtected(t *testing.T) {
	runAttackCases(t, rootInsideProtectedCases(t, nil, ""))
}

// TestAttackRootInsideProtectedUnprivileged: as an ordinary user, with the
// user-namespace child, and where user namespaces are forbidden (best effort:
// Landlock alone, which the dropped root is enough for).
func TestAttackRootInsideProtectedUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	cases := rootInsideProtectedCases(t, nil, "")
	for _, c := range rootInsideProtectedCases(t, func(p *Profile) { p.BestEffort = true }, "user namespaces forbidden: ") {
		c.child = func(c *child) { c.noUserNS = true }
		cases = append(cases, c)
	}
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases)
}

// raceSwap moves root/config away and puts a decoy config/.env in its place.
func raceSwap(root string) {
	if err := os.Rename(filepath.Join(root, "config"), filepath.Join(root, "moved")); err != nil {
		panic(err)
	}
	if err := os.Mkdir(filepath.Join(root, "config"), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(root, "config", ".env"), []byte("decoy\n"), 0o644); err != nil {
		panic(err)
	}
}

// TestMountRaceUnprivileged: an ordinary user's child made its mounts by
// path, so a directory holding a secret, renamed away by a program running
// beside guard between guard's look and the child's mounts (a parallel
// command, one a command left behind), left the /dev/null bind on a decoy
// and the secret readable where it moved. The child now opens each target,
// checks its device and inode against what guard saw, and mounts on the
// descriptor: the swap fails the command (ESTALE) instead.
func TestMountRaceUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	requireUserNS(t)
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	writeWorld(filepath.Join(f.root, "config", ".env"), "API_KEY=sk-race\n")
	chownFixture(t, f, cred)
	p := Profile{WritableRoots: []string{f.root}}
	Protect(&p, protect.Default(), "")
	if !slices.Contains(p.Unreadable, filepath.Join(f.root, "config", ".env")) {
		t.Fatalf("config/.env is not a secret of the profile: %v", p.Unreadable)
	}
	moved := filepath.Join(f.root, "moved", ".env")
	cmd := exec.Command(exe)
	cmd.Dir = f.root
	cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(helperSpec{Profile: p, Path: "/bin/cat", Argv: []string{"cat", moved},
		RaceSwap: f.root}))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "sk-race") {
		t.Fatalf("the secret, moved between guard's look and the child's mounts, was read: %v\n%s", err, out)
	}
	if err == nil || !strings.Contains(string(out), "stale") {
		t.Errorf("want the child to refuse the swapped directory (ESTALE): %v\n%s", err, out)
	}
	t.Logf("%v: %s", err, out)
}

// globalHooksCases: the user's own git config (~/.gitconfig) sets
// core.hooksPath = ~/.githooks, the hooks of every repository. It was read
// only for a repository found at a root's top: with the home as the working
// directory (no ~/.git) or the hooks directory itself as one, a hook planted
// in full-auto ran at the next commit anywhere.
func globalHooksCases(t *testing.T, more func(p *Profile), prefix string) []attackCase {
	layout := func(t *testing.T, home string) {
		writeWorld(filepath.Join(home, ".gitconfig"), "[core]\n\thooksPath = ~/.githooks\n[init]\n\ttemplateDir = ~/.git-templates\n")
		for _, d := range []string{".githooks", ".git-templates", ".git-templates/hooks"} {
			if err := os.MkdirAll(filepath.Join(home, d), 0o777); err != nil {
				t.Fatal(err)
			}
			os.Chmod(filepath.Join(home, d), 0o777)
		}
	}
	var cases []attackCase
	for _, c := range []struct{ rel, file, name string }{
		{"", ".githooks/pre-commit", "plant a hook in ~/.githooks (core.hooksPath of ~/.gitconfig) with the home as a root"},
		{".githooks", ".githooks/pre-commit", "plant a hook in ~/.githooks (core.hooksPath of ~/.gitconfig) from there"},
		{"", ".git-templates/hooks/post-checkout", "plant a hook in ~/.git-templates (init.templateDir: every clone copies it) with the home as a root"},
		{".git-templates/hooks", ".git-templates/hooks/post-checkout", "plant a hook in ~/.git-templates from there"},
	} {
		rel, name := c.rel, c.name
		cases = append(cases, attackCase{name: prefix + name, attack: "create",
			args: func(t *testing.T, f *fixture) []string {
				layout(t, f.root)
				return []string{filepath.Join(f.root, c.file)}
			},
			profile: func(p *Profile) {
				home := p.WritableRoots[0]
				layout(t, home)
				p.WritableRoots = []string{filepath.Join(home, rel)}
				Protect(p, protect.Default(), home)
				if more != nil {
					more(p)
				}
			},
			want: denied})
	}
	return cases
}

func TestAttackGlobalHooksPath(t *testing.T) {
	runAttackCases(t, globalHooksCases(t, nil, ""))
}

// TestAttackGlobalHooksPathUnprivileged: as an ordinary user, through the
// child, and with user namespaces forbidden where the hooks directory holds
// the root (Landlock alone; the home as a root needs the mounts, and strict
// refuses without them).
func TestAttackGlobalHooksPathUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	cases := globalHooksCases(t, nil, "")
	for i, c := range globalHooksCases(t, func(p *Profile) { p.BestEffort = true }, "user namespaces forbidden: ") {
		if i%2 == 1 { // the hooks directory holds the root
			c.child = func(c *child) { c.noUserNS = true }
			cases = append(cases, c)
		}
	}
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases)
}

// configProgramCases: a git config names a program by path inside a root
// (core.fsmonitor = ./tools/fsmon.sh in the repository's config, a textconv
// script in the user's): the config is protected, the program was not, and
// rewriting it from full-auto ran at the next git status or diff, outside.
func configProgramCases(t *testing.T) []attackCase {
	layout := func(t *testing.T, root string) (home string) {
		home = protectFixture(t, root)
		writeWorld(filepath.Join(root, ".git", "config"), "[core]\n\tfsmonitor = ./tools/fsmon.sh\n")
		writeWorld(filepath.Join(root, "tools", "fsmon.sh"), "#!/bin/sh\n")
		writeWorld(filepath.Join(home, ".gitconfig"), "[diff \"img\"]\n\ttextconv = python3 ~/scripts/tc.py\n[alias]\n\tst = !~/scripts/st.sh -s\n")
		writeWorld(filepath.Join(home, "scripts", "tc.py"), "print(1)\n")
		writeWorld(filepath.Join(home, "scripts", "st.sh"), "#!/bin/sh\n")
		return home
	}
	var cases []attackCase
	for _, c := range []struct{ file, name string }{
		{"tools/fsmon.sh", "rewrite the core.fsmonitor program a repository's config names"},
		{"~/scripts/tc.py", "rewrite a textconv script the user's git config names, with the home as a root"},
		{"~/scripts/st.sh", "rewrite the program of a shell alias in the user's git config, with the home as a root"},
	} {
		cases = append(cases, attackCase{name: c.name, attack: "write",
			args: func(t *testing.T, f *fixture) []string {
				home := layout(t, f.root)
				return []string{insideDir(f.root, home, c.file)}
			},
			profile: func(p *Profile) {
				root := p.WritableRoots[0]
				home := layout(t, root)
				if strings.HasPrefix(c.file, "~/") {
					p.WritableRoots = []string{home}
				}
				Protect(p, protect.Default(), home)
			},
			want: denied})
	}
	return cases
}

func TestAttackConfigProgram(t *testing.T) { runAttackCases(t, configProgramCases(t)) }

func TestAttackConfigProgramUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, configProgramCases(t))
}
