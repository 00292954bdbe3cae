package sandbox

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The user-namespace child of an ordinary user, without a second start of guard:
// the parent prepares every system call the child makes (paths as C strings,
// the Landlock ruleset, the seccomp program, argv and envp), then forks itself
// into a new user and mount namespace with clone(2); the child, a copy of the
// calling thread alone, runs that list of raw system calls (rawOps) and execs
// the program. It runs no Go code that could allocate, grow its stack or wait
// for another thread: one go:nosplit loop. A failure is reported on a pipe as
// the step and errno, and the child exits 127.
//
// On amd64 the child is made vfork-style (CLONE_VM|CLONE_VFORK): it shares
// guard's memory and runs on the calling thread's stack, while that thread
// sleeps until the child execs or exits; no page table is copied and no page
// of guard's becomes copy-on-write. What the child writes is its results and
// its report, and the stack below the caller's frame. Elsewhere it is a fork.

// rawOp is one system call of the child. Arguments whose index is set in
// fromResult are replaced by the result of an earlier op (res is its index).
type rawOp struct {
	nr       uintptr
	args     [6]uintptr
	from     [6]int32 // -1, or the op whose result replaces the argument
	store    *int32   // when set, the result is also stored here (a struct field)
	storeOp  int32    // the op whose result goes into store, before this op runs
	optional bool     // an error is ignored
	// want, when set, is the device and inode the fstat(2) this op makes
	// into stat must find: another file fails the child (ESTALE), as
	// openExact does for root.
	want *fileID
	stat *unix.Stat_t
	name string // for the parent's message only: never read by the child
}

// rawChild is what the child reads.
type rawChild struct {
	ops     []rawOp
	results []uintptr
	errFD   uintptr
	errBuf  [16]byte
	keep    []any // what the pointers in ops point into, kept alive
}

// runRawChild is the child's whole life. Not inlined: its locals live in
// its own frame, below the caller's, which the vfork-style child shares with
// the waiting parent.
//
//go:nosplit
//go:norace
//go:noinline
func runRawChild(c *rawChild) {
	for i := 0; i < len(c.ops); i++ {
		op := &c.ops[i]
		var a [6]uintptr
		for k := 0; k < 6; k++ {
			a[k] = op.args[k]
			if op.from[k] >= 0 {
				a[k] = c.results[op.from[k]]
			}
		}
		if op.store != nil {
			*op.store = int32(c.results[op.storeOp])
		}
		r, _, e := syscall.RawSyscall6(op.nr, a[0], a[1], a[2], a[3], a[4], a[5])
		if e == 0 && op.want != nil && (op.stat.Dev != op.want.dev || op.stat.Ino != op.want.ino) {
			e = syscall.ESTALE
		}
		if e != 0 && !op.optional {
			c.errBuf[0] = byte(i)
			c.errBuf[1] = byte(i >> 8)
			c.errBuf[4] = byte(e)
			c.errBuf[5] = byte(e >> 8)
			syscall.RawSyscall(syscall.SYS_WRITE, c.errFD, uintptr(unsafe.Pointer(&c.errBuf[0])), 8)
			syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
		}
		c.results[i] = r
	}
	syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
}

// beforeRawClone, in tests, is a program beside guard acting between the
// plan and the child's mounts (TestMountRaceUnprivileged).
var beforeRawClone func()

// rawAtFDCWD is AT_FDCWD (-100) as a register value.
const rawAtFDCWD = ^uintptr(99)

// rawBuilder collects the ops.
type rawBuilder struct {
	c rawChild
}

func (b *rawBuilder) cstr(s string) uintptr {
	p, err := syscall.BytePtrFromString(s)
	if err != nil {
		panic(err) // NUL in a path: checked by the caller
	}
	b.c.keep = append(b.c.keep, p)
	return uintptr(unsafe.Pointer(p))
}

func (b *rawBuilder) ptr(p unsafe.Pointer, owner any) uintptr {
	b.c.keep = append(b.c.keep, owner)
	return uintptr(p)
}

