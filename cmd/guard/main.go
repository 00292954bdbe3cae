// Command guard stands between AI coding agents and the operating system:
// it classifies a command with a Starlark policy, decides from the approval
// mode whether it runs, runs sandboxed, is asked about or is refused, and
// execs it in place.
//
//	guard [flags] [--] PROGRAM [ARG...]
//	guard check | check-json | explain | policy | install | uninstall | which | doctor | hook | sh
//
// Invoked under another name (a PATH shim), guard guards that program.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// cli is one invocation's standard streams and environment.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	env    []string
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: os.Environ()}
	return c.dispatch(args)
}
