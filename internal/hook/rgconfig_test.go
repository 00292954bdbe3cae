package hook

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestRgConfigTree: the arguments of rg's configuration file that make rg
// read hidden or ignored files widen the walk guard judges a search tool
// by; the rest leave it as it is.
func TestRgConfigTree(t *testing.T) {
	dir := t.TempDir()
	base := policy.TreeRead{GitIgnore: true, SkipVCS: true}
	for config, want := range map[string]policy.TreeRead{
		"--hidden\n":                        {Hidden: true, GitIgnore: true, SkipVCS: true},
		"# mine\n\n-.\n":                    {Hidden: true, GitIgnore: true, SkipVCS: true},
		"--no-ignore-vcs\n":                 {SkipVCS: true},
		"--no-ignore\n":                     {SkipVCS: true},
		"-uu\n":                             {Hidden: true, SkipVCS: true},
		"--unrestricted\n":                  {Hidden: true, SkipVCS: true},
		"--glob=*\n":                        {Hidden: true, SkipVCS: true},
		"--glob\n*.env\n":                   {Hidden: true, SkipVCS: true},
		"-g\n*\n":                           {Hidden: true, SkipVCS: true},
		"-g*.rs\n":                          {Hidden: true, SkipVCS: true},
		"-ig*.rs\n":                         {Hidden: true, SkipVCS: true},
		"--glob=!node_modules\n":            base,
		"-g!*.min.js\n":                     base,
		"--smart-case\n--max-columns=150\n": base,
		"-S\n-M\n150\n":                     base,
		"--hidden\n--no-hidden\n":           {Hidden: true, GitIgnore: true, SkipVCS: true},
		"--colors=line:fg:yellow\n":         base,
	} {
		p := filepath.Join(dir, "rgrc")
		if err := os.WriteFile(p, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		got, first := RgConfigTree(base, func(k string) string {
			if k == "RIPGREP_CONFIG_PATH" {
				return p
			}
			return ""
		})
		if got != want || (got != base) != (first != "") {
			t.Errorf("RgConfigTree(%q) = %+v (%q), want %+v", config, got, first, want)
		}
	}
	if got, first := RgConfigTree(base, func(string) string { return "" }); got != base || first != "" {
		t.Errorf("no configuration: %+v %q", got, first)
	}
	if !RunsRg(Gemini, "grep_search") || !RunsRg(ClaudeCode, "Grep") || RunsRg(Gemini, "glob") || RunsRg(Codex, "Grep") {
		t.Error("RunsRg: wrong tools")
	}
}

// TestGeminiGrepLegacy: Gemini CLI's grep_search is its older search (hidden
// files read) when a settings file turns rg off or when the first rg on PATH
// is not in a system directory (or there is none).
func TestGeminiGrepLegacy(t *testing.T) {
	dir := t.TempDir()
	home, project, cargo := filepath.Join(dir, "home"), filepath.Join(dir, "p"), filepath.Join(dir, "cargo", "bin")
	for _, d := range []string{filepath.Join(home, ".gemini"), filepath.Join(project, ".gemini"), cargo} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(cargo, "rg"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	systemRg := ""
	for _, d := range []string{"/usr/bin", "/bin", "/usr/local/bin"} {
		if real, err := filepath.EvalSymlinks(filepath.Join(d, "rg")); err == nil && (filepath.Dir(real) == "/usr/bin" || filepath.Dir(real) == "/bin" || filepath.Dir(real) == "/usr/local/bin") {
			systemRg = d
			break
		}
	}
	for _, tt := range []struct {
		name, user, project, path string
		legacy                    bool
	}{
		{"no rg", "", "", filepath.Join(dir, "none"), true},
		{"cargo's rg first", "", "", cargo + ":" + systemRg, true},
		{"project turns rg off", "", "// mine\n{\"tools\": {\"useRipgrep\": false}}", systemRg, true},
		{"user turns rg off", `{"tools": {"useRipgrep": false}}`, "", systemRg, true},
		{"unreadable settings", "", "{", systemRg, true},
		{"system rg", `{"tools": {"useRipgrep": true}}`, `{"tools": {}}`, systemRg, false},
	} {
		if !tt.legacy && systemRg == "" {
			continue // no rg in a system directory here
		}
		for file, body := range map[string]string{filepath.Join(home, ".gemini", "settings.json"): tt.user, filepath.Join(project, ".gemini", "settings.json"): tt.project} {
			os.Remove(file)
			if body != "" {
				if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		env := RuleEnv{Home: home, Project: project, GeminiSystem: filepath.Join(dir, "etc"), Getenv: func(k string) string {
			if k == "PATH" {
				return tt.path
			}
			return ""
		}}
		if got := GeminiGrepLegacy(env); (got != "") != tt.legacy {
			t.Errorf("%s: GeminiGrepLegacy = %q, want legacy %v", tt.name, got, tt.legacy)
		}
	}
}

// TestGeminiIgnoreWhitelist: the ignore files Gemini CLI hands rg
// (.geminiignore, the settings' customIgnoreFilePaths) with a whitelist
// rule are found; plain ones are not.
func TestGeminiIgnoreWhitelist(t *testing.T) {
	dir := t.TempDir()
	project := filepath.Join(dir, "p")
	if err := os.MkdirAll(filepath.Join(project, ".gemini"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := RuleEnv{Home: filepath.Join(dir, "home"), Project: project, GeminiSystem: filepath.Join(dir, "etc"), Getenv: func(string) string { return "" }}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(project, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := GeminiIgnoreWhitelist(env); got != "" {
		t.Errorf("no ignore file: %q", got)
	}
	write(".geminiignore", "node_modules/\n*.log\n")
	if got := GeminiIgnoreWhitelist(env); got != "" {
		t.Errorf("a plain .geminiignore: %q", got)
	}
	write(".geminiignore", "*\n  !.env\n")
	if got := GeminiIgnoreWhitelist(env); got != filepath.Join(project, ".geminiignore") {
		t.Errorf(".geminiignore with !.env: %q", got)
	}
	write(".geminiignore", "")
	write(".gemini/settings.json", "// mine\n{\"context\": {\"fileFiltering\": {\"customIgnoreFilePaths\": [\"a.ignore\", \"b.ignore\"]}}}")
	write("b.ignore", "!.env.local\n")
	if got := GeminiIgnoreWhitelist(env); got != filepath.Join(project, "b.ignore") {
		t.Errorf("customIgnoreFilePaths with a whitelist rule: %q", got)
	}
	write(".gemini/settings.json", "{\"context\": {\"fileFiltering\": {\"customIgnoreFilePaths\": \"a.ignore\"}}}")
	if got := GeminiIgnoreWhitelist(env); got == "" {
		t.Error("a settings file Gemini CLI cannot read as such: not reported")
	}
}
