package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Root gets every capability back at execve. The sandbox lets it keep only what
// building and testing software as root needs (file ownership and permission
// overrides, setuid/setgid, kill, low ports) and takes the rest: CAP_SYS_ADMIN,
// CAP_NET_RAW, CAP_LEASE, CAP_FSETID,
// CAP_SYS_BOOT, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_PTRACE,
// CAP_NET_ADMIN, CAP_MKNOD, CAP_SYS_NICE, CAP_SYS_RESOURCE, CAP_IPC_OWNER,
// CAP_SETFCAP, CAP_SETPCAP...
//
// The way (capsNoRoot): the securebit SECBIT_NOROOT, locked, ends root's special
// case at execve, and the kept capabilities cross it as ambient capabilities, as
// they would for any user. The permitted set shrinks to them, and no_new_privs
// caps what a file-capability program gets at execve to the permitted set, so
// nothing dropped comes back, through any later execve either. This is 14
// credential changes, where emptying the bounding set one capability at a time
// took 31, each a commit_creds and an RCU free (about 0.02 ms in all). The bounding
// set stays as it was. Capability sets are per thread, like the rest of the
// confinement.

// keptCapabilities are the ones root keeps, with or without AllowNetwork: not
// CAP_NET_RAW (an AF_PACKET socket sniffs every process's traffic; ping works
// through ICMP datagram sockets), nor CAP_LEASE (a lease on any file stalls
// others' open(2) for lease-break-time), nor CAP_FSETID: with it, writing
// into a set-user-ID program keeps the bit, so root turned a set-id program
// already in a root (/tmp is one) into a set-id shell; set-id modes are
// refused anyway (seccomp), which leaves it nothing to do.
var keptCapabilities = []int{
	unix.CAP_CHOWN, unix.CAP_DAC_OVERRIDE, unix.CAP_DAC_READ_SEARCH, unix.CAP_FOWNER,
	unix.CAP_KILL, unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_NET_BIND_SERVICE, unix.CAP_AUDIT_WRITE,
}

func keptCapability(c int) bool {
	for _, k := range keptCapabilities {
		if k == c {
			return true
		}
	}
	return false
}

// keptSet is keptCapabilities as a set.
func keptSet() uint64 {
	var s uint64
	for c := 0; c < 64; c++ {
		if keptCapability(c) {
			s |= 1 << uint(c)
		}
	}
	return s
}

// The securebits (linux/securebits.h).
const (
	secbitNoRoot       = 1 << 0
	secbitNoRootLocked = 1 << 1
)

// capsPlan is how the thread's capabilities are confined.
type capsPlan int

const (
	capsNone   capsPlan = iota // not root, no capabilities: nothing to do
	capsClear                  // not root: empty the inheritable and ambient sets
	capsNoRoot                 // root with CAP_SETPCAP: SECBIT_NOROOT, kept ones ambient
	// capsShrink: root without CAP_SETPCAP, where execve cannot give back more than
	// the kept capabilities anyway (SECBIT_NOROOT set already, as in a nested
	// guard, or a bounding set within them): shrink the sets to the kept ones.
	capsShrink
)

// capSets are the calling thread's capability sets and securebits.
type capSets struct {
	effective, permitted, inheritable uint64
	securebits                        int
}

func readCapabilities() (capSets, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return capSets{}, fmt.Errorf("capget: %w", err)
	}
	bits, err := unix.PrctlRetInt(unix.PR_GET_SECUREBITS, 0, 0, 0, 0)
	if err != nil {
		return capSets{}, fmt.Errorf("prctl(PR_GET_SECUREBITS): %w", err)
	}
	join := func(lo, hi uint32) uint64 { return uint64(lo) | uint64(hi)<<32 }
	return capSets{
		effective:   join(data[0].Effective, data[1].Effective),
		permitted:   join(data[0].Permitted, data[1].Permitted),
		inheritable: join(data[0].Inheritable, data[1].Inheritable),
		securebits:  bits,
	}, nil
}

func hasCap(set uint64, c int) bool { return set&(1<<uint(c)) != 0 }

// planCapabilities chooses the plan for a thread with effective uid euid and the
// sets cs; for root without a way to confine, it returns why not.
func planCapabilities(euid int, cs capSets) (plan capsPlan, why string) {
	switch {
	case euid != 0 && cs.permitted == 0 && cs.inheritable == 0:
		return capsNone, ""
	case euid != 0:
		return capsClear, ""
	case hasCap(cs.effective, unix.CAP_SETPCAP):
		return capsNoRoot, ""
	case cs.securebits&secbitNoRoot != 0:
		return capsShrink, ""
	}
	if c, ok := droppableInBoundingSet(); ok {
		return capsNone, fmt.Sprintf("no CAP_SETPCAP to keep root from regaining capability %d at execve", c)
	}
	return capsShrink, ""
}

