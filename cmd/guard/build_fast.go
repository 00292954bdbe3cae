//go:build guardfast

package main

import "os"

// fastBuild is true in bin/guard, built with -tags guardfast: it leaves the
// Starlark interpreter and the shell parser out, and hands the commands that
// need them to guard-full (see handover.go).
const fastBuild = true

// bin/guard does its work in init and never reaches main. The runtime runs init
// functions on the startup thread and keeps them there, which is the hold the
// sandbox needs on the thread it confines and execs from (sandbox.ExecFromInit).
// From main, it would take runtime.LockOSThread, which starts one more thread
// that execve then has to end: 0.04 ms, 2% of a short command.
func init() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// fromInit: run is called from init.
const fromInit = true
