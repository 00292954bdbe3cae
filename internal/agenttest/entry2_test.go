package agenttest

import (
	"os/exec"
	"path/filepath"
	"testing"
)

func init() {
	cases = append(cases,
		tc{
			// entry-2 N1: Codex's exec_command with tty: true runs the
			// command on a terminal Codex made and holds; write_stdin types
			// there. A guard shim asking at that terminal (shims, no hook)
			// was answered by the model itself: "o" made the file. Codex
			// runs headless here, in no terminal: only its marker in the
			// command's environment (CODEX_THREAD_ID) tells.
			name: "Codex: the model does not answer guard's prompt on the terminal of its own tty tool", agents: []string{"codex"},
			mode: "suggest", noHook: true,
			setup: func(t *testing.T, s *session) {
				cmd := exec.Command(s.guard, "install", "--dir", filepath.Join(s.home, "bin"), "touch")
				cmd.Env = s.env()
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("guard install: %v\n%s", err, out)
				}
				// Codex runs exec_command in a login shell: keep the shims first.
				s.write(filepath.Join(s.home, ".profile"), "PATH=\""+filepath.Join(s.home, "bin")+":$PATH\"\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{
					{Tool: "exec_command", Args: map[string]any{"cmd": "touch made", "tty": true, "yield_time_ms": 3000}},
					{Tool: "write_stdin", Args: map[string]any{"session_id": sessionFollow, "chars": "o\n", "yield_time_ms": 3000}},
				}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.project, "made"))
				s.sawGuard("no one is at a terminal to ask")
			},
		},
	)
}
