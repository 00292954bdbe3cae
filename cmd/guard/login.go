package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"guard/internal/config"
	"guard/internal/gate"
	"guard/internal/hook"
	"guard/policy"
	"guard/shim"
)

// loginShellOf returns the shell binary that argv starts as a login shell
// running a script (`/bin/sh -l -c S`, `bash -lc S`, `zsh --login -c S`,
// and `zsh -c S`, which reads ~/.zshenv), as guard would exec it, or ""
// for anything else. Such a shell reads the profiles before the script,
// and they set its PATH. (For zsh the login shell's PATH is asked for:
// .zshenv's, and .zprofile's and .zlogin's on top.)
func loginShellOf(argv []string, pathEnv string) string {
	if _, _, ok := policy.ShellScript(argv); !ok {
		return ""
	}
	// zsh reads ~/.zshenv (ZDOTDIR's) for every script, login or not,
	// unless -f (NO_RCS) is given: it sets PATH as a profile does.
	zsh := filepath.Base(argv[0]) == "zsh"
	login, noRCS := false, false
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "--" || a == "-" || len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		switch {
		case a == "--login":
			login = true
		case a == "--no-rcs":
			noRCS = true
		case strings.HasPrefix(a, "--"):
		case a == "-o" || a == "+o":
			i++
		case a[0] == '-' && strings.ContainsRune(a[1:], 'l'):
			login = true
		case a[0] == '-' && strings.ContainsRune(a[1:], 'f'):
			noRCS = true
		}
	}
	if !login && !(zsh && !noRCS) {
		return ""
	}
	if strings.Contains(argv[0], "/") {
		return argv[0]
	}
	_, self, err := shim.Self()
	if err != nil {
		return ""
	}
	p, _, err := shim.LookPath(argv[0], pathEnv, self)
	if err != nil {
		return ""
	}
	return p
}

// judgeLoginPATH makes g judge argv, a login shell's script, with the PATH
// that shell's start-up files set up (asked of the shell itself, as for
// Codex's hook: hook.LoginPathOf), not guard's own: programs the script
// runs by name are found there. A shell that cannot tell (it fails or takes
// over 3 s) is guard's failure: nothing runs.
func (c *cli) judgeLoginPATH(g *gate.Gate, argv []string) error {
	sh := loginShellOf(argv, c.getenv("PATH"))
	if sh == "" {
		return nil
	}
	state := ""
	if a := config.DefaultAuditLogWritten(c.getenv); a != "" {
		state = filepath.Dir(a) // guard's state: commands cannot write the cache there
	}
	p, ok := hook.LoginPathOf(sh, c.env, g.Cwd, state)
	if !ok {
		return fmt.Errorf("%s -l runs start-up files that set the PATH its script searches, and guard could not learn that PATH (the login shell failed or took over 3 s)", sh)
	}
	g.JudgeWithPATH(p)
	return nil
}
