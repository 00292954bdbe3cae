//go:build linux

package agenttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Cases of red-team pass edits-4 (docs/redteam/edits-4.md).

func init() {
	for _, mode := range []string{"auto-edit", "full-auto"} {
		cases = append(cases, tc{
			// `claude --worktree NAME` checks the project out into
			// PROJECT/.claude/worktrees/NAME, inside the protected .claude,
			// and works there: every Write and every command's write was
			// refused (edits-4 E1). The checkout's own .claude and the
			// project's .claude stay protected.
			name: "edits-4: a Claude Code worktree in .claude/worktrees is writable (" + mode + ")", mode: mode,
			agents: []string{"claude-code"},
			args:   []string{"--worktree", "feat"},
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".claude", "settings.json"), "{}\n")
				s.write(filepath.Join(s.project, "README"), "readme\n")
				for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"}} {
					if out, err := exec.Command("git", append([]string{"-C", s.project}, args...)...).CombinedOutput(); err != nil {
						t.Fatalf("git %v: %v %s", args, err, out)
					}
				}
			},
			calls: func(a agent, s *session) []call {
				wt := filepath.Join(s.project, ".claude", "worktrees", "feat")
				return []call{
					writeFile(a, filepath.Join(wt, "src", "main.go"), "package main\n"),
					a.shell("echo made > made.txt", ""),
					writeFile(a, filepath.Join(wt, ".claude", "settings.local.json"), "{\"hooks\":{}}\n"),
					a.shell("echo PLANT >> ../../settings.json", ""),
				}
			},
			check: func(t *testing.T, s *session) {
				wt := filepath.Join(s.project, ".claude", "worktrees", "feat")
				if _, err := os.Stat(filepath.Join(wt, ".git")); err != nil {
					t.Skipf("this Claude Code made no worktree at %s: %v\n%s", wt, err, tail(s.out))
				}
				s.content(filepath.Join(wt, "src", "main.go"), "package main\n")
				s.content(filepath.Join(wt, "made.txt"), "made\n")
				s.mustNotExist(filepath.Join(wt, ".claude", "settings.local.json"))
				s.content(filepath.Join(s.project, ".claude", "settings.json"), "{}\n")
			},
		})
	}
}
