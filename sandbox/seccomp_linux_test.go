package sandbox

import (
	"encoding/binary"
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

// The committed seccomp programs, run in a classic-BPF interpreter: this checks
// the rules without privileges and for every architecture, whatever the kernel.
// The attacks in attack_linux_test.go check the same rules for real.

const (
	auditArchX86_64  = 0xc000003e
	auditArchI386    = 0x40000003
	auditArchAarch64 = 0xc00000b7
	auditArchArm     = 0x40000028

	retKillProcess = 0x80000000
	retAllow       = 0x7fff0000
	retErrno       = 0x00050000

	atFDCWD = 0xffffff9c // AT_FDCWD as an int argument
)

// seccompData is struct seccomp_data.
type seccompData struct {
	nr   int32
	arch uint32
	ip   uint64
	args [6]uint64
}

func (d seccompData) bytes() []byte {
	b := make([]byte, 64)
	binary.LittleEndian.PutUint32(b[0:], uint32(d.nr))
	binary.LittleEndian.PutUint32(b[4:], d.arch)
	binary.LittleEndian.PutUint64(b[8:], d.ip)
	for i, a := range d.args {
		binary.LittleEndian.PutUint64(b[16+8*i:], a)
	}
	return b
}

// runBPF interprets the subset of classic BPF that seccomp filters use.
func runBPF(t *testing.T, prog []unix.SockFilter, d seccompData) uint32 {
	t.Helper()
	data := d.bytes()
	var a, x uint32
	var mem [16]uint32
	for pc := 0; pc < len(prog); pc++ {
		ins := prog[pc]
		switch ins.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			if int(ins.K)+4 > len(data) {
				t.Fatalf("pc %d: load beyond seccomp_data: %d", pc, ins.K)
			}
			a = binary.LittleEndian.Uint32(data[ins.K:])
		case unix.BPF_LD | unix.BPF_MEM:
			a = mem[ins.K]
		case unix.BPF_LDX | unix.BPF_MEM:
			x = mem[ins.K]
		case unix.BPF_ST:
			mem[ins.K] = a
		case unix.BPF_STX:
			mem[ins.K] = x
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K:
			a &= ins.K
		case unix.BPF_ALU | unix.BPF_OR | unix.BPF_K:
			a |= ins.K
		case unix.BPF_MISC | unix.BPF_TAX:
			x = a
		case unix.BPF_MISC | unix.BPF_TXA:
			a = x
		case unix.BPF_JMP | unix.BPF_JA:
			pc += int(ins.K)
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			pc += jump(a == ins.K, ins)
		case unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K:
			pc += jump(a > ins.K, ins)
		case unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K:
			pc += jump(a >= ins.K, ins)
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			pc += jump(a&ins.K != 0, ins)
		case unix.BPF_RET | unix.BPF_K:
			return ins.K
		case unix.BPF_RET | unix.BPF_A:
			return a
		default:
			t.Fatalf("pc %d: opcode %#x not handled by the test interpreter", pc, ins.Code)
		}
	}
	t.Fatal("program fell off its end")
	return 0
}

func jump(cond bool, ins unix.SockFilter) int {
	if cond {
		return int(ins.Jt)
	}
	return int(ins.Jf)
}

