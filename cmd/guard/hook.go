package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"guard/internal/audit"
	"guard/internal/config"

	"guard/internal/gate"
	"guard/internal/hook"
	"guard/policy"
	"guard/policy/shell"
)

// hookDeadline bounds a hook's whole run: an agent that times a hook out
// runs the command (Codex, Gemini CLI), so guard denies first.
const hookDeadline = 10 * time.Second

// answerTimeout bounds the write of the answer: a stdout nobody reads must
// not hold guard until the agent's timeout.
const answerTimeout = 3 * time.Second

// hook answers an agent's pre-tool hook request. It never exits 1 (agents
// take that as "go ahead"): every failure is a deny on stdout, and if the
// answer cannot be written, exit 2 with the reason on stderr, which blocks.
func (c *cli) hook(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(c.stderr, "guard hook: usage: guard hook claude-code|codex|gemini")
		return 2
	}
	agent, err := hook.ParseAgent(args[0])
	if err != nil {
		fmt.Fprintf(c.stderr, "guard hook: %v\n", err)
		return 2
	}
	// A write to a closed pipe fails with EPIPE instead of killing guard
	// with SIGPIPE, which agents read as "go ahead".
	signal.Ignore(syscall.SIGPIPE)
	h := &hookCall{c: c, agent: agent}
	// The deadline answers from the timer's goroutine and ends the process;
	// the judging runs on this one, with no hand-over between threads on
	// the common path.
	deadline := time.AfterFunc(hookDeadline, func() {
		os.Exit(h.deny(fmt.Sprintf("guard: no answer within %v (a request too large or too slow to judge)", hookDeadline)))
	})
	defer deadline.Stop()
	return h.run()
}

// hookCall is one hook request: what is known of it so far, for the answer
// and the audit log, and whether it has been answered.
type hookCall struct {
	c     *cli
	agent hook.Agent
	req   hook.Request
	gate  *gate.Gate

	mu       sync.Mutex
	answered bool
	code     int
}

