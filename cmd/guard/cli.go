package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"guard/internal/gate"
	"guard/policy"
	"guard/shim"
)

const usage = `usage: guard [flags] [--] PROGRAM [ARG...]     judge a command, then run, sandbox, ask or refuse
       guard check [--policy FILE]... [--require-safe] [--] PROGRAM [ARG...]
       guard check-json [--policy FILE]... [--require-safe] '{"program":"ls","args":["-l"]}'
       guard explain [flags] [--] PROGRAM [ARG...]    show the decision without running
       guard policy test [FILE...] | policy list
       guard install [--dir DIR] [PROGRAM...] | uninstall [--dir DIR] [--all|--purge] | which NAME
       guard hook claude-code|codex|gemini           agent hook: request on stdin, answer on stdout
       guard setup claude-code|codex|gemini [--project DIR] [--remove]   write the agent's hook settings
       guard sh -c SCRIPT                             a $SHELL that judges the script first
       guard doctor                                   what this machine enforces
       guard log [--since 2h] [--decision ask] [--json] the audit log: recent decisions, what is asked most
       guard trust [DIR] | --list | --revoke [DIR]   let a project's .guard/ config apply (asks at the terminal)
       guard rules list [--json] | rules rm N         the rules remembered at prompts ("always"); revoke one
       guard completion bash|zsh|fish | man          shell completion; the manual page

flags:
  --mode suggest|auto-edit|full-auto   approval mode (else $GUARD_MODE, the config file, suggest)
  --policy FILE                        an extra policy layer (repeatable)
  --writable-root DIR                  a writable root besides the cwd, $TMPDIR and /tmp (repeatable)
  --project DIR                        the writable root in place of the cwd (hooks' rewrites use it)
  --allow-network                      full-auto: let the sandbox reach the network
  --allow-unix-sockets                 full-auto: let the sandbox connect to pathname Unix sockets
  --best-effort                        full-auto: run with what the kernel enforces, warn about the rest
  --json                               print refusals as JSON (also GUARD_JSON=1, true, yes or on)

exit: the program's own status; 125 guard failed; 126 refused; 127 not found
`

// errUsage is wrapped by every command-line mistake.
var errUsage = errors.New("usage")

// flags are guard's own options, parsed up to the program.
type flags struct {
	gate.Options
	requireSafe bool
	dir         string
	help        bool
}

// parseFlags reads guard's flags from args and returns the words after
// them: parsing stops at "--" or at the first word that is not a flag, so
// the program's own flags pass through untouched. allowed lists the flags
// this command takes.
func parseFlags(args []string, allowed ...string) (flags, []string, error) {
	var f flags
	ok := map[string]bool{"--help": true, "-h": true}
	for _, a := range allowed {
		ok[a] = true
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return f, args[i+1:], nil
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			return f, args[i:], nil
		}
		name, value, hasValue := strings.Cut(arg, "=")
		if !ok[name] {
			return f, nil, fmt.Errorf("%w: unknown flag %s", errUsage, name)
		}
		takesValue := name == "--mode" || name == "--policy" || name == "--writable-root" || name == "--dir" || name == "--project"
		if takesValue && !hasValue {
			if i+1 >= len(args) {
				return f, nil, fmt.Errorf("%w: %s needs a value", errUsage, name)
			}
			i++
			value = args[i]
		} else if !takesValue && hasValue {
			return f, nil, fmt.Errorf("%w: %s takes no value", errUsage, name)
		}
		if takesValue && value == "" {
			// An unset variable (--dir "$DIR") must not mean the default.
			return f, nil, fmt.Errorf("%w: %s needs a value, not an empty one", errUsage, name)
		}
		if takesValue && name != "--mode" {
			var err error
			if value, err = homePath(name, value); err != nil {
				return f, nil, err
			}
		}
		switch name {
		case "--mode":
			f.Mode = value
		case "--policy":
			f.Policies = append(f.Policies, value)
		case "--writable-root":
			f.Roots = append(f.Roots, value)
		case "--project":
			if !filepath.IsAbs(value) {
				return f, nil, fmt.Errorf("%w: --project needs an absolute directory", errUsage)
			}
			// A mistyped project would leave the working directory no root:
			// every write asked about, for a reason that names neither.
			if fi, err := os.Stat(value); err != nil || !fi.IsDir() {
				return f, nil, fmt.Errorf("%w: --project %s: no such directory", errUsage, value)
			}
			f.Project = value
		case "--dir":
			f.dir = value
		case "--allow-network":
			f.AllowNetwork = true
		case "--allow-unix-sockets":
			f.AllowUnixSockets = true
		case "--best-effort":
			f.BestEffort = true
		case "--json":
			f.JSON = true
		case "--require-safe":
			f.requireSafe = true
		case "--help", "-h":
			f.help = true
		}
	}
	return f, nil, nil
}

