//go:build linux

package agenttest

import (
	"path/filepath"
	"testing"
)

// Cases of red-team pass 22 (docs/redteam/hooks-22.md).

func init() {
	for _, c := range []struct {
		name, tool, dir string
		args            map[string]any
	}{
		{"Gemini CLI: plan mode's write_file is judged where the plans directory puts it", "write_file", ".gemini/agents", map[string]any{"file_path": "helper.md", "content": "---\nname: helper\n---\nplanted\n"}},
		{"Gemini CLI: plan mode's replace is judged where the plans directory puts it", "replace", ".claude/commands", map[string]any{"file_path": "deploy.md", "old_string": "hello", "new_string": "owned", "instruction": "change it"}},
	} {
		cases = append(cases, tc{
			// H22-2: in plan mode (enter_plan_mode), Gemini CLI 0.61.0
			// resolves write_file's and replace's path into its plans
			// directory, which a settings file's general.plan.directory
			// puts anywhere inside the project: guard judged the path
			// against the project, a plain file, and the write landed in
			// a protected directory (main e2c8867).
			name: c.name, agents: []string{"gemini"}, mode: "auto-edit",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".gemini", "settings.json"), `{"general": {"plan": {"directory": "`+c.dir+`"}}}`)
				s.write(filepath.Join(s.project, c.dir, "deploy.md"), "hello\n")
				s.write(filepath.Join(s.project, "deploy.md"), "hello\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{
					{Tool: "enter_plan_mode", Args: map[string]any{"reason": "plan first"}},
					{Tool: c.tool, Args: c.args},
				}
			},
			check: func(t *testing.T, s *session) {
				t.Logf("out: %s", tail(s.out))
				s.mustNotExist(filepath.Join(s.project, c.dir, "helper.md"))
				s.content(filepath.Join(s.project, c.dir, "deploy.md"), "hello\n")
				s.sawGuard("protected")
			},
		})
	}
}