// run judges the request and answers it; the result is the exit code.
func (h *hookCall) run() (code int) {
	c, agent := h.c, h.agent
	defer func() {
		if r := recover(); r != nil {
			code = h.deny(fmt.Sprintf("guard failed: %v", r))
		}
	}()
	if f, ok := c.stdin.(*os.File); ok && stdinTerminal(f) {
		// A person typing `guard hook X`: no agent will send the request,
		// and the deadline would deny only after a silent wait.
		return h.deny(fmt.Sprintf("guard: stdin is a terminal; guard hook %s reads the request %s sends on stdin (guard setup %s installs it)", agent, agent.Title(), agent))
	}
	req, err := hook.Decode(agent, c.stdin)
	if err != nil {
		h.set(func() { h.req = req }) // the event, for the answer's form
		return h.deny("guard: " + err.Error())
	}
	h.set(func() { h.req = req })
	if req.Unjudged {
		// A tool guard cannot read: one added in a later version of the
		// agent fails closed here, not open.
		return h.answer(hook.Ask, unjudgedReason(agent, req), "", nil)
	}
	if !req.Shell && !req.Edit && !req.Read && !req.Skill && !req.Subagent && !req.Workflow {
		return h.answer(hook.Allow, "", "", nil)
	}
	self, err := guardPath()
	if err != nil {
		return h.deny("guard: " + err.Error())
	}
	project, err := c.hookProject(agent)
	if err != nil {
		return h.deny("guard: the agent's project: " + err.Error())
	}
	req.Project = project
	h.set(func() { h.req.Project = project })
	if project == "/" {
		// Started in the root directory (a container's WORKDIR /): every
		// file would be inside the writable root, /etc/passwd included.
		return h.deny(fmt.Sprintf("guard: %s's project is /, so every file would be inside the writable root; start the agent in the project's directory", agent.Title()))
	}
	if vars := hook.ProjectGuardVars(agent, project, c.getenv); len(vars) > 0 {
		// The agent put the project's own values in the environment guard
		// reads its mode, configuration and roots from.
		v := vars[0]
		if v.Unread != nil {
			return h.deny(fmt.Sprintf("guard: %s, which %s reads whole into the environment of its hooks or commands, could not be read (%v): it may set a variable guard takes its mode, configuration or writable roots from, or one that makes every command run code, so guard refuses every tool call until that is removed", v.File, agent.Title(), v.Unread))
		}
		why := "guard does not take its mode, configuration, writable roots or the agent's project from the project it guards"
		if agent == hook.Gemini && hook.GeminiOwnVar(v.Name, v.Value) {
			why = "Gemini CLI itself acts on it outside any tool call (the file it names read into every request's system prompt or written, the conversation sent elsewhere, a program started, its workspace widened), where no hook judges it"
		} else if hook.CodeVar(v.Name) {
			why = "every program the agent runs would then run code the project names, unjudged"
		} else if hook.LookupVar(v.Name) && !hook.GuardVar(v.Name) {
			why = "the commands would find their programs and libraries there, and run others than the ones guard judged"
		}
		return h.deny(fmt.Sprintf("guard: %s sets %s=%s in the environment %s gives its hooks or commands: %s, so guard refuses every tool call until that is removed (set such variables in the agent's user settings or environment, or in a .guard/config.toml you trust with guard trust)", v.File, v.Name, v.Value, agent.Title(), why))
	}
	if names := hook.StrippedGuardVars(c.getenv); len(names) > 0 {
		// The agent's settings took guard's own variables out of the
		// environment it gives its hooks.
		return h.deny(fmt.Sprintf("guard: %s was started with %s set, which the environment it gives its hooks lacks: its settings took them out (Gemini CLI's security.environmentVariableRedaction, or its strict redaction, which a GITHUB_SHA in the project's .env switches on), so guard would judge in another mode or configuration than the one the agent was started with; guard refuses every tool call until that is undone", agent.Title(), strings.Join(names, ", ")))
	}
	if off, err := hook.ProjectHooksOff(agent, project); err != nil || len(off) > 0 {
		// The agent read its settings when the session started: a switch
		// found now was made since (a checkout, a merge, an archive), and
		// the next session here would not ask guard at all.
		return h.deny(hooksOffReason(agent, off, err))
	}
	if req.Skill {
		// A skill's own hooks run unjudged while it is active.
		if files := hook.SkillHooks(req.SkillName, hook.RuleEnv{Getenv: c.getenv, Project: project}); len(files) > 0 {
			return h.answer(hook.Ask, fmt.Sprintf("guard: the skill %q (%s) declares hooks of its own (or MCP servers, or runs in a subagent whose definition declares them), commands %s runs while the skill is active and that guard does not judge: a person must approve loading it (or take them out of the skill's file, or do its steps as tool calls)", req.SkillName, files[0], agent.Title()), "", nil)
		}
		if why := hook.NestedSkillsUnseen(project); why != "" {
			// A skill guard has not read may be the one loaded.
			return h.answer(hook.Ask, fmt.Sprintf("guard: %s, so the skill %q may be one of them declaring hooks %s would run unjudged: a person must approve loading it", why, req.SkillName, agent.Title()), "", nil)
		}
		if v, why := c.definitionRead(project, hook.DefinitionTexts(req.SkillName, "", hook.RuleEnv{Getenv: c.getenv, Project: project})); why != "" {
			return h.answer(v, "guard: the skill "+strconv.Quote(req.SkillName)+": "+why, "", nil)
		}
		return h.answer(hook.Allow, "", "", nil)
	}
	if req.Workflow {
		// The script is JavaScript guard does not read, and its agent()
		// calls choose how Claude Code starts each subagent: in a git
		// worktree it makes itself, or of a type whose definition runs
		// commands of its own.
		return h.answer(hook.Ask, "guard: Claude Code's Workflow runs a script (JavaScript, which guard does not read) whose agent() calls choose how Claude Code starts each subagent: in a git worktree Claude Code makes itself (isolation: 'worktree': git worktree add, a checkout written below .claude/worktrees), or of a subagent type whose definition declares hooks or MCP servers of its own, none of which reaches guard's hook; a person must approve it (or start the subagents with the Agent tool, which guard judges)", "", nil)
	}
	if req.Isolation != "" {
		// Claude Code makes the worktree itself, as for EnterWorktree.
		return h.answer(hook.Ask, fmt.Sprintf("guard: Claude Code's %s with isolation %s starts the subagent in a git worktree Claude Code makes itself (git worktree add: a checkout written below .claude/worktrees, git run in the repository), or elsewhere, which guard does not judge, as for EnterWorktree: a person must approve it (or start the subagent without isolation)", req.Tool, strconv.Quote(req.Isolation)), "", nil)
	}
	if req.Subagent {
		// A subagent's own hooks and MCP servers run unjudged while it
		// works, and Claude Code makes the worktree of one whose
		// definition asks for isolation.
		env := hook.RuleEnv{Getenv: c.getenv, Project: project}
		files := hook.SubagentCode(req.SubagentType, false, env)
		if agent == hook.Gemini {
			files = hook.GeminiSubagentCode(req.SubagentType, env)
		}
		if len(files) > 0 {
			what := "the subagent " + strconv.Quote(req.SubagentType)
			if req.SubagentType == "" {
				what = "the default subagent"
			}
			isolation := ""
			if agent == hook.ClaudeCode {
				isolation = ", or worktree isolation, a git worktree Claude Code makes for it,"
			}
			return h.answer(hook.Ask, fmt.Sprintf("guard: %s defined in %s declares hooks or MCP servers of its own%s (or preloads a skill that does): commands %s runs while the subagent works that guard does not judge, so a person must approve starting it (or take them out of the definition)", what, files[0], isolation, agent.Title()), "", nil)
		}
		if agent == hook.ClaudeCode {
			if v, why := c.definitionRead(project, hook.DefinitionTexts("", req.SubagentType, env)); why != "" {
				return h.answer(v, "guard: the subagent "+strconv.Quote(req.SubagentType)+": "+why, "", nil)
			}
		}
		return h.answer(hook.Allow, "", "", nil)
	}
	if req.Dir != "" {
		if err := os.Chdir(req.Dir); err != nil {
			return h.deny(fmt.Sprintf("guard: the command's directory: %v", err))
		}
	}
	g, err := c.newGate(gate.Options{Project: project, RunsElsewhere: true})
	if err != nil {
		return h.deny("guard: " + err.Error())
	}
	h.set(func() { h.gate = g })
	if req.Tree != nil && req.Tree.GitIgnore && hook.GitIgnoreOff(agent, hook.RuleEnv{Getenv: c.getenv, Project: project}) != "" {
		// The agent's settings make its search read ignored files too.
		tr := *req.Tree
		tr.GitIgnore = false
		req.Tree = &tr
	}
	treeNote := "" // why the tool's walk is wider than its default
	legacyGrep := false
	if req.Tree != nil && agent == hook.Gemini && req.Tool == "grep_search" {
		// Without rg, Gemini CLI's grep_search is its older search
		// (git grep --untracked, grep -r, a walk): hidden files too.
		if why := hook.GeminiGrepLegacy(hook.RuleEnv{Getenv: c.getenv, Project: project}); why != "" {
			tr := *req.Tree
			tr.Hidden, tr.GitIgnore = true, false
			req.Tree = &tr
			legacyGrep = true
			treeNote = "Gemini CLI's grep_search is its older search here (git grep --untracked, else grep -r), which reads hidden and ignored files: " + why
		}
	}
	if hook.GeminiSearchesWorkspace(req, legacyGrep) {
		// Naming no directory, the search walks every workspace
		// directory, those the user added too.
		dirs, err := hook.GeminiWorkspace(hook.RuleEnv{Getenv: c.getenv, Project: project})
		if err != nil {
			return h.answer(hook.Ask, "guard: "+err.Error()+" (Gemini CLI's "+req.Tool+" searches every directory of its workspace when it names none)", self, nil)
		}
		req.Paths = hook.InEachDir(req.Paths, req.Cwd, dirs[1:])
	}
	if req.Tree != nil && hook.RunsRg(agent, req.Tool) {
		// The tool runs rg, which reads its configuration file first: a
		// --hidden there reads .env.
		if tr, arg := hook.RgConfigTree(*req.Tree, c.getenv); arg != "" {
			req.Tree = &tr
			if treeNote == "" {
				treeNote = req.Tool + " runs rg, and rg's configuration " + c.getenv("RIPGREP_CONFIG_PATH") + " adds " + arg
			}
		}
	}
	if found, err := hook.GeminiFound(req, hook.RuleEnv{Getenv: c.getenv, Project: project}); err != nil {
		return h.answer(hook.Ask, "guard: "+err.Error()+" (Gemini CLI's replace tool looks a path that does not exist up in the project and the other workspace directories)", self, nil)
	} else if len(found) > 0 {
		// Gemini CLI may edit one of these in place of the path named.
		req.Paths = append(req.Paths, found...)
	}
	if planned, err := hook.GeminiPlanPaths(req, hook.RuleEnv{Getenv: c.getenv, Project: project}); err != nil {
		return h.answer(hook.Ask, "guard: "+err.Error()+" (in plan mode, Gemini CLI's "+req.Tool+" writes into the plans directory its settings name)", self, nil)
	} else if len(planned) > 0 {
		// In plan mode Gemini CLI writes these in place of the path named.
		req.Paths = append(req.Paths, planned...)
	}
	if req.Tree != nil && !req.Tree.Hidden && hook.RunsRg(agent, req.Tool) {
		// rg reads a hidden file that an ignore file's whitelist rule
		// names (!.env in .ignore or .gitignore), --hidden or not.
		// Gemini CLI hands rg its own ignore files (.geminiignore) too.
		if f := ""; agent == hook.Gemini {
			f = hook.GeminiIgnoreWhitelist(hook.RuleEnv{Getenv: c.getenv, Project: project})
			if f != "" {
				tr := *req.Tree
				tr.Hidden = true
				req.Tree = &tr
				if treeNote == "" {
					treeNote = req.Tool + " runs rg with --ignore-file " + f + ", whose whitelist rule (!name) makes rg read the hidden files it names"
				}
			}
		}
		for _, dir := range searchDirs(req.Paths, g.Cwd, g.Getenv("HOME")) {
			if req.Tree.Hidden {
				break
			}
			if policy.RgUnignores(dir) {
				tr := *req.Tree
				tr.Hidden = true
				req.Tree = &tr
				if treeNote == "" {
					treeNote = req.Tool + " runs rg, which reads the hidden files a whitelist rule (!name) of an ignore file in or above " + dir + " names"
				}
				break
			}
		}
	}
	if verdict, reason, ok := judgeFiles(g, &req); ok {
		h.set(func() { h.req.Paths = req.Paths })
		if treeNote != "" && verdict != hook.Allow {
			reason += " (" + treeNote + ")"
		}
		return h.answer(verdict, "guard: "+reason, self, nil)
	}
	script, unwrapped := req.Command, false
	if inner, m, p, ok := hook.UnwrapMode(req.Command, self); ok && p == project && rewriteMode(g.Mode) == m {
		// The agent runs the rewrite it was told to run (only full-auto and
		// auto-edit tell it to, each with its own mode and this project):
		// judge the script inside. Any other rewrite is judged as it stands,
		// so that an agent cannot write one itself to get round an ask.
		script, unwrapped = inner, true
	}
	if err := c.judgeStartupPATH(g, nestedOnly([]string{"bash", "-c", script})); err != nil {
		// A login shell written as the command (`bash -lc '...'`): the
		// policy judges its script, with its start-up files' PATH and
		// state, as for guard -- bash -lc.
		return h.deny("guard: " + err.Error())
	}
	v, d := g.Judge([]string{"bash", "-c", script})
	if req.SkillShell && d.Action == policy.RunSandboxed && d.Class == policy.Safe {
		// A skill's command cannot be rewritten to run sandboxed: a safe
		// one runs as it does in the other modes, every other one is
		// refused (hook.Encode).
		d.Action = policy.Run
	}
	verdict, reason := hook.Deny, d.Reason
	switch d.Action {
	case policy.Run:
		verdict, reason = hook.Allow, fmt.Sprintf("%s in %s mode", v.Class, g.Mode)
		if gate.WritesConfined(g.Mode, d) && !unwrapped {
			// Auto-edit lets it run because every write it was judged to
			// make is inside the roots; a symlink an earlier command of it
			// makes can send a later write outside, which only the run can
			// see. The agent runs what the hook answers, so the answer is
			// the rewrite that confines the writes where it runs, as guard
			// -- does. Safe commands write nothing and stay plain allows.
			verdict = hook.Sandbox
			h.set(func() { h.req.Mode = hook.AutoEdit })
		}
		if verdict == hook.Allow && !unwrapped {
			// A plain allow runs in the agent's own shell, which may be
			// zsh: Claude Code uses the user's, Codex the one the model
			// names (exec_command's shell, which hooks do not see).
			if stmt := hook.ZshRunsProgram(script); stmt != "" {
				verdict, reason = hook.Ask, "not known to be safe: "+stmt+" has only redirections, and in zsh, the agent's shell for some users and the one a Codex model may ask for, it runs a program: $READNULLCMD, a pager that runs what is typed into it on a terminal, or $NULLCMD"
				d.Action = policy.Ask
			} else if what := shell.ZshReadsOtherwise(script); what != "" {
				verdict, reason = hook.Ask, "not known to be safe: "+what+"; zsh is the agent's shell for some users and the one a Codex model may ask for"
				d.Action = policy.Ask
			} else if reading, word := hook.ZshGlobReading(script); reading != "" {
				// Judged again as zsh may read it: the stricter holds.
				if ok, why := plainRun(g, reading); !ok {
					verdict, reason = hook.Ask, "not known to be safe: "+word+" is a pattern in zsh with EXTENDED_GLOB (a~b: a but not b, ^x: every name but x, x#: repeats), which the agent's shell may be set to, and read so: "+why
					d.Action = policy.Ask
				}
			}
			if reading, word := hook.ZshQuoteBraceReading(script); verdict == hook.Allow && agent == hook.Codex && reading != "" {
				// Codex's zsh keeps these options of the user's start-up
				// files (Claude Code resets them).
				if ok, why := plainRun(g, reading); !ok {
					verdict, reason = hook.Ask, "not known to be safe: "+word+" is read otherwise by zsh with RC_QUOTES ('a''b' is a'b) or BRACE_CCL ({ab} is a and b), which a user's start-up files set for the zsh a Codex model may ask for, and read so: "+why
					d.Action = policy.Ask
				}
			}
			if reading, word := hook.DashReading(script); verdict == hook.Allow && agent == hook.Codex && reading != "" {
				// A Codex model may name /bin/sh for exec_command.
				if ok, why := plainRun(g, reading); !ok {
					verdict, reason = hook.Ask, "not known to be safe: "+word+" is read otherwise by dash, the /bin/sh a Codex model may ask for ([^...] is no negation, {a,b} and $'...' are text, &> is & and >), and read so: "+why
					d.Action = policy.Ask
				}
			}
			if verdict == hook.Allow {
				if why := lookedUpWhy(g, &v, script, agent); why != "" {
					verdict, reason = hook.Ask, "not known to be safe: "+why
					d.Action = policy.Ask
				}
			}
			if reading, word := hook.ZshParamReading(script); verdict == hook.Allow && reading != "" {
				if ok, why := plainRun(g, reading); !ok {
					verdict, reason = hook.Ask, "not known to be safe: "+word+" is text to bash but a parameter expansion to zsh ($~x, $=x, $^x, $+x: the value of x; $x[...], $x:h: a part of it), the agent's shell for some users and the one a Codex model may ask for, and read so: "+why
					d.Action = policy.Ask
				}
			}
			if verdict == hook.Allow && agent == hook.Codex {
				// Codex runs it in a login shell, with the PATH the start-up
				// files make.
				if why := c.codexLoginPATH(g, gate.Options{Project: project, RunsElsewhere: true}, script); why != "" {
					verdict, reason = hook.Ask, why
					d.Action = policy.Ask
				}
			}
			if reading, word := hook.GlobOptionReading(script); verdict == hook.Allow && reading != "" {
				if ok, why := plainRun(g, reading); !ok {
					verdict, reason = hook.Ask, "not known to be safe: "+word+" also names hidden files, or names in any case, when the agent's shell sets dotglob or nocaseglob (zsh: GLOB_DOTS, NO_CASE_GLOB), as users' start-up files do, and read so: "+why
					d.Action = policy.Ask
				}
			}
			if verdict == hook.Allow {
				// `**` recurses in zsh, and in bash with globstar.
				reading, word, why := hook.GlobstarReading(script, g.Cwd, g.Getenv("HOME"))
				if why != "" {
					verdict, reason = hook.Ask, "not known to be safe: "+why+" (zsh is the agent's shell for some users; bash users set globstar)"
					d.Action = policy.Ask
				} else if reading != "" {
					ok, why := plainRun(g, reading)
					if dotted, _ := hook.GlobOptionReading(reading); ok && dotted != "" {
						ok, why = plainRun(g, dotted)
					}
					if !ok {
						verdict, reason = hook.Ask, "not known to be safe: "+word+" names files at any depth in zsh, the agent's shell for some users, and in bash with globstar (`**x`: zsh with GLOB_STAR_SHORT), as users' start-up files set it; read so, "+strings.TrimPrefix(why, "not known to be safe: ")
						d.Action = policy.Ask
					}
				}
			}
			if verdict == hook.Allow && agent == hook.ClaudeCode {
				// Claude Code's shell runs grep as its embedded ugrep,
				// which searches a directory operand recursively.
				if reading, command := hook.EmbeddedGrepReading(script); reading != "" {
					if ok, why := plainRun(g, reading); !ok {
						verdict, reason = hook.Ask, "not known to be safe: "+command+" runs as Claude Code's embedded ugrep (its Bash tool shadows grep with a shell function), which searches a directory operand recursively, hidden files included, where GNU grep reads nothing of it; read so, "+strings.TrimPrefix(why, "not known to be safe: ")+". Name the files to search, or a directory that holds no secret"
						d.Action = policy.Ask
					}
				}
			}
		}
	case policy.RunSandboxed:
		verdict, reason = hook.Sandbox, fmt.Sprintf("%s, runs sandboxed in full-auto mode", v.Class)
		if unwrapped {
			verdict = hook.Allow
		}
	case policy.Ask:
		verdict = hook.Ask
	}
	if verdict == hook.Allow || verdict == hook.Sandbox {
		// A write of the file the agent takes its environment from at the
		// next session's start: asked in every mode, a rewrite included.
		if why := hook.AgentEnvFile(agent, v.Writes, c.getenv); why != "" {
			verdict, reason = hook.Ask, "not known to be safe: "+why
			d.Action = policy.Ask
		}
		if verdict != hook.Ask {
			// Claude Code loads the nested memory files of the directories
			// a command's files are in (measured: `cat sub/a.txt` loaded
			// sub/CLAUDE.md and what it imports).
			if why := shellNestedMemory(g, req, v); why != "" {
				verdict, reason = hook.Ask, "not known to be safe: "+why
				d.Action = policy.Ask
			}
		}
		for _, w := range v.Writes {
			if verdict != hook.Ask && hook.MemoryFile(agent, w, hook.RuleEnv{Getenv: c.getenv, Project: project}) {
				// Its @imports are read into the model's context, and a
				// command's text is not the file's: a person approves.
				verdict, reason = hook.Ask, "not known to be safe: writes "+w+", an agent's memory file: Claude Code (CLAUDE.md) or Gemini CLI (GEMINI.md, or a name its context.fileName gives) reads it, and every file its @imports name, into the model's context (a secret of the project's included), so a person approves; write it with the agent's file tool, whose text guard can read"
				d.Action = policy.Ask
			}
		}
	}
	if v.Result.Rule != "" && d.Action != policy.Run {
		if at := v.Result.At.String(); at != "" {
			reason += fmt.Sprintf(" (rule %s at %s)", v.Result.Rule, at)
		} else {
			reason += fmt.Sprintf(" (rule %s)", v.Result.Rule) // one of guard's own, in Go
		}
	}
	reason = "guard: " + reason
	if verdict != hook.Deny {
		// The agent checks its own rules against what guard answers, a
		// rewrite included, which its rules for the original no longer
		// match: guard applies them to the original, the stricter wins.
		cache := policy.Cache{Dir: config.CacheDir(c.getenv), Version: version}
		rule, ok, err := hook.CheckAgentRules(agent, script, hook.RuleEnv{Getenv: c.getenv, Project: project, LoadRules: cache.LoadFile})
		if err != nil {
			return h.deny("guard: " + err.Error() + "; guard cannot apply the agent's own rules, so it refuses")
		}
		if ok && rule.Verdict < verdict {
			switch {
			case rule.Verdict == hook.Ask && verdict == hook.Sandbox:
				// Both hold: a person approves, then it runs confined.
				verdict = hook.AskSandbox
			default:
				verdict = rule.Verdict
			}
			reason = rule.Reason(agent)
			v.Result.Rule, v.Result.At = rule.Rule, policy.Pos{File: rule.File}
		}
	}
	if (verdict == hook.Sandbox || verdict == hook.AskSandbox) && !req.SkillShell {
		// Another hook of the agent's for this tool can answer with its own
		// rewrite, which the agent may apply in place of guard's.
		others := hook.OtherHooks(agent, hook.RuleEnv{Getenv: c.getenv, Project: project}, req.Tool)
		h.set(func() { h.req.Others = others })
	}
	if verdict == hook.Sandbox && agent == hook.Codex {
		// A rewrite is read from stdout, where the hook shell may have
		// written first: then the deny naming it, on stderr (answer).
		rewrites := hook.CodexRewrites(g.InWritableRoot) && !hook.ShellWritesFirst(agent, c.getenv)
		h.set(func() { h.req.Rewrites = rewrites })
	}
	return h.answer(verdict, reason, self, &v)
}

