package main

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The subcommands and run flags, read from the usage text so that the
// completions and the man page cannot drift from it.
// (compiled when used: guard's start-up compiles no regular expression)
var (
	usageSubcommand = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^(?:usage:|      ) guard ([a-z][a-z-]*)`) })
	usageFlag       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^  (--[a-z-]+)`) })
	word            = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z-]*$`) })
)

func subcommands() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, m := range usageSubcommand().FindAllStringSubmatch(usage, -1) {
		add(m[1])
	}
	// The second commands of a line: "install ... | uninstall ... | which NAME".
	for _, line := range strings.Split(usage, "\n") {
		for _, part := range strings.Split(line, " | ")[1:] {
			if f := strings.Fields(part); len(f) > 0 && word().MatchString(f[0]) && f[0] != "list" {
				add(f[0])
			}
		}
	}
	add("help")
	add("version")
	add("completion")
	return out
}

func runFlagNames() []string {
	var out []string
	for _, m := range usageFlag().FindAllStringSubmatch(usage, -1) {
		out = append(out, m[1])
	}
	return out
}

const completionUsage = "usage: guard completion bash|zsh|fish   print a completion script (bash: source <(guard completion bash))\n"

// completion prints a shell completion script for guard.
func (c *cli) completion(args []string) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(c.stdout, completionUsage)
		return 0
	}
	if len(args) != 1 {
		return c.usageError(fmt.Errorf("%w: guard completion needs bash, zsh or fish", errUsage))
	}
	subs := strings.Join(subcommands(), " ")
	flags := strings.Join(runFlagNames(), " ")
	switch args[0] {
	case "bash":
		fmt.Fprintf(c.stdout, `# guard completion for bash: source <(guard completion bash)
_guard() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--mode) COMPREPLY=($(compgen -W "suggest auto-edit full-auto" -- "$cur")); return ;;
	--policy) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--writable-root|--project|--dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	hook|setup) COMPREPLY=($(compgen -W "claude-code codex gemini" -- "$cur")); return ;;
	completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
	esac
	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "%s %s --" -- "$cur"))
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "%s --" -- "$cur"))
	else
		COMPREPLY=($(compgen -c -- "$cur"))
	fi
}
complete -F _guard guard
`, subs, flags, flags)
	case "zsh":
		fmt.Fprintf(c.stdout, `#compdef guard
