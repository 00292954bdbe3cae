package hook

import (
	"path/filepath"
	"strings"
)

// Claude Code's tools that start subagents: Agent (Task in older versions)
// starts the one tool_input.subagent_type names; Workflow runs a
// model-written script whose agent() calls may start any of them
// (opts.agentType), with no Agent tool call.
const (
	AgentTool    = "Agent"
	WorkflowTool = "Workflow"
)

// defaultSubagents are the agent types Claude Code 2.1.332 starts for an
// Agent call without subagent_type: a definition of the project's or the
// user's under one of these names takes the built-in one's place.
var defaultSubagents = []string{"general-purpose", "claude"}

// SubagentCode returns the subagent definition files Claude Code may start
// for the agent type name (every definition when every is set: a workflow
// script can name any of them) that make Claude Code run commands of their
// own while the subagent works, none of which reaches a PreToolUse hook:
// frontmatter hooks:, mcpServers: with a server's configuration written
// out (a stdio server is a command Claude Code starts), skills: that
// preload a skill declaring hooks (see SkillHooks), or isolation: (Claude
// Code 2.1.332 runs git worktree add itself for `isolation: worktree`, a
// checkout written below .claude/worktrees in suggest mode, as its
// EnterWorktree tool does). Measured with Claude
// Code 2.1.332 in a project whose trust dialog was accepted: an Agent call
// for such a project agent, and a Workflow script's agent('...', {agentType:
// 'helper'}), each ran the definition's MCP server command and its
// PreToolUse hook (`touch` outside the project), in suggest mode, while
// guard's hook saw only the subagent's own Bash calls. A server named
// by its name alone is one the session has configured already.
//
// The files are found as SkillHooks finds skills (the project's .claude
// and those above and below it, the user's, the managed one, the
// plugins'), below agents/ (three levels), by file name or frontmatter
// name; the frontmatter is read as text, not as YAML: a mcpServers entry
// holding a ':' or '{' counts as a server's configuration (a quoted name
// holding ':' is read so too: the stricter reading).
func SubagentCode(name string, every bool, env RuleEnv) []string {
	return subagentCode(name, every, env, 0)
}

func subagentCode(name string, every bool, env RuleEnv, depth int) []string {
	runs := func(f string) bool { return subagentRunsCode(f, env, depth) }
	wants := []string{definitionName(name)}
	switch {
	case every:
		wants = []string{""}
	case wants[0] == "":
		wants = defaultSubagents
	}
	var out []string
	for _, want := range wants {
		out = append(out, definitionFiles(want, env, agentFiles, runs)...)
		// The definitions of Claude Code's --agents flag (flags.go).
		for _, d := range claudeFlagAgents(env.Home) {
			if (want == "" || d.name == want) && flagAgentRunsCode(d, env, depth) {
				out = append(out, d.source)
			}
		}
	}
	return out
}

// agentFiles returns the agent definitions under root that may be the
// agent type want (every one when want is ""): agents/**.md, three levels.
func agentFiles(root, want string) []string {
	var out []string
	for _, p := range []string{"*.md", "*/*.md", "*/*/*.md"} {
		files, _ := filepath.Glob(filepath.Join(root, "agents", p))
		for _, f := range files {
			if want == "" || strings.TrimSuffix(filepath.Base(f), ".md") == want || mayBeNamed(f, want) {
				out = append(out, f)
			}
		}
	}
	return out
}

// subagentRunsCode reports whether the agent definition file makes Claude
// Code run commands while the subagent works.
func subagentRunsCode(file string, env RuleEnv, depth int) bool {
	fm := frontmatter(file)
	if fm == "" {
		return false
	}
	if declaresHooks(file) || hasKey(fm, "hooks") || mcpConfigured(fm) || hasKey(fm, "isolation") {
		return true
	}
	if v, ok := frontmatterValue(fm, "skills"); ok {
		if depth >= maxDefinitionDepth {
			return true
		}
		for _, s := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(",[]\n", r) }) {
			s = strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "-")), `"'`)
			if s != "" && len(skillCode(s, env, depth+1)) > 0 {
				return true
			}
		}
	} else if hasKey(fm, "skills") {
		return true
	}
	return false
}

