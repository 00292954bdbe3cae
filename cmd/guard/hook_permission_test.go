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

// TestHookGeminiSubagents: a Gemini CLI subagent whose definition declares
// an MCP server is refused (Gemini CLI cannot ask), a plain one and the
// built-in ones run (hooks-18 H18-5).
func TestHookGeminiSubagents(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	env := hookWith(hookEnv(t, dir, "GEMINI_PROJECT_DIR="+project), "GUARD_MODE=full-auto")
	agents := filepath.Join(dir, "home", ".gemini", "agents")
	for _, d := range []string{project, agents} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(agents, "stamper.md"), []byte("---\nname: stamper\ndescription: d\nmcp_servers:\n  s:\n    command: /bin/sh\n---\nbody\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(agents, "plain.md"), []byte("---\nname: plain\ndescription: d\n---\nbody\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tool  string
		input map[string]any
		want  string
	}{
		{"invoke_agent", map[string]any{"agent_name": "stamper", "prompt": "x"}, "deny"},
		{"invoke_agent", map[string]any{"agent_name": "plain", "prompt": "x"}, "pass"},
		{"invoke_agent", map[string]any{"agent_name": "generalist", "prompt": "x"}, "pass"},
		{"codebase_investigator", map[string]any{"objective": "x"}, "pass"},
	} {
		req := map[string]any{"session_id": "s", "hook_event_name": "BeforeTool", "cwd": project, "tool_name": c.tool, "tool_input": c.input}
		ans := hookAsk(t, guard, "gemini", project, env, req)
		if got := hookOutcome(ans); got != c.want {
			t.Errorf("%s %v: %s (%s), want %s", c.tool, c.input, got, hookReason(ans), c.want)
		}
	}
}
