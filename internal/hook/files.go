package hook

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"guard/policy"
)

// fileTool is how one of an agent's file tools names what it writes or
// reads.
type fileTool struct {
	edit bool
	// echoes: an edit tool that answers the model with lines of the file
	// it changed, as they were (see Request.Echoes).
	echoes bool
	// names: the tool lists file names, it does not read the files.
	names bool
	// paths are tool_input keys holding one path each; the first present
	// counts (a key renamed between versions is listed in order).
	paths []string
	// required: a request without any of the paths keys is malformed.
	required bool
	// lists are keys holding an array of paths or patterns.
	lists []string
	// items are keys holding an array of input items (objects), the
	// files whose "path" the agent reads into a model's context: Codex's
	// local_image, local_audio and skill items (a URI, app://x or
	// plugin://x, names no file). A request whose items name no file
	// reads none: the tool is then one of tools.go's kinds.
	items []string
	// patterns are keys holding a glob or file pattern, read relative to
	// the path (or the working directory).
	patterns []string
	// patch: the tool input is a Codex patch, in one of these keys.
	patch []string
	// search are keys holding the pattern a search tool looks for.
	search []string
	// tree: the tool reads every file below a directory it is given, as
	// the Tree field of Request says.
	tree *policy.TreeRead
	// globTree, when set, is how the tool walks the tree when one of the
	// patterns keys is given: the tool passes it to rg as --glob, and a
	// file a positive --glob matches is searched even when it is hidden or
	// .gitignore names it (rg: globs override every other ignore rule).
	globTree *policy.TreeRead
	// globList: the patterns key holds several globs, as Claude Code's
	// Grep splits its glob (see rgGlobs).
	globList bool
	// modeKey, when set, is the key of the tool's output mode: the search
	// and the tree count only when it is "content" (Claude Code's Grep
	// prints file names by default, files_with_matches, or counts).
	modeKey string
	// noIgnore are the tool's switches that make it read the files
	// .gitignore names too: a key (a dotted path into an object) and the
	// value that does so (Gemini CLI's grep_search no_ignore: true runs rg
	// --no-ignore).
	noIgnore []ignoreSwitch
}

// ignoreSwitch is a boolean tool input that turns a tree tool's .gitignore
// off when it holds value.
type ignoreSwitch struct {
	key   string
	value bool
}

// namedTool is one of an agent's edit and read tools, by its tool_name.
type namedTool struct {
	name string
	fileTool
}

// toolsOf returns agent a's edit and read tools.
func toolsOf(a Agent) []namedTool {
	if _, ok := spec(a); !ok {
		return nil
	}
	return fileTools[a]
}

