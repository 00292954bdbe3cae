package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHookSubagentIsolation: Claude Code 2.1.332 starts a subagent in a git
// worktree it makes itself (git worktree add: a checkout written below
// .claude/worktrees) for the Agent tool's isolation "worktree", for a
// definition's `isolation: worktree`, and for a Workflow script's
// agent(..., {isolation: 'worktree'}); guard let all three through in
// suggest mode, where it refuses every write (hooks-19 H19-1). Each is asked
// now, as EnterWorktree is; a plain subagent still passes.
func TestHookSubagentIsolation(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	env := hookEnv(t, dir, "CLAUDE_PROJECT_DIR="+project)
	for f, text := range map[string]string{
		filepath.Join(project, ".claude", "agents", "iso.md"):   "---\nname: iso\ndescription: lists files\nisolation: worktree\n---\nYou list.\n",
		filepath.Join(project, ".claude", "agents", "plain.md"): "---\nname: plain\ndescription: lists files\n---\nYou list.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	req := func(tool string, input map[string]any) map[string]any {
		return map[string]any{"session_id": "s", "hook_event_name": "PreToolUse", "cwd": project, "permission_mode": "default",
			"tool_name": tool, "tool_input": input}
	}
	script := "export const meta = {name: 'fmt', description: 'format'}\nreturn await agent('Do it.', {isolation: 'worktree'})\n"
	for _, c := range []struct {
		mode, tool string
		input      map[string]any
		want       string
	}{
		{"suggest", "Agent", map[string]any{"prompt": "p", "description": "d", "isolation": "worktree"}, "ask"},
		{"auto-edit", "Task", map[string]any{"subagent_type": "plain", "prompt": "p", "description": "d", "isolation": "remote"}, "ask"},
		{"full-auto", "Agent", map[string]any{"prompt": "p", "description": "d", "isolation": "worktree"}, "ask"},
		{"suggest", "Agent", map[string]any{"subagent_type": "iso", "prompt": "p", "description": "d"}, "ask"},
		{"suggest", "Workflow", map[string]any{"script": script}, "ask"},
		{"full-auto", "Workflow", map[string]any{"scriptPath": filepath.Join(project, "wf.js")}, "ask"},
		// The controls: a plain subagent, and the default one.
		{"suggest", "Agent", map[string]any{"subagent_type": "plain", "prompt": "p", "description": "d"}, "pass"},
		{"full-auto", "Agent", map[string]any{"prompt": "p", "description": "d"}, "pass"},
	} {
		ans := hookAsk(t, guard, "claude-code", project, hookWith(env, "GUARD_MODE="+c.mode), req(c.tool, c.input))
		if got := hookOutcome(ans); got != c.want {
			t.Errorf("%s %s %v: %s (%s), want %s", c.mode, c.tool, c.input, got, hookReason(ans), c.want)
		}
	}
}
