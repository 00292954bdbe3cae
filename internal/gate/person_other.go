//go:build !linux

package gate

// insideSandbox: guard's sandbox exists on Linux only.
func insideSandbox() bool { return false }

// controllingTerminal: without /proc guard cannot name its terminal.
func controllingTerminal() int { return 0 }

// madeInsideTerminal: without /proc guard cannot see who made its terminal.
func madeInsideTerminal(int) string { return "" }
