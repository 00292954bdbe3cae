package main

import (
	"fmt"
	"os"

	"guard/internal/gate"
	"guard/internal/hook"
	"guard/policy"
)

// hook answers an agent's pre-tool hook request. It never exits 1 (agents
// take that as "go ahead"): every failure is a deny, and if even a deny
// cannot be written, exit 2 with the reason on stderr, which blocks.
func (c *cli) hook(args []string) (code int) {
	if len(args) != 1 {
		fmt.Fprintln(c.stderr, "guard hook: usage: guard hook claude-code|codex|gemini")
		return 2
	}
	agent, err := hook.ParseAgent(args[0])
	if err != nil {
		fmt.Fprintf(c.stderr, "guard hook: %v\n", err)
		return 2
	}
	defer func() {
		if r := recover(); r != nil {
			hook.Refuse(agent, c.stdout, fmt.Sprintf("guard failed: %v", r))
			code = 0
		}
	}()
	req, err := hook.Decode(agent, c.stdin)
	if err != nil {
		hook.Refuse(agent, c.stdout, "guard: "+err.Error())
		return 0
	}
	if !req.Shell && !req.Edit && !req.Read {
		if err := hook.Encode(agent, c.stdout, req, hook.Allow, "", ""); err != nil {
			hook.Refuse(agent, c.stdout, "guard: "+err.Error())
		}
		return 0
	}
	self, err := guardPath()
	if err != nil {
		hook.Refuse(agent, c.stdout, "guard: "+err.Error())
		return 0
	}
	if req.Dir != "" {
		if err := os.Chdir(req.Dir); err != nil {
			hook.Refuse(agent, c.stdout, fmt.Sprintf("guard: the command's directory: %v", err))
			return 0
		}
	}
	// The agent's project, when it tells its hooks, is the writable root:
	// its shell's working directory follows every cd the agent made.
	opts := gate.Options{Project: c.getenv("CLAUDE_PROJECT_DIR")}
	if agent == hook.Gemini && c.getenv("GEMINI_PROJECT_DIR") != "" {
		opts.Project = c.getenv("GEMINI_PROJECT_DIR")
	}
	g, err := c.newGate(opts)
	if err != nil {
		hook.Refuse(agent, c.stdout, "guard: "+err.Error())
		return 0
	}
	req.Project = opts.Project
	if verdict, reason, ok := judgeFiles(g, &req); ok {
		if err := hook.Encode(agent, c.stdout, req, verdict, "guard: "+reason, self); err != nil {
			hook.Refuse(agent, c.stdout, "guard: "+err.Error())
		}
		return 0
	}
	script, unwrapped := req.Command, false
	if inner, project, ok := hook.Unwrap(req.Command, self); ok && g.Mode == policy.FullAuto && project == opts.Project {
		// The agent runs the sandboxed rewrite it was told to run (only
		// full-auto tells it to, with this project): judge the script
		// inside. In another mode the rewrite is judged as it stands, so an
		// agent cannot write one itself to get round an ask.
		script, unwrapped = inner, true
	}
	v, d := g.Judge([]string{"bash", "-c", script})
	verdict, reason := hook.Deny, d.Reason
	switch d.Action {
	case policy.Run:
		verdict, reason = hook.Allow, fmt.Sprintf("%s in %s mode", v.Class, g.Mode)
	case policy.RunSandboxed:
		verdict, reason = hook.Sandbox, fmt.Sprintf("%s, runs sandboxed in full-auto mode", v.Class)
		if unwrapped {
			verdict = hook.Allow
		}
	case policy.Ask:
		verdict = hook.Ask
	}
	if v.Result.Rule != "" && d.Action != policy.Run {
		reason += fmt.Sprintf(" (rule %s at %s)", v.Result.Rule, v.Result.At)
	}
	if err := hook.Encode(agent, c.stdout, req, verdict, "guard: "+reason, self); err != nil {
		hook.Refuse(agent, c.stdout, "guard: "+err.Error())
	}
	return 0
}

// sh is a $SHELL for tools that run `$SHELL -c SCRIPT`: it judges the script,
// then runs it with /bin/sh, or refuses.
func (c *cli) sh(args []string) int {
	if len(args) < 2 || args[0] != "-c" {
		fmt.Fprintln(c.stderr, "guard sh: usage: guard sh -c SCRIPT [NAME [ARG...]]")
		return gate.ExitFailure
	}
	g, err := c.newGate(gate.Options{})
	if err != nil {
		fmt.Fprintf(c.stderr, "guard: %v\n", err)
		return gate.ExitFailure
	}
	return g.Run(append([]string{"/bin/sh", "-c"}, args[1:]...))
}
