package policy_test

import (
	"guard/internal/hook"
	"guard/policy"
	"guard/policy/shell"
)

// The differential test's zsh agent shell: a hook judges a command as bash
// and asks besides about what zsh, a zsh user's agent's shell, reads
// otherwise (cmd/guard's hook does so in this order). The lab's zsh reads
// no start-up file, so the readings for options users set (dotglob,
// nocaseglob) are left out.
func init() {
	policy.SetZshAgentAsks(func(script, dir, home string, allowed func(string) bool) bool {
		if hook.ZshRunsProgram(script) != "" || shell.ZshReadsOtherwise(script) != "" {
			return true
		}
		if r, _ := hook.ZshGlobReading(script); r != "" && !allowed(r) {
			return true
		}
		if r, _ := hook.ZshParamReading(script); r != "" && !allowed(r) {
			return true
		}
		r, _, why := hook.GlobstarReading(script, dir, home)
		return why != "" || r != "" && !allowed(r)
	})
	// The Codex hook's reading of dash, the /bin/sh its model may name.
	policy.SetDashAgentAsks(func(script string, allowed func(string) bool) bool {
		r, _ := hook.DashReading(script)
		return r != "" && !allowed(r)
	})
}
