package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestHookRgConfig: the agents' search tools that run rg read the
// configuration RIPGREP_CONFIG_PATH names; a --hidden (or --no-ignore, -uu,
// a glob) there makes them read what guard judged left out: Gemini CLI's
// grep_search printed .env's key.
func TestHookRgConfig(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	for name, body := range map[string]string{
		".env": "OPENAI_API_KEY=sk-RGRC-1\n", "notes.txt": "RGRC\n", ".gitignore": "keys/\n", "keys/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proj, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(proj, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	for _, tt := range []struct {
		config string
		let    bool
	}{
		{"", true},
		{"--smart-case\n--glob=!*.min.js\n", true},
		{"--hidden\n", false},
		{"-.\n", false},
		{"--glob=*\n", false},
		{"-uu\n", false},
	} {
		rc := filepath.Join(base, "ripgreprc")
		if err := os.WriteFile(rc, []byte(tt.config), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			agent, tool string
			input       map[string]any
		}{
			{"gemini", "grep_search", map[string]any{"pattern": "RGRC"}},
		} {
			ans := hookAsk(t, guard, c.agent, proj, hookWith(env, "GUARD_MODE=suggest", "RIPGREP_CONFIG_PATH="+rc), fileRequest(c.agent, proj, c.tool, c.input))
			got := hookOutcome(ans)
			if tt.let && got == "deny" {
				t.Errorf("%s %q: %s, want let through: %v", c.tool, tt.config, got, ans)
			}
			if !tt.let && (got != "deny" || !strings.Contains(hookReason(ans), "rg's configuration")) {
				t.Errorf("%s %q: %s, want refused, naming rg's configuration: %v", c.tool, tt.config, got, ans)
			}
		}
	}
	// --no-ignore: the .gitignored key (Claude Code's Grep reads hidden
	// files already), in a project without .env.
	if err := os.Remove(filepath.Join(proj, ".env")); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(base, "ripgreprc")
	if err := os.WriteFile(rc, []byte("--no-ignore\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ans := hookAsk(t, guard, "claude-code", proj, hookWith(env, "GUARD_MODE=suggest", "RIPGREP_CONFIG_PATH="+rc),
		fileRequest("claude-code", proj, "Grep", map[string]any{"pattern": "RGRC", "path": proj, "output_mode": "content"}))
	if got := hookOutcome(ans); got == "allow" || got == "pass" {
		t.Errorf("Grep with --no-ignore in rg's configuration: %s, want asked: %v", got, ans)
	}
	if err := os.WriteFile(rc, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ans = hookAsk(t, guard, "claude-code", proj, hookWith(env, "GUARD_MODE=suggest", "RIPGREP_CONFIG_PATH="+rc),
		fileRequest("claude-code", proj, "Grep", map[string]any{"pattern": "RGRC", "path": proj, "output_mode": "content"}))
	if got := hookOutcome(ans); got != "allow" && got != "pass" {
		t.Errorf("Grep with an empty rg configuration: %s, want let through: %v", got, ans)
	}
}

// TestHookGeminiGrepLegacy: without rg (a project's tools.useRipgrep false,
// or the first rg on PATH outside the system directories), Gemini CLI's
// grep_search runs grep -r, which reads .env: guard judged it as rg.
func TestHookGeminiGrepLegacy(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj, cargo := filepath.Join(base, "proj"), filepath.Join(base, "cargo")
	for name, body := range map[string]string{".env": "OPENAI_API_KEY=sk-NORG-1\n", "notes.txt": "NORG\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proj, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(cargo, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cargo, "rg"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	req := fileRequest("gemini", proj, "grep_search", map[string]any{"pattern": "NORG"})
	ask := func(extra ...string) string {
		return hookOutcome(hookAsk(t, guard, "gemini", proj, hookWith(env, append([]string{"GUARD_MODE=suggest"}, extra...)...), req))
	}
	if got := ask("PATH=" + cargo + ":" + os.Getenv("PATH")); got != "deny" {
		t.Errorf("grep_search with cargo's rg first on PATH: %s, want refused", got)
	}
	if err := os.MkdirAll(filepath.Join(proj, ".gemini"), 0o755); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(proj, ".gemini", "settings.json")
	if err := os.WriteFile(settings, []byte(`{"tools": {"useRipgrep": false}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ans := hookAsk(t, guard, "gemini", proj, hookWith(env, "GUARD_MODE=suggest"), req)
	if got := hookOutcome(ans); got != "deny" || !strings.Contains(hookReason(ans), "tools.useRipgrep") {
		t.Errorf("grep_search with the project's tools.useRipgrep false: %s, want refused, naming the setting: %v", got, ans)
	}
	if err := os.Remove(settings); err != nil {
		t.Fatal(err)
	}
	if hook.GeminiGrepLegacy(hook.RuleEnv{Getenv: os.Getenv, Home: t.TempDir()}) == "" {
		if got := ask(); got == "deny" {
			t.Errorf("grep_search with a system rg: %s, want let through", got)
		}
	}
}
