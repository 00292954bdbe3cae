package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHookSecretReadersAsked: through the hook in suggest mode, commands
// that print a secret the file list cannot name by the command's words
// (BSD ps e, a recursive search of a tree holding .env, find | xargs cat, a
// git config holding a token, docker inspect) are never allowed as safe.
func TestHookSecretReadersAsked(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	proj := filepath.Join(work, "proj")
	for _, f := range []struct{ path, body string }{
		{proj + "/.env", "OPENAI_API_KEY=sk-x\n"},
		{proj + "/src/a.py", "print(1)\n"},
		{proj + "/.git/config", "[remote \"origin\"]\n\turl = https://x-access-token:ghs_x@github.com/o/r.git\n"},
	} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.path, []byte(f.body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for _, cmd := range []string{"ps auxe", "ps eww", "grep -r OPENAI", "grep -r . --include=.env", "rg -uu KEY",
		"find . -name .env | xargs cat", "find . -name .env -exec grep KEY {} +", "git grep --no-index KEY",
		"cat .git/config", "git config --list", "git remote -v", "docker inspect web"} {
		ans := hookAsk(t, guard, "claude-code", proj, env, hookRequest("claude-code", proj, cmd))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d == "allow" || len(ans) == 0 {
			t.Errorf("hook, suggest: %q: answer %v, want it asked (it prints a secret)", cmd, ans)
		}
	}
	for _, cmd := range []string{"grep -rn print src", "ps aux"} {
		ans := hookAsk(t, guard, "claude-code", proj, env, hookRequest("claude-code", proj, cmd))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "allow" && len(ans) != 0 {
			t.Errorf("hook, suggest: %q: answer %v, want allow (no secret within reach)", cmd, ans)
		}
	}
}
