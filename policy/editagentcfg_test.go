package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditAgentConfigProgram (sandbox-20 S20-1): an agent's file tool writes
// unsandboxed, and the agent runs the hook script its protected
// .claude/settings.json names right after the tool call: an edit of that
// script is asked about in auto-edit and refused in full-auto, as a write
// to the config would be; another file of the project is not.
func TestEditAgentConfigProgram(t *testing.T) {
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	home, _ := filepath.EvalSymlinks(t.TempDir())
	write := func(p, s string) {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(proj, ".claude", "settings.json"),
		`{"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "bash scripts/fmt.sh"}]}]}}`)
	write(filepath.Join(proj, "scripts", "fmt.sh"), "true\n")
	write(filepath.Join(proj, "scripts", "other.sh"), "true\n")
	roots := []string{proj}
	for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
		d := policy.DecideEdit([]string{filepath.Join(proj, "scripts", "fmt.sh")}, mode, roots, nil, home)
		if d.Action != want || !strings.Contains(d.Reason, "scripts/fmt.sh") {
			t.Errorf("%s: edit of the hook script: %s (%s); want %s", mode, d.Action, d.Reason, want)
		}
		if d := policy.DecideEdit([]string{filepath.Join(proj, "scripts", "other.sh")}, mode, roots, nil, home); d.Action != policy.Run {
			t.Errorf("%s: edit of another script: %s (%s); want run", mode, d.Action, d.Reason)
		}
	}
}
