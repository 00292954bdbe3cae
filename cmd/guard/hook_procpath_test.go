package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookProcLinkPaths: each agent's read and edit tools naming a path
// through /proc/self/cwd, /proc/thread-self/cwd, /dev/fd or a project
// symlink to /proc/self (hooks-6 H6-2: Claude Code's Read of
// /proc/self/cwd/<link to a key> sent the key to the model) are not let
// through in any mode; the same files named plainly are judged as before.
func TestHookProcLinkPaths(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "notes.txt"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self", filepath.Join(project, "me")); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	depth := strings.Repeat("../", strings.Count(project, "/"))
	paths := []string{
		"/proc/self/cwd/notes.txt", "/proc/thread-self/cwd/notes.txt", "/proc/self/cwd/" + depth + project[1:] + "/notes.txt",
		"/dev/fd/3", "me/cwd/notes.txt",
	}
	type tool struct {
		name  string
		input func(p string) map[string]any
	}
	tools := map[string][]tool{
		"claude-code": {
			{"Read", func(p string) map[string]any { return map[string]any{"file_path": p} }},
			{"Grep", func(p string) map[string]any {
				return map[string]any{"pattern": "hi", "path": p, "output_mode": "content"}
			}},
			{"Write", func(p string) map[string]any { return map[string]any{"file_path": p, "content": "x"} }},
		},
		"gemini": {
			{"read_file", func(p string) map[string]any { return map[string]any{"file_path": p} }},
			{"write_file", func(p string) map[string]any { return map[string]any{"file_path": p, "content": "x"} }},
		},
	}
	for agent, ts := range tools {
		for _, tl := range ts {
			for _, mode := range []string{"suggest", "auto-edit", "full-auto"} {
				for _, p := range paths {
					ans := hookAsk(t, guard, agent, project, hookWith(env, "GUARD_MODE="+mode), fileRequest(agent, project, tl.name, tl.input(p)))
					if got := hookOutcome(ans); got != "ask" && got != "deny" {
						t.Errorf("%s %s %s %s: %s, want ask or deny", agent, mode, tl.name, p, got)
					}
				}
				// The file named plainly: a read inside the project goes through.
				if tl.name == "Read" || tl.name == "read_file" {
					ans := hookAsk(t, guard, agent, project, hookWith(env, "GUARD_MODE="+mode), fileRequest(agent, project, tl.name, tl.input("notes.txt")))
					if got := hookOutcome(ans); got == "ask" || got == "deny" {
						t.Errorf("%s %s %s notes.txt: %s (%s), want it let through", agent, mode, tl.name, got, hookReason(ans))
					}
				}
			}
		}
	}
	// Codex's apply_patch, through its shell tool.
	for _, p := range paths {
		req := hookRequest("codex", project, "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: "+p+"\n+x\n*** End Patch\nEOF\n")
		if got := hookOutcome(hookAsk(t, guard, "codex", project, hookWith(env, "GUARD_MODE=auto-edit"), req)); got != "deny" {
			t.Errorf("codex apply_patch %s: %s, want deny", p, got)
		}
	}
}
