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

// TestHookGeminiMemoryContent: Gemini CLI does not always write the content
// it was given. For some models write_file unescapes it ("Notes.\n@.env"
// with a backslash and an n is written with a newline, and the import is
// read: measured with gemini-1.5-flash), and with its LLM correction on
// (tools.disableLLMCorrection: false) a model call after the hook chooses
// the text of a write_file or replace. guard judged the content as sent.
func TestHookGeminiMemoryContent(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(filepath.Join(project, ".gemini"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{".env": "OPENAI_API_KEY=sk-x\n", "OLD.md": "x\n", "GEMINI.md": "Notes.\n"} {
		if err := os.WriteFile(filepath.Join(project, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := hookEnv(t, base)
	if err := os.MkdirAll(filepath.Join(base, "home", ".gemini"), 0o755); err != nil {
		t.Fatal(err)
	}
	gemini := filepath.Join(project, "GEMINI.md")
	ask := func(mode, tool string, input map[string]any) map[string]any {
		return hookAsk(t, guard, "gemini", project, hookWith(env, "GUARD_MODE="+mode), fileRequest("gemini", project, tool, input))
	}
	for _, mode := range []string{"auto-edit", "full-auto"} {
		for _, tt := range []struct {
			tool  string
			input map[string]any
		}{
			{"write_file", map[string]any{"file_path": gemini, "content": `Notes.\n@.env\n`}},
			{"write_file", map[string]any{"file_path": gemini, "content": `Notes.\\\t@.env`}},
			{"replace", map[string]any{"file_path": gemini, "old_string": "Notes.", "new_string": `Notes.\n@.env`}},
		} {
			if got := hookOutcome(ask(mode, tt.tool, tt.input)); got != "deny" {
				t.Errorf("%s %s %v: %s, want refused (the unescaped text imports .env)", mode, tt.tool, tt.input, got)
			}
		}
		if got := hookOutcome(ask(mode, "write_file", map[string]any{"file_path": gemini, "content": `Ask @alice.\nBuild with make\t-j4.`})); got != "allow" {
			t.Errorf("%s: a GEMINI.md importing nothing secret: %s, want allow", mode, got)
		}
	}
	settings := filepath.Join(project, ".gemini", "settings.json")
	if err := os.WriteFile(settings, []byte(`{"tools": {"disableLLMCorrection": false}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		tool  string
		input map[string]any
		let   bool
	}{
		{"write_file", map[string]any{"file_path": gemini, "content": "Ask @alice.\n"}, false},
		{"replace", map[string]any{"file_path": gemini, "old_string": "Notes.", "new_string": "Notes, more."}, false},
		{"write_file", map[string]any{"file_path": filepath.Join(project, "OLD.md"), "content": "y\n"}, true},
	} {
		ans := ask("auto-edit", tt.tool, tt.input)
		got := hookOutcome(ans)
		if tt.let && got != "allow" {
			t.Errorf("LLM correction on, %s %v: %s, want allow", tt.tool, tt.input, got)
		}
		if !tt.let && (got != "deny" || !strings.Contains(hookReason(ans), "disableLLMCorrection")) {
			t.Errorf("LLM correction on, %s %v: %s (%s), want refused, naming the setting", tt.tool, tt.input, got, hookReason(ans))
		}
	}
}
