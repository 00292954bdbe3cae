package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"guard/internal/hook"
	"guard/internal/safefile"
)

// findGuardHook returns the index of the matcher group under agent's hook
// event in the settings data that holds guard's hook, and that handler;
// group is -1 when there is none (or data does not parse).
func findGuardHook(data []byte, agent string) (group int, matcher string, entry *object) {
	return findGuardHookIn(data, agent, hookSpecs[agent].event)
}

// findGuardHookIn is findGuardHook for the hook event named event.
func findGuardHookIn(data []byte, agent, event string) (group int, matcher string, entry *object) {
	doc, err := parseObject(data)
	if err != nil {
		return -1, "", nil
	}
	hv, _ := doc.get("hooks")
	hooks, ok := hv.(*object)
	if !ok {
		return -1, "", nil
	}
	ev, _ := hooks.get(event)
	groups, _ := ev.([]any)
	for i, g := range groups {
		gobj, ok := g.(*object)
		if !ok {
			continue
		}
		hl, _ := gobj.get("hooks")
		handlers, _ := hl.([]any)
		for _, h := range handlers {
			if isGuardHook(h, agent) {
				m, _ := gobj.get("matcher")
				ms, _ := m.(string)
				return i, ms, h.(*object)
			}
		}
	}
	return -1, "", nil
}

// HookState is what [InspectHook] found.
type HookState struct {
	Config    HookConfig
	Installed bool   // guard's hook is in the settings file
	Command   string // its command
	Guard     string // the guard binary it runs
	// GuardOK: Guard is an absolute path to an executable file.
	GuardOK bool
	// FailsClosed: the command blocks when guard is missing or fails
	// (it is [HookCommand]'s form).
	FailsClosed bool
	// Trusted (Codex): config.toml's trusted_hash for the hook's key is the
	// hash Codex computes for it; TrustDetail says why not.
	Trusted     bool
	TrustDetail string
	// ShortTimeout, when set, says that the hook's timeout is below
	// MinHookTimeout: the agents run the command when a hook times out, and
	// guard answers within 10 s by its own deadline.
	ShortTimeout string
	// Missing, when set, says which of the other events guard setup
	// writes guard's hook for has none (a settings file from an older
	// guard setup).
	Missing string
	// Err is a settings file that cannot be read or parsed.
	Err error
}

// MinHookTimeout is the shortest hook timeout, in seconds, that leaves guard
// its own 10 s deadline and a margin to start under load.
const MinHookTimeout = 15

// InspectHook reads c's settings and reports guard's hook in them.
func InspectHook(c HookConfig) HookState {
	st := HookState{Config: c}
	_, data, _, err := readSettings(c.Path)
	if err != nil {
		st.Err = err
		return st
	}
	if data == nil {
		return st
	}
	if _, err := parseObject(data); err != nil {
		// Gemini CLI reads its settings as JSON with comments, as guard's
		// hook does: such a file is read the same way here ("not JSON"
		// sent the user looking for an error that is not there).
		stripped := hook.StripJSONComments(data)
		if _, jerr := parseObject(stripped); c.Agent != Gemini || jerr != nil {
			st.Err = fmt.Errorf("%s: %w", c.Path, err)
			return st
		}
		data = stripped
	}
	group, matcher, entry := findGuardHook(data, c.Agent)
	if group < 0 {
		return st
	}
	st.Installed = true
	v, _ := entry.get("command")
	st.Command, _ = v.(string)
	st.Guard, _ = guardHookPath(st.Command, c.Agent)
	if strings.HasPrefix(st.Guard, "/") {
		if fi, err := os.Stat(st.Guard); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			st.GuardOK = true
		}
	}
	st.FailsClosed = st.Command == HookCommand(c.Agent, st.Guard)
	if unmatched(matcher) {
		st.Missing = fmt.Sprintf("guard's hook matcher %q does not take every tool (an older guard setup, or an edit): a tool it leaves out, or one a later %s version adds, runs unjudged: run guard setup %s again", matcher, c.Agent, c.Agent)
	}
	for _, ev := range hookSpecs[c.Agent].also {
		if g, _, _ := findGuardHookIn(data, c.Agent, ev.event); g < 0 {
			st.Missing = fmt.Sprintf("guard's hook is not set for %s (%s runs a skill's shell commands with no other hook call): run guard setup %s again", ev.event, c.Agent, c.Agent)
		}
	}
	if v, ok := entry.get("timeout"); ok {
		secs, unit := -1.0, "s"
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				secs = f
			}
		}
		if c.Agent == Gemini {
			secs, unit = secs/1000, "ms"
		}
		if secs < MinHookTimeout {
			st.ShortTimeout = fmt.Sprintf("the hook's timeout is %v (%s): a hook that times out lets the agent run the command, and guard may take up to 10 s; set at least %d s (guard setup %s)", v, unit, MinHookTimeout, c.Agent)
		}
	}
	if c.Agent == Codex {
		key := codexHookKey(c.Path, group)
		want := codexHookHash(matcher, entry)
		state, err := codexHookState(c.CodexConfig, key)
		got, _ := state["trusted_hash"].(string)
		switch {
		case err != nil:
			st.TrustDetail = err.Error()
		case state["enabled"] == false:
			// Codex's /hooks switches a hook off so (measured with 0.171.0:
			// the hook did not run, a write outside did).
			st.TrustDetail = fmt.Sprintf("%s sets enabled = false for %s: Codex runs no guard hook, and every tool call runs unjudged (remove the line, or switch the hook on in codex's /hooks)", c.CodexConfig, key)
		case got == "":
			st.TrustDetail = fmt.Sprintf("no trusted_hash for %s in %s: codex exec skips the hook silently (guard setup codex records it)", key, c.CodexConfig)
		case got != want:
			st.TrustDetail = fmt.Sprintf("the trusted_hash for %s in %s is not the hook's (it changed since it was trusted): codex exec skips it silently", key, c.CodexConfig)
		default:
			st.Trusted = true
		}
	}
	return st
}