// unjudgedReason says why a tool guard does not read is asked.
func unjudgedReason(agent hook.Agent, req hook.Request) string {
	what := "is not one guard knows (a tool of a later " + agent.Title() + " version than guard was written for, or one of the user's own)"
	if req.Kind == hook.ToolUnjudged {
		what = "runs code or touches files in a way guard does not read"
	}
	return fmt.Sprintf("guard: %s's tool %s %s, so a person must approve it (guard judges the shell, file, skill and subagent tools; update guard, or do this with those)", agent.Title(), strconv.Quote(req.Tool), what)
}

// plainRun judges script again, as the agent's shell may read it: whether
// it is still a plain allow, and the judge's reason when it is not.
func plainRun(g *gate.Gate, script string) (ok bool, reason string) {
	_, d := g.Judge([]string{"bash", "-c", script})
	return d.Action == policy.Run, d.Reason
}

// hooksOffReason is the deny's reason for a project whose own settings
// switch the agent's hooks off (or cannot be read).
func hooksOffReason(agent hook.Agent, off []hook.HooksOff, err error) string {
	if err != nil {
		return fmt.Sprintf("guard: the project's settings for %s: %v; guard cannot tell whether they switch its hook off, so it refuses", agent.Title(), err)
	}
	effect := "runs no hook in a session started here"
	if off[0].Effect != "" {
		effect = off[0].Effect
	}
	return fmt.Sprintf("guard: %s: %s %s, so guard would not be asked; guard refuses every tool call until that setting is removed (guard doctor lists it)", off[0], agent.Title(), effect)
}

