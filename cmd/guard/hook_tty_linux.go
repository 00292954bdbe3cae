package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// stdinTerminal reports whether f is a terminal.
func stdinTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
