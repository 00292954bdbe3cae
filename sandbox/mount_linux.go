package sandbox

import (
	"fmt"
	"slices"

	"golang.org/x/sys/unix"
)

// Landlock does not check chmod, chown, utime or xattr changes, and root can make
// them on any file. With CAP_SYS_ADMIN the calling thread gets a mount namespace of
// its own in which every mount is read-only except copies of the writable roots:
// the kernel then refuses those changes outside the roots with EROFS. seccomp
// afterwards denies every mount-changing syscall, and Landlock denies mounting to
// a restricted thread anyway, so the program cannot undo it.
//
// unshare(CLONE_NEWNS) is allowed in a multi-threaded process (it unshares the
// thread's fs_struct with it), unlike CLONE_NEWUSER: an unprivileged Go program
// cannot get here, which is why non-root users keep this gap (see doc.go).

// readOnlyMounts makes the thread's view of the file system read-only except for
// tops (the outermost roots, outermost's result), gives it a private /dev/shm, and re-enters the working directory cwd so
// that it lies on the writable copy when it is inside a root. An error is
// recoverable when nothing was made read-only yet.
func readOnlyMounts(tops []root, pins, readOnly, checkouts []string, links map[string]bool, ids map[string]fileID, emptied, emptiedDirs, private []string, cwd string, proc, dev bool) (recoverable bool, err error) {
	// An IPC namespace with it: System V IPC objects and POSIX message queues of
	// processes outside are out of reach, and the program's own keep working
	// (without one, seccomp refuses those calls: sysvIPCSyscalls).
	flags, names := unix.CLONE_NEWNS|unix.CLONE_NEWIPC, "CLONE_NEWNS|CLONE_NEWIPC"
	if len(tops) > privateFDsAbove {
		// Two descriptors per copy are held below: past the first 64 the descriptor
		// table grows, and while the process's threads share it each growth waits
		// for an RCU grace period (milliseconds). The thread's own table grows
		// without waiting; execve would unshare it anyway.
		flags, names = flags|unix.CLONE_FILES, names+"|CLONE_FILES"
	}
	if err := unix.Unshare(flags); err != nil {
		return true, fmt.Errorf("unshare(%s): %w", names, err)
	}
	// Nothing done here may propagate back to the parent namespace.
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return true, fmt.Errorf("mount / private: %w", err)
	}
	// No device node opens outside /dev (noDevOutsideDev), the roots' copies
	// below included.
	if err := noDevOutsideDev(); err != nil {
		return true, err
	}
	// Detached copies of the roots, taken before anything is read-only: each keeps
	// the flags of the mounts it copies (a read-only submount stays read-only).
	// Each root is opened following no link (openRoot), copied from and moved
	// back onto that descriptor: a root swapped for a link to the home since
	// guard resolved it gets no copy, rather than the home a writable one.
	// trees holds the copy and the root's descriptor, in turn.
	trees := make([]int, 0, 2*len(tops))
	defer func() { closeRuns(trees) }()
	copied := tops[:0:0]
	for _, r := range tops {
		at, err := openRoot(r.path)
		if rootGone(err) {
			continue // a root that does not exist, cannot be reached or is now a link: nothing to keep writable
		}
		if err != nil {
			return true, fmt.Errorf("open %s: %w", r.path, err)
		}
		fd, err := unix.OpenTree(at, "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE|unix.AT_EMPTY_PATH)
		if err != nil {
			unix.Close(at)
			return true, fmt.Errorf("open_tree %s: %w", r.path, err)
		}
		trees = append(trees, fd, at)
		copied = append(copied, r)
	}
	tops = copied
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	if err := unix.MountSetattr(unix.AT_FDCWD, "/", unix.AT_RECURSIVE, &attr); err != nil {
		return true, fmt.Errorf("mount_setattr / read-only: %w", err)
	}
	for i, r := range tops {
		if err := unix.MoveMount(trees[2*i], "", trees[2*i+1], "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
			return false, fmt.Errorf("move_mount %s: %w", r.path, err)
		}
	}
	var cl fdBatch
	defer cl.flush()
	// The directories above the protected paths: each a mount point of itself,
	// which cannot be renamed or removed (pins_linux.go).
	for _, p := range pins {
		if err := bindOver(p, p, false, fileID{}, &cl); err != nil {
			return false, err
		}
	}
	// The protected paths inside the roots: read-only copies mounted over them.
	// Writing, creating in, renaming over or removing them then fails (EROFS,
	// EBUSY), for root too.
	for _, p := range readOnly {
		if links[p] {
			if err := pinLink(p, &cl); err != nil {
				return false, err
			}
			continue
		}
		if err := bindOver(p, p, true, ids[p], &cl); err != nil {
			return false, err
		}
	}
	// The agents' checkouts inside them (Profile.Checkouts): a copy of each,
	// its own read-only paths with it, made writable at its top and mounted
	// back over it.
	for _, p := range checkouts {
		if err := bindWritable(p, ids[p], &cl); err != nil {
			return false, err
		}
	}
	// A /dev of its own (privateDev), which holds the private /dev/shm and an
	// empty directory for the secret directories below.
	if dev {
		if err := privateDev(); err != nil {
			return false, err
		}
	}
	// Secret files: /dev/null over each, so they read as empty; renaming,
	// removing or linking them fails (EBUSY, EXDEV).
	for _, p := range emptied {
		if err := bindOver("/dev/null", p, false, ids[p], &cl); err != nil {
			return false, err
		}
	}
	// Secret directories: one empty read-only tmpfs, over the first, and a
	// copy of that mount over each other (a new tmpfs is a superblock of its
	// own: about 0.1 ms each, where a copy costs a bind).
	for i, p := range emptiedDirs {
		if i > 0 || dev {
			src := emptiedDirs[0]
			if dev {
				src = emptyDir
			}
			if err := bindOver(src, p, true, ids[p], &cl); err != nil {
				return false, err
			}
			continue
		}
		fd, err := openExact(p, ids[p])
		if err != nil {
			return false, err
		}
		// Mounted on that very directory, through its descriptor.
		err = unix.Mount("tmpfs", fmt.Sprintf("/proc/self/fd/%d", fd), "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=4k,nr_inodes=2,mode=0500")
		cl.close(fd)
		if err != nil {
			return false, fmt.Errorf("mount tmpfs over %s: %w", p, err)
		}
	}
	// A fresh /proc where processes outside the sandbox are invisible: with
	// hidepid=invisible a process shows only to those that may ptrace it, which
	// Landlock refuses for processes outside the domain. Its gid= group, which
	// would see every process, is one nobody belongs to. Root only: in a user
	// namespace the mount is refused (it does not own the PID namespace).
	if proc {
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC|unix.MS_RDONLY,
			"hidepid=invisible,gid="+fmt.Sprint(procNoGroup)); err != nil {
			return false, fmt.Errorf("mount proc hidepid=invisible: %w", err)
		}
	}
	// A private /dev/shm: semaphores work, the host's shared memory is out of reach,
	// and its inode limit marks the namespace for a nested Exec (sandboxedMounts).
	// Skipped when a root lies in /dev/shm (its copy is mounted there already).
	shm := dev
	if !dev && !slices.ContainsFunc(tops, func(r root) bool { return within(r.path, "/dev/shm") }) {
		opts := fmt.Sprintf("mode=1777,nr_inodes=%d", shmMarkerInodes)
		err := unix.Mount("tmpfs", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts)
		if err != nil && err != unix.ENOENT {
			return false, fmt.Errorf("mount tmpfs /dev/shm: %w", err)
		}
		shm = err == nil
	}
	// The private tool caches (Profile.PrivateTemp): a directory of that
	// /dev/shm over each, writable. Without one (a root in /dev/shm) they
	// stay as they are.
	for i, p := range private {
		if !shm {
			break
		}
		dir := privateTempDir(i)
		if err := unix.Mkdir(dir, 0o700); err != nil {
			return false, fmt.Errorf("mkdir %s: %w", dir, err)
		}
		if err := bindOver(dir, p, false, ids[p], &cl); err != nil {
			return false, err
		}
	}
	if cwd != "" {
		if err := unix.Chdir(cwd); err != nil {
			return false, fmt.Errorf("chdir %s: %w", cwd, err)
		}
	}
	return false, nil
}

