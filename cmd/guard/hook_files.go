package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"guard/internal/gate"
	"guard/internal/hook"
	"guard/internal/inflight"
	"guard/policy"
	"guard/policy/patch"
	"guard/policy/protect"
	"guard/policy/shell"
	"guard/sandbox"
)

// maxToolPaths is how many paths one file-tool request may name, as
// patch.MaxFiles is for a patch.
const maxToolPaths = patch.MaxFiles

// judgeFiles judges a hook request of an agent's edit or read tool, and
// Codex's `apply_patch <<'EOF'` through its shell tool (Codex applies that
// patch itself, as its patch tool, without running a program). ok is false
// for any other request: a shell command is judged as a command.
func judgeFiles(g *gate.Gate, req *hook.Request) (v hook.Verdict, reason string, ok bool) {
	home := g.Getenv("HOME")
	if (req.Read || req.Edit && req.Patch == "") && len(req.Paths) > maxToolPaths {
		// Each path is resolved and judged (some 80 µs): 100,000 globs
		// of read_many_files took 7.7 s of the hook's 10.
		return hook.Ask, fmt.Sprintf("not judged: more than %d paths in one request (split it)", maxToolPaths), true
	}
	if req.Read || req.Edit && req.Patch == "" {
		if why := procLinkPath(req.Paths, g.Cwd, home); why != "" {
			return hook.Ask, why, true
		}
	}
	switch {
	case req.Read:
		decide := policy.DecideRead
		if req.Names {
			decide = policy.DecideNames
		}
		if req.Tree != nil {
			decide = func(paths []string, mode policy.Mode, list *protect.List, home string) (policy.Decision, []policy.ReadPath) {
				tr := *req.Tree
				tr.Own = g.Cwd
				return policy.DecideSearch(paths, req.Search, tr, mode, list, home)
			}
		}
		d, _ := decide(targets(req.Paths, g.Cwd, home), g.Mode, g.ProtectList(), home)
		if d.Action == policy.Run {
			if v, why, ok := nestedMemory(g, req, home); ok {
				return v, why, true
			}
		}
		return fileVerdict(d), d.Reason, true
	case req.Edit && req.Patch != "":
		return judgePatch(g, req, req.Patch, g.Cwd, home)
	case req.Edit:
		paths := targets(req.Paths, g.Cwd, home)
		d := decideAgentEdit(g, req.Agent, paths, home)
		if req.Echoes && d.Action != policy.Refuse {
			// Gemini CLI's replace answers with the file's lines around
			// the change: a replace in a .env sent its API key to the
			// model, in full-auto too.
			if rd, _ := policy.DecideRead(paths, g.Mode, g.ProtectList(), home); rd.Action != policy.Run {
				return fileVerdict(rd), "the edit answers the model with the file's lines around the change, so it is judged as a read too: " + rd.Reason, true
			}
		}
		if d.Action == policy.Run {
			if v, why, ok := nestedMemory(g, req, home); ok {
				return v, why, true
			}
		}
		if d.Action == policy.Run && req.Agent == hook.Gemini {
			// With its LLM correction on, Gemini CLI writes what a model
			// call after the hook returns: a memory file's imports are
			// unknown.
			for _, p := range paths {
				if !hook.MemoryFile(req.Agent, p, hook.RuleEnv{Getenv: g.Getenv, Project: req.Project}) {
					continue
				}
				if f := hook.GeminiLLMCorrection(hook.RuleEnv{Getenv: g.Getenv, Project: req.Project}); f != "" {
					return hook.Ask, "not known to be safe: writes " + p + ", an agent's memory file whose @imports Gemini CLI reads into the model's context, and " + f + " turns Gemini CLI's LLM correction on (tools.disableLLMCorrection: false): the text written is what a model call after this check returns, so a person approves (or turn the correction off)", true
				}
			}
		}
		if d.Action == policy.Run {
			// A memory file's @imports are read into the model's context.
			if imps := hook.MemoryImports(*req, home, g.Getenv); len(imps) > 0 {
				if why := procLinkPath(imps, g.Cwd, home); why != "" {
					return hook.Ask, why + " (a path the memory file imports)", true
				}
				if rd, _ := policy.DecideRead(targets(imps, g.Cwd, home), g.Mode, g.ProtectList(), home); rd.Action != policy.Run {
					return fileVerdict(rd), "writes a Claude Code memory file whose @imports Claude Code reads into the model's context: " + rd.Reason, true
				}
			}
		}
		return fileVerdict(d), editReason(d, g.Mode), true
	case req.Shell && req.Agent == hook.Codex:
		if text, dir, ok := shellPatch(req.Command); ok {
			return judgePatch(g, req, text, patch.Abs(dir, g.Cwd), home)
		}
	}
	return hook.Deny, "", false
}

