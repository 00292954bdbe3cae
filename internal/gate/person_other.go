//go:build !linux

package gate

// insideSandbox: guard's sandbox exists on Linux only.
func insideSandbox() bool { return false }
