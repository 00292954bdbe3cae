package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// An ordinary user has no CAP_SYS_ADMIN for the read-only binds over the
// protected paths, and a Go process, always multi-threaded, cannot
// unshare(CLONE_NEWUSER) to get one. So when there are protected paths inside
// the roots, Exec starts a child of its own executable in a new user namespace
// (mapping the user to itself) and mount namespace, with CAP_SYS_ADMIN as an
// ambient capability; the child makes the mounts as root does, drops every
// capability, confines itself as usual and execs the program. guard stays as
// the parent: it forwards SIGTERM, SIGHUP, SIGINT and SIGQUIT, and exits as the
// program did. Inside, the fresh /proc cannot be mounted (the user namespace
// does not own the PID namespace): other processes' command lines stay
// readable, a documented limit.
//
// The child finds its orders (profile, program, arguments) on a Unix socket
// whose descriptor the environment variable usernsEnv names (a high number, so
// that inherited descriptors such as make's jobserver keep theirs). It obeys
// them only when the socket's peer, as the kernel recorded it (SO_PEERCRED),
// is its parent: a shell that sets the variable and redirects a file cannot
// make guard run a program unjudged.

const usernsEnv = "GUARD_SANDBOX_USERNS_FD"

// usernsSpec is what the parent hands its child.
type usernsSpec struct {
	Profile Profile
	Path    string
	Argv    []string
}

func init() {
	fd, ok := os.LookupEnv(usernsEnv)
	if !ok {
		return
	}
	os.Unsetenv(usernsEnv)
	os.Exit(usernsChild(fd))
}

// usernsChild is the child's part: confine and exec. It returns the exit code
// when it cannot.
func usernsChild(fdText string) int {
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "guard: sandbox: "+format+"\n", args...)
		return code
	}
	fd, err := strconv.Atoi(fdText)
	if err != nil || fd < 3 {
		return fail(125, "%s=%q: not a descriptor", usernsEnv, fdText)
	}
	f := os.NewFile(uintptr(fd), "spec")
	defer f.Close()
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil || int(cred.Pid) != os.Getppid() {
		return fail(125, "%s set, but its socket does not come from the parent: refused", usernsEnv)
	}
	b, err := io.ReadAll(io.LimitReader(f, 16<<20))
	f.Close()
	var spec usernsSpec
	if err == nil {
		err = json.Unmarshal(b, &spec)
	}
	if err != nil {
		return fail(125, "reading the profile: %v", err)
	}
	err = Exec(spec.Profile, spec.Path, spec.Argv, os.Environ(), os.Stderr)
	var ee *ExecError
	if errors.As(err, &ee) {
		switch {
		case errors.Is(ee.Err, unix.ENOENT):
			return fail(127, "%v", err)
		case errors.Is(ee.Err, unix.EACCES), errors.Is(ee.Err, unix.ENOEXEC), errors.Is(ee.Err, unix.EPERM):
			return fail(126, "%v", err)
		}
	}
	return fail(125, "full-auto refuses to run it unconfined: %v", err)
}

// errNoUserNS wraps the failure to make a user namespace.
var errNoUserNS = errors.New("unprivileged user namespaces are not allowed")

// runInUserNS runs the program confined in a child in a new user and mount
// namespace and exits as it did. It returns only when the child could not be
// started (wrapping errNoUserNS when the kernel refused the namespace).
func runInUserNS(p Profile, path string, argv, env []string) error {
	b, err := json.Marshal(usernsSpec{Profile: p, Path: path, Argv: argv})
	if err != nil {
		return err
	}
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socketpair: %w", err)
	}
	// The child's end, inherited (not close-on-exec) at a high number.
	childFD, err := unix.FcntlInt(uintptr(sp[1]), unix.F_DUPFD, 200)
	unix.Close(sp[1])
	if err != nil {
		unix.Close(sp[0])
		return fmt.Errorf("fcntl(F_DUPFD): %w", err)
	}
	out := os.NewFile(uintptr(sp[0]), "spec")
	go func() { out.Write(b); out.Close() }()

	uid, gid := os.Getuid(), os.Getgid()
	// syscall.ForkExec, not os/exec: no pidfd probe (a throwaway fork), no
	// goroutines; descriptors not close-on-exec stay inherited as they are.
	attr := &syscall.ProcAttr{
		Env:   append(env[:len(env):len(env)], usernsEnv+"="+strconv.Itoa(childFD)),
		Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{
			Cloneflags:                 unix.CLONE_NEWUSER | unix.CLONE_NEWNS,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}},
			GidMappingsEnableSetgroups: false,
			AmbientCaps:                []uintptr{unix.CAP_SYS_ADMIN},
		},
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGHUP, unix.SIGINT, unix.SIGQUIT)
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"guard-sandbox"}, attr)
	unix.Close(childFD)
	if err != nil {
		out.Close()
		signal.Stop(sigs)
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EACCES) {
			return fmt.Errorf("%w (%v): %s", errNoUserNS, err, userNSHint())
		}
		return fmt.Errorf("starting the sandbox's child: %w", err)
	}
	go func() {
		for s := range sigs {
			// SIGINT and SIGQUIT from a terminal reach the child too: forwarding
			// them once more is harmless.
			unix.Kill(pid, s.(syscall.Signal))
		}
	}()
	var ws syscall.WaitStatus
	for {
		_, err = syscall.Wait4(pid, &ws, 0, nil)
		if err != unix.EINTR {
			break
		}
	}
	signal.Stop(sigs)
	if err != nil {
		return fmt.Errorf("waiting for the sandbox's child: %w", err)
	}
	if ws.Signaled() {
		signal.Reset(ws.Signal())
		unix.Kill(os.Getpid(), ws.Signal())
		os.Exit(128 + int(ws.Signal()))
	}
	os.Exit(ws.ExitStatus())
	return nil
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

// userNSAllowed reports, without trying, whether the settings allow an
// ordinary user to make a user namespace, and if not which one forbids it.
func userNSAllowed() (bool, string) {
	read := func(p string) string {
		b, _ := os.ReadFile(p)
		return strings.TrimSpace(string(b))
	}
	if read("/proc/sys/user/max_user_namespaces") == "0" || read("/proc/sys/kernel/unprivileged_userns_clone") == "0" ||
		read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" {
		return false, userNSHint()
	}
	return true, ""
}
