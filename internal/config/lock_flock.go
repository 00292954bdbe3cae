//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package config

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockTimeout bounds the wait for the directory lock: guard must never hang
// because some other process holds it.
const lockTimeout = 5 * time.Second

// LockDir takes an exclusive flock(2) on dir and returns its release.
func LockDir(dir string) (unlock func(), err error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	rc, err := d.SyscallConn()
	if err != nil {
		d.Close()
		return nil, err
	}
	deadline := time.Now().Add(lockTimeout)
	for {
		var ferr error
		if err := rc.Control(func(fd uintptr) {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
		}); err != nil {
			ferr = err
		}
		if ferr == nil {
			return func() { d.Close() }, nil // closing releases the lock
		}
		if !errors.Is(ferr, syscall.EWOULDBLOCK) && !errors.Is(ferr, syscall.EINTR) {
			d.Close()
			return nil, fmt.Errorf("flock %s: %w", dir, ferr)
		}
		if time.Now().After(deadline) {
			d.Close()
			return nil, fmt.Errorf("flock %s: still locked by another process after %v", dir, lockTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
