package hook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"guard/policy"
)

// MaxRequest is the largest request Decode reads, in bytes.
const MaxRequest = 16 << 20

var (
	// ErrMalformed is wrapped by Decode's error for a request that is not
	// the agent's JSON: bad JSON, not an object, a field of the wrong type,
	// no tool_name, too large.
	ErrMalformed = errors.New("malformed hook request")
	// ErrNoCommand is wrapped by Decode's error for a shell tool request
	// without a command.
	ErrNoCommand = errors.New("shell tool request without a command")
	// ErrEvent is wrapped by Decode's error for a request from another hook
	// event than the agent's pre-tool hook (a misconfigured hook).
	ErrEvent = errors.New("not a pre-tool hook request")
	// ErrShell is wrapped by Decode's error for a command in a shell guard
	// cannot read (a skill's PowerShell command).
	ErrShell = errors.New("a command for a shell guard does not read")
)

// SkillShellEvent is Claude Code's hook event for the shell commands a skill
// or custom command holds (`!`cmd“ and ```! blocks): Claude Code runs them
// when the skill loads, which the model starts with its Skill tool, with the
// skill's arguments filled in, and never as a Bash tool call, so no
// PreToolUse hook sees them. Claude Code 2.1.332 sends tool_name (Bash or
// PowerShell), tool_input.command (as it will run), command_name and
// invoked_by; an answer other than allow keeps the command from running, a
// hook that fails lets it run ("Ran anyway").
const SkillShellEvent = "PreSkillShellCommand"

// Request is what guard needs from an agent's pre-tool hook request.
type Request struct {
	Agent          Agent
	Event          string // hook_event_name, when sent
	SessionID      string // session_id
	ToolUseID      string // tool_use_id (Claude Code, Codex)
	Tool           string // tool_name, as sent
	PermissionMode string // permission_mode (Claude Code, Codex)
	Cwd            string // cwd: the agent's working directory
	// SkillShell is set for a Claude Code SkillShellEvent request: Shell
	// and Command are then the skill's command, which cannot be rewritten
	// nor wait for a person.
	SkillShell bool
	// SkillName is the skill or command holding it (command_name), or the
	// one a Skill tool call loads (Skill set).
	SkillName string
	// Skill is set for Claude Code's Skill tool (SkillTool): SkillName is
	// the skill it loads.
	Skill bool
	// Subagent is set for Claude Code's Agent tool (AgentTool, or Task):
	// SubagentType is the agent type it starts ("" for the default), and
	// Isolation where it starts it ("worktree": a git worktree Claude Code
	// makes itself; "" in the session's directory). Workflow is set for its
	// Workflow tool, whose script may start any, anywhere.
	Subagent     bool
	SubagentType string
	Isolation    string
	Workflow     bool
	// Unjudged is set for a tool that is none of those guard reads and
	// that may run code or touch files (Kind ToolUnknown or ToolUnjudged):
	// the caller asks a person. Kind is set for every tool that is none of
	// the judged ones.
	Unjudged bool
	Kind     ToolKind

	// Shell is set when Tool is the agent's shell tool; Command is then the
	// shell script it would run, never empty.
	Shell   bool
	Command string
	// Dir is the directory the command runs in: Cwd, or for Gemini CLI the
	// tool's dir_path resolved against Cwd.
	Dir string

	// Edit is set when Tool is one of the agent's file-editing tools
	// (Claude Code's Write, Edit, MultiEdit, NotebookEdit; Gemini CLI's
	// write_file, replace; Codex's apply_patch): Paths then holds the files
	// it writes, or Patch the patch it applies (Codex). Read is set for the
	// read tools (Read, Grep, Glob; read_file, read_many_files, glob,
	// grep_search): Paths holds the files and directories read, a search's
	// pattern joined onto its directory. Relative paths are joined onto an
	// absolute Cwd. See files.go for the tools and keys.
	Edit  bool
	Read  bool
	Names bool // a read tool that lists names only (Glob, glob)
	// Echoes is set for an edit tool whose answer carries lines of the
	// file as it was (Gemini CLI's replace: the lines around the change),
	// without the agent asking for a read first: the edit reads Paths too.
	Echoes bool
	Paths  []string
	Patch  string
	// Search is a search tool's pattern (Grep's, grep_search's), and Tree,
	// when set, says that the read tool reads every file below a directory
	// of Paths (a search, read_many_files) and how it walks it.
	Search string
	Tree   *policy.TreeRead

	// Input is tool_input as sent, key by key, so that a rewrite keeps the
	// fields guard does not know. Nil when the request had none.
	Input map[string]json.RawMessage

	// Project is the agent's project directory, set by the caller when the
	// agent tells its hooks: a sandboxed rewrite then keeps it as the
	// writable root (see RewriteIn).
	Project string
	// Rewrites, set by the caller, says that a Codex agent applies allow with
	// updatedInput (see CodexRewrites); else Encode answers a Codex Sandbox
	// verdict with a deny that names the rewrite.
	Rewrites bool
	// Others, set by the caller, are the agent's other hooks for this tool
	// (see OtherHooks): an input rewrite of theirs can replace guard's, so
	// Encode answers a Sandbox or AskSandbox verdict with a deny that names
	// the rewrite to run instead, which guard then allows as it stands.
	Others []OtherHook
	// Approvers, set by the caller, are the hooks that answer the agent's
	// permission prompts for this tool (see PermissionHooks): an ask with
	// any would be answered by them, not by a person, so Encode answers it
	// with a deny.
	Approvers []OtherHook
	// Mode, set by the caller, is the mode a Sandbox or AskSandbox verdict's
	// rewrite runs the command in: FullAuto ("" too) or AutoEdit (see
	// RewriteMode).
	Mode string
}

