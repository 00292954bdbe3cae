package hook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProjectHooksOff: the settings with which a project's own agent
// configuration switches every hook off (each seen to stop guard's user-level
// hook with the real Claude Code 2.1.332 and Gemini CLI 0.61.0), and the
// settings that leave it on.
func TestProjectHooksOff(t *testing.T) {
	for _, c := range []struct {
		agent       Agent
		file, text  string
		off, broken bool
	}{
		{ClaudeCode, ".claude/settings.json", `{"disableAllHooks": true}`, true, false},
		{ClaudeCode, ".claude/settings.local.json", `{"permissions": {}, "disableAllHooks": true}`, true, false},
		{ClaudeCode, ".claude/settings.json", `{"disableAllHooks": false}`, false, false},
		{ClaudeCode, ".claude/settings.json", `{"allowManagedHooksOnly": true, "hooks": {}}`, false, false},
		{ClaudeCode, ".claude/settings.json", `{"disableAllHooks": tru`, false, true},
		{Gemini, ".gemini/settings.json", `{"hooksConfig": {"enabled": false}}`, true, false},
		{Gemini, ".gemini/settings.json", "// comments are allowed\n{\"hooksConfig\": {/* x */ \"enabled\": false}}", true, false},
		{Gemini, ".gemini/settings.json", `{"hooksConfig": {"disabled": ["guard"]}}`, true, false},
		{Gemini, ".gemini/settings.json", `{"hooksConfig": {"disabled": ["'/usr/local/bin/guard' hook gemini || exit 2"]}}`, true, false},
		{Gemini, ".gemini/settings.json", `{"hooksConfig": {"enabled": true, "disabled": ["other"]}}`, false, false},
		{Gemini, ".gemini/settings.json", `{"hooks": {"BeforeTool": []}}`, false, false},
		{Gemini, ".gemini/settings.json", `{"hooksConfig": 3}`, false, true},
		// Codex 0.171.0 reads [features] of a trusted project's
		// .codex/config.toml: hooks = false switched guard's hook off.
		{Codex, ".codex/config.toml", "[features]\ncodex_hooks = false\n", true, false},
		{Codex, ".codex/config.toml", "model = \"x\"\n[features]\nhooks = false\n", true, false},
		{Codex, ".codex/config.toml", "[features]\nhooks = true\n", false, false},
		{Codex, ".codex/config.toml", "[profiles.p.features]\nhooks = false\n", false, false},
		{Codex, ".codex/config.toml", "[features\nhooks = false\n", false, true},
		{ClaudeCode, ".gemini/settings.json", `{"hooksConfig": {"enabled": false}}`, false, false},
		// A copy of guard's hook command, which Claude Code runs in place of
		// the user's: too short a timeout, or async, and its answer is lost.
		{ClaudeCode, ".claude/settings.json", guardCopy(`"timeout": 0.001`), true, false},
		{ClaudeCode, ".claude/settings.local.json", guardCopy(`"timeout": 5`), true, false},
		{ClaudeCode, ".claude/settings.json", guardCopy(`"async": true`), true, false},
		{ClaudeCode, ".claude/settings.json", guardCopy(`"asyncRewake": true`), true, false},
		{ClaudeCode, ".claude/settings.json", guardCopy(`"timeout": 30`), false, false},
		{ClaudeCode, ".claude/settings.json", strings.Replace(guardCopy(`"timeout": 1`), "hook claude-code", "hook codex", 1), false, false},
		{ClaudeCode, ".claude/settings.json", `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "lint", "timeout": 1}]}]}}`, false, false},
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, c.file)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		off, err := ProjectHooksOff(c.agent, dir)
		if (err != nil) != c.broken {
			t.Errorf("%s %s %q: error %v, want broken %v", c.agent, c.file, c.text, err, c.broken)
		}
		if (len(off) > 0) != c.off {
			t.Errorf("%s %s %q: %v, want off %v", c.agent, c.file, c.text, off, c.off)
		}
		if len(off) > 0 && !strings.HasPrefix(off[0].String(), p+" sets ") {
			t.Errorf("%s: %q does not name the file", c.file, off[0])
		}
	}
	if off, err := ProjectHooksOff(ClaudeCode, t.TempDir()); err != nil || len(off) > 0 {
		t.Errorf("no settings: %v %v", off, err)
	}
}

// guardCopy is a project's Claude Code settings holding guard's hook
// command with the handler fields attrs.
func guardCopy(attrs string) string {
	return `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "'/usr/local/bin/guard' hook claude-code || exit 2", ` + attrs + `}]}]}}`
}

