package hook

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// HooksOff is a setting in a project's own agent settings that switches the
// agent's hooks, guard's included, off for every session started there.
type HooksOff struct {
	File    string // the settings file
	Setting string // what it sets, as written there
	// Effect, when set, says what the setting does in place of switching
	// every hook off.
	Effect string
}

func (h HooksOff) String() string {
	return h.File + " sets " + h.Setting
}

// ProjectHooksOff reports the settings in project that switch agent a's hooks
// off, as the agents read them (measured with Claude Code 2.1.332 and
// Gemini CLI 0.61.0): Claude Code's "disableAllHooks": true in
// .claude/settings.json or .claude/settings.local.json (the repository
// root's settings.local.json too, see layers.go), which turns off the
// hooks of the user's settings too; Gemini CLI's "hooksConfig":
// {"enabled": false}, or a "hooksConfig.disabled" entry naming guard's hook
// (by its name "guard" or its command), in .gemini/settings.json. A
// repository can ship such a file, and a checkout, a merge or an unpacked
// archive can make one: the next session there runs no hook at all, so guard
// is not asked. Codex's [features] hooks = false (or codex_hooks = false) in
// a .codex/config.toml from the repository root down switches every hook off
// once the user trusts the project (measured with Codex 0.171.0: a write
// outside ran unjudged in suggest mode, from the session's directory's file
// and from the repository root's above it; an untrusted project's file is
// not loaded, and is reported all the same: trusting the project would
// switch guard off). The settings found are returned with the first error.
// A file that cannot be read or parsed is an error, for the caller to
// refuse on: guard cannot tell what it says.
func ProjectHooksOff(a Agent, project string) ([]HooksOff, error) {
	if project == "" {
		return nil, nil
	}
	var out []HooksOff
	switch a {
	case ClaudeCode:
		var firstErr error
		for _, file := range claudeSettingsFiles(project) {
			top, err := settingsObject(file, false)
			if firstErr == nil {
				firstErr = err
			}
			if top == nil {
				continue
			}
			if raw, ok := top["disableAllHooks"]; ok && string(raw) == "true" {
				out = append(out, HooksOff{File: file, Setting: `"disableAllHooks": true`})
			}
			out = append(out, guardCopies(file, top)...)
		}
		return out, firstErr
	case Codex:
		var firstErr error
		for _, dir := range codexProjectDirs(project) {
			off, err := codexHooksFeature(filepath.Join(dir, ".codex", "config.toml"), codexProjectHooksOff)
			if firstErr == nil {
				firstErr = err
			}
			out = append(out, off...)
		}
		return out, firstErr
	case Gemini:
		_, out, err := geminiHooksSwitches(filepath.Join(project, ".gemini", "settings.json"))
		return out, err
	}
	return out, nil
}

// codexProjectHooksOff is what a project's [features] hooks = false does.
const codexProjectHooksOff = "runs no hook, guard's included, in a session started here once the project is trusted"

// geminiHooksDisabled is the setting that switches Gemini CLI's hooks off.
const geminiHooksDisabled = `"hooksConfig": {"enabled": false}`

// geminiHooksSwitches reads Gemini CLI's hooksConfig in a settings file (with
// comments): enabled is its "enabled" when that is a boolean, and off lists
// what switches guard's hook off there ("enabled": false, a "disabled" entry
// naming guard's hook by its name or command). A missing file has none.
func geminiHooksSwitches(file string) (enabled *bool, off []HooksOff, err error) {
	top, err := settingsObject(file, true)
	if err != nil || top == nil {
		return nil, nil, err
	}
	raw, ok := top["hooksConfig"]
	if !ok || isNull(raw) {
		return nil, nil, nil
	}
	hc, err := objectFields(raw)
	if err != nil || hc == nil {
		return nil, nil, fmt.Errorf("%s: hooksConfig is not an object", file)
	}
	switch string(hc["enabled"]) {
	case "false":
		enabled = new(bool)
		off = append(off, HooksOff{File: file, Setting: geminiHooksDisabled})
	case "true":
		enabled = new(bool)
		*enabled = true
	}
	elems, err := arrayElems(orNull(hc["disabled"]))
	if err != nil {
		return enabled, off, fmt.Errorf("%s: hooksConfig.disabled: %v", file, err)
	}
	for _, e := range elems {
		s, err := decodeString(e)
		if err == nil && (s == "guard" || strings.Contains(s, " hook gemini")) {
			off = append(off, HooksOff{File: file, Setting: fmt.Sprintf(`"hooksConfig": {"disabled": [%q]}`, s)})
		}
	}
	return enabled, off, nil
}