// Syscall numbers are ABI: they never change for an architecture.
var testSyscalls = map[string]struct {
	arch    uint32
	nr      map[string]int32
	foreign uint32 // the 32-bit ABI the kernel also accepts
}{
	"amd64": {auditArchX86_64, map[string]int32{
		"read": 0, "getpid": 39, "socket": 41, "socketpair": 53, "ioctl": 16, "clone": 56, "clone3": 435,
		"unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "chroot": 161, "pivot_root": 155,
		"ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_getfd": 438,
		"bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "add_key": 248, "request_key": 249,
		"keyctl": 250, "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246,
		"kexec_file_load": 320, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
		"open_tree": 428, "move_mount": 429, "fsopen": 430, "mount_setattr": 442, "reboot": 169,
		"landlock_create_ruleset": 444, "openat": 257, "execve": 59, "kill": 62, "seccomp": 317,
		"prlimit64": 302, "setpriority": 141, "sched_setaffinity": 203, "sched_setattr": 314, "ioprio_set": 251,
		"shmget": 29, "shmat": 30, "msgsnd": 69, "semop": 65, "mq_open": 240, "fcntl": 72, "fchmod": 91,
		"fchmodat": 268, "fchmodat2": 452, "openat2": 437, "mknodat": 259, "mkdirat": 258,
		"open_by_handle_at": 304, "open_tree_attr": 467, "file_setattr": 469, "newer than the policy": 470,
		"far newer than the policy": 0x3fffffff,
	}, auditArchI386},
	"arm64": {auditArchAarch64, map[string]int32{
		"read": 63, "getpid": 172, "socket": 198, "socketpair": 199, "ioctl": 29, "clone": 220, "clone3": 435,
		"unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "chroot": 51, "pivot_root": 41,
		"ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "pidfd_getfd": 438,
		"bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "add_key": 217, "request_key": 218,
		"keyctl": 219, "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104,
		"kexec_file_load": 294, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
		"open_tree": 428, "move_mount": 429, "fsopen": 430, "mount_setattr": 442, "reboot": 142,
		"landlock_create_ruleset": 444, "openat": 56, "execve": 221, "kill": 129, "seccomp": 277,
		"prlimit64": 261, "setpriority": 140, "sched_setaffinity": 122, "sched_setattr": 274, "ioprio_set": 30,
		"shmget": 194, "shmat": 196, "msgsnd": 189, "semop": 193, "mq_open": 180, "fcntl": 25, "fchmod": 52,
		"fchmodat": 53, "fchmodat2": 452, "openat2": 437, "mknodat": 33, "mkdirat": 34,
		"open_by_handle_at": 265, "open_tree_attr": 467, "file_setattr": 469, "newer than the policy": 470,
		"far newer than the policy": 0x3fffffff,
	}, auditArchArm},
}

// filesOnlyDenied are the rows of TestSeccompProgramsForEveryArch that the
// files-only program (filesOnlyRules) refuses too.
var filesOnlyDenied = map[string]bool{
	"fchmod 4755": true, "fchmodat 2755": true, "fchmodat2 4755": true, "openat O_CREAT 4755": true,
	"mknodat S_IFREG|6755": true, "openat2": true,
	"io_uring_setup": true, "io_uring_enter": true, "io_uring_register": true, "open_by_handle_at": true,
	"bpf": true, "perf_event_open": true, "newer than the policy": true, "far newer than the policy": true,
}

