package sandbox

import "golang.org/x/sys/unix"

// rawVfork is clone(2) with flags and no stack of its own (vfork_linux_amd64.s).
func rawVfork(flags uintptr) (pid, errno uintptr)

// vforkFlags are added to the user-namespace child's clone flags: it shares
// guard's memory and guard's thread waits until it execs, so that the kernel
// neither copies guard's page tables nor makes guard's pages copy-on-write
// (about a tenth of an ordinary user's start with the lists, by perf).
const vforkFlags = unix.CLONE_VM | unix.CLONE_VFORK
