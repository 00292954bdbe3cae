//go:build unix

package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// writable waits up to d for room to write to f (a pipe nobody reads stays
// full). A file that is always writable, or one that failed (the write then
// reports why), returns at once.
func writable(f *os.File, d time.Duration) error {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLOUT}}
	deadline := time.Now().Add(d)
	for {
		n, err := unix.Poll(fds, int(time.Until(deadline).Milliseconds()))
		switch {
		case err == unix.EINTR && time.Now().Before(deadline):
			continue
		case err != nil:
			return nil // let the write say what is wrong
		case n == 0:
			return fmt.Errorf("no reader within %v", d)
		}
		return nil
	}
}
