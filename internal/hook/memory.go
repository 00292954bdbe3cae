package hook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"guard/internal/safefile"
	"guard/policy"
)

// Claude Code's memory files: it puts their text into the model's context,
// with every file they import (an "@path" word) read and added as well,
// five levels deep: the project's at the start of a session, and a nested
// one (sub/CLAUDE.md) as soon as the session touches its directory, a Write
// of the memory file itself included. Measured with Claude Code 2.1.332:
// a Write of sub/CLAUDE.md holding "@../.env", allowed as a write inside the
// project, was answered with "Contents of <project>/.env" and the key went to
// the model, with no Read of .env for guard to judge. (An import outside the
// project waits for the user's approval; one inside does not.)
//
// Gemini CLI 0.61.0 does the same with GEMINI.md, its default
// context.fileName, and with every name that setting gives (GeminiMemoryNames):
// measured, after a shell command wrote GEMINI.md holding "@.env", the next
// read_file's answer carried "Newly Discovered Project Context" with the
// .env's key.
var memoryFiles = map[Agent][]string{
	ClaudeCode: {"CLAUDE.md", "CLAUDE.local.md"},
	Gemini:     {"GEMINI.md"},
}

// maxImportDepth is how deep Claude Code follows imports (2.1.332: 5).
const maxImportDepth = 5

// MemoryFile reports whether path is a memory file, by name, of an agent
// in use: the agent a itself, or another whose settings directory the user
// has (another agent's write is loaded by the user's next session of it).
// Gemini CLI's names are GeminiMemoryNames(env), which may name a file in a
// subdirectory (docs/NOTES.md): path matches by its last elements.
func MemoryFile(a Agent, path string, env RuleEnv) bool {
	getenv := env.defaults().Getenv
	var names []string
	if claudeInUse(a, getenv) {
		names = append(names, memoryFiles[ClaudeCode]...)
	}
	if geminiInUse(a, getenv) {
		names = append(names, GeminiMemoryNames(env)...)
	}
	for _, p := range []string{path, policy.Resolve(path, "/")} {
		for _, m := range names {
			if p == m || strings.HasSuffix(p, string(filepath.Separator)+m) {
				return true
			}
		}
	}
	return false
}

