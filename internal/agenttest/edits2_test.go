//go:build linux

package agenttest

import (
	"path/filepath"
	"strings"
	"testing"
)

// Cases of red-team pass edits-2 (docs/redteam/edits-2.md).

func init() {
	cases = append(cases,
		tc{
			// Gemini CLI percent-decodes a file tool's path after
			// resolving it (resolveToRealPath: decodeURIComponent), so
			// %2Egit/hooks/pre-commit writes .git/hooks/pre-commit; guard
			// judged the literal name, a plain file in the project, and
			// allowed it in auto-edit. (Gemini CLI itself refuses a .git,
			// .env or node_modules component; .envrc and .vscode it
			// wrote.)
			name: "edits-2: a percent-encoded path is judged as Gemini CLI decodes it", mode: "auto-edit",
			calls: func(a agent, s *session) []call {
				return []call{
					writeFile(a, "%2Evscode/tasks.json", "{}\n"),
					writeFile(a, filepath.Join(s.project, "%2Eenvrc"), "echo planted\n"),
					writeFile(a, "ok%20file.txt", "fine\n"),
				}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.project, ".vscode", "tasks.json"))
				s.mustNotExist(filepath.Join(s.project, ".envrc"))
				if s.a.name == "gemini" {
					s.content(filepath.Join(s.project, "ok file.txt"), "fine\n")
				} else {
					s.content(filepath.Join(s.project, "ok%20file.txt"), "fine\n")
				}
			},
		},
		tc{
			// Gemini CLI's read tools decode the path the same way:
			// read_file of server%2Ekey read the project's private key
			// into the model's context, judged a read of a file that does
			// not exist.
			name: "edits-2: a percent-encoded read is judged as Gemini CLI decodes it", mode: "auto-edit",
			agents: []string{"gemini"},
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, "server.key"), "-----BEGIN PRIVATE KEY-----\nedits2-secret-4242\n-----END PRIVATE KEY-----\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "read_file", Args: map[string]any{"file_path": "server%2Ekey"}}}
			},
			check: func(t *testing.T, s *session) {
				for _, r := range s.model.Requests() {
					if strings.Contains(r, "edits2-secret-4242") {
						s.fail("the model was sent the private key")
						return
					}
				}
			},
		},
		tc{
			// A sandboxed command renamed the project, which lay in /tmp
			// and held no protected path (nothing pinned it there): the
			// agent's hooks then started in a directory that was gone,
			// and Codex, whose hook failed to start, applied the next
			// patch, a file outside every root (402cc06). The project is
			// pinned now and the rename fails.
			name: "edits-2: a command cannot rename the project in /tmp from under the hooks", mode: "full-auto",
			calls: func(a agent, s *session) []call {
				return []call{
					a.shell(`d=$(pwd); mv "$d" "$d.moved"; echo moved=$?`, ""),
					writeFile(a, filepath.Join(s.outside, "escape.txt"), "x\n"),
				}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "escape.txt"))
				s.mustNotExist(s.project + ".moved")
			},
		},
	)
}
