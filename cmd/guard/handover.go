package main

import (
	"errors"
	"fmt"
	"syscall"

	"guard/internal/gate"
	"guard/policy"
	"guard/shim"
)

// guard is built twice from this package. bin/guard (-tags guardfast) is what
// agents, shims and hooks run: it leaves out the Starlark interpreter and the
// shell parser, whose package initialisation alone costs more start-up time
// than the rest of guard's run path. bin/guard-full is everything. When
// bin/guard meets a command that needs what it left out (a policy file to
// evaluate, a shell script to parse, a subcommand other than check), it
// execs guard-full beside it with the same argv, argv[0] included, and the
// same environment, before it has read stdin, written anything or run
// anything; guard-full then does the whole job as guard would.

// handOver execs guard-full in place of this process. It returns only if the
// exec fails: guard refuses rather than run the command without judging it.
func (c *cli) handOver(why string) int {
	full, err := shim.Full()
	if err == nil {
		err = syscall.Exec(full, c.args, c.env)
		err = fmt.Errorf("exec %s: %w", full, err)
	}
	fmt.Fprintf(c.stderr, "guard: %s needs %s (guard with the Starlark interpreter and the shell parser), installed beside guard: %v\n", why, shim.FullName, err)
	return gate.ExitFailure
}

// needsFull reports whether bin/guard must hand argv over: a shell running a
// script, or a wrapper such as env or timeout, is judged through the parser.
func needsFull(argv []string) bool {
	return fastBuild && policy.NeedsParser(argv)
}

// missingStarlark reports whether err is bin/guard meeting a policy file.
func missingStarlark(err error) bool {
	return fastBuild && errors.Is(err, policy.ErrNoStarlark)
}
