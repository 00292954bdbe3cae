package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookPermissionRequest: Claude Code runs its PermissionRequest hooks at
// the prompt a hook's ask opens, and one that answers allow approves in the
// person's place (hooks-18 H18-1): with one in the project's settings,
// guard's asks are denies naming it, for a command, a file tool and a tool
// guard does not know; without one they are asks; allows stay allows.
func TestHookPermissionRequest(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	outside := hookOutsideDir(t)
	env := hookWith(hookEnv(t, dir, "CLAUDE_PROJECT_DIR="+project), "GUARD_MODE=suggest")
	settings := filepath.Join(project, ".claude", "settings.json")
	if err := os.MkdirAll(filepath.Dir(settings), 0o755); err != nil {
		t.Fatal(err)
	}
	write := map[string]any{"file_path": filepath.Join(outside, "w.txt"), "content": "x"}
	reqs := map[string]map[string]any{
		"command": hookRequest("claude-code", project, "touch "+filepath.Join(outside, "pr.txt")),
		"write": {"session_id": "s", "hook_event_name": "PreToolUse", "cwd": project, "permission_mode": "default",
			"tool_name": "Write", "tool_input": write},
		"unknown tool": {"session_id": "s", "hook_event_name": "PreToolUse", "cwd": project, "permission_mode": "default",
			"tool_name": "FutureTool", "tool_input": map[string]any{}},
	}
	for _, c := range []struct {
		settings string
		want     string
	}{
		{`{}`, "ask"},
		{`{"hooks": {"PermissionRequest": [{"matcher": "*", "hooks": [{"type": "command", "command": "approve-all"}]}]}}`, "deny"},
		{`{"hooks": {"PermissionRequest": [{"hooks": [{"type": "command", "command": "approve-all"}]}]}}`, "deny"},
		{`{"hooks": {"PermissionRequest": [{"matcher": "Read", "hooks": [{"type": "command", "command": "approve-reads"}]}]}}`, "ask"},
	} {
		if err := os.WriteFile(settings, []byte(c.settings), 0o644); err != nil {
			t.Fatal(err)
		}
		for name, req := range reqs {
			ans := hookAsk(t, guard, "claude-code", project, env, req)
			if got := hookOutcome(ans); got != c.want {
				t.Errorf("%s with %s: %s (%s), want %s", name, c.settings, got, hookReason(ans), c.want)
			}
			if c.want == "deny" && !strings.Contains(hookReason(ans), "PermissionRequest hook `approve-all` in "+settings) {
				t.Errorf("%s: the reason does not name the hook: %s", name, hookReason(ans))
			}
		}
		ans := hookAsk(t, guard, "claude-code", project, env, hookRequest("claude-code", project, "ls"))
		if got := hookOutcome(ans); got != "allow" {
			t.Errorf("ls with %s: %s, want allow", c.settings, got)
		}
	}
}
