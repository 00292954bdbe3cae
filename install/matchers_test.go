package install_test

import (
	"testing"

	"guard/install"
)

// TestMatchersTakeEveryTool: the matcher guard setup writes takes every tool,
// so a tool an agent adds in a later version reaches guard's hook, which
// asks for the ones it does not know (hook.KindOf), instead of running
// unjudged (docs/redteam/hooks-16.md H16-1).
func TestMatchersTakeEveryTool(t *testing.T) {
	for _, agent := range install.Agents {
		if m := install.HookMatcher(agent); m != "*" {
			t.Errorf("%s: matcher %q, want *", agent, m)
		}
	}
}
