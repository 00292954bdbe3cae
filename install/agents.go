package install

// Agent hook settings (guard setup). Limits: a settings file is read,
// edited and renamed into place with no lock, so an agent writing the same
// file at that moment loses its change or guard's (Claude Code, Codex and
// Gemini CLI write these files only when the user changes a setting through
// them); settings with comments (JSONC) are refused, not edited; Codex
// trust written in another form than [hooks.state."KEY"] tables is not
// moved along with its hook (guard says so); a guard that hangs until the agent's hook timeout is not caught by
// the fail-closed command (the agents run the command on a timeout).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"guard/internal/hook"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"guard/internal/config"
	"guard/internal/safefile"
)

// Agents whose hook configuration guard writes: the names `guard hook` takes.
const (
	ClaudeCode = "claude-code"
	Codex      = "codex"
	Gemini     = "gemini"
)

// Agents lists the agent names [SetupHook] knows, in a fixed order.
var Agents = []string{ClaudeCode, Codex, Gemini}

// hookSpec is how one agent configures a pre-tool hook.
type hookSpec struct {
	event   string // the key under "hooks"
	matcher string // the tools guard's hook sees
	timeout int    // in the agent's unit: seconds, or milliseconds for Gemini CLI
	named   bool   // Gemini CLI names its hooks
	// also are more events guard's hook answers, each with its matcher.
	also []hookEvent
}

// hookEvent is one more hook event guard's hook is set up for.
type hookEvent struct{ event, matcher string }

// The matchers take every tool: guard's hook judges the shell, file, skill
// and subagent tools, answers "no objection" for the ones it knows to run
// nothing and touch no file (and MCP tools), and asks for every other one,
// so a tool an agent adds in a later version fails closed, not open. A
// matcher costs one hook call and never allows anything by itself.
var hookSpecs = map[string]hookSpec{
	// Claude Code runs the shell commands of a skill or custom command
	// (!`cmd`) when the skill loads, with no PreToolUse call: its
	// PreSkillShellCommand event (2.1.332) is matched on the shell's name.
	ClaudeCode: {event: "PreToolUse", matcher: AllTools, timeout: 30,
		also: []hookEvent{{"PreSkillShellCommand", "Bash|PowerShell"}}},
	Codex:  {event: "PreToolUse", matcher: AllTools, timeout: 30},
	Gemini: {event: "BeforeTool", timeout: 30000, named: true, matcher: AllTools},
}

// AllTools is the matcher that takes every tool, in the three agents' hook
// settings (Claude Code, Codex and Gemini CLI read "*" so).
const AllTools = "*"

// HookMatcher returns the matcher guard setup writes for agent (AllTools).
func HookMatcher(agent string) string { return hookSpecs[agent].matcher }

// ErrUnknownAgent is returned for an agent name guard has no hook setup for.
var ErrUnknownAgent = errors.New("unknown agent (want claude-code, codex or gemini)")

// HookConfig says where one agent's hook configuration lives.
type HookConfig struct {
	Agent string
	// Path is the settings file that holds the hook: Claude Code's and
	// Gemini CLI's settings.json, Codex's hooks.json.
	Path string
	// Project is the project directory for a project's settings, "" for the
	// user's.
	Project string
	// CodexConfig is Codex's config.toml, where hooks are marked trusted
	// (Codex only).
	CodexConfig string
}