// homePath expands a leading "~" in a path given on the command line, as
// the configuration file does: the shell leaves it as written after "="
// (--dir=~/bin) or in quotes, and taken as relative it named a directory
// "~" in the working directory (which a later rm -rf ~ would mistake for
// the home). "~user" and a home that is not absolute are usage errors.
func homePath(name, value string) (string, error) {
	if !strings.HasPrefix(value, "~") {
		return value, nil
	}
	home := os.Getenv("HOME")
	switch {
	case value != "~" && !strings.HasPrefix(value, "~/"):
		return "", fmt.Errorf("%w: %s %s: only ~ and ~/ are expanded; give an absolute path", errUsage, name, value)
	case !filepath.IsAbs(home):
		return "", fmt.Errorf("%w: %s %s: HOME is not an absolute path, so ~ cannot be expanded; give an absolute path", errUsage, name, value)
	}
	return filepath.Join(home, value[1:]), nil
}

var runFlags = []string{"--mode", "--policy", "--writable-root", "--project", "--allow-network", "--allow-unix-sockets", "--best-effort", "--json"}

// dispatch chooses the role once: a shim name, a subcommand, or a command
// to guard.
func (c *cli) dispatch(args []string) int {
	name := shim.Name(args[0])
	if login, ok := strings.CutPrefix(name, "-"); ok && shim.IsGuard(login) {
		// A login shell: login, su -, sshd and tmux start the account's
		// shell as "-NAME" (su - USER -c SCRIPT with -c), which was
		// taken for a shim of a program named -guard (127).
		return c.sh(append([]string{"--login"}, args[1:]...))
	}
	if login, ok := strings.CutPrefix(name, "-"); ok && loginShells[login] {
		// A shimmed shell started as a login shell (exec -l bash, "-bash"):
		// the same as NAME -l, which guard judges with the PATH its
		// profiles set up. It was taken for a program named -bash (127).
		return c.runCommand(gate.Options{}, append([]string{login, "-l"}, args[1:]...))
	}
	if name != "" && !shim.IsGuard(name) {
		return c.runCommand(gate.Options{}, append([]string{name}, args[1:]...))
	}
	args = args[1:]
	if len(args) > 0 && wantsHelp(args[0], args[1:]) {
		return c.help(args[0])
	}
	if _, ok := shellArgs(args); ok || len(args) > 0 && shellOption(args[0]) {
		// guard as $SHELL: tools run `$SHELL -c SCRIPT` (Aider), or
		// `$SHELL -lc SCRIPT`; what else a shell is started with (-i,
		// -l alone) is refused there, saying so.
		return c.sh(args)
	}
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return c.check(args[1:])
		case "check-json":
			return c.checkJSON(args[1:])
		case "explain":
			return c.explain(args[1:])
		case "policy":
			return c.policy(args[1:])
		case "install":
			return c.install(args[1:])
		case "uninstall":
			return c.uninstall(args[1:])
		case "which":
			return c.which(args[1:])
		case "doctor":
			return c.doctor(args[1:])
		case "log":
			return c.log(args[1:])
		case "trust":
			return c.trust(args[1:])
		case "rules":
			return c.rules(args[1:])
		case "completion":
			return c.completion(args[1:])
		case "man":
			return c.man(args[1:])
		case "hook":
			return c.hook(args[1:])
		case "setup":
			return c.setup(args[1:])
		case "sh":
			return c.sh(args[1:])
		case "help":
			// guard help COMMAND is guard COMMAND --help; anything else
			// after help is a mistake said as one, not the usage again.
			if len(args) == 2 && commands[args[1]] && args[1] != "help" {
				return c.help(args[1])
			}
			if len(args) > 1 && !(len(args) == 2 && args[1] == "help") {
				return c.usageError(fmt.Errorf("%w: guard help takes nothing, or one of guard's commands (guard help check), not %s", errUsage, strings.Join(args[1:], " ")))
			}
			fmt.Fprint(c.stdout, usage)
			return 0
		case "version", "--version":
			if len(args) > 1 {
				return c.usageError(fmt.Errorf("%w: guard version takes no arguments", errUsage))
			}
			fmt.Fprintln(c.stdout, "guard", version)
			return 0
		}
	}
	f, rest, err := parseFlags(args, runFlags...)
	if err != nil {
		return c.failure(nil, fmt.Errorf("%w (guard help shows the usage)", err), c.wantsJSON(args))
	}
	if f.help {
		fmt.Fprint(c.stdout, usage)
		return 0
	}
	if len(rest) == 0 && f.Mode != "" {
		// guard --mode full: the mode is what is wrong first, not the
		// missing program.
		if _, err := policy.ParseMode(f.Mode); err != nil {
			return c.failure(nil, fmt.Errorf("%w: --mode %s: %w", errUsage, gate.Visible(f.Mode), err), c.wantsJSON(args))
		}
	}
	if len(rest) == 0 {
		return c.failure(nil, fmt.Errorf("%w: no program given: guard runs one command (guard -- PROGRAM [ARG...]) or, as $SHELL, a script given with -c, and is no interactive shell (guard help shows the usage)", errUsage), c.wantsJSON(args))
	}
	if err := c.misplacedCommand(args, rest); err != nil {
		return c.failure(nil, err, c.wantsJSON(args))
	}
	return c.runCommand(f.Options, rest)
}

