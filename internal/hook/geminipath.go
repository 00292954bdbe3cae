package hook

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxFoundDirs bounds the directories GeminiFound walks. Gemini CLI itself
// looks at 50, skipping the ones its ignore files name; guard walks them
// all, so it walks more, and past this many it cannot tell which file the
// agent would find.
const maxFoundDirs = 5000

// ErrFoundTooMany is GeminiFound's error when the project has more
// directories than it walks.
var ErrFoundTooMany = errors.New("too many directories to tell which file Gemini CLI would edit")

// GeminiFound returns the files Gemini CLI's replace tool may edit in
// place of the one req names. Gemini CLI 0.61.0 looks a relative file_path
// that does not exist in the project up in its workspace directories
// (correctPath): a file of the same name whose path ends with the path
// given, when there is exactly one (tasks.json is .vscode/tasks.json). The
// edit then lands there, outside what the literal path says, and outside
// the project when the file is in a directory the user added to the
// workspace (GeminiWorkspace: measured, replace {"file_path":
// "pkg/conf.txt"} edited --include-directories' lib/pkg/conf.txt in
// auto-edit). env.Project is the project (the agent's target directory);
// every regular file below a workspace directory that the lookup may find
// is returned (the directories Gemini CLI's ignore files name and the limit
// of 50 directories it walks are not applied: a wider set). A workspace
// directory guard cannot walk whole is ErrFoundTooMany; settings that
// cannot be read are an error too.
func GeminiFound(req Request, env RuleEnv) ([]string, error) {
	root := env.Project
	if req.Agent != Gemini || req.Tool != "replace" || root == "" {
		return nil, nil
	}
	raw, err := stringField(req.Input, "file_path")
	if err != nil || raw == "" || filepath.IsAbs(raw) {
		return nil, err
	}
	var found, dirs []string
	for _, p := range geminiSpellings(raw) {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			continue // the literal path is the one edited
		}
		if dirs == nil {
			if dirs, err = GeminiWorkspace(env); err != nil {
				return nil, err
			}
		}
		for _, dir := range dirs {
			more, err := findSuffix(dir, filepath.Base(p), strings.ReplaceAll(p, `\`, "/"))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", dir, err)
			}
			found = append(found, more...)
		}
	}
	for _, f := range found {
		if d, ok := GeminiDecoded(f); ok {
			found = append(found, d) // it resolves the file found as any other path
		}
	}
	return found, nil
}

// GeminiWorkspace returns Gemini CLI 0.61.0's workspace directories (the
// ones its file tools may reach and its replace tool's lookup walks): the
// project (env.Project), and the directories the user adds to it, in
// context.includeDirectories of its settings files (the system defaults',
// the system's, the user's, the project's: every list, which only adds
// directories), in the --include-directories flags of its command line
// (repeated or comma-separated), and in GEMINI_CLI_IDE_WORKSPACE_PATH
// (an IDE's folders), and the directory of every skill it may load
// (geminiSkillDirs), which activate_skill adds to the workspace. A leading ~
// is the home directory; a relative directory is relative to the project,
// as Gemini CLI resolves them. A directory added at run time by a person
// (/directory add) is not seen.
func GeminiWorkspace(env RuleEnv) ([]string, error) {
	env = env.defaults()
	dirs := []string{env.Project}
	add := func(d string) {
		d = strings.TrimSpace(d)
		if d == "" {
			return
		}
		const profile = "%userprofile%" // Windows' home, which Gemini CLI reads on every system
		if asciiPrefixFold(d, profile) {
			d = env.Home + d[len(profile):]
		}
		d = expandHome(d, env.Home)
		if !filepath.IsAbs(d) {
			d = filepath.Join(env.Project, d)
		}
		if d = filepath.Clean(d); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	for _, file := range geminiSettingsLayers(env) {
		top, err := settingsObject(file, true)
		if err != nil {
			return nil, err
		}
		raw, ok := top["context"]
		if !ok || isNull(raw) {
			continue
		}
		ctx, err := objectFields(raw)
		if err != nil || ctx == nil {
			return nil, fmt.Errorf("%s: context is not an object", file)
		}
		elems, err := arrayElems(orNull(ctx["includeDirectories"]))
		if err != nil {
			return nil, fmt.Errorf("%s: context.includeDirectories: %v", file, err)
		}
		for _, e := range elems {
			d, err := decodeString(e)
			if err != nil {
				return nil, fmt.Errorf("%s: context.includeDirectories holds a value that is not a string", file)
			}
			add(d)
		}
	}
	for _, f := range ancestorFlags([]string{"--include-directories", "--includeDirectories"}, false) {
		for _, d := range strings.Split(f.value, ",") {
			add(d)
		}
	}
	for _, d := range strings.Split(env.Getenv("GEMINI_CLI_IDE_WORKSPACE_PATH"), ":") {
		add(d)
	}
	for _, d := range geminiSkillDirs(env) {
		add(d)
	}
	return dirs, nil
}

// geminiSkillDirs returns the directories Gemini CLI 0.61.0 adds to its
// workspace when the model activates a skill: activate_skill adds the
// directory of the skill's SKILL.md, after which its file tools take that
// directory as their own and replace's lookup (GeminiFound), its searches
// naming no directory and its memory files reach it (measured:
// activate_skill of a skill in ~/.gemini/skills, then replace
// {"file_path": "scripts/run.sh"} edited the skill's script in auto-edit).
// Gemini CLI loads skills (a SKILL.md in a skills directory, or in one of
// its subdirectories) from its built-in ones beside its bundle
// (geminiBuiltinSkills), each extension's skills directory, the user's
// ~/.gemini/skills and ~/.agents/skills, and the project's .gemini/skills
// and .agents/skills. Which ones a session activated the hook cannot tell:
// every one counts, as Gemini CLI resolves it (links followed).
func geminiSkillDirs(env RuleEnv) []string {
	home := geminiHome(env)
	roots := geminiBuiltinSkills()
	for _, ext := range geminiExtensionDirs(env) {
		roots = append(roots, filepath.Join(ext, "skills"))
	}
	roots = append(roots,
		filepath.Join(home, ".gemini", "skills"), filepath.Join(home, ".agents", "skills"),
		filepath.Join(env.Project, ".gemini", "skills"), filepath.Join(env.Project, ".agents", "skills"))
	var dirs []string
	for _, root := range roots {
		for _, f := range globs(root, "SKILL.md", "*/SKILL.md") {
			dirs = append(dirs, realAsFar(filepath.Dir(f)))
		}
	}
	return dirs
}

// geminiBuiltinSkills returns the directories of Gemini CLI's built-in
// skills: "builtin" beside the script its node process runs (the bundle's
// gemini.js, or npm's bin link "gemini" to it, resolved, found on the
// hook's ancestors' command lines), which hold skill-creator's scripts.
func geminiBuiltinSkills() []string {
	var out []string
	for _, p := range ancestors() {
		for _, a := range p.args {
			if base := filepath.Base(a); base != "gemini" && !strings.HasSuffix(base, ".js") || strings.HasPrefix(a, "-") {
				continue
			}
			script := ancestorFlag{pid: p.pid}.path(a)
			real, err := filepath.EvalSymlinks(script)
			if err != nil {
				continue
			}
			if fi, err := os.Stat(real); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			dir := filepath.Join(filepath.Dir(real), "builtin")
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() && !slices.Contains(out, dir) {
				out = append(out, dir)
			}
		}
	}
	return out
}

// GeminiSearchesWorkspace reports whether req is a Gemini CLI 0.61.0
// search that walks every workspace directory (GeminiWorkspace), not only
// the project: one naming no dir_path of glob, and of its older grep
// (legacy: grep_search without rg, and search_file_content); its rg
// grep_search searches the project only.
func GeminiSearchesWorkspace(req Request, legacy bool) bool {
	if req.Agent != Gemini {
		return false
	}
	switch req.Tool {
	case "glob":
	case "grep_search", "search_file_content":
		if !legacy && req.Tool == "grep_search" {
			return false
		}
	default:
		return false
	}
	dir, err := stringField(req.Input, "dir_path")
	return err == nil && dir == ""
}

// InEachDir returns paths with, for each one at or below from, the same
// path below each of dirs too: a search of the working directory's tree,
// or of a pattern there, made in every one of them.
func InEachDir(paths []string, from string, dirs []string) []string {
	out := paths
	if !filepath.IsAbs(from) {
		return out
	}
	for _, p := range paths {
		rest, ok := strings.CutPrefix(p, from)
		if !ok || (rest != "" && rest[0] != '/') {
			continue
		}
		for _, d := range dirs {
			out = append(out, d+rest)
		}
	}
	return out
}

// GeminiDecoded returns path as Gemini CLI 0.61.0 reads a file tool's path
// once it has made it absolute (resolveToRealPath: decodeURIComponent, then
// the real path): its %XX escapes decoded, so %2Eenvrc is .envrc and
// a%2F..%2F..%2Fx climbs two directories. ok is false when path holds no
// escape, or one decodeURIComponent refuses (a % not followed by two hex
// digits, bytes that are not UTF-8), where Gemini CLI keeps the path as it
// is.
func GeminiDecoded(path string) (string, bool) {
	if !strings.Contains(path, "%") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2]) {
			return "", false
		}
		b.WriteByte(unhex(path[i+1])<<4 | unhex(path[i+2]))
		i += 2
	}
	d := b.String()
	if !utf8.ValidString(d) || d == path {
		return "", false
	}
	return d, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// geminiSpellings are the relative paths Gemini CLI may read a relative
// file_path as: itself, and without a leading @.
func geminiSpellings(raw string) []string {
	out := []string{raw}
	if rest, ok := strings.CutPrefix(raw, "@"); ok {
		if rest = strings.TrimLeft(rest, `/\`); rest != "" {
			out = append(out, rest)
		}
	}
	return out
}

// findSuffix walks root breadth first, not into symbolic links, for regular
// files named name whose path ends with suffix (as a string, as Gemini CLI
// compares them).
func findSuffix(root, name, suffix string) ([]string, error) {
	var found []string
	queue := []string{root}
	for n := 0; len(queue) > 0; n++ {
		if n >= maxFoundDirs {
			return nil, ErrFoundTooMany
		}
		dir := queue[0]
		queue = queue[1:]
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // Gemini CLI skips an unreadable directory too
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			switch {
			case e.IsDir():
				queue = append(queue, p)
			case e.Type().IsRegular() && e.Name() == name && strings.HasSuffix(p, suffix):
				found = append(found, p)
			}
		}
	}
	return found, nil
}
