package main

import (
	"fmt"
	"strings"

	"guard/internal/gate"
)

// sh is a $SHELL for tools that run `$SHELL [OPTIONS] -c SCRIPT`: it judges
// the script, then runs it with /bin/sh (or bash, as the configuration's
// shell key says), or refuses.
func (c *cli) sh(args []string) int {
	// Its failures are one line, or with GUARD_JSON=1 one JSON object, as
	// for guard -- PROGRAM (a tool that reads guard's JSON got a bare line).
	asJSON := c.envJSON()
	argv, ok := shellArgs(args)
	if !ok {
		return c.failure(nil, fmt.Errorf("%w: %sguard sh [-lceuxvf] [-o NAME] [--login] -c [--] SCRIPT [NAME [ARG...]]", errUsage, notAShell(args)), asJSON)
	}
	g, err := c.newGate(gate.Options{})
	if err == nil && g.Config.Shell == "bash" {
		// shell = "bash": the script runs with the bash PATH finds, judged
		// as `guard -- bash -c` judges it (its dialect, BASH_ENV, inherited
		// functions, a planted bash). /bin/sh is dash on Debian, which
		// refuses `set -o pipefail` (make's .SHELLFLAGS) and [[ ]].
		argv[0] = "bash"
	}
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
		case !sawC || len(a) > 1 && (a[0] == '-' || a[0] == '+'):
			// An option guard does not take, after -c as before it: the
			// shell would read it as one (`-c -a S`), not as the script.
			return nil, false
		default:
			return append(argv, args[i:]...), true
		}
	}
	return nil, false
}

// shellOption reports whether a, guard's first argument, is an option a
// shell is started with (-i, -l, -s, --login, -o, bash's --norc...), which
// guard's own flags never are: guard was started as $SHELL, and what it
// cannot run that way is refused saying why, not as an unknown flag.
func shellOption(a string) bool {
	switch a {
	case "--login", "--norc", "--noprofile", "--posix", "--rcfile", "--init-file", "-O", "+O", "-o", "+o":
		return true
	}
	return len(a) > 1 && (a[0] == '-' || a[0] == '+') && strings.Trim(a[1:], "celuxvfis") == ""
}

// notAShell says why args are no shell call guard runs, as the start of
// its usage error: guard runs a script given with -c, judged first, and
// nothing a shell would read later (an interactive shell's input and its
// $ENV file, a script on stdin or in a file).
func notAShell(args []string) string {
	sawC := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" {
			break
		}
		if a == "-o" || a == "+o" {
			i++ // its NAME
			continue
		}
		if !shellOption(a) {
			if sawC && len(a) > 1 && (a[0] == '-' || a[0] == '+') {
				return a + ": guard as a shell does not take this option (a shell reads it, after -c as before it, as an option, not as the script); "
			}
			if !sawC {
				return "guard as a shell runs a script given with -c, not a file (" + gate.Visible(a) + "): give the script with -c, or run the file with guard -- sh FILE; "
			}
			break
		}
		switch {
		case len(a) > 1 && a[1] != '-' && strings.Contains(a, "i"):
			return "-i: guard runs no interactive shell (it would read commands, and its $ENV file, that guard does not judge): give the script with -c, without -i; "
		case len(a) > 1 && a[1] != '-' && strings.Contains(a, "s"):
			return "-s: guard reads no script from its input: give it with -c; "
		case a == "--norc" || a == "--noprofile" || a == "--posix" || a == "--rcfile" || a == "--init-file" || a == "-O" || a == "+O":
			return a + " is bash's: guard as a shell takes the options below, which /bin/sh and bash (shell = \"bash\") both take; "
		}
		sawC = sawC || len(a) > 1 && a[1] != '-' && strings.Contains(a, "c")
	}
	if sawC {
		return "-c needs the script after it; "
	}
	return "guard as a shell runs a script given with -c, and is no interactive shell and reads no script from its input: keep your own shell as the login shell, and set SHELL to guard only for the tool that runs $SHELL -c; "
}
