//go:build linux

package agenttest

import (
	"path/filepath"
	"testing"
)

// Cases of red-team pass 21 (docs/redteam/hooks-21.md).

func init() {
	for _, c := range []struct {
		name string
		args []string
		// settings is the project's .gemini/settings.json (OUTSIDE
		// expanded), when set.
		settings string
	}{
		{"Gemini CLI: replace cannot land in a directory --include-directories adds", []string{"--include-directories", "OUTSIDE/lib"}, ""},
		{"Gemini CLI: replace cannot land in a directory the project's settings include", nil, `{"context": {"includeDirectories": ["OUTSIDE/lib"]}}`},
	} {
		cases = append(cases, tc{
			// H21-1: Gemini CLI 0.61.0's replace looks a relative path that
			// does not exist in the project up in every workspace
			// directory, and edits the one file whose path ends with it.
			// guard looked in the project only and judged a new file
			// there (allowed in auto-edit): the edit landed in the
			// included directory outside every writable root (c0ace6b).
			name: c.name, agents: []string{"gemini"}, mode: "auto-edit", args: c.args,
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.outside, "lib", "pkg", "conf.txt"), "hello\n")
				if c.settings != "" {
					s.write(filepath.Join(s.project, ".gemini", "settings.json"), expand(c.settings, s))
				}
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "replace", Args: map[string]any{"file_path": "pkg/conf.txt", "old_string": "hello", "new_string": "owned", "instruction": "change it"}}}
			},
			check: func(t *testing.T, s *session) {
				s.content(filepath.Join(s.outside, "lib", "pkg", "conf.txt"), "hello\n")
				s.sawGuard("writes outside the writable roots")
			},
		})
	}
}
