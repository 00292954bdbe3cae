package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookProjectSwitchesHooksOff: a project whose own agent settings switch
// every hook off (made during the session: by a checkout, a merge, an
// archive) gets a deny for every shell, edit and read call, naming the
// setting; the next session there would not ask guard at all.
func TestHookProjectSwitchesHooksOff(t *testing.T) {
	guard := hookGuard(t)
	for _, c := range []struct{ agent, file, text string }{
		{"claude-code", ".claude/settings.local.json", `{"disableAllHooks": true}`},
		{"gemini", ".gemini/settings.json", `{"hooksConfig": {"enabled": false}}`},
	} {
		dir := t.TempDir()
		project := filepath.Join(dir, "project")
		os.MkdirAll(project, 0o755)
		env := hookEnv(t, dir, "CLAUDE_PROJECT_DIR="+project, "GEMINI_PROJECT_DIR="+project, "GUARD_MODE=auto-edit")
		ans := hookAsk(t, guard, c.agent, project, env, hookRequest(c.agent, project, "ls"))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) + hookStr(ans["decision"]); d != "allow" {
			t.Fatalf("%s: ls before the switch: %v", c.agent, ans)
		}
		p := filepath.Join(project, c.file)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"ls", "touch x"} {
			ans = hookAsk(t, guard, c.agent, project, env, hookRequest(c.agent, project, cmd))
			d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) + hookStr(ans["decision"])
			reason := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason")) + hookStr(ans["reason"])
			if d != "deny" || !strings.Contains(reason, p+" sets ") {
				t.Errorf("%s: %s with %s: %v, want a deny naming it", c.agent, cmd, c.file, ans)
			}
		}
	}
}

// TestHookProjectSetsGuardEnv: a variable guard reads that the agent took
// from the project's own files (Claude Code's settings "env", Gemini CLI's
// .env) makes every call a deny naming it; the same variable set by the
// user to another value does not.
func TestHookProjectSetsGuardEnv(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	os.MkdirAll(filepath.Join(project, ".claude"), 0o755)
	os.WriteFile(filepath.Join(project, ".claude", "settings.json"), []byte(`{"env": {"TMPDIR": "/var/tmp"}}`), 0o644)
	os.WriteFile(filepath.Join(project, ".env"), []byte("TMPDIR=/var/tmp\n"), 0o644)
	for _, agent := range []string{"claude-code", "gemini"} {
		env := hookEnv(t, dir, "CLAUDE_PROJECT_DIR="+project, "GEMINI_PROJECT_DIR="+project, "GUARD_MODE=auto-edit")
		ans := hookAsk(t, guard, agent, project, hookWith(env, "TMPDIR=/var/tmp"), hookRequest(agent, project, "touch /var/tmp/x"))
		d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) + hookStr(ans["decision"])
		reason := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason")) + hookStr(ans["reason"])
		if d != "deny" || !strings.Contains(reason, "sets TMPDIR=/var/tmp") {
			t.Errorf("%s: TMPDIR from the project: %v", agent, ans)
		}
		ans = hookAsk(t, guard, agent, project, env, hookRequest(agent, project, "ls"))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) + hookStr(ans["decision"]); d != "allow" {
			t.Errorf("%s: the user's own TMPDIR: %v", agent, ans)
		}
	}
}

// TestHookProjectRoot: an agent started in / would make every file a write
// inside the writable root; the hook refuses instead.
func TestHookProjectRoot(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		env := hookEnv(t, dir, "CLAUDE_PROJECT_DIR=/", "GEMINI_PROJECT_DIR=/", "GUARD_MODE=auto-edit")
		ans := hookAsk(t, guard, agent, "/", env, hookRequest(agent, "/", "echo x >> /etc/passwd"))
		d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) + hookStr(ans["decision"])
		reason := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason")) + hookStr(ans["reason"])
		if d != "deny" || !strings.Contains(reason, "project is /") {
			t.Errorf("%s started in /: %v", agent, ans)
		}
	}
}