// mcpConfigured reports whether a frontmatter's mcpServers configures a
// server: names only (a block or flow sequence of plain names) start no
// server of the definition's own; anything else, or the key where the line
// reading cannot place it (a flow mapping frontmatter), counts.
func mcpConfigured(fm string) bool {
	if !hasKey(fm, "mcpServers") {
		return false
	}
	v, ok := frontmatterValue(fm, "mcpServers")
	return !ok || strings.ContainsAny(v, ":{")
}

// hasKey reports whether key appears in a frontmatter as a mapping key
// anywhere (after a non-word character, optionally quoted, then a ':'),
// a top-level line or inside a flow mapping ({hooks: ...}): the stricter
// reading, which a description's "hooks: ..." also meets.
func hasKey(fm, key string) bool {
	for i := 0; ; {
		j := strings.Index(fm[i:], key)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(key)
		i = end
		if start > 0 && isWordByte(fm[start-1]) {
			continue
		}
		rest := strings.TrimLeft(fm[end:], `"' 	`)
		if strings.HasPrefix(rest, ":") {
			return true
		}
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// frontmatterValue returns the text of a top-level key of a YAML
// frontmatter: the rest of its line and the lines after it that belong to
// it (indented, or a block sequence's "- " at the key's own indentation);
// whole comment lines are left out, a comment after a value is kept (a
// '#' may be inside quotes). The key may be quoted.
func frontmatterValue(fm, key string) (string, bool) {
	lines := strings.Split(fm, "\n")
	for i, l := range lines {
		rest, ok := "", false
		for _, k := range []string{key, `"` + key + `"`, "'" + key + "'"} {
			if r, found := strings.CutPrefix(l, k); found {
				if r = strings.TrimLeft(r, " \t"); strings.HasPrefix(r, ":") {
					rest, ok = r[1:], true
					break
				}
			}
		}
		if !ok {
			continue
		}
		var b strings.Builder
		b.WriteString(rest)
		for _, m := range lines[i+1:] {
			t := strings.TrimSpace(m)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if m[0] != ' ' && m[0] != '\t' && m[0] != '-' {
				break
			}
			b.WriteString("\n" + m)
		}
		return b.String(), true
	}
	return "", false
}

// GeminiInvokeAgent is Gemini CLI's tool that starts the subagent its
// agent_name names; geminiBuiltinAgents are its built-in subagents, which
// it also offers as tools of their own name (0.61.0), and which a
// definition of the same name may replace.
const GeminiInvokeAgent = "invoke_agent"

var geminiBuiltinAgents = []string{"codebase_investigator", "cli_help", "generalist"}

// GeminiSubagentCode returns the subagent definition files Gemini CLI may
// start for the agent name that declare MCP servers (mcp_servers), each a
// command Gemini CLI starts when the subagent runs, out of any BeforeTool
// hook's sight. Measured with Gemini CLI 0.61.0: a definition in
// ~/.gemini/agents with mcp_servers, started with invoke_agent in suggest
// mode, ran the server's command (`touch` outside the project), and not
// before the call (hooks-18 H18-5). The definitions are found where Gemini
// CLI loads them: *.md (not starting with "_") in the user's
// ~/.gemini/agents, the project's .gemini/agents and each extension's
// agents directory (a linked extension's in its source), by file name or
// frontmatter name; every definition there for an empty name (the
// stricter reading).
func GeminiSubagentCode(name string, env RuleEnv) []string {
	env = env.defaults()
	dirs := []string{filepath.Join(geminiHome(env), ".gemini", "agents")}
	if env.Project != "" {
		dirs = append(dirs, filepath.Join(env.Project, ".gemini", "agents"))
	}
	for _, ext := range geminiExtensionDirs(env) {
		dirs = append(dirs, filepath.Join(ext, "agents"))
	}
	var out []string
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.md"))
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), "_") {
				continue
			}
			if name != "" && strings.TrimSuffix(filepath.Base(f), ".md") != name && !mayBeNamed(f, name) {
				continue
			}
			if fm := frontmatter(f); fm != "" && hasKey(fm, "mcp_servers") {
				out = append(out, f)
			}
		}
	}
	return out
}