// confineCapabilities carries out plan on the calling thread, whose sets are cs
// (read by newConfinement: nothing in between changes them).
func confineCapabilities(plan capsPlan, cs capSets) error {
	// capset sets effective and permitted to what is left of them within permitted,
	// and inheritable to inheritable; it empties the ambient set of what is no
	// longer both permitted and inheritable.
	capset := func(permitted, inheritable uint64) error {
		hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		var data [2]unix.CapUserData
		for i := range data {
			shift := 32 * uint(i)
			data[i].Permitted = uint32((cs.permitted & permitted) >> shift)
			data[i].Effective = uint32((cs.effective & permitted) >> shift)
			data[i].Inheritable = uint32(inheritable >> shift)
		}
		if err := unix.Capset(&hdr, &data[0]); err != nil {
			return fmt.Errorf("capset: %w", err)
		}
		return nil
	}
	kept := keptSet() & cs.permitted

	switch plan {
	case capsClear:
		if cs.inheritable == 0 {
			return nil // the ambient set is within the inheritable one: empty too
		}
		return capset(cs.permitted, 0)
	case capsShrink:
		return capset(kept, kept&cs.inheritable)
	case capsNoRoot:
		// Ambient capabilities must be permitted and inheritable; the securebits
		// need CAP_SETPCAP, so the permitted set shrinks last.
		if err := capset(cs.permitted, kept); err != nil {
			return err
		}
		for c := 0; c < 64; c++ {
			if hasCap(kept, c) {
				if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(c), 0, 0); err != nil {
					return fmt.Errorf("prctl(PR_CAP_AMBIENT_RAISE, %d): %w", c, err)
				}
			}
		}
		bits := cs.securebits | secbitNoRoot | secbitNoRootLocked
		if err := unix.Prctl(unix.PR_SET_SECUREBITS, uintptr(bits), 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_SET_SECUREBITS): %w", err)
		}
		return capset(kept, kept)
	case capsBounding:
		return dropFilesOnlyCapabilities(cs)
	}
	return nil
}

// droppableInBoundingSet returns a capability beyond the kept ones that is still
// in the bounding set, if any: root gets it back at execve.
func droppableInBoundingSet() (int, bool) {
	for c := 0; c < 64; c++ {
		if keptCapability(c) {
			continue
		}
		in, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0)
		if err != nil {
			return 0, false // past the last capability
		}
		if in == 1 {
			return c, true
		}
	}
	return 0, false
}

// filesOnlyDropped are the capabilities root loses in the files-only profile
// (auto-edit's confined runs), which keeps the rest so that its tools work as
// they did: CAP_SETFCAP (a file capability set on a program inside a root
// gives it to whoever runs it later: the set-id plant without set-id bits),
// CAP_MKNOD (device nodes; Landlock refuses them in the roots too), CAP_NET_RAW
// (sniffing), CAP_LEASE (leases stall other processes' open), CAP_FSETID (a
// set-user-ID program overwritten keeps its bit), CAP_SYS_ADMIN (Landlock
// refuses mount(2), but not mount_setattr(2), open_tree(2) or
// open_tree_attr(2): with them, root made its read-only mounts, or a
// detached copy of them, writable again, and chmod and chown reached
// everything), and what no build needs: modules, raw I/O, reboot, the clock,
// MAC policy, BPF, perf, audit control, the kernel log. Root keeps file
// ownership, setuid and the rest.
var filesOnlyDropped = []int{
	unix.CAP_SETFCAP, unix.CAP_MKNOD, unix.CAP_NET_RAW, unix.CAP_LEASE, unix.CAP_FSETID, unix.CAP_SYS_ADMIN,
	unix.CAP_SYS_MODULE, unix.CAP_SYS_RAWIO, unix.CAP_SYS_BOOT, unix.CAP_SYS_TIME,
	unix.CAP_MAC_ADMIN, unix.CAP_MAC_OVERRIDE, unix.CAP_BPF, unix.CAP_PERFMON,
	unix.CAP_AUDIT_CONTROL, unix.CAP_SYSLOG,
}

// capsBounding is the files-only plan (capsPlan): drop filesOnlyDropped from
// the bounding set, so that execve cannot give them back, and from the
// thread's sets. It needs CAP_SETPCAP.
const capsBounding capsPlan = 100

// planFilesOnlyCapabilities chooses the files-only plan: capsBounding for root
// when execve could give it one of filesOnlyDropped (still in the bounding set
// while root's special case holds, or held in the permitted or inheritable
// set), capsNone when it cannot (a nested guard, SECBIT_NOROOT set by an
// enclosing full-auto sandbox) or the thread is not root (execve gives an
// ordinary user no capability, no_new_privs none from a file). why says why
// root cannot.
func planFilesOnlyCapabilities(euid int, cs capSets) (plan capsPlan, why string) {
	if euid != 0 {
		return capsNone, ""
	}
	rootRegains := cs.securebits&secbitNoRoot == 0
	for _, c := range filesOnlyDropped {
		held := hasCap(cs.permitted, c) || hasCap(cs.inheritable, c)
		in, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0)
		if !held && (err != nil || in != 1 || !rootRegains) {
			continue
		}
		if !hasCap(cs.effective, unix.CAP_SETPCAP) {
			return capsNone, fmt.Sprintf("no CAP_SETPCAP to drop capability %d from the bounding set", c)
		}
		return capsBounding, ""
	}
	return capsNone, ""
}

// dropFilesOnlyCapabilities carries out capsBounding on the calling thread,
// whose sets are cs.
func dropFilesOnlyCapabilities(cs capSets) error {
	var drop uint64
	for _, c := range filesOnlyDropped {
		err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
		if err == unix.EINVAL {
			continue // a capability this kernel does not know
		}
		if err != nil {
			return fmt.Errorf("prctl(PR_CAPBSET_DROP, %d): %w", c, err)
		}
		drop |= 1 << uint(c)
	}
	if (cs.permitted|cs.inheritable)&drop == 0 {
		return nil
	}
	// capset also empties the ambient set of what is no longer permitted.
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	for i := range data {
		shift := 32 * uint(i)
		data[i].Permitted = uint32((cs.permitted &^ drop) >> shift)
		data[i].Effective = uint32((cs.effective &^ drop) >> shift)
		data[i].Inheritable = uint32((cs.inheritable &^ drop) >> shift)
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}
