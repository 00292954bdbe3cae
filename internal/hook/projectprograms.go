package hook

import (
	"encoding/json"
	"path/filepath"
)

// ProjectProgram is a setting of a project's own agent settings that names
// a program the agent runs itself, not through a tool call.
type ProjectProgram struct {
	File string // the settings file
	Key  string // the setting, dotted for a nested one
}

// claudeProgramKeys are the Claude Code settings that run a command (the
// list 2.1.332 itself keeps of them): the credential helpers, the process
// wrapper, and the status line and file suggestion commands. With the
// real 2.1.332 in -p mode (no trust dialog), a project's
// .claude/settings.json "apiKeyHelper" ran at the start of the session,
// ANTHROPIC_API_KEY set or not, before any tool call.
var claudeProgramKeys = []string{"apiKeyHelper", "awsAuthRefresh", "awsCredentialExport", "fileSuggestion",
	"gcpAuthRefresh", "otelHeadersHelper", "processWrapper", "policyHelpers", "proxyAuthHelper", "statusLine",
	"subagentStatusLine"}

// geminiProgramKeys are the Gemini CLI settings (under "tools") that run a
// command: 0.61.0 runs tools.discoveryCommand when it builds its tool
// registry at start-up (measured: a project's ran, headless, folder trust
// off), and tools.callCommand for each call of a tool it discovered, a
// tool name no hook matcher of guard's lists.
var geminiProgramKeys = []string{"discoveryCommand", "callCommand"}

// ProjectPrograms returns the settings of agent a's project settings files
// in project that run a program outside any hook: Claude Code's
// .claude/settings.json and .claude/settings.local.json, and the latter at
// the repository root and the main worktree's (claudeProgramKeys),
// Gemini CLI's .gemini/settings.json (tools.discoveryCommand,
// tools.callCommand). Such a program is code the project runs at the
// start of a session, as its MCP servers are (ProjectMCPServers): guard
// cannot judge it, guard doctor reports it. A setting that is present and
// neither null, "", nor an empty object counts; a file that cannot be read
// or parsed gives none (guard doctor reports it otherwise). Codex's project
// config.toml is not read for this: which of its keys a project may set
// was not established.
func ProjectPrograms(a Agent, project string) []ProjectProgram {
	var out []ProjectProgram
	switch a {
	case ClaudeCode:
		for _, file := range claudeSettingsFiles(project) {
			top, err := settingsObject(file, false)
			if err != nil || top == nil {
				continue
			}
			for _, k := range claudeProgramKeys {
				if setValue(top[k]) {
					out = append(out, ProjectProgram{file, k})
				}
			}
		}
	case Gemini:
		file := filepath.Join(project, ".gemini", "settings.json")
		top, err := settingsObject(file, true)
		if err != nil || top == nil {
			return nil
		}
		tools, err := objectFields(orNull(top["tools"]))
		if err != nil {
			return nil
		}
		for _, k := range geminiProgramKeys {
			if setValue(tools[k]) {
				out = append(out, ProjectProgram{file, "tools." + k})
			}
		}
	}
	return out
}

// setValue reports whether a setting's raw JSON value sets something: not
// absent, null, false, "", {} or [].
func setValue(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return true // not JSON the agent reads as empty: count it
	}
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case map[string]any:
		return len(v) > 0
	case []any:
		return len(v) > 0
	}
	return true
}
