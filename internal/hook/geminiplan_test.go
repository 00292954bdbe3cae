package hook_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestGeminiPlanPaths: in plan mode Gemini CLI writes write_file's and
// replace's relative path into the plans directory a settings file or an
// extension names (hooks-22 H22-2: general.plan.directory ".gemini/agents"
// made the project's .gemini/agents/helper.md of write_file "helper.md").
func TestGeminiPlanPaths(t *testing.T) {
	home, project, outside := t.TempDir(), t.TempDir(), t.TempDir()
	env := map[string]string{"GEMINI_CLI_SYSTEM_DEFAULTS_PATH": filepath.Join(outside, "defaults.json")}
	renv := hook.RuleEnv{Getenv: func(k string) string { return env[k] }, Home: home, Project: project, GeminiSystem: filepath.Join(outside, "etc")}
	planned := func(tool, path string) ([]string, error) {
		t.Helper()
		req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"`+project+`","tool_name":"`+tool+`","tool_input":{"file_path":"`+path+`","content":"x","old_string":"x","new_string":"y"}}`))
		if err != nil {
			t.Fatal(err)
		}
		return hook.GeminiPlanPaths(req, renv)
	}
	if got, err := planned("write_file", "plan.md"); got != nil || err != nil {
		t.Errorf("no plans directory named: %q %v", got, err)
	}

	writeFile(t, filepath.Join(project, ".gemini", "settings.json"), `{"general": {"plan": {"directory": ".gemini/agents"}}} // comment`)
	writeFile(t, filepath.Join(home, ".gemini", "settings.json"), `{"general": {"plan": {"directory": "`+outside+`"}}}`) // outside the project: not used
	writeFile(t, filepath.Join(home, ".gemini", "extensions", "ext", "gemini-extension.json"), `{"name": "ext", "plan": {"directory": "docs/plans"}}`)
	if err := os.Symlink(outside, filepath.Join(project, "out")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(outside, "defaults.json"), `{"general": {"plan": {"directory": "out/plans"}}}`) // a link out of the project: not used
	agents, docs := filepath.Join(project, ".gemini", "agents"), filepath.Join(project, "docs", "plans")
	for _, c := range []struct {
		tool, path string
		want       []string
	}{
		{"write_file", "helper.md", []string{filepath.Join(agents, "helper.md"), filepath.Join(docs, "helper.md")}},
		{"replace", " sub/x.md\u00a0", []string{filepath.Join(agents, "sub/x.md"), filepath.Join(docs, "sub/x.md")}},
		{"write_file", ".gemini/agents/a.md", []string{filepath.Join(docs, ".gemini/agents/a.md")}}, // already inside one
		{"write_file", "a%2Fb.md", []string{filepath.Join(agents, "a%2Fb.md"), filepath.Join(agents, "a/b.md"), filepath.Join(docs, "a%2Fb.md"), filepath.Join(docs, "a/b.md")}},
		{"write_file", filepath.Join(project, "x.md"), nil}, // absolute: written as it stands or not at all
		{"read_file", "x.md", nil},
	} {
		got, err := planned(c.tool, c.path)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s %q: %q %v, want %q", c.tool, c.path, got, err, c.want)
		}
	}

	writeFile(t, filepath.Join(project, ".gemini", "settings.json"), `{"general": {"plan": []}}`)
	if _, err := planned("write_file", "x.md"); err == nil {
		t.Error("a settings file whose general.plan is not an object: no error")
	}
}
