package sandbox

import "golang.org/x/sys/unix"

// This file is the seccomp policy as data. The BPF programs that Exec loads are
// compiled from it by libseccomp at development time (seccomp_gen_test.go, run
// with -update) and committed as zseccomp_*_linux.go: guard itself needs neither
// cgo nor libseccomp at run time, and loading a ready program costs one syscall.

// seccompCmp is the comparison of a rule's argument condition.
type seccompCmp int

const (
	cmpNE       seccompCmp = iota + 1 // arg != value, all 64 bits
	cmpMaskedEQ                       // arg & mask == value, all 64 bits
)

// seccompCond is one condition on a syscall argument.
type seccompCond struct {
	cmp   seccompCmp
	arg   uint // argument index
	mask  uint64
	value uint64
}

// seccompRule denies one syscall, unconditionally or when all its conditions hold.
type seccompRule struct {
	syscall string     // name as libseccomp knows it
	errno   unix.Errno // EPERM, or ENOSYS where it makes callers fall back
	conds   []seccompCond
}

func ne(arg uint, value uint64) seccompCond { return seccompCond{cmp: cmpNE, arg: arg, value: value} }

func maskedEQ(arg uint, mask, value uint64) seccompCond {
	return seccompCond{cmp: cmpMaskedEQ, arg: arg, mask: mask, value: value}
}

// int32EQ is "the int argument equals value": the kernel reads only the low 32
// bits, so the high ones are masked away rather than compared.
func int32EQ(arg uint, value uint64) seccompCond { return maskedEQ(arg, 0xffffffff, value) }

// Socket families and types, ioctl and fcntl requests, written out so that the
// policy reads the same on every architecture (these values do not vary on amd64
// and arm64).
const (
	afUnix     = 1      // AF_UNIX
	afInet     = 2      // AF_INET
	afInet6    = 10     // AF_INET6
	afPacket   = 17     // AF_PACKET
	sockStream = 1      // SOCK_STREAM
	sockRaw    = 3      // SOCK_RAW
	sockSeq    = 5      // SOCK_SEQPACKET
	sockType   = 0xf    // SOCK_TYPE_MASK: the type without SOCK_NONBLOCK, SOCK_CLOEXEC
	tiocsti    = 0x5412 // TIOCSTI: push a byte into a terminal's input queue
	tioclinux  = 0x541C // TIOCLINUX: console selection paste, among others
	tiocsetd   = 0x5423 // TIOCSETD: a terminal's line discipline
	fSetLease  = 1024   // F_SETLEASE
	sISUID     = 0o4000 // S_ISUID
	sISGID     = 0o2000 // S_ISGID
	ioprioWho  = 1      // IOPRIO_WHO_PROCESS
)

// cloneNamespaceFlags are the clone(2) flags that create namespaces. CLONE_NEWTIME
// (0x80) is left out: for clone(2) that bit is part of the exit signal; it only means
// a namespace for clone3 and unshare, which are denied entirely.
var cloneNamespaceFlags = []uint64{
	unix.CLONE_NEWNS,
	unix.CLONE_NEWCGROUP,
	unix.CLONE_NEWUTS,
	unix.CLONE_NEWIPC,
	unix.CLONE_NEWUSER,
	unix.CLONE_NEWPID,
	unix.CLONE_NEWNET,
}

// deniedSyscalls fail with EPERM whatever their arguments.
var deniedSyscalls = []string{
	// Other processes: tracing, memory, file descriptors.
	"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "process_madvise",
	// Kernel attack surface and kernel state.
	"bpf", "perf_event_open", "userfaultfd",
	"add_key", "request_key", "keyctl",
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
	"reboot", "swapon", "swapoff", "acct", "iopl", "ioperm", "open_by_handle_at",
	// The mount table and namespaces: the read-only mounts must stay as they are.
	"mount", "umount2", "mount_setattr", "move_mount", "open_tree",
	"fsopen", "fsconfig", "fsmount", "fspick", "pivot_root", "chroot",
	"unshare", "setns",
}

// sysvIPCSyscalls reach System V shared memory, message queues and semaphores,
// and POSIX message queues, by key or id: another process's objects, unless the
// thread has an IPC namespace of its own.
var sysvIPCSyscalls = []string{
	"shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl",
	"semget", "semop", "semtimedop", "semctl",
	"mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
}

