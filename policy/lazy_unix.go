//go:build unix

package policy

import (
	"guard/internal/safefile"
	"os"
	"syscall"
)

// mapFile maps a cache entry read-only: only the pages an argv's lookup
// touches are read. The mapping lives as long as the process (guard execs
// or exits soon after).
func mapFile(path string) ([]byte, error) {
	// Without blocking: a FIFO put where the entry goes opens at once and
	// is then refused, as is any other file that is not a regular one, and
	// one that is not guard's own (safefile.OpenMine).
	f, fi, err := safefile.OpenMine(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() == 0 || fi.Size() > 1<<31 {
		return nil, &os.PathError{Op: "map", Path: path, Err: syscall.EFBIG}
	}
	return syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
}
