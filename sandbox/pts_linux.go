package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// privateTerminals mounts a new devpts instance on /dev/pts in the thread's mount
// namespace: other terminals' /dev/pts/N, which a program of the same user (or
// root) could open to read what is typed there or resize with TIOCSWINSZ, are not
// in it. The program's own terminal stays reachable through its inherited
// descriptors and /dev/tty (the controlling terminal is found without a path),
// and /dev/ptmx makes new pseudo-terminals in the new instance (the kernel looks
// for the devpts mounted at pts beside it). What looks its own terminal up by its
// /dev/pts name no longer finds it: ttyname(3) fails, tty(1) says "not a tty",
// GPG_TTY=$(tty) is empty. Without a mount namespace (an ordinary user)
// there is no way to do this: Landlock grants reading beneath / as one rule and
// checks a pseudo-terminal opened through TIOCGPTPEER against /dev/pts too, so
// carving other terminals out would break every pty made inside (see doc.go).
func privateTerminals() error {
	var st unix.Statfs_t
	if err := unix.Statfs("/dev/pts", &st); err != nil || st.Type != unix.DEVPTS_SUPER_MAGIC {
		return nil // no devpts there: no terminals to hide
	}
	err := unix.Mount("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
	if err != nil {
		return fmt.Errorf("mount devpts on /dev/pts: %w", err)
	}
	return nil
}
