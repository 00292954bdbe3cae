package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An ordinary user has no CAP_SYS_ADMIN for the read-only binds over the
// protected paths and secrets, and a Go process, always multi-threaded, cannot
// unshare(CLONE_NEWUSER) to get one. So when there are protected paths or
// secrets inside the roots, Exec makes a child (vfork-style on amd64) in a new user namespace
// (mapping the user to itself) and mount namespace (rawchild_linux.go); the
// child makes the mounts as root does, drops every capability, confines itself
// as usual and execs the program. guard stays as the parent: it forwards
// SIGTERM, SIGHUP, SIGINT and SIGQUIT, and exits as the program did. In
// full-auto the child is also the first process of a PID namespace of its
// own, with that namespace's procfs over /proc (doc.go).

// errNoUserNS wraps the failure to make a user namespace.
var errNoUserNS = errors.New("unprivileged user namespaces are not allowed")

func signalNotify(ch chan os.Signal) {
	signal.Notify(ch, unix.SIGTERM, unix.SIGHUP, unix.SIGINT, unix.SIGQUIT)
}

func signalStop(ch chan os.Signal) { signal.Stop(ch) }

// waitAndExit waits for the child pid, forwarding the signals that arrive on
// sigs, and exits as it did: its status, or its signal raised again here.
//
// With init, the child is the first process of its PID namespace, which the
// kernel spares every signal it does not handle (SIGKILL and SIGSTOP from
// outside aside). A forwarded signal the program ignores is dropped, as it
// would be; one it handles is sent; one it takes the default action of
// (terminate) becomes SIGKILL, and guard reports the program as killed by
// the signal it was sent.
//
// Before it exits, the processes the program left are ended (without init:
// guard is their subreaper, leftovers_linux.go), and the protected paths the
// command made are moved aside (made, newnames_linux.go) and the owner's
// permissions it took from the directories the agent enters are given back
// (kept, hookdirs_linux.go, which ends the program as soon as it takes them
// from the project; modes, modes_linux.go); a status of 0 then becomes 126.
func waitAndExit(pid int, sigs chan os.Signal, init bool, made *newNames, kept *keptDirs, modes []keptMode) error {
	var sent atomic.Int32 // the signal a SIGKILL stands for
	// Forwarding stops once the program is reaped: its pid may then be
	// another process's (guard goes on to end leftovers). waitid with
	// WNOWAIT sees the exit and leaves the zombie, and its pid, until
	// reaped is set.
	var mu sync.Mutex
	reaped := false
	// A command that takes its user's rights on the project away is ended
	// (hookdirs_linux.go).
	kept.watch(os.Stderr, func() {
		mu.Lock()
		if !reaped {
			unix.Kill(pid, unix.SIGKILL)
		}
		mu.Unlock()
	})
	go func() {
		for s := range sigs {
			// SIGINT and SIGQUIT from a terminal reach the child too: forwarding
			// them once more is harmless.
			sig := s.(syscall.Signal)
			if init {
				caught, ignored := sigDisposition(pid, sig)
				if ignored {
					continue
				}
				if !caught {
					sent.CompareAndSwap(0, int32(sig))
					sig = unix.SIGKILL
				}
			}
			mu.Lock()
			if !reaped {
				unix.Kill(pid, sig)
			}
			mu.Unlock()
		}
	}()
	var ws syscall.WaitStatus
	var err error
	for {
		err = unix.Waitid(unix.P_PID, pid, nil, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			break
		}
	}
	mu.Lock()
	reaped = true
	mu.Unlock()
	if err == nil {
		for {
			_, err = syscall.Wait4(pid, &ws, 0, nil)
			if err != unix.EINTR {
				break
			}
		}
	}
	ended := init || endLeftovers() // the PID namespace's end, by hand (leftovers_linux.go)
	if !ended {
		fmt.Fprintln(os.Stderr, "guard: the command left processes that kept forking faster than guard could end them: they run on, confined")
	}
	// Each said, any one makes a status of 0 into 126: the project's
	// directories first, then the rest of the ways in.
	kept.restore(os.Stderr)
	moved := made.moveAside(os.Stderr)
	moved += restoreModes(os.Stderr, modes)
	if err == nil && (moved > 0 || !ended || kept.restored() > 0) && !ws.Signaled() && ws.ExitStatus() == 0 {
		os.Exit(126)
	}
	if err == nil && !ws.Signaled() {
		// Straight out: stopping the forwarding first waits for the
		// signal goroutine, a round of thread wake-ups for nothing.
		os.Exit(ws.ExitStatus())
	}
	signal.Stop(sigs)
	if err != nil {
		return fmt.Errorf("waiting for the sandbox's child: %w", err)
	}
	sig := ws.Signal()
	if s := syscall.Signal(sent.Load()); sig == unix.SIGKILL && s != 0 {
		sig = s
	}
	signal.Reset(sig)
	// The runtime keeps a handler of its own for SIGSEGV, SIGBUS, SIGFPE,
	// SIGILL, SIGTRAP... past Reset: raised here it printed a traceback and
	// exited 2 (a program killed by SIGSEGV reported as status 2). The
	// kernel's default action, unblocked, without a core of guard's own.
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	var dfl [4]uintptr // struct kernel_sigaction: SIG_DFL
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl[0])), 0, 8, 0, 0)
	set := uint64(1) << (uint(sig) - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	// To this thread (the caller's, locked): taken before the call returns.
	// To the process, another thread could take it while this one exits
	// with a status instead.
	unix.Tgkill(os.Getpid(), unix.Gettid(), sig)
	os.Exit(128 + int(sig))
	return nil
}