// loginShells are the shells that read a leading "-" in argv[0] as -l,
// which they all take as an option too.
var loginShells = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true, "yash": true, "fish": true}

// commands are guard's own commands, by the first word after "guard".
var commands = map[string]bool{"check": true, "check-json": true, "explain": true, "policy": true,
	"install": true, "uninstall": true, "which": true, "doctor": true, "log": true, "trust": true,
	"rules": true, "completion": true, "man": true, "hook": true, "setup": true, "sh": true,
	"help": true, "version": true}

// misplacedCommand returns a usage error for guard's flags put before one
// of guard's own commands (`guard --mode auto-edit explain -- touch f`),
// which was judged as a program named explain and refused as not found
// (127, "guard which explain"). A program of that name that PATH finds
// runs as before, and so does any name after "--".
func (c *cli) misplacedCommand(args, rest []string) error {
	name := rest[0]
	if !commands[name] || len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
		return nil
	}
	_, self, err := shim.Self()
	if err != nil {
		return nil
	}
	if _, _, err := shim.LookPath(name, c.getenv("PATH"), self); err == nil {
		return nil
	}
	return fmt.Errorf("%w: %s is a guard command: its flags go after it (guard %s --help shows them), and no program %s is on PATH to run", errUsage, name, name, name)
}

// wantsJSON reports whether errors of the run path go out as JSON: --json
// among guard's own flags, or GUARD_JSON=1 (a value JSONEnv refuses gives a
// line: newGate then says what is wrong with it).
func (c *cli) wantsJSON(args []string) bool {
	if c.envJSON() {
		return true
	}
	for _, a := range args {
		if a == "--json" {
			return true
		}
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
	}
	return false
}

// envJSON reports whether GUARD_JSON asks for JSON (gate.JSONEnv).
func (c *cli) envJSON() bool {
	asJSON, _ := gate.JSONEnv(c.getenv)
	return asJSON
}

// failure reports that guard itself failed (exit 125) on the run path, as
// a line or, when asked for, a JSON object like a refusal's.
func (c *cli) failure(argv []string, err error, asJSON bool) int {
	if argv == nil {
		argv = []string{}
	}
	gate.Print(c.stderr, gate.Refusal{Guard: "error", Command: argv, Reason: err.Error(), ExitCode: gate.ExitFailure}, asJSON)
	return gate.ExitFailure
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func (c *cli) usageError(err error) int {
	fmt.Fprintf(c.stderr, "guard: %s (guard help shows the usage)\n", gate.Visible(err.Error()))
	return gate.ExitFailure
}

// newGate sets up the gate for one command; guard's version keys the policy
// cache.
func (c *cli) newGate(opts gate.Options) (*gate.Gate, error) {
	opts.Version = version
	return gate.New(opts, c.env, c.stderr)
}

// runCommand guards argv: judge, decide, and exec in place or refuse.
func (c *cli) runCommand(opts gate.Options, argv []string) int {
	g, err := c.newGate(opts)
	if err == nil {
		err = c.judgeStartupPATH(g, argv) // bash -lc: the profiles set PATH
	}
	if err != nil {
		return c.failure(argv, err, opts.JSON || c.envJSON())
	}
	return g.Run(argv)
}
