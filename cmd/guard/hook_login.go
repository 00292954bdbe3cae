package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"guard/internal/config"
	"guard/internal/gate"
	"guard/internal/hook"
	"guard/policy"
)

// codexLoginPATH judges again, with the PATH of each login shell Codex may
// run it in (hook.LoginPaths), a script guard would let Codex run as it is,
// when that PATH can find a program inside a writable root (a relative
// entry, or one inside a root) and is not the hook's own. It returns why the
// script is not a plain run there, "" when it is everywhere.
func (c *cli) codexLoginPATH(g *gate.Gate, opts gate.Options, script string) string {
	// Guard's cache directory, which the sandbox keeps read-only, never the
	// audit log's: that one stays writable inside it when a root holds it
	// (the home as the project), so a program there rewrote the cached PATH.
	state := config.CacheDirWritten(c.getenv)
	for _, sh := range []string{"bash", "zsh", "sh"} {
		// The login shells would source a file the agent writes (ZDOTDIR=zd:
		// the project's zd/.zshenv ran in the hook, at every command):
		// guard starts none of them to ask.
		if why := gate.RelativeStartup(sh, true, c.getenv); why != "" {
			return "Codex runs it in a login shell, and " + why + " (guard does not run it to learn the PATH it sets)"
		}
	}
	for _, lp := range hook.LoginPaths(c.env, g.Cwd, state) {
		if lp.Unknown {
			// Codex runs the command there all the same, once the start-up
			// files are done: a PATH guard could not learn may find a
			// project's program.
			return fmt.Sprintf("Codex runs it in a login shell (%s), whose start-up files set the PATH it searches, and guard could not learn that PATH (the shell failed or took over 3 s), so it cannot tell which programs the command runs", lp.Shell)
		}
		if lp.PATH == c.getenv("PATH") || !pathReaches(lp.PATH, g.Roots) {
			continue
		}
		env := make([]string, 0, len(c.env)+1)
		for _, e := range c.env {
			if !strings.HasPrefix(e, "PATH=") {
				env = append(env, e)
			}
		}
		g2, err := gate.New(opts, append(env, "PATH="+lp.PATH), io.Discard)
		if err != nil {
			return "guard cannot judge it with the PATH of Codex's login shell: " + err.Error()
		}
		if err := c.judgeStartupPATH(g2, nestedOnly([]string{"bash", "-c", script})); err != nil {
			return err.Error()
		}
		v2, d := g2.Judge([]string{"bash", "-c", script})
		if d.Action != policy.Run {
			return fmt.Sprintf("Codex runs it in a login shell (%s), where the start-up files make PATH %s, and there it is %s", lp.Shell, lp.PATH, d.Reason)
		}
		if why := dashProgramWhy(g2, script, v2.Dirs); why != "" {
			return fmt.Sprintf("Codex runs it in a login shell (%s), where the start-up files make PATH %s, and there %s", lp.Shell, lp.PATH, why)
		}
	}
	return ""
}

// pathReaches reports whether a PATH has a relative entry (found from the
// directory a command runs in) or one inside a root.
func pathReaches(path string, roots []string) bool {
	for _, dir := range filepath.SplitList(path) {
		if !filepath.IsAbs(dir) {
			return true
		}
		real := policy.Resolve(dir, "/")
		for _, r := range roots {
			if policy.Inside(real, policy.Resolve(r, "/")) {
				return true
			}
		}
	}
	return false
}

// dashProgramWhy says why a command of script that bash runs as its own
// builtin or keyword runs a program under dash, the /bin/sh a Codex model
// may name for exec_command: dash has no such builtin and runs what g's
// PATH finds (a .venv/bin/[[ the agent wrote), from the directories dirs
// the script may be in; "" when PATH finds none of them (dash then runs
// nothing).
func dashProgramWhy(g *gate.Gate, script string, dirs []string) string {
	for _, name := range hook.DashLooksUp(script) {
		if bin := g.FoundOnPath(name, dirs); bin != "" {
			return fmt.Sprintf("`%s` is bash's own, but dash, the /bin/sh a Codex model may ask for, has no such builtin and runs the program %s that PATH finds, which guard did not judge", name, bin)
		}
	}
	return ""
}
