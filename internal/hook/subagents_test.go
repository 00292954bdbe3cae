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

	// Frontmatter Claude Code reads and a line reading does not: a flow
	// mapping (its name may be any), a merge key, blanks after the
	// opening "---", a byte order mark; an escaped or tagged name.
	other := filepath.Join(home, "other")
	for f, text := range map[string]string{
		"flowmap.md": "---\n{name: flowmap, hooks: {PreToolUse: []}}\n---\n",
		"merge.md":   "---\nname: merge\n<<: {hooks: {PreToolUse: []}}\n---\n",
		"trail.md":   "---  \t\nname: trail\n" + hooks + "---\n",
		"bom.md":     "\ufeff---\nname: bom\n" + hooks + "---\n",
		"esc.md":     "---\nname: \"hel\\x6cper\"\n" + hooks + "---\n",
	} {
		writeFile(t, filepath.Join(other, ".claude", "agents", f), text)
	}
	oenv := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: t.TempDir(), Project: other}
	for name, want := range map[string][]string{
		"flowmap": {"flowmap.md"},
		"merge":   {"merge.md", "flowmap.md", "esc.md"},
		"trail":   {"trail.md"},
		"bom":     {"bom.md"},
		"helper":  {"esc.md", "flowmap.md"},
	} {
		got := hook.SubagentCode(name, false, oenv)
		for _, w := range want {
			if !slices.Contains(got, filepath.Join(other, ".claude", "agents", w)) {
				t.Errorf("SubagentCode(%q) = %q, missing %s", name, got, w)
			}
		}
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

// TestSkillFrontmatterReadings: the frontmatter Claude Code 2.1.332 reads
// (a byte order mark dropped, blanks after the opening "---", YAML's flow
// mappings and merge keys) is the one guard reads for a skill's hooks.
// Each of these ran its hook with the real Claude Code while guard saw
// none (hooks-10 H10-2).
func TestSkillFrontmatterReadings(t *testing.T) {
	project := t.TempDir()
	hooks := "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n"
	for name, text := range map[string]string{
		"trail":  "---   \nname: trail\n" + hooks + "---\nFormat.\n",
		"bom":    "\ufeff---\nname: bom\n" + hooks + "---\nFormat.\n",
		"flow":   "---\n{name: flow, description: format, hooks: {PreToolUse: [{matcher: Bash, hooks: [{type: command, command: x}]}]}}\n---\n",
		"merge":  "---\nname: merge\n<<: {hooks: {PreToolUse: []}}\n---\n",
		"crlf":   "---\r\nname: crlf\r\n" + strings.ReplaceAll(hooks, "\n", "\r\n") + "---\r\n",
		"blanks": "---\n\n\nname: blanks\n" + hooks + "---\n",
	} {
		writeFile(t, filepath.Join(project, ".claude", "skills", name, "SKILL.md"), text)
	}
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: t.TempDir(), Project: project}
	for _, name := range []string{"trail", "bom", "flow", "merge", "crlf", "blanks"} {
		if got := hook.SkillHooks(name, env); len(got) == 0 {
			t.Errorf("SkillHooks(%q) found no hooks", name)
		}
	}
	// The flow mapping's name may be any: another skill's load is asked
	// there too. Without it, a plain skill is not.
	if got := hook.SkillHooks("plain", env); len(got) != 1 {
		t.Errorf("SkillHooks(plain) = %q, want the flow mapping's file", got)
	}
	other := t.TempDir()
	writeFile(t, filepath.Join(other, ".claude", "skills", "plain", "SKILL.md"), "---   \nname: plain\ndescription: no hooks here\n---\nhooks: in the body\n")
	writeFile(t, filepath.Join(other, ".claude", "skills", "trail", "SKILL.md"), "---   \nname: trail\n"+hooks+"---\n")
	if got := hook.SkillHooks("plain", hook.RuleEnv{Getenv: func(string) string { return "" }, Home: t.TempDir(), Project: other}); len(got) > 0 {
		t.Errorf("SkillHooks(plain) = %q", got)
	}
}

