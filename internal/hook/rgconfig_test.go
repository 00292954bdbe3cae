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
