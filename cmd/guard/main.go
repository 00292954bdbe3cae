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
	growStack(0)
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// growStack grows the main goroutine's stack to 16 KiB while it is two
// frames deep. A judgement needs that much; grown later, deep in the
// judge, the runtime copies every frame and reads each one's stack map from
// the function tables, paging in a spread of them: 5% of a hook's or a
// `guard -- pwd`'s whole run, measured (make bench). Once grown, a stack
// is not shrunk before a garbage collection, which these short runs never
// reach.
//
//go:noinline
func growStack(i int) byte {
	var frame [12 << 10]byte
	frame[i] = 1
	return frame[(i+1)%len(frame)]
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
