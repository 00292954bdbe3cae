package sandbox

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// leaveTerminal gives up the controlling terminal, for this process and so
// for the program, when none of the standard descriptors is a terminal: an
// agent runs commands with pipes, in its own session, and /dev/tty there is
// the terminal a person types into the agent's prompt on (a sandboxed program
// opened it and read the keys meant for the agent). A program started from a
// terminal, with one of its descriptors on it, keeps it (a person's prompts:
// ssh, sudo, git's credential questions). The process stays in its process
// group, so the agent's signals to the group still reach it; a session
// leader is left as it is (giving the terminal up would hang the session
// up). After it, opening /dev/tty fails with ENXIO.
func leaveTerminal() error {
	for fd := 0; fd <= 2; fd++ {
		if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			return nil
		}
	}
	if sid, err := unix.Getsid(0); err != nil || sid == unix.Getpid() {
		return nil
	}
	fd, err := unix.Open("/dev/tty", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil // no controlling terminal
	}
	defer unix.Close(fd)
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TIOCNOTTY, 0); e != 0 {
		return fmt.Errorf("give up the controlling terminal (TIOCNOTTY): %w", e)
	}
	return nil
}
