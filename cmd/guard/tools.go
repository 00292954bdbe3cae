package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"guard/install"
	"guard/internal/gate"
	"guard/internal/sysprog"
	"guard/policy"
	"guard/sandbox"
	"guard/shim"
)

// explain prints the decision for a command without running anything.
func (c *cli) explain(args []string) int {
	if code, ok := c.explainFiles(args); ok {
		return code
	}
	f, rest, err := parseFlags(args, runFlags...)
	if err != nil {
		return c.usageError(err)
	}
	if len(rest) == 0 {
		return c.usageError(fmt.Errorf("%w: explain: no program given", errUsage))
	}
	g, err := c.newGate(f.Options)
	if err == nil {
		err = c.judgeStartupPATH(g, rest) // as Run judges it
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "guard: %v\n", err)
		return gate.ExitFailure
	}
	v, d, target, code, rerr := g.Plan(rest)
	resolved := target.Path
	if f.JSON {
		caps, writes := g.Caps, d.Writes
		if caps == nil {
			caps = []gate.Cap{} // [], not null, whatever the command
		}
		if writes == nil {
			writes = []policy.WrittenPath{}
		}
		out := map[string]any{
			"command": rest, "mode": g.Mode, "mode_caps": caps, "class": v.Class, "decision": d.Action,
			"reason": d.Reason, "rule": v.Result.Rule, "at": v.Result.At.String(),
			"resolved": resolved, "writes": writes, "result": json.RawMessage(v.Result.JSON()),
			"sandbox": gate.Sandboxing(g.Mode, d),
		}
		if rerr != nil && v.Class != policy.Forbidden {
			// guard runs nothing, asks no one: the program cannot run (127
			// not found, 126 not executable), as Run says before deciding.
			// "decision" alone read as "it runs sandboxed".
			out["error"], out["exit_code"] = rerr.Error(), code
		}
		b, _ := json.Marshal(out)
		fmt.Fprintf(c.stdout, "%s\n", b)
		return 0
	}
	w := c.stdout
	fmt.Fprintf(w, "command:  %s\n", gate.Display(rest))
	if v.Script {
		fmt.Fprintf(w, "script:   judged command by command; decided by: %s\n", gate.Display(v.Argv))
	}
	fmt.Fprintf(w, "class:    %s\n", v.Class)
	if v.Result.Rule != "" {
		fmt.Fprintf(w, "rule:     %s at %s\n", gate.Visible(v.Result.Rule), gate.Visible(v.Result.At.String()))
	} else {
		fmt.Fprintf(w, "rule:     none\n")
	}
	if why := v.Why(); v.Class != policy.Safe {
		fmt.Fprintf(w, "why:      %s\n", gate.Visible(why))
	}
	fmt.Fprintf(w, "mode:     %s", g.Mode)
	for _, cp := range g.Caps {
		fmt.Fprintf(w, ", at most %s (%s)", cp.Mode, gate.Visible(cp.File))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "decision: %s", d.Action)
	if gate.WritesConfined(g.Mode, d) {
		fmt.Fprint(w, ", confined (a write that lands outside the writable roots at run time fails)")
	}
	if d.Reason != "" {
		fmt.Fprintf(w, " (%s)", gate.Visible(d.Reason))
	}
	fmt.Fprintln(w)
	switch gate.Sandboxing(g.Mode, d) {
	case "files":
		fmt.Fprintln(w, "sandbox:  files only (auto-edit's profile: Landlock confines writes to the roots, seccomp refuses set-id modes; as root, read-only mounts and CAP_SETFCAP, CAP_MKNOD, CAP_NET_RAW... dropped)")
	case "landlock+seccomp":
		fmt.Fprintln(w, "sandbox:  landlock+seccomp (full-auto's profile: writes confined to the roots, network, processes outside and set-id modes refused)")
	}
	if rerr != nil {
		fmt.Fprintf(w, "binary:   cannot run (exit %d, nothing is asked or run): %s\n", code, gate.Visible(rerr.Error()))
	} else {
		fmt.Fprintf(w, "binary:   %s\n", gate.Visible(resolved))
	}
	for _, p := range d.Writes {
		fmt.Fprintf(w, "writes:   %s -> %s (%s)\n", gate.Visible(p.Path), gate.Visible(p.Resolved), gate.Visible(writeWhere(p)))
	}
	fmt.Fprintf(w, "roots:    %s\n", gate.Visible(strings.Join(g.Roots, " ")))
	return 0
}

// guardPath is the absolute path of this guard binary.
func guardPath() (string, error) {
	p, _, err := shim.Self()
	return p, err
}

