//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
)

// Owner returns who must own a file or directory guard makes at path when
// guard runs as root in a place that belongs to someone else (`sudo -E
// guard trust`, `sudo -E guard setup` in a user's home): the owner of what
// is there, else of the nearest directory above it that exists. ok is false
// otherwise: what guard makes is then its own user's. Root-owned, the
// user's own guard and agents could no longer read their configuration.
func Owner(path string) (uid, gid int, ok bool) {
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

// MkdirAll is os.MkdirAll, the directories it makes given to Owner(dir).
func MkdirAll(dir string, perm os.FileMode) error {
	uid, gid, chown := Owner(dir)
	var made []string
	for d := filepath.Clean(dir); chown; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	for _, d := range made {
		if err := os.Lchown(d, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// hardLinked reports whether the regular file fi has other names (a
// dotfiles tool that links by hard links).
func hardLinked(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.Mode().IsRegular() && st.Nlink > 1
}

// OneName returns a *LinkedError when the file at path (a symbolic link
// followed) has more than one name. guard's own state (config.toml, the
// policy layers, trusted.json, the audit log) is protected by its names: a
// hard link elsewhere, in a directory a command may write (a dotfiles
// checkout the agent works on), is a name no protection covers. A missing
// file is no error.
func OneName(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode().IsRegular() && st.Nlink > 1 {
		return &LinkedError{Path: path, Names: uint64(st.Nlink)}
	}
	return nil
}

// ownMode returns the permission bits of path when it is this user's own
// file, and ok false when it is not (or cannot be looked at).
func ownMode(path string) (mode os.FileMode, ok bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	st, isStat := fi.Sys().(*syscall.Stat_t)
	if !isStat || int(st.Uid) != os.Getuid() {
		return 0, false
	}
	return fi.Mode().Perm(), true
}