// rewriteMode is the mode of the rewrites the hook answers with in mode, ""
// for a mode that answers with none.
func rewriteMode(mode policy.Mode) string {
	switch mode {
	case policy.FullAuto:
		return hook.FullAuto
	case policy.AutoEdit:
		return hook.AutoEdit
	}
	return ""
}

// hookProject is the agent's project, the writable root, each from that
// agent's own source, never from the request: the request's cwd is wherever
// the agent's shell has moved, or, for Codex, the workdir the model chose for
// this command. Claude Code names it in CLAUDE_PROJECT_DIR, Gemini CLI in
// GEMINI_PROJECT_DIR; Codex names none, and starts its hooks in the session's
// directory, as Claude Code and Gemini CLI do when their variable is missing.
func (c *cli) hookProject(agent hook.Agent) (string, error) {
	name := ""
	switch agent {
	case hook.ClaudeCode:
		name = "CLAUDE_PROJECT_DIR"
	case hook.Gemini:
		name = "GEMINI_PROJECT_DIR"
	}
	if d := c.getenv(name); name != "" && filepath.IsAbs(d) {
		return filepath.Clean(d), nil
	}
	return os.Getwd()
}

// set changes what is known of the request under the lock: the deadline may
// answer from another goroutine.
func (h *hookCall) set(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f()
}