// judgePatch judges an apply_patch of text applied in dir; req.Paths
// becomes the patch's paths, for the audit log.
func judgePatch(g *gate.Gate, req *hook.Request, text, dir, home string) (hook.Verdict, string, bool) {
	p, err := patch.Parse(text)
	if err != nil {
		return hook.Deny, "apply_patch refused: " + err.Error(), true
	}
	req.Paths = p.Paths()
	if why := procLinkPath(p.Paths(), dir, home); why != "" {
		return hook.Ask, why, true
	}
	paths := targets(p.Paths(), dir, home)
	d := decideAgentEdit(g, req.Agent, paths, home)
	for _, p := range paths {
		if d.Action == policy.Run && hook.MemoryFile(req.Agent, p, hook.RuleEnv{Getenv: g.Getenv, Project: req.Project}) {
			// Its @imports are read into the model's context by the
			// user's Claude Code or Gemini CLI.
			d.Action, d.Reason = policy.Ask, "writes "+p+", a memory file Claude Code or Gemini CLI reads into the model's context with every file its @imports name (a secret of the project's included): a person approves"
		}
	}
	return fileVerdict(d), editReason(d, g.Mode), true
}

// decideEdit is the decision on an edit writing paths (absolute), as the
// hook and `guard explain --edit` both make it: policy.DecideEdit; a file
// that is protected at another path the mount table gives it (a home
// directory bind-mounted inside the project: sandbox.OtherPaths) counted
// as protected, and a write into a directory on PATH (gate.PathWrite) as
// outside the roots. The hook adds what depends on the agent (its .env,
// memory files).
func decideEdit(g *gate.Gate, paths []string, home string) policy.Decision {
	d := policy.DecideEdit(paths, g.Mode, g.Roots, g.ProtectList(), home)
	if d.Action == policy.Run {
		resolved := make([]string, 0, len(paths))
		for _, p := range paths {
			resolved = append(resolved, policy.Resolve(p, "/"))
		}
		if others := sandbox.OtherPaths(resolved); len(others) > 0 {
			// Each judged as protected or not where it lies (its
			// directory taken for a root: the file is inside the
			// roots by the path given).
			dirs := make([]string, 0, len(others))
			for _, o := range others {
				dirs = append(dirs, filepath.Dir(o))
			}
			if od := policy.DecideEdit(others, g.Mode, dirs, g.ProtectList(), home); od.Action != policy.Run {
				od.Reason = "writes a file that another mount of its file system shows elsewhere, where it is protected: " + od.Reason
				od.Writes = d.Writes
				return od
			}
		}
	}
	if why := g.PathWrite(paths); why != "" && d.Action == policy.Run {
		d.Action, d.Reason = policy.Ask, why
		if g.Mode == policy.FullAuto {
			d.Action = policy.Refuse
		}
	}
	return d
}

// decideAgentEdit is decideEdit for an agent's own file tool, which
// writes after the hook answers, outside any sandbox: also asked while a
// run of guard's can change the paths on the way (writerInFlight), and for
// a file the agent itself loads into its environment (hook.AgentEnvFile).
func decideAgentEdit(g *gate.Gate, agent hook.Agent, paths []string, home string) policy.Decision {
	d := decideEdit(g, paths, home)
	if why := writerInFlight(g, paths); why != "" && d.Action == policy.Run {
		d.Action, d.Reason = policy.Ask, why
	}
	if why := hook.AgentEnvFile(agent, paths, g.Getenv); why != "" && d.Action == policy.Run {
		d.Action, d.Reason = policy.Ask, why
	}
	return d
}

// shellPatch recognises the one script form Codex applies as a patch
// itself: apply_patch (or applypatch) with the patch in a quoted
// here-document, alone or after `cd DIR &&`. It returns the patch and the
// directory, relative to the script's.
func shellPatch(script string) (text, dir string, ok bool) {
	s, err := shell.Parse(script, shell.Bash)
	if err != nil || s.Unverified != "" || len(s.Commands) != 1 {
		return "", "", false
	}
	c := s.Commands[0]
	if len(c.Argv) != 1 || c.Stdin == "" || c.Dynamic != "" || len(c.Writes)+len(c.Reads) > 0 || len(c.OtherDirs) > 0 ||
		len(c.Env)+len(c.Wrapper) > 0 || (c.Argv[0] != "apply_patch" && c.Argv[0] != "applypatch") {
		return "", "", false
	}
	return c.Stdin, c.Dir, true
}

