package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock is used through its raw syscalls on the calling thread only: go-landlock
// restricts every thread of the process through libpsx (about 1 ms), which an exec
// wrapper does not need, since execve keeps only the calling thread.

const (
	llRead = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR

	// llFileRights are the rights that apply to a file (not a directory).
	llFileRights = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
		unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_TRUNCATE | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV

	// llDevice is what a terminal or /dev/null needs.
	llDevice = unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV

	// llNoDevices are the rights never granted in a writable root: creating device
	// nodes, and ioctl on devices found there.
	llNoDevices = unix.LANDLOCK_ACCESS_FS_MAKE_CHAR | unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV

	// llNoShared are the rights withheld in a shared root (Profile.SharedRoots)
	// and in /dev/shm: making a symbolic link or a FIFO, which a program
	// outside the sandbox would follow or block on, and moving or linking a
	// file there from another directory (REFER): Landlock checks MAKE_SYM
	// where a link is made only, so a directory holding one, made in a root
	// (a project in /tmp), was moved in whole at a name a program outside
	// writes into. Without REFER a move between directories fails with
	// EXDEV, which mv, cp and the toolchains meet on every tmpfs /tmp and
	// answer with a copy; a rename within one directory (the atomic
	// replace) needs no right.
	llNoShared = unix.LANDLOCK_ACCESS_FS_MAKE_SYM | unix.LANDLOCK_ACCESS_FS_MAKE_FIFO | unix.LANDLOCK_ACCESS_FS_REFER
)

// landlockABI returns the kernel's Landlock ABI version, 0 when Landlock is absent
// (ENOSYS) or disabled at boot (EOPNOTSUPP).
func landlockABI() (int, error) {
	r, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// landlockHandledFS is every file system right the ABI knows, except
// RESOLVE_UNIX (ABI 9), which pathname Unix sockets are left to seccomp for.
func landlockHandledFS(abi int) uint64 {
	h := uint64(unix.LANDLOCK_ACCESS_FS_MAKE_SYM<<1 - 1) // ABI 1: EXECUTE through MAKE_SYM
	if abi >= 2 {
		h |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		h |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		h |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	return h
}

// landlockDevices are the devices a terminal program writes to. Their rules carry
// only file rights, which are valid on a directory (/dev/pts) too; reading and
// listing are granted by the rule on /.
var landlockDevices = []string{"/dev/null", "/dev/tty", "/dev/ptmx", "/dev/pts"}

// landlockRestrict enforces the profile on the calling thread: read and execute
// everywhere but the holes (unreadable paths), everything but device nodes under the writable roots and /dev/shm,
// and writes to the terminal devices. no_new_privs must be set already (or the
// thread must hold CAP_SYS_ADMIN). The O_PATH descriptors it opens are added to
// *fds, for the caller to close (execve closes them: they are close-on-exec).
func landlockRestrict(abi int, p Profile, roots []root, holes []string, devices bool, fds *[]int) error {
	ruleset, _, err := landlockRuleset(abi, p, roots, holes, devices, fds)
	if err != nil {
		return err
	}
	if _, _, e := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0); e != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", e)
	}
	return nil
}

