package sandbox

import "golang.org/x/sys/unix"

// This file is the seccomp policy as data. The BPF programs that Exec loads are
// compiled from it by libseccomp at development time (seccomp_gen_test.go, run
// with -update) and committed as zseccomp_linux_*.go: guard itself needs neither
// cgo nor libseccomp at run time, and loading a ready program costs one syscall.

// seccompCmp is the comparison of a rule's argument condition.
type seccompCmp int

const (
	cmpAlways   seccompCmp = iota // no condition
	cmpNE                         // arg != value, all 64 bits
	cmpMaskedEQ                   // arg & mask == value, all 64 bits
)

// seccompRule denies one syscall, unconditionally or when its argument matches.
type seccompRule struct {
	syscall string     // name as libseccomp knows it
	errno   unix.Errno // EPERM, or ENOSYS where it makes callers fall back
	cmp     seccompCmp
	arg     uint // argument index for cmp
	mask    uint64
	value   uint64
}

// Socket families and ioctl requests, written out so that the policy reads the
// same on every architecture (these values do not vary on amd64 and arm64).
const (
	afUnix    = 1      // AF_UNIX
	tiocsti   = 0x5412 // TIOCSTI: push a byte into a terminal's input queue
	tioclinux = 0x541C // TIOCLINUX: console selection paste, among others
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

// enosysSyscalls fail with ENOSYS, which makes callers fall back to what the
// filter can judge: glibc retries clone3 with clone, whose flags are checked;
// io_uring users fall back to plain syscalls, which the socket rule sees.
var enosysSyscalls = []string{
	"clone3",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
}

// seccompRules is the whole policy for one profile variant. The default action is
// allow; syscalls of a foreign ABI (x32, int 0x80 on amd64, aarch32 on arm64) kill
// the process.
func seccompRules(network, unixSockets bool) []seccompRule {
	var rules []seccompRule
	for _, name := range deniedSyscalls {
		rules = append(rules, seccompRule{syscall: name, errno: unix.EPERM})
	}
	for _, name := range enosysSyscalls {
		rules = append(rules, seccompRule{syscall: name, errno: unix.ENOSYS})
	}
	for _, flag := range cloneNamespaceFlags {
		rules = append(rules, seccompRule{syscall: "clone", errno: unix.EPERM, cmp: cmpMaskedEQ, arg: 0, mask: flag, value: flag})
	}
	// The kernel reads ioctl's request as 32 bits: mask the high half away so that
	// 0x1_0000_5412 is TIOCSTI too.
	for _, req := range []uint64{tiocsti, tioclinux} {
		rules = append(rules, seccompRule{syscall: "ioctl", errno: unix.EPERM, cmp: cmpMaskedEQ, arg: 1, mask: 0xffffffff, value: req})
	}
	// socket's domain is an int too: a rule "== AF_INET" would let 0x1_0000_0002
	// through. Each rule below fails closed on unexpected high bits.
	switch {
	case !network && !unixSockets:
		rules = append(rules, seccompRule{syscall: "socket", errno: unix.EPERM})
	case !network && unixSockets:
		rules = append(rules, seccompRule{syscall: "socket", errno: unix.EPERM, cmp: cmpNE, arg: 0, value: afUnix})
	case network && !unixSockets:
		rules = append(rules, seccompRule{syscall: "socket", errno: unix.EPERM, cmp: cmpMaskedEQ, arg: 0, mask: 0xffffffff, value: afUnix})
	}
	return rules
}

// seccompVariant indexes seccompPrograms.
func seccompVariant(network, unixSockets bool) int {
	v := 0
	if network {
		v |= 2
	}
	if unixSockets {
		v |= 1
	}
	return v
}

// seccompVariantName names a variant in generated files and test output.
var seccompVariantName = [4]string{"nonet-nounix", "nonet-unix", "net-nounix", "net-unix"}
