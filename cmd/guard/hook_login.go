package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
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
	for _, sh := range []string{"bash", "zsh", "sh"} {
		// guard's probe would run it, unconfined, and Codex at every command.
		if planted := g.StartupRunsPlanted(sh); planted != "" {
			return "Codex runs it in a login shell, and " + planted + " (guard does not run the shell to learn the PATH it sets)"
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
		if why := lookedUpWhy(g2, &v2, script, hook.Codex); why != "" {
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

// lookedUpWhy says why a command of script that bash runs as its own
// builtin or keyword runs a program in another shell the agent may use,
// one PATH finds from the directories the script may be in and that guard
// did not judge as a program (v's commands); "" when there is none (the
// shell then runs nothing). zsh's `command NAME` runs an external command
// only (`command pushd src` ran a .venv/bin/pushd the agent wrote); dash,
// the /bin/sh a Codex model may name, has no `[[`, pushd, builtin..., and
// runs what PATH finds.
func lookedUpWhy(g *gate.Gate, v *policy.Verdict, script string, agent hook.Agent) string {
	judged := func(name string) bool {
		return slices.ContainsFunc(v.Commands, func(c []string) bool { return len(c) > 0 && c[0] == name })
	}
	for _, name := range hook.ZshLooksUp(script) {
		if bin := g.FoundOnPath(name, v.Dirs); bin != "" && !judged(name) {
			return fmt.Sprintf("`command %s` runs bash's own %s, but in zsh, the agent's shell for some users and one a Codex model may ask for, command runs an external program only: the %s PATH finds, which guard did not judge", name, name, bin)
		}
	}
	if agent != hook.Codex {
		return ""
	}
	for _, name := range hook.DashLooksUp(script) {
		if bin := g.FoundOnPath(name, v.Dirs); bin != "" && !judged(name) {
			return fmt.Sprintf("`%s` is bash's own, but dash, the /bin/sh a Codex model may ask for, has no such builtin and runs the program %s that PATH finds, which guard did not judge", name, bin)
		}
	}
	return ""
}