// deny answers with a deny.
func (h *hookCall) deny(reason string) int {
	return h.answer(hook.Deny, reason, "", nil)
}

// answer writes the answer for verdict once, and logs it. When it cannot be
// written, the reason goes to stderr and the exit code is 2: a block.
func (h *hookCall) answer(verdict hook.Verdict, reason, self string, v *policy.Verdict) int {
	if h.agent == hook.ClaudeCode && (verdict == hook.Ask || verdict == hook.AskSandbox) {
		h.permissionHooks()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.answered {
		return h.code
	}
	h.answered = true
	var buf bytes.Buffer
	req := h.req
	if verdict == hook.Deny {
		hook.RefuseTo(h.agent, req, &buf, reason)
	} else if err := hook.Encode(h.agent, &buf, req, verdict, reason, self); err != nil {
		verdict, reason = hook.Deny, "guard: "+err.Error()
		buf.Reset()
		hook.RefuseTo(h.agent, req, &buf, reason)
	}
	effective := hook.Effective(h.agent, req, verdict)
	if effective == hook.Deny && hook.ShellWritesFirst(h.agent, h.c.getenv) {
		// The hook shell may have written to stdout before guard: a deny
		// there may not be read at all, exit 2 with stderr is.
		h.code = 2
		if err := writeWithin(h.c.stderr, []byte(hook.AnswerReason(buf.Bytes())+"\n"), answerTimeout); err != nil {
			reason = fmt.Sprintf("guard: the hook answer could not be written to stderr (%v); exit 2 blocks the command: %s", err, reason)
		}
		h.log(effective, reason, v)
		return h.code
	}
	err := discarded(h.c.stdout)
	if err == nil {
		err = writeWithin(h.c.stdout, buf.Bytes(), answerTimeout)
	}
	if err != nil {
		reason = fmt.Sprintf("guard: the hook answer could not be written to stdout (%v), so guard blocks the command; the answer was %s: %s", err, effective, reason)
		effective, h.code = hook.Deny, 2
		writeWithin(h.c.stderr, []byte(reason+"\n"), answerTimeout)
	}
	h.log(effective, reason, v)
	return h.code
}

// permissionHooks records in the request the hooks that answer Claude
// Code's permission prompts for its tool (hook.PermissionHooks): an ask
// would be answered by them, not by a person, and is then a deny.
func (h *hookCall) permissionHooks() {
	h.mu.Lock()
	req := h.req
	h.mu.Unlock()
	if req.SkillShell {
		return // never an ask (hook.Encode)
	}
	project := req.Project
	if project == "" {
		// Asked before the project was looked up (a tool guard does
		// not know): its settings count all the same.
		project, _ = h.c.hookProject(h.agent)
	}
	approvers := hook.PermissionHooks(hook.RuleEnv{Getenv: h.c.getenv, Project: project}, req.Tool)
	h.set(func() { h.req.Approvers = approvers })
}

// log appends the hook's decision to the audit log, where the gate keeps it
// (GUARD_AUDIT_LOG, audit_log in the configuration, or the default place);
// when the configuration did not load, GUARD_AUDIT_LOG or the default place.
func (h *hookCall) log(effective hook.Verdict, reason string, v *policy.Verdict) {
	path, err := config.AuditLogEnv(h.c.getenv)
	if path == "" || err != nil || config.AuditLogInConfig(path, h.c.getenv, nil) || gate.AuditLogProtected(path, h.c.getenv) {
		// A relative GUARD_AUDIT_LOG (the gate refused it, and the hook
		// denied) is not written in the command's directory.
		path = config.DefaultAuditLogWritten(h.c.getenv)
	}
	// In the words of guard's other lines (policy.Action), so that guard log
	// counts a hook's refusals with the others.
	decision := map[hook.Verdict]policy.Action{hook.Allow: policy.Run, hook.Sandbox: policy.RunSandboxed,
		hook.Ask: policy.Ask, hook.Deny: policy.Refuse}[effective]
	sandboxed := ""
	if effective == hook.Sandbox {
		sandboxed = "landlock+seccomp"
		if h.req.Mode == hook.AutoEdit {
			// As guard -- logs auto-edit's confined runs: run, files only.
			decision, sandboxed = policy.Run, "files"
		}
	}
	e := audit.Entry{Time: time.Now().UTC(), Decision: string(decision), Reason: reason,
		Agent: h.agent.String(), Tool: h.req.Tool, Command: h.req.Command, Project: h.req.Project,
		Cwd: h.req.Dir, Sandbox: sandboxed}
	if h.gate != nil {
		path, e.Mode = h.gate.AuditLog, string(h.gate.Mode)
	}
	if path == "" {
		return
	}
	if h.req.Shell {
		e.Argv = []string{"bash", "-c", h.req.Command}
	}
	if h.req.Edit || h.req.Read {
		// The tool and the paths it writes or reads (a patch's as written).
		e.Argv = append([]string{h.req.Tool}, h.req.Paths...)
	}
	if v != nil {
		e.Class, e.Rule, e.RuleAt = string(v.Class), v.Result.Rule, v.Result.At.String()
	}
	if err := audit.Append(path, e); err != nil {
		var b bytes.Buffer
		gate.Warn(&b, "audit log not written: %v", err)
		writeWithin(h.c.stderr, b.Bytes(), answerTimeout)
	}
}

// discarded reports stdout being /dev/null as an error: an answer written
// there reaches no one. (The Go runtime opens /dev/null on a descriptor 1
// that was closed when guard started.)
func discarded(w io.Writer) error {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return fmt.Errorf("stdout is %s or was closed", os.DevNull)
	}
	return nil
}

