package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"guard/internal/gate"
)

// TestDoctorAgents: doctor's agent section tells a hook guard setup wrote
// (ok), a missing one (--), a hand-written one that does not fail closed
// and names no absolute guard (NO), an untrusted Codex hook (NO), and a
// settings file that does not parse (NO), and counts the problems.
func TestDoctorAgents(t *testing.T) {
	home := t.TempDir()
	proj := t.TempDir()
	t.Chdir(proj)
	c := &cli{env: []string{"HOME=" + home}}
	var out bytes.Buffer
	c.stdout, c.stderr = &out, &out
	if code := c.setup([]string{"claude-code"}); code != 0 {
		t.Fatalf("setup claude-code: %d\n%s", code, out.String())
	}
	if code := c.setup([]string{"codex"}); code != 0 {
		t.Fatalf("setup codex: %d\n%s", code, out.String())
	}
	gemini := filepath.Join(home, ".gemini", "settings.json")
	os.MkdirAll(filepath.Dir(gemini), 0o700)
	os.WriteFile(gemini, []byte(`{"hooks":{"BeforeTool":[{"matcher":"run_shell_command","hooks":[{"type":"command","command":"guard hook gemini"}]}]}}`), 0o600)
	os.MkdirAll(filepath.Join(proj, ".claude"), 0o700)
	os.WriteFile(filepath.Join(proj, ".claude", "settings.json"), []byte("{broken"), 0o600)

	var w bytes.Buffer
	problems := c.doctorAgents(&w, nil)
	got := w.String()
	for _, re := range []string{
		`(?m)^  ok   claude-code .*/\.claude/settings\.json: runs /.+, fails closed$`,
		`(?m)^  ok   codex       .*/\.codex/hooks\.json: runs /.+, fails closed, trusted$`,
		`(?m)^  NO   gemini      .*/\.gemini/settings\.json: the hook runs "guard", which is not an executable at an absolute path`,
		`(?m)^  NO   claude-code ` + regexp.QuoteMeta(filepath.Join(proj, ".claude", "settings.json")) + `: .*not JSON`,
	} {
		if !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("doctor output does not match %s:\n%s", re, got)
		}
	}
	if problems != 2 {
		t.Errorf("doctorAgents = %d problems, want 2:\n%s", problems, got)
	}

	// The project's own settings switch every hook off.
	os.WriteFile(filepath.Join(proj, ".claude", "settings.local.json"), []byte(`{"disableAllHooks": true}`), 0o600)
	w.Reset()
	if problems := c.doctorAgents(&w, nil); problems != 3 || !regexp.MustCompile(`(?m)^  NO   claude-code .*/\.claude/settings\.local\.json sets "disableAllHooks": true: Claude Code runs no hook`).MatchString(w.String()) {
		t.Errorf("a project's disableAllHooks: %d problems\n%s", problems, w.String())
	}

	// The project sets a variable guard reads for the agent's hooks.
	os.WriteFile(filepath.Join(proj, ".env"), []byte("GUARD_MODE=full-auto\n"), 0o600)
	w.Reset()
	if problems := c.doctorAgents(&w, nil); problems != 4 || !regexp.MustCompile(`(?m)^  NO   gemini .*/\.env sets GUARD_MODE=full-auto for Gemini CLI's hooks`).MatchString(w.String()) {
		t.Errorf("a project's .env: %d problems\n%s", problems, w.String())
	}

	// A hook whose timeout is shorter than guard's own deadline.
	settings := filepath.Join(home, ".claude", "settings.json")
	b0, _ := os.ReadFile(settings)
	os.WriteFile(settings, []byte(strings.Replace(string(b0), `"timeout": 30`, `"timeout": 5`, 1)), 0o600)
	w.Reset()
	c.doctorAgents(&w, nil)
	if !strings.Contains(w.String(), "the hook's timeout is 5 (s)") {
		t.Errorf("a 5 s timeout:\n%s", w.String())
	}
	os.WriteFile(settings, b0, 0o600)

	// A Codex hook changed by hand is no longer trusted.
	hooks := filepath.Join(home, ".codex", "hooks.json")
	b, _ := os.ReadFile(hooks)
	os.WriteFile(hooks, []byte(strings.Replace(string(b), `"timeout": 30`, `"timeout": 31`, 1)), 0o600)
	w.Reset()
	c.doctorAgents(&w, nil)
	if !strings.Contains(w.String(), "is not the hook's (it changed since it was trusted)") {
		t.Errorf("changed Codex hook:\n%s", w.String())
	}

	// A project's .mcp.json with a stdio server: reported, not counted.
	os.WriteFile(filepath.Join(proj, ".mcp.json"), []byte(`{"mcpServers": {"db": {"command": "npx", "args": ["x"]}, "web": {"url": "http://x"}}}`), 0o600)
	w.Reset()
	n0 := c.doctorAgents(&w, nil)
	if !regexp.MustCompile(`(?m)^  --   claude-code .*/\.mcp\.json lists MCP servers that run a program \(db\)`).MatchString(w.String()) {
		t.Errorf("a project's .mcp.json (%d problems):\n%s", n0, w.String())
	}
	os.Remove(filepath.Join(proj, ".mcp.json"))

	// Gemini CLI's and Codex's project MCP servers too (Gemini CLI 0.61.0
	// started one with the session, before any hook).
	os.MkdirAll(filepath.Join(proj, ".gemini"), 0o755)
	os.MkdirAll(filepath.Join(proj, ".codex"), 0o755)
	os.WriteFile(filepath.Join(proj, ".gemini", "settings.json"), []byte("// the project's\n{\"mcpServers\": {\"x\": {\"command\": \"sh\"}, \"y\": {\"httpUrl\": \"http://x\"}}}"), 0o600)
	os.WriteFile(filepath.Join(proj, ".codex", "config.toml"), []byte("[mcp_servers.docs]\ncommand = \"npx\"\n[mcp_servers.remote]\nurl = \"http://x\"\n"), 0o600)
	w.Reset()
	c.doctorAgents(&w, nil)
	for _, re := range []string{`(?m)^  --   gemini .*/\.gemini/settings\.json lists MCP servers that run a program \(x\): Gemini CLI`,
		`(?m)^  --   codex .*/\.codex/config\.toml lists MCP servers that run a program \(docs\): Codex`} {
		if !regexp.MustCompile(re).MatchString(w.String()) {
			t.Errorf("project MCP servers: no %s in\n%s", re, w.String())
		}
	}
	os.RemoveAll(filepath.Join(proj, ".gemini"))
	os.RemoveAll(filepath.Join(proj, ".codex"))

	// Settings of the project's that run a program at the start of a
	// session (Claude Code 2.1.332 ran a project's apiKeyHelper in -p mode;
	// Gemini CLI 0.61.0 a project's tools.discoveryCommand): reported, not
	// counted.
	os.MkdirAll(filepath.Join(proj, ".gemini"), 0o755)
	os.WriteFile(filepath.Join(proj, ".gemini", "settings.json"), []byte(`{"tools": {"discoveryCommand": "./discover"}}`), 0o600)
	os.WriteFile(filepath.Join(proj, ".claude", "settings.json"), []byte(`{"apiKeyHelper": "sh key.sh", "statusLine": {"type": "command", "command": "x"}}`), 0o600)
	w.Reset()
	n0 = c.doctorAgents(&w, nil)
	for _, re := range []string{`(?m)^  --   claude-code .*/\.claude/settings\.json sets programs Claude Code runs itself \(apiKeyHelper, statusLine\): they run with the session, before and outside any hook$`,
		`(?m)^  --   gemini      .*/\.gemini/settings\.json sets programs Gemini CLI runs itself \(tools\.discoveryCommand\)`} {
		if !regexp.MustCompile(re).MatchString(w.String()) {
			t.Errorf("project settings that run programs: no %s in\n%s", re, w.String())
		}
	}
	os.RemoveAll(filepath.Join(proj, ".gemini"))
	w.Reset()
	if n1 := c.doctorAgents(&w, nil); n1 != n0 {
		t.Errorf("reported settings counted as problems: %d, then %d without Gemini CLI's", n0, n1)
	}
	os.WriteFile(filepath.Join(proj, ".claude", "settings.json"), []byte("{broken"), 0o600)

	// Gemini CLI runs its hooks with the bash PATH finds: a PATH entry in a
	// writable root is a warning, a bash there a problem.
	bin := filepath.Join(proj, ".venv", "bin")
	os.MkdirAll(bin, 0o755)
	c.env = append(c.env, "PATH="+bin+":/usr/bin:/bin")
	doctor := func() (int, string) {
		g, err := c.newGate(gate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w.Reset()
		n := c.doctorAgents(&w, g)
		return n, w.String()
	}
	before, got := doctor()
	if !regexp.MustCompile(`(?m)^  --   gemini      PATH reaches a writable root`).MatchString(got) {
		t.Errorf("PATH with a directory in the project:\n%s", got)
	}
	os.WriteFile(filepath.Join(bin, "bash"), []byte("#!/bin/sh\n"), 0o755)
	after, got := doctor()
	if after != before+1 || !regexp.MustCompile(`(?m)^  NO   gemini      bash resolves to .*/\.venv/bin/bash, inside the writable root`).MatchString(got) {
		t.Errorf("a bash on PATH in the project: %d problems (before %d)\n%s", after, before, got)
	}
}

