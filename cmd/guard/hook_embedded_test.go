package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookClaudeEmbeddedGrep: Claude Code's Bash tool runs grep as its
// embedded ugrep, which searches a directory operand recursively; guard read
// `grep x .` as GNU grep ("Is a directory") and let it through while the
// tree held .env. Other agents run the system grep, and full-auto runs
// grep in guard's own bash -c.
func TestHookClaudeEmbeddedGrep(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	for name, body := range map[string]string{
		".env": "OPENAI_API_KEY=sk-EMBED-1\n", "notes.txt": "EMBED\n", "sub/a.txt": "EMBED\n", "keys/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proj, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := hookEnv(t, base)
	for _, tt := range []struct {
		agent, cmd string
		let        bool
	}{
		{"claude-code", "grep EMBED .", false},
		{"claude-code", "grep -n EMBED keys", false},
		{"claude-code", "grep -e EMBED notes.txt .", false},
		{"claude-code", "cd sub && grep EMBED ..", false},
		{"claude-code", "grep EMBED notes.txt", true},
		{"claude-code", "grep EMBED sub", true},
		{"claude-code", "ls | grep EMBED", true},
		{"codex", "grep EMBED .", true},
		{"gemini", "grep EMBED .", true},
	} {
		for _, mode := range []string{"suggest", "auto-edit"} {
			ans := hookAsk(t, guard, tt.agent, proj, hookWith(env, "GUARD_MODE="+mode), hookRequest(tt.agent, proj, tt.cmd))
			got := hookOutcome(ans)
			if tt.let && got != "allow" && got != "pass" {
				t.Errorf("%s %s %q: %s, want allow: %v", tt.agent, mode, tt.cmd, got, ans)
			}
			if !tt.let && (got == "allow" || got == "pass" || !strings.Contains(hookReason(ans), "embedded ugrep")) {
				t.Errorf("%s %s %q: %s, want asked as the embedded ugrep: %v", tt.agent, mode, tt.cmd, got, ans)
			}
		}
	}
}
