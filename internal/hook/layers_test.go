package hook

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestSettingsAboveTheProject: a session started in a subdirectory of a
// repository takes project settings from above it, as each agent was seen
// to (Claude Code: the repository root's .claude/settings.local.json and the
// main worktree's; Codex: .codex/ from the root down; Gemini CLI: the first
// .env up). Each check reads them there too.
func TestSettingsAboveTheProject(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo := filepath.Join(dir, "repo")
	app := filepath.Join(repo, "pkg", "app")
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	os.MkdirAll(app, 0o755)
	write("repo/.claude/settings.local.json", `{"disableAllHooks": true, "env": {"GUARD_CONFIG": "/r/x.toml"}}`)
	// Claude Code does not read the root's settings.json for a session in a
	// subdirectory.
	write("repo/.claude/settings.json", `{"disableAllHooks": true, "env": {"GUARD_MODE": "full-auto"}}`)
	env := map[string]string{"GUARD_CONFIG": "/r/x.toml", "GUARD_MODE": "full-auto", "TMPDIR": "/tmp"}
	getenv := func(k string) string { return env[k] }

	off, err := ProjectHooksOff(ClaudeCode, app)
	if err != nil || len(off) != 1 || off[0].File != filepath.Join(repo, ".claude", "settings.local.json") {
		t.Errorf("Claude Code in a subdirectory: hooks off %v (%v), want the root's settings.local.json", off, err)
	}
	vars := ProjectGuardVars(ClaudeCode, app, getenv)
	if len(vars) != 1 || vars[0].Name != "GUARD_CONFIG" {
		t.Errorf("Claude Code in a subdirectory: %v, want GUARD_CONFIG from the root's settings.local.json", vars)
	}
	if files := RuleFiles(ClaudeCode, RuleEnv{Getenv: getenv, Project: app}); !slices.Contains(files, filepath.Join(repo, ".claude", "settings.local.json")) {
		t.Errorf("Claude Code's rule files %v miss the root's settings.local.json", files)
	}

	// A linked worktree: the main worktree's local settings apply.
	write("main/.git/worktrees/wt/commondir", "../..\n")
	write("main/.claude/settings.local.json", `{"disableAllHooks": true}`)
	write("wt/.git", "gitdir: "+filepath.Join(dir, "main", ".git", "worktrees", "wt")+"\n")
	os.MkdirAll(filepath.Join(dir, "wt", "sub"), 0o755)
	off, err = ProjectHooksOff(ClaudeCode, filepath.Join(dir, "wt", "sub"))
	if err != nil || len(off) != 1 || off[0].File != filepath.Join(dir, "main", ".claude", "settings.local.json") {
		t.Errorf("Claude Code in a linked worktree: hooks off %v (%v), want the main worktree's settings.local.json", off, err)
	}

	// Codex: every .codex/ from the repository root down.
	write("repo/.codex/config.toml", "[shell_environment_policy]\nset = { TMPDIR = \"/var/tmp\" }\n")
	write("repo/pkg/.codex/config.toml", "[shell_environment_policy]\nset = { GUARD_MODE = \"full-auto\" }\n")
	got := map[string]string{}
	for _, v := range ProjectGuardVars(Codex, app, getenv) {
		got[v.Name] = v.File
	}
	if got["TMPDIR"] != filepath.Join(repo, ".codex", "config.toml") || got["GUARD_MODE"] != filepath.Join(repo, "pkg", ".codex", "config.toml") || len(got) != 2 {
		t.Errorf("Codex in a subdirectory: %v, want TMPDIR from the root and GUARD_MODE from pkg", got)
	}
	if files := RuleFiles(Codex, RuleEnv{Getenv: getenv, Project: app}); !slices.Contains(files, filepath.Join(repo, ".codex", "rules")) {
		t.Errorf("Codex's rule dirs %v miss the root's .codex/rules", files)
	}
	// Outside a repository only the session's directory counts.
	if d := codexProjectDirs(filepath.Join(dir, "plain", "x")); len(d) != 1 {
		t.Errorf("codexProjectDirs outside a repository: %v", d)
	}
	// A .git that leads nowhere (the full-auto sandbox's placeholder at the
	// top of /tmp) makes no repository.
	if err := os.MkdirAll(filepath.Join(dir, "held", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/null/guard-placeholder", filepath.Join(dir, "held", ".git")); err != nil {
		t.Fatal(err)
	}
	if d := codexProjectDirs(filepath.Join(dir, "held", "x")); len(d) != 1 {
		t.Errorf("codexProjectDirs below a placeholder .git: %v", d)
	}

	// Gemini CLI: the repository's .env above the package.
	write("repo/.env", "BASH_ENV=/r/evil.sh\n")
	env["BASH_ENV"] = "/r/evil.sh"
	if vars := ProjectGuardVars(Gemini, app, getenv); len(vars) != 1 || vars[0].Name != "BASH_ENV" {
		t.Errorf("Gemini CLI in a subdirectory: %v, want BASH_ENV from the root's .env", vars)
	}
}
