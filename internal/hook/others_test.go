package hook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The agents run every pre-tool hook whose matcher takes the tool, and
// apply the input rewrite of the one that answers last: another hook's can
// replace guard's sandboxed rewrite.
func TestOtherHooks(t *testing.T) {
	home, project := t.TempDir(), t.TempDir()
	guardCmd := func(agent string) string {
		return `'/usr/local/bin/guard' hook ` + agent + ` || { echo "guard hook failed (exit $?)" >&2; exit 2; }`
	}
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project,
		ClaudeManaged: filepath.Join(home, "managed"), GeminiSystem: filepath.Join(home, "system"), CodexSystem: filepath.Join(home, "etc-codex")}

	// Only guard's own hook, and hooks for other tools: none.
	claude := filepath.Join(home, ".claude", "settings.json")
	writeFile(t, claude, `{"hooks": {"PreToolUse": [
	  {"matcher": "Bash|Write", "hooks": [{"type": "command", "command": "`+strings.ReplaceAll(guardCmd("claude-code"), `"`, `\"`)+`"}]},
	  {"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "prettier-hook"}]}],
	  "PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "log-hook"}]}]}}`)
	if got := hook.OtherHooks(hook.ClaudeCode, env, "Bash"); len(got) != 0 {
		t.Errorf("OtherHooks with guard's own and other tools' hooks = %v, want none", got)
	}
	// Matchers that take Bash: a name, *, none, a pattern; the project's too.
	for _, m := range []string{`"Bash"`, `"*"`, `""`, `"Ba.*"`, `"Notebook|Bash"`, `"Bas"`, `"(["`} {
		writeFile(t, filepath.Join(project, ".claude", "settings.local.json"), `{"hooks": {"PreToolUse": [{"matcher": `+m+`, "hooks": [{"type": "command", "command": "rtk-rewrite"}]}]}}`)
		got := hook.OtherHooks(hook.ClaudeCode, env, "Bash")
		if len(got) != 1 || got[0].Command != "rtk-rewrite" || !strings.HasSuffix(got[0].File, "settings.local.json") {
			t.Errorf("matcher %s: OtherHooks = %v, want the project's rtk-rewrite", m, got)
		}
	}
	writeFile(t, filepath.Join(project, ".claude", "settings.local.json"), `{"hooks": {"PreToolUse": [{"hooks": [{"type": "http", "url": "http://127.0.0.1:9/"}]}]}}`)
	if got := hook.OtherHooks(hook.ClaudeCode, env, "Bash"); len(got) != 1 || got[0].Command != "a http hook" {
		t.Errorf("an http hook: %v", got)
	}

	// A plugin's hooks.json.
	writeFile(t, filepath.Join(project, ".claude", "settings.local.json"), `{}`)
	writeFile(t, filepath.Join(home, ".claude", "plugins", "cache", "market", "fmt", "1.0.0", "hooks", "hooks.json"),
		`{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/rewrite.sh"}]}]}}`)
	if got := hook.OtherHooks(hook.ClaudeCode, env, "Bash"); len(got) != 1 || got[0].Command != "${CLAUDE_PLUGIN_ROOT}/rewrite.sh" {
		t.Errorf("a plugin's hook: %v", got)
	}

	// Gemini CLI: settings with comments, BeforeTool; guard's hook by name too.
	writeFile(t, filepath.Join(home, ".gemini", "settings.json"), `{
	  // the user's
	  "hooks": {"BeforeTool": [
	    {"matcher": "run_shell_command", "hooks": [{"name": "guard", "type": "command", "command": "/opt/guard hook gemini"}]},
	    {"matcher": "run_shell_command", "hooks": [{"name": "audit", "type": "command", "command": "audit-hook --json"}]}]}}`)
	if got := hook.OtherHooks(hook.Gemini, env, "run_shell_command"); len(got) != 1 || got[0].Command != "audit-hook --json" {
		t.Errorf("Gemini CLI: OtherHooks = %v", got)
	}
	writeFile(t, filepath.Join(home, ".gemini", "extensions", "ext", "hooks", "hooks.json"), `{"hooks": {"BeforeTool": [{"hooks": [{"type": "command", "command": "ext-hook"}]}]}}`)
	if got := hook.OtherHooks(hook.Gemini, env, "run_shell_command"); len(got) != 2 || got[1].Command != "ext-hook" {
		t.Errorf("Gemini CLI with an extension's hook: OtherHooks = %v", got)
	}
	// A linked extension's hooks are in its source (hooks-17 H17-2).
	writeFile(t, filepath.Join(home, ".gemini", "extensions", "dev", ".gemini-extension-install.json"), `{"source": "`+filepath.Join(home, "src", "dev")+`", "type": "link"}`)
	writeFile(t, filepath.Join(home, "src", "dev", "hooks", "hooks.json"), `{"hooks": {"BeforeTool": [{"hooks": [{"type": "command", "command": "linked-hook"}]}]}}`)
	if got := hook.OtherHooks(hook.Gemini, env, "run_shell_command"); len(got) != 3 || got[2].Command != "linked-hook" {
		t.Errorf("Gemini CLI with a linked extension's hook: OtherHooks = %v", got)
	}
	// Codex: hooks.json in CODEX_HOME.
	writeFile(t, filepath.Join(home, ".codex", "hooks.json"), `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "other"}]}]}}`)
	if got := hook.OtherHooks(hook.Codex, env, "Bash"); len(got) != 1 || got[0].Command != "other" {
		t.Errorf("Codex: OtherHooks = %v", got)
	}
	// An installed plugin's hooks (hooks-16 H16-3): its hooks/hooks.json,
	// and a manifest's inline hooks.
	plugin := filepath.Join(home, ".codex", "plugins", "cache", "mkt", "fmt", "1.0.0")
	writeFile(t, filepath.Join(plugin, "hooks", "hooks.json"), `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "plugin-rewrite"}]}]}}`)
	writeFile(t, filepath.Join(plugin, ".codex-plugin", "plugin.json"), `{"name": "fmt", "hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "manifest-hook"}]}]}}`)
	got := hook.OtherHooks(hook.Codex, env, "Bash")
	if len(got) != 3 || got[1].Command != "plugin-rewrite" || got[2].Command != "manifest-hook" {
		t.Errorf("Codex with a plugin's hooks: OtherHooks = %v", got)
	}
	os.RemoveAll(filepath.Join(home, ".codex", "plugins"))
	// And the machine's /etc/codex/hooks.json, which Codex runs untrusted
	// (hooks-14: its echo of the input replaced guard's rewrite).
	writeFile(t, filepath.Join(home, "etc-codex", "hooks.json"), `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "org-log"}]}]}}`)
	if got := hook.OtherHooks(hook.Codex, env, "Bash"); len(got) != 2 || got[0].Command != "org-log" {
		t.Errorf("Codex with a system hook: OtherHooks = %v", got)
	}
	// Claude Code's managed drop-ins, as its managed file.
	writeFile(t, filepath.Join(home, ".codex", "hooks.json"), `{}`)
	writeFile(t, filepath.Join(home, "managed", "managed-settings.d", "10-log.json"), `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "org-claude-log"}]}]}}`)
	if got := hook.OtherHooks(hook.ClaudeCode, env, "Bash"); len(got) != 2 || got[0].Command != "org-claude-log" {
		t.Errorf("Claude Code with a managed drop-in's hook: OtherHooks = %v", got)
	}
}

