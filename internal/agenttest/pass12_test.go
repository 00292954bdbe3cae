package agenttest

import (
	"path/filepath"
	"strings"
	"testing"
)

func init() {
	cases = append(cases,
		tc{
			// H12-1: Claude Code's Bash tool shadows grep with a shell
			// function that runs its embedded ugrep, which recurses into
			// a directory argument; GNU grep, as guard read it, only says
			// "Is a directory".
			name: "Claude Code: grep is the embedded ugrep, which recurses into a directory", agents: []string{"claude-code"}, mode: "suggest",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-EMBED-GREP-12\n")
				s.write(filepath.Join(s.project, "notes.txt"), "EMBED notes\n")
			},
			calls: shellCalls("grep EMBED .", "grep -h EMBED notes.txt"),
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sk-EMBED-GREP-12") {
					s.fail("the model got the key")
				}
				if !strings.Contains(s.model.Sent(), "embedded ugrep") {
					s.fail("the model was not told why")
				}
				if !strings.Contains(s.model.Sent(), "EMBED notes") {
					s.fail("grep of a file did not run")
				}
			},
		},
	)
}