// Decode reads one request of agent a from r. Unknown fields are ignored;
// the fields guard uses must have the documented JSON type. Keys are matched
// exactly, as the agents' own JSON parsers do ("Command" is not "command"),
// and when a key repeats the last one counts, as in JavaScript.
//
// The error wraps ErrMalformed, ErrNoCommand, ErrEvent, ErrShell or ErrAgent.
// A command that holds a NUL byte is malformed: no shell can receive it
// intact. On an error the Request returned holds the agent and the event
// when they were read, so that the refusal names the event it answers.
func Decode(a Agent, r io.Reader) (Request, error) {
	spec, ok := spec(a)
	if !ok {
		return Request{}, fmt.Errorf("decode hook request: %w %d", ErrAgent, int(a))
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxRequest+1))
	if err != nil {
		return Request{}, fmt.Errorf("read %s hook request: %w", a, err)
	}
	if len(data) > MaxRequest {
		return Request{}, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, MaxRequest)
	}
	top, err := objectFields(data)
	if err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrMalformed, jsonError(err))
	}
	if top == nil {
		return Request{}, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}

	req := Request{Agent: a}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"hook_event_name", &req.Event},
		{"session_id", &req.SessionID},
		{"tool_use_id", &req.ToolUseID},
		{"tool_name", &req.Tool},
		{"permission_mode", &req.PermissionMode},
		{"cwd", &req.Cwd},
	} {
		if *f.dst, err = stringField(top, f.key); err != nil {
			return Request{Agent: a, Event: req.Event}, err
		}
	}
	req.SkillShell = a == ClaudeCode && req.Event == SkillShellEvent
	if req.Event != "" && req.Event != spec.event && !req.SkillShell {
		return Request{}, fmt.Errorf("%w: hook_event_name is %q, want %q", ErrEvent, req.Event, spec.event)
	}
	if req.Tool == "" {
		return Request{Agent: a, Event: req.Event}, fmt.Errorf("%w: no tool_name", ErrMalformed)
	}
	if req.SkillShell {
		return decodeSkillShell(req, top, spec)
	}
	if raw, ok := top["tool_input"]; ok && !isNull(raw) {
		if req.Input, err = objectFields(raw); err != nil || req.Input == nil {
			return Request{}, fmt.Errorf("%w: tool_input is not a JSON object", ErrMalformed)
		}
	}
	req.Dir = req.Cwd
	if a == ClaudeCode && req.Tool == "PowerShell" {
		// Claude Code's PowerShell tool (Windows, or with
		// CLAUDE_CODE_USE_POWERSHELL_TOOL where pwsh is installed) runs
		// commands guard cannot read.
		return Request{Agent: a, Event: req.Event}, fmt.Errorf("%w: Claude Code's PowerShell tool runs PowerShell, and guard reads only bash commands: run it with the Bash tool", ErrShell)
	}
	if a == ClaudeCode && (req.Tool == SkillTool || req.Tool == "SlashCommand") {
		req.Skill = true
		name, err := oneOf(&req, []string{"skill", "command"})
		if err != nil {
			return Request{Agent: a, Event: req.Event}, err
		}
		// SlashCommand's command is "/name args": the name is its first word.
		if f := strings.Fields(name); len(f) > 0 {
			req.SkillName = strings.TrimPrefix(f[0], "/")
		}
		return req, nil
	}

	if a == ClaudeCode && (req.Tool == AgentTool || req.Tool == "Task") {
		// Claude Code starts the subagent the definition of that name
		// describes, with the hooks and MCP servers it declares.
		req.Subagent = true
		if req.SubagentType, err = stringField(req.Input, "subagent_type"); err != nil {
			return Request{Agent: a, Event: req.Event}, err
		}
		if req.Isolation, err = stringField(req.Input, "isolation"); err != nil {
			return Request{Agent: a, Event: req.Event}, err
		}
		return req, nil
	}
	if a == Gemini && (req.Tool == GeminiInvokeAgent || slices.Contains(geminiBuiltinAgents, req.Tool)) {
		// Gemini CLI starts the subagent of that name, with the MCP
		// servers its definition declares.
		req.Subagent, req.SubagentType = true, req.Tool
		if req.Tool == GeminiInvokeAgent {
			if req.SubagentType, err = stringField(req.Input, "agent_name"); err != nil {
				return Request{Agent: a, Event: req.Event}, err
			}
		}
		return req, nil
	}
	if a == ClaudeCode && req.Tool == WorkflowTool {
		req.Workflow = true
		return req, nil
	}

	if !shellTool(a, req.Tool) {
		if err := decodeFiles(&req); err != nil {
			return Request{}, err
		}
		if !req.Edit && !req.Read {
			req.Kind = KindOf(a, req.Tool)
			req.Unjudged = req.Kind == ToolUnknown || req.Kind == ToolUnjudged
		}
		return req, nil
	}

	req.Shell = true
	if req.Command, err = stringField(req.Input, "command"); err != nil {
		return Request{}, err
	}
	if req.Command == "" {
		return Request{}, fmt.Errorf("%w: %s has no tool_input.command", ErrNoCommand, req.Tool)
	}
	if strings.IndexByte(req.Command, 0) >= 0 {
		return Request{}, fmt.Errorf("%w: tool_input.command holds a NUL byte", ErrMalformed)
	}
	if a == Gemini {
		// Gemini CLI unwraps a leading bash -c itself: judge what it runs.
		runs, err := GeminiRuns(req.Command)
		if err != nil {
			return Request{}, fmt.Errorf("%w: %w: run the script without the wrapper, or quote it with single quotes", ErrMalformed, err)
		}
		if runs == "" {
			return Request{}, fmt.Errorf("%w: %s runs an empty command once Gemini CLI unwraps it", ErrNoCommand, req.Tool)
		}
		req.Command = runs
		// dir_path in current versions, directory in older ones.
		dir, legacy, err := oneOfKey(&req, []string{"dir_path", "directory"})
		if err != nil {
			return Request{}, err
		}
		if dir != "" {
			if !filepath.IsAbs(dir) && req.Cwd != "" {
				dir = filepath.Join(req.Cwd, dir)
			}
			if legacy && filepath.Clean(dir) != filepath.Clean(req.Cwd) {
				// Gemini CLI 0.61.0 reads only dir_path and runs the
				// command in its working directory: guard would judge
				// the command's paths in another directory than the
				// one it runs in (a ../x that stays inside from
				// "directory" leaves the project from the cwd).
				return Request{}, fmt.Errorf("%w: %s has directory (an older Gemini CLI's name) but no dir_path: Gemini CLI 0.61 and later ignore directory and run the command in %s, and older ones in %s; name the directory in dir_path", ErrMalformed, req.Tool, req.Cwd, dir)
			}
			req.Dir = dir
		}
	}
	return req, nil
}