// sigDisposition reports whether process pid catches or ignores sig
// (SigCgt and SigIgn of its /proc status). An unreadable status is the
// default action.
func sigDisposition(pid int, sig syscall.Signal) (caught, ignored bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil || sig < 1 || sig > 64 {
		return false, false
	}
	bit := uint64(1) << (uint(sig) - 1)
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":\t")
		if !ok || k != "SigCgt" && k != "SigIgn" {
			continue
		}
		if m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && m&bit != 0 {
			if k == "SigCgt" {
				caught = true
			} else {
				ignored = true
			}
		}
	}
	return caught, ignored
}

// userNSHint names the setting that forbids unprivileged user namespaces here,
// and how to allow them.
func userNSHint() string {
	read := func(p string) string {
		b, _ := os.ReadFile(p)
		return strings.TrimSpace(string(b))
	}
	switch {
	case read("/proc/sys/user/max_user_namespaces") == "0":
		return "sysctl user.max_user_namespaces=0 forbids them (set it above 0 to allow)"
	case read("/proc/sys/kernel/unprivileged_userns_clone") == "0":
		return "sysctl kernel.unprivileged_userns_clone=0 forbids them (set it to 1 to allow)"
	case read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
		return "AppArmor restricts them (sysctl kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for guard with the userns permission)"
	}
	return "the kernel or a security module refused them"
}

// userNSForbidden makes userNSAllowed say no, as user.max_user_namespaces=0
// would (for the tests, which cannot always change the setting).
var userNSForbidden bool

// userNSAllowed reports, without trying, whether the settings allow an
// ordinary user to make a user namespace, and if not which one forbids it.
func userNSAllowed() (bool, string) {
	if userNSForbidden {
		return false, "user namespaces forbidden (the tests' setting)"
	}
	if readSysctl("/proc/sys/user/max_user_namespaces") == "0" || readSysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0" ||
		readSysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" {
		return false, userNSHint()
	}
	return true, ""
}

// readSysctl returns the start of a /proc/sys file, trimmed ("" when it
// cannot be read), with plain system calls: os.ReadFile would also stat the
// file and register the descriptor with the poller, on every ordinary
// user's start.
func readSysctl(p string) string {
	var buf [32]byte
	return strings.TrimSpace(readKernelFile(p, buf[:]))
}

// readKernelFile returns what one read of a file of the kernel's (procfs,
// cgroupfs) gives into buf, "" when it cannot be read.
func readKernelFile(p string, buf []byte) string {
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer unix.Close(fd)
	n, err := unix.Read(fd, buf)
	if err != nil || n <= 0 {
		return ""
	}
	return string(buf[:n])
}
