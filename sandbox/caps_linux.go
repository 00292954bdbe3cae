package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Root keeps all its capabilities across execve unless they leave the bounding
// set. The sandbox keeps only what building and testing software as root needs
// (file ownership and permission overrides, setuid/setgid, kill, low ports) and
// drops the rest: CAP_SYS_ADMIN, CAP_SYS_BOOT, CAP_SYS_MODULE, CAP_SYS_RAWIO,
// CAP_SYS_TIME, CAP_SYS_PTRACE, CAP_NET_ADMIN, CAP_MKNOD, CAP_SYS_NICE,
// CAP_SYS_RESOURCE, CAP_IPC_OWNER, CAP_SETFCAP... Capability sets are per thread,
// like the rest of the confinement.

// keptCapabilities stay in the bounding set; CAP_NET_RAW too with AllowNetwork.
var keptCapabilities = []int{
	unix.CAP_CHOWN, unix.CAP_DAC_OVERRIDE, unix.CAP_DAC_READ_SEARCH, unix.CAP_FOWNER, unix.CAP_FSETID,
	unix.CAP_KILL, unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_NET_BIND_SERVICE, unix.CAP_LEASE,
	unix.CAP_AUDIT_WRITE,
}

func keptCapability(c int, network bool) bool {
	if network && c == unix.CAP_NET_RAW {
		return true
	}
	for _, k := range keptCapabilities {
		if k == c {
			return true
		}
	}
	return false
}

// capSets are the calling thread's capability sets.
type capSets struct{ effective, permitted, inheritable uint64 }

func readCapabilities() (capSets, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return capSets{}, fmt.Errorf("capget: %w", err)
	}
	join := func(lo, hi uint32) uint64 { return uint64(lo) | uint64(hi)<<32 }
	return capSets{
		effective:   join(data[0].Effective, data[1].Effective),
		permitted:   join(data[0].Permitted, data[1].Permitted),
		inheritable: join(data[0].Inheritable, data[1].Inheritable),
	}, nil
}

func hasCap(set uint64, c int) bool { return set&(1<<uint(c)) != 0 }

// dropCapabilities empties the inheritable set (inheritable capabilities survive
// execve whatever the bounding set) and the ambient set, and with bset (which needs
// CAP_SETPCAP) shrinks the bounding set to the kept capabilities, which is what
// limits root after execve.
func dropCapabilities(bset, network bool) error {
	if bset {
		for c := 0; c < 64; c++ {
			if keptCapability(c, network) {
				continue
			}
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
				if err == unix.EINVAL { // past the kernel's last capability
					break
				}
				return fmt.Errorf("prctl(PR_CAPBSET_DROP, %d): %w", c, err)
			}
		}
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	if data[0].Inheritable|data[1].Inheritable != 0 {
		data[0].Inheritable, data[1].Inheritable = 0, 0
		if err := unix.Capset(&hdr, &data[0]); err != nil {
			return fmt.Errorf("capset: %w", err)
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
		return fmt.Errorf("prctl(PR_CAP_AMBIENT_CLEAR_ALL): %w", err)
	}
	return nil
}

// droppableInBoundingSet returns a capability that dropCapabilities would remove
// from the bounding set and that is still there, if any.
func droppableInBoundingSet(network bool) (int, bool) {
	for c := 0; c < 64; c++ {
		if keptCapability(c, network) {
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
