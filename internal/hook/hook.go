// Package hook speaks the pre-tool hook protocols of the coding agents guard
// serves: it decodes the agent's JSON request and encodes guard's verdict as
// the JSON answer that agent understands. The verdict itself comes from the
// caller; this package only translates.
//
// The formats, as each agent documents them:
//
//   - Claude Code, PreToolUse: request fields session_id, transcript_path, cwd,
//     permission_mode, hook_event_name, tool_name ("Bash"), tool_input
//     {command, description, timeout, run_in_background}, tool_use_id; answer
//     {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":
//     "allow"|"ask"|"deny","permissionDecisionReason":...,"updatedInput":{...}}}.
//   - Codex, PreToolUse: the same request (plus model and turn_id; cwd is the
//     model's workdir for the command) and the same answer, but Codex acts
//     only on deny and on allow with updatedInput, the latter since 0.169:
//     older ones treat it as an invalid answer and run the command unchanged.
//     An answer with unknown fields, a deny with an empty reason, an ask and
//     a plain allow all run the command.
//   - Gemini CLI, BeforeTool on run_shell_command: request fields session_id,
//     transcript_path, cwd, hook_event_name, timestamp, tool_name, tool_input
//     {command, description, dir_path}; answer {"decision":"allow"|"deny",
//     "reason":...,"hookSpecificOutput":{"hookEventName":"BeforeTool",
//     "tool_input":{...}}}, where tool_input overrides the tool's arguments.
//
// How verdicts map (see [Encode]): Ask becomes deny where the agent cannot ask
// (Codex, Gemini). Sandbox becomes an allow that rewrites the command to run
// under "guard --mode full-auto" ([RewriteIn]) where the agent applies input
// rewriting (Claude Code, Gemini, Codex 0.169 and later: [CodexRewrites]), and
// a deny that names the rewritten command for older Codex versions. A Sandbox
// verdict is never answered with a plain allow. With Request.Mode AutoEdit the
// rewrite runs under "guard --mode auto-edit --project P" instead
// ([RewriteMode]): auto-edit's writing commands run with their writes
// confined to the roots where they run, and the agent runs what the hook
// answers. [UnwrapMode] recognises a rewrite sent back; the caller unwraps
// only the one it would itself have answered with (same mode and project).
//
// An agent checks its own permission rules against the command it runs, a
// rewrite included, which its rules for the original no longer match:
// [CheckAgentRules] applies them to the original command first.
//
// Limits. A hook only sees what the agent sends it: it judges the agent's shell
// tool and the edit and read tools listed in files.go (Request.Edit, Read),
// lets through the tools tools.go knows to run nothing and touch no file, and
// MCP tools (the server's meaning, not guard's to read), and asks for every
// other tool (Request.Unjudged); it trusts the agent
// to apply a rewrite it accepted (a Gemini CLI version that fails to validate a
// rewritten input has been seen to run the original command). The rewritten
// command runs in a fresh "bash -c", so a cd or export in it does not persist
// in the agent's shell session.
//
// A project can work against the hook through the agent: its own settings
// can switch every hook off ([ProjectHooksOff]), or put variables guard
// reads into the environment the hooks inherit ([ProjectGuardVars]); the
// caller refuses while either holds. A switch present when a session starts
// keeps the agent from calling the hook at all, which no hook can answer.
//
// The caller must never fail open: agents run the command when a hook exits 1,
// crashes, times out or prints nothing they understand. Print the answer and
// exit 0; on any error, answer with [Refuse]. If even that cannot be written,
// or the agent is unknown, write the reason on stderr and exit 2, which all
// three agents treat as a block.
package hook

import (
	"errors"
	"fmt"
)

// Agent is a coding agent whose hook protocol guard speaks. The zero Agent is
// none of them.
type Agent int

const (
	ClaudeCode Agent = iota + 1
	Codex
	Gemini
)

// agentSpec is what differs between the agents' requests.
type agentSpec struct {
	name  string // as on guard's command line
	title string // as in messages
	event string // hook_event_name of the pre-tool hook
	shell string // tool_name of the shell tool
}

var agentSpecs = [...]agentSpec{
	ClaudeCode: {name: "claude-code", title: "Claude Code", event: "PreToolUse", shell: "Bash"},
	Codex:      {name: "codex", title: "Codex", event: "PreToolUse", shell: "Bash"},
	Gemini:     {name: "gemini", title: "Gemini CLI", event: "BeforeTool", shell: "run_shell_command"},
}

// specOf returns agent a's spec, the zero spec for an agent guard does not
// know.
func specOf(a Agent) agentSpec {
	s, _ := spec(a)
	return s
}

// spec returns agent a's spec, and whether guard knows a.
func spec(a Agent) (agentSpec, bool) {
	if a < ClaudeCode || int(a) >= len(agentSpecs) {
		return agentSpec{}, false
	}
	return agentSpecs[a], true
}

// Title is the agent's name as in messages ("Claude Code").
func (a Agent) Title() string {
	if s, ok := spec(a); ok {
		return s.title
	}
	return a.String()
}

func (a Agent) String() string {
	if s, ok := spec(a); ok {
		return s.name
	}
	return fmt.Sprintf("Agent(%d)", int(a))
}

// ErrAgent is wrapped by the error for an agent guard does not know.
var ErrAgent = errors.New("unknown agent")

// ParseAgent returns the agent named s: "claude-code", "codex" or "gemini".
func ParseAgent(s string) (Agent, error) {
	for a := ClaudeCode; int(a) < len(agentSpecs); a++ {
		if agentSpecs[a].name == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("%w %q (want claude-code, codex or gemini)", ErrAgent, s)
}

// Verdict is guard's answer to one request. The zero Verdict is Deny, so a
// verdict that was never set refuses.
type Verdict int

const (
	Deny    Verdict = iota // refuse; the reason goes to the agent
	Ask                    // a person must approve
	Allow                  // run as is
	Sandbox                // run under guard --mode full-auto
	// AskSandbox: a person must approve, and then it runs under guard
	// --mode full-auto (the agent's own ask rule met guard's full-auto).
	AskSandbox
)

func (v Verdict) String() string {
	switch v {
	case Deny:
		return "deny"
	case Ask:
		return "ask"
	case Allow:
		return "allow"
	case Sandbox:
		return "sandbox"
	case AskSandbox:
		return "ask-sandbox"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}