// codexTrustedHash reads hooks.state[key].trusted_hash from Codex's
// config.toml; "" when it is not there.
func codexTrustedHash(path, key string) (string, error) {
	state, err := codexHookState(path, key)
	h, _ := state["trusted_hash"].(string)
	return h, err
}

// codexHookState reads the table hooks.state[key] of Codex's config.toml:
// nil when the file or the table is not there.
func codexHookState(path, key string) (map[string]any, error) {
	data, err := safefile.Read(path, maxSettings) // a FIFO is refused, not waited on
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if err := toml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	state, _ := lookupTOML(cfg, "hooks", "state", key).(map[string]any)
	return state, nil
}

func lookupTOML(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// setTrust returns Codex's config.toml text src with the trusted_hash of
// [hooks.state."KEY"] set to hash (or removed, for ""). The text is edited,
// so comments and layout stay; the result is parsed again and must differ
// from src in that one value only, else the error says why.
func setTrust(src, key, hash string) (string, error) {
	var before map[string]any
	if err := toml.Unmarshal([]byte(src), &before); err != nil {
		return "", fmt.Errorf("not TOML guard can edit: %w", err)
	}
	if cur, _ := lookupTOML(before, "hooks", "state", key, "trusted_hash").(string); cur == hash {
		return src, nil
	}
	header := "[hooks.state." + tomlString(key) + "]"
	lines := splitLines(src)
	h := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == header {
			h = i
			break
		}
	}
	value := "trusted_hash = " + tomlString(hash) + "\n"
	switch {
	case h < 0 && hash == "":
		return "", errors.New("the hook's trust is recorded in a form guard does not edit")
	case h < 0:
		if src != "" && !strings.HasSuffix(src, "\n") {
			src += "\n"
		}
		if src != "" {
			src += "\n"
		}
		src += header + "\n" + value
	default:
		end := sectionEnd(lines, h)
		at := -1
		for i := h + 1; i < end; i++ {
			if k, _, ok := strings.Cut(strings.TrimSpace(lines[i]), "="); ok && strings.TrimSpace(k) == "trusted_hash" {
				at = i
			}
		}
		switch {
		case hash == "" && at >= 0:
			lines = append(lines[:at], lines[at+1:]...)
			end--
			if onlyBlank(lines[h+1 : end]) {
				lines = append(lines[:h], lines[end:]...)
			}
		case hash == "":
			return "", errors.New("the hook's trust is recorded in a form guard does not edit")
		case at >= 0:
			lines[at] = value
		default:
			lines = append(lines[:h+1], append([]string{value}, lines[h+1:]...)...)
		}
		src = strings.Join(lines, "")
	}
	var after map[string]any
	if err := toml.Unmarshal([]byte(src), &after); err != nil {
		return "", fmt.Errorf("the edited file would not parse (%v): the hook's trust is recorded in a form guard does not edit", err)
	}
	want := deepCopy(before).(map[string]any)
	state := tomlTable(tomlTable(want, "hooks"), "state")
	entry := tomlTable(state, key)
	if hash == "" {
		delete(entry, "trusted_hash")
	} else {
		entry["trusted_hash"] = hash
	}
	prune(want)
	if !reflect.DeepEqual(want, after) {
		return "", errors.New("the edit would change more than the hook's trusted_hash: the hook's trust is recorded in a form guard does not edit")
	}
	return src, nil
}

