// Command execonly is the baseline of `make bench`: a minimal Go program that
// only execs its arguments, the floor any exec wrapper written in Go stands on.
package main

import (
	"os"
	"os/exec"
	"syscall"
)

func main() {
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		os.Exit(127)
	}
	err = syscall.Exec(path, os.Args[1:], os.Environ())
	_ = err
	os.Exit(126)
}
