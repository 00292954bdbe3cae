package hook

// SetMaxNestedEntries sets the bound of the walk for nested .claude
// directories, and returns what puts it back.
func SetMaxNestedEntries(n int) func() {
	old := maxNestedEntries
	maxNestedEntries = n
	return func() { maxNestedEntries = old }
}
