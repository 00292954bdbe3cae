package main

import (
	"fmt"
	"strings"
)

// helpSub lists the subcommands whose -h/--help is handled here, before
// the subcommand runs, and whether any word of theirs may be a help flag
// (they pass no program through) or only the words before the first
// operand (check-json's JSON, explain's and sh's command).
func helpSub(sub string) (anywhere, ok bool) {
	switch sub {
	case "check-json", "explain", "sh":
		return false, true
	case "policy", "install", "uninstall", "which", "doctor", "hook":
		return true, true
	}
	return false, false
}

// valueFlags take the next word as their value.
func valueFlags(s string) bool {
	switch s {
	case "--mode", "--policy", "--writable-root", "--project", "--dir":
		return true
	}
	return false
}

// wantsHelp reports whether args (after the subcommand's name) ask for its
// usage: -h or --help before "--" and, for subcommands that pass a program
// or a script through, before the first operand.
func wantsHelp(sub string, args []string) bool {
	anywhere, ok := helpSub(sub)
	if !ok {
		return false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return false
		case a == "-h" || a == "--help":
			return true
		case valueFlags(a):
			i++
		case sub == "sh" && a == "-c":
			return false // the script follows
		case !strings.HasPrefix(a, "-") && !anywhere:
			return false
		}
	}
	return false
}

// subUsage is the usage of one subcommand: its lines of the usage text,
// and the flags when it takes them.
func subUsage(sub string) string {
	var b strings.Builder
	lines := strings.Split(usage, "\n")
	for _, l := range lines {
		t := strings.TrimPrefix(strings.TrimSpace(l), "usage: ")
		if strings.HasPrefix(t, "guard "+sub+" ") || t == "guard "+sub ||
			(sub == "uninstall" || sub == "which") && strings.HasPrefix(t, "guard install ") {
			if b.Len() == 0 {
				b.WriteString("usage: " + t + "\n")
			} else {
				b.WriteString("       " + t + "\n")
			}
		}
	}
	if b.Len() == 0 {
		return usage
	}
	if sub == "explain" {
		if i := strings.Index(usage, "\nflags:"); i >= 0 {
			b.WriteString(usage[i:])
		}
	}
	return b.String()
}

// help prints the subcommand's usage on stdout: -h and --help do nothing
// else.
func (c *cli) help(sub string) int {
	fmt.Fprint(c.stdout, subUsage(sub))
	return 0
}