// GeminiMemoryNames returns the memory file names Gemini CLI loads: GEMINI.md
// and every name its settings' context.fileName gives (a string or a list),
// in the system's, the user's or the project's settings (any of them: the
// stricter reading; Gemini CLI 0.61.0 takes the setting's names in place of
// GEMINI.md). A file that does not parse adds nothing here: guard's other
// checks of Gemini CLI's settings refuse it.
func GeminiMemoryNames(env RuleEnv) []string {
	env = env.defaults()
	names := []string{"GEMINI.md"}
	for _, file := range geminiSettingsFiles(env) {
		top, err := settingsObject(file, true)
		if err != nil || top == nil {
			continue
		}
		ctx, err := objectFields(top["context"])
		if err != nil || ctx == nil {
			continue
		}
		var one string
		var list []string
		if json.Unmarshal(ctx["fileName"], &one) == nil {
			list = []string{one}
		} else {
			json.Unmarshal(ctx["fileName"], &list)
		}
		for _, n := range list {
			n = filepath.Clean(strings.TrimSpace(n))
			if n != "." && n != "" && !filepath.IsAbs(n) && !strings.HasPrefix(n, "../") && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// claudeInUse reports whether Claude Code reads memory files for this user:
// it is the agent asking, or its settings directory exists.
func claudeInUse(a Agent, getenv func(string) string) bool {
	if a == ClaudeCode {
		return true
	}
	dir := getenv("CLAUDE_CONFIG_DIR")
	if dir == "" {
		if home := getenv("HOME"); home != "" {
			dir = filepath.Join(home, ".claude")
		}
	}
	if dir == "" {
		return false
	}
	_, err := os.Stat(dir)
	return err == nil
}

// MemoryImports returns the files Claude Code would read into the model's
// context for the memory files req writes with Claude Code's Write, Edit or
// MultiEdit (their text after the edit, and the edit's new text alone,
// which may join existing text into an import), following the imports of
// the imported files as Claude Code does; home expands "~/". The imported
// paths are absolute, for the caller to judge as reads. Other requests
// import nothing.
func MemoryImports(req Request, home string, getenv func(string) string) []string {
	if !req.Edit || req.Patch != "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range req.Paths {
		if !MemoryFile(req.Agent, p, RuleEnv{Getenv: getenv, Project: req.Project}) || !filepath.IsAbs(p) {
			continue
		}
		for _, text := range memoryTexts(req, p) {
			importsOf(text, filepath.Dir(p), home, 1, seen, &out)
		}
	}
	return out
}

// memoryTexts returns the memory file's text after req's edit, and the
// edit's new text.
func memoryTexts(req Request, path string) []string {
	str := func(key string, in map[string]json.RawMessage) string {
		s, _ := stringField(in, key)
		return s
	}
	switch req.Tool {
	case "write_file":
		// Gemini CLI writes the content unescaped for some models (see
		// GeminiUnescape): both readings are judged.
		c := str("content", req.Input)
		return []string{c, GeminiUnescape(c)}
	case "Write":
		return []string{str("content", req.Input)}
	case "Edit", "MultiEdit", "replace":
		type edit struct {
			Old, New string
			All      bool
		}
		var edits []edit
		if req.Tool != "MultiEdit" {
			// Gemini CLI's replace takes expected_replacements: every
			// occurrence is replaced (the stricter reading).
			all := req.Tool == "replace"
			json.Unmarshal(req.Input["replace_all"], &all)
			edits = append(edits, edit{str("old_string", req.Input), str("new_string", req.Input), all})
		} else {
			var list []map[string]json.RawMessage
			json.Unmarshal(req.Input["edits"], &list)
			for _, e := range list {
				all := false
				json.Unmarshal(e["replace_all"], &all)
				edits = append(edits, edit{str("old_string", e), str("new_string", e), all})
			}
		}
		b, _ := safefile.Read(path, 1<<20)
		text := string(b)
		var added []string
		for _, e := range edits {
			n := 1
			if e.All {
				n = -1
			}
			text = strings.Replace(text, e.Old, e.New, n)
			added = append(added, e.New)
		}
		out := []string{text, strings.Join(added, "\n")}
		if req.Tool == "replace" {
			out = append(out, GeminiUnescape(out[0]), GeminiUnescape(out[1]))
		}
		return out
	}
	return nil
}

// importsOf adds to out the files text imports, resolved against dir, and
// theirs in turn down to maxImportDepth. A file that is not a regular file
// guard can read is added and not followed.
func importsOf(text, dir, home string, depth int, seen map[string]bool, out *[]string) {
	if depth > maxImportDepth {
		return
	}
	for _, imp := range importWords(text) {
		p := imp
		switch {
		case strings.HasPrefix(p, "~/"):
			p = filepath.Join(home, p[2:])
		case !filepath.IsAbs(p):
			p = filepath.Join(dir, p)
		}
		p = filepath.Clean(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		*out = append(*out, p)
		if b, err := safefile.Read(p, 1<<20); err == nil {
			importsOf(string(b), filepath.Dir(p), home, depth+1, seen, out)
		}
	}
}

// importWords returns the "@path" words of a memory file's text as Claude
// Code 2.1.332 reads them (claudeImportWords) and as Gemini CLI 0.61.0 does
// (geminiImportWords: "@" after a space, tab or line end, the word up to the
// next, starting with '.', '/' or a letter, taken as written).
func importWords(text string) []string {
	return append(claudeImportWords(text), geminiImportWords(text)...)
}

func geminiImportWords(text string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		if w, ok := strings.CutPrefix(line, "@"); ok && w != "" && w != "/" {
			if c := w[0]; c == '.' || c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				out = append(out, w)
			}
		}
	}
	return out
}

// claudeImportWords returns the "@path" words as Claude Code 2.1.332 reads
// them: "@" at the start or after white space, then
// non-space characters ("\ " is a space; guard ends the word at a non-ASCII
// character too, which may be a Unicode space), cut at "#", starting with "./",
// "~/", "/" (not "/" alone) or a letter, digit, '.', '_' or '-'. Claude Code
// skips code blocks and spans and HTML comments; guard does not (the
// stricter reading: more words are judged).
func claudeImportWords(text string) []string {
	var out []string
	for i := 0; i < len(text); i++ {
		// After white space; any non-ASCII byte counts as white space
		// (JavaScript's \s takes Unicode spaces): the stricter reading.
		if text[i] != '@' || i > 0 && !isSpaceByte(text[i-1]) && text[i-1] < 0x80 {
			continue
		}
		j := i + 1
		var b strings.Builder
		for j < len(text) {
			if text[j] == '\\' && j+1 < len(text) && text[j+1] == ' ' {
				b.WriteByte(' ')
				j += 2
				continue
			}
			if isSpaceByte(text[j]) || text[j] == '\\' || text[j] >= 0x80 {
				break
			}
			b.WriteByte(text[j])
			j++
		}
		w := b.String()
		if k := strings.IndexByte(w, '#'); k >= 0 {
			w = w[:k]
		}
		i = j - 1
		if w == "" || w == "/" {
			continue
		}
		c := w[0]
		if strings.HasPrefix(w, "./") || strings.HasPrefix(w, "~/") || c == '/' ||
			c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			out = append(out, w)
		}
	}
	return out
}

