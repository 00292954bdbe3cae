package hook_test

import (
	"slices"
	"testing"

	"guard/internal/hook"
)

// TestDecodeFiles: the edit and read tools of each agent, and what guard
// takes from them.
func TestDecodeFiles(t *testing.T) {
	for _, tt := range []struct {
		agent      hook.Agent
		file       string
		edit, read bool
		paths      []string
		patch      bool
	}{
		{hook.ClaudeCode, "claude-code-write.json", true, false, []string{"/home/user/project/src/main.go"}, false},
		{hook.ClaudeCode, "claude-code-read.json", false, true, []string{"/home/user/project/README.md"}, false},
		{hook.ClaudeCode, "claude-code-grep.json", false, true, []string{"/home/user/project", "/home/user/project/*.env"}, false},
		{hook.ClaudeCode, "claude-code-bash.json", false, false, nil, false},
		{hook.Codex, "codex-apply-patch.json", true, false, nil, true},
		{hook.Codex, "codex-bash.json", false, false, nil, false},
		{hook.Gemini, "gemini-read.json", false, true, []string{"/home/user/project/src/main.ts"}, false},
		{hook.Gemini, "gemini-read-many.json", false, true, []string{"/home/user/project/src/**/*.ts", "/home/user/project/README.md"}, false},
		{hook.Gemini, "gemini-replace.json", true, false, []string{"/home/user/project/src/app.ts"}, false},
		{hook.Gemini, "gemini-mcp.json", false, false, nil, false},
	} {
		req, err := decodeFile(t, tt.agent, tt.file)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if req.Edit != tt.edit || req.Read != tt.read || !slices.Equal(req.Paths, tt.paths) || (req.Patch != "") != tt.patch {
			t.Errorf("%s: edit %v read %v paths %q patch %q; want edit %v read %v paths %q patch %v",
				tt.file, req.Edit, req.Read, req.Paths, req.Patch, tt.edit, tt.read, tt.paths, tt.patch)
		}
	}
}

// TestEditTools: the names guard judges, for each agent's hook matcher.
func TestEditTools(t *testing.T) {
	for _, tt := range []struct {
		agent        hook.Agent
		edits, reads []string
	}{
		{hook.ClaudeCode, []string{"Edit", "MultiEdit", "NotebookEdit", "Write"}, []string{"Glob", "Grep", "Read"}},
		{hook.Codex, []string{"Edit", "Write", "apply_patch"}, nil},
		{hook.Gemini, []string{"replace", "write_file"}, []string{"glob", "grep_search", "read_file", "read_many_files", "search_file_content"}},
	} {
		edits, reads := hook.EditTools(tt.agent)
		if !slices.Equal(edits, tt.edits) || !slices.Equal(reads, tt.reads) {
			t.Errorf("EditTools(%s) = %q, %q; want %q, %q", tt.agent, edits, reads, tt.edits, tt.reads)
		}
	}
}