func TestSeccompProgramsForEveryArch(t *testing.T) {
	eperm, enosys := uint32(retErrno|unix.EPERM), uint32(retErrno|unix.ENOSYS)
	allow, kill := uint32(retAllow), uint32(retKillProcess)
	always := func(seccompFlags) bool { return true }
	noNet := func(v seccompFlags) bool { return v&scNetwork == 0 }
	noUnix := func(v seccompFlags) bool { return v&scUnixSockets == 0 }
	noNetOrNoUnix := func(v seccompFlags) bool { return noNet(v) || noUnix(v) }
	noIPCNS := func(v seccompFlags) bool { return v&scPrivateIPC == 0 }
	tests := []struct {
		name    string
		syscall string
		args    [6]uint64
		denied  func(seccompFlags) bool // nil: never
		errno   uint32
	}{
		{"read", "read", [6]uint64{0, 0, 0}, nil, 0},
		{"getpid", "getpid", [6]uint64{}, nil, 0},
		{"execve", "execve", [6]uint64{}, nil, 0},
		{"openat", "openat", [6]uint64{}, nil, 0},
		{"kill is Landlock's", "kill", [6]uint64{1, 9}, nil, 0},
		{"nested seccomp filters", "seccomp", [6]uint64{1}, nil, 0},
		{"nested landlock", "landlock_create_ruleset", [6]uint64{}, nil, 0},
		{"socketpair(AF_UNIX)", "socketpair", [6]uint64{unix.AF_UNIX, unix.SOCK_STREAM}, nil, 0},

		{"socket(AF_UNIX)", "socket", [6]uint64{unix.AF_UNIX, unix.SOCK_STREAM}, noUnix, eperm},
		{"socket(AF_INET)", "socket", [6]uint64{unix.AF_INET, unix.SOCK_STREAM}, noNet, eperm},
		{"socket(AF_INET6)", "socket", [6]uint64{unix.AF_INET6, unix.SOCK_DGRAM}, noNet, eperm},
		{"socket(AF_NETLINK)", "socket", [6]uint64{unix.AF_NETLINK, unix.SOCK_RAW}, noNet, eperm},
		{"socket(AF_PACKET)", "socket", [6]uint64{unix.AF_PACKET, unix.SOCK_RAW}, always, eperm},
		{"socket(AF_PACKET) with high bits", "socket", [6]uint64{1<<32 | unix.AF_PACKET, unix.SOCK_DGRAM}, always, eperm},
		{"socket(AF_INET, SOCK_RAW)", "socket", [6]uint64{unix.AF_INET, unix.SOCK_RAW | unix.SOCK_CLOEXEC}, always, eperm},
		{"socket(AF_INET6, SOCK_RAW)", "socket", [6]uint64{unix.AF_INET6, unix.SOCK_RAW}, always, eperm},
		{"socket(AF_INET, SOCK_DGRAM) for ping", "socket", [6]uint64{unix.AF_INET, unix.SOCK_DGRAM}, noNet, eperm},
		{"socket(AF_NETLINK, SOCK_RAW) for getaddrinfo", "socket", [6]uint64{unix.AF_NETLINK, unix.SOCK_RAW}, noNet, eperm},
		{"socketpair(AF_UNIX, SOCK_DGRAM)", "socketpair", [6]uint64{unix.AF_UNIX, unix.SOCK_DGRAM | unix.SOCK_CLOEXEC}, noUnix, eperm},
		{"socketpair(AF_UNIX, SOCK_RAW) is a datagram pair", "socketpair", [6]uint64{unix.AF_UNIX, unix.SOCK_RAW}, noUnix, eperm},
		{"socketpair(AF_UNIX, SOCK_DGRAM) with high bits", "socketpair", [6]uint64{unix.AF_UNIX, 1<<32 | unix.SOCK_DGRAM}, noUnix, eperm},
		{"socketpair(AF_UNIX, SOCK_SEQPACKET)", "socketpair", [6]uint64{unix.AF_UNIX, unix.SOCK_SEQPACKET | unix.SOCK_NONBLOCK}, nil, 0},

		{"prlimit64 on itself", "prlimit64", [6]uint64{0, unix.RLIMIT_NOFILE, 0x1000}, nil, 0},
		{"prlimit64 reading another", "prlimit64", [6]uint64{4242, unix.RLIMIT_NOFILE, 0, 0x1000}, nil, 0},
		{"prlimit64 setting another", "prlimit64", [6]uint64{4242, unix.RLIMIT_FSIZE, 0x1000}, always, eperm},
		{"prlimit64 setting pid 0x1_00000000", "prlimit64", [6]uint64{1 << 32, unix.RLIMIT_FSIZE, 0x1000}, always, eperm},
		{"setpriority on itself", "setpriority", [6]uint64{unix.PRIO_PROCESS, 0, 10}, nil, 0},
		{"setpriority on another", "setpriority", [6]uint64{unix.PRIO_PROCESS, 4242, 10}, always, eperm},
		{"setpriority on its process group", "setpriority", [6]uint64{unix.PRIO_PGRP, 0, 10}, always, eperm},
		{"setpriority on all the user's processes", "setpriority", [6]uint64{unix.PRIO_USER, 0, 10}, always, eperm},
		{"sched_setaffinity on itself", "sched_setaffinity", [6]uint64{0, 8, 0x1000}, nil, 0},
		{"sched_setaffinity on another", "sched_setaffinity", [6]uint64{4242, 8, 0x1000}, always, eperm},
		{"sched_setattr on another", "sched_setattr", [6]uint64{4242, 0x1000}, always, eperm},
		{"ioprio_set on itself", "ioprio_set", [6]uint64{1, 0, 0x6007}, nil, 0},
		{"ioprio_set on another", "ioprio_set", [6]uint64{1, 4242, 0x6007}, always, eperm},
		{"ioprio_set on its user", "ioprio_set", [6]uint64{3, 0, 0x6007}, always, eperm},
		{"fcntl(F_SETLEASE)", "fcntl", [6]uint64{3, fSetLease, unix.F_RDLCK}, always, eperm},
		{"fcntl(F_SETLK)", "fcntl", [6]uint64{3, unix.F_SETLK, 0x1000}, nil, 0},
		{"fchmod 0755", "fchmod", [6]uint64{3, 0o755}, nil, 0},
		{"fchmod 4755", "fchmod", [6]uint64{3, 0o4755}, always, eperm},
		{"fchmodat 2755", "fchmodat", [6]uint64{atFDCWD, 0x1000, 0o2755}, always, eperm},
		{"fchmodat2 4755", "fchmodat2", [6]uint64{atFDCWD, 0x1000, 0o4755, 0}, always, eperm},
		{"openat O_CREAT 0644", "openat", [6]uint64{atFDCWD, 0x1000, unix.O_CREAT | unix.O_WRONLY, 0o644}, nil, 0},
		{"openat O_CREAT 4755", "openat", [6]uint64{atFDCWD, 0x1000, unix.O_CREAT | unix.O_WRONLY, 0o4755}, always, eperm},
		{"mknodat S_IFREG|6755", "mknodat", [6]uint64{atFDCWD, 0x1000, unix.S_IFREG | 0o6755}, always, eperm},
		{"mkdirat 2775 (a set-group-ID directory)", "mkdirat", [6]uint64{atFDCWD, 0x1000, 0o2775}, nil, 0},
		{"openat2", "openat2", [6]uint64{}, always, enosys},
		{"shmget", "shmget", [6]uint64{0x1234, 4096}, noIPCNS, eperm},
		{"shmat", "shmat", [6]uint64{7}, noIPCNS, eperm},
		{"msgsnd", "msgsnd", [6]uint64{7}, noIPCNS, eperm},
		{"semop", "semop", [6]uint64{7}, noIPCNS, eperm},
		{"mq_open", "mq_open", [6]uint64{0x1000}, noIPCNS, eperm},
		{"socket(0x1_00000002) is AF_INET to the kernel", "socket", [6]uint64{1<<32 | unix.AF_INET, unix.SOCK_STREAM}, noNet, eperm},
		{"socket(0x1_00000001) is AF_UNIX to the kernel", "socket", [6]uint64{1<<32 | unix.AF_UNIX, unix.SOCK_STREAM},
			noNetOrNoUnix, eperm},
		{"socket(0xffffffff_00000001)", "socket", [6]uint64{0xffffffff<<32 | unix.AF_UNIX}, noNetOrNoUnix, eperm},
		{"socket(AF_INET) with AF_UNIX allowed only", "socket", [6]uint64{unix.AF_INET}, noNet, eperm},

		{"clone for a thread", "clone", [6]uint64{unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND | unix.CLONE_THREAD | unix.CLONE_SYSVSEM}, nil, 0},
		{"clone for fork", "clone", [6]uint64{unix.CLONE_CHILD_SETTID | unix.CLONE_CHILD_CLEARTID | uint64(unix.SIGCHLD)}, nil, 0},
		{"clone exit signal 0x80 is not CLONE_NEWTIME", "clone", [6]uint64{0x80}, nil, 0},
		{"clone(CLONE_NEWUSER)", "clone", [6]uint64{unix.CLONE_NEWUSER | uint64(unix.SIGCHLD)}, always, eperm},
		{"clone(CLONE_NEWNS)", "clone", [6]uint64{unix.CLONE_NEWNS}, always, eperm},
		{"clone(CLONE_NEWPID)", "clone", [6]uint64{unix.CLONE_NEWPID}, always, eperm},
		{"clone(CLONE_NEWNET)", "clone", [6]uint64{unix.CLONE_NEWNET}, always, eperm},
		{"clone(CLONE_NEWUTS)", "clone", [6]uint64{unix.CLONE_NEWUTS}, always, eperm},
		{"clone(CLONE_NEWIPC)", "clone", [6]uint64{unix.CLONE_NEWIPC}, always, eperm},
		{"clone(CLONE_NEWCGROUP)", "clone", [6]uint64{unix.CLONE_NEWCGROUP}, always, eperm},
		{"clone(CLONE_NEWUSER) with high bits", "clone", [6]uint64{1<<40 | unix.CLONE_NEWUSER}, always, eperm},
		{"clone3", "clone3", [6]uint64{}, always, enosys},

		{"ioctl(TIOCSTI)", "ioctl", [6]uint64{0, tiocsti}, always, eperm},
		{"ioctl(0x1_00005412) is TIOCSTI to the kernel", "ioctl", [6]uint64{0, 1<<32 | tiocsti}, always, eperm},
		{"ioctl(TIOCLINUX)", "ioctl", [6]uint64{0, tioclinux}, always, eperm},
		{"ioctl(TIOCSETD)", "ioctl", [6]uint64{0, tiocsetd}, always, eperm},
		{"ioctl(TCGETS)", "ioctl", [6]uint64{0, unix.TCGETS}, nil, 0},
		{"ioctl(TIOCGWINSZ)", "ioctl", [6]uint64{1, unix.TIOCGWINSZ}, nil, 0},

		{"io_uring_setup", "io_uring_setup", [6]uint64{}, always, enosys},
		{"io_uring_enter", "io_uring_enter", [6]uint64{}, always, enosys},
		{"io_uring_register", "io_uring_register", [6]uint64{}, always, enosys},
		{"open_by_handle_at", "open_by_handle_at", [6]uint64{3, 0x1000, unix.O_WRONLY}, always, eperm},

		// Calls newer than the libseccomp that compiles the policy, by number
		// (numberedPrefix), and numbers newer than the policy.
		{"open_tree_attr", "open_tree_attr", [6]uint64{atFDCWD, 0x1000, 1}, always, eperm},
		{"file_setattr", "file_setattr", [6]uint64{atFDCWD, 0x1000, 0x2000, 24}, nil, 0},
		{"newer than the policy", "newer than the policy", [6]uint64{}, always, enosys},
		{"far newer than the policy", "far newer than the policy", [6]uint64{}, always, enosys},
	}
	for _, name := range []string{"unshare", "setns", "mount", "umount2", "chroot", "pivot_root", "ptrace",
		"process_vm_readv", "process_vm_writev", "pidfd_getfd", "bpf", "perf_event_open", "userfaultfd",
		"add_key", "request_key", "keyctl", "init_module", "finit_module", "delete_module", "kexec_load",
		"kexec_file_load", "open_tree", "move_mount", "fsopen", "mount_setattr", "reboot"} {
		tests = append(tests, struct {
			name    string
			syscall string
			args    [6]uint64
			denied  func(seccompFlags) bool
			errno   uint32
		}{name, name, [6]uint64{}, always, eperm})
	}

	for goarch, sys := range testSyscalls {
		progs := seccompProgramsFor(goarch)
		for v := range progs {
			prog := progs[v]
			t.Run(goarch+"/"+seccompVariantName(seccompFlags(v)), func(t *testing.T) {
				for _, tt := range tests {
					nr, ok := sys.nr[tt.syscall]
					if !ok {
						t.Fatalf("no %s number for %s", tt.syscall, goarch)
					}
					want := allow
					if tt.denied != nil && tt.denied(seccompFlags(v)) {
						want = tt.errno
					}
					if seccompFlags(v) == scFilesOnly && !filesOnlyDenied[tt.name] {
						want = allow // the files-only program refuses set-id modes alone
					}
					got := runBPF(t, prog, seccompData{nr: nr, arch: sys.arch, args: tt.args})
					if got != want {
						t.Errorf("%s: %s = %s, want %s", tt.name, formatCall(tt.syscall, tt.args), formatRet(got), formatRet(want))
					}
				}
				// Another ABI's numbers mean other syscalls: the process dies.
				for _, arch := range []uint32{sys.foreign, auditArchX86_64, auditArchAarch64} {
					if arch == sys.arch {
						continue
					}
					if got := runBPF(t, prog, seccompData{nr: 20, arch: arch}); got != kill {
						t.Errorf("getpid with arch %#x = %s, want %s", arch, formatRet(got), formatRet(kill))
					}
				}
				if goarch == "amd64" {
					// x32 syscalls share the arch value and set bit 30 of the number.
					if got := runBPF(t, prog, seccompData{nr: 0x40000000 | 39, arch: sys.arch}); got != kill {
						t.Errorf("x32 getpid = %s, want %s", formatRet(got), formatRet(kill))
					}
				}
			})
		}
	}
}

func formatCall(name string, args [6]uint64) string {
	return fmt.Sprintf("%s(%#x, %#x, ...)", name, args[0], args[1])
}

func formatRet(r uint32) string {
	switch {
	case r == retAllow:
		return "ALLOW"
	case r == retKillProcess:
		return "KILL_PROCESS"
	case r&0xffff0000 == retErrno:
		return fmt.Sprintf("ERRNO(%s)", unix.ErrnoName(unix.Errno(r&0xffff)))
	}
	return fmt.Sprintf("%#x", r)
}
