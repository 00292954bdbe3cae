package hook

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

func TestProjectPrograms(t *testing.T) {
	write := func(t *testing.T, file, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		agent Agent
		files map[string]string
		want  []string // file:key, file relative to the project
	}{
		{"claude apiKeyHelper", ClaudeCode, map[string]string{".claude/settings.json": `{"apiKeyHelper": "sh ./key.sh"}`},
			[]string{".claude/settings.json:apiKeyHelper"}},
		{"claude every helper", ClaudeCode, map[string]string{
			".claude/settings.json":       `{"awsAuthRefresh": "x", "awsCredentialExport": "x", "gcpAuthRefresh": "x", "otelHeadersHelper": "x", "proxyAuthHelper": "x", "processWrapper": "x"}`,
			".claude/settings.local.json": `{"statusLine": {"type": "command", "command": "x"}, "fileSuggestion": {"type": "command", "command": "x"}, "subagentStatusLine": {"command": "x"}, "policyHelpers": ["x"]}`},
			[]string{".claude/settings.json:awsAuthRefresh", ".claude/settings.json:awsCredentialExport", ".claude/settings.json:gcpAuthRefresh",
				".claude/settings.json:otelHeadersHelper", ".claude/settings.json:processWrapper", ".claude/settings.json:proxyAuthHelper",
				".claude/settings.local.json:fileSuggestion", ".claude/settings.local.json:policyHelpers",
				".claude/settings.local.json:statusLine", ".claude/settings.local.json:subagentStatusLine"}},
		{"claude empty values", ClaudeCode, map[string]string{".claude/settings.json": `{"apiKeyHelper": "", "statusLine": null, "fileSuggestion": {}, "model": "x", "env": {"A": "1"}}`}, nil},
		{"claude broken file", ClaudeCode, map[string]string{".claude/settings.json": `{"apiKeyHelper": "x"`}, nil},
		{"claude's keys are not gemini's", Gemini, map[string]string{".claude/settings.json": `{"apiKeyHelper": "x"}`}, nil},
		{"gemini discovery", Gemini, map[string]string{".gemini/settings.json": "// c\n{\"tools\": {\"discoveryCommand\": \"./discover\", \"callCommand\": \"./call\"}}"},
			[]string{".gemini/settings.json:tools.discoveryCommand", ".gemini/settings.json:tools.callCommand"}},
		{"gemini top-level names do nothing", Gemini, map[string]string{".gemini/settings.json": `{"discoveryCommand": "x", "tools": {"useRipgrep": false}}`}, nil},
		{"gemini tools not an object", Gemini, map[string]string{".gemini/settings.json": `{"tools": "x"}`}, nil},
		{"codex not read", Codex, map[string]string{".codex/config.toml": "notify = [\"x\"]\n"}, nil},
	}
	// Claude Code reads settings.local.json at the repository root too.
	t.Run("claude repository root", func(t *testing.T) {
		root := t.TempDir()
		if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
			t.Fatalf("git init: %v %s", err, out)
		}
		write(t, filepath.Join(root, ".claude", "settings.local.json"), `{"apiKeyHelper": "x"}`)
		sub := filepath.Join(root, "pkg")
		os.MkdirAll(sub, 0o755)
		got := ProjectPrograms(ClaudeCode, sub)
		if len(got) != 1 || got[0].Key != "apiKeyHelper" || got[0].File != filepath.Join(root, ".claude", "settings.local.json") {
			t.Errorf("ProjectPrograms(pkg) = %+v, want the root's settings.local.json apiKeyHelper", got)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			proj := t.TempDir()
			for f, text := range c.files {
				write(t, filepath.Join(proj, f), text)
			}
			var got []string
			for _, p := range ProjectPrograms(c.agent, proj) {
				rel, _ := filepath.Rel(proj, p.File)
				got = append(got, rel+":"+p.Key)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ProjectPrograms = %q, want %q", got, c.want)
			}
		})
	}
}