// shellTool reports whether tool is one of agent a's tools that run a shell
// command from tool_input.command: the shell tool, and Claude Code's Monitor
// (2.1.332: a background command whose output lines come back as events,
// run by the same shell as Bash).
func shellTool(a Agent, tool string) bool {
	return tool == specOf(a).shell || (a == ClaudeCode && tool == MonitorTool)
}

// MonitorTool is Claude Code's tool that runs a command in the background and
// tells the model each line it prints.
const MonitorTool = "Monitor"

// decodeSkillShell reads the rest of a SkillShellEvent request: the command,
// judged as a shell tool's. Only bash is read: a PowerShell command is
// refused.
func decodeSkillShell(req Request, top map[string]json.RawMessage, spec agentSpec) (Request, error) {
	fail := func(err error) (Request, error) {
		return Request{Agent: req.Agent, Event: req.Event, SkillShell: true}, err
	}
	var err error
	if req.SkillName, err = stringField(top, "command_name"); err != nil {
		return fail(err)
	}
	if req.Tool != spec.shell {
		return fail(fmt.Errorf("%w: the skill %q holds a %s command, and guard reads only bash commands: run it with the Bash tool", ErrShell, req.SkillName, req.Tool))
	}
	if raw, ok := top["tool_input"]; ok && !isNull(raw) {
		if req.Input, err = objectFields(raw); err != nil || req.Input == nil {
			return fail(fmt.Errorf("%w: tool_input is not a JSON object", ErrMalformed))
		}
	}
	if req.Command, err = stringField(req.Input, "command"); err != nil {
		return fail(err)
	}
	if req.Command == "" {
		return fail(fmt.Errorf("%w: %s has no tool_input.command", ErrNoCommand, req.Event))
	}
	if strings.IndexByte(req.Command, 0) >= 0 {
		return fail(fmt.Errorf("%w: tool_input.command holds a NUL byte", ErrMalformed))
	}
	req.Shell, req.Dir = true, req.Cwd
	return req, nil
}

// stringField returns m[key] as a string: "" when absent or null, an error
// wrapping ErrMalformed when it is another JSON type.
func stringField(m map[string]json.RawMessage, key string) (string, error) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return "", nil
	}
	s, err := decodeString(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %s is not a string", ErrMalformed, key)
	}
	return s, nil
}

func isNull(raw json.RawMessage) bool {
	return string(raw) == "null"
}

// jsonError words a JSON syntax error with its byte offset.
func jsonError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "invalid JSON: unexpected end of input"
	}
	return err.Error()
}
