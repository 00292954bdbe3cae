package policy

// SetZshAgentAsks sets zshAgentAsks, from zshagent_test.go (package
// policy_test, which may import the hooks' package).
func SetZshAgentAsks(f func(script, dir, home string, allowed func(reading string) bool) bool) {
	zshAgentAsks = f
}

// SetDashAgentAsks sets dashAgentAsks, from zshagent_test.go.
func SetDashAgentAsks(f func(script string, allowed func(reading string) bool) bool) {
	dashAgentAsks = f
}
