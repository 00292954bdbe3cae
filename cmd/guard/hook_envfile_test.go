package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookAgentEnvFile: a write of a .env, which Gemini CLI loads into its
// own environment when the next session starts (hooks-6 H6-1: the next
// session's conversation went to the API endpoint an agent-written .env
// named), is asked in every mode, by each agent's shell and edit tools,
// when the agent is Gemini CLI or the user has Gemini CLI settings; other
// writes, and a .env for a user without Gemini CLI, are as before.
func TestHookAgentEnvFile(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(filepath.Join(project, "pkg", "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := hookEnv(t, filepath.Join(base, "plain"))
	withGemini := hookEnv(t, filepath.Join(base, "gem"))
	if err := os.MkdirAll(filepath.Join(base, "gem", "home", ".gemini"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(agent, path string) map[string]any {
		switch agent {
		case "claude-code":
			return fileRequest(agent, project, "Write", map[string]any{"file_path": path, "content": "GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:9\n"})
		case "gemini":
			return fileRequest(agent, project, "write_file", map[string]any{"file_path": path, "content": "GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:9\n"})
		}
		return hookRequest(agent, project, "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: "+path+"\n+GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:9\n*** End Patch\nEOF\n")
	}
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		for _, mode := range []string{"auto-edit", "full-auto"} {
			env := withGemini
			for _, req := range []map[string]any{
				hookRequest(agent, project, "echo GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:9 >> .env"),
				hookRequest(agent, project, "cp /dev/null pkg/web/.env"),
				hookRequest(agent, project, "printf 'A=1\\n' > ../project/.env"),
				write(agent, filepath.Join(project, ".env")),
				write(agent, filepath.Join(project, "pkg", "web", ".env")),
			} {
				ans := hookAsk(t, guard, agent, project, hookWith(env, "GUARD_MODE="+mode), req)
				if got := hookOutcome(ans); got != "ask" && got != "deny" {
					t.Errorf("%s %s %v: %s (%s), want ask or deny", agent, mode, req["tool_input"], got, hookReason(ans))
				} else if !strings.Contains(hookReason(ans), "Gemini CLI loads into its environment") {
					t.Errorf("%s %s %v: reason %q does not say why", agent, mode, req["tool_input"], hookReason(ans))
				}
			}
			// Not a .env: as before.
			for _, req := range []map[string]any{
				hookRequest(agent, project, "echo A=1 >> env.txt"),
				write(agent, filepath.Join(project, ".env.example")),
			} {
				if ans := hookAsk(t, guard, agent, project, hookWith(env, "GUARD_MODE="+mode), req); letThrough(agent, ans) != "" {
					t.Errorf("%s %s %v: %s", agent, mode, req["tool_input"], letThrough(agent, ans))
				}
			}
		}
		if agent == "gemini" {
			continue
		}
		// A user without Gemini CLI: a .env is the project's file.
		req := hookRequest(agent, project, "echo A=1 >> .env")
		if ans := hookAsk(t, guard, agent, project, hookWith(plain, "GUARD_MODE=auto-edit"), req); letThrough(agent, ans) != "" {
			t.Errorf("%s without Gemini CLI: %s", agent, letThrough(agent, ans))
		}
	}
}

// letThrough says why ans does not let a write inside the project through,
// "" when it does: Codex's shell commands that guard rewrites are refused
// here (no Codex to tell that it applies rewrites), for another reason than
// a .env.
func letThrough(agent string, ans map[string]any) string {
	got, why := hookOutcome(ans), hookReason(ans)
	if got != "ask" && got != "deny" {
		return ""
	}
	if agent == "codex" && strings.Contains(why, "not known to apply a hook's rewrite") && !strings.Contains(why, "Gemini CLI loads") {
		return ""
	}
	return got + " (" + why + "), want it let through"
}