// writeWithin writes b to w, giving up after d when nobody reads: a file
// is first polled for room (no goroutine or timer on the common path);
// another writer is written to directly.
func writeWithin(w io.Writer, b []byte, d time.Duration) error {
	if f, ok := w.(*os.File); ok {
		if err := writable(f, d); err != nil {
			return err
		}
	}
	_, err := w.Write(b)
	return err
}

// shellNestedMemory returns why a Claude Code shell command reads a secret
// through a nested memory file: the words of its commands that may be
// paths, and the files it writes, each in the directories it runs in,
// are the paths hook.NestedMemoryImports starts from (more than Claude
// Code takes: the stricter reading). "" when nothing is imported that a
// read would not be let through.
func shellNestedMemory(g *gate.Gate, req hook.Request, v policy.Verdict) string {
	if req.Agent != hook.ClaudeCode || !req.Shell {
		return ""
	}
	dirs := append([]string{g.Cwd}, v.Dirs...)
	paths := append([]string(nil), v.Writes...)
	for _, argv := range v.Commands {
		for _, w := range argv[min(1, len(argv)):] {
			if w == "" || strings.HasPrefix(w, "-") {
				continue
			}
			for _, d := range dirs {
				if filepath.IsAbs(w) {
					paths = append(paths, filepath.Clean(w))
				} else {
					paths = append(paths, filepath.Join(d, w))
				}
			}
		}
	}
	req.Read, req.Paths = true, paths
	home := g.Getenv("HOME")
	imps := hook.NestedMemoryImports(req, home, g.Getenv)
	if len(imps) == 0 {
		return ""
	}
	if why := procLinkPath(imps, g.Cwd, home); why != "" {
		return why + " (a path a memory file of the directory imports)"
	}
	if rd, _ := policy.DecideRead(targets(imps, g.Cwd, home), g.Mode, g.ProtectList(), home); rd.Action != policy.Run {
		return "a file the command names is in a directory whose Claude Code memory file, which Claude Code reads into the model's context when the session first touches the directory, is (a link) or @imports what guard would not let through: " + rd.Reason
	}
	return ""
}
