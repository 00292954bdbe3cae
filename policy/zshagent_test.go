package policy_test

import (
	"slices"

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
		if hook.ZshRunsProgram(script) != "" || shell.ZshReadsOtherwise(script) != "" || unjudged(script, hook.ZshLooksUp(script)) {
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
	// The Codex hook's reading of dash, the /bin/sh its model may name,
	// and bash's builtins dash runs as programs, which the lab's PATH
	// holds (a recorder of every name of the script).
	policy.SetDashAgentAsks(func(script string, allowed func(string) bool) bool {
		if unjudged(script, hook.DashLooksUp(script)) {
			return true
		}
		r, _ := hook.DashReading(script)
		return r != "" && !allowed(r)
	})
}

// unjudged reports whether one of names, which the agent's shell looks up
// on PATH, is not a program guard judged: the hooks ask where PATH finds
// one, and the lab's PATH holds a recorder of every name of the script.
func unjudged(script string, names []string) bool {
	s, _ := shell.Parse(script, shell.Bash)
	for _, name := range names {
		if !slices.ContainsFunc(s.Commands, func(c shell.Command) bool { return len(c.Argv) > 0 && c.Argv[0] == name }) {
			return true
		}
	}
	return false
}