// HookConfigFor returns where agent keeps its hook configuration: the
// user's settings, or with project (an absolute directory) that project's.
//
//	claude-code  $CLAUDE_CONFIG_DIR/settings.json (~/.claude)   PROJECT/.claude/settings.json
//	codex        $CODEX_HOME/hooks.json (~/.codex)              PROJECT/.codex/hooks.json
//	gemini       $GEMINI_CLI_HOME/.gemini/settings.json (~)     PROJECT/.gemini/settings.json
//
// Codex's trust lives in $CODEX_HOME/config.toml in both cases.
func HookConfigFor(agent, project string, getenv func(string) string) (HookConfig, error) {
	if _, ok := hookSpecs[agent]; !ok {
		return HookConfig{}, fmt.Errorf("%q: %w", agent, ErrUnknownAgent)
	}
	if project != "" && !filepath.IsAbs(project) {
		return HookConfig{}, fmt.Errorf("project directory %q is not absolute", project)
	}
	project = filepath.Clean(project)
	home := getenv("HOME")
	dir := func(env, def string) (string, error) {
		if d := getenv(env); d != "" {
			if !filepath.IsAbs(d) {
				return "", fmt.Errorf("%s=%q is not an absolute path", env, d)
			}
			return filepath.Clean(d), nil
		}
		if !filepath.IsAbs(home) {
			return "", fmt.Errorf("neither %s nor HOME is an absolute path", env)
		}
		return filepath.Join(home, def), nil
	}
	c := HookConfig{Agent: agent}
	if project != "." {
		c.Project = project
	}
	var err error
	switch agent {
	case ClaudeCode:
		if c.Project != "" {
			c.Path = filepath.Join(c.Project, ".claude", "settings.json")
		} else {
			var d string
			d, err = dir("CLAUDE_CONFIG_DIR", ".claude")
			c.Path = filepath.Join(d, "settings.json")
		}
	case Codex:
		var d string
		d, err = dir("CODEX_HOME", ".codex")
		c.CodexConfig = filepath.Join(d, "config.toml")
		if c.Project != "" {
			c.Path = filepath.Join(c.Project, ".codex", "hooks.json")
		} else {
			c.Path = filepath.Join(d, "hooks.json")
		}
	case Gemini:
		if c.Project != "" {
			c.Path = filepath.Join(c.Project, ".gemini", "settings.json")
		} else {
			var d string
			d, err = dir("GEMINI_CLI_HOME", "")
			c.Path = filepath.Join(d, ".gemini", "settings.json")
		}
	}
	if err != nil {
		return HookConfig{}, fmt.Errorf("%s settings: %w", agent, err)
	}
	return c, nil
}

// HookCommand is the hook's shell command for agent, running the guard
// binary at guardPath:
//
//	'/abs/guard' hook AGENT || { echo "guard hook failed (exit $?): ..." >&2; exit 2; }
//
// It fails closed: when guard is missing, cannot run, crashes or exits
// non-zero, the command exits 2 with the reason on stderr, which Claude Code,
// Codex and Gemini CLI all read as a block. (A plain `guard hook AGENT` that
// is not found exits 127, and Claude Code and Codex then run the command.)
func HookCommand(agent, guardPath string) string {
	return shellQuote(guardPath) + " hook " + agent + failClosed
}

// failClosed follows `guard hook AGENT` in [HookCommand].
const failClosed = ` || { echo "guard hook failed (exit $?): guard did not answer, so the tool call is blocked" >&2; exit 2; }`

// shellQuote single-quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// hookEntry is guard's hook handler for agent.
func hookEntry(agent, guardPath string) *object {
	spec := hookSpecs[agent]
	e := newObject()
	if spec.named {
		e.set("name", "guard")
	}
	e.set("type", "command")
	e.set("command", HookCommand(agent, guardPath))
	e.set("timeout", json.Number(fmt.Sprint(spec.timeout)))
	return e
}

// guardHookPath returns the guard binary a hook command runs and whether the
// command is guard's hook for agent: its first word (quoted or not) names a
// file whose name starts with guard (guard, guard-full, guard-1.2), or the
// command ends as [HookCommand]'s does, and the next words are `hook AGENT`.
func guardHookPath(command, agent string) (string, bool) {
	s := strings.TrimSpace(command)
	var prog string
	switch {
	case strings.HasPrefix(s, "'"):
		end := strings.Index(s[1:], "'")
		if end < 0 {
			return "", false
		}
		prog, s = s[1:1+end], s[2+end:]
		// A quoted path with a ' in it continues as '\''...'.
		for strings.HasPrefix(s, `\''`) {
			rest := s[3:]
			end := strings.Index(rest, "'")
			if end < 0 {
				return "", false
			}
			prog += "'" + rest[:end]
			s = rest[end+1:]
		}
	case strings.HasPrefix(s, `"`):
		end := strings.Index(s[1:], `"`)
		if end < 0 {
			return "", false
		}
		prog, s = s[1:1+end], s[2+end:]
	default:
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			return "", false
		}
		prog, s = s[:end], s[end:]
	}
	// guard's name, or any name in a command guard setup wrote.
	if !strings.HasPrefix(filepath.Base(prog), "guard") && !strings.HasSuffix(command, failClosed) {
		return "", false
	}
	f := strings.Fields(s)
	if len(f) < 2 || f[0] != "hook" || strings.TrimRight(f[1], ";|&") != agent {
		return "", false
	}
	return prog, true
}

