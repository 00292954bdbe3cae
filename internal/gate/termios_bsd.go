//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package gate

import "golang.org/x/sys/unix"

// ioctlGetTermios is the ioctl request that reads a terminal's settings.
const ioctlGetTermios = unix.TIOCGETA

// flushInput discards what was typed at terminal fd and not yet read
// (TIOCFLUSH with FREAD, 1).
func flushInput(fd int) error { return unix.IoctlSetPointerInt(fd, unix.TIOCFLUSH, 1) }
