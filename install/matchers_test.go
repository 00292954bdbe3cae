package install_test

import (
	"slices"
	"strings"
	"testing"

	"guard/install"
	"guard/internal/hook"
)

// TestMatchersCoverJudgedTools: the matcher guard setup writes names the
// shell tool and every edit and read tool the hook judges, so none of them
// reaches the agent unjudged.
func TestMatchersCoverJudgedTools(t *testing.T) {
	for _, tt := range []struct {
		agent string
		shell string
	}{
		{install.ClaudeCode, "Bash"},
		{install.Codex, "Bash"},
		{install.Gemini, "run_shell_command"},
	} {
		a, err := hook.ParseAgent(tt.agent)
		if err != nil {
			t.Fatal(err)
		}
		names := strings.Split(install.HookMatcher(tt.agent), "|")
		edits, reads := hook.EditTools(a)
		for _, n := range append(append([]string{tt.shell}, edits...), reads...) {
			if !slices.Contains(names, n) {
				t.Errorf("%s: matcher %q does not name %s", tt.agent, install.HookMatcher(tt.agent), n)
			}
		}
	}
}
