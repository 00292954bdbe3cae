//go:build unix

package install

import (
	"os"
	"path/filepath"
	"syscall"
)

// fileOwner returns who must own a file guard writes at path when guard
// runs as root and the place belongs to someone else (`sudo -E guard setup`
// in a user's home): the owner of the file there, else of the nearest
// directory above it that exists. ok is false otherwise: the file is then
// guard's own user's, as any new file.
func fileOwner(path string) (uid, gid int, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	for p := path; ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil {
			st, isStat := fi.Sys().(*syscall.Stat_t)
			if !isStat || st.Uid == 0 {
				return 0, 0, false
			}
			return int(st.Uid), int(st.Gid), true
		}
		if p == filepath.Dir(p) {
			return 0, 0, false
		}
	}
}
