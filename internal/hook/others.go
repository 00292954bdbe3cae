package hook

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
)

// OtherHook is a hook of the agent's settings, not guard's, that the agent
// runs for the same tool call as guard's pre-tool hook.
type OtherHook struct {
	File    string // the settings file that configures it
	Command string // its command (or type, for a hook that runs none)
}

func (o OtherHook) String() string {
	return quoteCommand(o.Command) + " in " + o.File
}

// quoteCommand quotes a command for a message, cut to a readable length.
func quoteCommand(s string) string {
	const max = 120
	if len(s) > max {
		s = s[:max] + "..."
	}
	return "`" + s + "`"
}

// OtherHooks returns the hooks besides guard's that agent a runs before the
// tool named tool: the handlers of its pre-tool event (PreToolUse,
// BeforeTool) in every settings file the agent reads (env as for
// CheckAgentRules: the managed or system file, the user's, the project's,
// and the hooks/hooks.json of the plugins (Claude Code) and extensions
// (Gemini CLI) installed in the user's settings directory, enabled or not;
// Codex's /etc/codex/hooks.json and its installed plugins' hooks),
// whose matcher may match tool. The agents run such hooks alongside guard's
// and take the input rewrite of whichever answers last (Claude Code 2.1.332:
// the order they finish in; Gemini CLI 0.61.0: the later in its list), so
// another hook that answers with the input it was given (a logger, a hook
// that rewrites some commands) undoes guard's rewrite: with the real Claude
// Code, a full-auto command guard answered with its sandboxed rewrite ran
// unsandboxed, writing outside the project, when a second hook echoing
// tool_input finished after guard's. A settings file that does not parse is
// skipped (CheckAgentRules refuses on it first for Claude Code; the agent
// itself skips or rejects it).
func OtherHooks(a Agent, env RuleEnv, tool string) []OtherHook {
	env = env.defaults()
	var files []string
	event := specOf(a).event
	switch a {
	case ClaudeCode:
		files = RuleFiles(ClaudeCode, env)
		dir := env.Getenv("CLAUDE_CONFIG_DIR")
		if dir == "" {
			dir = filepath.Join(env.Home, ".claude")
		}
		// plugins/cache/MARKETPLACE/PLUGIN/VERSION/hooks/hooks.json
		files = append(files, globs(filepath.Join(dir, "plugins", "cache"), "*/*/*/hooks/hooks.json", "*/*/hooks/hooks.json")...)
	case Gemini:
		files = geminiSettingsFiles(env)
		home := env.Getenv("GEMINI_CLI_HOME")
		if home == "" {
			home = env.Home
		}
		files = append(files, globs(filepath.Join(home, ".gemini", "extensions"), "*/hooks/hooks.json")...)
	case Codex:
		home := env.Getenv("CODEX_HOME")
		if home == "" {
			home = filepath.Join(env.Home, ".codex")
		}
		// The machine's layer too: Codex 0.171.0 ran a hook of
		// /etc/codex/hooks.json, untrusted by the user, with guard's.
		files = []string{filepath.Join(env.CodexSystem, "hooks.json"), filepath.Join(home, "hooks.json")}
		if env.Project != "" {
			for _, d := range codexProjectDirs(env.Project) {
				files = append(files, filepath.Join(d, ".codex", "hooks.json"))
			}
		}
		// Installed plugins' hooks (Codex 0.171.0 has "plugin hooks",
		// a feature and a trust step of their own): hooks/hooks.json in
		// plugins/cache/MARKETPLACE/PLUGIN[/VERSION], and a manifest's
		// inline "hooks" (Codex reads .codex-plugin/ and
		// .claude-plugin/plugin.json), switched on or not.
		cache := filepath.Join(home, "plugins", "cache")
		files = append(files, globs(cache, "*/*/*/hooks/hooks.json", "*/*/hooks/hooks.json",
			"*/*/*/.codex-plugin/plugin.json", "*/*/.codex-plugin/plugin.json",
			"*/*/*/.claude-plugin/plugin.json", "*/*/.claude-plugin/plugin.json")...)
	default:
		return nil
	}
	var out []OtherHook
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f] {
			continue
		}
		seen[f] = true
		top, err := settingsObject(f, a == Gemini)
		if err != nil || top == nil {
			continue
		}
		hooks, err := objectFields(orNull(top["hooks"]))
		if err != nil {
			continue
		}
		eventHandlers(hooks, event, func(matcher string, handler map[string]json.RawMessage) {
			if !matcherMatches(matcher, tool) {
				return
			}
			cmd, _ := stringField(handler, "command")
			if cmd != "" && guardsHook(cmd, a) {
				return
			}
			if cmd == "" {
				typ, _ := stringField(handler, "type")
				cmd = "a " + typ + " hook"
			}
			out = append(out, OtherHook{File: f, Command: cmd})
		})
	}
	return out
}

// eventHandlers calls f with each handler an agent's settings list for
// event under "hooks" (the object hooks), with its group's matcher:
// {event: [{matcher, hooks: [handler...]}...]}. Malformed parts are
// skipped.
func eventHandlers(hooks map[string]json.RawMessage, event string, f func(matcher string, handler map[string]json.RawMessage)) {
	groups, err := arrayElems(orNull(hooks[event]))
	if err != nil {
		return
	}
	for _, g := range groups {
		group, err := objectFields(g)
		if err != nil || group == nil {
			continue
		}
		matcher, _ := stringField(group, "matcher")
		handlers, err := arrayElems(orNull(group["hooks"]))
		if err != nil {
			continue
		}
		for _, h := range handlers {
			if handler, err := objectFields(h); err == nil && handler != nil {
				f(matcher, handler)
			}
		}
	}
}

// globs returns the files under dir that match the patterns, in order.
func globs(dir string, patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		m, _ := filepath.Glob(filepath.Join(dir, p))
		out = append(out, m...)
	}
	return out
}

// matcherMatches reports whether a hook matcher may match the tool name:
// an empty matcher and "*" match every tool, a name or a|b list matches
// those names, anything else is read as a regular expression over the
// whole name; one that does not compile matches (guard cannot tell).
func matcherMatches(matcher, tool string) bool {
	if matcher == "" || matcher == "*" {
		return true
	}
	re, err := regexp.Compile("^(?:" + matcher + ")$")
	if err != nil {
		return true
	}
	if re.MatchString(tool) {
		return true
	}
	// Claude Code and Gemini CLI also try a matcher as an unanchored
	// pattern: the stricter reading counts.
	re, err = regexp.Compile(matcher)
	return err != nil || re.MatchString(tool)
}

// guardsHook reports whether a hook command runs guard's hook for a: its
// first word names a program called guard (guard, guard-full...) and it
// goes on with `hook AGENT`, as guard setup writes it.
func guardsHook(command string, a Agent) bool {
	s := strings.TrimSpace(command)
	var prog string
	if q := s[:min(len(s), 1)]; q == "'" || q == `"` {
		end := strings.Index(s[1:], q)
		if end < 0 {
			return false
		}
		prog, s = s[1:1+end], s[2+end:]
	} else {
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			return false
		}
		prog, s = s[:end], s[end:]
	}
	f := strings.Fields(s)
	return strings.HasPrefix(filepath.Base(prog), "guard") && len(f) >= 2 && f[0] == "hook" &&
		strings.TrimRight(f[1], ";|&") == a.String()
}