// enosysSyscalls fail with ENOSYS, which makes callers fall back to what the
// filter can judge: glibc retries clone3 with clone, whose flags are checked;
// io_uring users fall back to plain syscalls, which the socket rule sees; openat2
// users to openat, whose mode the set-id rule sees (openat2's is in memory).
var enosysSyscalls = []string{
	"clone3",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"openat2",
}

// ownProcessSyscalls change a process's scheduling, priority, limits or memory
// placement given its pid as argument 0: only 0, the caller itself, is allowed
// (the filter cannot know the caller's own pid). glibc, nice, taskset, ionice
// and prlimit without --pid all pass 0.
var ownProcessSyscalls = []string{
	"sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
	"migrate_pages", "move_pages",
}

// setIDModes are the syscalls that set a file's mode, and the index of the mode
// argument: set-user-ID and set-group-ID bits are refused in each (a root shell
// planted in a root with mode 4755 would run as root for whoever runs it later).
var setIDModes = []struct {
	syscall string
	arg     uint
}{
	{"chmod", 1}, {"fchmod", 1}, {"fchmodat", 2}, {"fchmodat2", 2},
	{"open", 2}, {"openat", 3}, {"creat", 1}, {"mknod", 1}, {"mknodat", 2},
}

// newestSyscall is the highest syscall number this policy was written against:
// file_setattr, Linux 6.17 (since Linux 5.1 a new call takes the same number on
// every architecture). The filter allows what its rules do not name, so a number
// above this one fails with ENOSYS before the rules: a call a later kernel adds
// (another way to clone a mount tree, to set a mode, to reach another process)
// is not let through unexamined, and its callers fall back on the older calls
// the rules judge, as they do on a kernel without it.
const newestSyscall = 469

// numberedSyscall is a call denied by its number: one newer than the libseccomp
// that compiles the policy, which knows calls by name only and drops a name
// it does not know (2.5.4 knows none past futex_requeue, 456).
type numberedSyscall struct {
	name  string
	nr    uint32 // the same on amd64 and arm64
	errno unix.Errno
}

// numberedSyscalls are the calls of the variant denied by number, before the
// rules. open_tree_attr (Linux 6.15) is open_tree that also sets the copy's
// mount attributes: with OPEN_TREE_CLONE it copies a mount without the mounts
// on it, the secrets' /dev/null and empty directories, which open_tree is
// refused for (root's program has no CAP_SYS_ADMIN for it either). The
// files-only program refuses neither.
func numberedSyscalls(v seccompFlags) []numberedSyscall {
	if v == scFilesOnly {
		return nil
	}
	return []numberedSyscall{{"open_tree_attr", 467, unix.EPERM}}
}

// seccompFlags select one program: what the profile allows and what the thread has.
type seccompFlags int

const (
	scUnixSockets seccompFlags = 1 << iota // Profile.AllowUnixSockets
	scNetwork                              // Profile.AllowNetwork
	scPrivateIPC                           // the thread has an IPC namespace of its own

	// scFilesOnly is a variant of its own, not a flag: Profile.FilesOnly's
	// program (filesOnlyRules).
	scFilesOnly seccompFlags = 8

	seccompVariants = 9
)

// seccompVariantName names a variant in generated files and test output.
func seccompVariantName(v seccompFlags) string {
	if v == scFilesOnly {
		return "filesonly"
	}
	name := "nonet"
	if v&scNetwork != 0 {
		name = "net"
	}
	if v&scUnixSockets != 0 {
		name += "-unix"
	} else {
		name += "-nounix"
	}
	if v&scPrivateIPC != 0 {
		name += "-ipcns"
	}
	return name
}