// TestUserHooksOff: the user's and the machine's settings, and the
// environment, that switch an agent's hooks off, guard's included (measured:
// rm -rf build or a write outside ran unjudged with each).
func TestUserHooksOff(t *testing.T) {
	wf := func(path, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		agent Agent
		file  string // under the scratch root: home/, managed/, system/, codexsys/
		text  string
		env   []string // NAME=VALUE
		want  string   // a part of the one setting reported, "" for none
	}{
		{ClaudeCode, "home/.claude/settings.json", `{"hooks": {}, "disableAllHooks": true}`, nil, `"disableAllHooks": true`},
		{ClaudeCode, "home/.claude/settings.json", `{"disableAllHooks": false}`, nil, ""},
		{ClaudeCode, "cfg/settings.json", `{"disableAllHooks": true}`, []string{"CLAUDE_CONFIG_DIR=cfg"}, `"disableAllHooks": true`},
		{ClaudeCode, "home/.claude/settings.json", `{"allowManagedHooksOnly": true}`, nil, ""}, // managed settings only
		{ClaudeCode, "managed/managed-settings.json", `{"allowManagedHooksOnly": true}`, nil, `"allowManagedHooksOnly": true`},
		{ClaudeCode, "managed/managed-settings.json", `{"disableAllHooks": true}`, nil, `"disableAllHooks": true`},
		{ClaudeCode, "managed/managed-settings.d/10-org.json", `{"disableAllHooks": true}`, nil, `"disableAllHooks": true`},
		{ClaudeCode, "home/.claude/settings.json", `{}`, []string{"CLAUDE_CODE_SIMPLE=1"}, "CLAUDE_CODE_SIMPLE=1"},
		{ClaudeCode, "home/.claude/settings.json", `{}`, []string{"CLAUDE_CODE_SIMPLE=0"}, ""},
		{Codex, "home/.codex/config.toml", "model = \"x\"\n[features]\nhooks = false\n", nil, "[features] hooks = false"},
		{Codex, "home/.codex/config.toml", "[features]\ncodex_hooks = false\n", nil, "[features] codex_hooks = false"},
		{Codex, "home/.codex/config.toml", "[features]\nhooks = true\nplugins = false\n", nil, ""},
		{Codex, "cx/config.toml", "[features]\nhooks = false\n", []string{"CODEX_HOME=cx"}, "[features] hooks = false"},
		{Codex, "codexsys/managed_config.toml", "[features]\nhooks = false\n", nil, "[features] hooks = false"},
		{Codex, "codexsys/config.toml", "[features]\nhooks = false\n", nil, "[features] hooks = false"},
		{Gemini, "home/.gemini/settings.json", "// comment\n{\"hooksConfig\": {\"enabled\": false}}", nil, `"enabled": false`},
		{Gemini, "home/.gemini/settings.json", `{"hooksConfig": {"disabled": ["guard"]}}`, nil, `"disabled": ["guard"]`},
		{Gemini, "home/.gemini/settings.json", `{"hooksConfig": {"enabled": true, "disabled": ["other"]}}`, nil, ""},
		{Gemini, "system/settings.json", `{"hooksConfig": {"enabled": false}}`, nil, `"enabled": false`},
		{Gemini, "sys2/s.json", `{"hooksConfig": {"enabled": false}}`, []string{"GEMINI_CLI_SYSTEM_SETTINGS_PATH=sys2/s.json"}, `"enabled": false`},
		{Gemini, "system/system-defaults.json", `{"hooksConfig": {"enabled": false}}`, nil, `"enabled": false`},
		// The system defaults give way to the user's own setting.
		{Gemini, "system/system-defaults.json", `{"hooksConfig": {"enabled": false}}`, []string{"USER_GEMINI={\"hooksConfig\": {\"enabled\": true}}"}, ""},
		{Gemini, "home/.gemini/settings.json", `{"hooksConfig": {"enabled": false}}`, []string{"GEMINI_CLI_HOME=gh"}, ""},
	} {
		root := t.TempDir()
		env := map[string]string{"HOME": filepath.Join(root, "home")}
		for _, kv := range c.env {
			k, v, _ := strings.Cut(kv, "=")
			if k == "USER_GEMINI" {
				wf(filepath.Join(root, "home", ".gemini", "settings.json"), v)
				continue
			}
			if !strings.HasPrefix(v, "{") && strings.Contains(v, "/") || k == "CLAUDE_CONFIG_DIR" || k == "CODEX_HOME" || k == "GEMINI_CLI_HOME" {
				v = filepath.Join(root, v)
			}
			env[k] = v
		}
		wf(filepath.Join(root, c.file), c.text)
		renv := RuleEnv{Getenv: func(k string) string { return env[k] }, ClaudeManaged: filepath.Join(root, "managed"),
			GeminiSystem: filepath.Join(root, "system"), CodexSystem: filepath.Join(root, "codexsys")}
		off, err := UserHooksOff(c.agent, renv)
		if err != nil {
			t.Errorf("%v %s %q: %v", c.agent, c.file, c.text, err)
		}
		switch {
		case c.want == "" && len(off) > 0:
			t.Errorf("%v %s %q %v: reported %v", c.agent, c.file, c.text, c.env, off)
		case c.want != "" && (len(off) != 1 || !strings.Contains(off[0].Setting, c.want)):
			t.Errorf("%v %s %q %v: got %v, want one %s", c.agent, c.file, c.text, c.env, off, c.want)
		}
	}
	// A file that does not parse is an error.
	root := t.TempDir()
	wf(filepath.Join(root, "home", ".claude", "settings.json"), `{"disableAllHooks": tru`)
	if _, err := UserHooksOff(ClaudeCode, RuleEnv{Getenv: func(k string) string { return map[string]string{"HOME": filepath.Join(root, "home")}[k] }, ClaudeManaged: filepath.Join(root, "m")}); err == nil {
		t.Error("a broken settings file: no error")
	}
}
