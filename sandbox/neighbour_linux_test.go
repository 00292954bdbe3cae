package sandbox

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"guard/sandbox/sandboxtest"
)

// Processes next door (issue 14, point 3): what a confined program could do to a
// process outside it without ptrace or signals. Each attack is tried unconfined
// first, where it must work, then confined, as root and as nobody.

func init() {
	for name, f := range map[string]func(a []string) error{
		"prlimit-other": func(a []string) error {
			lim := unix.Rlimit{Cur: 0, Max: 0}
			return unix.Prlimit(atoi(a[0]), unix.RLIMIT_CORE, &lim, nil)
		},
		"setpriority-other": func(a []string) error { return unix.Setpriority(unix.PRIO_PROCESS, atoi(a[0]), atoi(a[1])) },
		"setaffinity-other": func(a []string) error {
			var set unix.CPUSet
			set.Set(0)
			return unix.SchedSetaffinity(atoi(a[0]), &set)
		},
		"ioprio-other": func(a []string) error {
			const idle = 3 << 13 // IOPRIO_CLASS_IDLE
			_, _, e := unix.Syscall(unix.SYS_IOPRIO_SET, 1, uintptr(atoi(a[0])), idle)
			return errnoOrNil(e)
		},
		"shm-write": func(a []string) error {
			id, err := unix.SysvShmGet(atoi(a[0]), 0, 0)
			if err != nil {
				return fmt.Errorf("shmget: %w", err)
			}
			b, err := unix.SysvShmAttach(id, 0, 0)
			if err != nil {
				return fmt.Errorf("shmat: %w", err)
			}
			b[0] = 'G'
			return unix.SysvShmDetach(b)
		},
		"msg-send": func(a []string) error {
			id, _, e := unix.Syscall(unix.SYS_MSGGET, uintptr(atoi(a[0])), 0, 0)
			if e != 0 {
				return fmt.Errorf("msgget: %w", e)
			}
			msg := struct {
				mtype int64
				text  [8]byte
			}{mtype: 1, text: [8]byte{'g', 'u', 'a', 'r', 'd'}}
			_, _, e = unix.Syscall6(unix.SYS_MSGSND, id, uintptr(unsafe.Pointer(&msg)), 8, unix.IPC_NOWAIT, 0, 0)
			return errnoOrNil(e)
		},
		"sem-op": func(a []string) error {
			id, _, e := unix.Syscall(unix.SYS_SEMGET, uintptr(atoi(a[0])), 0, 0)
			if e != 0 {
				return fmt.Errorf("semget: %w", e)
			}
			op := struct{ num, op, flg int16 }{0, 1, unix.IPC_NOWAIT}
			_, _, e = unix.Syscall(unix.SYS_SEMOP, id, uintptr(unsafe.Pointer(&op)), 1)
			return errnoOrNil(e)
		},
		"dgram-socketpair-sendto": func(a []string) error {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("socketpair: %w", err)
			}
			defer unix.Close(fds[0])
			defer unix.Close(fds[1])
			return unix.Sendto(fds[0], []byte("guard"), 0, &unix.SockaddrUnix{Name: a[0]})
		},
		"raw-socketpair-sendmsg": func(a []string) error {
			// SOCK_RAW makes a datagram pair for AF_UNIX.
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("socketpair: %w", err)
			}
			defer unix.Close(fds[0])
			defer unix.Close(fds[1])
			return unix.Sendmsg(fds[0], []byte("guard"), nil, &unix.SockaddrUnix{Name: a[0]}, 0)
		},
		"chmod-setuid": func(a []string) error { return unix.Chmod(a[0], 0o4755) },
		"fchmod-setgid": func(a []string) error {
			fd, err := unix.Open(a[0], unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			return unix.Fchmod(fd, 0o2755)
		},
		"fchmodat2-setuid": func(a []string) error {
			p, err := unix.BytePtrFromString(a[0])
			if err != nil {
				return err
			}
			_, _, e := unix.Syscall6(452, atFDCWD, uintptr(unsafe.Pointer(p)), 0o4755, 0, 0, 0)
			return errnoOrNil(e)
		},
		"create-setuid": func(a []string) error {
			fd, err := unix.Open(a[0], unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o4755)
			if err == nil {
				unix.Close(fd)
			}
			return err
		},
		"pts-read": func(a []string) error {
			fd, err := unix.Open(a[0], unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			b := make([]byte, 64)
			n, err := unix.Read(fd, b)
			if err != nil {
				return err
			}
			if !strings.Contains(string(b[:n]), "typed") {
				return fmt.Errorf("read %q: %w", b[:n], unix.ENODATA)
			}
			return nil
		},
		"pts-winsize": func(a []string) error {
			fd, err := unix.Open(a[0], unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 7, Col: 7})
		},
		"setcap": func(a []string) error {
			// struct vfs_cap_data, revision 2: CAP_SETUID permitted and effective.
			xattr := make([]byte, 20)
			binary.LittleEndian.PutUint32(xattr[0:], 0x02000000|1)
			binary.LittleEndian.PutUint32(xattr[4:], 1<<unix.CAP_SETUID)
			return unix.Setxattr(a[0], "security.capability", xattr, 0)
		},
		"lease": func(a []string) error {
			fd, err := unix.Open(a[0], unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			_, err = unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK)
			return err
		},
	} {
		attacks[name] = f
	}
}

