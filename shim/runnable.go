package shim

import (
	"os"

	"golang.org/x/sys/unix"
)

// Runnable reports whether the running account may execute path, whose
// information (symlinks followed) is fi, as execve decides it: a regular
// file with an execute bit this account is granted (root: any execute
// bit). Mode bits alone are not the answer for anyone else: a program
// another account installed with mode 0700 or 0750 has execute bits, but
// execve refuses it (EACCES), and execvp (timeout, nice, xargs, env, find
// -exec) and the shells' PATH search then go on to the next directory on
// PATH, a planted one in the project included. Costs one faccessat for an
// account other than root.
func Runnable(path string, fi os.FileInfo) bool {
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return false
	}
	if os.Geteuid() == 0 {
		return true
	}
	return unix.Faccessat(unix.AT_FDCWD, path, unix.X_OK, unix.AT_EACCESS) == nil
}