// writerInFlight says why an edit of paths (absolute) is not known to be
// safe while a command guard confined or sandboxed is still running (one
// started in the background, or a session the agent left running) with
// write access to a directory on the way to one of them: the agent writes
// after this judgement, unconfined, and that command can put a link there
// in between (a sandboxed loop swapping d for a link to .git/hooks landed
// 4 of 30 allowed writes of d/x in .git/hooks). "" when none is.
func writerInFlight(g *gate.Gate, paths []string) string {
	runs, err := inflight.Live(gate.InFlightDir(g.Getenv))
	if err != nil {
		return "not known to be safe: guard's records of the commands it is running cannot be read (" + err.Error() + "), and one of them could change the paths this edit writes before the agent writes them"
	}
	for _, r := range runs {
		for _, p := range paths {
			for _, t := range []string{p, policy.Resolve(p, "/")} {
				for _, root := range r.Roots {
					if policy.InsideFolded(filepath.Dir(t), root) {
						return fmt.Sprintf("not known to be safe: a command guard runs (pid %d) is still running and can write in %s: between this check and the agent's own write, which no sandbox confines, it could put a link on the way to %s that sends the write elsewhere; wait for it to end, or stop it, then edit again", r.Pid, root, p)
					}
				}
			}
		}
	}
	return ""
}

// targets returns every place a write of each path may land (see
// patch.Targets): tilde expanded, made absolute against dir, and also
// cleaned lexically when that differs.
func targets(paths []string, dir, home string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, patch.Targets(p, dir, home)...)
	}
	return out
}

// searchDirs returns the directories a search tool walks for paths (the
// part of each before a glob; the working directory dir when there is none),
// those that are directories.
func searchDirs(paths []string, dir, home string) []string {
	var out []string
	for _, t := range targets(paths, dir, home) {
		if i := strings.IndexAny(t, "*?[{"); i >= 0 {
			t = filepath.Dir(t[:i] + "x")
		}
		if fi, err := os.Stat(t); err == nil && fi.IsDir() {
			out = append(out, t)
		}
	}
	if len(paths) == 0 {
		out = append(out, dir)
	}
	return out
}

// procLinkPath says why one of paths, as an agent's file tool names them,
// is not judged: it goes through a process's working directory or
// descriptors in /proc, the agent's own when it opens /proc/self (see
// hook.ThroughProcLink). "" when none does.
func procLinkPath(paths []string, dir, home string) string {
	for _, p := range paths {
		for _, t := range targets([]string{p}, dir, home) {
			if link := hook.ThroughProcLink(t); link != "" {
				return "not known to be safe: " + p + " goes through " + link + ", a working directory or open descriptor in /proc: the agent opens it in its own process, whose directory and descriptors guard cannot see, so what it reads or writes there is unknown"
			}
		}
	}
	return ""
}

func fileVerdict(d policy.Decision) hook.Verdict {
	switch d.Action {
	case policy.Run:
		return hook.Allow
	case policy.Ask:
		return hook.Ask
	}
	return hook.Deny
}

func editReason(d policy.Decision, mode policy.Mode) string {
	if d.Action == policy.Run {
		return fmt.Sprintf("edit inside the writable roots in %s mode", mode)
	}
	return d.Reason
}

