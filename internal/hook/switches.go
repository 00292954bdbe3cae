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
// is not asked. The settings found are returned with the first error. Codex reads no such switch from a project (checked:
// [features] codex_hooks = false in a trusted project's .codex/config.toml
// leaves the user's hooks on). A file that cannot be read or parsed is an
// error, for the caller to refuse on: guard cannot tell what it says.
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
	case Gemini:
		file := filepath.Join(project, ".gemini", "settings.json")
		top, err := settingsObject(file, true)
		if err != nil || top == nil {
			return nil, err
		}
		raw, ok := top["hooksConfig"]
		if !ok || isNull(raw) {
			return nil, nil
		}
		hc, err := objectFields(raw)
		if err != nil || hc == nil {
			return nil, fmt.Errorf("%s: hooksConfig is not an object", file)
		}
		if raw, ok := hc["enabled"]; ok && string(raw) == "false" {
			out = append(out, HooksOff{File: file, Setting: `"hooksConfig": {"enabled": false}`})
		}
		elems, err := arrayElems(orNull(hc["disabled"]))
		if err != nil {
			return out, fmt.Errorf("%s: hooksConfig.disabled: %v", file, err)
		}
		for _, e := range elems {
			s, err := decodeString(e)
			if err == nil && (s == "guard" || strings.Contains(s, " hook gemini")) {
				out = append(out, HooksOff{File: file, Setting: fmt.Sprintf(`"hooksConfig": {"disabled": [%q]}`, s)})
			}
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
		b = stripJSONComments(b)
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
