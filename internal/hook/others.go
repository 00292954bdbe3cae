package hook

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
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
// the hooks of the plugins (Claude Code, Codex: see claudePluginRoots and
// pluginSources: hooks/hooks.json, and the hooks a plugin's manifest gives
// inline or by path) and extensions (Gemini CLI) installed, enabled or not;
// Codex's /etc/codex/hooks.json),
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
	return hooksFor(a, env, specOf(a).event, tool)
}

// PermissionRequestEvent is Claude Code's hook event at its permission
// prompts: a handler's answer {"hookSpecificOutput": {"hookEventName":
// "PermissionRequest", "decision": {"behavior": "allow"}}} approves the tool
// call in the person's place (with an updatedInput of its own, if it gives
// one), and the prompt is never shown.
const PermissionRequestEvent = "PermissionRequest"

// PermissionHooks returns the hooks that answer Claude Code's permission
// prompts for the tool named tool (PermissionRequest handlers whose matcher
// may match it), read where OtherHooks reads the pre-tool ones. Claude Code
// 2.1.332 runs them when a hook's ask comes to a prompt in an interactive
// session: a project's handler that answered allow ran guard's asked
// `touch OUTSIDE/pr.txt` with nobody at the keyboard. A hook that answers
// nothing (a notification) leaves the prompt to the person, but guard cannot
// tell one from the other: with any, an ask would not be the person's.
func PermissionHooks(env RuleEnv, tool string) []OtherHook {
	return hooksFor(ClaudeCode, env, PermissionRequestEvent, tool)
}

