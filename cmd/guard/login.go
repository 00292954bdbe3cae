package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"guard/internal/config"
	"guard/internal/gate"
	"guard/internal/hook"
	"guard/internal/sysprog"
	"guard/policy"
	"guard/shim"
)

// startupShell returns the shell binary argv starts to run a script, as
// guard would exec it, and its options before the script (without -c),
// when that shell reads start-up files that may set its PATH before the
// script: a login shell (`/bin/sh -l -c S`, `bash -lc S`, `zsh --login -c
// S`), bash with BASH_ENV set (`bash -c S` sources it), and zsh, which
// reads ~/.zshenv for every script unless -f. Else "".
//
// A shell whose script is one shell command (policy.NestedShell: `bash -c
// "bash -lc 'rg x'"`) runs that shell, found with the same PATH, which the
// policy judges as if guard ran it: its start-up files are the ones that
// count.
func startupShell(argv []string, getenv func(string) string) (string, []string) {
	if inner, ok := policy.NestedShell(argv); ok {
		return startupShell(inner, getenv)
	}
	if _, _, ok := policy.ShellScript(argv); !ok {
		return "", nil
	}
	name := filepath.Base(argv[0])
	login, noRCS := false, false
	var opts []string
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "--" || a == "-" || len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		switch {
		case a == "--login":
			login = true
		case a == "--no-rcs" || a == "--norc" || a == "--noprofile":
			noRCS = noRCS || a == "--no-rcs"
		case strings.HasPrefix(a, "--"):
		case a == "-o" || a == "+o":
			if i+1 < len(argv) {
				opts = append(opts, a, argv[i+1])
			}
			i++
			continue
		default:
			login = login || a[0] == '-' && strings.ContainsRune(a[1:], 'l')
			noRCS = noRCS || a[0] == '-' && strings.ContainsRune(a[1:], 'f')
			// The script's own -c is the probe's.
			if a = strings.ReplaceAll(a, "c", ""); len(a) > 1 {
				opts = append(opts, a)
			}
			continue
		}
		opts = append(opts, a)
	}
	reads := login || name == "zsh" && !noRCS || name == "bash" && getenv("BASH_ENV") != ""
	if !reads {
		return "", nil
	}
	if strings.Contains(argv[0], "/") {
		return argv[0], opts
	}
	_, self, err := shim.Self()
	if err != nil {
		return "", nil
	}
	p, _, err := shim.LookPath(argv[0], getenv("PATH"), self)
	if err != nil {
		return "", nil
	}
	return p, opts
}

// judgeStartupPATH makes g judge argv, a shell's script, with the PATH
// that shell's start-up files set up, and the options, functions, aliases
// and directory they leave it with (hook.ShellStartOf) (asked of the shell itself, started
// with the same options, as for Codex's hook: hook.ShellPathOf), not
// guard's own: the programs the script runs by name are found there. A
// shell that cannot tell (it fails or takes over 3 s) is guard's failure:
// nothing runs.
func (c *cli) judgeStartupPATH(g *gate.Gate, argv []string) error {
	if _, ok := policy.NestedShell(argv); ok && filepath.Base(argv[0]) == "bash" && c.getenv("BASH_ENV") != "" {
		// The outer bash sources BASH_ENV first, which may change the PATH
		// it finds the inner shell with, or define it as a function.
		return fmt.Errorf("%s sources BASH_ENV (%s) before it runs the shell its script starts, and guard judges only that shell's start-up files; unset BASH_ENV or run the inner shell itself", argv[0], c.getenv("BASH_ENV"))
	}
	sh, opts := startupShell(argv, c.getenv)
	if sh == "" || g.InWritableRoot(sh) {
		// A shell inside a writable root is unverified anyway (a planted
		// ./bash), and is never run to ask it.
		return nil
	}
	// guard runs the shell unconfined, before any decision: only one
	// installed in the system's directories, never one a command names or
	// PATH finds elsewhere. Outside this run's roots is not enough: they
	// follow the working directory and --project (`cd /usr && guard explain
	// bash -lc ls` ran a project's .venv/bin/bash). Nor one that would
	// source a start-up file the agent writes (BASH_ENV=env.sh: the
	// project's env.sh ran at the question, before the refusal).
	why := ""
	if !sysprog.Is(sh) {
		why = gate.Visible(sh) + " is no shell installed in the system's directories (/usr/bin, /bin, /usr/local/bin...), and guard runs no other to learn the PATH and state its start-up files set, so it cannot tell what the script runs"
	} else if planted := g.StartupRunsPlanted(filepath.Base(sh)); planted != "" {
		// In the probe, unconfined before any decision, and again when
		// the script runs.
		why = planted + " (guard does not run the shell to learn what they set)"
	} else if why = gate.RelativeStartup(filepath.Base(sh), loginOpts(opts), c.getenv); why != "" {
		why += " (guard does not run it to learn what it sets)"
	}
	if why != "" {
		g.JudgeWithStartup(gate.Startup{Shell: filepath.Base(sh), Unknown: why})
		return nil
	}
	// Guard's cache directory, which the sandbox keeps read-only, never the
	// audit log's: that one stays writable inside it when a root holds it
	// (the home as the project), so a program there rewrote the cached PATH.
	state := config.CacheDirWritten(c.getenv)
	p, ok := hook.ShellPathOf(sh, opts, c.env, g.Cwd, state)
	if !ok {
		return fmt.Errorf("%s runs start-up files that set the PATH its script searches, and guard could not learn that PATH (the shell failed or took over 3 s)", sh)
	}
	g.JudgeWithPATH(p)
	// The same files set options, functions and aliases, and may cd.
	st, ok := hook.ShellStartOf(sh, opts, c.env, g.Cwd, state)
	if !ok {
		return fmt.Errorf("%s runs start-up files that may set its options and functions, and guard could not learn them (the shell failed or took over 3 s)", sh)
	}
	g.JudgeWithStartup(gate.Startup{Shell: filepath.Base(sh), Options: st.Options, Names: st.Names, Dir: st.Dir})
	return nil
}

// loginOpts reports whether a shell's options before -c (startupShell's)
// make it a login shell.
func loginOpts(opts []string) bool {
	for _, o := range opts {
		if o == "--login" || len(o) > 1 && o[0] == '-' && o[1] != '-' && strings.ContainsRune(o, 'l') {
			return true
		}
	}
	return false
}

// nestedOnly is argv when it is a shell whose script is one shell command
// (policy.NestedShell), else nil: for the hooks, which judge an agent's
// command as bash -c's script, only such an inner shell is one guard asks
// its start-up files of.
func nestedOnly(argv []string) []string {
	if _, ok := policy.NestedShell(argv); ok {
		return argv
	}
	return nil
}