func TestAttackNeighbours(t *testing.T) {
	t.Run("root", func(t *testing.T) {
		requireRoot(t, "the root run of the neighbour attacks")
		runAttackCasesAs(t, nil, neighbourAttacks(t, nil))
	})
	t.Run("nobody", func(t *testing.T) {
		requireRoot(t, "switching to an ordinary user needs root (run as one, the root case is this test)")
		cred := &syscall.Credential{Uid: 65534, Gid: 65534}
		runAttackCasesAs(t, cred, neighbourAttacks(t, cred))
	})
}

var ipcKey atomic.Int32

func neighbourAttacks(t *testing.T, cred *syscall.Credential) []attackCase {
	// victim is a process outside the sandbox, of the attacker's user.
	var pid, prio int
	victim := func(t *testing.T, _ *fixture) []string {
		v := exec.Command("sleep", "300")
		v.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if err := v.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { v.Process.Kill(); v.Wait() })
		pid = v.Process.Pid
		// Its niceness as it started: the test's own (`nice go test` runs
		// it at 10, not 0).
		prio, _ = unix.Getpriority(unix.PRIO_PROCESS, pid)
		return []string{strconv.Itoa(pid)}
	}
	limits := func() string { return readString(fmt.Sprintf("/proc/%d/limits", pid)) }
	var before string
	victimLimits := func(t *testing.T, f *fixture) []string {
		a := victim(t, f)
		before = limits()
		return a
	}
	// victimNicer adds the niceness to give the victim: one more than its
	// own, which any process of the user may set.
	victimNicer := func(t *testing.T, f *fixture) []string {
		a := victim(t, f)
		nice := 20 - prio
		if nice >= 19 {
			t.Skip("the test runs at niceness 19: the victim's cannot be raised")
		}
		return append(a, strconv.Itoa(nice+1))
	}
	priority := func(*fixture) bool {
		p, err := unix.Getpriority(unix.PRIO_PROCESS, pid)
		return err == nil && p != prio // the kernel's 20 - nice
	}
	affinity := func(*fixture) bool {
		var set unix.CPUSet
		return unix.SchedGetaffinity(pid, &set) == nil && set.Count() == 1
	}
	ioprio := func(*fixture) bool {
		r, _, e := unix.Syscall(unix.SYS_IOPRIO_GET, 1, uintptr(pid), 0)
		return e == 0 && r>>13 == 3
	}

	// System V objects made outside, open to everyone (mode 0666), as a
	// postgres or an X server would make them for its clients.
	var shmID int
	shm := func(t *testing.T, _ *fixture) []string {
		key := ipcNewKey()
		id, err := unix.SysvShmGet(key, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o666)
		if err != nil {
			sandboxtest.Skipf(t, "shmget: %v", err)
		}
		t.Cleanup(func() { unix.SysvShmCtl(id, unix.IPC_RMID, nil) })
		shmID = id
		return []string{strconv.Itoa(key)}
	}
	shmWritten := func(*fixture) bool {
		b, err := unix.SysvShmAttach(shmID, 0, 0)
		if err != nil {
			return false
		}
		defer unix.SysvShmDetach(b)
		return b[0] == 'G'
	}
	var msgID uintptr
	msg := func(t *testing.T, _ *fixture) []string {
		key := ipcNewKey()
		id, _, e := unix.Syscall(unix.SYS_MSGGET, uintptr(key), unix.IPC_CREAT|unix.IPC_EXCL|0o666, 0)
		if e != 0 {
			sandboxtest.Skipf(t, "msgget: %v", e)
		}
		t.Cleanup(func() { unix.Syscall(unix.SYS_MSGCTL, id, unix.IPC_RMID, 0) })
		msgID = id
		return []string{strconv.Itoa(key)}
	}
	msgSent := func(*fixture) bool {
		var buf [16]byte
		n, _, e := unix.Syscall6(unix.SYS_MSGRCV, msgID, uintptr(unsafe.Pointer(&buf[0])), 8, 0, unix.IPC_NOWAIT, 0)
		return e == 0 && n > 0
	}
	var semID uintptr
	sem := func(t *testing.T, _ *fixture) []string {
		key := ipcNewKey()
		id, _, e := unix.Syscall(unix.SYS_SEMGET, uintptr(key), 1, unix.IPC_CREAT|unix.IPC_EXCL|0o666)
		if e != 0 {
			sandboxtest.Skipf(t, "semget: %v", e)
		}
		t.Cleanup(func() { unix.Syscall(unix.SYS_SEMCTL, id, 0, unix.IPC_RMID) })
		semID = id
		return []string{strconv.Itoa(key)}
	}
	semChanged := func(*fixture) bool {
		const getval = 12
		v, _, e := unix.Syscall(unix.SYS_SEMCTL, semID, 0, getval)
		return e == 0 && v > 0
	}

	// A pathname datagram socket outside (syslog's /dev/log is one), open to all.
	var dgram *net.UnixConn
	listener := func(t *testing.T, _ *fixture) []string {
		dir, err := os.MkdirTemp("", "guard-dgram-")
		if err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, 0o755)
		t.Cleanup(func() { os.RemoveAll(dir) })
		path := filepath.Join(dir, "log")
		c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, 0o777)
		t.Cleanup(func() { c.Close() })
		dgram = c
		return []string{path}
	}
	received := func(*fixture) bool { return drain(dgram, 300*time.Millisecond) == "guard" }

	// A shell copied into the root, to be made set-user-ID.
	var planted string
	shell := func(t *testing.T, f *fixture) []string {
		planted = filepath.Join(f.root, "sh")
		b, err := os.ReadFile("/bin/sh")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(planted, b, 0o755); err != nil {
			t.Fatal(err)
		}
		if cred != nil {
			os.Chown(planted, int(cred.Uid), int(cred.Gid))
		}
		return []string{planted}
	}
	newShell := func(t *testing.T, f *fixture) []string {
		planted = filepath.Join(f.root, "sh")
		return []string{planted}
	}
	setID := func(*fixture) bool {
		var st unix.Stat_t
		return unix.Stat(planted, &st) == nil && st.Mode&(unix.S_ISUID|unix.S_ISGID) != 0
	}
	// A set-user-ID program outside, of the attacker's user, for cp -p to copy in.
	setuidSource := func(t *testing.T, f *fixture) []string {
		src := filepath.Join(f.outside, "suid")
		b, err := os.ReadFile("/bin/true")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(src, b, 0o755); err != nil {
			t.Fatal(err)
		}
		if cred != nil {
			os.Chown(src, int(cred.Uid), int(cred.Gid))
		}
		if err := unix.Chmod(src, 0o4755); err != nil { // os.Chmod would drop the bit
			t.Fatal(err)
		}
		planted = filepath.Join(f.root, "copy")
		return tool("cp", "-p", src, planted)(t, f)
	}
	install := func(t *testing.T, f *fixture) []string {
		planted = filepath.Join(f.root, "installed")
		return tool("install", "-m", "4755", "/bin/true", planted)(t, f)
	}

	// Another terminal, outside: what its user types waits in its input queue.
	var master *os.File
	terminal := func(t *testing.T, _ *fixture) []string {
		m, slave, err := openPTY()
		if err != nil {
			sandboxtest.Skipf(t, "no pseudo-terminal: %v", err)
		}
		t.Cleanup(func() { m.Close(); slave.Close() })
		if _, err := m.Write([]byte("typed secret\n")); err != nil {
			t.Fatal(err)
		}
		master = m
		return []string{slave.Name()}
	}
	resized := func(*fixture) bool {
		ws, err := unix.IoctlGetWinsize(int(master.Fd()), unix.TIOCGWINSZ)
		return err == nil && ws.Row == 7
	}
	file := func(_ *testing.T, f *fixture) []string { return []string{f.file} }
	allowNet := func(p *Profile) { p.AllowNetwork = true }
	noIPC := []unix.Errno{unix.EPERM, unix.ENOENT} // refused, or not in this IPC namespace
	cases := []attackCase{
		{name: "prlimit64 on an outside process", attack: "prlimit-other", args: victimLimits,
			effect: func(*fixture) bool { return limits() != before }, want: eperm},
		{name: "setpriority on an outside process", attack: "setpriority-other", args: victimNicer, effect: priority, want: eperm},
		{name: "sched_setaffinity on an outside process", attack: "setaffinity-other", args: victim, effect: affinity, want: eperm},
		{name: "ioprio_set on an outside process", attack: "ioprio-other", args: victim, effect: ioprio, want: eperm},
		{name: "System V shared memory", attack: "shm-write", args: shm, effect: shmWritten, want: noIPC},
		{name: "System V message queue", attack: "msg-send", args: msg, effect: msgSent, want: noIPC},
		{name: "System V semaphore", attack: "sem-op", args: sem, effect: semChanged, want: noIPC},
		{name: "datagram socketpair, sendto a socket outside", attack: "dgram-socketpair-sendto", args: listener, effect: received, want: eperm},
		{name: "raw socketpair, sendmsg to a socket outside", attack: "raw-socketpair-sendmsg", args: listener, effect: received, want: eperm},
		{name: "chmod 4755 on a shell in the root", attack: "chmod-setuid", args: shell, effect: setID, want: eperm},
		{name: "fchmod 2755 on a shell in the root", attack: "fchmod-setgid", args: shell, effect: setID, want: eperm},
		{name: "fchmodat2 4755 on a shell in the root", attack: "fchmodat2-setuid", args: shell, effect: setID, want: eperm},
		{name: "create a file with mode 4755 in the root", attack: "create-setuid", args: newShell, effect: setID, want: eperm},
		{name: "install -m 4755 into the root", attack: "run", args: install, effect: setID},
		{name: "cp -p of a set-user-ID program into the root", attack: "run", args: setuidSource, effect: setID},
		{name: "read another terminal's input", attack: "pts-read", args: terminal, want: []unix.Errno{unix.ENOENT},
			root: "an ordinary user's own terminals stay readable: a deliberate limit (doc.go); root gets a devpts of its own"},
		{name: "TIOCSWINSZ on another terminal", attack: "pts-winsize", args: terminal, effect: resized, want: []unix.Errno{unix.ENOENT},
			root: "an ordinary user's own terminals stay reachable: a deliberate limit (doc.go); root gets a devpts of its own"},
		{name: "a file capability on a shell in the root", attack: "setcap", args: shell, root: "needs CAP_SETFCAP",
			effect: func(*fixture) bool {
				_, err := unix.Getxattr(planted, "security.capability", make([]byte, 64))
				return err == nil
			}, want: eperm},
		{name: "F_SETLEASE on a file outside", attack: "lease", args: file, want: eperm},
		{name: "packet socket with the network allowed", attack: "packet-socket", root: "packet sockets need CAP_NET_RAW",
			profile: allowNet, want: eperm},
		{name: "raw IPv4 socket with the network allowed", attack: "raw-socket", root: "raw sockets need CAP_NET_RAW",
			profile: allowNet, want: eperm},
	}
	if cred != nil {
		// What needs root's capabilities outside proves nothing for another user.
		var kept []attackCase
		for _, c := range cases {
			if c.root == "" {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	return cases
}

func ipcNewKey() int { return os.Getpid()<<8 | int(ipcKey.Add(1)&0xff) }

// TestPtyInside: a program that makes pseudo-terminals (script, here) works
// inside, with the private devpts as root.
func TestPtyInside(t *testing.T) {
	requireSandbox(t)
	script, err := exec.LookPath("script")
	if err != nil {
		sandboxtest.Skip(t, "script (util-linux) not on PATH")
	}
	argv := []string{"script", "-qec", "tty && stty size && echo pty-ok", "/dev/null"}
	o := child{profile: &Profile{WritableRoots: []string{t.TempDir()}}, path: script, argv: argv}.run(t)
	if !o.ok || !strings.Contains(o.stdout, "/dev/pts/") || !strings.Contains(o.stdout, "pty-ok") {
		t.Errorf("script inside the sandbox: %s\nstdout: %s\nstderr: %s", o, o.stdout, o.stderr)
	}
}

// TestSetsidGrandchild: a grandchild that leaves the session either ends
// with the command (root's subreaper, the ordinary user's PID namespace:
// TestLeftoverEnds) or, where guard execs in place (auto-edit's files-only
// commands as root), outlives it still confined: what it writes later
// outside the roots is refused.
func TestSetsidGrandchild(t *testing.T) {
	requireSandbox(t)
	for _, filesOnly := range []bool{false, true} {
		f := newFixture(t, t.TempDir())
		done := filepath.Join(f.root, "done")
		mark := "guard-grandchild-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatBool(filesOnly)
		script := fmt.Sprintf(`setsid bash -c 'exec -a %s sh -c "sleep 0.3; echo pwned > %s; echo \$? > %s"' </dev/null >/dev/null 2>&1 &`, mark, f.file, done)
		p := &Profile{WritableRoots: []string{f.root}, FilesOnly: filesOnly}
		o := child{profile: p, path: "/bin/sh", argv: []string{"sh", "-c", script}}.run(t)
		if !o.ok {
			t.Fatalf("sh: %s\n%s", o, o.stderr)
		}
		// Until the grandchild is gone: it writes the status after the
		// file, and the shell makes the status file before it writes.
		deadline := time.Now().Add(10 * time.Second)
		for len(findByArgv0(mark)) > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if got := strings.TrimSpace(readString(done)); got == "0" {
			t.Errorf("files-only=%v: the grandchild's write outside: status %q, want a failure (or no grandchild left)", filesOnly, got)
		}
		if readString(f.file) != original {
			t.Errorf("files-only=%v: the grandchild changed the file outside the roots", filesOnly)
		}
	}
}

// TestLimitUnprivilegedTerminals documents a limit (doc.go): where user
// namespaces are forbidden, an ordinary user's own other terminal stays
// readable inside, where root's is not there at all (with them, the child's
// devpts hides it: TestAttackTerminalsUnprivileged).
func TestLimitUnprivilegedTerminals(t *testing.T) {
	requireSandbox(t)
	requireRoot(t, "switching to an ordinary user needs root")
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	chownFixture(t, f, cred)
	m, slave, err := openPTY()
	if err != nil {
		sandboxtest.Skipf(t, "no pseudo-terminal: %v", err)
	}
	defer m.Close()
	defer slave.Close()
	if err := os.Chown(slave.Name(), int(cred.Uid), int(cred.Gid)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Write([]byte("typed secret\n")); err != nil {
		t.Fatal(err)
	}
	o := child{attack: &attackSpec{Name: "pts-read", Args: []string{slave.Name()}}, profile: &Profile{WritableRoots: []string{f.root}},
		exe: exe, cred: cred, noUserNS: true}.run(t)
	if !o.ok {
		t.Fatalf("reading the user's own other terminal: %s; the limit in doc.go is gone: update it", o)
	}
	t.Log("documented limit: an ordinary user's own other terminals stay readable")
}
