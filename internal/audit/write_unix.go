//go:build unix

package audit

import (
	"os"
	"syscall"
)

// openFlags makes opening a FIFO without a reader fail (ENXIO) instead of
// blocking; it does nothing to regular files.
const openFlags = syscall.O_NONBLOCK

// writeOnce writes b with exactly one write(2), retried only when a signal
// interrupted it before anything was written. (os.File.Write loops on short
// writes, which could split a line between two appends.)
func writeOnce(f *os.File, b []byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var werr error
	err = rc.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), b)
			if werr != syscall.EINTR {
				return true
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if n < 0 {
		n = 0
	}
	return n, werr
}
