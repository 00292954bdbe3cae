package sandbox

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// A descriptor opened before the confinement refers to a mount of the original
// namespace, where the read-only copies and the binds over the protected paths
// and secrets do not exist. Above 2 they are closed at execve (fds_linux.go);
// 0, 1 and 2 are the caller's redirections and stay. But /proc/self/fd/N of a
// directory is a way back into the original tree (`cat /proc/self/fd/0/.env`,
// `echo x > /proc/self/fd/0/.git/hooks/pre-commit` with a project directory on
// stdin), as is an O_PATH descriptor, and /proc/self/fd/N of a regular file
// reopens it for writing on its original, writable mount (a protected
// .git/config on stdin).

// guardStdFDs replaces each of descriptors 0, 1 and 2 that is a directory or an
// O_PATH descriptor with /dev/null (nothing can be read from or written to
// either through the descriptor itself), and refuses a regular file that lies
// in a protected path: it cannot be made safe without changing what the
// program reads. A secret on a standard descriptor is the caller's to give.
func (c *confinement) guardStdFDs() error {
	for fd := 0; fd <= 2; fd++ {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			continue // not open
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return fmt.Errorf("fstat(%d): %w", fd, err)
		}
		switch {
		case fl&unix.O_PATH != 0 || st.Mode&unix.S_IFMT == unix.S_IFDIR:
			null, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("open /dev/null: %w", err)
			}
			err = unix.Dup3(null, fd, 0)
			unix.Close(null)
			if err != nil {
				return fmt.Errorf("dup3(/dev/null, %d): %w", fd, err)
			}
		case st.Mode&unix.S_IFMT == unix.S_IFREG && len(c.readOnly) > 0:
			buf := make([]byte, unix.PathMax)
			n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(fd), buf)
			if err != nil {
				return fmt.Errorf("readlink /proc/self/fd/%d: %w", fd, err)
			}
			p := string(buf[:n])
			for _, ro := range c.readOnly {
				if within(p, ro) {
					return fmt.Errorf("descriptor %d is %s, a protected path: the program could reopen it for writing through /proc/self/fd/%d (redirect it from a copy)", fd, p, fd)
				}
			}
		}
	}
	return nil
}
