package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A shape rule remembers a command at the granularity a person means by
// "always this": the program and its subcommand, the options used, and the
// other words generalised by type. `pytest tests/a.py -x` becomes pytest
// with -x on any files; `git log -n 5 -- a.ts` becomes git log with -n on
// any revisions and paths. The words after the subcommand are typed as
// files read (ARG_RFILES_OR_CWD): a shape rule says the person trusts the
// program on any files, and its matches are classified safe.
//
// Every option used is required (flag(..., required = True)): the shape is
// the command with those options, not without them. Optional, the shape of
// `make -n deploy` (a dry run) or `git push --dry-run origin main` ran
// `make deploy` and `git push origin main` unasked.
//
// Limits: an option's value is not told apart from a positional word (-n 5:
// 5 is one of "the files"), and a program whose options write files is
// trusted with them too, which is why the prompt shows the rule it writes.

// noShape says why a command may not be remembered by its shape, or "": a
// program that runs other programs or code makes every shape a blank check.
//
//	shells          sh bash zsh dash ksh fish
//	interpreters    python* node ruby perl php lua deno bun java Rscript julia osascript pwsh
//	runners         env sudo doas su xargs timeout nice nohup time watch exec command eval
//	                ssh parallel find (-exec)
//	git             without a subcommand (git -c ..., git --exec-path ...)
//	package runners npx pnpx bunx uvx, npm/pnpm/yarn/bun exec and dlx, uv run, poetry run,
//	                pipx run, cargo run, go run, bundle exec
func neverShape(s string) string {
	switch s {
	case "sh", "bash", "zsh", "dash", "ksh", "fish":
		return "a shell"
	case "node", "ruby", "perl", "php", "lua", "deno", "bun", "java", "Rscript", "julia", "osascript",
		"pwsh":
		return "an interpreter"
	case "env", "sudo", "doas", "su", "xargs", "timeout", "nice", "nohup", "time", "watch", "exec",
		"command", "eval", "ssh", "parallel":
		return "runs another program"
	case "find":
		return "runs other programs (-exec)"
	case "npx", "pnpx", "bunx", "uvx":
		return "runs any package"
	}
	return ""
}

// runSubcommand reports whether sub is a subcommand of the package manager
// name that runs other programs or project scripts.
func runSubcommand(name, sub string) bool {
	switch name + " " + sub {
	case "npm exec", "npm x", "pnpm exec", "pnpm dlx", "yarn exec", "yarn dlx", "uv run", "uv tool", "poetry run",
		"pipx run", "cargo run", "go run", "bundle exec":
		return true
	}
	return false
}

// scriptRunners name a project script by their run subcommand: the shape
// keeps the script's name (`npm run test`), never generalises it.
func scriptRunners(s string) bool {
	switch s {
	case "npm", "pnpm", "yarn", "bun", "make":
		return true
	}
	return false
}

func noShape(argv []string) string {
	if len(argv) == 0 {
		return "empty command"
	}
	name := filepath.Base(argv[0])
	if why := neverShape(name); why != "" {
		return name + " is " + why
	}
	if strings.HasPrefix(name, "python") || strings.HasPrefix(name, "pypy") {
		return name + " is an interpreter"
	}
	sub := firstPositional(argv[1:])
	if name == "git" && (len(argv) < 2 || strings.HasPrefix(argv[1], "-")) {
		return "git with options before its subcommand"
	}
	if runSubcommand(name, sub) {
		return name + " " + sub + " runs other programs"
	}
	return ""
}

func firstPositional(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// ShapeRule returns a define_program call for argv's shape, and the shape
// as a person reads it (`git log -n <revs/paths> -- <paths>`). program is
// the name the rule is written for and path, when not "", the absolute
// path it is pinned to (system_path).
func ShapeRule(argv []string, path string) (rule, shape string, err error) {
	if why := noShape(argv); why != "" {
		return "", "", fmt.Errorf("not remembered by its shape: %s", why)
	}
	program := filepath.Base(argv[0])
	args := argv[1:]
	var lead []string // literal words: the subcommand (and a script runner's script)
	var opts, optsShown []string
	seen := map[string]bool{}
	rest, dashes, afterDash := 0, false, 0
	keep := 0
	if sub := firstPositional(args); sub != "" && subcommandLike(sub) {
		keep = 1
		if scriptRunners(program) && (sub == "run" || sub == "run-script") {
			keep = 2
		}
		if program == "make" {
			keep = 0 // make TARGET...: every target kept
		}
	}
	for _, w := range args {
		switch {
		case dashes:
			afterDash++
		case w == "--":
			dashes = true
		case strings.HasPrefix(w, "-") && w != "-":
			name, _, hasValue := strings.Cut(w, "=")
			if hasValue && strings.HasPrefix(w, "--") {
				if !seen[name] {
					opts = append(opts, fmt.Sprintf("opt(%s, ARG_OPAQUE_VALUE, required = True)", starlarkString(name)))
					optsShown = append(optsShown, name+"=<value>")
					seen[name] = true
				}
				continue
			}
			if !seen[w] {
				opts = append(opts, fmt.Sprintf("flag(%s, required = True)", starlarkString(w)))
				optsShown = append(optsShown, w)
				seen[w] = true
			}
		case keep > 0 || program == "make":
			lead = append(lead, w)
			if keep > 0 {
				keep--
			}
		default:
			rest++
		}
	}
	var pattern []string
	shown := []string{program}
	for _, l := range lead {
		pattern = append(pattern, starlarkString(l))
		shown = append(shown, l)
	}
	shown = append(shown, optsShown...)
	if rest+afterDash > 0 || dashes {
		pattern = append(pattern, "ARG_RFILES_OR_CWD")
		if rest > 0 {
			shown = append(shown, "<"+kindOf(program)+">")
		}
		if dashes {
			shown = append(shown, "--", "<paths>")
		}
	}
	example := make([]string, 0, len(args))
	for _, w := range args {
		example = append(example, starlarkString(w))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "define_program(\n    program = %s,\n", starlarkString(program))
	if path != "" {
		fmt.Fprintf(&b, "    system_path = [%s],\n", starlarkString(path))
	}
	fmt.Fprintf(&b, "    options = [%s],\n", strings.Join(opts, ", "))
	fmt.Fprintf(&b, "    args = [%s],\n", strings.Join(pattern, ", "))
	b.WriteString("    combined_format = True,\n    double_dash = True,\n")
	fmt.Fprintf(&b, "    should_match = [[%s]],\n)\n", strings.Join(example, ", "))
	return b.String(), strings.Join(shown, " "), nil
}

// subcommandLike reports whether a word reads as a subcommand rather than a
// file or value: a letter, then letters, digits, - and _ (and : for script
// names), and no file of that name here.
func subcommandLike(w string) bool {
	if w == "" || !(w[0] >= 'a' && w[0] <= 'z' || w[0] >= 'A' && w[0] <= 'Z') {
		return false
	}
	for _, c := range w {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':') {
			return false
		}
	}
	if _, err := os.Lstat(w); err == nil {
		return false
	}
	return w != ""
}

func kindOf(program string) string {
	if program == "git" {
		return "revs/paths"
	}
	return "files"
}
