package hook

import (
	"slices"
	"strings"
)

// ToolKind is what guard's hook does with a tool it does not read as a shell
// command, a file tool, or the load of a skill or subagent definition.
type ToolKind int

const (
	// ToolUnknown: a tool guard has no entry for, one the agent added in a
	// later version or a tool of the user's own (Gemini CLI's discovered
	// tools run a settings command): it may run commands or touch files,
	// so a person approves it (Codex and Gemini CLI cannot ask: refused).
	ToolUnknown ToolKind = iota
	// ToolInert: a tool that neither runs a command nor reads or writes a
	// file of the user's (a to-do list, a question to the user, a web
	// search, a subagent whose own tool calls come to the hook): no
	// objection, the agent's own rules apply.
	ToolInert
	// ToolMCP: a tool of an MCP server. The server is a program the agent
	// started from its settings when the session began (its code has run
	// by then, out of any hook's sight) and a call's meaning is the
	// server's: guard cannot read it, and lets the agent's own rules
	// decide, as for the server itself.
	ToolMCP
	// ToolUnjudged: a tool of the agent's that runs code or touches files
	// in a way guard does not read (a git worktree made or removed, a
	// language server started, a file sent or rendered): a person
	// approves it.
	ToolUnjudged
)

// toolNames are an agent's tools of each kind but ToolUnknown (static data:
// no map built when guard starts).
type toolNames struct{ inert, mcp, unjudged []string }

// Tool kinds by agent and tool_name, read from each agent's own tool list:
// Claude Code 2.1.332 (its list of tool names for permission rules, with the
// legacy aliases), Codex 0.171.0 (the tools it offers a model, and the
// multi-agent ones), Gemini CLI 0.61.0 (its tool registry, the built-in
// subagents). The tools guard judges (shell, file, skill and subagent tools)
// are not listed here: Decode reads them first.
var toolKinds = [...]toolNames{
	ClaudeCode: {
		inert: []string{
			"AskUserQuestion", "CronCreate", "CronDelete", "CronList", "EndConversation", "EnterPlanMode",
			"ExitPlanMode", "ListAgents", "ListPeers", "PushNotification", "ReadNotifications", "ReportFindings",
			"ScheduleWakeup", "SendFeedback", "SendMessage", "SendUserMessage", "Brief", "SetGoal", "ProposeGoal",
			"ShareOnboardingGuide", "ShowOnboardingRolePicker", "OfferChromeSetup", "SubagentHandback", "TaskCreate",
			"TaskGet", "TaskList", "TaskUpdate", "TaskStop", "KillShell", "KillBash", "TaskOutput", "BashOutput",
			"TodoWrite", "ToolSearch", "WaitForMcpServers", "WebFetch", "WebSearch", "DeferredToolPlaceholder",
		},
		mcp: []string{
			"ListMcpResourcesTool", "ReadMcpResourceTool", "ReadMcpResourceDirTool", "ListMcpResources",
			"ReadMcpResource", "ReadMcpResourceDir",
		},
		// git worktree add and remove (git's hooks and filters run, files
		// written or deleted), a language server started on files, a file
		// sent or rendered, skills proposed.
		unjudged: []string{
			"EnterWorktree", "ExitWorktree", "LSP", "SendUserFile", "Artifact", "ClaudeDesign", "Projects",
			"RemoteTrigger", "propose_skills",
		},
	},
	Codex: {
		inert: []string{
			"update_plan", "request_user_input", "create_goal", "get_goal", "update_goal", "web_search",
			"multi_agent_v1", "spawn_agent", "send_input", "resume_agent", "close_agent", "wait", "list_agents",
			"send_message", "followup_task", "interrupt_agent",
		},
	},
	Gemini: {
		// get_internal_docs reads Gemini CLI's own documentation, by a path
		// it keeps inside that directory (the subagents, invoke_agent and
		// the built-in ones named as tools, are decoded as subagents: see
		// GeminiSubagentCode). activate_skill sends a skill's SKILL.md text and its
		// directory's file names: 0.61.0 loads only a SKILL.md that opens
		// with a frontmatter naming the skill (a link to a key is no
		// skill), from the user's and a trusted project's skills
		// directories, and runs nothing of it.
		inert: []string{
			"activate_skill",
			"ask_user", "complete_task", "enter_plan_mode", "exit_plan_mode", "google_web_search", "web_fetch",
			"update_topic", "write_todos", "list_background_processes", "read_background_output",
			"tracker_add_dependency", "tracker_create_task", "tracker_get_task", "tracker_list_tasks",
			"tracker_update_task", "tracker_visualize", "get_internal_docs",
		},
		mcp: []string{
			"list_mcp_resources", "read_mcp_resource",
		},
	},
}

// KindOf returns what tool (a tool_name of agent a's) is to guard when it is
// not one guard judges: MCP tools by the agent's prefix for them (Claude Code
// and Codex mcp__server__tool, Gemini CLI mcp_server_tool), the others from
// the table above; every other name is ToolUnknown.
func KindOf(a Agent, tool string) ToolKind {
	if _, ok := spec(a); !ok {
		return ToolUnknown
	}
	names := &toolKinds[a]
	switch {
	case slices.Contains(names.inert, tool):
		return ToolInert
	case slices.Contains(names.mcp, tool):
		return ToolMCP
	case slices.Contains(names.unjudged, tool):
		return ToolUnjudged
	}
	prefix := "mcp__"
	if a == Gemini {
		prefix = "mcp_"
	}
	if rest, ok := strings.CutPrefix(tool, prefix); ok && rest != "" {
		return ToolMCP
	}
	return ToolUnknown
}