// fileTools are the edit and read tools guard judges, by agent and
// tool_name (static data, read on every hook). Every other tool is one of
// tools.go's kinds.
var fileTools = [...][]namedTool{
	ClaudeCode: {
		{"Write", fileTool{edit: true, paths: []string{"file_path"}, required: true}},
		{"Edit", fileTool{edit: true, paths: []string{"file_path"}, required: true}},
		{"MultiEdit", fileTool{edit: true, paths: []string{"file_path"}, required: true}},
		{"NotebookEdit", fileTool{edit: true, paths: []string{"notebook_path"}, required: true}},
		{"Read", fileTool{paths: []string{"file_path"}, required: true}},
		// Grep runs rg --hidden with .git left out; it respects .gitignore.
		{"Grep", fileTool{paths: []string{"path"}, patterns: []string{"glob"}, search: []string{"pattern"},
			tree: &policy.TreeRead{Hidden: true, GitIgnore: true, SkipVCS: true}, modeKey: "output_mode",
			globTree: &policy.TreeRead{Hidden: true, SkipVCS: true}, globList: true}},
		{"Glob", fileTool{names: true, paths: []string{"path"}, patterns: []string{"pattern"}}},
	},
	Codex: {
		// Codex sends its patch tool as apply_patch, with the patch in
		// tool_input.command; hooks configured for Write or Edit get it
		// too, under those names.
		{"apply_patch", fileTool{edit: true, patch: []string{"command", "input", "patch"}}},
		{"Write", fileTool{edit: true, patch: []string{"command", "input", "patch"}}},
		{"Edit", fileTool{edit: true, patch: []string{"command", "input", "patch"}}},
		// view_image reads an image file into the model's context (0.171:
		// a file that is no image is refused by Codex, after the hook).
		{"view_image", fileTool{paths: []string{"path"}, required: true}},
		// A subagent's first message, and each one sent to it later, may
		// hold items that name files: Codex 0.171.0 read a local_image
		// item's file and sent it to the subagent's model.
		{"spawn_agent", fileTool{items: []string{"items"}}},
		{"send_input", fileTool{items: []string{"items"}}},
		{"followup_task", fileTool{items: []string{"items"}}},
	},
	Gemini: {
		{"write_file", fileTool{edit: true, paths: []string{"file_path"}, required: true}},
		// replace answers "Here is the updated code:" with five lines of
		// the file each side of the change (getDiffContextSnippet), and a
		// change of every line (old_string "\n", allow_multiple) the whole
		// file; Gemini CLI asks for no read before it. Claude Code's Edit
		// answers with a snippet too, but only after a Read of the file.
		{"replace", fileTool{edit: true, echoes: true, paths: []string{"file_path"}, required: true}},
		{"read_file", fileTool{paths: []string{"file_path", "absolute_path"}, required: true}},
		{"read_many_files", fileTool{lists: []string{"include", "paths"}, tree: &policy.TreeRead{Hidden: true, GitIgnore: true, SkipVCS: true},
			noIgnore: []ignoreSwitch{{"no_ignore", true}, {"respect_git_ignore", false}, {"file_filtering_options.respect_git_ignore", false}}}},
		{"glob", fileTool{names: true, paths: []string{"dir_path", "path"}, patterns: []string{"pattern"}}},
		// list_directory lists names; it is judged for the memory file
		// (GEMINI.md) Gemini CLI loads from the directory it lists.
		{"list_directory", fileTool{names: true, paths: []string{"dir_path", "path"}}},
		// grep_search since 0.x; search_file_content is its older name.
		// grep_search runs rg without --hidden; search_file_content may run
		// git grep or grep -r, which read hidden and ignored files.
		// Its include_pattern is rg's --glob: hidden files and .git match it
		// (with include_pattern "*" the real Gemini CLI sent a .env's key to
		// the model); Gemini CLI drops the .gitignored results itself.
		{"grep_search", fileTool{paths: []string{"dir_path", "path"}, patterns: []string{"include_pattern", "include"},
			search: []string{"pattern"}, tree: &policy.TreeRead{GitIgnore: true, SkipVCS: true},
			globTree: &policy.TreeRead{Hidden: true, GitIgnore: true},
			noIgnore: []ignoreSwitch{{"no_ignore", true}, {"respect_git_ignore", false}, {"file_filtering_options.respect_git_ignore", false}}}},
		{"search_file_content", fileTool{paths: []string{"dir_path", "path"}, patterns: []string{"include_pattern", "include"},
			search: []string{"pattern"}, tree: &policy.TreeRead{Hidden: true, SkipVCS: true}}},
	},
}

// EditTools returns the tool names of agent a that guard judges as edits
// and as reads, for the agent's hook matcher.
func EditTools(a Agent) (edits, reads []string) {
	for _, t := range toolsOf(a) {
		if t.edit {
			edits = append(edits, t.name)
		} else {
			reads = append(reads, t.name)
		}
	}
	slices.Sort(edits)
	slices.Sort(reads)
	return edits, reads
}