// op appends a call; from lists (argument index, op index) pairs. It returns
// the op's index.
func (b *rawBuilder) op(name string, nr uintptr, args [6]uintptr, from ...int) int {
	o := rawOp{nr: nr, args: args, from: [6]int32{-1, -1, -1, -1, -1, -1}, name: name}
	for i := 0; i+1 < len(from); i += 2 {
		o.from[from[i]] = int32(from[i+1])
	}
	b.c.ops = append(b.c.ops, o)
	return len(b.c.ops) - 1
}

// target is where a mount over x goes: with a recorded id, an O_PATH
// descriptor of x (its last component not followed) whose device and inode
// are checked first (openExact's reason: a directory swapped between guard's
// look and the child's mounts by a program running beside guard made the
// /dev/null bind cover a decoy, and the secret, moved, stayed readable);
// without one, x by path. It returns the dirfd and path arguments for
// move_mount's target, the op whose result is the descriptor (-1 for none),
// and the flag to add.
func (b *rawBuilder) target(x string, id fileID) (fdOp int, path uintptr, flag uintptr) {
	if id == (fileID{}) {
		return -1, b.cstr(x), 0
	}
	fd := b.op("open "+x+" for its mount", unix.SYS_OPENAT, [6]uintptr{rawAtFDCWD, b.cstr(x), unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC})
	st := &unix.Stat_t{}
	want := id
	i := b.op("fstat "+x, unix.SYS_FSTAT, [6]uintptr{0, b.ptr(unsafe.Pointer(st), st)}, 0, fd)
	b.c.ops[i].want, b.c.ops[i].stat = &want, st
	b.c.keep = append(b.c.keep, &want)
	return fd, b.cstr(""), unix.MOVE_MOUNT_T_EMPTY_PATH
}

// moveOnto moves the detached mount tree (an op's result) onto x, checked
// by target.
func (b *rawBuilder) moveOnto(name string, tree int, x string, id fileID, flags uintptr) {
	fd, path, flag := b.target(x, id)
	if fd < 0 {
		b.op(name, unix.SYS_MOVE_MOUNT, [6]uintptr{0, b.cstr(""), rawAtFDCWD, path, flags}, 0, tree)
		return
	}
	b.op(name, unix.SYS_MOVE_MOUNT, [6]uintptr{0, b.cstr(""), 0, path, flags | flag}, 0, tree, 2, fd)
	b.op("close "+x, unix.SYS_CLOSE, [6]uintptr{}, 0, fd)
}

// openRoot opens a root as openRoot does, in the child: openat2 without
// links; where the parent found no openat2, openat with the last component
// not followed (a link there is copied onto itself, its target untouched;
// Landlock's rule, openRootByName, grants it nothing). The descriptor is
// closed by execve.
func (b *rawBuilder) openRoot(path string, openat2 bool) int {
	if !openat2 {
		return b.op("open "+path, unix.SYS_OPENAT, [6]uintptr{rawAtFDCWD, b.cstr(path), unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC})
	}
	how := &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS}
	return b.op("open "+path, unix.SYS_OPENAT2, [6]uintptr{rawAtFDCWD, b.cstr(path), b.ptr(unsafe.Pointer(how), how), unsafe.Sizeof(*how)})
}

func (b *rawBuilder) writeFile(name, path, content string) {
	fd := b.op("open "+path, unix.SYS_OPENAT, [6]uintptr{rawAtFDCWD, b.cstr(path), unix.O_WRONLY | unix.O_CLOEXEC})
	buf := []byte(content)
	b.op("write "+path, unix.SYS_WRITE, [6]uintptr{0, b.ptr(unsafe.Pointer(&buf[0]), buf), uintptr(len(buf))}, 0, fd)
	b.op("close "+path, unix.SYS_CLOSE, [6]uintptr{}, 0, fd)
}

