package policy

import (
	"path/filepath"
	"strings"
)

// guard's own administration is for a person at their own terminal, never
// for an agent: `guard trust` (except `--list`), `guard setup`, `guard
// install`, `guard uninstall` and `guard rules rm` (anything but `list`)
// change what guard allows or where it stands. The default policy forbids
// them by prefix rules for the plain name `guard`; guardAdmin covers what a
// prefix rule cannot say: any path to the binary (./bin/guard,
// ~/go/bin/guard), `trust` with anything but `--list`, and
// `guard [flags] -- CMD` running one of them.

// guardAdminWhy is the reason every such refusal gives.
const guardAdminWhy = "guard's own administration: a person runs it in their own terminal, never an agent"

// guardAdmin returns why argv runs one of guard's administrative
// subcommands, or "".
func guardAdmin(argv []string) string {
	if len(argv) < 2 || filepath.Base(argv[0]) != "guard" {
		return ""
	}
	sub, rest := argv[1], argv[2:]
	switch sub {
	case "setup", "install", "uninstall":
		return "guard " + sub + ": " + guardAdminWhy
	case "trust":
		if len(rest) == 1 && (rest[0] == "--list" || rest[0] == "-h" || rest[0] == "--help") {
			return ""
		}
		return "guard trust: " + guardAdminWhy
	case "rules":
		if len(rest) == 0 {
			return ""
		}
		switch rest[0] {
		case "list", "ls", "help", "-h", "--help":
			return ""
		}
		return "guard rules " + rest[0] + ": " + guardAdminWhy
	}
	return ""
}

// guardRunInner returns the command `guard [FLAGS] [--] CMD ...` runs.
func guardRunInner(argv []string) ([]string, bool) {
	if len(argv) < 2 || filepath.Base(argv[0]) != "guard" {
		return nil, false
	}
	switch argv[1] {
	case "sh":
		return argv[1:], true // guard sh -c SCRIPT
	case "-c":
		return append([]string{"sh"}, argv[1:]...), true // guard as $SHELL
	}
	if guardSubcommands(argv[1]) {
		return nil, false
	}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--":
			return argv[i+1:], i+1 < len(argv)
		case a == "--mode" || a == "--policy" || a == "--writable-root" || a == "--project" || a == "--dir":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return argv[i:], true
		}
	}
	return nil, false
}

// guardAdminResult is the forbidden result for an administrative command.
func guardAdminResult(why string) Result {
	return Result{Class: Forbidden, Reason: why, Rule: "guard administration"}
}

// guardSubcommands are the words guard reads as a subcommand in first
// place; any other word there is the program to run.
func guardSubcommands(s string) bool {
	switch s {
	case "check", "check-json", "explain", "policy", "install", "uninstall", "which", "doctor", "log",
		"trust", "rules", "completion", "man", "hook", "help", "version", "--version", "setup":
		return true
	}
	return false
}
