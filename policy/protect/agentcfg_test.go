package protect

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestResolveAgentConfigRuns: the scripts a protected agent or editor
// config names as programs (Claude Code's hooks and status line, an MCP
// server's command and an interpreter's script, a VS Code task, Codex's
// MCP servers and notify, a Dev Container's initializeCommand, Gemini
// CLI's hooks) are protected where they lie in a root; a missing one named
// by a path is looked for; data files and arguments that are no program
// are not protected.
func TestResolveAgentConfigRuns(t *testing.T) {
	proj := t.TempDir()
	write := func(p, s string) { writeIn(t, proj, p, s) }
	write(".claude/settings.json", `{
  // comments, as JSONC allows
  "permissions": {"allow": ["Bash(./scripts/notrun.sh)"]},
  "hooks": {"PostToolUse": [
    {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/scripts/format.sh"}]},
    {"matcher": "Bash", "hooks": [{"type": "command", "command": "jq -r .x | bash scripts/lint.sh", "timeout": 30}]},
  ]},
  "statusLine": {"type": "command", "command": "${CLAUDE_PROJECT_DIR}/scripts/status.sh"},
  "apiKeyHelper": "./scripts/missing-key.sh"
}`)
	write(".mcp.json", `{"mcpServers": {"a": {"command": "./tools/mcp.sh", "args": ["--data", "data/notrun.json"]},
  "b": {"command": "python3", "args": ["tools/server.py"]}, "c": {"command": "npx", "args": ["-y", "@scope/pkg"]}}}`)
	write(".vscode/tasks.json", `{"version": "2.0.0", "tasks": [{"label": "x", "type": "shell", "command": "${workspaceFolder}/tools/task.sh",
  "runOptions": {"runOn": "folderOpen"}}]}`)
	write(".codex/config.toml", "notify = [\"python3\", \"tools/notify.py\"]\n[mcp_servers.x]\ncommand = \"node\"\nargs = [\n  \"tools/codex-mcp.js\",\n]\n")
	write(".devcontainer/devcontainer.json", `{"initializeCommand": {"a": "sh tools/init.sh", "b": ["tools/init2.sh"]}}`)
	write(".gemini/settings.json", `{"hooks": {"BeforeTool": [{"hooks": [{"type": "command", "command": "$GEMINI_PROJECT_DIR/tools/gem.sh"}]}]}}`)
	write(".devin/hooks.json", `{"pre_run_command": {"bash": "python3 tools/wind.py"}}`)
	write(".kimi/config.toml", "[[hooks]]\nevent = \"PreToolUse\"\ncommand = \"tools/kimi.sh\"\n[mcp.client]\ntool_call_timeout_ms = 6\n")
	for _, f := range []string{"tools/wind.py", "tools/kimi.sh", "scripts/format.sh", "scripts/lint.sh", "scripts/status.sh", "scripts/notrun.sh",
		"tools/mcp.sh", "tools/server.py", "data/notrun.json", "tools/task.sh", "tools/notify.py", "tools/codex-mcp.js",
		"tools/init.sh", "tools/init2.sh", "tools/gem.sh"} {
		write(f, "#\n")
	}
	paths, missing := resolvedIn(proj)
	for _, want := range []string{"scripts/format.sh", "scripts/lint.sh", "scripts/status.sh", "tools/mcp.sh",
		"tools/server.py", "tools/task.sh", "tools/notify.py", "tools/codex-mcp.js", "tools/init.sh", "tools/init2.sh",
		"tools/gem.sh", "tools/wind.py", "tools/kimi.sh"} {
		if !slices.Contains(paths, filepath.Join(proj, want)) {
			t.Errorf("%s not protected (an agent or editor runs it); protected: %q", want, paths)
		}
	}
	if p := filepath.Join(proj, "scripts/missing-key.sh"); !slices.Contains(missing, p) {
		t.Errorf("%s not looked for (missing: %q)", p, missing)
	}
	for _, not := range []string{"scripts/notrun.sh"} {
		if slices.Contains(paths, filepath.Join(proj, not)) {
			t.Errorf("%s protected: no config runs it", not)
		}
	}
}

