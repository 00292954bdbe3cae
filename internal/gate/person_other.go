//go:build !linux

package gate

import "golang.org/x/sys/unix"

// insideSandbox: guard's sandbox exists on Linux only.
func insideSandbox() bool { return false }

// controllingTerminal: without /proc, the device number of the terminal at
// guard's stdin or stderr (0: neither is one), as every guard here reads it.
func controllingTerminal() int {
	for _, fd := range []int{0, 2} {
		var st unix.Stat_t
		if isTerminal(fd) && unix.Fstat(fd, &st) == nil && st.Rdev != 0 {
			return int(st.Rdev)
		}
	}
	return 0
}

// madeInsideTerminal: without /proc guard cannot see who made its terminal.
func madeInsideTerminal(int) string { return "" }