// hooksFor returns the handlers of event besides guard's whose matcher may
// match tool, in every settings file and plugin agent a reads (see
// OtherHooks).
func hooksFor(a Agent, env RuleEnv, event, tool string) []OtherHook {
	env = env.defaults()
	var files []string
	var sources []hookSource // plugins' hooks, read after the files
	switch a {
	case ClaudeCode:
		files = RuleFiles(ClaudeCode, env)
		sources = pluginSources(claudePluginRoots(env), []string{".claude-plugin"}, claudeMarketplaceEntries(env)...)
		// The settings of its command line (--settings, see flags.go).
		for _, fs := range claudeFlagSettings(env.Home) {
			if hooks, err := objectFields(orNull(fs.top["hooks"])); err == nil && hooks != nil {
				sources = append(sources, hookSource{file: fs.source, hooks: hooks})
			}
		}
	case Gemini:
		files = geminiSettingsFiles(env)
		// Each extension's, a linked one's (gemini extensions link DIR)
		// in its source: Gemini CLI 0.61.0 reads its hooks there.
		for _, ext := range geminiExtensionDirs(env) {
			files = append(files, filepath.Join(ext, "hooks", "hooks.json"))
		}
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
		// a feature and a trust step of their own), switched on or not:
		// plugins/cache/MARKETPLACE/PLUGIN[/VERSION], whose manifest
		// Codex reads from .codex-plugin/, .claude-plugin/ or
		// .cursor-plugin/plugin.json.
		cache := filepath.Join(home, "plugins", "cache")
		sources = pluginSources(globs(cache, "*/*/*", "*/*"), []string{".codex-plugin", ".claude-plugin", ".cursor-plugin"})
		sources = append(sources, codexConfigHooks(env, home)...)
	default:
		return nil
	}
	var all []hookSource
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
		all = append(all, hookSource{file: f, hooks: hooks})
	}
	var out []OtherHook
	for _, src := range append(all, sources...) {
		f, hooks := src.file, src.hooks
		for _, m := range src.modules {
			// A hooks module is code Claude Code loads into itself, which
			// may shape any tool call: its events cannot be read.
			out = append(out, OtherHook{File: f, Command: "a hooks module " + m})
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

// hookSource is one object of hook handlers by event ({event: [{matcher,
// hooks: [handler...]}...]}), and the file it was read from; modules are
// the hooks modules a Claude Code plugin's hooks file names.
type hookSource struct {
	file    string
	hooks   map[string]json.RawMessage
	modules []string
}

// claudePluginRoots returns the directories of Claude Code's plugins, enabled
// or not (Claude Code 2.1.332): each plugins directory's cache
// (cache/MARKETPLACE/PLUGIN/VERSION) and the install paths its
// installed_plugins.json names, the plugins directory being
// CLAUDE_CODE_PLUGIN_CACHE_DIR or the config directory's plugins (or
// cowork_plugins), with the seed directories of CLAUDE_CODE_PLUGIN_SEED_DIR;
// and the plugin folders CLAUDE_CODE_PLUGIN_DIRS lists and the
// --plugin-dir flags of the agent's command line name (pluginDirFlags).
func claudePluginRoots(env RuleEnv) []string {
	var roots []string
	for _, d := range claudePluginDirs(env) {
		roots = append(roots, globs(filepath.Join(d, "cache"), "*/*/*", "*/*")...)
		roots = append(roots, installPaths(filepath.Join(d, "installed_plugins.json"))...)
	}
	for _, d := range filepath.SplitList(env.Getenv("CLAUDE_CODE_PLUGIN_DIRS")) {
		if d = strings.TrimSpace(d); d != "" {
			roots = append(roots, expandHome(d, env.Home))
		}
	}
	return append(roots, pluginDirFlags(env.Home)...)
}

// pluginDirFlags returns the folders the --plugin-dir and
// --plugin-dir-no-mcp flags of this hook's ancestor processes name (Claude
// Code 2.1.332 does not pass them on to its hooks: see ancestorFlags).
func pluginDirFlags(home string) []string {
	var out []string
	for _, f := range ancestorFlags([]string{"--plugin-dir", "--plugin-dir-no-mcp"}, false) {
		if dir := expandHome(f.value, home); dir != "" {
			out = append(out, f.path(dir))
		}
	}
	return out
}

// claudePluginDirs returns Claude Code's plugins directories (see
// claudePluginRoots).
func claudePluginDirs(env RuleEnv) []string {
	config := env.Getenv("CLAUDE_CONFIG_DIR")
	if config == "" {
		config = filepath.Join(env.Home, ".claude")
	}
	dirs := []string{filepath.Join(config, "plugins"), filepath.Join(config, "cowork_plugins")}
	if d := env.Getenv("CLAUDE_CODE_PLUGIN_CACHE_DIR"); d != "" {
		dirs = append(dirs, expandHome(d, env.Home))
	}
	for _, d := range filepath.SplitList(env.Getenv("CLAUDE_CODE_PLUGIN_SEED_DIR")) {
		if d != "" {
			dirs = append(dirs, expandHome(d, env.Home))
		}
	}
	return dirs
}

// expandHome reads a leading ~ as the home directory, as Claude Code does
// for its plugin folders.
func expandHome(p, home string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[1:])
	}
	return p
}

