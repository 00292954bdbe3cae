package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookMemoryFile: a write of an agent's memory file whose @imports name
// a secret is not let through, through each agent's edit tools, the shell
// and Codex's apply_patch, in auto-edit and full-auto (hooks-10 H10-5); one
// importing nothing secret through the edit tools is, and a Codex user
// without Claude Code or Gemini CLI writes CLAUDE.md as any file.
func TestHookMemoryFile(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(filepath.Join(project, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, ".env"), []byte("OPENAI_API_KEY=sk-x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plain := hookEnv(t, filepath.Join(base, "plain"))
	withAgents := hookEnv(t, filepath.Join(base, "agents"))
	for _, d := range []string{".claude", ".gemini"} {
		if err := os.MkdirAll(filepath.Join(base, "agents", "home", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	name := map[string]string{"claude-code": "CLAUDE.md", "codex": "CLAUDE.md", "gemini": "GEMINI.md"}
	write := func(agent, path, content string) map[string]any {
		switch agent {
		case "claude-code":
			return fileRequest(agent, project, "Write", map[string]any{"file_path": path, "content": content})
		case "gemini":
			return fileRequest(agent, project, "write_file", map[string]any{"file_path": path, "content": content})
		}
		return hookRequest(agent, project, "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: "+path+"\n+"+content+"\n*** End Patch\nEOF\n")
	}
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		file := filepath.Join(project, "sub", name[agent])
		for _, mode := range []string{"auto-edit", "full-auto"} {
			env := hookWith(withAgents, "GUARD_MODE="+mode)
			for _, req := range []map[string]any{
				write(agent, file, "@../.env"),
				hookRequest(agent, project, "printf '@../.env' > sub/"+name[agent]),
			} {
				ans := hookAsk(t, guard, agent, project, env, req)
				if got := hookOutcome(ans); got != "ask" && got != "deny" {
					t.Errorf("%s %s %v: %s (%s), want ask or deny", agent, mode, req["tool_input"], got, hookReason(ans))
				} else if !strings.Contains(hookReason(ans), "memory file") {
					t.Errorf("%s %s %v: reason %q does not say why", agent, mode, req["tool_input"], hookReason(ans))
				}
			}
			if agent == "codex" {
				continue // an apply_patch of a memory file is asked whatever it imports
			}
			if ans := hookAsk(t, guard, agent, project, env, write(agent, file, "Ask @alice about the build.")); letThrough(agent, ans) != "" {
				t.Errorf("%s %s, nothing secret imported: %s", agent, mode, letThrough(agent, ans))
			}
		}
	}
	// A memory file already in sub/: Claude Code loads it, with its
	// imports, when a Read or a command first touches sub/.
	if err := os.WriteFile(filepath.Join(project, "sub", "CLAUDE.md"), []byte("@../.env\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(project, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "docs", "CLAUDE.md"), []byte("Ask @alice.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, req := range []map[string]any{
		hookRequest("claude-code", project, "cat sub/a.txt"),
		hookRequest("claude-code", filepath.Join(project, "sub"), "cat a.txt"),
		fileRequest("claude-code", project, "Read", map[string]any{"file_path": filepath.Join(project, "sub", "a.txt")}),
	} {
		ans := hookAsk(t, guard, "claude-code", project, hookWith(plain, "GUARD_MODE=suggest"), req)
		if got := hookOutcome(ans); got != "ask" || !strings.Contains(hookReason(ans), "memory file") {
			t.Errorf("%v: %s (%s), want ask naming the memory file", req["tool_input"], got, hookReason(ans))
		}
	}
	for _, req := range []map[string]any{
		hookRequest("claude-code", project, "cat docs/a.txt"),
		fileRequest("claude-code", project, "Read", map[string]any{"file_path": filepath.Join(project, "docs", "a.txt")}),
	} {
		if ans := hookAsk(t, guard, "claude-code", project, hookWith(plain, "GUARD_MODE=suggest"), req); letThrough("claude-code", ans) != "" {
			t.Errorf("%v: %s", req["tool_input"], letThrough("claude-code", ans))
		}
	}
	// Codex, for a user without Claude Code or Gemini CLI: an ordinary file.
	req := hookRequest("codex", project, "printf '@../.env' > sub/CLAUDE.md")
	if ans := hookAsk(t, guard, "codex", project, hookWith(plain, "GUARD_MODE=auto-edit"), req); letThrough("codex", ans) != "" {
		t.Errorf("codex without Claude Code: %s", letThrough("codex", ans))
	}
}