# guard completion for zsh: guard completion zsh > "${fpath[1]}/_guard"
_guard() {
	local -a subs flags
	subs=(%s)
	flags=(%s)
	case $words[CURRENT-1] in
	--mode) compadd suggest auto-edit full-auto; return ;;
	--policy) _files; return ;;
	--writable-root|--project|--dir) _directories; return ;;
	hook|setup) compadd claude-code codex gemini; return ;;
	completion) compadd bash zsh fish; return ;;
	esac
	if (( CURRENT == 2 )); then
		compadd -a subs flags; compadd -- --
	elif [[ $PREFIX == -* ]]; then
		compadd -a flags
	else
		_command_names
	fi
}
compdef _guard guard
`, subs, flags)
	case "fish":
		fmt.Fprintf(c.stdout, "# guard completion for fish: guard completion fish > ~/.config/fish/completions/guard.fish\n")
		fmt.Fprintf(c.stdout, "complete -c guard -f -n '__fish_use_subcommand' -a '%s'\n", subs)
		for _, f := range runFlagNames() {
			fmt.Fprintf(c.stdout, "complete -c guard -l %s\n", strings.TrimPrefix(f, "--"))
		}
		fmt.Fprintln(c.stdout, "complete -c guard -l mode -x -a 'suggest auto-edit full-auto'")
		fmt.Fprintln(c.stdout, "complete -c guard -n '__fish_seen_subcommand_from hook setup' -x -a 'claude-code codex gemini'")
		fmt.Fprintln(c.stdout, "complete -c guard -n '__fish_seen_subcommand_from completion' -x -a 'bash zsh fish'")
	default:
		return c.usageError(fmt.Errorf("%w: guard completion: unknown shell %q (want bash, zsh or fish)", errUsage, args[0]))
	}
	return 0
}

// man prints guard's manual page (roff), made from the usage text.
func (c *cli) man(args []string) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(c.stdout, "usage: guard man   print the manual page (make install puts it in share/man/man1)")
			return 0
		}
		return c.usageError(fmt.Errorf("%w: guard man takes no arguments", errUsage))
	}
	esc := func(s string) string {
		s = strings.ReplaceAll(s, `\`, `\e`)
		s = strings.ReplaceAll(s, "-", `\-`)
		if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
			s = `\&` + s
		}
		return s
	}
	w := c.stdout
	fmt.Fprintf(w, ".TH GUARD 1 \"\" \"guard %s\" \"User Commands\"\n", version)
	fmt.Fprintln(w, ".SH NAME\nguard \\- judge an AI agent's commands, then run, sandbox, ask or refuse")
	synopsis, rest, _ := strings.Cut(usage, "\nflags:\n")
	options, exit, _ := strings.Cut(rest, "\nexit:")
	fmt.Fprintln(w, ".SH SYNOPSIS\n.nf")
	for _, line := range strings.Split(strings.TrimSpace(synopsis), "\n") {
		fmt.Fprintln(w, esc(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "usage:"))))
	}
	fmt.Fprintln(w, ".fi\n.SH DESCRIPTION")
	fmt.Fprintln(w, esc("guard classifies a command with a Starlark execpolicy (safe, match, forbidden, unverified), decides from the approval mode (suggest, auto-edit, full-auto) whether it runs in place, runs confined by Landlock and seccomp, is asked about at the terminal, or is refused, and execs the real program in place. It is entered as a prefix, as PATH shims (a symbolic link named like the program), as $SHELL, and as a hook of Claude Code, Codex and Gemini CLI."))
	fmt.Fprintln(w, ".SH OPTIONS")
	for _, line := range strings.Split(strings.TrimSpace(options), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		name, desc := f[0], strings.Join(f[1:], " ")
		if len(f) > 1 && !strings.HasPrefix(f[1], "-") && strings.ToUpper(f[1]) == f[1] || len(f) > 1 && strings.Contains(f[1], "|") {
			name, desc = f[0]+" "+f[1], strings.Join(f[2:], " ")
		}
		fmt.Fprintf(w, ".TP\n.B %s\n%s\n", esc(name), esc(desc))
	}
	fmt.Fprintf(w, ".SH EXIT STATUS\n%s\n", esc(strings.TrimSpace(exit)))
	fmt.Fprintln(w, ".SH ENVIRONMENT\n.TP\n.B GUARD_MODE\n"+esc("the approval mode, when no --mode is given (it may only tighten what the agent's own command sets)")+
		"\n.TP\n.B GUARD_CONFIG\n"+esc("another configuration file")+"\n.TP\n.B GUARD_JSON\n"+esc("1 (or true, yes, on): print refusals and failures as JSON; 0 (false, no, off) or unset: lines; another value is an error")+
		"\n.TP\n.B GUARD_AUDIT_LOG\n"+esc("another audit log file"))
	fmt.Fprintln(w, ".SH FILES\n.TP\n"+esc("$XDG_CONFIG_HOME/guard/config.toml")+"\n"+esc("the configuration (mode, writable_roots, [protect], ...)")+
		"\n.TP\n"+esc("$XDG_CONFIG_HOME/guard/*.policy, user.policy")+"\n"+esc("policy layers; user.policy holds the answers given at prompts")+
		"\n.TP\n"+esc("$XDG_STATE_HOME/guard/audit.jsonl")+"\n"+esc("the audit log, read by guard log")+
		"\n.TP\n"+esc(".guard/config.toml, .guard/*.policy")+"\n"+esc("a project's own configuration, applied once trusted (guard trust)"))
	fmt.Fprintln(w, ".SH SEE ALSO\nbwrap(1), landlock(7), seccomp(2)")
	return 0
}