// TestJSONCommands: the commands read from JSON and JSONC, a malformed
// document included.
func TestJSONCommands(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want [][]string
	}{
		{`{"command": "a b", "args": ["c"]}`, [][]string{{"a b", "c"}}},
		{`{"x": {"command": ["node", "s.js"]}, "y": "command"}`, [][]string{{"node", "s.js"}}},
		{`/* c */ {"apiKeyHelper": "k.sh", "notify": ["n", "m"]}`, [][]string{{"k.sh"}, {"n", "m"}}},
		{`{"initializeCommand": {"a": "i.sh", "b": ["j.sh", "-x"]}}`, [][]string{{"i.sh"}, {"j.sh", "-x"}}},
		{`{"a": "\"q\\\"", "command": "x.sh"`, nil},
		{`{"hooks": [{"command": "h.sh"}], "cmd": "no"}`, [][]string{{"h.sh"}}},
	} {
		if got := jsonCommands([]byte(c.doc)); !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("jsonCommands(%s) = %q, want %q", c.doc, got, c.want)
		}
	}
}

// TestResolveHookScripts: the scripts a protected git hook, husky hook,
// core.hooksPath hook, .envrc, pre-commit config (`entry:`) or lefthook
// config (`run:`) runs by path are protected; a missing one named by a
// path is looked for; git's sample hooks and words that are no file are
// not followed.
func TestResolveHookScripts(t *testing.T) {
	proj := t.TempDir()
	write := func(p, s string) { writeIn(t, proj, p, s) }
	write(".git/HEAD", "ref: refs/heads/main\n")
	write(".git/config", "[core]\n\thooksPath = .githooks\n")
	write(".git/hooks/pre-commit", "#!/bin/sh\n# ./scripts/commented.sh\n./scripts/check.sh && go test ./...\n")
	write(".git/hooks/pre-push.sample", "./scripts/sample.sh\n")
	write(".githooks/commit-msg", "#!/bin/sh\nexec python3 tools/msg.py \"$1\"\n")
	write(".husky/pre-commit", "npx lint-staged\nbash scripts/husky.sh\nprettier --check src/main.ts\nnode_modules/.bin/eslint .\n")
	write(".envrc", "./scripts/env-setup.sh\nexport X=1\nwatch_file package.json\n")
	write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks:\n  - id: lint\n    entry: ./scripts/pc.sh\n    language: script\n")
	write("lefthook.yml", "pre-commit:\n  commands:\n    lint:\n      run: sh scripts/lh.sh {staged_files}\n    gone:\n      run: ./scripts/missing.sh\n")
	for _, f := range []string{"scripts/check.sh", "scripts/sample.sh", "scripts/commented.sh", "tools/msg.py",
		"scripts/husky.sh", "scripts/env-setup.sh", "scripts/pc.sh", "scripts/lh.sh", "src/main.ts", "package.json",
		"node_modules/.bin/eslint"} {
		write(f, "#\n")
	}
	paths, missing := resolvedIn(proj)
	for _, want := range []string{"scripts/check.sh", "tools/msg.py", "scripts/husky.sh", "scripts/env-setup.sh",
		"scripts/pc.sh", "scripts/lh.sh"} {
		if !slices.Contains(paths, filepath.Join(proj, want)) {
			t.Errorf("%s not protected (a hook runs it); protected: %q", want, paths)
		}
	}
	if p := filepath.Join(proj, "scripts/missing.sh"); !slices.Contains(missing, p) {
		t.Errorf("%s not looked for (missing: %q)", p, missing)
	}
	for _, not := range []string{"scripts/sample.sh", "scripts/commented.sh", "src/main.ts", "package.json",
		"node_modules/.bin/eslint"} {
		if slices.Contains(paths, filepath.Join(proj, not)) {
			t.Errorf("%s protected: no hook runs it", not)
		}
	}
}

// writeIn writes s to the file p below dir, making its directories.
func writeIn(t *testing.T, dir, p, s string) {
	t.Helper()
	p = filepath.Join(dir, p)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// resolvedIn resolves the default list for proj as a root and returns the
// protected paths found, and those looked for where missing.
func resolvedIn(proj string) (paths, missing []string) {
	prot, _ := Default().Resolve([]string{proj}, []string{proj}, "")
	for _, f := range prot {
		if f.Missing {
			missing = append(missing, f.Path)
		} else {
			paths = append(paths, f.Path)
		}
	}
	return paths, missing
}
