//go:build unix

package policy

import (
	"os"
	"syscall"
)

// mapFile maps a cache entry read-only: only the pages an argv's lookup
// touches are read. The mapping lives as long as the process (guard execs
// or exits soon after).
func mapFile(path string) ([]byte, error) {
	// Without blocking: a FIFO put where the entry goes opens at once and
	// is then refused, as is any other file that is not a regular one.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.EINVAL}
	}
	if fi.Size() == 0 || fi.Size() > 1<<31 {
		return nil, &os.PathError{Op: "map", Path: path, Err: syscall.EFBIG}
	}
	return syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
}