// noDevOutsideDev makes every mount nodev but /dev and /dev/pts (with
// AT_RECURSIVE, then cleared on those two): a device node anywhere else,
// one inside a writable root included, cannot be opened (EACCES). A root
// agent read the consoles' screens and wrote the kernel log through nodes
// in a project's rootfs/dev (a debootstrap or image build leaves them
// there), and on a host without a device cgroup a block node there is the
// raw disk: every secret, and writes past Landlock. /dev keeps its devices
// (root's /dev of its own is a later mount, the ordinary user's child keeps
// the host's), and /dev/pts the inherited terminal, which /dev/stdin
// reopens through /proc/self/fd. Where /dev is not a mount of its own, its
// nodes lie on /: nothing is changed (devNodesWhere says so).
func noDevOutsideDev() error {
	if !devNodesConfinable() {
		return nil
	}
	set := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(unix.AT_FDCWD, "/", unix.AT_RECURSIVE, &set); err != nil {
		return fmt.Errorf("mount_setattr / nodev: %w", err)
	}
	clr := unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_NODEV}
	for _, d := range devMounts() {
		if err := unix.MountSetattr(unix.AT_FDCWD, d, 0, &clr); err != nil {
			return fmt.Errorf("mount_setattr %s dev: %w", d, err)
		}
	}
	return nil
}