// decodeFiles fills the Edit, Read, Paths and Patch fields of req when its
// tool is one of the agent's edit or read tools. A relative path is joined
// onto req.Cwd when that is absolute (else left for the caller to resolve).
func decodeFiles(req *Request) error {
	t, ok := fileTool{}, false
	for _, nt := range toolsOf(req.Agent) {
		if nt.name == req.Tool {
			t, ok = nt.fileTool, true
			break
		}
	}
	if !ok {
		return nil
	}
	req.Edit, req.Read, req.Names, req.Tree, req.Echoes = t.edit, !t.edit, t.names, t.tree, t.echoes
	if req.Tree != nil {
		off, err := ignoreOff(req.Input, t.noIgnore)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrMalformed, req.Tool, err)
		}
		if off {
			tr := *req.Tree
			tr.GitIgnore = false
			req.Tree = &tr
		}
	}
	if t.modeKey != "" {
		mode, err := stringField(req.Input, t.modeKey)
		if err != nil {
			return err
		}
		if mode != "content" {
			t.search, req.Tree = nil, nil // names or counts: no line of a file is printed
		}
	}
	search, err := oneOf(req, t.search)
	if err != nil {
		return err
	}
	req.Search = search
	if len(t.patch) > 0 {
		s, err := oneOf(req, t.patch)
		if err != nil {
			return err
		}
		if s == "" {
			return fmt.Errorf("%w: %s has no patch in tool_input.command", ErrMalformed, req.Tool)
		}
		req.Patch = s
		return nil
	}
	base, legacy, err := oneOfKey(req, t.paths)
	if err != nil {
		return err
	}
	if base == "" && t.required {
		return fmt.Errorf("%w: %s has no tool_input.%s", ErrMalformed, req.Tool, t.paths[0])
	}
	// bases are the directories the tool may read from: a path given only
	// under an older key's name is read by the versions that know that
	// name, and ignored by the current ones, which then read the working
	// directory (""): both are judged.
	bases := []string{base}
	if legacy && !t.required {
		bases = append(bases, "")
	}
	for _, b := range bases {
		if b != "" {
			req.Paths = append(req.Paths, b)
		}
	}
	s, legacyPattern, err := oneOfKey(req, t.patterns)
	if err != nil {
		return err
	}
	globs := []string{s}
	if s != "" && t.globTree != nil {
		// The tool passes the pattern to rg as --glob: a glob starting
		// with ! only leaves files out (rg walks the rest as without
		// it), so it is dropped, and with no other glob the tool reads
		// its whole tree; rg reads \x as a literal x (.\env is .env):
		// dropping the backslashes reads the glob so, or wider.
		globs = rgGlobs(s, t.globList)
		if len(globs) == 0 {
			s = ""
		}
	}
	if s != "" {
		for _, b := range bases {
			for _, g := range globs {
				if !legacyPattern {
					req.Paths = append(req.Paths, join(b, g))
				}
			}
			// A pattern under an older name narrows the search in
			// the versions that know the name and not in the current
			// ones: the whole directory is judged, walked as the glob
			// makes the tool walk it (the stricter reading).
		}
		if t.globTree != nil && req.Tree != nil {
			// The glob lets the tool read what its walk skips; a switch
			// that turned .gitignore off keeps it off.
			tr := *t.globTree
			tr.GitIgnore = tr.GitIgnore && req.Tree.GitIgnore
			req.Tree = &tr
		}
	}
	for _, key := range t.lists {
		raw, ok := req.Input[key]
		if !ok || isNull(raw) {
			continue
		}
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return fmt.Errorf("%w: %s is not an array of strings", ErrMalformed, key)
		}
		for _, s := range list {
			for _, b := range bases {
				req.Paths = append(req.Paths, join(b, s))
			}
		}
	}
	for _, key := range t.items {
		paths, err := itemPaths(req.Input[key])
		if err != nil {
			return fmt.Errorf("%w: %s: %s: %v", ErrMalformed, req.Tool, key, err)
		}
		req.Paths = append(req.Paths, paths...)
	}
	if len(t.items) > 0 && len(req.Paths) == 0 {
		req.Read = false // no file named
		return nil
	}
	if legacy && !t.required {
		// The current versions' reading: the whole working directory
		// (a path under an older name is not read), narrowed by the
		// pattern when it has its current name.
		req.Paths = append(req.Paths, ".")
	}
	if len(req.Paths) == 0 {
		// A search without a path searches the working directory.
		req.Paths = []string{"."}
	}
	if req.Agent == Gemini {
		// Gemini CLI reads a relative path that starts with @ and does not
		// exist as the path without it (resolveDefensiveToolPath: the @ of
		// a reference the model copied from the prompt): @.vscode/x is
		// .vscode/x. Both are judged (whether it exists is the agent's
		// check at its own time).
		for _, p := range req.Paths {
			if rest, ok := strings.CutPrefix(p, "@"); ok {
				if rest = strings.TrimLeft(rest, `/\`); rest != "" {
					req.Paths = append(req.Paths, rest)
				}
			}
		}
	}
	if req.Agent == ClaudeCode {
		// Claude Code reads each path as its expandPath does: trimmed,
		// ~ and ~/ the home directory. The path as sent is judged too
		// (the stricter reading, should a version not expand it).
		for _, p := range req.Paths {
			e, err := claudePath(p)
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrMalformed, req.Tool, err)
			}
			if e != p {
				req.Paths = append(req.Paths, e)
			}
		}
	}
	for i, p := range req.Paths {
		if strings.IndexByte(p, 0) >= 0 {
			return fmt.Errorf("%w: a path of %s holds a NUL byte", ErrMalformed, req.Tool)
		}
		if !strings.HasPrefix(p, "/") && strings.HasPrefix(req.Cwd, "/") {
			req.Paths[i] = strings.TrimSuffix(req.Cwd, "/") + "/" + p
		}
	}
	if req.Agent == Gemini {
		// Gemini CLI percent-decodes a path once it is absolute
		// (%2Eenvrc wrote .envrc): both readings are judged.
		for _, p := range req.Paths {
			if d, ok := GeminiDecoded(p); ok {
				if strings.IndexByte(d, 0) >= 0 {
					return fmt.Errorf("%w: a path of %s holds %%00, a NUL byte once Gemini CLI decodes it", ErrMalformed, req.Tool)
				}
				req.Paths = append(req.Paths, d)
			}
		}
	}
	return nil
}

// itemPaths returns the "path" of each input item (an object) in raw, an
// array, but URIs (app://x, plugin://x@y): files the agent reads.
func itemPaths(raw json.RawMessage) ([]string, error) {
	if raw == nil || isNull(raw) {
		return nil, nil
	}
	elems, err := arrayElems(raw)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range elems {
		item, err := objectFields(e)
		if err != nil || item == nil {
			return nil, fmt.Errorf("an item is not an object")
		}
		p, err := stringField(item, "path")
		if err != nil {
			return nil, err
		}
		if p != "" && !strings.Contains(p, "://") {
			out = append(out, p)
		}
	}
	return out, nil
}

// oneOf returns the value of the first of keys present in req's input
// (a key renamed between versions is listed under each name). Two keys
// holding different values are an error: one version of the agent would
// use the one, another the other, and guard would judge only one of them.
func oneOf(req *Request, keys []string) (string, error) {
	val, _, err := oneOfKey(req, keys)
	return val, err
}

// oneOfKey is oneOf, and reports whether the value came only from one of
// the older names (keys[1:]): the current version of the agent ignores
// those, and does what it does without the key (Gemini CLI 0.61.0 reads
// only dir_path in run_shell_command, grep_search and glob; a path or
// directory key the model adds is not read, and the tool runs in, or
// searches, the working directory).
func oneOfKey(req *Request, keys []string) (string, bool, error) {
	val, from, legacy := "", "", false
	for i, key := range keys {
		s, err := stringField(req.Input, key)
		if err != nil {
			return "", false, err
		}
		switch {
		case s == "" || s == val:
		case val == "":
			val, from, legacy = s, key, i > 0
		default:
			return "", false, fmt.Errorf("%w: %s has %s and %s with different values", ErrMalformed, req.Tool, from, key)
		}
	}
	return val, legacy, nil
}

// ignoreOff reports whether one of the switches is set to the value that
// makes the tool read ignored files. A switch that is not a boolean is an
// error: the tool may take it as set.
func ignoreOff(input map[string]json.RawMessage, switches []ignoreSwitch) (bool, error) {
	for _, sw := range switches {
		m, keys := input, strings.Split(sw.key, ".")
		for i, k := range keys {
			raw, ok := m[k]
			if !ok || isNull(raw) {
				break
			}
			if i < len(keys)-1 {
				next, err := objectFields(raw)
				if err != nil || next == nil {
					return false, fmt.Errorf("%s is not an object", strings.Join(keys[:i+1], "."))
				}
				m = next
				continue
			}
			var b bool
			if err := json.Unmarshal(raw, &b); err != nil {
				return false, fmt.Errorf("%s is not a boolean", sw.key)
			}
			if b == sw.value {
				return true, nil
			}
		}
	}
	return false, nil
}

// claudePath returns a file tool's path as Claude Code 2.1.332 reads it
// (expandPath): without the white space String.prototype.trim removes, and
// "~" or a leading "~/" the home directory (os.homedir: $HOME).
func claudePath(p string) (string, error) {
	t := jsTrim(p)
	if t != "~" && !strings.HasPrefix(t, "~/") {
		return t, nil
	}
	home, err := os.UserHomeDir()
	if err != nil || !strings.HasPrefix(home, "/") {
		return "", fmt.Errorf("path %q starts with ~ and the home directory is unknown", p)
	}
	return strings.TrimSuffix(home, "/") + t[1:], nil
}

// rgGlobs returns the positive globs rg is given for pattern, backslashes
// dropped. With list set the pattern is several, as Claude Code 2.1.332's
// Grep reads its glob: split at JavaScript's white space (\s), then each
// part not holding both { and } at commas, empty parts dropped. A glob
// starting with ! (not \!) is a negation: left out.
func rgGlobs(pattern string, list bool) []string {
	parts := []string{pattern}
	if list {
		parts = nil
		for _, w := range strings.FieldsFunc(pattern, isJSSpace) {
			if strings.Contains(w, "{") && strings.Contains(w, "}") {
				parts = append(parts, w)
				continue
			}
			parts = append(parts, strings.Split(w, ",")...)
		}
	}
	var globs []string
	for _, g := range parts {
		if g == "" || strings.HasPrefix(g, "!") {
			continue
		}
		if g = strings.ReplaceAll(g, `\`, ""); g != "" {
			globs = append(globs, g)
		}
	}
	return globs
}

// join puts a pattern under a directory ("" is the working directory).
func join(dir, p string) string {
	if dir == "" || strings.HasPrefix(p, "/") {
		return p
	}
	return strings.TrimSuffix(dir, "/") + "/" + p
}

// judged reports whether a verdict on req is answered as such: always for
// the shell and edit tools; for a read tool and the Skill, Agent and
// Workflow tools unless it is Allow, so that a read guard lets through
// meets the agent's own rules as before; never for
// the other tools, which get no objection but for a Deny.
func (r Request) judged(v Verdict) bool {
	return r.Shell || r.Edit || ((r.Read || r.Skill || r.Subagent || r.Workflow || r.Unjudged) && v != Allow)
}

// GitIgnoreOff returns the settings file in which agent a is set to read the
// files .gitignore names in its search tools ("" when none is): Gemini CLI's
// context.fileFiltering.respectGitIgnore false (its grep_search then runs rg
// --no-ignore-vcs), in the system's, the user's or the project's settings,
// whichever takes precedence (any of them counts: the stricter reading). A
// settings file that cannot be read or parsed is returned too: guard cannot
// tell what it says.
func GitIgnoreOff(a Agent, env RuleEnv) string {
	if a != Gemini {
		return ""
	}
	env = env.defaults()
	for _, file := range geminiSettingsFiles(env) {
		v, ok := geminiFileFiltering(file)
		if !ok {
			return file
		}
		if raw, ok := v["respectGitIgnore"]; ok && string(raw) == "false" {
			return file
		}
	}
	return ""
}

// geminiFileFiltering returns the context.fileFiltering object of a Gemini
// CLI settings file (nil when it sets none); ok is false when the file, or
// an object on the way, cannot be read as Gemini CLI reads it.
func geminiFileFiltering(file string) (map[string]json.RawMessage, bool) {
	v, err := settingsObject(file, true)
	if err != nil {
		return nil, false
	}
	for _, k := range []string{"context", "fileFiltering"} {
		raw, ok := v[k]
		if !ok || isNull(raw) {
			return nil, true
		}
		if v, err = objectFields(raw); err != nil || v == nil {
			return nil, false
		}
	}
	return v, true
}