// UserHooksOff reports what, outside the project, switches agent a's hooks
// off, guard's user-level hook included, so that guard is never asked
// while guard setup wrote the hook and guard doctor found it (measured with
// Claude Code 2.1.332, Codex 0.171.0 and Gemini CLI 0.61.0: rm -rf build, or
// a write outside, ran unjudged in suggest mode):
//
//   - Claude Code: "disableAllHooks": true in the user's settings.json (the
//     file guard setup writes its hook into) or in the managed settings
//     (managed-settings.json and managed-settings.d/*.json in
//     /etc/claude-code), where "allowManagedHooksOnly": true leaves only the
//     managed hooks; and CLAUDE_CODE_SIMPLE in the environment (--bare),
//     which runs no hook;
//   - Codex: [features] hooks = false (or its older name codex_hooks) in
//     $CODEX_HOME/config.toml, /etc/codex/config.toml or
//     /etc/codex/managed_config.toml;
//   - Gemini CLI: hooksConfig.enabled false, or hooksConfig.disabled naming
//     guard's hook, in the user's or the system settings
//     ($GEMINI_CLI_SYSTEM_SETTINGS_PATH, /etc/gemini-cli/settings.json), and
//     enabled false in the system defaults when neither sets it.
//
// None of these is in the project, so the hook cannot refuse on them (it is
// never called): guard setup and guard doctor report them. The first error
// is for a file that cannot be read or parsed.
func UserHooksOff(a Agent, env RuleEnv) ([]HooksOff, error) {
	env = env.defaults()
	env.Project = ""
	var out []HooksOff
	var firstErr error
	note := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	switch a {
	case ClaudeCode:
		managed := claudeManagedFiles(env)
		files := RuleFiles(ClaudeCode, env) // the managed ones, then the user's
		for _, file := range files {
			top, err := settingsObject(file, false)
			note(err)
			if top == nil {
				continue
			}
			if string(top["disableAllHooks"]) == "true" {
				out = append(out, HooksOff{File: file, Setting: `"disableAllHooks": true`})
			}
			if slices.Contains(managed, file) && string(top["allowManagedHooksOnly"]) == "true" {
				out = append(out, HooksOff{File: file, Setting: `"allowManagedHooksOnly": true`, Effect: "runs only the hooks of its managed settings, not guard's"})
			}
		}
		if v := strings.ToLower(strings.TrimSpace(env.Getenv("CLAUDE_CODE_SIMPLE"))); v != "" && v != "0" && v != "false" && v != "no" && v != "off" {
			out = append(out, HooksOff{File: "the environment", Setting: "CLAUDE_CODE_SIMPLE=" + env.Getenv("CLAUDE_CODE_SIMPLE"), Effect: "runs in its bare mode (--bare), with no hook"})
		}
	case Codex:
		home := env.Getenv("CODEX_HOME")
		if home == "" {
			home = filepath.Join(env.Home, ".codex")
		}
		for _, file := range []string{filepath.Join(env.CodexSystem, "config.toml"), filepath.Join(home, "config.toml"), filepath.Join(env.CodexSystem, "managed_config.toml")} {
			off, err := codexHooksFeature(file, "")
			note(err)
			out = append(out, off...)
		}
	case Gemini:
		files := geminiSettingsFiles(env) // the system's, the user's
		set := false
		for _, file := range files {
			enabled, off, err := geminiHooksSwitches(file)
			note(err)
			out = append(out, off...)
			set = set || enabled != nil
		}
		defaults := env.Getenv("GEMINI_CLI_SYSTEM_DEFAULTS_PATH")
		if defaults == "" {
			defaults = filepath.Join(filepath.Dir(files[0]), "system-defaults.json")
		}
		_, off, err := geminiHooksSwitches(defaults)
		note(err)
		for _, o := range off {
			// The defaults' enabled counts only when no file above sets it.
			if !set || o.Setting != geminiHooksDisabled {
				out = append(out, o)
			}
		}
	}
	return out, firstErr
}

