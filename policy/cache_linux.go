package policy

import (
	"os"
	"syscall"
)

// fileIdentity is the device, inode and change time (in nanoseconds) of a file.
func fileIdentity(fi os.FileInfo) (dev, ino uint64, ctime int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0
	}
	return uint64(st.Dev), st.Ino, st.Ctim.Nano()
}
