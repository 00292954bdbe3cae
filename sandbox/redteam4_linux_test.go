package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// The fourth red-team pass on the sandbox (docs/redteam/sandbox-4.md): ways out found
// after the first three, each tried without the sandbox first.

// sysOpenTreeAttr is open_tree_attr(2) (Linux 6.15), newer than the
// libseccomp that compiles the filters: the same number on every
// architecture, as every syscall from 424 on.
const sysOpenTreeAttr = 467

func init() {
	for name, f := range map[string]func(a []string) error{
		// Clear the read-only flag of the mount that holds a[0], then chmod it.
		"remount-rw-chmod": func(a []string) error {
			mp, err := mountPointOf(a[0])
			if err != nil {
				return err
			}
			attr := unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}
			if err := unix.MountSetattr(unix.AT_FDCWD, mp, 0, &attr); err != nil {
				return err
			}
			return unix.Chmod(a[0], 0o600)
		},
		// A detached copy of that mount, made writable, and chmod through it.
		"clone-rw-chmod": func(a []string) error {
			mp, err := mountPointOf(a[0])
			if err != nil {
				return err
			}
			fd, err := unix.OpenTree(unix.AT_FDCWD, mp, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			attr := unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}
			if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
				return err
			}
			return unix.Fchmodat(fd, relativeTo(mp, a[0]), 0o600, 0)
		},
		// The same in one call: open_tree_attr clones and clears read-only.
		"clone-attr-rw-chmod": func(a []string) error {
			mp, err := mountPointOf(a[0])
			if err != nil {
				return err
			}
			p, err := unix.BytePtrFromString(mp)
			if err != nil {
				return err
			}
			attr := unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}
			r, _, e := unix.Syscall6(sysOpenTreeAttr, atFDCWD, uintptr(unsafe.Pointer(p)),
				unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
			if e != 0 {
				return e
			}
			defer unix.Close(int(r))
			return unix.Fchmodat(int(r), relativeTo(mp, a[0]), 0o600, 0)
		},
		// Overwrite a program in place (open O_TRUNC, write): the kernel
		// clears its set-id bits unless the writer has CAP_FSETID.
		"overwrite": func(a []string) error {
			b, err := os.ReadFile(a[1])
			if err != nil {
				return err
			}
			fd, err := unix.Open(a[0], unix.O_WRONLY|unix.O_TRUNC|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			_, err = unix.Write(fd, b)
			unix.Close(fd)
			if err != nil {
				return err
			}
			return stillSetID(a[0])
		},
		// The same with cp(1), which opens the existing file O_TRUNC.
		"cp-over": func(a []string) error {
			if out, err := exec.Command("cp", a[1], a[0]).CombinedOutput(); err != nil {
				return fmt.Errorf("cp: %v: %s", err, out)
			}
			return stillSetID(a[0])
		},
	} {
		attacks[name] = f
	}
}

// stillSetID fails (EPERM) when the kernel cleared path's set-id bits.
func stillSetID(path string) error {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return err
	}
	if st.Mode&(unix.S_ISUID|unix.S_ISGID) == 0 {
		return fmt.Errorf("the set-id bits were cleared: %w", unix.EPERM)
	}
	return nil
}

// requireUserNS skips where an ordinary user cannot make a user namespace
// (the refusal itself is TestUserNSForbidden's).
func requireUserNS(t *testing.T) {
	t.Helper()
	if ok, why := userNSAllowed(); !ok {
		sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
	}
}

