package agenttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// More cases for the agents' own file tools (issue 15): the protected
// .git/hooks, full-auto, Codex's apply_patch tool itself, and reads of
// secrets. They are appended to editCases.

// patchCall is the model's call of Codex's own apply_patch tool (a freeform
// tool: the patch is its whole input).
func patchCall(patch string) call {
	return call{Tool: "apply_patch", Args: map[string]any{"input": patch}}
}

// codexPatchModel makes Codex offer its apply_patch tool: it does so only
// for models its bundled catalog knows, which gpt-test is not.
func codexPatchModel(t *testing.T, s *session) {
	cfg := filepath.Join(s.codexDir(), "config.toml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.write(cfg, strings.Replace(string(b), `model = "gpt-test"`, `model = "gpt-5.5"`, 1))
}

// readFile is the model's call of the agent's file-reading tool.
func readFile(a agent, path string) call {
	if a.name == "gemini" {
		return call{Tool: "read_file", Args: map[string]any{"file_path": path}}
	}
	return call{Tool: "Read", Args: map[string]any{"file_path": path}}
}

func init() {
	hook := func(s *session) string { return filepath.Join(s.project, ".git", "hooks", "pre-commit") }
	editCases = append(editCases,
		tc{
			// Gemini CLI refuses .git paths itself, before its hook.
			name: "edit/auto-edit git hook refused", agents: []string{"claude-code", "codex"}, mode: "auto-edit",
			files: []string{".git/"},
			calls: func(a agent, s *session) []call { return []call{writeFile(a, hook(s), "#!/bin/sh\n")} },
			check: func(t *testing.T, s *session) { s.mustNotExist(hook(s)) },
		},
		tc{
			name: "edit/full-auto git hook refused", agents: []string{"claude-code", "codex"}, mode: "full-auto",
			files: []string{".git/"},
			calls: func(a agent, s *session) []call { return []call{writeFile(a, hook(s), "#!/bin/sh\n")} },
			check: func(t *testing.T, s *session) {
				s.mustNotExist(hook(s))
				s.sawGuard("guard: writes outside the writable roots")
			},
		},
		tc{
			name: "edit/full-auto write inside runs", mode: "full-auto",
			calls: func(a agent, s *session) []call {
				return []call{writeFile(a, filepath.Join(s.project, "fa.txt"), "hi\n")}
			},
			check: func(t *testing.T, s *session) { s.content(filepath.Join(s.project, "fa.txt"), "hi\n") },
		},
		tc{
			// Gemini CLI refuses paths outside its workspace itself.
			name: "edit/full-auto write outside refused", agents: []string{"claude-code", "codex"}, mode: "full-auto",
			calls: func(a agent, s *session) []call {
				return []call{writeFile(a, filepath.Join(s.outside, "fa.txt"), "hi\n")}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "fa.txt"))
				s.sawGuard("guard: writes outside the writable roots")
			},
		},
		tc{
			name: "edit/apply_patch tool inside runs (auto-edit)", agents: []string{"codex"}, mode: "auto-edit",
			setup: codexPatchModel,
			calls: func(a agent, s *session) []call {
				return []call{patchCall("*** Begin Patch\n*** Add File: tool.txt\n+hi\n*** End Patch\n")}
			},
			check: func(t *testing.T, s *session) { s.content(filepath.Join(s.project, "tool.txt"), "hi\n") },
		},
		tc{
			name: "edit/apply_patch tool refused (suggest)", agents: []string{"codex"}, mode: "suggest",
			setup: codexPatchModel,
			calls: func(a agent, s *session) []call {
				return []call{patchCall("*** Begin Patch\n*** Add File: tool.txt\n+hi\n*** End Patch\n")}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.project, "tool.txt"))
				s.sawGuard("guard: writes files: ")
			},
		},
		tc{
			name: "edit/apply_patch tool outside refused (auto-edit)", agents: []string{"codex"}, mode: "auto-edit",
			setup: codexPatchModel,
			calls: func(a agent, s *session) []call {
				return []call{patchCall("*** Begin Patch\n*** Add File: " + s.outside + "/tool.txt\n+hi\n*** End Patch\n")}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "tool.txt"))
				s.sawGuard("guard: writes outside the writable roots")
			},
		},
		tc{
			name: "edit/apply_patch tool moving a file into git hooks refused (full-auto)", agents: []string{"codex"}, mode: "full-auto",
			files: []string{".git/", "hook.sh"},
			setup: codexPatchModel,
			calls: func(a agent, s *session) []call {
				return []call{patchCall("*** Begin Patch\n*** Update File: hook.sh\n*** Move to: .git/hooks/pre-commit\n@@\n-hello\n+#!/bin/sh\n*** End Patch\n")}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(hook(s))
				s.mustExist(filepath.Join(s.project, "hook.sh"))
				s.sawGuard("guard: writes outside the writable roots")
			},
		},
		tc{
			name: "edit/apply_patch tool malformed refused (full-auto)", agents: []string{"codex"}, mode: "full-auto",
			setup: codexPatchModel,
			calls: func(a agent, s *session) []call {
				return []call{patchCall("*** Begin Patch\n*** Add File: bad.txt\nno plus\n*** End Patch\n")}
			},
			check: func(t *testing.T, s *session) {
				// Codex checks the patch's form before its hook (guard
				// would refuse it too: see policy/patch).
				s.mustNotExist(filepath.Join(s.project, "bad.txt"))
			},
		},
		tc{
			// Gemini CLI refuses .env itself, before its hook.
			name: "edit/full-auto read of .env refused", agents: []string{"claude-code"}, mode: "full-auto",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".env"), "API_KEY=sekrit-value-123\n")
			},
			calls: func(a agent, s *session) []call { return []call{readFile(a, filepath.Join(s.project, ".env"))} },
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sekrit-value-123") {
					s.fail("the secret reached the model")
				}
				s.sawGuard("guard: reads a secret")
			},
		},
		tc{
			name: "edit/full-auto read of a source file runs", agents: []string{"claude-code", "gemini"}, mode: "full-auto",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, "main.go"), "package main // marker-42\n")
			},
			calls: func(a agent, s *session) []call { return []call{readFile(a, filepath.Join(s.project, "main.go"))} },
			check: func(t *testing.T, s *session) {
				if !strings.Contains(s.model.Sent(), "marker-42") {
					s.fail("the file did not reach the model")
				}
			},
		},
	)
}