// seccompRules is the whole policy for one variant. The default action is allow;
// syscalls of a foreign ABI (x32, int 0x80 on amd64, aarch32 on arm64) kill the
// process.
func seccompRules(v seccompFlags) []seccompRule {
	if v == scFilesOnly {
		return filesOnlyRules()
	}
	network, unixSockets := v&scNetwork != 0, v&scUnixSockets != 0
	var rules []seccompRule
	deny := func(name string, conds ...seccompCond) {
		rules = append(rules, seccompRule{syscall: name, errno: unix.EPERM, conds: conds})
	}
	for _, name := range deniedSyscalls {
		deny(name)
	}
	if v&scPrivateIPC == 0 {
		for _, name := range sysvIPCSyscalls {
			deny(name)
		}
	}
	for _, name := range enosysSyscalls {
		rules = append(rules, seccompRule{syscall: name, errno: unix.ENOSYS})
	}
	for _, flag := range cloneNamespaceFlags {
		deny("clone", maskedEQ(0, flag, flag))
	}
	// The kernel reads ioctl's request as 32 bits: mask the high half away so that
	// 0x1_0000_5412 is TIOCSTI too. TIOCSETD switches a terminal (the agent's
	// own) to another line discipline, which the kernel loads as a module on
	// demand (n_gsm, n_hdlc: the reach of several local root exploits); only
	// slattach, pppd and the like set one.
	for _, req := range []uint64{tiocsti, tioclinux, tiocsetd} {
		deny("ioctl", int32EQ(1, req))
	}
	// Leases make other processes' open(2) wait up to lease-break-time (45 s).
	deny("fcntl", int32EQ(1, fSetLease))

	// Processes next door. A pid argument other than 0 is refused: compared on
	// all 64 bits, so high bits that the kernel would drop fail closed.
	for _, name := range ownProcessSyscalls {
		deny(name, ne(0, 0))
	}
	deny("prlimit64", ne(0, 0), ne(2, 0)) // reading another's limits stays allowed
	// setpriority(which, who): PRIO_PROCESS of the caller only; who == 0 with
	// PRIO_PGRP or PRIO_USER would be the caller's group or all the user's processes.
	deny("setpriority", ne(0, 0))
	deny("setpriority", ne(1, 0))
	deny("ioprio_set", ne(0, ioprioWho))
	deny("ioprio_set", ne(1, 0))

	rules = append(rules, setIDRules()...)

	// socket's domain is an int too: a rule "== AF_INET" would let 0x1_0000_0002
	// through. Each rule below fails closed on unexpected high bits.
	switch {
	case !network && !unixSockets:
		deny("socket")
	case !network && unixSockets:
		deny("socket", ne(0, afUnix))
	case network && !unixSockets:
		deny("socket", int32EQ(0, afUnix))
	}
	if network {
		// Sniffing and forging packets: root keeps no CAP_NET_RAW either.
		deny("socket", int32EQ(0, afPacket))
		deny("socket", int32EQ(0, afInet), maskedEQ(1, sockType, sockRaw))
		deny("socket", int32EQ(0, afInet6), maskedEQ(1, sockType, sockRaw))
	}
	if !unixSockets {
		// A datagram socketpair can sendto(2) or sendmsg(2) any pathname datagram
		// socket (syslog's, another agent's) by address, which the filter cannot
		// read. Stream and seqpacket pairs ignore or refuse an address.
		for t := uint64(0); t <= sockType; t++ {
			if t != sockStream && t != sockSeq {
				deny("socketpair", maskedEQ(1, sockType, t))
			}
		}
	}
	return rules
}

// setIDRules refuse set-user-ID and set-group-ID bits in every mode argument.
func setIDRules() []seccompRule {
	var rules []seccompRule
	for _, m := range setIDModes {
		rules = append(rules,
			seccompRule{syscall: m.syscall, errno: unix.EPERM, conds: []seccompCond{maskedEQ(m.arg, sISUID, sISUID)}},
			seccompRule{syscall: m.syscall, errno: unix.EPERM, conds: []seccompCond{maskedEQ(m.arg, sISGID, sISGID)}})
	}
	return rules
}

// filesOnlyRules is the files-only profile's program (auto-edit's confined
// runs): set-id modes refused, and the calls whose mode the filter cannot
// read (openat2's is in memory, io_uring's openat in a shared ring) failing
// with ENOSYS, so that callers fall back to ones it can; open_by_handle_at,
// which opens a file by handle rather than by path (root's read-only mounts
// stop its writes outside too), refused. Nothing else: the program is
// otherwise as free as it was.
func filesOnlyRules() []seccompRule {
	rules := setIDRules()
	// bpf and perf_event_open, besides root's dropped CAP_SYS_ADMIN, CAP_BPF
	// and CAP_PERFMON: those load tracing programs (bpf_probe_write_user
	// writes another process's memory) and open kernel-wide perf events,
	// beyond Landlock's sight.
	for _, name := range []string{"open_by_handle_at", "bpf", "perf_event_open"} {
		rules = append(rules, seccompRule{syscall: name, errno: unix.EPERM})
	}
	for _, name := range []string{"openat2", "io_uring_setup", "io_uring_enter", "io_uring_register"} {
		rules = append(rules, seccompRule{syscall: name, errno: unix.ENOSYS})
	}
	return rules
}
