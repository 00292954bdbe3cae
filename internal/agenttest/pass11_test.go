package agenttest

import (
	"path/filepath"
	"strings"
	"testing"
)

func init() {
	cases = append(cases,
		tc{
			// H11-1: a glob starting with ! only leaves files out: rg
			// searches every other file. guard judged "!*.go" as a name
			// and let grep_search through: the key reached the model.
			name: "Gemini CLI: a negated include_pattern searches the rest", agents: []string{"gemini"}, mode: "auto-edit",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, "main.go"), "package main\n")
				s.write(filepath.Join(s.project, "keys", "server.key"), "-----BEGIN PRIVATE KEY-----\nNEGATED11\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "grep_search", Args: map[string]any{"pattern": "NEGATED", "include_pattern": "!*.go"}}}
			},
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "NEGATED11") {
					s.fail("the model got the key")
				}
			},
		},
	)
}
