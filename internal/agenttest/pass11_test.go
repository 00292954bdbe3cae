package agenttest

import (
	"os"
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
		tc{
			// H11-2: Codex drops every tab of a patch header's path; guard
			// kept them and judged "\t.vscode/tasks.json" and ".en\tvrc"
			// (plain names): Codex wrote .vscode/tasks.json and .envrc,
			// which guard protects.
			name: "Codex: a tab in a patch path is dropped as Codex drops it", agents: []string{"codex"}, mode: "auto-edit",
			setup: codexPatchModel,
			calls: func(a agent, s *session) []call {
				return []call{
					patchCall("*** Begin Patch\n*** Add File: .en\tvrc\n+touch " + filepath.Join(s.outside, "envrc.txt") + "\n*** End Patch\n"),
					patchCall("*** Begin Patch\n*** Add File: \t.vscode/tasks.json\n+{}\n*** End Patch\n"),
					patchCall("*** Begin Patch\n*** Add File: inside.txt\n+hi\n*** End Patch\n"),
				}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.project, ".envrc"))
				s.mustNotExist(filepath.Join(s.project, ".vscode", "tasks.json"))
				s.mustExist(filepath.Join(s.project, "inside.txt"))
			},
		},
		tc{
			// Tried, held: a tab in Codex's workdir. guard's chdir of the
			// name as sent fails (refused) wherever Codex runs it.
			name: "Codex: a tab in a workdir is not read as a plain name", agents: []string{"codex"}, mode: "auto-edit",
			setup: func(t *testing.T, s *session) {
				if err := os.Symlink(s.outside, filepath.Join(s.project, "link")); err != nil {
					t.Fatal(err)
				}
			},
			calls: func(a agent, s *session) []call {
				return []call{a.shell("touch t1.txt", "\tlink"), a.shell("touch t2.txt", "li\tnk")}
			},
			check: func(t *testing.T, s *session) {
				for _, f := range []string{"t1.txt", "t2.txt"} {
					s.mustNotExist(filepath.Join(s.outside, f))
				}
			},
		},
	)
}
