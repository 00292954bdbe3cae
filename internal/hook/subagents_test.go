package hook_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestSubagentCode: an agent definition counts when its frontmatter
// declares hooks, a MCP server's configuration (not a name alone), or
// preloads a skill that declares hooks; found by file or frontmatter name,
// in the project's, the user's and the plugins' agents/, every one for a
// workflow. The Claude Code 2.1.332 run is the real-agent case "a
// subagent's own hooks and MCP servers need a person".
func TestSubagentCode(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "project")
	agents := filepath.Join(project, ".claude", "agents")
	hooks := "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n"
	files := map[string]string{
		filepath.Join(agents, "hooked.md"):                                                   "---\nname: hooked\ndescription: x\n" + hooks + "---\nbody\n",
		filepath.Join(agents, "mcp.md"):                                                      "---\nname: stamper\nmcpServers:\n  - stamp:\n      command: /bin/sh\n---\n",
		filepath.Join(agents, "flowmcp.md"):                                                  "---\nname: flowmcp\nmcpServers: [{stamp: {command: sh}}]\n---\n",
		filepath.Join(agents, "quoted.md"):                                                   "---\nname: quoted\n\"mcpServers\":\n- stamp: {command: sh}\n---\n",
		filepath.Join(agents, "flowmap.md"):                                                  "---\n{name: flowmap, hooks: {PreToolUse: []}}\n---\n",
		filepath.Join(agents, "names.md"):                                                    "---\nname: names\nmcpServers:\n  - github\n  # a comment: here\n  - slack\ndescription: lists\n---\n",
		filepath.Join(agents, "flownames.md"):                                                "---\nname: flownames\nmcpServers: [github, slack]\n---\n",
		filepath.Join(agents, "plain.md"):                                                    "---\nname: plain\ndescription: reads code\ntools: Read, Grep\n---\nhooks: not in the frontmatter\n",
		filepath.Join(agents, "sub", "skilled.md"):                                           "---\nname: skilled\nskills:\n  - fmt\n  - other\n---\n",
		filepath.Join(agents, "flowskill.md"):                                                "---\nname: flowskill\nskills: [other, \"fmt\"]\n---\n",
		filepath.Join(agents, "safeskill.md"):                                                "---\nname: safeskill\nskills: [other]\n---\n",
		filepath.Join(agents, "general-purpose.md"):                                          "---\ndescription: the default, redefined\n" + hooks + "---\n",
		filepath.Join(project, ".claude", "skills", "fmt", "SKILL.md"):                       "---\nname: fmt\n" + hooks + "---\n",
		filepath.Join(project, ".claude", "skills", "other", "SKILL.md"):                     "---\nname: other\n---\n",
		filepath.Join(home, ".claude", "agents", "mine.md"):                                  "---\r\nname: mine\r\n" + hooks + "---\r\n",
		filepath.Join(home, ".claude", "plugins", "cache", "m", "p", "1", "agents", "pl.md"): "---\nmcpServers:\n  s: {command: x}\n---\n",
	}
	for f, text := range files {
		writeFile(t, f, text)
	}
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project, ClaudeManaged: filepath.Join(home, "managed")}
	for name, want := range map[string]string{
		"hooked":    filepath.Join(agents, "hooked.md"),
		"stamper":   filepath.Join(agents, "mcp.md"),
		"mcp":       filepath.Join(agents, "mcp.md"),
		"flowmcp":   filepath.Join(agents, "flowmcp.md"),
		"quoted":    filepath.Join(agents, "quoted.md"),
		"flowmap":   filepath.Join(agents, "flowmap.md"),
		"skilled":   filepath.Join(agents, "sub", "skilled.md"),
		"flowskill": filepath.Join(agents, "flowskill.md"),
		"mine":      filepath.Join(home, ".claude", "agents", "mine.md"),
		"p:pl":      filepath.Join(home, ".claude", "plugins", "cache", "m", "p", "1", "agents", "pl.md"),
		"":          filepath.Join(agents, "general-purpose.md"),
		"names":     "",
		"flownames": "",
		"plain":     "",
		"safeskill": "",
		"missing":   "",
	} {
		got := hook.SubagentCode(name, false, env)
		if (want == "") != (len(got) == 0) || want != "" && !slices.Contains(got, want) {
			t.Errorf("SubagentCode(%q) = %q, want %q", name, got, want)
		}
	}
	every := hook.SubagentCode("", true, env)
	for _, f := range []string{"hooked.md", "mcp.md", "sub/skilled.md"} {
		if !slices.Contains(every, filepath.Join(agents, f)) {
			t.Errorf("SubagentCode(every) = %q, missing %s", every, f)
		}
	}
	for _, f := range []string{"names.md", "plain.md", "safeskill.md"} {
		if slices.Contains(every, filepath.Join(agents, f)) {
			t.Errorf("SubagentCode(every) = %q, holds %s", every, f)
		}
	}
	if got := hook.SubagentCode("", true, hook.RuleEnv{Getenv: func(string) string { return "" }, Home: t.TempDir(), Project: t.TempDir()}); len(got) > 0 {
		t.Errorf("SubagentCode(every) with no definitions = %q", got)
	}
}

// The Agent tool's request names the agent type (Task is its older name);
// Workflow's names none.
func TestDecodeSubagent(t *testing.T) {
	for input, want := range map[string]string{
		`"tool_name":"Agent","tool_input":{"subagent_type":"helper","prompt":"p","description":"d"}`: "helper",
		`"tool_name":"Task","tool_input":{"subagent_type":"x:y","prompt":"p"}`:                       "x:y",
		`"tool_name":"Agent","tool_input":{"prompt":"p"}`:                                            "",
	} {
		req, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"hook_event_name":"PreToolUse","cwd":"/p",`+input+`}`))
		if err != nil || !req.Subagent || req.SubagentType != want {
			t.Errorf("%s: Subagent %v, type %q (%v), want %q", input, req.Subagent, req.SubagentType, err, want)
		}
	}
	req, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"hook_event_name":"PreToolUse","cwd":"/p","tool_name":"Workflow","tool_input":{"script":"x"}}`))
	if err != nil || !req.Workflow {
		t.Errorf("Workflow: %+v %v", req, err)
	}
	if _, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"hook_event_name":"PreToolUse","cwd":"/p","tool_name":"Agent","tool_input":{"subagent_type":5}}`)); err == nil {
		t.Error("Agent with a subagent_type that is not a string: no error")
	}
	for _, a := range []hook.Agent{hook.Codex, hook.Gemini} {
		req, err := hook.Decode(a, strings.NewReader(`{"cwd":"/p","tool_name":"Agent","tool_input":{"subagent_type":"helper"}}`))
		if err != nil || req.Subagent {
			t.Errorf("%s: an Agent tool is Claude Code's: %+v %v", a, req, err)
		}
	}
}
