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
