package hook

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"guard/internal/safefile"
	"guard/policy"
)

// RunsRg reports whether agent a's tool runs rg without --no-config, so
// that rg reads the configuration file RIPGREP_CONFIG_PATH names: Gemini
// CLI's grep_search (read in the 0.61.0 bundle: rg --json ... and no
// --no-config) and Claude Code's Grep (2.1.332 passes --no-config to its
// embedded rg, not to a system rg it is told to use with
// USE_BUILTIN_RIPGREP=0).
func RunsRg(a Agent, tool string) bool {
	return a == Gemini && (tool == "grep_search" || tool == "search_file_content") ||
		a == ClaudeCode && tool == "Grep"
}

// maxRgConfig bounds the configuration file read, as the judge's does.
const maxRgConfig = 1 << 20

// RgConfigTree returns how rg walks a tree that tr describes once it has
// read the configuration file RIPGREP_CONFIG_PATH names (one argument a
// line, # a comment, rg puts them before the tool's own), and the first
// argument of it that widened the walk, "" when none did: --hidden, -.
// (hidden files), --no-ignore and its variants, -u/--unrestricted (both
// from -uu), and a --glob/-g/--iglob that is not a negation (rg searches the
// files a glob matches even when hidden or ignored). A user's --hidden there
// made Gemini CLI's grep_search print .env, which guard judged left out. A
// later --no-hidden or --ignore is not taken as undoing one: the wider
// reading holds. A file that cannot be read is left to the judge, which
// refuses on it (and on the options that run programs: --pre, -z).
func RgConfigTree(tr policy.TreeRead, getenv func(string) string) (policy.TreeRead, string) {
	p := getenv("RIPGREP_CONFIG_PATH")
	if p == "" {
		return tr, ""
	}
	if !filepath.IsAbs(p) {
		if wd, err := filepath.Abs(p); err == nil {
			p = wd
		}
	}
	b, err := safefile.Read(p, maxRgConfig)
	if err != nil {
		return tr, ""
	}
	first := ""
	widen := func(arg string, hidden, ignored bool) {
		if hidden && !tr.Hidden || ignored && tr.GitIgnore {
			if first == "" {
				first = arg
			}
		}
		tr.Hidden = tr.Hidden || hidden
		tr.GitIgnore = tr.GitIgnore && !ignored
	}
	var lines []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		lines = append(lines, line)
	}
	for i := 0; i < len(lines); i++ {
		arg := lines[i]
		name, value, hasValue := strings.Cut(arg, "=")
		switch {
		case name == "--hidden":
			widen(arg, true, false)
		case strings.HasPrefix(name, "--no-ignore"):
			widen(arg, false, true)
		case name == "--unrestricted":
			widen(arg, true, true)
		case name == "--glob" || name == "--iglob" || name == "-g":
			if !hasValue && i+1 < len(lines) {
				i++
				value = lines[i]
			}
			if !strings.HasPrefix(value, "!") {
				widen(arg, true, true)
			}
		case len(arg) > 1 && arg[0] == '-' && arg[1] != '-':
			// A bundle of short flags: -. hidden, -u unrestricted, -g
			// a glob (the rest of the word, or the next line).
		bundle:
			for k := 1; k < len(arg); k++ {
				switch c := arg[k]; {
				case c == '.':
					widen(arg, true, false)
				case c == 'u':
					widen(arg, true, true)
				case c == 'g':
					glob := arg[k+1:]
					if glob == "" && i+1 < len(lines) {
						i++
						glob = lines[i]
					}
					if !strings.HasPrefix(glob, "!") {
						widen(arg, true, true)
					}
					break bundle
				case strings.IndexByte("ABCEMTdefjmrt", c) >= 0:
					if k == len(arg)-1 {
						i++ // its value is the next line
					}
					break bundle // the rest is its value
				}
			}
		}
	}
	return tr, first
}

// GeminiGrepLegacy says why Gemini CLI's grep_search is its older search
// and not rg, "" when it runs rg. Gemini CLI 0.61.0 registers, under the
// same tool name, its GrepTool when rg cannot be used: `git grep
// --untracked` in a repository, else `grep -r` (hidden files and
// .gitignored ones included), else a JavaScript walk with hidden files. It
// uses rg unless a settings file (system, user or project: any of them, the
// stricter reading) sets tools.useRipgrep to false, and when it finds rg: a
// binary beside its bundle (not in the npm package), or the first rg on
// PATH if that resolves into a system directory (/usr/bin, /bin,
// /usr/local/bin, /usr/sbin, /sbin, Homebrew's). A user's ~/.cargo/bin/rg
// first on PATH makes it the older search. A settings file that cannot be
// read counts as setting it.
func GeminiGrepLegacy(env RuleEnv) string {
	env = env.defaults()
	for _, file := range geminiSettingsFiles(env) {
		top, err := settingsObject(file, true)
		if err != nil {
			return file + " cannot be read"
		}
		v := top
		for _, k := range []string{"tools"} {
			raw, ok := v[k]
			if !ok || isNull(raw) {
				v = nil
				break
			}
			if v, err = objectFields(raw); err != nil || v == nil {
				return file + " cannot be read"
			}
		}
		if raw, ok := v["useRipgrep"]; ok && string(raw) == "false" {
			return file + " sets tools.useRipgrep to false"
		}
	}
	rg := ""
	for _, dir := range filepath.SplitList(env.Getenv("PATH")) {
		p := filepath.Join(dir, "rg")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			rg = p
			break
		}
	}
	if rg == "" {
		return "there is no rg on PATH"
	}
	real, err := filepath.EvalSymlinks(rg)
	if err != nil || !filepath.IsAbs(real) {
		return rg + " cannot be resolved"
	}
	for _, prefix := range []string{"/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew/bin", "/opt/homebrew/Cellar",
		"/usr/local/Cellar", "/usr/sbin", "/sbin"} {
		if real == prefix || strings.HasPrefix(real, prefix+"/") {
			return ""
		}
	}
	return "the first rg on PATH, " + rg + ", is not in a system directory"
}

// GeminiIgnoreWhitelist returns an ignore file Gemini CLI's grep_search
// hands rg as --ignore-file that holds a whitelist rule (a line starting
// with !, which makes rg search the hidden file it names: `!.env` in a
// .geminiignore made rg print .env), "" when none does: the project's
// .geminiignore and each context.fileFiltering.customIgnoreFilePaths entry
// of a settings file (system, user, project), joined onto the project as
// Gemini CLI 0.61.0 joins them. A file that exists and cannot be read
// counts; a settings file that cannot be read is reported by its name.
func GeminiIgnoreWhitelist(env RuleEnv) string {
	env = env.defaults()
	if env.Project == "" {
		return ""
	}
	files := []string{filepath.Join(env.Project, ".geminiignore")}
	for _, file := range geminiSettingsFiles(env) {
		v, ok := geminiFileFiltering(file)
		if !ok {
			return file
		}
		if raw, ok := v["customIgnoreFilePaths"]; ok && !isNull(raw) {
			var list []string
			if json.Unmarshal(raw, &list) != nil {
				return file
			}
			for _, p := range list {
				files = append(files, filepath.Join(env.Project, p))
			}
		}
	}
	for _, f := range files {
		b, err := safefile.Read(f, maxRgConfig)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				continue
			}
			return f
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "!") {
				return f
			}
		}
	}
	return ""
}