func (c *cli) install(args []string) int {
	f, names, err := parseFlags(args, "--dir", "--policy")
	if err != nil {
		return c.usageError(err)
	}
	dir, err := c.shimDir(f.dir)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard install: %v\n", err)
		return gate.ExitFailure
	}
	self, err := guardPath()
	if err != nil {
		fmt.Fprintf(c.stderr, "guard install: %v\n", err)
		return gate.ExitFailure
	}
	explicit := len(names) > 0
	for _, n := range names {
		// A name no program on PATH can have ("", "../evil", "a/b") is
		// bad input, not a program missing from PATH ("$UNSET", a typo).
		if err := install.ValidName(n); err != nil && !shim.IsGuard(n) {
			return c.usageError(fmt.Errorf("%w: guard install: %s; give program names as PATH finds them (rm, git), no shim made", errUsage, gate.Visible(err.Error())))
		}
	}
	if len(names) == 0 {
		g, err := c.newGate(f.Options)
		if err != nil {
			fmt.Fprintf(c.stderr, "guard install: %v\n", err)
			return gate.ExitFailure
		}
		names = install.CommonDangerous()
		for _, p := range g.Set {
			for _, e := range p.AllPrograms() {
				if install.ValidName(e.Key) == nil {
					names = append(names, e.Key)
				}
			}
		}
	}
	// A shim only for a program that exists: a shim for an absent program
	// would make `command -v NAME` lie to scripts.
	names, missing := onPath(names, c.getenv("PATH"), dir)
	if len(missing) > 0 && explicit {
		fmt.Fprintf(c.stderr, "guard install: not on PATH, no shim made: %s\n", gate.Visible(strings.Join(missing, " ")))
	} else if len(missing) > 0 {
		fmt.Fprintf(c.stderr, "guard install: %d programs guard knows are not on PATH and get no shim (guard install NAME adds one once it is installed)\n", len(missing))
	}
	rep, err := install.Shims(dir, self, names)
	for _, r := range rep.Results {
		if r.Status != install.Present {
			fmt.Fprintf(c.stderr, "%-8s %s", r.Status, r.Path)
			if r.Detail != "" {
				fmt.Fprintf(c.stderr, " (%s)", r.Detail)
			}
			fmt.Fprintln(c.stderr)
		}
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "guard install: %v\n", err)
		return gate.ExitFailure
	}
	fmt.Fprintf(c.stderr, "guard install: %d shims in %s (%d new, %d already there)\n",
		len(rep.Results), dir, rep.Count(install.Created)+rep.Count(install.Updated), rep.Count(install.Present))
	fmt.Fprintf(c.stderr, "%s\n", install.PathAdvice(dir))
	if w := notTheInstalledGuard(self, c.getenv("PATH")); w != "" {
		fmt.Fprintf(c.stderr, "guard install: warning: %s\n", w)
	}
	fmt.Fprintln(c.stdout, install.PathLine(dir))
	if n := len(rep.Conflicts()); n > 0 {
		fmt.Fprintf(c.stderr, "guard install: %d names are held by files that are not guard shims: those programs are not guarded\n", n)
		return 1
	}
	if explicit && len(missing) > 0 {
		return 1
	}
	return 0
}

// notTheInstalledGuard says why shims leading to self (this binary's path)
// may dangle, or "": when no guard on PATH is this very file, self is a
// build (./bin/guard in a checkout, a copy in /tmp) that a make clean or a
// deleted directory removes, and a shell skips a dangling shim and runs
// the real program, unguarded, without a word.
func notTheInstalledGuard(self, pathEnv string) string {
	me, err := os.Stat(self)
	if err != nil {
		return ""
	}
	other := ""
	for _, d := range filepath.SplitList(pathEnv) {
		if !filepath.IsAbs(d) {
			continue
		}
		fi, err := os.Stat(filepath.Join(d, "guard"))
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if os.SameFile(fi, me) {
			return ""
		}
		if other == "" {
			other = filepath.Join(d, "guard")
		}
	}
	where := "no guard is on PATH"
	if other != "" {
		where = "the guard on PATH is " + other
	}
	return fmt.Sprintf("the shims lead to %s, and %s: if that file is removed or moved (make clean, a deleted checkout), every shim dangles and the shell runs the real program unguarded, without a word; install guard (make install) and run guard install with the installed one", gate.Visible(self), gate.Visible(where))
}