// devNodesConfinable reports whether /dev is a mount of its own, so that
// the rest can be made nodev without taking /dev/null with it.
func devNodesConfinable() bool { return isMountRoot("/dev") }

// devMounts are the mounts whose device nodes stay usable: /dev, and
// /dev/pts when it is a mount of its own.
func devMounts() []string {
	if isMountRoot("/dev/pts") {
		return []string{"/dev", "/dev/pts"}
	}
	return []string{"/dev"}
}

// isMountRoot reports whether path is the root of a mount (statx's
// STATX_ATTR_MOUNT_ROOT, Linux 5.8; mount_setattr is newer).
func isMountRoot(path string) bool {
	var stx unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_NO_AUTOMOUNT, 0, &stx) != nil {
		return false
	}
	return stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
}

// privateDev mounts a /dev of its own: a tmpfs holding null, zero, full,
// random, urandom and tty, a new devpts instance on pts (privateTerminals'
// reason), ptmx leading to it, shm (the private /dev/shm: the tmpfs's inode
// limit is the nested-Exec marker, sandboxedMounts) and the fd, stdin,
// stdout and stderr links. No other device node is in it: with
// CAP_DAC_OVERRIDE, root read the raw disk and the swap device (every
// secret the mounts hide, from its blocks), the consoles' screens
// (/dev/vcs*) and what is typed on them (/dev/tty1, /dev/console). It
// replaces the /dev/shm tmpfs, so it costs a few mknod and symlink calls,
// where Landlock read rules around /dev took one per entry of /. It also
// holds emptyDir.
func privateDev() error {
	opts := fmt.Sprintf("mode=0755,nr_inodes=%d", shmMarkerInodes)
	if err := unix.Mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, opts); err != nil {
		return fmt.Errorf("mount tmpfs /dev: %w", err)
	}
	// unshare(CLONE_NEWNS) gave the thread an fs_struct of its own: its umask
	// is its own to change, and is put back for the program.
	old := unix.Umask(0)
	defer unix.Umask(old)
	for _, d := range []struct {
		name       string
		major, min uint32
	}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}} {
		if err := unix.Mknod("/dev/"+d.name, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.min))); err != nil {
			return fmt.Errorf("mknod /dev/%s: %w", d.name, err)
		}
	}
	for _, d := range []struct {
		name string
		mode uint32
	}{{"pts", 0o755}, {"shm", 0o1777}, {emptyDir[len("/dev/"):], 0o500}} {
		if err := unix.Mkdir("/dev/"+d.name, d.mode); err != nil {
			return fmt.Errorf("mkdir /dev/%s: %w", d.name, err)
		}
	}
	for link, target := range map[string]string{"ptmx": "pts/ptmx", "fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := unix.Symlink(target, "/dev/"+link); err != nil {
			return fmt.Errorf("symlink /dev/%s: %w", link, err)
		}
	}
	if err := unix.Mount("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return fmt.Errorf("mount devpts on /dev/pts: %w", err)
	}
	return nil
}

// emptyDir is privateDev's empty directory, shmEmptyDir the user-namespace
// child's (in its private /dev/shm): read-only copies of it hide the secret
// directories (a tmpfs each would be a superblock of its own).
const (
	emptyDir    = "/dev/.guard-empty"
	shmEmptyDir = "/dev/shm/.guard-empty"
)

// privateTempDir is the directory of the private /dev/shm mounted over the
// i-th of Profile.PrivateTemp.
func privateTempDir(i int) string { return fmt.Sprintf("/dev/shm/.guard-private-%d", i) }

// privateFDsAbove is the number of root copies above which readOnlyMounts gives
// the thread a descriptor table of its own. The kernel's first table has room
// for 64; a Go process holds a handful, but guard may inherit more from its
// caller. Copying the table costs less than one mount copy.
const privateFDsAbove = 8

// procNoGroup is the gid= of the sandbox's /proc: a group no process is in.
const procNoGroup = 0x7ffffffe

// fileID is the device and inode a path named when guard looked at it.
type fileID struct{ dev, ino uint64 }

