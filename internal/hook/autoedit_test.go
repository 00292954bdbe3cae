package hook_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestEncodeAutoEdit: with Request.Mode AutoEdit a Sandbox or AskSandbox
// verdict rewrites to guard --mode auto-edit --project P, for each agent as
// it takes a rewrite (a Codex not known to apply one gets a deny naming it);
// a mode guard does not know, or an auto-edit rewrite without a project,
// fails to encode (the caller then refuses).
func TestEncodeAutoEdit(t *testing.T) {
	const project = "/home/me/it's app"
	command := "cp -P lnk copy && echo x >> copy/f"
	want := hook.RewriteMode(guardPath, hook.AutoEdit, project, command)
	for _, a := range []hook.Agent{hook.ClaudeCode, hook.Codex, hook.Gemini} {
		for _, rewrites := range []bool{false, true} {
			req := hook.Request{Agent: a, Shell: true, Command: command, Project: project, Mode: hook.AutoEdit, Rewrites: rewrites,
				Input: map[string]json.RawMessage{"command": json.RawMessage(`"x"`), "description": json.RawMessage(`"d"`)}}
			for _, v := range []hook.Verdict{hook.Sandbox, hook.AskSandbox} {
				var buf bytes.Buffer
				if err := hook.Encode(a, &buf, req, v, "guard: match in auto-edit mode", guardPath); err != nil {
					t.Fatalf("%s %s: %v", a, v, err)
				}
				out := buf.String()
				var ans struct {
					Decision string `json:"decision"`
					Specific struct {
						Decision     string            `json:"permissionDecision"`
						Reason       string            `json:"permissionDecisionReason"`
						UpdatedInput map[string]string `json:"updatedInput"`
						ToolInput    map[string]string `json:"tool_input"`
					} `json:"hookSpecificOutput"`
				}
				if err := json.Unmarshal(buf.Bytes(), &ans); err != nil {
					t.Fatalf("%s %s: %s: %v", a, v, out, err)
				}
				got := ans.Specific.UpdatedInput["command"] + ans.Specific.ToolInput["command"]
				switch {
				case a == hook.Codex && (!rewrites || v == hook.AskSandbox), a == hook.Gemini && v == hook.AskSandbox:
					if ans.Specific.Decision != "deny" && ans.Decision != "deny" || got != "" {
						t.Errorf("%s %s (rewrites %v): %s, want a deny", a, v, rewrites, out)
					}
					if a == hook.Codex && v == hook.Sandbox && !strings.HasSuffix(ans.Specific.Reason, "Run exactly this instead: "+want) {
						t.Errorf("%s: %s, want a deny naming %q", a, out, want)
					}
				default:
					if got != want {
						t.Errorf("%s %s (rewrites %v): rewrite %q, want %q", a, v, rewrites, got, want)
					}
					if d := ans.Specific.UpdatedInput["description"] + ans.Specific.ToolInput["description"]; d != "d" {
						t.Errorf("%s %s: the rewrite lost description: %s", a, v, out)
					}
					if a == hook.ClaudeCode && !strings.Contains(ans.Specific.Reason, "guard --mode auto-edit") {
						t.Errorf("%s %s: reason %q does not say how it runs", a, v, ans.Specific.Reason)
					}
				}
				if strings.Contains(out, "full-auto") {
					t.Errorf("%s %s: an auto-edit answer speaks of full-auto: %s", a, v, out)
				}
			}
		}
	}
	for _, req := range []hook.Request{
		{Agent: hook.ClaudeCode, Shell: true, Command: command, Project: project, Mode: "yolo"},
		{Agent: hook.ClaudeCode, Shell: true, Command: command, Mode: hook.AutoEdit},
		{Agent: hook.ClaudeCode, Shell: true, Command: command, Project: "rel", Mode: hook.AutoEdit},
	} {
		var buf bytes.Buffer
		if err := hook.Encode(hook.ClaudeCode, &buf, req, hook.Sandbox, "r", guardPath); err == nil || buf.Len() != 0 {
			t.Errorf("mode %q project %q: Encode = %v, wrote %q; want an error and nothing written", req.Mode, req.Project, err, buf.String())
		}
	}
}