// nestedMemoryNames are the memory files each agent loads from a directory
// below the project when a file tool first touches it.
func nestedMemoryNames(a Agent, env RuleEnv) []string {
	switch a {
	case ClaudeCode:
		return []string{"CLAUDE.md", "CLAUDE.local.md", filepath.Join(".claude", "CLAUDE.md")}
	case Gemini:
		return GeminiMemoryNames(env)
	}
	return nil
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// NestedMemoryImports returns the files the agent reads into the model's
// context when its file tool (req, a read or an edit) touches req.Paths: the
// memory files of the directories below the project down to each path's
// directory (the path itself when it is a directory), which the agent loads
// the first time the session touches that directory, and what they import
// (the project's own and those above it are in the context from the
// session's start). A memory file that is a link to a secret is read as
// the secret: Claude Code 2.1.332 and Gemini CLI 0.61.0 both sent the key a
// repository's sub/CLAUDE.md or sub/GEMINI.md linked to. Measured with Claude Code 2.1.332: a repository's
// sub/CLAUDE.md holding "@../.env" sent the key to the model at a Read of
// sub/a.txt. Gemini CLI 0.61.0 does the same with GEMINI.md ("Newly
// Discovered Project Context", its JIT context) at read_file, read_many_files,
// list_directory, write_file and replace: measured in a git repository (it
// follows imports only inside one), the key reached the model at each of
// read_file, list_directory and write_file; and with the names its
// context.fileName gives (measured: AGENTS.md in the user's settings).
// Gemini CLI looks in its other workspace directories too (GeminiWorkspace:
// a directory --include-directories adds), from the path up to the
// repository holding that directory, or the directory itself, whose own
// memory files it did not load at the start: measured, a read_file in an
// included repository's sub/ sent the key its sub/GEMINI.md imported.
func NestedMemoryImports(req Request, home string, getenv func(string) string) []string {
	env := RuleEnv{Getenv: getenv, Home: home, Project: req.Project}
	names := nestedMemoryNames(req.Agent, env)
	if len(names) == 0 || !req.Read && !req.Edit || !filepath.IsAbs(req.Project) {
		return nil
	}
	project := filepath.Clean(req.Project)
	var others []string
	if req.Agent == Gemini {
		// Gemini CLI's other workspace directories: the user's own, not
		// loaded at the session's start.
		if dirs, err := GeminiWorkspace(env); err == nil {
			others = dirs[1:]
		}
	}
	var out []string
	seen := map[string]bool{}
	files := map[string]bool{}
	paths := map[string]bool{} // a script names the same words again
	dirs := map[string]bool{}
	visit := func(d string) {
		dirs[d] = true
		for _, m := range names {
			f := filepath.Join(d, m)
			if files[f] {
				continue
			}
			files[f] = true
			if _, err := os.Lstat(f); err == nil && !seen[f] {
				// Its own text goes to the model too: a link to a key
				// sent the key (measured with both agents).
				seen[f] = true
				out = append(out, f)
			}
			if b, err := safefile.Read(f, 1<<20); err == nil {
				importsOf(string(b), filepath.Dir(f), home, 1, seen, &out)
			}
		}
	}
	for _, p := range req.Paths {
		if !filepath.IsAbs(p) || paths[p] {
			continue
		}
		paths[p] = true
		d := filepath.Clean(p)
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			d = filepath.Dir(d)
		}
		if root := innermostRoot(d, others); len(root) > len(innermostRoot(d, []string{project})) {
			// In another workspace directory (the innermost one holding
			// it, as Gemini CLI picks it): up to the repository holding
			// it, or to the directory itself, that one included.
			ceiling := memoryCeiling(root)
			for ; (d == ceiling || strings.HasPrefix(d, ceiling+"/")) && !dirs[d]; d = filepath.Dir(d) {
				visit(d)
			}
			continue
		}
		for ; strings.HasPrefix(d, project+"/") && !dirs[d]; d = filepath.Dir(d) {
			visit(d) // and those above it, on the way up from it
		}
	}
	return out
}

