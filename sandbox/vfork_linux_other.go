//go:build linux && !amd64

package sandbox

import "golang.org/x/sys/unix"

// rawVfork is clone(2) with flags and no stack of its own: a fork, since
// vforkFlags is empty here (only amd64 has the code that lets the child run
// on the parent's stack).
func rawVfork(flags uintptr) (pid, errno uintptr) {
	pid, _, e := unix.RawSyscall6(unix.SYS_CLONE, flags, 0, 0, 0, 0, 0)
	return pid, uintptr(e)
}

const vforkFlags = 0