// TestSkillForksSubagent: a skill that runs in a subagent (context: fork,
// agent: NAME) counts when that subagent's definition runs code (hooks-10
// H10-3); a chain of definitions that loops ends.
func TestSkillForksSubagent(t *testing.T) {
	project := t.TempDir()
	claude := filepath.Join(project, ".claude")
	for f, text := range map[string]string{
		"agents/helper.md":          "---\nname: helper\nmcpServers:\n  - stamp: {command: /bin/sh}\n---\n",
		"agents/plain.md":           "---\nname: plain\ndescription: lists\n---\n",
		"agents/loop.md":            "---\nname: loop\nskills: [looping]\n---\n",
		"skills/fork/SKILL.md":      "---\nname: fork\ncontext: fork\nagent: helper\n---\n",
		"skills/quoted/SKILL.md":    "---\nname: quoted\ncontext: fork\nagent: \"helper\"\n---\n",
		"skills/escaped/SKILL.md":   "---\nname: escaped\ncontext: fork\nagent: \"hel\\x6cper\"\n---\n",
		"skills/forkplain/SKILL.md": "---\nname: forkplain\ncontext: fork\nagent: plain\n---\n",
		"skills/looping/SKILL.md":   "---\nname: looping\ncontext: fork\nagent: loop\n---\n",
		"skills/mcp/SKILL.md":       "---\nname: mcp\nmcpServers:\n  - s: {command: x}\n---\n",
		"skills/nofork/SKILL.md":    "---\nname: nofork\ndescription: formats\n---\n",
	} {
		writeFile(t, filepath.Join(claude, f), text)
	}
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: t.TempDir(), Project: project}
	for name, want := range map[string]bool{"fork": true, "quoted": true, "escaped": true, "mcp": true, "looping": true, "forkplain": false, "nofork": false} {
		if got := hook.SkillHooks(name, env); (len(got) > 0) != want {
			t.Errorf("SkillHooks(%q) = %q, want found %v", name, got, want)
		}
	}
	// The default subagent, redefined with a hook: a fork without agent.
	writeFile(t, filepath.Join(claude, "agents", "general-purpose.md"), "---\nhooks: {PreToolUse: []}\n---\n")
	writeFile(t, filepath.Join(claude, "skills", "bare", "SKILL.md"), "---\nname: bare\ncontext: fork\n---\n")
	if got := hook.SkillHooks("bare", env); len(got) == 0 {
		t.Error("SkillHooks(bare): a fork into a hooked default subagent not found")
	}
}

// TestDefinitionsAboveTheProject: outside a repository Claude Code reads
// .claude/agents and .claude/skills in every directory up to the home
// directory; a .git the project plants does not end guard's walk
// (hooks-10 H10-4).
func TestDefinitionsAboveTheProject(t *testing.T) {
	home := t.TempDir()
	top := filepath.Join(home, "work")
	project := filepath.Join(top, "pkg", "app")
	hooks := "hooks:\n  PreToolUse: []\n"
	writeFile(t, filepath.Join(top, ".claude", "agents", "helper.md"), "---\nname: helper\n"+hooks+"---\n")
	writeFile(t, filepath.Join(top, ".claude", "skills", "fmt", "SKILL.md"), "---\nname: fmt\n"+hooks+"---\n")
	writeFile(t, filepath.Join(project, "main.go"), "package main\n")
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project}
	check := func(when string) {
		t.Helper()
		if got := hook.SubagentCode("helper", false, env); len(got) == 0 {
			t.Errorf("%s: SubagentCode(helper) found nothing above the project", when)
		}
		if got := hook.SkillHooks("fmt", env); len(got) == 0 {
			t.Errorf("%s: SkillHooks(fmt) found nothing above the project", when)
		}
	}
	check("no repository")
	writeFile(t, filepath.Join(project, ".git"), "not a repository\n")
	check("a planted .git file")
	// Above the home directory: not read by Claude Code, nor by guard.
	writeFile(t, filepath.Join(filepath.Dir(home), ".claude", "agents", "far.md"), "---\nname: far\n"+hooks+"---\n")
	if got := hook.SubagentCode("far", false, env); len(got) > 0 {
		t.Errorf("SubagentCode(far) = %q: above the home directory", got)
	}
}
