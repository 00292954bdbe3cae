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

// TestHookRgWhitelist: rg reads a hidden file that a whitelist rule of an
// ignore file names (!.env in .ignore, in a .gitignore of a repository, in
// one above the directory searched); Gemini CLI's grep_search runs rg
// without --hidden, and guard judged its walk as leaving .env out.
func TestHookRgWhitelist(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	for name, body := range map[string]string{".env": "OPENAI_API_KEY=sk-WL-1\n", "notes.txt": "WL\n", "sub/.env": "OPENAI_API_KEY=sk-WL-2\n", "sub/a.txt": "WL\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proj, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := hookWith(hookEnv(t, base), "GUARD_MODE=suggest")
	ask := func(input map[string]any) map[string]any {
		return hookAsk(t, guard, "gemini", proj, env, fileRequest("gemini", proj, "grep_search", input))
	}
	rgRuns := hook.GeminiGrepLegacy(hook.RuleEnv{Getenv: func(k string) string {
		if k == "PATH" {
			return os.Getenv("PATH")
		}
		return ""
	}, Home: filepath.Join(base, "home"), Project: proj}) == ""
	if got := hookOutcome(ask(map[string]any{"pattern": "WL"})); rgRuns && got == "deny" {
		t.Errorf("grep_search with no whitelist rule: %s, want let through", got)
	}
	for _, tt := range []struct{ file, body string }{
		{".ignore", "!.env\n"},
		{".rgignore", "*.log\n!.e*\n"},
		{"../.ignore", "!.env\n"},
		{".geminiignore", "!.env\n"},
		{"my.ignore", "!.env\n"},
	} {
		if tt.file == "my.ignore" {
			// Gemini CLI hands rg the files the settings name too.
			os.MkdirAll(filepath.Join(proj, ".gemini"), 0o755)
			os.WriteFile(filepath.Join(proj, ".gemini", "settings.json"), []byte(`{"context": {"fileFiltering": {"customIgnoreFilePaths": ["my.ignore"]}}}`), 0o644)
		}
		p := filepath.Join(proj, tt.file)
		if err := os.WriteFile(p, []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, input := range []map[string]any{{"pattern": "WL"}, {"pattern": "WL", "dir_path": "sub"}} {
			ans := ask(input)
			if got := hookOutcome(ans); got != "deny" || !strings.Contains(hookReason(ans), "whitelist rule") && rgRuns {
				t.Errorf("grep_search %v with %s %q: %s, want refused for the whitelist rule: %v", input, tt.file, tt.body, got, ans)
			}
		}
		os.Remove(p)
	}
}
