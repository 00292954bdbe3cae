//go:build linux

package agenttest

import (
	"path/filepath"
	"testing"
)

// Cases of the sandbox's red-team pass 20 (docs/redteam/sandbox-20.md).

func init() {
	cases = append(cases,
		tc{
			// S20-1: a project's .claude/settings.json (protected) runs
			// scripts/fmt.sh after every Bash call, outside any sandbox;
			// the script itself was writable inside: rewritten by a
			// sandboxed command, it ran unconfined at that call's
			// PostToolUse hook (on 402cc06 posthook.txt was made outside
			// in full-auto).
			name: "Claude Code: a script the project's hook names cannot be rewritten from inside", agents: []string{"claude-code"}, mode: "full-auto",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".claude", "settings.json"),
					`{"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "bash scripts/fmt.sh"}]}]}}`)
				s.write(filepath.Join(s.project, "scripts", "fmt.sh"), "true\n")
			},
			calls: shellCalls(`python3 -c 'open("scripts/fmt.sh", "a").write("touch OUTSIDE/posthook.txt\n")'`, "ls"),
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "posthook.txt"))
			},
		},
	)
}