// rekeyTrust returns config.toml text src with the trust entries of the
// PreToolUse hooks in the hooks file at hooksPath moved as the hooks moved
// (a handler's key is its position), and those of hooks that went removed.
// Only [hooks.state."KEY"] tables are edited; the result is parsed again and
// must be src with exactly those keys changed.
func rekeyTrust(src, hooksPath string, moved map[pos]pos) (string, error) {
	prefix := hooksPath + ":pre_tool_use:"
	key := func(p pos) string { return fmt.Sprintf("%s%d:%d", prefix, p.group, p.handler) }
	change := map[string]string{} // old key -> new key, "" to remove
	for from, to := range moved {
		if from == to {
			continue
		}
		if to == gone {
			change[key(from)] = ""
		} else {
			change[key(from)] = key(to)
		}
	}
	if len(change) == 0 {
		return src, nil
	}
	var before map[string]any
	if err := toml.Unmarshal([]byte(src), &before); err != nil {
		return "", fmt.Errorf("not TOML guard can edit: %w", err)
	}
	state, _ := lookupTOML(before, "hooks", "state").(map[string]any)
	touched := false
	for k := range change {
		if _, ok := state[k]; ok {
			touched = true
		}
	}
	if !touched {
		return src, nil
	}
	lines := splitLines(src)
	var out []string
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		k, ok := trustHeaderKey(t)
		to, moves := change[k]
		if !ok || !moves {
			out = append(out, lines[i])
			continue
		}
		end := sectionEnd(lines, i)
		if to != "" {
			out = append(out, "[hooks.state."+tomlString(to)+"]\n")
			out = append(out, lines[i+1:end]...)
		}
		i = end - 1
	}
	edited := strings.Join(out, "")
	var after map[string]any
	if err := toml.Unmarshal([]byte(edited), &after); err != nil {
		return "", fmt.Errorf("the edited file would not parse (%v): hook trust is recorded in a form guard does not edit", err)
	}
	want := deepCopy(before).(map[string]any)
	wstate := tomlTable(tomlTable(want, "hooks"), "state")
	moving := map[string]any{}
	for from, to := range change {
		if v, ok := wstate[from]; ok {
			delete(wstate, from)
			if to != "" {
				moving[to] = v
			}
		}
	}
	for k, v := range moving {
		wstate[k] = v
	}
	prune(want)
	if !reflect.DeepEqual(want, after) {
		return "", errors.New("hook trust is recorded in a form guard does not edit")
	}
	return edited, nil
}

// trustHeaderKey returns KEY for a line [hooks.state."KEY"] (a basic string
// with no escapes other than those tomlString writes).
func trustHeaderKey(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, `[hooks.state."`)
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, `"]`)
	if !ok {
		return "", false
	}
	var m map[string]string
	if err := toml.Unmarshal([]byte("k = \""+rest+"\""), &m); err != nil {
		return "", false
	}
	return m["k"], true
}

func splitLines(src string) []string {
	lines := strings.SplitAfter(src, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// sectionEnd is the index of the first table header after line h, or
// len(lines).
func sectionEnd(lines []string, h int) int {
	for i := h + 1; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			return i
		}
	}
	return len(lines)
}

// tomlTable returns m[k] as a table, made when missing.
func tomlTable(m map[string]any, k string) map[string]any {
	t, _ := m[k].(map[string]any)
	if t == nil {
		t = map[string]any{}
		m[k] = t
	}
	return t
}

// prune removes the tables left empty under hooks.state, hooks.state and
// hooks themselves when empty.
func prune(m map[string]any) {
	hooks, _ := m["hooks"].(map[string]any)
	if hooks == nil {
		return
	}
	if state, _ := hooks["state"].(map[string]any); state != nil {
		for k, v := range state {
			if t, ok := v.(map[string]any); ok && len(t) == 0 {
				delete(state, k)
			}
		}
		if len(state) == 0 {
			delete(hooks, "state")
		}
	}
	if len(hooks) == 0 {
		delete(m, "hooks")
	}
}

// editCodexConfig applies edit to the text of Codex's config.toml at path
// (missing: empty) and writes the result, when it differs, atomically with
// the previous content kept as a backup.
func editCodexConfig(path string, hadGuard bool, edit func(string) (string, error)) (changed bool, backup string, err error) {
	real, old, perm, err := readSettings(path)
	if err != nil {
		return false, "", err
	}
	src, err := edit(string(old))
	if err != nil || src == string(old) {
		return false, "", err
	}
	if hadGuard {
		// Taking guard's trust out: the file from before guard's setup,
		// when it differs from the result only by the blank lines around
		// guard's table (and a final newline guard added).
		b, _ := restoreBackup(real, []byte(src), func(b []byte) bool { return nonBlank(string(b)) == nonBlank(src) })
		src = string(b)
	}
	backup, err = writeWithBackup(real, old, []byte(src), perm, hadGuard)
	return err == nil, backup, err
}

// nonBlank is src without its blank lines.
func nonBlank(src string) string {
	var b strings.Builder
	for _, l := range strings.Split(src, "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func onlyBlank(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []map[string]any:
		a := make([]map[string]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e).(map[string]any)
		}
		return a
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// tomlString is s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// unmatched reports whether matcher got leaves some tool out: every matcher
// but "", "*" and ".*" (which the three agents read as every tool) does, a
// list of names written by an older guard setup included, since a tool the
// agent adds later would not reach guard.
func unmatched(got string) bool {
	switch strings.TrimSpace(got) {
	case "", AllTools, ".*":
		return false
	}
	return true
}
