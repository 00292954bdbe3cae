package main

import (
	"fmt"
	"strings"

	"guard/internal/gate"
)

// sh is a $SHELL for tools that run `$SHELL [OPTIONS] -c SCRIPT`: it judges
// the script, then runs it with /bin/sh, or refuses.
func (c *cli) sh(args []string) int {
	// Its failures are one line, or with GUARD_JSON=1 one JSON object, as
	// for guard -- PROGRAM (a tool that reads guard's JSON got a bare line).
	asJSON := gate.Getenv(c.env, "GUARD_JSON") == "1"
	argv, ok := shellArgs(args)
	if !ok {
		return c.failure(nil, fmt.Errorf("%w: guard sh [-lceuxvf] [-o NAME] [--login] -c [--] SCRIPT [NAME [ARG...]]", errUsage), asJSON)
	}
	g, err := c.newGate(gate.Options{})
	if err == nil {
		err = c.judgeStartupPATH(g, argv) // -l, --login: the profiles set PATH
	}
	if err != nil {
		return c.failure(argv, err, asJSON)
	}
	return g.Run(argv)
}

// shellArgs makes /bin/sh's argv of a call `$SHELL [OPTIONS] -c SCRIPT [NAME
// [ARG...]]` (args without $SHELL): option letters /bin/sh knows (-l, -e,
// -u, -x, -v, -f, bundled as in -lc; +e and the like), -o or +o NAME,
// --login (dash's -l), and -- or - before the script. ok is false when args
// is no such call. The judge reads the argv as the shell will.
func shellArgs(args []string) (argv []string, ok bool) {
	argv = []string{"/bin/sh"}
	sawC := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--login":
			argv = append(argv, "-l")
		case a == "-o" || a == "+o":
			if i+1 >= len(args) {
				return nil, false
			}
			argv = append(argv, a, args[i+1])
			i++
		case a == "--" || a == "-":
			if !sawC || i+1 >= len(args) {
				return nil, false
			}
			return append(append(argv, "--"), args[i+1:]...), true
		case len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "celuxvf") == "":
			sawC = sawC || strings.Contains(a, "c")
			argv = append(argv, a)
		case len(a) > 1 && a[0] == '+' && strings.Trim(a[1:], "euxvf") == "":
			argv = append(argv, a)
		default:
			if !sawC {
				return nil, false
			}
			return append(argv, args[i:]...), true
		}
	}
	return nil, false
}