// isGuardHook reports whether a hook handler (an element of a matcher
// group's "hooks") is guard's hook for agent.
func isGuardHook(h any, agent string) bool {
	o, ok := h.(*object)
	if !ok {
		return false
	}
	c, _ := o.get("command")
	cmd, ok := c.(string)
	if !ok {
		return false
	}
	_, ok = guardHookPath(cmd, agent)
	return ok
}

// pos is a hook handler's place: its matcher group and its index there
// (Codex keys a hook's trust on it).
type pos struct{ group, handler int }

// gone marks a handler that was taken out.
var gone = pos{-1, -1}

// editHooks takes guard's handlers for c.Agent out of doc's hooks and, with a
// non-nil entry, puts one matcher group holding entry in: where guard's own
// group was (so the positions of the user's other hooks stay as they were),
// else at the end. It returns the group's index (-1 when removing) and where
// every handler that was there before went (gone for guard's).
func editHooks(doc *object, agent string, entry *object) (int, map[pos]pos, error) {
	spec := hookSpecs[agent]
	at, moved, err := editEvent(doc, agent, hookEvent{spec.event, spec.matcher}, entry)
	for _, ev := range spec.also {
		if err == nil {
			_, _, err = editEvent(doc, agent, ev, entry)
		}
	}
	return at, moved, err
}

// editEvent is editHooks for one event.
func editEvent(doc *object, agent string, spec hookEvent, entry *object) (int, map[pos]pos, error) {
	moved := map[pos]pos{}
	hv, ok := doc.get("hooks")
	if !ok {
		if entry == nil {
			return -1, moved, nil
		}
		hv = newObject()
		doc.set("hooks", hv)
	}
	hooks, ok := hv.(*object)
	if !ok {
		return -1, nil, errors.New(`"hooks" is not a JSON object`)
	}
	ev, ok := hooks.get(spec.event)
	if !ok {
		ev = []any{}
	}
	groups, ok := ev.([]any)
	if !ok {
		return -1, nil, fmt.Errorf(`"hooks.%s" is not a JSON array`, spec.event)
	}
	out := []any{}
	at := -1
	for gi, g := range groups {
		gobj, ok := g.(*object)
		if !ok {
			out = append(out, g)
			continue
		}
		hl, _ := gobj.get("hooks")
		handlers, ok := hl.([]any)
		if !ok {
			out = append(out, g)
			continue
		}
		kept := []any{}
		for hi, h := range handlers {
			if isGuardHook(h, agent) {
				moved[pos{gi, hi}] = gone
				continue
			}
			moved[pos{gi, hi}] = pos{len(out), len(kept)}
			kept = append(kept, h)
		}
		switch {
		case len(kept) == len(handlers):
			out = append(out, g)
		case len(kept) > 0:
			gobj.set("hooks", kept)
			out = append(out, g)
		case at < 0:
			// guard's own group: keep its place for the new one.
			at = len(out)
			out = append(out, nil)
		}
	}
	if entry == nil {
		if at >= 0 {
			out = append(out[:at], out[at+1:]...)
			for k, p := range moved {
				if p.group > at {
					moved[k] = pos{p.group - 1, p.handler}
				}
			}
		}
		at = -1
	} else {
		g := newObject()
		g.set("matcher", spec.matcher)
		g.set("hooks", []any{entry})
		if at < 0 {
			at = len(out)
			out = append(out, g)
		} else {
			out[at] = g
		}
	}
	if len(out) == 0 {
		hooks.del(spec.event)
	} else {
		hooks.set(spec.event, out)
	}
	if len(hooks.keys) == 0 {
		doc.del("hooks")
	}
	return at, moved, nil
}

