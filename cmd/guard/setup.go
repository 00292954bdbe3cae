package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"guard/install"
	"guard/internal/gate"
	"guard/internal/hook"
)

const setupUsage = "guard setup claude-code|codex|gemini [--project DIR] [--remove]"

// setup writes (or with --remove takes out) guard's hook in an agent's
// settings: this guard binary's absolute path, in a command that fails
// closed. See install.SetupHook.
func (c *cli) setup(args []string) int {
	var agent, project string
	remove := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--remove":
			remove = true
		case a == "--project" || strings.HasPrefix(a, "--project="):
			v, ok := strings.CutPrefix(a, "--project=")
			if !ok {
				if i+1 >= len(args) {
					return c.usageError(fmt.Errorf("%w: --project needs a directory (%s)", errUsage, setupUsage))
				}
				i++
				v = args[i]
			}
			v, err := homePath("--project", v)
			if err != nil {
				return c.usageError(err)
			}
			abs, err := filepath.Abs(v)
			if err != nil || v == "" {
				return c.usageError(fmt.Errorf("%w: --project %q: not a directory", errUsage, v))
			}
			if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
				return c.usageError(fmt.Errorf("%w: --project %s: not a directory", errUsage, abs))
			}
			project = abs
		case a == "--help" || a == "-h":
			fmt.Fprintln(c.stdout, "usage: "+setupUsage)
			return 0
		case strings.HasPrefix(a, "-"):
			return c.usageError(fmt.Errorf("%w: unknown flag %s (%s)", errUsage, a, setupUsage))
		case agent == "":
			agent = a
		default:
			return c.usageError(fmt.Errorf("%w: one agent at a time (%s)", errUsage, setupUsage))
		}
	}
	if agent == "" {
		return c.usageError(fmt.Errorf("%w: which agent? (%s)", errUsage, setupUsage))
	}
	cfg, err := install.HookConfigFor(agent, project, c.getenv)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard setup: %v\n", err)
		return gate.ExitFailure
	}
	var rep install.SetupReport
	if remove {
		rep, err = install.RemoveHook(cfg)
	} else {
		var self string
		self, err = guardPath()
		if err == nil {
			self, err = filepath.EvalSymlinks(self)
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "guard setup: %v\n", err)
			return gate.ExitFailure
		}
		rep, err = install.SetupHook(cfg, self)
		if err == nil && temporary(self, c.getenv("TMPDIR")) {
			fmt.Fprintf(c.stderr, "guard setup: warning: %s is in a temporary directory; when it goes, the hook blocks every tool call (install guard first: make install)\n", gate.Visible(self))
		}
	}
	if err != nil {
		// Only the error: the report of a write that failed would say the
		// file already held the hook.
		fmt.Fprintf(c.stderr, "guard setup: %v\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	printSetup(c.stderr, agent, remove, rep)
	// Every warning and the step left are said, whichever comes first: a
	// Codex config.toml that does not parse both hides whether hooks are
	// off and keeps guard from recording the trust, and the lines to add
	// are the way out.
	status := 0
	if !remove {
		// The hook is written, but the agent may never run it.
		if a, err := hook.ParseAgent(agent); err == nil {
			off, err := hook.UserHooksOff(a, hook.RuleEnv{Getenv: c.getenv})
			for _, o := range off {
				fmt.Fprintf(c.stderr, "guard setup: warning: %s\n", gate.Visible(userHooksOff(a, o)))
			}
			if err != nil {
				fmt.Fprintf(c.stderr, "guard setup: warning: %s: guard cannot tell whether they switch its hook off\n", gate.Visible(err.Error()))
			}
			if len(off) > 0 || err != nil {
				status = 1
			}
		}
		if st := install.InspectHook(cfg); agent == install.Codex && rep.TrustStep == "" && st.Installed && !st.Trusted {
			// Recorded, but Codex still skips it (a hook switched off).
			fmt.Fprintf(c.stderr, "guard setup: warning: %s\n", gate.Visible(st.TrustDetail))
			status = 1
		}
	}
	if rep.TrustStep != "" {
		fmt.Fprintf(c.stderr, "guard setup: one step left for Codex:\n%s", rep.TrustStep)
		status = 1
	}
	return status
}

// userHooksOff says what a setting outside the project that switches the
// agent's hooks off does (hook.UserHooksOff).
func userHooksOff(a hook.Agent, o hook.HooksOff) string {
	effect := "runs no hook"
	if o.Effect != "" {
		effect = o.Effect
	}
	return fmt.Sprintf("%s: %s %s, so guard's hook is never asked and every tool call runs unjudged (remove it)", o, a.Title(), effect)
}

// temporary reports whether path is under /tmp, /var/tmp or $TMPDIR (go
// run builds there).
func temporary(path, tmpdir string) bool {
	for _, d := range []string{"/tmp", "/var/tmp", tmpdir} {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		if rel, err := filepath.Rel(d, path); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

func printSetup(w io.Writer, agent string, remove bool, rep install.SetupReport) {
	what := "guard's hook for " + agent
	path := gate.Visible(rep.Path)
	switch {
	case rep.Path == "":
		return
	case rep.Changed && rep.Restored:
		fmt.Fprintf(w, "guard setup: removed %s from %s: it is back as it was before guard setup, byte for byte\n", what, path)
	case rep.Changed && remove:
		fmt.Fprintf(w, "guard setup: removed %s from %s\n", what, path)
	case rep.Changed:
		fmt.Fprintf(w, "guard setup: wrote %s to %s\n", what, path)
	case remove:
		fmt.Fprintf(w, "guard setup: %s has no %s; nothing to remove\n", path, what)
	default:
		fmt.Fprintf(w, "guard setup: %s already holds %s; unchanged\n", path, what)
	}
	if rep.Backup != "" {
		fmt.Fprintf(w, "guard setup: the previous %s is kept in %s\n", gate.Visible(filepath.Base(rep.Path)), gate.Visible(rep.Backup))
	}
	if rep.TrustChanged {
		verb := "marked the hook trusted"
		if remove {
			verb = "removed the hook's trust"
		}
		fmt.Fprintf(w, "guard setup: %s", verb)
		if rep.TrustKey != "" {
			fmt.Fprintf(w, " (%s)", gate.Visible(rep.TrustKey))
		}
		fmt.Fprint(w, " in Codex's config.toml")
		if rep.TrustBackup != "" {
			fmt.Fprintf(w, "; previous copy in %s", gate.Visible(rep.TrustBackup))
		}
		fmt.Fprintln(w)
	}
}

// doctorAgents reports guard's hook in each agent's user settings (and in
// the current directory's project settings, when there are some) and
// returns the number of problems: a hook whose guard is missing, that does
// not fail closed, or (Codex) that is not trusted.
func (c *cli) doctorAgents(w io.Writer, g *gate.Gate) int {
	fmt.Fprintln(w, "agent hooks:")
	problems := 0
	cwd, _ := os.Getwd()
	for _, agent := range install.Agents {
		user := ""
		for _, project := range []string{"", cwd} {
			cfg, err := install.HookConfigFor(agent, project, c.getenv)
			if err != nil {
				if project == "" {
					fmt.Fprintf(w, "  ??   %s: %v\n", agent, err)
				}
				continue
			}
			if project == "" {
				user = cfg.Path
			} else {
				// The project's settings, unless they are the user's (in
				// the home directory, Codex's are the same file).
				if _, err := os.Stat(cfg.Path); err != nil || cfg.Path == user {
					continue
				}
			}
			st := install.InspectHook(cfg)
			mark, msg := "ok  ", ""
			switch {
			case st.Err != nil:
				mark, msg = "NO  ", st.Err.Error()
			case !st.Installed:
				mark, msg = "--  ", "no guard hook (guard setup "+agent+")"
			case !st.GuardOK:
				mark, msg = "NO  ", fmt.Sprintf("the hook runs %q, which is not an executable at an absolute path (guard setup %s)", st.Guard, agent)
			case !st.FailsClosed:
				mark, msg = "NO  ", "the hook does not fail closed: if guard is missing or fails, the agent runs the command (guard setup "+agent+")"
			case st.ShortTimeout != "":
				mark, msg = "NO  ", st.ShortTimeout
			case st.Missing != "":
				mark, msg = "NO  ", st.Missing
			case agent == install.Codex && !st.Trusted:
				mark, msg = "NO  ", st.TrustDetail
			default:
				msg = "runs " + st.Guard + ", fails closed"
				if agent == install.Codex {
					msg += ", trusted"
				}
			}
			if mark == "NO  " {
				problems++
			}
			fmt.Fprintf(w, "  %s %-11s %s: %s\n", mark, agent, gate.Visible(cfg.Path), gate.Visible(msg))
		}
		// The user's, the machine's and the project's own settings, and the
		// environment, can switch every hook off (a file that does not
		// parse is reported above).
		if a, err := hook.ParseAgent(agent); err == nil {
			userOff, err := hook.UserHooksOff(a, hook.RuleEnv{Getenv: c.getenv})
			for _, o := range userOff {
				problems++
				fmt.Fprintf(w, "  NO   %-11s %s\n", agent, gate.Visible(userHooksOff(a, o)))
			}
			if err != nil {
				problems++
				fmt.Fprintf(w, "  NO   %-11s %s: guard cannot tell whether it switches the agent's hooks off\n", agent, gate.Visible(err.Error()))
			}
			off, _ := hook.ProjectHooksOff(a, cwd)
			for _, o := range off {
				if slices.Contains(userOff, o) {
					continue // the project is the home directory
				}
				problems++
				effect := "runs no hook in a session started here, guard's included"
				if o.Effect != "" {
					effect = o.Effect
				}
				fmt.Fprintf(w, "  NO   %-11s %s: %s %s\n", agent, gate.Visible(fmt.Sprint(o)), a.Title(), effect)
			}
			for _, v := range hook.ProjectGuardVars(a, cwd, nil) {
				problems++
				if v.Unread != nil {
					fmt.Fprintf(w, "  NO   %-11s %s, which %s reads whole for its hooks' environment, cannot be read by guard (%v): guard refuses every call while it is there\n", agent, gate.Visible(v.File), a.Title(), v.Unread)
					continue
				}
				fmt.Fprintf(w, "  NO   %-11s %s sets %s=%s for %s's hooks: guard refuses every call while it does\n", agent, gate.Visible(v.File), gate.Visible(v.Name), gate.Visible(v.Value), a.Title())
			}
			if file, names := hook.ProjectMCPServers(a, cwd); len(names) > 0 {
				fmt.Fprintf(w, "  --   %-11s %s lists MCP servers that run a program (%s): %s may start them with the session, before any hook\n", agent, gate.Visible(file), gate.Visible(strings.Join(names, ", ")), a.Title())
			}
			// Settings of the project's that run a program themselves
			// (a credential helper, a tool discovery command).
			var files []string
			keys := map[string][]string{}
			for _, p := range hook.ProjectPrograms(a, cwd) {
				if keys[p.File] == nil {
					files = append(files, p.File)
				}
				keys[p.File] = append(keys[p.File], p.Key)
			}
			for _, f := range files {
				fmt.Fprintf(w, "  --   %-11s %s sets programs %s runs itself (%s): they run with the session, before and outside any hook\n", agent, gate.Visible(f), a.Title(), gate.Visible(strings.Join(keys[f], ", ")))
			}
			if a == hook.Gemini && g != nil {
				// Gemini CLI runs its hooks with the bash PATH finds.
				switch why, reaches := g.PathShell("bash", cwd); {
				case why != "":
					problems++
					fmt.Fprintf(w, "  NO   %-11s %s; Gemini CLI runs its hooks, guard's included, with it\n", agent, gate.Visible(why))
				case reaches:
					fmt.Fprintf(w, "  --   %-11s PATH reaches a writable root: Gemini CLI runs its hooks with the bash PATH finds, and a bash written there would run before guard (keep such directories off the agent's PATH)\n", agent)
				}
			}
		}
	}
	return problems
}
