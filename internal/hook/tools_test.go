package hook_test

import (
	"bytes"
	"strings"
	"testing"

	"guard/internal/hook"
)

// A tool guard does not read is refused by the agents that cannot ask with
// what would allow it: nothing in guard's policy (no rule allows a tool), so
// the refusal does not send the person there; a command's refusal does.
func TestUnjudgedToolRefusalSaysWhatAllows(t *testing.T) {
	shells := map[hook.Agent]string{hook.Codex: "Bash", hook.Gemini: "run_shell_command", hook.ClaudeCode: "Bash"}
	for _, a := range []hook.Agent{hook.Codex, hook.Gemini, hook.ClaudeCode} {
		for _, unjudged := range []bool{true, false} {
			req := hook.Request{Tool: "NewFancyTool", Unjudged: true, PermissionMode: "bypassPermissions"}
			if !unjudged {
				req = hook.Request{Tool: shells[a], Shell: true, Command: "rm x", PermissionMode: "bypassPermissions"}
			}
			var buf bytes.Buffer
			if err := hook.Encode(a, &buf, req, hook.Ask, "guard: why", "/usr/bin/guard"); err != nil {
				t.Fatal(err)
			}
			reason := hook.AnswerReason(buf.Bytes())
			if mentions := strings.Contains(reason, "guard's policy"); mentions == unjudged {
				t.Errorf("%s, unjudged %v: %q; want guard's policy named only for a command", a.Title(), unjudged, reason)
			}
			if unjudged && !strings.Contains(reason, "this tool call") {
				t.Errorf("%s: %q; want it to say a tool call is refused", a.Title(), reason)
			}
		}
	}
}