// onPath splits names into those a PATH search finds (guard itself and
// the shim directory skipped) and those it does not.
func onPath(names []string, pathEnv, shimDir string) (found, missing []string) {
	_, self, err := shim.Self()
	var keep []string
	for _, d := range filepath.SplitList(pathEnv) {
		if filepath.Clean(d) != filepath.Clean(shimDir) {
			keep = append(keep, d)
		}
	}
	p := strings.Join(keep, string(filepath.ListSeparator))
	for _, n := range names {
		if err == nil {
			if _, _, lerr := shim.LookPath(n, p, self); lerr == nil {
				found = append(found, n)
				continue
			}
		}
		missing = append(missing, n)
	}
	return found, missing
}

func (c *cli) uninstall(args []string) int {
	var all, purge bool
	kept := args[:0:0]
	for _, a := range args {
		switch a {
		case "--all":
			all = true
		case "--purge":
			all, purge = true, true
		default:
			kept = append(kept, a)
		}
	}
	args = kept
	f, rest, err := parseFlags(args, "--dir")
	if err != nil {
		return c.usageError(err)
	}
	if len(rest) > 0 {
		return c.usageError(fmt.Errorf("%w: uninstall takes no arguments", errUsage))
	}
	dir, err := c.shimDir(f.dir)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard uninstall: %v\n", err)
		return gate.ExitFailure
	}
	self, err := guardPath()
	if err != nil {
		fmt.Fprintf(c.stderr, "guard uninstall: %v\n", err)
		return gate.ExitFailure
	}
	rep, err := install.Remove(dir, self)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard uninstall: %v\n", err)
		return gate.ExitFailure
	}
	fmt.Fprintf(c.stderr, "guard uninstall: %d shims removed from %s\n", rep.Count(install.Removed), dir)
	if !all {
		return 0
	}
	return c.uninstallAll(dir, purge)
}

func (c *cli) shimDir(flagDir string) (string, error) {
	if flagDir != "" {
		return filepath.Abs(flagDir)
	}
	return install.DefaultDir(c.getenv)
}

func (c *cli) getenv(key string) string { return gate.Getenv(c.env, key) }

// which shows the binary a shim for NAME would run, and what was skipped.
func (c *cli) which(args []string) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return c.usageError(fmt.Errorf("%w: guard which NAME", errUsage))
	}
	_, self, err := shim.Self()
	if err != nil {
		fmt.Fprintf(c.stderr, "guard which: %v\n", err)
		return gate.ExitFailure
	}
	path, skipped, err := shim.LookPath(args[0], c.getenv("PATH"), self)
	for _, s := range skipped {
		fmt.Fprintf(c.stdout, "skipped %s: %s\n", gate.Visible(s.Path), gate.Visible(s.Reason))
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "guard which: %s\n", gate.Visible(err.Error()))
		return gate.ExitNotFound
	}
	fmt.Fprintln(c.stdout, gate.Visible(path))
	return 0
}