// With another hook for the tool, a sandboxed verdict is a deny naming the
// rewrite, for every agent; the rewrite sent back is then allowed as is.
func TestEncodeOthers(t *testing.T) {
	for _, gr := range goldenRequests {
		req, err := decodeFile(t, gr.agent, gr.file)
		if err != nil {
			t.Fatal(err)
		}
		if !req.Shell || req.SkillShell {
			continue
		}
		req.Rewrites = true
		req.Others = []hook.OtherHook{{File: "/home/u/.claude/settings.json", Command: "rtk-rewrite"}}
		for _, v := range []hook.Verdict{hook.Sandbox, hook.AskSandbox} {
			var buf bytes.Buffer
			if err := hook.Encode(gr.agent, &buf, req, v, reasons[v], guardPath); err != nil {
				t.Fatal(err)
			}
			checkAnswer(t, gr.agent, req, v, buf.Bytes())
			var p parsedAnswer
			if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			reason := p.Reason
			if p.Specific != nil {
				reason += p.Specific.PermissionDecisionReason
			}
			want := "Run exactly this instead: " + hook.Rewrite(guardPath, req.Command)
			if !strings.HasSuffix(reason, want) || !strings.Contains(reason, "rtk-rewrite") {
				t.Errorf("%s %s with another hook: %s, want a deny naming the hook and %q", gr.file, v, buf.Bytes(), want)
			}
			if e := hook.Effective(gr.agent, req, v); e != hook.Deny {
				t.Errorf("Effective = %v, want deny", e)
			}
		}
	}
}

