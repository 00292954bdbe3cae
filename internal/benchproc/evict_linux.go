package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// evict drops f's clean pages from the page cache.
func evict(f *os.File) error {
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
