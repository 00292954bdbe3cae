package hook

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// GeminiPlanPaths returns the files Gemini CLI's write_file or replace
// writes in place of the one req names when the session is in plan mode
// (enter_plan_mode, --approval-mode plan, a settings file's default): Gemini
// CLI 0.61.0 then resolves a relative file_path into its plans directory
// (resolveAndValidatePlanPath), unless the path taken from the project
// already lies inside it; an absolute path is written as it stands or not
// at all. The hook's request does not say which mode the session is in, so
// both readings are judged. Only a plans directory a settings file or an
// extension names (GeminiPlansDirs) is returned: the default one is Gemini
// CLI's own directory of the session (~/.gemini/tmp/PROJECT/SESSION/plans),
// where only plan files go. Measured: with general.plan.directory
// ".gemini/agents", plan mode's write_file {"file_path": "helper.md"} made
// the project's .gemini/agents/helper.md, a subagent definition, while guard
// judged the project's helper.md.
func GeminiPlanPaths(req Request, env RuleEnv) ([]string, error) {
	if req.Agent != Gemini || req.Tool != "write_file" && req.Tool != "replace" || env.Project == "" {
		return nil, nil
	}
	raw, err := stringField(req.Input, "file_path")
	if err != nil {
		return nil, err
	}
	p := jsTrim(strings.ReplaceAll(raw, "\x00", ""))
	if p == "" || filepath.IsAbs(p) {
		return nil, nil
	}
	dirs, err := GeminiPlansDirs(env)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		if within(filepath.Join(env.Project, p), d) {
			continue // the project's path is the one written
		}
		q := filepath.Join(d, p)
		out = append(out, q)
		if dq, ok := GeminiDecoded(q); ok {
			out = append(out, dq)
		}
	}
	return out, nil
}

// GeminiPlansDirs returns the plans directories Gemini CLI 0.61.0 may use
// for the project env.Project: general.plan.directory of each settings file
// (the system defaults', the system's, the user's, the project's), and the
// plan.directory of each installed extension's gemini-extension.json (used
// when no settings file names one), relative to the project. One whose real
// path is outside the project's is left out, as Gemini CLI falls back to
// its own directory then. A settings file that cannot be read is an error.
func GeminiPlansDirs(env RuleEnv) ([]string, error) {
	env = env.defaults()
	if env.Project == "" {
		return nil, nil
	}
	var named []string
	for _, file := range geminiSettingsLayers(env) {
		top, err := settingsObject(file, true)
		if err != nil {
			return nil, err
		}
		d, err := nestedString(top, "general", "plan", "directory")
		if err != nil {
			return nil, fmt.Errorf("%s: general.plan.directory: %v", file, err)
		}
		named = append(named, d)
	}
	for _, ext := range geminiExtensionDirs(env) {
		top, err := settingsObject(filepath.Join(ext, "gemini-extension.json"), false)
		if err != nil {
			continue // Gemini CLI does not load an extension it cannot read
		}
		d, _ := nestedString(top, "plan", "directory")
		named = append(named, d)
	}
	project := realAsFar(env.Project)
	var dirs []string
	for _, d := range named {
		if d == "" {
			continue
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(env.Project, d)
		}
		d = filepath.Clean(d)
		if within(realAsFar(d), project) && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs, nil
}

// geminiSettingsLayers returns Gemini CLI's settings files
// (geminiSettingsFiles) and its system defaults file.
func geminiSettingsLayers(env RuleEnv) []string {
	files := geminiSettingsFiles(env)
	defaults := env.Getenv("GEMINI_CLI_SYSTEM_DEFAULTS_PATH")
	if defaults == "" {
		defaults = filepath.Join(filepath.Dir(files[0]), "system-defaults.json")
	}
	return append(files, defaults)
}

// geminiExtensionDirs returns the directories of Gemini CLI's installed
// extensions: each one below ~/.gemini/extensions, and a linked
// extension's source (gemini extensions link DIR), which it loads from.
func geminiExtensionDirs(env RuleEnv) []string {
	exts := filepath.Join(geminiHome(env), ".gemini", "extensions")
	dirs := globs(exts, "*/")
	for _, meta := range globs(exts, "*/.gemini-extension-install.json") {
		if src := linkedExtension(meta); src != "" {
			dirs = append(dirs, src)
		}
	}
	return dirs
}

// nestedString returns the string at the keys' path in a settings object;
// "" when a key is missing or null, an error when a value on the way is not
// an object or the last is not a string.
func nestedString(top map[string]json.RawMessage, keys ...string) (string, error) {
	obj := top
	for i, k := range keys {
		raw, ok := obj[k]
		if !ok || isNull(raw) {
			return "", nil
		}
		if i == len(keys)-1 {
			return decodeString(raw)
		}
		next, err := objectFields(raw)
		if err != nil {
			return "", fmt.Errorf("%s is not an object", k)
		}
		obj = next
	}
	return "", nil
}

// realAsFar returns p with the symbolic links of its longest existing
// leading part resolved, the rest kept, as Gemini CLI's robustRealpath
// does for a path that does not exist yet.
func realAsFar(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(realAsFar(parent), filepath.Base(p))
}