// installPaths returns the installPath of every plugin an
// installed_plugins.json lists ({plugins: {name: [{installPath}...]}}, or
// one object per name in its first version).
func installPaths(file string) []string {
	top, err := settingsObject(file, false)
	if err != nil || top == nil {
		return nil
	}
	plugins, err := objectFields(orNull(top["plugins"]))
	if err != nil {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(plugins)) {
		entries, err := arrayElems(plugins[name])
		if err != nil {
			entries = []json.RawMessage{plugins[name]}
		}
		for _, e := range entries {
			if o, err := objectFields(e); err == nil && o != nil {
				if p, _ := stringField(o, "installPath"); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// pluginSources returns the hooks of the plugins in roots: each one's
// hooks/hooks.json, and the "hooks" of its manifest (DIR/plugin.json for
// each of manifestDirs): an object of handlers by event, the path of a
// hooks file relative to the plugin's root, or a list of either (Claude
// Code: "Path to file with additional hooks ... relative to the plugin
// root"; Codex's manifest hooks are an untagged enum of the same forms).
// A hooks file's "modules" are kept too.
func pluginSources(roots, manifestDirs []string, manifests ...pluginManifest) []hookSource {
	var out []hookSource
	seen := map[string]bool{}
	addFile := func(file string) {
		if seen[file] {
			return
		}
		seen[file] = true
		top, err := settingsObject(file, false)
		if err != nil || top == nil {
			return
		}
		src := hookSource{file: file, hooks: top}
		if raw, ok := top["hooks"]; ok {
			// {hooks: {event: ...}}, as hooks/hooks.json; a file of the
			// events alone is read as such too (the stricter reading).
			src.hooks, _ = objectFields(orNull(raw))
		}
		if mods, err := arrayElems(orNull(top["modules"])); err == nil {
			for _, m := range mods {
				name, _ := decodeString(m)
				src.modules = append(src.modules, quoteCommand(name))
			}
		} else if _, ok := top["modules"]; ok {
			src.modules = append(src.modules, "(not a list)")
		}
		out = append(out, src)
	}
	for _, root := range roots {
		if seen[root] {
			continue
		}
		seen[root] = true
		addFile(filepath.Join(root, "hooks", "hooks.json"))
		for _, d := range manifestDirs {
			manifest := filepath.Join(root, d, "plugin.json")
			top, err := settingsObject(manifest, false)
			if err != nil || top == nil {
				continue
			}
			manifests = append(manifests, pluginManifest{root: root, file: manifest, top: top})
		}
	}
	for _, m := range manifests {
		raw, ok := m.top["hooks"]
		if !ok || isNull(raw) {
			continue
		}
		items, err := arrayElems(raw)
		if err != nil {
			items = []json.RawMessage{raw}
		}
		for _, item := range items {
			if p, err := decodeString(item); err == nil {
				if !filepath.IsAbs(p) {
					p = filepath.Join(m.root, p)
				}
				addFile(p)
			} else if hooks, err := objectFields(item); err == nil && hooks != nil {
				out = append(out, hookSource{file: m.file, hooks: hooks})
			}
		}
	}
	return out
}

// pluginManifest is a plugin's manifest object (plugin.json, or a
// marketplace's entry for the plugin), the file it is in, and the plugin's
// root its paths are relative to.
type pluginManifest struct {
	root, file string
	top        map[string]json.RawMessage
}

// claudeMarketplaceEntries returns the plugin entries of the marketplaces
// Claude Code knows in each plugins directory (claudePluginDirs): the
// .claude-plugin/marketplace.json at each installLocation of
// known_marketplaces.json and in marketplaces/NAME. A marketplace entry
// can declare the plugin's components itself (with "strict": false it is
// the manifest: measured with 2.1.332, its inline hooks ran, and the
// installed copy of the plugin held none of them); its paths are read
// against the entry's source in the marketplace.
func claudeMarketplaceEntries(env RuleEnv) []pluginManifest {
	var files []string
	for _, d := range claudePluginDirs(env) {
		files = append(files, globs(filepath.Join(d, "marketplaces"), "*/.claude-plugin/marketplace.json")...)
		top, err := settingsObject(filepath.Join(d, "known_marketplaces.json"), false)
		if err != nil || top == nil {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(top)) {
			if m, err := objectFields(top[name]); err == nil && m != nil {
				if loc, _ := stringField(m, "installLocation"); loc != "" {
					files = append(files, filepath.Join(loc, ".claude-plugin", "marketplace.json"))
				}
			}
		}
	}
	var out []pluginManifest
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f] {
			continue
		}
		seen[f] = true
		top, err := settingsObject(f, false)
		if err != nil || top == nil {
			continue
		}
		entries, err := arrayElems(orNull(top["plugins"]))
		if err != nil {
			continue
		}
		base := filepath.Dir(filepath.Dir(f))
		for _, e := range entries {
			entry, err := objectFields(e)
			if err != nil || entry == nil {
				continue
			}
			root := base
			if src, _ := stringField(entry, "source"); src != "" && !filepath.IsAbs(src) {
				root = filepath.Join(base, src)
			}
			out = append(out, pluginManifest{root: root, file: f, top: entry})
		}
	}
	return out
}

// linkedExtension returns the source directory of a Gemini CLI extension
// installed as a link, from its install metadata ({"type": "link",
// "source": DIR}); "" for any other.
func linkedExtension(meta string) string {
	top, err := settingsObject(meta, false)
	if err != nil || top == nil {
		return ""
	}
	if typ, _ := stringField(top, "type"); typ != "link" {
		return ""
	}
	src, _ := stringField(top, "source")
	return src
}
