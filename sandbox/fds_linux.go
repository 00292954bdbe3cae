package sandbox

import (
	"fmt"
	"slices"

	"golang.org/x/sys/unix"
)

// fdScan bounds the descriptors closeInheritedFDs examines one by one; those from
// fdScan up are all marked close-on-exec, pipes included. bash's process
// substitution uses 63 and down.
const fdScan = 128

// closeInheritedFDs marks every descriptor above 2 close-on-exec, except pipes and
// FIFOs. A descriptor opened before Landlock is not checked by it: an inherited
// file opened for writing outside the roots, a socket to a daemon, a netlink or
// TCP socket would all outlive the confinement. Pipes only carry bytes to whoever
// holds the other end, and keeping them keeps make's jobserver and bash's <(...)
// working. Descriptors 0, 1 and 2 are the caller's choice and stay as they are.
//
// One poll(2) over descriptors 3 to fdScan-1 finds the open ones (the others come
// back POLLNVAL), which is cheaper than reading /proc/self/fd. own are descriptors
// known to be close-on-exec already (the confinement's), passed over unexamined.
func closeInheritedFDs(own []int) error {
	var pfds [fdScan - 3]unix.PollFd
	for i := range pfds {
		pfds[i].Fd = int32(3 + i)
	}
	for {
		_, err := unix.Poll(pfds[:], 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			// EINVAL: RLIMIT_NOFILE below fdScan. Examine nothing one by one.
			return closeRangeOnExec(3)
		}
		break
	}
	for i := range pfds {
		if pfds[i].Revents&unix.POLLNVAL != 0 {
			continue
		}
		fd := 3 + i
		if slices.Contains(own, fd) {
			continue
		}
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil || flags&unix.FD_CLOEXEC != 0 {
			continue // closed meanwhile, or already close-on-exec (Go's own)
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT == unix.S_IFIFO {
			continue
		}
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags|unix.FD_CLOEXEC); err != nil {
			return fmt.Errorf("fcntl(%d, F_SETFD, FD_CLOEXEC): %w", fd, err)
		}
	}
	return closeRangeOnExec(fdScan)
}

func closeRangeOnExec(first uint) error {
	if err := unix.CloseRange(first, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("close_range(%d, ~0, CLOSE_RANGE_CLOEXEC): %w", first, err)
	}
	return nil
}
