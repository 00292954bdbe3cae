package hook_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/hook"
)

// Claude Code runs its PermissionRequest hooks at a permission prompt, a
// hook's ask included, and one that answers allow approves the call in the
// person's place (hooks-18 H18-1): guard finds them where it finds the
// pre-tool ones, and answers an ask with a deny while there is one.
func TestPermissionHooks(t *testing.T) {
	home, project := t.TempDir(), t.TempDir()
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project,
		ClaudeManaged: filepath.Join(home, "managed")}
	if got := hook.PermissionHooks(env, "Bash"); len(got) != 0 {
		t.Errorf("no settings: PermissionHooks = %v", got)
	}
	// Pre-tool hooks and another tool's prompt hooks are not prompt hooks
	// for Bash.
	writeFile(t, filepath.Join(home, ".claude", "settings.json"), `{"hooks": {
	  "PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "pre-hook"}]}],
	  "PermissionRequest": [{"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "edits-approver"}]}]}}`)
	if got := hook.PermissionHooks(env, "Bash"); len(got) != 0 {
		t.Errorf("other events and tools: PermissionHooks = %v", got)
	}
	if got := hook.PermissionHooks(env, "Write"); len(got) != 1 || got[0].Command != "edits-approver" {
		t.Errorf("Write: PermissionHooks = %v, want the user's edits-approver", got)
	}
	// The project's, any matcher that may take Bash; a plugin's.
	for _, m := range []string{`"Bash"`, `"*"`, `""`, `"B.*"`} {
		writeFile(t, filepath.Join(project, ".claude", "settings.json"), `{"hooks": {"PermissionRequest": [{"matcher": `+m+`, "hooks": [{"type": "command", "command": "approve-all"}]}]}}`)
		got := hook.PermissionHooks(env, "Bash")
		if len(got) != 1 || got[0].Command != "approve-all" || !strings.HasPrefix(got[0].File, project) {
			t.Errorf("matcher %s: PermissionHooks = %v, want the project's approve-all", m, got)
		}
	}
	writeFile(t, filepath.Join(home, ".claude", "plugins", "cache", "mkt", "auto", "1.0.0", "hooks", "hooks.json"),
		`{"hooks": {"PermissionRequest": [{"hooks": [{"type": "command", "command": "plugin-approver"}]}]}}`)
	if got := hook.PermissionHooks(env, "Bash"); len(got) != 2 || got[1].Command != "plugin-approver" {
		t.Errorf("with a plugin's: PermissionHooks = %v", got)
	}

	// An ask with prompt hooks is a deny that names one; an AskSandbox too;
	// a deny and an allow are as they were.
	req := hook.Request{Agent: hook.ClaudeCode, Tool: "Bash", Shell: true, Command: "touch /etc/x", PermissionMode: "default",
		Input: map[string]json.RawMessage{"command": json.RawMessage(`"touch /etc/x"`)}, Project: project,
		Approvers: hook.PermissionHooks(env, "Bash")}
	for _, c := range []struct {
		v    hook.Verdict
		want string
	}{{hook.Ask, "deny"}, {hook.AskSandbox, "deny"}, {hook.Allow, "allow"}, {hook.Deny, "deny"}} {
		var b bytes.Buffer
		if err := hook.Encode(hook.ClaudeCode, &b, req, c.v, "guard: writes outside", "/usr/bin/guard"); err != nil {
			t.Fatal(err)
		}
		var ans struct {
			Out struct {
				Decision string `json:"permissionDecision"`
				Reason   string `json:"permissionDecisionReason"`
			} `json:"hookSpecificOutput"`
		}
		if err := json.Unmarshal(b.Bytes(), &ans); err != nil {
			t.Fatal(err)
		}
		if ans.Out.Decision != c.want {
			t.Errorf("%v with prompt hooks: %s, want %s", c.v, ans.Out.Decision, c.want)
		}
		if c.v == hook.Ask && !strings.Contains(ans.Out.Reason, "PermissionRequest hook `approve-all`") {
			t.Errorf("the ask's deny does not name the hook: %q", ans.Out.Reason)
		}
		if got := hook.Effective(hook.ClaudeCode, req, c.v); got.String() != c.want && !(c.v == hook.Allow && got == hook.Allow) {
			t.Errorf("Effective(%v) = %v, want %s", c.v, got, c.want)
		}
	}
}

// Gemini CLI's subagents: invoke_agent and the built-in agents' own tools
// are subagent starts, and a definition declaring mcp_servers is found in
// the user's, the project's and an extension's agents directories
// (hooks-18 H18-5).
func TestGeminiSubagentCode(t *testing.T) {
	home, project := t.TempDir(), t.TempDir()
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project}
	mcp := "---\nname: %s\ndescription: d\nmcp_servers:\n  s:\n    command: /bin/sh\n---\nbody\n"
	writeFile(t, filepath.Join(home, ".gemini", "agents", "stamper.md"), strings.ReplaceAll(mcp, "%s", "stamper"))
	writeFile(t, filepath.Join(project, ".gemini", "agents", "proj.md"), strings.ReplaceAll(mcp, "%s", "renamed"))
	writeFile(t, filepath.Join(home, ".gemini", "extensions", "ext", "agents", "generalist.md"), strings.ReplaceAll(mcp, "%s", "generalist"))
	writeFile(t, filepath.Join(home, ".gemini", "agents", "plain.md"), "---\nname: plain\ndescription: d\n---\nbody\n")
	writeFile(t, filepath.Join(home, ".gemini", "agents", "_off.md"), strings.ReplaceAll(mcp, "%s", "off"))
	for name, want := range map[string]int{"stamper": 1, "renamed": 1, "generalist": 1, "plain": 0, "off": 0, "": 3} {
		if got := hook.GeminiSubagentCode(name, env); len(got) != want {
			t.Errorf("GeminiSubagentCode(%q) = %q, want %d", name, got, want)
		}
	}
	for _, c := range []struct {
		tool, input, want string
	}{{"invoke_agent", `{"agent_name": "stamper", "prompt": "x"}`, "stamper"}, {"generalist", `{"prompt": "x"}`, "generalist"}} {
		req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name": "BeforeTool", "tool_name": "`+c.tool+`", "tool_input": `+c.input+`}`))
		if err != nil || !req.Subagent || req.SubagentType != c.want {
			t.Errorf("Decode %s: Subagent %v %q, %v; want the subagent %q", c.tool, req.Subagent, req.SubagentType, err, c.want)
		}
	}
}