// mountPointOf is the mount point that holds path, from /proc/self/mountinfo.
func mountPointOf(path string) (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	defer f.Close()
	best := "/"
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if (path == mp || strings.HasPrefix(path, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	return best, s.Err()
}

func unescapeMountinfo(s string) string {
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

func relativeTo(mp, path string) string {
	rel, err := filepath.Rel(mp, path)
	if err != nil {
		return path
	}
	return rel
}

// TestAttackMountFlags: root's read-only mounts are what stop chmod, chown
// and the like outside the roots (Landlock does not check metadata), so a
// program must not make them writable again: mount_setattr on the mount, a
// writable detached copy by open_tree and mount_setattr, or open_tree_attr
// in one call. The files-only profile (auto-edit's confined runs) keeps
// CAP_SYS_ADMIN, and Landlock refuses mount(2) and move_mount(2) but not
// these: its seccomp program refuses them.
func TestAttackMountFlags(t *testing.T) {
	requireRoot(t, "the read-only mounts and CAP_SYS_ADMIN are root's")
	changed := func(f *fixture) bool {
		var st unix.Stat_t
		return unix.Stat(f.file, &st) == nil && st.Mode&0o777 != 0o644
	}
	file := func(_ *testing.T, f *fixture) []string { return []string{f.file} }
	filesOnly := func(p *Profile) { p.FilesOnly = true }
	var cases []attackCase
	for _, a := range []struct{ attack, name string }{
		{"remount-rw-chmod", "mount_setattr clears read-only, then chmod outside"},
		{"clone-rw-chmod", "a writable detached copy (open_tree, mount_setattr), chmod through it"},
		{"clone-attr-rw-chmod", "open_tree_attr clones writable, chmod through it"},
	} {
		cases = append(cases,
			attackCase{name: "full-auto: " + a.name, attack: a.attack, args: file, effect: changed, want: denied},
			attackCase{name: "files-only: " + a.name, attack: a.attack, args: file, effect: changed, want: eperm,
				profile: filesOnly})
	}
	runAttackCases(t, cases)
}

// TestAttackSetIDOverwrite: writing into a set-user-ID program clears the bit,
// unless the writer has CAP_FSETID; root kept it, so a set-id program already
// in a root (/tmp is one) became whatever root wrote there, still set-id.
func TestAttackSetIDOverwrite(t *testing.T) {
	requireRoot(t, "CAP_FSETID is root's")
	var planted string
	setuid := func(t *testing.T, f *fixture) string {
		planted = filepath.Join(f.root, "helper")
		b, err := os.ReadFile("/bin/true")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(planted, b, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := unix.Chmod(planted, 0o4755); err != nil {
			t.Fatal(err)
		}
		return planted
	}
	setID := func(*fixture) bool {
		var st unix.Stat_t
		return unix.Stat(planted, &st) == nil && st.Mode&unix.S_ISUID != 0 && st.Size != 0 &&
			readString(planted) != readString("/bin/true")
	}
	overwrite := func(t *testing.T, f *fixture) []string { return []string{setuid(t, f), "/bin/sh"} }
	var cases []attackCase
	for _, p := range []struct {
		name    string
		profile func(*Profile)
	}{{"full-auto", nil}, {"files-only", func(p *Profile) { p.FilesOnly = true }}} {
		cases = append(cases,
			attackCase{name: p.name + ": write a shell into a set-user-ID program in the root", attack: "overwrite",
				args: overwrite, effect: setID, profile: p.profile, want: eperm},
			attackCase{name: p.name + ": cp a shell over a set-user-ID program in the root", attack: "cp-over",
				args: overwrite, effect: setID, profile: p.profile, want: eperm})
	}
	runAttackCasesAs(t, nil, cases)
}

// TestAttackTerminalsUnprivileged: an ordinary user's other terminals
// (/dev/pts/N of the same user: what is typed there, TIOCSWINSZ) are out of
// reach when the child in a user namespace runs the program (protected paths
// or secrets in the roots, as in any git repository): it mounts a devpts
// instance of its own. New pseudo-terminals work inside (script, python's
// pty), and so does the inherited one. Without the child, the limit stays
// (TestLimitUnprivilegedTerminals).
func TestAttackTerminalsUnprivileged(t *testing.T) {
	requireSandbox(t)
	requireRoot(t, "switching to an ordinary user needs root")
	requireUserNS(t)
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	profile := func(f *fixture) *Profile {
		// A protected path in the root: the child in a user namespace.
		hooks := filepath.Join(f.root, "hooks")
		if err := os.Mkdir(hooks, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chown(hooks, int(cred.Uid), int(cred.Gid))
		return &Profile{WritableRoots: []string{f.root}, ReadOnly: []string{hooks}}
	}
	terminal := func(t *testing.T) (*os.File, string) {
		m, slave, err := openPTY()
		if err != nil {
			sandboxtest.Skipf(t, "no pseudo-terminal: %v", err)
		}
		t.Cleanup(func() { m.Close(); slave.Close() })
		if err := os.Chown(slave.Name(), int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Write([]byte("typed secret\n")); err != nil {
			t.Fatal(err)
		}
		return m, slave.Name()
	}
	for _, attack := range []string{"pts-read", "pts-winsize"} {
		t.Run(attack, func(t *testing.T) {
			f := newFixture(t, base)
			chownFixture(t, f, cred)
			m, name := terminal(t)
			o := child{attack: &attackSpec{Name: attack, Args: []string{name}}, exe: exe, cred: cred}.run(t)
			if !o.ok {
				sandboxtest.Skipf(t, "%s does not work without the sandbox either (%s)", attack, o)
			}
			if ws, _ := unix.IoctlGetWinsize(int(m.Fd()), unix.TIOCGWINSZ); ws != nil && ws.Row == 7 {
				unix.IoctlSetWinsize(int(m.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80})
			}
			if attack == "pts-read" {
				m.Write([]byte("typed secret\n"))
			}
			o = child{attack: &attackSpec{Name: attack, Args: []string{name}}, profile: profile(f), exe: exe, cred: cred}.run(t)
			if o.ok {
				t.Fatalf("%s of another terminal of the user inside the sandbox succeeded", attack)
			}
			if o.errno != unix.ENOENT {
				t.Fatalf("%s inside: %s, want ENOENT (not in the private devpts)", attack, o)
			}
			if ws, _ := unix.IoctlGetWinsize(int(m.Fd()), unix.TIOCGWINSZ); ws != nil && ws.Row == 7 {
				t.Fatal("the other terminal was resized from inside")
			}
		})
	}
	t.Run("ptys inside", func(t *testing.T) {
		if _, err := exec.LookPath("script"); err != nil {
			sandboxtest.Skip(t, "script (util-linux) not on PATH")
		}
		f := newFixture(t, base)
		chownFixture(t, f, cred)
		_, name := terminal(t)
		stdin, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		// The inherited terminal answers; script makes a new one in the
		// private instance.
		sh := `stty size <&0 && script -qec 'tty && echo pty-ok' /dev/null`
		o := child{profile: profile(f), path: "/bin/sh", argv: []string{"sh", "-c", sh}, stdin: stdin, exe: exe, cred: cred}.run(t)
		if !o.ok || !strings.Contains(o.stdout, "/dev/pts/0") || !strings.Contains(o.stdout, "pty-ok") {
			t.Errorf("ptys as nobody inside: %s\nstdout: %s\nstderr: %s", o, o.stdout, o.stderr)
		}
	})
}

// TestAttackScanBudget: the scan of a root for secrets is bounded
// (protect.ScanDirs directories), and a program can spend the budget for the
// commands after it: directories it makes at the top of the root push a
// secret, hidden from it, out of the next command's scan. What a scan found
// is remembered (found_linux.go): the next command's profile hides it all the
// same. As root and as nobody.
func TestAttackScanBudget(t *testing.T) {
	requireSandbox(t)
	for _, cred := range []*syscall.Credential{nil, {Uid: 65534, Gid: 65534}} {
		name := "root"
		if cred != nil {
			name = "nobody"
		}
		t.Run(name, func(t *testing.T) {
			if cred != nil || os.Geteuid() == 0 {
				requireRoot(t, "switching to an ordinary user needs root")
			}
			if cred != nil {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			if cred != nil {
				exe = shareWith(t, base, cred)
			}
			f := newFixture(t, base)
			secret := filepath.Join(f.root, "services", "api", ".env")
			if err := os.MkdirAll(filepath.Dir(secret), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(secret, []byte("API_SECRET=s3cr3t\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			chownFixture(t, f, cred)
			home, cache := filepath.Join(base, "home"), filepath.Join(base, "cache")
			for _, d := range []string{home, cache} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			first := Profile{WritableRoots: []string{f.root}}
			ProtectCached(&first, protect.Default(), home, cache)
			if !slices.Contains(first.Unreadable, secret) {
				t.Fatalf("the first scan did not find %s: %v", secret, first.Unreadable)
			}
			// What the first command does: directories at the top of the root.
			for i := 0; i < 2*protect.ScanDirs; i++ {
				if err := os.Mkdir(filepath.Join(f.root, fmt.Sprintf("a%02d", i)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			chownFixture(t, f, cred)
			read := func(p Profile) outcome {
				return child{profile: &p, path: "/bin/cat", argv: []string{"cat", secret}, exe: exe, cred: cred}.run(t)
			}
			// Without the memory: the next scan misses it, and cat prints it.
			var fresh Profile
			fresh.WritableRoots = []string{f.root}
			Protect(&fresh, protect.Default(), home)
			if slices.Contains(fresh.Unreadable, secret) {
				sandboxtest.Skipf(t, "the directories did not push %s out of the scan here (listing order)", secret)
			}
			if o := read(fresh); !strings.Contains(o.stdout, "s3cr3t") {
				t.Fatalf("without the memory the secret was not read (%s): the test proves nothing\n%s", o, o.stderr)
			}
			next := Profile{WritableRoots: []string{f.root}}
			ProtectCached(&next, protect.Default(), home, cache)
			if o := read(next); strings.Contains(o.stdout, "s3cr3t") {
				t.Fatalf("the next command read the secret the first scan found: %q", o.stdout)
			}
			// Removed, it is forgotten: nothing to hide.
			if err := os.Remove(secret); err != nil {
				t.Fatal(err)
			}
			last := Profile{WritableRoots: []string{f.root}}
			ProtectCached(&last, protect.Default(), home, cache)
			if slices.Contains(last.Unreadable, secret) {
				t.Errorf("a removed secret is still listed: %v", last.Unreadable)
			}
		})
	}
}

// TestAttackMoveSecret: rename(2) of a directory above a mount point is
// allowed, and the mount moves along: `mv services x/1/.../9/` took
// services/api/.env, hidden where it was, deeper than the next command's scan
// (protect.ScanDepth), which printed it. The directories above a secret in a
// root are pinned like those above a protected path. As root and as nobody.
func TestAttackMoveSecret(t *testing.T) {
	requireSandbox(t)
	for _, cred := range []*syscall.Credential{nil, {Uid: 65534, Gid: 65534}} {
		name := "root"
		if cred != nil {
			name = "nobody"
		}
		t.Run(name, func(t *testing.T) {
			if cred != nil || os.Geteuid() == 0 {
				requireRoot(t, "switching to an ordinary user needs root")
			}
			if cred != nil {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			if cred != nil {
				exe = shareWith(t, base, cred)
			}
			deep := "x/1/2/3/4/5/6/7/8/9"
			script := "mkdir -p " + deep + " && mv services " + deep + "/"
			for _, confined := range []bool{false, true} {
				f := newFixture(t, base)
				secret := filepath.Join(f.root, "services", "api", ".env")
				if err := os.MkdirAll(filepath.Dir(secret), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(secret, []byte("API_SECRET=s3cr3t\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				chownFixture(t, f, cred)
				c := child{path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred}
				if confined {
					p := Profile{WritableRoots: []string{f.root}}
					Protect(&p, protect.Default(), filepath.Join(base, "nohome"))
					if !slices.Contains(p.Unreadable, secret) {
						t.Fatalf("Protect did not find %s: %v", secret, p.Unreadable)
					}
					c.profile = &p
				}
				o := c.run(t)
				moved := !exists(secret)
				if !confined && !moved {
					sandboxtest.Skipf(t, "mv does not work without the sandbox either (%s): %s", o, o.stderr)
				}
				if confined && moved {
					t.Fatalf("inside, the directory above a secret was moved deeper than the scan looks (%s)", o)
				}
			}
		})
	}
}

// TestTerminalAfterCommand: a process the command leaves behind in a
// session of its own keeps the terminal it was given, and would read what is
// typed there after the command returned. guard ends it when the program
// exits (leftovers_linux.go), in full-auto and, since guard stays the
// parent of auto-edit's files-only commands too (sandbox-13 S13-3), there.
func TestTerminalAfterCommand(t *testing.T) {
	requireSandbox(t)
	for _, filesOnly := range []bool{false, true} {
		m, slave, err := openPTY()
		if err != nil {
			sandboxtest.Skipf(t, "no pseudo-terminal: %v", err)
		}
		f := newFixture(t, t.TempDir())
		out := filepath.Join(f.root, "stolen")
		script := `exec 3<&0; setsid sh -c 'head -c 7 <&3 > "$1"' sh "$1" >/dev/null 2>&1 & sleep 0.3`
		o := child{profile: &Profile{WritableRoots: []string{f.root}, FilesOnly: filesOnly}, path: "/bin/sh",
			argv: []string{"sh", "-c", script, "sh", out}, stdin: slave, ctty: true}.run(t)
		if !o.ok {
			t.Fatalf("files-only=%v: sh: %s\n%s", filesOnly, o, o.stderr)
		}
		if _, err := m.Write([]byte("hunter2\n")); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Second); readString(out) != "hunter2" && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		if got := readString(out); got != "" {
			t.Errorf("files-only=%v: a leftover read %q from the terminal after the command", filesOnly, got)
		}
		m.Close()
		slave.Close()
	}
}

// TestAttackServerSecrets: root reads what a server keeps outside any home
// (a VPN's private key, a tailnet node's state, a cluster's certificate
// authority); each is on the default list now. The files are made for the
// test where none is, and removed after.
func TestAttackServerSecrets(t *testing.T) {
	requireRoot(t, "the files are root's, mode 0600")
	var cases []attackCase
	for _, path := range []string{"/etc/wireguard/guard-test.conf", "/var/lib/tailscale/guard-test.state",
		"/etc/kubernetes/pki/guard-test.key", "/etc/letsencrypt/live/guard.test/privkey.pem",
		"/run/credentials/guard-test.service/token", "/var/lib/docker/containers/guardtest/config.v2.json"} {
		cases = append(cases, attackCase{name: "read " + path, attack: "read", want: unreadable,
			args: func(t *testing.T, _ *fixture) []string {
				plantSystemFile(t, path)
				return []string{path}
			},
			profile: func(p *Profile) { Protect(p, protect.Default(), t.TempDir()) }})
	}
	runAttackCases(t, cases)
}

// plantSystemFile writes a secret at path unless a file is there, making the
// directories missing on the way, and removes what it made at the end.
func plantSystemFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); err == nil {
		return
	}
	top := path
	for d := filepath.Dir(path); d != "/"; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		top = d
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		sandboxtest.Skipf(t, "cannot make %s: %v", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, []byte("PrivateKey = guard-test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
}

// TestAttackFilesOnlyProtected: auto-edit's files-only profile kept the
// writes inside the roots, but not off the protected paths in them, which the
// decision treats as outside: a link made by an earlier command of a script
// and copied (`cp -r src dst`, src/lnk -> ../.git/hooks) let the next write a
// hook that git runs later, unconfined. The protected paths are read-only in
// files-only too: as root by the mounts, as nobody in the user-namespace
// child. Ordinary writes in the root still work.
func TestAttackFilesOnlyProtected(t *testing.T) {
	requireSandbox(t)
	if _, err := exec.LookPath("git"); err != nil {
		sandboxtest.Skip(t, "git not on PATH")
	}
	for _, cred := range []*syscall.Credential{nil, {Uid: 65534, Gid: 65534}} {
		name := "root"
		if cred != nil {
			name = "nobody"
		}
		t.Run(name, func(t *testing.T) {
			if cred != nil || os.Geteuid() == 0 {
				requireRoot(t, "switching to an ordinary user needs root")
			}
			if cred != nil {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			if cred != nil {
				exe = shareWith(t, base, cred)
			}
			script := `mkdir src && ln -s ../.git/hooks src/lnk && cp -r src dst && echo 'echo pwned' > dst/lnk/pre-commit; echo ok > written`
			for _, confined := range []bool{false, true} {
				f := newFixture(t, base)
				if out, err := exec.Command("git", "init", "-q", f.root).CombinedOutput(); err != nil {
					t.Fatalf("git init: %v: %s", err, out)
				}
				chownFixture(t, f, cred)
				hook := filepath.Join(f.root, ".git", "hooks", "pre-commit")
				c := child{path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred}
				if confined {
					p := Profile{WritableRoots: []string{f.root}}
					Protect(&p, protect.Default(), filepath.Join(base, "nohome"))
					if !slices.Contains(p.ReadOnly, filepath.Join(f.root, ".git", "hooks")) {
						t.Fatalf("Protect did not list .git/hooks: %v", p.ReadOnly)
					}
					p.FilesOnly = true
					c.profile = &p
				}
				o := c.run(t)
				planted := exists(hook)
				if !confined && !planted {
					sandboxtest.Skipf(t, "the hook was not written without the sandbox either (%s): %s", o, o.stderr)
				}
				if confined {
					if planted {
						t.Fatalf("files-only: a hook was written through a link made at run time (%s)", o)
					}
					if readString(filepath.Join(f.root, "written")) != "ok\n" {
						t.Fatalf("files-only: an ordinary write in the root failed (%s)\n%s", o, o.stderr)
					}
				}
			}
		})
	}
}

// TestAttackFilesOnlyMetadata: auto-edit's files-only profile as an ordinary
// user outside a repository (nothing protected in the root, so no mounts):
// Landlock does not check chmod, and a link made by an earlier command of a
// script let `chmod` reach the user's file outside the roots (~/.ssh's key
// made world-readable, ~/.bashrc world-writable). The child in a user
// namespace makes the mounts read-only there too: EROFS.
func TestAttackFilesOnlyMetadata(t *testing.T) {
	requireSandbox(t)
	requireRoot(t, "switching to an ordinary user needs root")
	requireUserNS(t)
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	var cases []attackCase
	for _, a := range []string{"chmod", "utime", "setxattr"} {
		cases = append(cases, attackCase{name: a + " through a link made at run time, files-only", attack: "symlink-" + a,
			args: func(_ *testing.T, f *fixture) []string {
				return []string{f.file, filepath.Join(f.root, "lnk")}
			},
			profile: func(p *Profile) { p.FilesOnly = true },
			effect: func(f *fixture) bool {
				var st unix.Stat_t
				unix.Stat(f.file, &st)
				_, xerr := unix.Getxattr(f.file, "user.guard", make([]byte, 8))
				return st.Mode&0o777 != 0o644 || st.Mtim.Sec == 0 || xerr == nil
			},
			want: []unix.Errno{unix.EROFS}})
	}
	runAttackCasesAs(t, cred, cases)
}

func init() {
	for _, name := range []string{"chmod", "utime", "setxattr"} {
		f := attacks[name]
		attacks["symlink-"+name] = func(a []string) error {
			if err := unix.Symlink(a[0], a[1]); err != nil {
				return fmt.Errorf("symlink: %w", err)
			}
			return f(a[1:])
		}
	}
}

// TestAttackKerberosCache: Kerberos keeps the user's tickets in
// /tmp/krb5cc_UID (a root, never scanned) or where KRB5CCNAME says; each is a
// credential for every service of the realm, and was read in full-auto.
func TestAttackKerberosCache(t *testing.T) {
	var cases []attackCase
	def := "/tmp/krb5cc_" + strconv.Itoa(os.Geteuid())
	cases = append(cases, attackCase{name: "read " + def, attack: "read", want: unreadable,
		args: func(t *testing.T, _ *fixture) []string {
			plantSystemFile(t, def)
			return []string{def}
		},
		profile: func(p *Profile) {
			p.WritableRoots = append(p.WritableRoots, "/tmp")
			Protect(p, protect.Default(), t.TempDir())
		}})
	var named string
	cases = append(cases, attackCase{name: "read the cache KRB5CCNAME=FILE: names", attack: "read", want: unreadable,
		args: func(t *testing.T, f *fixture) []string {
			named = filepath.Join(f.outside, "tickets")
			if err := os.WriteFile(named, []byte("ticket\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{named}
		},
		profile: func(p *Profile) {
			// Before args: the fixture's own outside directory.
			named = filepath.Join(filepath.Dir(p.WritableRoots[0]), "outside", "tickets")
			t.Setenv("KRB5CCNAME", "FILE:"+named)
			Protect(p, protect.Default(), t.TempDir())
		},
		child: func(c *child) { c.env = append(c.env, "KRB5CCNAME=FILE:"+named) }})
	runAttackCases(t, cases)
}

// TestAttackDevicesUnprivileged: a device node an ordinary user may read (the
// input group's keyboards, a serial port, a security key, whatever a seat's
// ACL opens: here a node made for the test, mode 0666) was readable inside;
// the device filter root has now holds for everyone (Landlock: in /dev only
// null, zero, full, random, urandom, tty, ptmx, pts, shm... are readable).
// Where user namespaces are forbidden too (no child), at the cost of the read
// rules around /dev.
func TestAttackDevicesUnprivileged(t *testing.T) {
	requireRoot(t, "making a device node and switching to an ordinary user need root")
	node := "/dev/guard-test-" + strconv.Itoa(os.Getpid())
	if err := unix.Mknod(node, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 8))); err != nil {
		sandboxtest.Skipf(t, "cannot make a device node in /dev: %v", err)
	}
	defer os.Remove(node)
	if err := os.Chmod(node, 0o666); err != nil {
		t.Fatal(err)
	}
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	var cases []attackCase
	for _, forbidden := range []bool{false, true} {
		name := "open " + node + " as nobody"
		if forbidden {
			name += ", user namespaces forbidden"
		}
		cases = append(cases, attackCase{name: name, attack: "open-device", want: landlock,
			args:  func(*testing.T, *fixture) []string { return []string{node} },
			child: func(c *child) { c.noUserNS = forbidden }})
	}
	runAttackCasesAs(t, cred, cases)
}

// TestAttackScanBudgetProtected: the same budget attack against a protected
// path found by the scan, a nested repository's hooks two levels down: after
// the directories, the next command planted a hook there, which git runs
// when used in that repository. The memory keeps it read-only.
func TestAttackScanBudgetProtected(t *testing.T) {
	requireSandbox(t)
	if _, err := exec.LookPath("git"); err != nil {
		sandboxtest.Skip(t, "git not on PATH")
	}
	base := t.TempDir()
	f := newFixture(t, base)
	nested := filepath.Join(f.root, "vendor2", "lib")
	if out, err := exec.Command("git", "init", "-q", nested).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	hooks := filepath.Join(nested, ".git", "hooks")
	home, cache := filepath.Join(base, "home"), filepath.Join(base, "cache")
	for _, d := range []string{home, cache} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	first := Profile{WritableRoots: []string{f.root}}
	ProtectCached(&first, protect.Default(), home, cache)
	if !slices.Contains(first.ReadOnly, hooks) {
		t.Fatalf("the first scan did not find %s: %v", hooks, first.ReadOnly)
	}
	for i := 0; i < 2*protect.ScanDirs; i++ {
		if err := os.Mkdir(filepath.Join(f.root, fmt.Sprintf("a%02d", i)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	plant := func(p Profile) outcome {
		return child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", "echo 'echo pwned' > " + filepath.Join(hooks, "pre-commit")}}.run(t)
	}
	var fresh Profile
	fresh.WritableRoots = []string{f.root}
	Protect(&fresh, protect.Default(), home)
	if slices.Contains(fresh.ReadOnly, hooks) {
		sandboxtest.Skipf(t, "the directories did not push %s out of the scan here", hooks)
	}
	if o := plant(fresh); !o.ok || !exists(filepath.Join(hooks, "pre-commit")) {
		t.Fatalf("without the memory the hook was not planted (%s): the test proves nothing\n%s", o, o.stderr)
	}
	os.Remove(filepath.Join(hooks, "pre-commit"))
	next := Profile{WritableRoots: []string{f.root}}
	ProtectCached(&next, protect.Default(), home, cache)
	plant(next)
	if exists(filepath.Join(hooks, "pre-commit")) {
		t.Fatal("the next command planted a hook in the nested repository the first scan found")
	}
}