// explainFiles is `guard explain [FLAGS] --edit PATH...` and `--read
// PATH...`: the decision on an agent's edit or read tool touching the
// paths, with the entry of the protected list or the secrets list that
// matched. ok is false when args name neither flag.
func (c *cli) explainFiles(args []string) (code int, ok bool) {
	kind, at := "", -1
	for i, a := range args {
		if a == "--" {
			break
		}
		if a == "--edit" || a == "--read" {
			kind, at = a[2:], i
			break
		}
	}
	if at < 0 {
		return 0, false
	}
	f, _, err := parseFlags(args[:at], runFlags...)
	if err != nil {
		return c.usageError(err), true
	}
	paths := args[at+1:]
	if len(paths) > 0 && paths[0] == "--" {
		paths = paths[1:]
	}
	if len(paths) == 0 {
		return c.usageError(fmt.Errorf("%w: explain --%s: no path given", errUsage, kind)), true
	}
	for _, p := range paths {
		if p == "" {
			// "$UNSET" named the working directory.
			return c.usageError(fmt.Errorf("%w: explain --%s: an empty path", errUsage, kind)), true
		}
	}
	g, err := c.newGate(f.Options)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard: %v\n", err)
		return gate.ExitFailure, true
	}
	home := g.Getenv("HOME")
	var abs, given []string
	for _, p := range paths {
		for _, t := range patch.Targets(p, g.Cwd, home) {
			abs, given = append(abs, t), append(given, p)
		}
	}
	var d policy.Decision
	var reads []policy.ReadPath
	if kind == "edit" {
		d = decideEdit(g, abs, home)
	} else {
		d, reads = policy.DecideRead(abs, g.Mode, g.ProtectList(), home)
	}
	// Show each path as given.
	for i := range d.Writes {
		d.Writes[i].Path = given[i]
	}
	for i := range reads {
		reads[i].Path = given[i]
	}
	if f.JSON {
		out := map[string]any{kind: paths, "mode": g.Mode, "decision": d.Action, "reason": d.Reason, "roots": g.Roots}
		if kind == "edit" {
			out["writes"] = d.Writes
		} else {
			out["reads"] = reads
		}
		b, _ := json.Marshal(out)
		fmt.Fprintf(c.stdout, "%s\n", b)
		return 0, true
	}
	// Escaped: a resolved path is a link's target, which an agent chooses.
	w := termSafe{c.stdout}
	fmt.Fprintf(w, "%-9s %s\n", kind+":", strings.Join(paths, " "))
	fmt.Fprintf(w, "mode:     %s\n", g.Mode)
	fmt.Fprintf(w, "decision: %s", d.Action)
	if d.Reason != "" {
		fmt.Fprintf(w, " (%s)", d.Reason)
	}
	fmt.Fprintln(w)
	for _, p := range d.Writes {
		fmt.Fprintf(w, "writes:   %s -> %s (%s)\n", p.Path, p.Resolved, writeWhere(p))
	}
	for _, r := range reads {
		where := "not a secret"
		if r.Secret != "" {
			where = r.Secret
		}
		fmt.Fprintf(w, "reads:    %s -> %s (%s)\n", r.Path, r.Resolved, where)
	}
	if kind == "edit" {
		fmt.Fprintf(w, "roots:    %s\n", strings.Join(g.Roots, " "))
	}
	return 0, true
}

// writeWhere says where a written path is: inside a root, outside them, or
// on the protected list (naming the entry).
func writeWhere(p policy.WrittenPath) string {
	switch {
	case p.Protected != "":
		return p.Protected
	case p.Inside:
		return "inside a writable root"
	}
	return "outside the writable roots"
}

// definitionRead judges, as reads, the definition files whose text Claude
// Code reads into the model's context for a Skill or Agent call
// (hook.DefinitionTexts): the verdict and why, "" when every one is let
// through. A definition that is a link to a private key sent the key.
func (c *cli) definitionRead(project string, files []string) (hook.Verdict, string) {
	if len(files) == 0 {
		return hook.Allow, ""
	}
	g, err := c.newGate(gate.Options{Project: project, RunsElsewhere: true})
	if err != nil {
		return hook.Deny, err.Error()
	}
	home := g.Getenv("HOME")
	if why := procLinkPath(files, g.Cwd, home); why != "" {
		return hook.Ask, why
	}
	if rd, _ := policy.DecideRead(targets(files, g.Cwd, home), g.Mode, g.ProtectList(), home); rd.Action != policy.Run {
		return fileVerdict(rd), "its file, which Claude Code reads into the model's context as the instructions, is what guard would not let a read reach: " + rd.Reason
	}
	return hook.Allow, ""
}

// nestedMemory judges, as reads, the files Claude Code or Gemini CLI reads
// into the model's context when its file tool first touches a directory
// below the project, or in another of Gemini CLI's workspace directories
// (hook.NestedMemoryImports): ok when one of them is not let through.
func nestedMemory(g *gate.Gate, req *hook.Request, home string) (hook.Verdict, string, bool) {
	imps := hook.NestedMemoryImports(*req, home, g.Getenv)
	if len(imps) == 0 {
		return hook.Deny, "", false
	}
	if why := procLinkPath(imps, g.Cwd, home); why != "" {
		return hook.Ask, why + " (a path a memory file of the directory imports)", true
	}
	if rd, _ := policy.DecideRead(targets(imps, g.Cwd, home), g.Mode, g.ProtectList(), home); rd.Action != policy.Run {
		return fileVerdict(rd), "the directory's " + req.Agent.Title() + " memory file, which " + req.Agent.Title() + " reads into the model's context when a file tool first touches the directory, is (a link) or @imports what guard would not let through: " + rd.Reason, true
	}
	return hook.Deny, "", false
}