// codexHooksFeature reads Codex's [features] hooks (or its older name
// codex_hooks) in a config.toml: a value that is not true switches every
// hook off. A missing file has none; effect is the HooksOff's.
func codexHooksFeature(file, effect string) ([]HooksOff, error) {
	b, ok, err := readOptional(file)
	if err != nil || !ok {
		return nil, err
	}
	var cfg struct {
		Features map[string]any `toml:"features"`
	}
	if err := toml.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	var out []HooksOff
	for _, name := range []string{"hooks", "codex_hooks"} {
		if v, ok := cfg.Features[name]; ok && v != true {
			out = append(out, HooksOff{File: file, Setting: fmt.Sprintf("[features] %s = %v", name, v), Effect: effect})
		}
	}
	return out, nil
}

// MinTimeout is the shortest hook timeout, in seconds, that leaves guard's
// hook its own deadline (10 s) and a margin to start under load.
const MinTimeout = 15

// copyEffect is what a copy of guard's hook that guardCopies reports does.
const copyEffect = "runs that copy in place of the user's guard hook, and goes ahead when it times out or without waiting for its answer"

// guardCopies returns the handlers of a Claude Code settings file (top) that
// run guard's hook (its command, as guard setup writes it) in a way that
// keeps its answer from counting: a timeout below MinTimeout, or async.
// Claude Code runs one handler per command: a project's copy of the user's
// guard command took its place (measured with 2.1.332: with a copy whose
// "timeout" was 0.001 in the project's .claude/settings.json, guard timed
// out, which Claude Code takes as "go ahead", and rm -rf build ran in
// suggest mode).
func guardCopies(file string, top map[string]json.RawMessage) []HooksOff {
	hooks, err := objectFields(orNull(top["hooks"]))
	if err != nil {
		return nil
	}
	var out []HooksOff
	events := slices.Sorted(maps.Keys(hooks))
	for _, event := range events {
		eventHandlers(hooks, event, func(_ string, handler map[string]json.RawMessage) {
			cmd, _ := stringField(handler, "command")
			if !guardsHook(cmd, ClaudeCode) {
				return
			}
			for _, k := range []string{"async", "asyncRewake"} {
				if string(handler[k]) == "true" {
					out = append(out, HooksOff{file, fmt.Sprintf(`"hooks": {%q: [guard's hook with %q: true]}`, event, k), copyEffect})
				}
			}
			var t float64
			if raw, ok := handler["timeout"]; ok && json.Unmarshal(raw, &t) == nil && t < MinTimeout {
				out = append(out, HooksOff{file, fmt.Sprintf(`"hooks": {%q: [guard's hook with "timeout": %s]}`, event, raw), copyEffect})
			}
		})
	}
	return out
}

// settingsObject reads an agent's settings file as a JSON object (with
// comments when comments is set): nil for a missing file.
func settingsObject(file string, comments bool) (map[string]json.RawMessage, error) {
	b, ok, err := readOptional(file)
	if err != nil || !ok {
		return nil, err
	}
	if comments {
		b = StripJSONComments(b)
	}
	top, err := objectFields(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, jsonError(err))
	}
	return top, nil
}

// ProjectMCPServers returns the MCP servers (by name) that run a program
// (a command, not a URL) which agent a's project settings list, and the
// file: Claude Code's .mcp.json (2.1.332 started them in -p mode without
// asking), Gemini CLI's .gemini/settings.json mcpServers (0.61.0 started
// one with the session, measured), Codex's .codex/config.toml
// [mcp_servers] (read when the project is trusted). They run before any
// tool call: code the project runs, as its own hooks are, out of any
// hook's reach. For guard doctor; a file that cannot be read or parsed
// gives none.
func ProjectMCPServers(a Agent, project string) (file string, names []string) {
	switch a {
	case ClaudeCode:
		file = filepath.Join(project, ".mcp.json")
	case Gemini:
		file = filepath.Join(project, ".gemini", "settings.json")
	case Codex:
		file = filepath.Join(project, ".codex", "config.toml")
		b, ok, err := readOptional(file)
		if err != nil || !ok {
			return file, nil
		}
		var cfg struct {
			Servers map[string]map[string]any `toml:"mcp_servers"`
		}
		if toml.Unmarshal(b, &cfg) != nil {
			return file, nil
		}
		for name, srv := range cfg.Servers {
			if _, ok := srv["command"]; ok {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		return file, names
	default:
		return "", nil
	}
	top, err := settingsObject(file, a == Gemini)
	if err != nil || top == nil {
		return file, nil
	}
	servers, err := objectFields(orNull(top["mcpServers"]))
	if err != nil {
		return file, nil
	}
	for name, raw := range servers {
		srv, err := objectFields(raw)
		if err == nil && srv != nil {
			if _, ok := srv["command"]; ok {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return file, names
}
