// Command guard stands between AI coding agents and the operating system:
// it classifies a command with a Starlark policy, decides from the approval
// mode whether it runs, runs sandboxed, is asked about or is refused, and
// execs it in place.
//
//	guard [flags] [--] PROGRAM [ARG...]
//	guard check | check-json | explain | policy | install | uninstall | which | doctor | hook | sh
//
// Invoked under another name (a PATH shim), guard guards that program.

// A guard process lives a few milliseconds: the runtime's goroutine that
// follows the CPU limit of its cgroup (GOMAXPROCS) would only be started,
// and woken, for nothing.
//
//go:debug updatemaxprocs=0
package main

import (
	"fmt"
	"io"
	"os"

	// First of guard's packages to initialise: maps the heap pages a run
	// touches in one system call instead of some 200 page faults (see the
	// package).
	_ "guard/internal/prefault"
)

func main() {
	growStack()
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// growStack grows the main goroutine's stack in one step, while it is two
// frames deep, to the size judging a command reaches (parsing a script and
// running the policy go some 40 KB deep). Left to grow on demand the
// runtime doubles it from 8 KB three or four times, each time walking and
// copying every frame of a deep stack: a tenth of a millisecond of each
// hook call, measured.
//
//go:noinline
func growStack() {
	var pad [48 << 10]byte
	keep(pad[:])
}

//go:noinline
func keep([]byte) {}

// cli is one invocation's standard streams and environment.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	env    []string
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: os.Environ()}
	if len(args) == 0 {
		// execve with no argv at all (possible before Linux 5.18): guard
		// itself, with nothing to do, not an index out of range.
		args = []string{""}
	}
	if len(args) > 1 && args[1] == "hook" {
		return c.dispatch(args) // the hook checks its own answer's write
	}
	out := &checkedWriter{w: stdout}
	c.stdout = out
	defer func() {
		// A bug in guard (a file name once crashed a check): one line and
		// guard's own status, as for every other failure, not a Go stack
		// trace and the status of a usage error. A panic while judging
		// runs nothing: guard runs a command only after every check.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "guard: internal error: %v (a bug in guard; please report it with the command)\n", r)
			code = 125
		}
	}()
	code = c.dispatch(args)
	if out.err != nil {
		// explain, help, doctor, log... to a full disk: what was asked for
		// was not printed. A status that says more than success is kept.
		fmt.Fprintf(stderr, "guard: the output could not be written: %v\n", out.err)
		if code == 0 {
			return 125
		}
	}
	return code
}

// checkedWriter keeps the first error of its writes.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (o *checkedWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}
