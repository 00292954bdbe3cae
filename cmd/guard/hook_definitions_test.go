package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookDefinitionLinks: the text of a skill, command or subagent
// definition goes to the model as instructions when the Skill or Agent call
// loads it; Claude Code 2.1.332 sent a private key a project skill's
// SKILL.md linked to (hooks-15 H15-6). Such a definition is judged as a read
// of what it leads to; a plain one, and the default subagent, are not.
func TestHookDefinitionLinks(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	env := hookEnv(t, dir, "CLAUDE_PROJECT_DIR="+project)
	key := filepath.Join(dir, "home", ".ssh", "id_ed25519")
	for f, text := range map[string]string{
		key: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
		filepath.Join(project, ".claude", "skills", "ok", "SKILL.md"): "---\nname: ok\ndescription: fine\n---\nDo it.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{filepath.Join(".claude", "skills", "k", "SKILL.md"), filepath.Join(".claude", "commands", "c.md"), filepath.Join(".claude", "agents", "spy.md")} {
		p := filepath.Join(project, l)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(key, p); err != nil {
			t.Fatal(err)
		}
	}
	req := func(tool string, input map[string]any) map[string]any {
		return map[string]any{"session_id": "s", "hook_event_name": "PreToolUse", "cwd": project, "permission_mode": "default",
			"tool_name": tool, "tool_input": input}
	}
	for _, c := range []struct {
		mode, tool string
		input      map[string]any
		want       string
	}{
		{"suggest", "Skill", map[string]any{"skill": "k"}, "ask"},
		{"full-auto", "Skill", map[string]any{"skill": "k"}, "deny"},
		{"auto-edit", "Skill", map[string]any{"skill": "c"}, "ask"},
		{"suggest", "Agent", map[string]any{"subagent_type": "spy", "prompt": "p", "description": "d"}, "ask"},
		{"suggest", "Skill", map[string]any{"skill": "ok"}, "pass"},
		{"suggest", "Agent", map[string]any{"prompt": "p", "description": "d"}, "pass"},
	} {
		ans := hookAsk(t, guard, "claude-code", project, hookWith(env, "GUARD_MODE="+c.mode), req(c.tool, c.input))
		if got := hookOutcome(ans); got != c.want || c.want != "pass" && !strings.Contains(hookReason(ans), "reads into the model's context as the instructions") {
			t.Errorf("%s %s %v: %s (%s), want %s", c.mode, c.tool, c.input, got, hookReason(ans), c.want)
		}
	}
}