// runRawUserNS is runInUserNS with the raw child. c is the parent's plan.
func runRawUserNS(c *confinement, path string, argv, env []string) error {
	p := c.p
	for _, s := range append(append(slices.Clone(argv), env...), path) {
		if slices.Contains([]byte(s), 0) {
			return fmt.Errorf("a NUL byte in the program, its arguments or its environment")
		}
	}
	// Full-auto's child gets a PID namespace (below); files-only leaves the
	// program's processes as free as the rest.
	pidNS := !p.FilesOnly
	// What the child will see with mounts (splitHoles).
	emptied, emptiedDirs, holes := c.splitHoles()
	var fds []int
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	ruleset := -1
	var shmRights uint64
	if c.landlock {
		var err error
		// The device filter as for root: a device the user's groups or a
		// seat's ACL open (the input group's keyboards: what is typed in
		// every program; a serial port, a security key) stays unreadable.
		if ruleset, shmRights, err = landlockRuleset(c.abi, p, c.roots, holes, true, &fds); err != nil {
			return err
		}
	}
	if err := closeInheritedFDs(append(slices.Clone(c.fds), fds...)); err != nil {
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer errR.Close()

	b := &rawBuilder{}
	b.c.errFD = errW.Fd()
	atCWD := rawAtFDCWD
	uid, gid := os.Getuid(), os.Getgid()
	if pidNS {
		// guard killed (an agent's timeout ends guard, not the program it
		// waits for): the child, first in its PID namespace, is killed too,
		// and with it everything the command started, rather than run on
		// with no one waiting for it.
		b.op("prctl(PR_SET_PDEATHSIG)", unix.SYS_PRCTL, [6]uintptr{unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL)})
	}
	b.writeFile("setgroups", "/proc/self/setgroups", "deny")
	b.writeFile("gid_map", "/proc/self/gid_map", strconv.Itoa(gid)+" "+strconv.Itoa(gid)+" 1")
	b.writeFile("uid_map", "/proc/self/uid_map", strconv.Itoa(uid)+" "+strconv.Itoa(uid)+" 1")
	mapsEnd := len(b.c.ops) // a refusal before this is the user namespace's
	b.boundTasks(c)
	b.op("mount / private", unix.SYS_MOUNT, [6]uintptr{b.cstr("none"), b.cstr("/"), 0, unix.MS_REC | unix.MS_PRIVATE})
	// A root the user cannot reach (under a directory it may not search)
	// gets no copy: open_tree would fail there, and Landlock grants it
	// nothing either; nor does a root that is a link now (openRoot).
	openat2 := true
	tops := slices.DeleteFunc(slices.Clone(c.tops), func(r root) bool {
		fd, err := openRoot(r.path)
		if err == unix.ENOSYS {
			openat2 = false
			fd, err = openRootByName(r.path)
		}
		if err != nil {
			return true
		}
		unix.Close(fd)
		return false
	})
	// No device node opens outside /dev and /dev/pts (noDevOutsideDev), the
	// roots' copies included. Cleared on those two mounts only: a submount of
	// /dev that was nodev already (mqueue) is locked so in a user namespace.
	if devNodesConfinable() {
		nodev := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_NODEV}
		b.op("mount_setattr / nodev", unix.SYS_MOUNT_SETATTR, [6]uintptr{atCWD, b.cstr("/"), unix.AT_RECURSIVE, b.ptr(unsafe.Pointer(nodev), nodev), unsafe.Sizeof(*nodev)})
		dev := &unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_NODEV}
		for _, d := range devMounts() {
			b.op("mount_setattr "+d+" dev", unix.SYS_MOUNT_SETATTR, [6]uintptr{atCWD, b.cstr(d), 0, b.ptr(unsafe.Pointer(dev), dev), unsafe.Sizeof(*dev)})
		}
	}
	// Each root opened in the child's namespace following no link, copied
	// from and moved back onto that descriptor (readOnlyMounts' reason).
	var trees, ats []int
	for _, r := range tops {
		at := b.openRoot(r.path, openat2)
		ats = append(ats, at)
		trees = append(trees, b.op("open_tree "+r.path, unix.SYS_OPEN_TREE, [6]uintptr{0, b.cstr(""),
			unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_RECURSIVE | unix.AT_EMPTY_PATH}, 0, at))
	}
	ro := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	roPtr := b.ptr(unsafe.Pointer(ro), ro)
	b.op("mount_setattr / read-only", unix.SYS_MOUNT_SETATTR, [6]uintptr{atCWD, b.cstr("/"), unix.AT_RECURSIVE, roPtr, unsafe.Sizeof(*ro)})
	for i, r := range tops {
		b.op("move_mount "+r.path, unix.SYS_MOVE_MOUNT, [6]uintptr{0, b.cstr(""), 0, b.cstr(""),
			unix.MOVE_MOUNT_F_EMPTY_PATH | unix.MOVE_MOUNT_T_EMPTY_PATH}, 0, trees[i], 2, ats[i])
	}
	for _, x := range c.pins {
		t := b.op("open_tree "+x, unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr(x), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_RECURSIVE})
		b.op("move_mount "+x, unix.SYS_MOVE_MOUNT, [6]uintptr{0, b.cstr(""), atCWD, b.cstr(x), unix.MOVE_MOUNT_F_EMPTY_PATH}, 0, t)
	}
	for _, x := range c.readOnly {
		if c.links[x] {
			// The link itself, onto itself (pinLink).
			t := b.op("open_tree "+x, unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr(x), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_SYMLINK_NOFOLLOW})
			b.op("move_mount "+x, unix.SYS_MOVE_MOUNT, [6]uintptr{0, b.cstr(""), atCWD, b.cstr(x), unix.MOVE_MOUNT_F_EMPTY_PATH}, 0, t)
			continue
		}
		t := b.op("open_tree "+x, unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr(x), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_RECURSIVE})
		b.op("mount_setattr "+x, unix.SYS_MOUNT_SETATTR, [6]uintptr{0, b.cstr(""), unix.AT_EMPTY_PATH | unix.AT_RECURSIVE, roPtr, unsafe.Sizeof(*ro)}, 0, t)
		b.moveOnto("move_mount "+x, t, x, c.ids[x], unix.MOVE_MOUNT_F_EMPTY_PATH)
	}
	// The agents' checkouts inside them, writable again (bindWritable).
	rw := &unix.MountAttr{Attr_clr: unix.MOUNT_ATTR_RDONLY}
	for _, x := range c.checkouts {
		t := b.op("open_tree "+x, unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr(x), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_RECURSIVE})
		b.op("mount_setattr "+x, unix.SYS_MOUNT_SETATTR, [6]uintptr{0, b.cstr(""), unix.AT_EMPTY_PATH, b.ptr(unsafe.Pointer(rw), rw), unsafe.Sizeof(*rw)}, 0, t)
		b.moveOnto("move_mount "+x, t, x, c.ids[x], unix.MOVE_MOUNT_F_EMPTY_PATH)
	}
	for _, x := range emptied {
		t := b.op("open_tree /dev/null", unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr("/dev/null"), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC})
		b.moveOnto("move_mount /dev/null over "+x, t, x, c.ids[x], unix.MOVE_MOUNT_F_EMPTY_PATH)
	}
	// The private /dev/shm first: an empty directory made in it is what the
	// secret directories get read-only copies of (a tmpfs each would be a
	// superblock of its own). What lay in the host's /dev/shm is not there.
	// (files-only too: a guard run inside finds the enclosing sandbox by it,
	// sandboxedMounts)
	shm := !slices.ContainsFunc(tops, func(r root) bool { return within(r.path, "/dev/shm") })
	if shm {
		b.op("mount tmpfs /dev/shm", unix.SYS_MOUNT, [6]uintptr{b.cstr("tmpfs"), b.cstr("/dev/shm"), b.cstr("tmpfs"),
			unix.MS_NOSUID | unix.MS_NODEV, b.cstr(fmt.Sprintf("mode=1777,nr_inodes=%d", shmMarkerInodes))})
		emptiedDirs = slices.DeleteFunc(slices.Clone(emptiedDirs), func(x string) bool { return within(x, "/dev/shm") })
		if len(emptiedDirs) > 0 {
			b.op("mkdir "+shmEmptyDir, unix.SYS_MKDIRAT, [6]uintptr{atCWD, b.cstr(shmEmptyDir), 0o500})
		}
		// The private tool caches (Profile.PrivateTemp): a directory of it
		// over each, writable, as root's readOnlyMounts does.
		for i, x := range c.private {
			dir := privateTempDir(i)
			b.op("mkdir "+dir, unix.SYS_MKDIRAT, [6]uintptr{atCWD, b.cstr(dir), 0o700})
			t := b.op("open_tree "+dir, unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr(dir), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC})
			b.moveOnto("move_mount over "+x, t, x, c.ids[x], unix.MOVE_MOUNT_F_EMPTY_PATH)
		}
	}
	for i, x := range emptiedDirs {
		if i > 0 || shm {
			// A read-only copy of the empty directory, or of the first one's tmpfs.
			src := emptiedDirs[0]
			if shm {
				src = shmEmptyDir
			}
			t := b.op("open_tree "+src, unix.SYS_OPEN_TREE, [6]uintptr{atCWD, b.cstr(src), unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC})
			b.op("mount_setattr "+x, unix.SYS_MOUNT_SETATTR, [6]uintptr{0, b.cstr(""), unix.AT_EMPTY_PATH, roPtr, unsafe.Sizeof(*ro)}, 0, t)
			b.moveOnto("move_mount over "+x, t, x, c.ids[x], unix.MOVE_MOUNT_F_EMPTY_PATH)
			continue
		}
		// By path, unchecked: only when a root lies in /dev/shm (no private
		// one to hold an empty directory), for the first secret directory.
		b.op("mount tmpfs over "+x, unix.SYS_MOUNT, [6]uintptr{b.cstr("tmpfs"), b.cstr(x), b.cstr("tmpfs"),
			unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, b.cstr("size=4k,nr_inodes=2,mode=0500")})
	}
	// Other terminals out of reach, as root's privateDev does: a devpts
	// instance of the child's own on /dev/pts (a user namespace may mount
	// one). /dev/ptmx makes new pseudo-terminals in it (the kernel looks for
	// the devpts at pts beside it); the inherited terminal stays reachable by
	// its descriptors and /dev/tty. Landlock's rule on the host's /dev/pts
	// does not cover it (a path walk skips the mount point it hides): the
	// new instance gets a rule of its own below, as /dev/shm does.
	var st unix.Statfs_t
	devpts := !p.FilesOnly && !slices.ContainsFunc(tops, func(r root) bool { return within(r.path, "/dev") }) &&
		unix.Statfs("/dev/pts", &st) == nil && st.Type == unix.DEVPTS_SUPER_MAGIC
	if devpts {
		b.op("mount devpts /dev/pts", unix.SYS_MOUNT, [6]uintptr{b.cstr("devpts"), b.cstr("/dev/pts"), b.cstr("devpts"),
			unix.MS_NOSUID | unix.MS_NOEXEC, b.cstr("newinstance,ptmxmode=0666,mode=0620")})
	}
	// Full-auto's child is the first process of a PID namespace of its own
	// (pidNS): a procfs of that namespace over /proc shows the sandbox's
	// processes only, so other processes' command lines (a token on a
	// command line) are not there, as root's hidepid /proc does. Optional:
	// where the kernel will not mount a procfs that reveals more than the
	// one already visible (a container's /proc with masked entries), the
	// host's stays and the namespace still ends what the program leaves.
	if pidNS {
		i := b.op("mount proc /proc", unix.SYS_MOUNT, [6]uintptr{b.cstr("proc"), b.cstr("/proc"), b.cstr("proc"),
			unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY})
		b.c.ops[i].optional = true
	}
	if cwd, err := unix.Getwd(); err == nil {
		b.op("chdir "+cwd, unix.SYS_CHDIR, [6]uintptr{b.cstr(cwd)})
	}
	// No capability crosses execve: all sets emptied (ambient with permitted).
	hdr := &unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	data := &[2]unix.CapUserData{}
	b.op("capset", unix.SYS_CAPSET, [6]uintptr{b.ptr(unsafe.Pointer(hdr), hdr), b.ptr(unsafe.Pointer(&data[0]), data)})
	b.op("prctl(PR_SET_NO_NEW_PRIVS)", unix.SYS_PRCTL, [6]uintptr{unix.PR_SET_NO_NEW_PRIVS, 1})
	if ruleset >= 0 {
		// The private /dev/shm's rule, then the ruleset on the child.
		shm := b.op("open /dev/shm", unix.SYS_OPENAT, [6]uintptr{atCWD, b.cstr("/dev/shm"), unix.O_PATH | unix.O_CLOEXEC})
		b.c.ops[shm].optional = true
		// Read too: the rule on the host's /dev/shm does not reach beneath the
		// tmpfs mounted over it (a path walk skips a hidden mount point), and
		// /dev itself grants no reading under the device filter.
		pb := &unix.LandlockPathBeneathAttr{Allowed_access: shmRights | llReadFile&landlockHandledFS(c.abi)}
		add := b.op("landlock_add_rule /dev/shm", unix.SYS_LANDLOCK_ADD_RULE, [6]uintptr{uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH, b.ptr(unsafe.Pointer(pb), pb)})
		b.c.ops[add].store, b.c.ops[add].storeOp, b.c.ops[add].optional = &pb.Parent_fd, int32(shm), true
		if devpts {
			pts := b.op("open /dev/pts", unix.SYS_OPENAT, [6]uintptr{atCWD, b.cstr("/dev/pts"), unix.O_PATH | unix.O_CLOEXEC})
			pb := &unix.LandlockPathBeneathAttr{Allowed_access: llDevice & landlockHandledFS(c.abi)}
			add := b.op("landlock_add_rule /dev/pts", unix.SYS_LANDLOCK_ADD_RULE, [6]uintptr{uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH, b.ptr(unsafe.Pointer(pb), pb)})
			b.c.ops[add].store, b.c.ops[add].storeOp = &pb.Parent_fd, int32(pts)
		}
		if pidNS {
			// Read on the fresh /proc, as on the host's: the rule on the
			// host's /proc does not reach beneath the mount over it.
			proc := b.op("open /proc", unix.SYS_OPENAT, [6]uintptr{atCWD, b.cstr("/proc"), unix.O_PATH | unix.O_CLOEXEC})
			pb := &unix.LandlockPathBeneathAttr{Allowed_access: llReadFile & landlockHandledFS(c.abi)}
			add := b.op("landlock_add_rule /proc", unix.SYS_LANDLOCK_ADD_RULE, [6]uintptr{uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH, b.ptr(unsafe.Pointer(pb), pb)})
			b.c.ops[add].store, b.c.ops[add].storeOp = &pb.Parent_fd, int32(proc)
		}
		b.op("landlock_restrict_self", unix.SYS_LANDLOCK_RESTRICT_SELF, [6]uintptr{uintptr(ruleset)})
	}
	if c.seccomp {
		prog := seccompProgram(p, true) // the child has an IPC namespace of its own
		fprog := &unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
		b.c.keep = append(b.c.keep, prog)
		b.op("seccomp", unix.SYS_SECCOMP, [6]uintptr{unix.SECCOMP_SET_MODE_FILTER, 0, b.ptr(unsafe.Pointer(fprog), fprog)})
	}
	// Signal handlers guard installed go back to the default (ignored ones stay
	// ignored, as execve would keep them), then the signal mask the program
	// inherits.
	for sig := 1; sig < 65; sig++ {
		if sig == int(unix.SIGKILL) || sig == int(unix.SIGSTOP) {
			continue
		}
		var old [4]uintptr // struct kernel_sigaction: handler, flags, restorer, mask
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old[0])), 8, 0, 0); e != 0 {
			continue
		}
		if old[0] == 0 || old[0] == 1 { // SIG_DFL, SIG_IGN
			continue
		}
		dfl := &[4]uintptr{}
		b.op("rt_sigaction", unix.SYS_RT_SIGACTION, [6]uintptr{uintptr(sig), b.ptr(unsafe.Pointer(dfl), dfl), 0, 8})
	}
	var oldMask, all uint64 = 0, ^uint64(0)
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, 0, uintptr(unsafe.Pointer(&oldMask)), 8, 0, 0); e != 0 {
		return fmt.Errorf("rt_sigprocmask: %w", e)
	}
	mask := &[1]uint64{oldMask}
	b.op("rt_sigprocmask", unix.SYS_RT_SIGPROCMASK, [6]uintptr{unix.SIG_SETMASK, b.ptr(unsafe.Pointer(&mask[0]), mask), 0, 8})
	argvp, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return err
	}
	envp, err := syscall.SlicePtrFromStrings(scrubEnv(p, env))
	if err != nil {
		return err
	}
	b.op("execve "+path, unix.SYS_EXECVE, [6]uintptr{b.cstr(path), b.ptr(unsafe.Pointer(&argvp[0]), argvp), b.ptr(unsafe.Pointer(&envp[0]), envp)})
	b.c.results = make([]uintptr, len(b.c.ops))

	// The protected paths absent now, looked for again after the command.
	made := lookForNewNames(c, p.ProtectedNames, p.HomeNames, p.HomeDir)
	defer made.close()

	sigs := make(chan os.Signal, 4)
	signalNotify(sigs)

	if beforeRawClone != nil {
		beforeRawClone()
	}
	// Fork: all signals blocked on this thread, so that none runs a Go handler
	// in the child; the child restores the mask before execve.
	syscall.ForkLock.Lock()
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all)), 0, 8, 0, 0)
	flags := uintptr(unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWIPC)
	if p.FilesOnly {
		flags &^= unix.CLONE_NEWIPC // files alone: the program's IPC is as free as the rest
	}
	if pidNS {
		flags |= unix.CLONE_NEWPID
	}
	// The namespace takes guard's process limit at its making as the bound
	// of the user's tasks outside it (procs_linux.go).
	unhold := holdNproc(c.nproc, c.nprocWas)
	pid, errno := rawVfork(flags | vforkFlags | uintptr(unix.SIGCHLD))
	if pid == 0 && errno == 0 {
		runRawChild(&b.c) // never returns
	}
	if errno != 0 && pidNS {
		// A kernel that allows the user namespace but no PID namespace
		// (user.max_pid_namespaces=0): the child as before, its optional
		// procfs mount failing.
		pidNS = false
		pid, errno = rawVfork(flags&^unix.CLONE_NEWPID | vforkFlags | uintptr(unix.SIGCHLD))
		if pid == 0 && errno == 0 {
			runRawChild(&b.c) // never returns
		}
	}
	unhold()
	e := unix.Errno(errno)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&oldMask)), 0, 8, 0, 0)
	syscall.ForkLock.Unlock()
	runtime.KeepAlive(b)
	errW.Close()
	if e != 0 {
		signalStop(sigs)
		if e == unix.EPERM || e == unix.ENOSPC || e == unix.EINVAL || e == unix.EACCES || e == unix.EUSERS {
			return fmt.Errorf("%w (%v): %s", errNoUserNS, e, userNSHint())
		}
		if e == unix.EAGAIN && c.nproc > 0 {
			return fmt.Errorf("clone: %w: %s", e, nprocSpent(c.nproc))
		}
		return fmt.Errorf("clone: %w", e)
	}
	// The child's report: nothing when execve succeeded (the pipe closed on exec).
	var rep [8]byte
	n, _ := errR.Read(rep[:])
	if n == 8 {
		var ws syscall.WaitStatus
		syscall.Wait4(int(pid), &ws, 0, nil)
		signalStop(sigs)
		step := int(binary.LittleEndian.Uint16(rep[0:]))
		errno := unix.Errno(binary.LittleEndian.Uint16(rep[4:]))
		name := "?"
		if step < len(b.c.ops) {
			name = b.c.ops[step].name
		}
		if step == len(b.c.ops)-1 {
			return &ExecError{Path: path, Err: errno}
		}
		if step < mapsEnd && (errno == unix.EPERM || errno == unix.EACCES) {
			return fmt.Errorf("%w (%s: %v): %s", errNoUserNS, name, errno, userNSHint())
		}
		return fmt.Errorf("in the user namespace: %s: %w", name, errno)
	}
	return waitAndExit(int(pid), sigs, pidNS, made, c.kept, c.modes)
}