// SetupReport says what SetupHook or RemoveHook did.
type SetupReport struct {
	Path    string // the settings file
	Changed bool   // the settings file was written
	Backup  string // where its previous content was kept, when it was replaced
	// Restored: a remove wrote back the bytes the file had before guard's
	// hook went in (kept in the backup), as nothing else had changed.
	Restored bool

	// Codex only.
	TrustKey     string // the hook's key in config.toml's [hooks.state]
	TrustHash    string // the hash Codex computes for guard's hook
	TrustChanged bool   // config.toml was written
	TrustBackup  string
	// TrustStep is the one thing the user must do for Codex to run the hook,
	// when guard could not record the trust itself; "" when it did.
	TrustStep string
}

// SetupHook writes guard's hook for c.Agent into c.Path, running the guard
// binary at guardPath (absolute): merged into what is there, other keys and
// their order kept, guard's earlier entries replaced. The file is written
// only when it changes, under a temporary name renamed into place, and the
// content it had before guard's hook went in is kept in PATH.guard-backup
// (a later setup, guard's hook already there, leaves that backup as it is).
// A file that is not a JSON object, that holds text the re-encoding would
// change (not UTF-8, half a surrogate pair), or a symbolic link that leads
// nowhere is an error and nothing is written. For Codex it also records the
// hook as trusted in c.CodexConfig (see [SetupReport.TrustStep]).
func SetupHook(c HookConfig, guardPath string) (SetupReport, error) {
	if !filepath.IsAbs(guardPath) {
		return SetupReport{}, fmt.Errorf("guard's path %q is not absolute", guardPath)
	}
	if !utf8.ValidString(guardPath) {
		// JSON holds UTF-8 only: the hook would run another path.
		return SetupReport{}, fmt.Errorf("guard's path %q is not UTF-8, which the agent's JSON settings cannot hold; install guard at another path (make install)", guardPath)
	}
	return editSettings(c, hookEntry(c.Agent, guardPath))
}

// RemoveHook takes guard's hook for c.Agent out of c.Path, and for Codex its
// trust entry out of c.CodexConfig, leaving everything else as it was. When
// nothing else changed since guard setup, each file gets back the bytes it
// had before (its backup), layout and escapes included.
func RemoveHook(c HookConfig) (SetupReport, error) {
	return editSettings(c, nil)
}