// A plugin's manifest gives hooks inline, as the path of a hooks file
// relative to the plugin's root, or as a list of either; a hooks file may
// name hooks modules; Claude Code also loads the plugins of
// CLAUDE_CODE_PLUGIN_DIRS, of the plugins directory
// CLAUDE_CODE_PLUGIN_CACHE_DIR names, and the install paths of
// installed_plugins.json; Codex reads .cursor-plugin/plugin.json too
// (hooks-17 H17-1).
func TestOtherHooksPluginManifests(t *testing.T) {
	hookJSON := func(cmd string) string {
		return `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "` + cmd + `"}]}]}}`
	}
	for _, c := range []struct {
		name  string
		agent hook.Agent
		env   map[string]string
		files map[string]string // under the scratch home; ROOT the plugin's root
		root  string
		want  []string
	}{
		{name: "Claude Code: a manifest's hooks file", agent: hook.ClaudeCode, root: ".claude/plugins/cache/mkt/echo/1.0.0",
			files: map[string]string{"ROOT/.claude-plugin/plugin.json": `{"name": "echo", "hooks": "./cfg/extra.json"}`, "ROOT/cfg/extra.json": hookJSON("by-path")},
			want:  []string{"by-path"}},
		{name: "Claude Code: a manifest's inline hooks", agent: hook.ClaudeCode, root: ".claude/plugins/cache/mkt/echo/1.0.0",
			files: map[string]string{"ROOT/.claude-plugin/plugin.json": `{"name": "echo", "hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "inline"}]}]}}`},
			want:  []string{"inline"}},
		{name: "Claude Code: a list of both", agent: hook.ClaudeCode, root: ".claude/plugins/cache/mkt/echo",
			files: map[string]string{"ROOT/.claude-plugin/plugin.json": `{"name": "echo", "hooks": ["cfg/a.json", {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "b"}]}]}]}`, "ROOT/cfg/a.json": hookJSON("a")},
			want:  []string{"a", "b"}},
		{name: "Claude Code: a hooks module", agent: hook.ClaudeCode, root: ".claude/plugins/cache/mkt/echo/1.0.0",
			files: map[string]string{"ROOT/hooks/hooks.json": `{"modules": ["./register.js"]}`},
			want:  []string{"a hooks module `./register.js`"}},
		{name: "Claude Code: CLAUDE_CODE_PLUGIN_DIRS", agent: hook.ClaudeCode, root: "dev/plug",
			env:   map[string]string{"CLAUDE_CODE_PLUGIN_DIRS": "/nonexistent:HOME/dev/plug"},
			files: map[string]string{"ROOT/hooks/hooks.json": hookJSON("plugin-dir")},
			want:  []string{"plugin-dir"}},
		{name: "Claude Code: CLAUDE_CODE_PLUGIN_CACHE_DIR", agent: hook.ClaudeCode, root: "other/cache/mkt/echo/2.0.0",
			env:   map[string]string{"CLAUDE_CODE_PLUGIN_CACHE_DIR": "HOME/other"},
			files: map[string]string{"ROOT/hooks/hooks.json": hookJSON("cache-dir")},
			want:  []string{"cache-dir"}},
		{name: "Claude Code: an install path", agent: hook.ClaudeCode, root: "src/echo",
			files: map[string]string{".claude/plugins/installed_plugins.json": `{"version": 2, "plugins": {"echo@mkt": [{"scope": "user", "installPath": "HOME/src/echo"}]}}`, "ROOT/hooks/hooks.json": hookJSON("installed")},
			want:  []string{"installed"}},
		{name: "Codex: a manifest's hooks file", agent: hook.Codex, root: ".codex/plugins/cache/mkt/echo/1.0.0",
			files: map[string]string{"ROOT/.codex-plugin/plugin.json": `{"name": "echo", "hooks": "./hooks/extra.json"}`, "ROOT/hooks/extra.json": hookJSON("codex-path")},
			want:  []string{"codex-path"}},
		{name: "Codex: a Cursor plugin's manifest", agent: hook.Codex, root: ".codex/plugins/cache/mkt/echo/1.0.0",
			files: map[string]string{"ROOT/.cursor-plugin/plugin.json": `{"name": "echo", "hooks": [{"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "cursor"}]}]}]}`},
			want:  []string{"cursor"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			r := strings.NewReplacer("HOME", home, "ROOT", c.root)
			for name, data := range c.files {
				writeFile(t, filepath.Join(home, r.Replace(name)), r.Replace(data))
			}
			env := hook.RuleEnv{Getenv: func(k string) string { return r.Replace(c.env[k]) }, Home: home, Project: t.TempDir(),
				ClaudeManaged: filepath.Join(home, "managed"), CodexSystem: filepath.Join(home, "etc-codex")}
			var got []string
			for _, o := range hook.OtherHooks(c.agent, env, "Bash") {
				got = append(got, o.Command)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("OtherHooks = %q, want %q", got, c.want)
			}
		})
	}
}