// innermostRoot returns the longest of roots that is dir or holds it, ""
// when none does.
func innermostRoot(dir string, roots []string) string {
	best := ""
	for _, r := range roots {
		if (dir == r || strings.HasPrefix(dir, r+"/")) && len(r) > len(best) {
			best = r
		}
	}
	return best
}

// memoryCeiling is where Gemini CLI 0.61.0 stops looking up for the memory
// files of a path in the workspace directory root (loadJitSubdirectoryMemory):
// the nearest directory at or above root holding .git, else root itself.
func memoryCeiling(root string) string {
	for d := root; ; d = filepath.Dir(d) {
		// fs.access: a link counts by what it leads to (a link to nowhere,
		// as guard's placeholder /tmp/.git, does not).
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if d == filepath.Dir(d) {
			return root
		}
	}
}

// geminiEscape is the pattern of Gemini CLI 0.61.0's
// unescapeStringForGeminiBug: backslashes before n, t, r, a quote, a
// backquote, a backslash or a newline.
var geminiEscape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\\\\+(n|t|r|'|\"|`|\\\\|\n)") })

// GeminiUnescape returns s as Gemini CLI's write_file may write it: with
// every run of backslashes before n, t, r, a quote, a backquote, a
// backslash or a newline replaced by the character it escapes (`\n` a
// newline). Gemini CLI 0.61.0 does so for the models it does not count as
// Gemini 2 or 3 (gemini-1.5-flash: measured, a GEMINI.md written as
// "Notes.\n@.env" imported .env), after the hook has judged the content.
func GeminiUnescape(s string) string {
	return geminiEscape().ReplaceAllStringFunc(s, func(m string) string {
		switch c := m[len(m)-1]; c {
		case 'n':
			return "\n"
		case 't':
			return "\t"
		case 'r':
			return "\r"
		default:
			return string(c)
		}
	})
}

// GeminiLLMCorrection returns the Gemini CLI settings file that turns its
// LLM correction on (tools.disableLLMCorrection: false; any of the system,
// user and project files, the stricter reading), "" when none does. Gemini
// CLI then asks a model for the content write_file writes when it holds
// escapes, and for a replace's strings when they do not match: the text
// written is chosen after the hook. A file that cannot be read counts.
func GeminiLLMCorrection(env RuleEnv) string {
	env = env.defaults()
	for _, file := range geminiSettingsFiles(env) {
		top, err := settingsObject(file, true)
		if err != nil {
			return file
		}
		raw, ok := top["tools"]
		if !ok || isNull(raw) {
			continue
		}
		tools, err := objectFields(raw)
		if err != nil || tools == nil {
			return file
		}
		if v, ok := tools["disableLLMCorrection"]; ok && string(v) == "false" {
			return file
		}
	}
	return ""
}