func editSettings(c HookConfig, entry *object) (SetupReport, error) {
	rep := SetupReport{Path: c.Path}
	if _, ok := hookSpecs[c.Agent]; !ok {
		return rep, fmt.Errorf("%q: %w", c.Agent, ErrUnknownAgent)
	}
	path, old, perm, err := readSettings(c.Path)
	if err != nil {
		return rep, err
	}
	if c.Project != "" {
		// The project's files are the agent's: a link there (committed
		// in a repository) must not lead guard to edit a file elsewhere.
		if err := withinProject(c.Project, path); err != nil {
			return rep, err
		}
	}
	if old == nil && c.Project != "" {
		perm = 0o644 // a project's settings are shared, often committed
	}
	if err := keepsText(old); err != nil {
		return rep, fmt.Errorf("%s: %w; fix or move it, then run guard setup again", c.Path, err)
	}
	doc, err := parseObject(old)
	if err != nil {
		if _, jsonc := parseObject(hook.StripJSONComments(old)); jsonc == nil {
			// Valid to Gemini CLI, which reads JSON with comments: "not
			// JSON" sent the user looking for an error that is not there.
			return rep, fmt.Errorf("%s has comments (JSON with comments, which Gemini CLI reads); guard setup edits plain JSON only and would drop them: take the comments out (keep a copy), then run guard setup again", c.Path)
		}
		return rep, fmt.Errorf("%s: %w; fix or move it, then run guard setup again", c.Path, err)
	}
	// guard's hook already there: the backup keeps the file as it was
	// before guard's hook went in, so that --remove can give it back.
	hadGuard := installedIn(old, c.Agent)
	at, moved, err := editHooks(doc, c.Agent, entry)
	if err == nil && c.Agent == Gemini {
		err = editGeminiExcludedEnv(doc, entry != nil)
	}
	if err != nil {
		return rep, fmt.Errorf("%s: %w; nothing was written", c.Path, err)
	}
	data := encode(doc)
	if old == nil && entry == nil {
		data = nil // nothing there, nothing to remove
	}
	if c.Agent == Codex && entry == nil {
		// --remove takes guard's trust entry out of Codex's config.toml
		// with the hook: a config.toml guard cannot edit stopped it after
		// hooks.json had changed, a half-done removal reported as failed.
		_, src, _, err := readSettings(c.CodexConfig)
		if err == nil {
			_, err = rekeyTrust(string(src), c.Path, moved)
		}
		if err != nil {
			return rep, fmt.Errorf("%s: %w; fix it, then run guard setup codex --remove again (nothing was changed)", c.CodexConfig, err)
		}
	}
	if data != nil && !bytes.Equal(normalizeJSON(old), normalizeJSON(data)) {
		if entry == nil {
			data, rep.Restored = restoreBackup(path, data, func(b []byte) bool { return bytes.Equal(normalizeJSON(b), data) })
		}
		rep.Backup, err = writeWithBackup(path, old, data, perm, hadGuard)
		if err != nil {
			return rep, err
		}
		rep.Changed = true
	}
	if c.Agent != Codex {
		return rep, nil
	}
	// The trust of every hook that moved (or went) follows it, so the
	// user's other hooks stay trusted; then guard's own.
	if entry != nil {
		rep.TrustKey = codexHookKey(c.Path, at)
		rep.TrustHash = codexHookHash(hookSpecs[Codex].matcher, entry)
		if moved[pos{at, 0}] == gone {
			// guard's hook replaced in place: same key, new hash below.
			delete(moved, pos{at, 0})
		}
	}
	var trustErr error
	rep.TrustChanged, rep.TrustBackup, err = editCodexConfig(c.CodexConfig, hadGuard, func(src string) (string, error) {
		rekeyed, err := rekeyTrust(src, c.Path, moved)
		if err != nil {
			err = fmt.Errorf("%w; the trust of the other hooks in %s must be given again (/hooks in codex)", err, c.Path)
			if entry == nil {
				return "", err
			}
			trustErr = err
			return src, nil
		}
		src = rekeyed
		if entry == nil {
			return src, nil
		}
		out, err := setTrust(src, rep.TrustKey, rep.TrustHash)
		if err != nil {
			trustErr = err
			return src, nil
		}
		return out, nil
	})
	if err != nil {
		return rep, fmt.Errorf("%s: %w", c.CodexConfig, err)
	}
	if trustErr != nil {
		rep.TrustStep = fmt.Sprintf("guard could not record the trust (%v): add these two lines to %s, or run codex and trust the hook with /hooks:\n\n    [hooks.state.%s]\n    trusted_hash = %s\n",
			trustErr, c.CodexConfig, tomlString(rep.TrustKey), tomlString(rep.TrustHash))
	}
	if c.Project != "" {
		rep.TrustStep += fmt.Sprintf("Codex loads %s only in a trusted project: trust %s when Codex asks, or set [projects.%s] trust_level = \"trusted\" in %s.\n",
			c.Path, c.Project, tomlString(c.Project), c.CodexConfig)
	}
	return rep, nil
}

// geminiExcludedEnv are the variables guard setup adds to Gemini CLI's
// advanced.excludedEnvVars, which Gemini CLI leaves out when it loads a
// project's .env (not its .gemini/.env): the ones it acts on itself before
// any tool call, and so before any hook (hook.GeminiOwnVars: a .env's
// GEMINI_SYSTEM_MD sent the file it names to the model as the system
// prompt), and Gemini CLI's own defaults, which a list in the settings
// replaces. The list merges as a union across settings layers: a project
// cannot take an entry out.
func geminiExcludedEnv() []string {
	return append([]string{"DEBUG", "DEBUG_MODE"}, hook.GeminiOwnVars()...)
}