// openExact opens path as an O_PATH descriptor, its last component not
// followed, and checks that it is the file want names; without want, no
// symbolic link is followed anywhere on the way. Between guard's look at the
// tree and its mounts, a program running beside it (a parallel command, or
// one a command left behind) could rename a directory on the way and put a
// link or a decoy in its place: a mount by path would cover the decoy, and
// the secret, moved, stay readable. The mount fails instead (ESTALE, ELOOP),
// and is made on the descriptor, so the file checked is the file covered.
func openExact(path string, want fileID) (int, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC | unix.O_NOFOLLOW}
	if want == (fileID{}) {
		how.Resolve = unix.RESOLVE_NO_SYMLINKS
	}
	fd, err := unix.Openat2(unix.AT_FDCWD, path, &how)
	if err != nil {
		return -1, fmt.Errorf("open %s for its mount: %w", path, err)
	}
	if want != (fileID{}) {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil || uint64(st.Dev) != want.dev || st.Ino != want.ino {
			unix.Close(fd)
			return -1, fmt.Errorf("open %s for its mount: it changed since guard looked (%w)", path, unix.ESTALE)
		}
	}
	return fd, nil
}

// bindOver mounts a copy of src (read-only if readOnly) over path, the file
// want names (openExact). Its descriptors go to cl, to be closed in runs.
func bindOver(src, path string, readOnly bool, want fileID, cl *fdBatch) error {
	fd, err := unix.OpenTree(unix.AT_FDCWD, src, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
	if err != nil {
		return fmt.Errorf("open_tree %s: %w", src, err)
	}
	defer cl.close(fd)
	to, err := openExact(path, want)
	if err != nil {
		return err
	}
	defer cl.close(to)
	if readOnly {
		attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
		if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr); err != nil {
			return fmt.Errorf("mount_setattr %s read-only: %w", path, err)
		}
	}
	if err := unix.MoveMount(fd, "", to, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount %s: %w", path, err)
	}
	return nil
}

// bindWritable mounts over path (the directory want names) a copy of it,
// its submounts with it, writable at its top: a directory inside a
// read-only copy made writable again, the read-only copies inside it kept.
func bindWritable(path string, want fileID, cl *fdBatch) error {
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
	if err != nil {
		return fmt.Errorf("open_tree %s: %w", path, err)
	}
	defer cl.close(fd)
	to, err := openExact(path, want)
	if err != nil {
		return err
	}
	defer cl.close(to)
	attr := unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		return fmt.Errorf("mount_setattr %s writable: %w", path, err)
	}
	if err := unix.MoveMount(fd, "", to, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount %s: %w", path, err)
	}
	return nil
}

// pinLink mounts a copy of the symbolic link path (not what it leads to)
// onto itself: it cannot be removed or replaced (EBUSY), and lookups still
// follow it.
func pinLink(path string, cl *fdBatch) error {
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_SYMLINK_NOFOLLOW)
	if err != nil {
		return fmt.Errorf("open_tree %s: %w", path, err)
	}
	defer cl.close(fd)
	if err := unix.MoveMount(fd, "", unix.AT_FDCWD, path, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount %s: %w", path, err)
	}
	return nil
}

// shmMarkerInodes is the inode limit of the private /dev/shm, which statfs shows.
const shmMarkerInodes = 1048583

// sandboxedMounts reports whether this thread already lives in the read-only mount
// namespace of an enclosing Exec: a guard shim run by a sandboxed build (make
// calling rm through guard). There, the nested Exec cannot make its own (no
// CAP_SYS_ADMIN, and seccomp refuses unshare), and needs not: every mount outside
// the enclosing roots is read-only already, and the nested program can do no
// more than the enclosing one.
//
// The marker is a tmpfs on /dev/shm with shmMarkerInodes inodes, and / read-only.
// Forging it takes mounting a tmpfs and making / read-only, that is
// CAP_SYS_ADMIN over the mount namespace and no Landlock domain (which refuses
// every mount): a program inside a sandbox cannot, and a process outside that
// can is guard's caller, which could run the program unconfined anyway. A user
// namespace's root could forge it, but its chmod reaches only files that the real
// user owns: no more than the limit of an ordinary user (see doc.go).
func sandboxedMounts() bool {
	var st unix.Statfs_t
	if unix.Statfs("/dev/shm", &st) != nil || st.Type != unix.TMPFS_MAGIC || st.Files != shmMarkerInodes {
		return false
	}
	return unix.Statfs("/", &st) == nil && st.Flags&unix.ST_RDONLY != 0
}

// outermost returns the roots that are not inside another root, each once, in
// path order with "/" sorting before every other byte, which puts a directory's
// descendants right after it: one pass then finds them (n log n; comparing every
// pair took 12 ms for 300 roots).
func outermost(roots []root) []root {
	sorted := slices.Clone(roots)
	slices.SortFunc(sorted, func(a, b root) int { return comparePaths(a.path, b.path) })
	var out []root
	for _, r := range sorted {
		if len(out) > 0 && within(r.path, out[len(out)-1].path) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// comparePaths orders clean absolute paths byte by byte, with '/' lowest.
func comparePaths(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca == '/' {
			return -1
		}
		if cb == '/' {
			return 1
		}
		return int(ca) - int(cb)
	}
	return len(a) - len(b)
}
