package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHookUnknownTools: guard setup's matcher takes every tool (hooks-16
// H16-1), so guard's hook answers tools it does not judge too: a tool it
// does not know (one a later agent version adds) and one that runs code or
// touches files in a way guard does not read are asked (refused where the
// agent cannot ask), in every mode; MCP tools and the tools that touch
// nothing pass; Codex's view_image is judged as a read.
func TestHookUnknownTools(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	env := hookEnv(t, dir, "CLAUDE_PROJECT_DIR="+project, "GEMINI_PROJECT_DIR="+project)
	key := filepath.Join(dir, "home", ".ssh", "id_ed25519")
	for _, d := range []string{project, filepath.Dir(key)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(key, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "a.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		agent, tool string
		input       map[string]any
		want        string // the verdict, as agentSays words it
	}{
		{"claude-code", "FutureTool", map[string]any{"path": "x"}, "ask"},
		{"codex", "future_tool", map[string]any{}, "ask"},
		{"gemini", "future_tool", map[string]any{}, "ask"},
		{"gemini", "discovered_tool_deploy", map[string]any{}, "ask"},
		{"claude-code", "EnterWorktree", map[string]any{"name": "w"}, "ask"},
		{"claude-code", "LSP", map[string]any{}, "ask"},
		{"claude-code", "mcp__db__query", map[string]any{"sql": "select 1"}, "pass"},
		{"codex", "mcp__db__query", map[string]any{}, "pass"},
		{"gemini", "mcp_db_query", map[string]any{}, "pass"},
		{"claude-code", "TodoWrite", map[string]any{"todos": []any{}}, "pass"},
		{"codex", "update_plan", map[string]any{}, "pass"},
		{"gemini", "write_todos", map[string]any{}, "pass"},
		{"codex", "view_image", map[string]any{"path": key}, "deny"},
		{"codex", "view_image", map[string]any{"path": filepath.Join(project, "a.png")}, "pass"},
		// A subagent's message items that name files are read too
		// (hooks-19 H19-4); text, URIs and no items read none.
		{"codex", "spawn_agent", map[string]any{"items": []any{map[string]any{"type": "text", "text": "go"}, map[string]any{"type": "local_image", "path": key}}}, "deny"},
		{"codex", "send_input", map[string]any{"target": "a1", "items": []any{map[string]any{"type": "skill", "name": "k", "path": key}}}, "deny"},
		{"codex", "spawn_agent", map[string]any{"items": []any{map[string]any{"type": "local_image", "path": filepath.Join(project, "a.png")}}}, "pass"},
		{"codex", "spawn_agent", map[string]any{"message": "go", "items": []any{map[string]any{"type": "mention", "path": "plugin://p@m"}}}, "pass"},
		{"codex", "spawn_agent", map[string]any{"message": "go"}, "pass"},
	} {
		for _, mode := range []string{"suggest", "full-auto"} {
			event := "PreToolUse"
			if c.agent == "gemini" {
				event = "BeforeTool"
			}
			req := map[string]any{"session_id": "s", "hook_event_name": event, "cwd": project, "permission_mode": "default",
				"tool_name": c.tool, "tool_input": c.input}
			ans := hookAsk(t, guard, c.agent, project, hookWith(env, "GUARD_MODE="+mode), req)
			want := agentSays[c.agent][c.want]
			got := hookOutcome(ans)
			if got != want {
				t.Errorf("%s %s %s: %s (%s), want %s", mode, c.agent, c.tool, got, hookReason(ans), want)
			}
			if c.want == "ask" && !strings.Contains(hookReason(ans), strconv.Quote(c.tool)) {
				t.Errorf("%s %s %s: reason %q does not name the tool", mode, c.agent, c.tool, hookReason(ans))
			}
		}
	}
}