// editGeminiExcludedEnv adds geminiExcludedEnv's names missing from doc's
// advanced.excludedEnvVars (add), or takes them out, with the list and
// "advanced" when that leaves them empty (guard setup --remove). The user's
// other entries stay, in their order.
func editGeminiExcludedEnv(doc *object, add bool) error {
	av, ok := doc.get("advanced")
	if !ok {
		if !add {
			return nil
		}
		av = newObject()
		doc.set("advanced", av)
	}
	adv, ok := av.(*object)
	if !ok {
		return errors.New(`"advanced" is not a JSON object`)
	}
	lv, ok := adv.get("excludedEnvVars")
	if !ok {
		lv = []any{}
	}
	list, ok := lv.([]any)
	if !ok {
		return errors.New(`"advanced.excludedEnvVars" is not a JSON array`)
	}
	names := geminiExcludedEnv()
	if add {
		for _, n := range names {
			if !slices.Contains(list, any(n)) {
				list = append(list, n)
			}
		}
	} else {
		list = slices.DeleteFunc(list, func(v any) bool { s, ok := v.(string); return ok && slices.Contains(names, s) })
	}
	switch {
	case len(list) > 0:
		adv.set("excludedEnvVars", list)
	default:
		adv.del("excludedEnvVars")
		if len(adv.keys) == 0 {
			doc.del("advanced")
		}
	}
	return nil
}

// normalizeJSON is the text compared to tell whether a settings file
// changes: its re-encoding when it parses, else the bytes.
func normalizeJSON(b []byte) []byte {
	if b == nil {
		return nil
	}
	if o, err := parseObject(b); err == nil {
		return encode(o)
	}
	return b
}

// readSettings reads the settings file at path, following a symlink to its
// target (a dotfiles checkout stays a symlink). A missing file is nil data;
// perm is the mode to write with.
func readSettings(path string) (string, []byte, fs.FileMode, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	} else if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// A link that leads nowhere (a dotfiles checkout not there yet):
		// writing would replace the link with a file.
		dest, _ := os.Readlink(path)
		return path, nil, 0, fmt.Errorf("%s is a symbolic link to %s, which cannot be followed (%w); guard setup does not replace a link: fix it or remove it, then run guard setup again", path, dest, errors.Unwrap(err))
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil, 0o600, nil
	}
	if err != nil {
		return path, nil, 0, err
	}
	data, err := safefile.ReadNoFollow(path, maxSettings) // path is resolved; no /dev/null exception
	if err != nil {
		return path, nil, 0, err
	}
	return path, data, fi.Mode().Perm(), nil
}

// withinProject returns an error when path, with its links followed as far
// as it exists, is not inside the project directory (itself resolved).
func withinProject(project, path string) error {
	root, err := filepath.EvalSymlinks(project)
	if err != nil {
		return err
	}
	real, rest := path, ""
	for {
		if r, err := filepath.EvalSymlinks(real); err == nil {
			real = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(real)
		if parent == real {
			real = path
			break
		}
		rest = filepath.Join(filepath.Base(real), rest)
		real = parent
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return fmt.Errorf("%s leads out of the project, to %s (a symbolic link in the project); guard setup --project edits files inside the project only: remove the link, or run guard setup without --project for your own settings", path, real)
	}
	return nil
}

// restoreBackup returns the backup's bytes in place of data when same says
// they hold what data holds (a remove that takes out exactly what setup put
// in, nothing else changed since), so that the file comes back byte for
// byte: its layout, escapes and line ends. Else it returns data.
func restoreBackup(path string, data []byte, same func(backup []byte) bool) ([]byte, bool) {
	b, err := safefile.ReadNoFollow(path+BackupSuffix, maxSettings)
	if err != nil || !same(b) {
		return data, false
	}
	return b, true
}

// installedIn reports whether the settings data hold guard's hook for agent.
func installedIn(data []byte, agent string) bool {
	g, _, _ := findGuardHook(data, agent)
	return g >= 0
}

// keepsText returns an error when JSON text holds what guard's re-encoding
// would change rather than keep: bytes that are not UTF-8, or a \u escape of
// half a surrogate pair (both read as U+FFFD). Outside strings valid JSON has
// no backslash, so every backslash starts an escape.
func keepsText(src []byte) error {
	if !utf8.Valid(src) {
		return errors.New("holds bytes that are not UTF-8, which guard would change; nothing was written")
	}
	hex := func(i int) rune {
		if i+6 > len(src) || src[i] != '\\' || src[i+1] != 'u' {
			return -1
		}
		v, err := strconv.ParseUint(string(src[i+2:i+6]), 16, 16)
		if err != nil {
			return -1
		}
		return rune(v)
	}
	for i := 0; i < len(src); i++ {
		if src[i] != '\\' {
			continue
		}
		r := hex(i)
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if lo := hex(i + 6); lo < 0xdc00 || lo > 0xdfff {
				return fmt.Errorf("holds %s, half a UTF-16 surrogate pair, which guard would change; nothing was written", src[i:i+6])
			}
			i += 11
		case r >= 0xdc00 && r <= 0xdfff:
			return fmt.Errorf("holds %s, half a UTF-16 surrogate pair, which guard would change; nothing was written", src[i:i+6])
		default:
			i++ // the escaped character
		}
	}
	return nil
}

