package hook

import (
	"path/filepath"
	"strings"

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