// TestSetupHooksOff: guard setup writes its hook into settings that switch
// every hook off (or under a variable that does), and the agent never asks
// guard (hooks-14); setup warns and exits 1, doctor counts it.
func TestSetupHooksOff(t *testing.T) {
	home := t.TempDir()
	t.Chdir(t.TempDir())
	settings := filepath.Join(home, ".claude", "settings.json")
	os.MkdirAll(filepath.Dir(settings), 0o700)
	os.WriteFile(settings, []byte(`{"disableAllHooks": true}`), 0o600)
	for _, env := range [][]string{{"HOME=" + home}, {"HOME=" + t.TempDir(), "CLAUDE_CODE_SIMPLE=1"}} {
		c := &cli{env: env}
		var out bytes.Buffer
		c.stdout, c.stderr = &out, &out
		if code := c.setup([]string{"claude-code"}); code != 1 || !strings.Contains(out.String(), "guard setup: warning: ") || !strings.Contains(out.String(), "guard's hook is never asked") {
			t.Errorf("%v: setup = %d\n%s", env, code, out.String())
		}
		var w bytes.Buffer
		if problems := c.doctorAgents(&w, nil); problems != 1 || !regexp.MustCompile(`(?m)^  NO   claude-code .*(disableAllHooks|CLAUDE_CODE_SIMPLE=1).*Claude Code `).MatchString(w.String()) {
			t.Errorf("%v: doctor = %d problems\n%s", env, problems, w.String())
		}
	}
	// The control: without either, setup exits 0.
	c := &cli{env: []string{"HOME=" + t.TempDir()}}
	var out bytes.Buffer
	c.stdout, c.stderr = &out, &out
	if code := c.setup([]string{"claude-code"}); code != 0 {
		t.Errorf("setup = %d\n%s", code, out.String())
	}
}
