package gate

import "golang.org/x/sys/unix"

// ioctlGetTermios is the ioctl request that reads a terminal's settings.
const ioctlGetTermios = unix.TCGETS

// flushInput discards what was typed at terminal fd and not yet read.
func flushInput(fd int) error { return unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH) }
