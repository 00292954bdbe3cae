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
		{Codex, ".codex/config.toml", "[features]\ncodex_hooks = false\n", false, false},
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