// doctor reports what this machine enforces and how guard is set up.
func (c *cli) doctor(args []string) int {
	if len(args) > 0 {
		return c.usageError(fmt.Errorf("%w: doctor takes no arguments", errUsage))
	}
	w := termSafe{c.stdout} // names in the report may come from the agent's project
	problems := 0
	fmt.Fprintln(w, "sandbox (full-auto):")
	for _, f := range sandbox.Probe() {
		mark := "ok  "
		if !f.Enforced {
			mark = "NO  "
			problems++
		}
		fmt.Fprintf(w, "  %s %-40s %s\n", mark, f.Name, f.Detail)
	}
	fmt.Fprintln(w, "configuration:")
	g, err := c.newGate(gate.Options{})
	if err != nil {
		fmt.Fprintf(w, "  NO   %v\n", err)
		return 1
	}
	cfg := g.Config.Path
	if cfg == "" {
		cfg = "none (defaults)"
	}
	fmt.Fprintf(w, "  config file: %s\n", cfg)
	fmt.Fprintf(w, "  mode: %s\n", g.Mode)
	fmt.Fprintf(w, "  writable roots: %s\n", strings.Join(g.Roots, " "))
	fmt.Fprintf(w, "  policies: %s (embedded)", policy.DefaultFile)
	for _, f := range g.PolicyFiles {
		fmt.Fprintf(w, ", %s", f)
	}
	fmt.Fprintln(w)
	if g.AuditLog != "" {
		fmt.Fprintf(w, "  audit log: %s\n", g.AuditLog)
	}
	problems += c.doctorAgents(w, g)
	c.doctorGit(w)
	fmt.Fprintln(w, "shims:")
	dir, err := install.DefaultDir(c.getenv)
	if err != nil {
		fmt.Fprintf(w, "  NO   %v\n", err)
		return 1
	}
	if _, err := os.Stat(dir); err != nil {
		fmt.Fprintf(w, "  --   none installed in %s (guard install)\n", dir)
		return exitProblems(problems)
	}
	// The system's bash, not the first on PATH: guard doctor is safe for an
	// agent to run, and PATH may hold a project's .venv/bin. Nor one that
	// would source a start-up file named relative to this directory
	// (BASH_ENV=env.sh: the project's env.sh ran).
	bash, ok := sysprog.Find("bash")
	if !ok {
		bash = "/bin/bash"
	}
	why := gate.RelativeStartup("bash", true, c.getenv)
	if why == "" {
		why = g.StartupRunsPlanted("bash") // it would run the agent's program
	}
	if why != "" {
		fmt.Fprintf(w, "  ??   could not ask a login shell for its PATH: %s\n", gate.Visible(why))
		return exitProblems(problems)
	}
	// Bounded: a start-up file that waits (a FIFO ~/.profile, a read, a
	// mount that hangs) held doctor up for ever.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	login := exec.CommandContext(ctx, bash, "-lc", `printf %s "$PATH"`)
	login.WaitDelay = time.Second
	loginPath, err := login.Output()
	if ctx.Err() != nil {
		err = errors.New("no answer within 5 s (does a start-up file such as ~/.profile or ~/.bashrc wait for something?)")
	}
	if err != nil {
		fmt.Fprintf(w, "  ??   could not ask a login shell for its PATH: %v\n", err)
		return exitProblems(problems)
	}
	switch i := install.PathIndex(dir, string(loginPath)); {
	case i == 0:
		fmt.Fprintf(w, "  ok   %s comes first on PATH in a login shell\n", dir)
	case i > 0:
		fmt.Fprintf(w, "  NO   %s is on a login shell's PATH but not first (entry %d): programs before it are not guarded\n", dir, i+1)
		problems++
		shadowed := install.Shadowed(dir, string(loginPath))
		names := make([]string, 0, len(shadowed))
		for n := range shadowed {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(w, "  NO   %s: a login shell runs %s, not the shim\n", n, gate.Visible(shadowed[n]))
		}
	default:
		fmt.Fprintf(w, "  NO   %s is not on a login shell's PATH: %s\n", dir, install.PathLine(dir))
		problems++
	}
	if self, err := guardPath(); err == nil {
		bad, err := install.Check(dir, self, string(loginPath))
		if err != nil {
			fmt.Fprintf(w, "  NO   %v\n", err)
			problems++
		}
		for _, b := range bad {
			fmt.Fprintf(w, "  NO   %s: %s\n", gate.Visible(b.Path), b.Why)
			problems++
		}
		if err == nil && len(bad) == 0 {
			fmt.Fprintf(w, "  ok   every shim in %s leads to this guard and to a program on PATH\n", dir)
		}
	}
	return exitProblems(problems)
}

// doctorGit says whether git ignores a bare repository it was not told to
// use. The sandbox cannot keep a program from making a new one inside a
// root (docs/{HEAD,config,objects,refs}); git run there later, by a person
// or an editor, would run what its config names. With the setting, git
// refuses such a repository. Advice, not a problem guard can fix: it does
// not count towards the exit code. The system's git is asked, not the first
// on PATH, from a directory that is no repository.
func (c *cli) doctorGit(w io.Writer) {
	fmt.Fprintln(w, "git:")
	git, ok := sysprog.Find("git")
	if !ok {
		fmt.Fprintln(w, "  --   no git in /usr/bin, /bin, /usr/local/bin or /opt/homebrew/bin")
		return
	}
	// Only what names the global config reaches git (no GIT_TRACE file to
	// write), and a config that is a FIFO cannot hold doctor up.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, git, "config", "--global", "--get", "safe.bareRepository")
	cmd.Dir = "/"
	cmd.Env = []string{"GIT_DIR=/nonexistent", "GIT_CONFIG_NOSYSTEM=1", "PATH=/usr/bin:/bin"}
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL"} {
		if v := c.getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	out, _ := cmd.Output()
	if v := strings.TrimSpace(string(out)); v == "explicit" {
		fmt.Fprintln(w, "  ok   safe.bareRepository=explicit: git uses no bare repository it finds by itself")
		return
	}
	fmt.Fprintln(w, "  --   a bare repository made inside a root (docs/{HEAD,config,objects,refs}) runs its config's")
	fmt.Fprintln(w, "       commands when git is later used there; git 2.38 and later refuse it with:")
	fmt.Fprintln(w, "       git config --global safe.bareRepository explicit")
}

func exitProblems(n int) int {
	if n > 0 {
		return 1
	}
	return 0
}