// maxSettings bounds an agent's settings file.
const maxSettings = 16 << 20

// BackupSuffix is appended to a settings file's name for the copy of its
// previous content.
const BackupSuffix = ".guard-backup"

// writeWithBackup keeps old (if any) in path+BackupSuffix, then replaces path
// with data, both atomically. It returns the backup's path, "" when it kept
// none. With keep, a backup already there stays as it is: old holds guard's
// hook, and the backup the file from before it went in.
func writeWithBackup(path string, old, data []byte, perm fs.FileMode, keep bool) (string, error) {
	backup := ""
	if keep {
		if fi, err := os.Lstat(path + BackupSuffix); err == nil && fi.Mode().IsRegular() {
			old = nil
		}
	}
	if old != nil {
		backup = path + BackupSuffix
		if err := writeAtomic(backup, old, perm); err != nil {
			return "", fmt.Errorf("keep a backup of %s: %w", path, err)
		}
	}
	if err := writeAtomic(path, data, perm); err != nil {
		return "", err
	}
	return backup, nil
}

// writeAtomic writes data to path under a temporary name in the same
// directory, synced, then renamed over path. A missing directory is made,
// mode 0700 for a file only its owner may read (agents' config dirs hold
// credentials), else 0755. Run as root in another user's place (sudo -E
// guard setup), the file and the directories made belong to that user, as
// the file there did: root-owned, the agent run by that user could no
// longer read its own settings.
//
// A file with other hard links is written in place (config.WriteLinked),
// keeping them.
func writeAtomic(path string, data []byte, perm fs.FileMode) error {
	if done, err := config.WriteLinked(path, data); done || err != nil {
		return err
	}
	dir := filepath.Dir(path)
	dirPerm := fs.FileMode(0o755)
	if perm&0o077 == 0 {
		dirPerm = 0o700
	}
	uid, gid, chown := config.Owner(path)
	if err := config.MkdirAll(dir, dirPerm); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".guard-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err // an *fs.PathError naming tmp
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if chown {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// codexHookKey is the key Codex gives the first handler of group i under
// PreToolUse in the hooks file at path (its position: Codex has no hook ids).
func codexHookKey(path string, group int) string {
	return fmt.Sprintf("%s:pre_tool_use:%d:0", path, group)
}

// codexHookHash is the hash Codex 0.169 computes for a command hook to
// decide whether it is trusted: SHA-256 of the compact JSON, keys sorted, of
// {event_name, matcher, hooks: [the handler with timeout (default 600) and
// async (default false) filled in]}, fields that are unset left out. Checked
// against `codex app-server`'s hooks/list in the agent tests.
func codexHookHash(matcher string, entry *object) string {
	h := map[string]any{"type": "command", "async": false, "timeout": json.Number("600")}
	for _, k := range []string{"command", "async", "statusMessage"} {
		if v, ok := entry.get(k); ok && v != nil {
			h[k] = v
		}
	}
	if v, ok := entry.get("timeout"); ok {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				h["timeout"] = json.Number(fmt.Sprint(max(i, 1)))
			}
		}
	}
	id := map[string]any{"event_name": "pre_tool_use", "hooks": []any{h}}
	if matcher != "" {
		id["matcher"] = matcher
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(id) // strings, numbers and bools always encode
	sum := sha256.Sum256(bytes.TrimRight(buf.Bytes(), "\n"))
	return "sha256:" + hex.EncodeToString(sum[:])
}