// The --plugin-dir flags of the agent's command line (hooks-17 H17-1):
// the test binary runs itself under `sh -c ... sh --plugin-dir DIR`, a
// parent process holding the flag, as Claude Code started with it does.
func TestOtherHooksPluginDirFlag(t *testing.T) {
	if os.Getenv("GUARD_TEST_PLUGIN_DIR_CHILD") == "1" {
		env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: os.Getenv("HOME"), Project: os.Getenv("HOME"),
			ClaudeManaged: "/nonexistent", CodexSystem: "/nonexistent"}
		for _, o := range hook.OtherHooks(hook.ClaudeCode, env, "Bash") {
			fmt.Println("OTHER", o.Command)
		}
		return
	}
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc to read the ancestors' command lines from")
	}
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "plug", "hooks", "hooks.json"), `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "flag-hook"}]}]}}`)
	writeFile(t, filepath.Join(home, "rel", "hooks", "hooks.json"), `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "relative-hook"}]}]}}`)
	cmd := exec.Command("sh", "-c", `"$0" -test.run='^TestOtherHooksPluginDirFlag$'; :`, os.Args[0], "--plugin-dir", filepath.Join(home, "plug"), "--plugin-dir-no-mcp=rel")
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "GUARD_TEST_PLUGIN_DIR_CHILD=1", "HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"OTHER flag-hook", "OTHER relative-hook"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("a parent's --plugin-dir: no %q in\n%s", want, out)
		}
	}
}

// A marketplace's entry for a plugin can be its manifest (strict: false):
// its hooks and definitions stay in the marketplace (hooks-17 H17-1).
func TestOtherHooksMarketplaceEntries(t *testing.T) {
	home := t.TempDir()
	mkt := filepath.Join(home, "mkt")
	writeFile(t, filepath.Join(home, ".claude", "plugins", "known_marketplaces.json"), `{"mkt": {"source": {"source": "directory", "path": "`+mkt+`"}, "installLocation": "`+mkt+`"}}`)
	writeFile(t, filepath.Join(mkt, ".claude-plugin", "marketplace.json"), `{"name": "mkt", "plugins": [
	  {"name": "echo", "source": "./plugins/echo", "strict": false, "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "entry-hook"}]}]}, "skills": ["./extra/fmt"]}]}`)
	writeFile(t, filepath.Join(mkt, "plugins", "echo", "extra", "fmt", "SKILL.md"), "---\nname: fmt\nhooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n---\nbody\n")
	writeFile(t, filepath.Join(home, ".claude", "plugins", "marketplaces", "gitmkt", ".claude-plugin", "marketplace.json"), `{"name": "gitmkt", "plugins": [
	  {"name": "two", "source": "./two", "hooks": "./cfg/h.json"}]}`)
	writeFile(t, filepath.Join(home, ".claude", "plugins", "marketplaces", "gitmkt", "two", "cfg", "h.json"), `{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "git-entry-hook"}]}]}}`)
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: t.TempDir(), ClaudeManaged: filepath.Join(home, "managed")}
	var got []string
	for _, o := range hook.OtherHooks(hook.ClaudeCode, env, "Bash") {
		got = append(got, o.Command)
	}
	if !slices.Contains(got, "entry-hook") || !slices.Contains(got, "git-entry-hook") {
		t.Errorf("OtherHooks = %q, want the marketplace entries' hooks", got)
	}
	if files := hook.SkillHooks("echo:fmt", env); len(files) != 1 {
		t.Errorf("SkillHooks(echo:fmt) = %q, want the skill the entry names", files)
	}
}
