package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHookClaudeTildePath: Claude Code reads a file tool's path as its
// expandPath does (trimmed, ~/ the home directory). Claude Code 2.1.332
// expands it before its hooks see it; a request that still holds the ~ is
// judged at the home directory too: guard had joined "~/.local/bin/git"
// onto the project and allowed the Write in auto-edit.
func TestHookClaudeTildePath(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	for _, tt := range []struct {
		tool  string
		input map[string]any
		let   bool
	}{
		{"Write", map[string]any{"file_path": "~/.local/bin/git", "content": "x"}, false},
		{"Write", map[string]any{"file_path": " ~/.bashrc", "content": "x"}, false},
		{"Edit", map[string]any{"file_path": "~/.ssh/authorized_keys", "old_string": "a", "new_string": "b"}, false},
		{"Write", map[string]any{"file_path": "main.go", "content": "x"}, true},
		{"Write", map[string]any{"file_path": "docs/~/x.md", "content": "x"}, true},
	} {
		ans := hookAsk(t, guard, "claude-code", proj, hookWith(env, "GUARD_MODE=auto-edit"), fileRequest("claude-code", proj, tt.tool, tt.input))
		got := hookOutcome(ans)
		if tt.let && got != "allow" {
			t.Errorf("%s %v: %s, want allow: %v", tt.tool, tt.input, got, ans)
		}
		if !tt.let && got == "allow" {
			t.Errorf("%s %v: allow, want asked or denied: %v", tt.tool, tt.input, ans)
		}
	}
}

// TestHookCodexPatchTabs: Codex drops every tab of a patch header's path
// (measured with Codex 0.171.0: "\t.vscode/tasks.json" wrote
// .vscode/tasks.json); guard kept the tab, judged a plain name inside the
// project and let the patch through in auto-edit.
func TestHookCodexPatchTabs(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	for _, tt := range []struct {
		patch string
		let   bool
	}{
		{"*** Begin Patch\n*** Add File: \t.vscode/tasks.json\n+{}\n*** End Patch", false},
		{"*** Begin Patch\n*** Add File: .en\tvrc\n+x\n*** End Patch", false},
		{"*** Begin Patch\n*** Update File: a.txt\n*** Move to: .git/hoo\tks/pre-commit\n@@\n-a\n+b\n*** End Patch", false},
		{"*** Begin Patch\n*** Delete File: \t.claude/settings.json\n*** End Patch", false},
		{"*** Begin Patch\n*** Add File: .env\rrc\n+x\n*** End Patch", false},
		{"*** Begin Patch\n*** Add File: no\tes.txt\n+x\n*** End Patch", true},
	} {
		for _, mode := range []string{"auto-edit", "full-auto"} {
			req := fileRequest("codex", proj, "apply_patch", map[string]any{"command": tt.patch})
			got := hookOutcome(hookAsk(t, guard, "codex", proj, hookWith(env, "GUARD_MODE="+mode), req))
			if tt.let && got == "deny" {
				t.Errorf("%s %q: deny, want let through", mode, tt.patch)
			}
			if !tt.let && got != "deny" && got != "ask" {
				t.Errorf("%s %q: %s, want refused", mode, tt.patch, got)
			}
		}
	}
}