// landlockRuleset builds the ruleset landlockRestrict enforces, and returns it
// with the rights it grants on /dev/shm. With devices (root, unless
// p.FilesOnly), the device nodes of /dev are unreadable but those of
// deviceReadableNames.
func landlockRuleset(abi int, p Profile, roots []root, holes []string, devices bool, fds *[]int) (ruleset int, shm uint64, err error) {
	attr := unix.LandlockRulesetAttr{Handled_access_fs: landlockHandledFS(abi)}
	size := unsafe.Offsetof(attr.Handled_access_net) // ABI 1-3 know only the fs field
	if abi >= 4 {
		size = unsafe.Offsetof(attr.Scoped)
		if !p.AllowNetwork && !p.FilesOnly {
			attr.Handled_access_net = unix.LANDLOCK_ACCESS_NET_BIND_TCP | unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
		}
	}
	if abi >= 6 && !p.FilesOnly {
		size = unsafe.Offsetof(attr.Quiet_access_fs)
		attr.Scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
	}
	r, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if e != 0 {
		return -1, 0, fmt.Errorf("landlock_create_ruleset: %w", e)
	}
	ruleset = int(r)
	*fds = append(*fds, ruleset)
	handled := attr.Handled_access_fs
	write := handled &^ llNoDevices

	add := func(path string, fd int, access uint64) error {
		if access &= handled; access == 0 {
			return nil
		}
		pb := unix.LandlockPathBeneathAttr{Allowed_access: access, Parent_fd: int32(fd)}
		_, _, e := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH,
			uintptr(unsafe.Pointer(&pb)), 0, 0, 0)
		if e != 0 {
			return fmt.Errorf("landlock_add_rule %s: %w", path, e)
		}
		return nil
	}
	// open returns -1 for a path that does not exist.
	open := func(path string) (int, error) {
		fd, err := openRetry(path, unix.O_PATH|unix.O_CLOEXEC)
		if err != nil {
			if err == unix.ENOENT || err == unix.ENOTDIR {
				return -1, nil
			}
			return -1, fmt.Errorf("landlock_add_rule %s: open: %w", path, err)
		}
		*fds = append(*fds, fd)
		return fd, nil
	}

	fd, err := open("/")
	if err != nil {
		return -1, 0, err
	}
	if fd < 0 {
		return -1, 0, fmt.Errorf("landlock_add_rule /: %w", unix.ENOENT)
	}
	devices = devices && !p.FilesOnly
	if len(holes) == 0 && !devices {
		if err := add("/", fd, llRead); err != nil {
			return -1, 0, err
		}
	} else {
		// Read everywhere but the holes and, for root, the device nodes of
		// /dev (landlock_read_linux.go); listing everywhere. Files-only
		// judges writes alone: its reads stay free. An ordinary user cannot
		// open the disks and consoles (root:disk, root:tty, 0660): walking
		// / for them would cost every command about 0.1 ms.
		if err := add("/", fd, unix.LANDLOCK_ACCESS_FS_READ_DIR); err != nil {
			return -1, 0, err
		}
		t := newHoleTree(holes)
		if devices {
			t.withDevices()
		}
		var cl fdBatch
		_, err := addReadRules(add, fd, "/", t, llReadFile, &cl)
		cl.flush()
		if err != nil {
			return -1, 0, err
		}
		// The roots' rules must not give reading back below them.
		write &^= llReadFile
	}
	// Each root is opened for its rule only, and only the outermost ones (a root
	// inside another gets nothing more): with hundreds of roots, descriptors held
	// at once would grow the descriptor table, which in a multi-threaded process
	// waits for an RCU grace period each time (issue 13: 300 roots took 22x).
	// A root that is a file gets the rights that apply to files: the kernel
	// refuses the others with EINVAL, which saves a stat per directory.
	var cl fdBatch // closed a run at a time
	defer cl.flush()
	for _, r := range ruleRoots(roots) {
		access := write
		if r.shared {
			access &^= llNoShared
		}
		fd, err := openRoot(r.path)
		if rootGone(err) {
			continue // a root that does not exist, cannot be reached or is now a link: nothing to grant
		}
		if err != nil {
			return -1, 0, fmt.Errorf("landlock_add_rule %s: open: %w", r.path, err)
		}
		err = add(r.path, fd, access)
		if errors.Is(err, unix.EINVAL) {
			err = add(r.path, fd, access&llFileRights)
		}
		cl.close(fd)
		if err != nil {
			return -1, 0, err
		}
	}
	for _, dev := range landlockDevices {
		fd, err := open(dev)
		if err != nil {
			return -1, 0, err
		}
		if fd >= 0 {
			if err := add(dev, fd, llDevice); err != nil {
				return -1, 0, err
			}
		}
	}
	// POSIX shared memory and semaphores (python multiprocessing locks). With the
	// mount namespace this is a private tmpfs; without, the user's own /dev/shm.
	// Opened after the mounts, so that the rule is on the tmpfs.
	if fd, err := open("/dev/shm"); err != nil {
		return -1, 0, err
	} else if fd >= 0 {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			if err := add("/dev/shm", fd, write&^llNoShared); err != nil {
				return -1, 0, err
			}
		}
	}
	return ruleset, write, nil
}

// ruleRoots are the roots that get a Landlock rule of their own: the
// outermost ones, and a root that is not shared inside a shared one (a
// project in /tmp), which gets the rights its shared parent lacks. A shared
// root inside one that is not gets nothing more.
func ruleRoots(roots []root) []root {
	var full, shared []root
	for _, r := range roots {
		if r.shared {
			shared = append(shared, r)
		} else {
			full = append(full, r)
		}
	}
	out := outermost(full)
	for _, r := range outermost(shared) {
		if !slices.ContainsFunc(out, func(f root) bool { return !f.shared && within(r.path, f.path) }) {
			out = append(out, r)
		}
	}
	return out
}

// openRoot opens a root (an O_PATH descriptor) for its rule or its writable
// copy, following no symbolic link on the way. The roots are resolved paths
// (the gate's policy.ResolveRoots), and the list was resolved for what they
// were then: a link there now was put in since, by a program running beside
// guard (another command's, whose root holds this one, exchanging the
// project's directory with a link to the home in a loop). Followed, it made
// the home the root, writable with none of its protected names resolved.
// Where openat2 answers ENOSYS (a guard run inside an enclosing sandbox,
// whose filter refuses it), the path the descriptor has must be the one
// asked for.
func openRoot(path string) (int, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS}
	for {
		fd, err := unix.Openat2(unix.AT_FDCWD, path, &how)
		switch err {
		case unix.EINTR:
			continue
		case unix.ENOSYS:
			return openRootByName(path)
		}
		return fd, err
	}
}

// openRootByName is openRoot without openat2: the kernel's name for the
// descriptor differs from path when a link was followed on the way.
func openRootByName(path string) (int, error) {
	fd, err := openRetry(path, unix.O_PATH|unix.O_CLOEXEC)
	if err != nil {
		return fd, err
	}
	buf := make([]byte, len(path)+1)
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(fd), buf)
	if err != nil || string(buf[:n]) != path {
		unix.Close(fd)
		if err != nil {
			return -1, fmt.Errorf("readlink of %s's descriptor: %w", path, err)
		}
		return -1, unix.ELOOP
	}
	return fd, nil
}

// rootGone is what openRoot answers for a root that gets nothing: missing,
// out of the caller's reach, or a link now (ELOOP).
func rootGone(err error) bool {
	return err == unix.ENOENT || err == unix.ENOTDIR || err == unix.EACCES || err == unix.ELOOP
}

func openRetry(path string, flags int) (int, error) {
	for {
		fd, err := unix.Open(path, flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
