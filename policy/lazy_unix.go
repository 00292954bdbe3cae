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
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 || fi.Size() > 1<<31 {
		return os.ReadFile(path)
	}
	return syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
}
