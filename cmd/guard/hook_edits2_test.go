package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookGeminiPercentPath (edits-2): Gemini CLI 0.61.0 percent-decodes a
// file tool's path once it has made it absolute (resolveToRealPath calls
// decodeURIComponent), so write_file of %2Eenvrc wrote .envrc and
// read_file of server%2Ekey sent server.key to the model (shown with the
// real Gemini CLI: internal/agenttest). guard judged the literal names,
// plain files that do not exist, and allowed them in auto-edit. Both
// readings are judged now; an escape Gemini CLI does not decode (%zz), or
// a name without one, is judged as written, and %00 (a NUL once decoded)
// is refused.
func TestHookGeminiPercentPath(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	project := filepath.Join(base, "project")
	os.MkdirAll(filepath.Join(project, "src"), 0o755)
	os.WriteFile(filepath.Join(project, "server.key"), []byte("-----BEGIN PRIVATE KEY-----\n"), 0o600)
	env := hookEnv(t, base)
	outside := hookOutsideDir(t)
	up := strings.Repeat("..%2F", strings.Count(project, "/")+1)
	for _, tt := range []struct {
		tool, path string
		want       [3]string // suggest, auto-edit, full-auto, as Gemini CLI reads the answer
	}{
		{"write_file", "%2Eenvrc", [3]string{"deny", "deny", "deny"}},
		{"write_file", "%2evscode%2Ftasks.json", [3]string{"deny", "deny", "deny"}},
		{"replace", project + "/%2Egemini/settings.json", [3]string{"deny", "deny", "deny"}},
		{"write_file", "src%2F" + up + strings.TrimPrefix(outside, "/") + "/x", [3]string{"deny", "deny", "deny"}},
		{"read_file", "server%2Ekey", [3]string{"deny", "deny", "deny"}},
		{"grep_search", "%2E%2E", [3]string{"deny", "deny", "deny"}}, // the project's parent, which holds the home's keys
		{"write_file", "%00.txt", [3]string{"deny", "deny", "deny"}},
		{"write_file", "ok%20file.txt", [3]string{"deny", "allow", "allow"}},
		{"write_file", "src/%zz.go", [3]string{"deny", "allow", "allow"}},
	} {
		for i, mode := range editModes {
			input := map[string]any{"file_path": tt.path, "content": "x"}
			if tt.tool == "grep_search" {
				input = map[string]any{"pattern": "x", "dir_path": tt.path}
			}
			ans := hookAsk(t, guard, "gemini", project, hookWith(env, "GUARD_MODE="+mode), fileRequest("gemini", project, tt.tool, input))
			want := tt.want[i]
			if tt.tool == "read_file" || tt.tool == "grep_search" {
				if want == "allow" {
					want = "pass"
				}
			}
			if got := hookOutcome(ans); got != want && !(want == "pass" && got == "allow") {
				t.Errorf("%s %s %q: %s, want %s: %v", mode, tt.tool, tt.path, got, want, ans)
			}
		}
	}
}

// TestHookEditFoldedNames (edits-2): on a case-insensitive file system the
// agent's write of .ENV is the .env Gemini CLI loads into its own
// environment, and a write into work/XBIN one into the directory work/xbin
// on PATH; both were compared letter for letter and allowed in auto-edit.
func TestHookEditFoldedNames(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(base, "home")
	env := hookEnv(t, base)
	bin := filepath.Join(home, "work", "xbin")
	os.MkdirAll(bin, 0o755)
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + bin + ":" + os.Getenv("PATH")
		}
	}
	// The home is the project: the PATH directory lies in the root.
	for _, tt := range []struct {
		agent, path string
	}{
		{"gemini", "sub/.ENV"},
		{"gemini", "sub/.Env"},
		{"claude-code", "work/XBIN/git"},
		{"claude-code", "Work/xbin/ls"},
	} {
		tool := map[string]string{"gemini": "write_file", "claude-code": "Write"}[tt.agent]
		ans := hookAsk(t, guard, tt.agent, home, hookWith(env, "GUARD_MODE=auto-edit"), fileRequest(tt.agent, home, tool, map[string]any{"file_path": tt.path, "content": "x"}))
		if got := hookOutcome(ans); got == "allow" || got == "pass" {
			t.Errorf("auto-edit %s write of %s: %s: %v", tt.agent, tt.path, got, ans)
		}
	}
	ans := hookAsk(t, guard, "claude-code", home, hookWith(env, "GUARD_MODE=auto-edit"), fileRequest("claude-code", home, "Write", map[string]any{"file_path": "src/binary.go", "content": "x"}))
	if got := hookOutcome(ans); got != "allow" {
		t.Errorf("auto-edit write of src/binary.go: %s: %v", got, ans)
	}
}
