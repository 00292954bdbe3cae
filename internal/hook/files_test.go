package hook_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
	"guard/policy"
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

// TestEditTools: the edit and read tools guard judges.
func TestEditTools(t *testing.T) {
	for _, tt := range []struct {
		agent        hook.Agent
		edits, reads []string
	}{
		{hook.ClaudeCode, []string{"Edit", "MultiEdit", "NotebookEdit", "Write"}, []string{"Glob", "Grep", "Read"}},
		{hook.Codex, []string{"Edit", "Write", "apply_patch"}, []string{"followup_task", "send_input", "spawn_agent", "view_image"}},
		{hook.Gemini, []string{"replace", "write_file"}, []string{"glob", "grep_search", "list_directory", "read_file", "read_many_files", "search_file_content"}},
	} {
		edits, reads := hook.EditTools(tt.agent)
		if !slices.Equal(edits, tt.edits) || !slices.Equal(reads, tt.reads) {
			t.Errorf("EditTools(%s) = %q, %q; want %q, %q", tt.agent, edits, reads, tt.edits, tt.reads)
		}
	}
}

// TestSearchIgnoreSwitches: a search tool told to read the files .gitignore
// names (Gemini CLI's grep_search no_ignore: true, as sent by Gemini CLI
// 0.61.0; its settings' context.fileFiltering.respectGitIgnore false) is
// judged as reading them: guard had judged such a search as skipping them,
// and a gitignored private key was printed.
func TestSearchIgnoreSwitches(t *testing.T) {
	req, err := decodeFile(t, hook.Gemini, "gemini-grep-no-ignore-0.61.json")
	if err != nil {
		t.Fatal(err)
	}
	if req.Tree == nil || req.Tree.GitIgnore {
		t.Errorf("grep_search with no_ignore: tree %+v, want one that does not skip ignored files", req.Tree)
	}
	decode := func(input string) (hook.Request, error) {
		return hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"/p","tool_name":"grep_search","tool_input":`+input+`}`))
	}
	for input, gitignore := range map[string]bool{
		`{"pattern":"x"}`:                                                       true,
		`{"pattern":"x","no_ignore":false}`:                                     true,
		`{"pattern":"x","no_ignore":null}`:                                      true,
		`{"pattern":"x","no_ignore":true}`:                                      false,
		`{"pattern":"x","respect_git_ignore":false}`:                            false,
		`{"pattern":"x","file_filtering_options":{"respect_git_ignore":false}}`: false,
		`{"pattern":"x","file_filtering_options":{"respect_git_ignore":true}}`:  true,
	} {
		req, err := decode(input)
		if err != nil || req.Tree == nil || req.Tree.GitIgnore != gitignore {
			t.Errorf("%s: tree %+v (%v), want GitIgnore %v", input, req.Tree, err, gitignore)
		}
	}
	for _, input := range []string{`{"pattern":"x","no_ignore":"yes"}`, `{"pattern":"x","no_ignore":1}`, `{"pattern":"x","file_filtering_options":true}`} {
		if _, err := decode(input); !errors.Is(err, hook.ErrMalformed) {
			t.Errorf("%s: %v, want a malformed request (the tool may take the switch as set)", input, err)
		}
	}

	dir := t.TempDir()
	project := filepath.Join(dir, "p")
	env := hook.RuleEnv{Getenv: func(k string) string { return map[string]string{"HOME": dir}[k] }, Project: project, GeminiSystem: filepath.Join(dir, "etc")}
	if f := hook.GitIgnoreOff(hook.Gemini, env); f != "" {
		t.Errorf("no settings: %q", f)
	}
	settings := filepath.Join(project, ".gemini", "settings.json")
	os.MkdirAll(filepath.Dir(settings), 0o755)
	os.WriteFile(settings, []byte("{\n  // comment\n  \"context\": {\"fileFiltering\": {\"respectGitIgnore\": false}}\n}\n"), 0o644)
	if f := hook.GitIgnoreOff(hook.Gemini, env); f != settings {
		t.Errorf("project settings with respectGitIgnore false: %q, want %s", f, settings)
	}
	if f := hook.GitIgnoreOff(hook.ClaudeCode, env); f != "" {
		t.Errorf("Claude Code: %q", f)
	}
	os.WriteFile(settings, []byte(`{"context": {"fileFiltering": {"respectGitIgnore": true}}}`), 0o644)
	if f := hook.GitIgnoreOff(hook.Gemini, env); f != "" {
		t.Errorf("respectGitIgnore true: %q", f)
	}
}

// TestSearchGlobWhitelists: a search tool's glob is rg's --glob, and a file
// a positive --glob matches is searched even when hidden or .gitignored (rg
// lets globs override every other ignore rule): with include_pattern "*",
// Gemini CLI 0.61.0's grep_search sent a .env's key to the model, judged as
// a search that skips hidden files. rg reads \x as x.
func TestSearchGlobWhitelists(t *testing.T) {
	for _, c := range []struct {
		agent      hook.Agent
		input      string
		tree       policy.TreeRead
		globInPath string
	}{
		{hook.Gemini, `{"pattern":"x"}`, policy.TreeRead{GitIgnore: true, SkipVCS: true}, ""},
		{hook.Gemini, `{"pattern":"x","include_pattern":"*"}`, policy.TreeRead{Hidden: true, GitIgnore: true}, "/p/*"},
		{hook.Gemini, `{"pattern":"x","include_pattern":".\\env"}`, policy.TreeRead{Hidden: true, GitIgnore: true}, "/p/.env"},
		{hook.Gemini, `{"pattern":"x","include_pattern":"*","no_ignore":true}`, policy.TreeRead{Hidden: true}, "/p/*"},
		{hook.ClaudeCode, `{"pattern":"x","output_mode":"content"}`, policy.TreeRead{Hidden: true, GitIgnore: true, SkipVCS: true}, ""},
		{hook.ClaudeCode, `{"pattern":"x","glob":"*","output_mode":"content"}`, policy.TreeRead{Hidden: true, SkipVCS: true}, "/p/*"},
	} {
		tool := map[hook.Agent]string{hook.Gemini: "grep_search", hook.ClaudeCode: "Grep"}[c.agent]
		event := map[hook.Agent]string{hook.Gemini: "BeforeTool", hook.ClaudeCode: "PreToolUse"}[c.agent]
		req, err := hook.Decode(c.agent, strings.NewReader(`{"hook_event_name":"`+event+`","cwd":"/p","tool_name":"`+tool+`","tool_input":`+c.input+`}`))
		if err != nil {
			t.Fatalf("%s %s: %v", c.agent, c.input, err)
		}
		if req.Tree == nil || *req.Tree != c.tree {
			t.Errorf("%s %s: tree %+v, want %+v", c.agent, c.input, req.Tree, c.tree)
		}
		if c.globInPath != "" && !slices.Contains(req.Paths, c.globInPath) {
			t.Errorf("%s %s: paths %q, want %s among them", c.agent, c.input, req.Paths, c.globInPath)
		}
	}
}

// TestOlderKeyNames: a file tool's directory given only under an older
// key's name (Gemini CLI's grep_search and glob path, which 0.61.0 ignores:
// it searches the working directory) is judged both ways, as the versions
// that read the key and the ones that do not. guard had judged only the
// older name's directory, and Gemini CLI 0.61.0 searched the working
// directory: a .env's key reached the model (H8-1).
func TestOlderKeyNames(t *testing.T) {
	decode := func(tool, input string) (hook.Request, error) {
		return hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"/p","tool_name":"`+tool+`","tool_input":`+input+`}`))
	}
	for _, c := range []struct {
		tool, input string
		want        []string
	}{
		{"grep_search", `{"pattern":"x","path":"sub"}`, []string{"/p/sub", "/p/."}},
		{"grep_search", `{"pattern":"x","path":"sub","include_pattern":"*"}`, []string{"/p/sub", "/p/sub/*", "/p/*", "/p/."}},
		{"grep_search", `{"pattern":"x","path":"/elsewhere","include":"*.txt"}`, []string{"/elsewhere", "/p/."}},
		{"glob", `{"pattern":"*","path":"sub"}`, []string{"/p/sub", "/p/sub/*", "/p/*", "/p/."}},
		// A pattern under an older name: Gemini CLI 0.61.0 searches every
		// file of the directory, so the pattern narrows nothing.
		{"grep_search", `{"pattern":"x","include":"*.txt"}`, []string{"/p/."}},
		{"grep_search", `{"pattern":"x","dir_path":"sub","include":"*.txt"}`, []string{"/p/sub"}},
		{"grep_search", `{"pattern":"x","dir_path":"sub","include_pattern":"*.txt"}`, []string{"/p/sub", "/p/sub/*.txt"}},
		// The current name: its directory only.
		{"grep_search", `{"pattern":"x","dir_path":"sub"}`, []string{"/p/sub"}},
		{"grep_search", `{"pattern":"x","dir_path":"sub","path":"sub"}`, []string{"/p/sub"}},
		{"glob", `{"pattern":"*","dir_path":"sub"}`, []string{"/p/sub", "/p/sub/*"}},
		// A required key under its older name: the current versions
		// refuse the call without the current one; nothing else is read.
		{"read_file", `{"absolute_path":"/p/a.txt"}`, []string{"/p/a.txt"}},
	} {
		req, err := decode(c.tool, c.input)
		if err != nil {
			t.Errorf("%s %s: %v", c.tool, c.input, err)
			continue
		}
		if !slices.Equal(req.Paths, c.want) {
			t.Errorf("%s %s: paths %q, want %q", c.tool, c.input, req.Paths, c.want)
		}
	}

	// The shell tool's directory: Gemini CLI 0.61.0 runs the command in
	// the working directory whatever directory says, so a directory other
	// than it is refused (guard would judge ../x from the wrong place).
	for input, ok := range map[string]bool{
		`{"command":"ls","directory":"sub"}`:                   false,
		`{"command":"ls","directory":"/p/sub"}`:                false,
		`{"command":"ls","directory":"."}`:                     true,
		`{"command":"ls","directory":"/p/"}`:                   true,
		`{"command":"ls","dir_path":"sub","directory":"sub"}`:  true,
		`{"command":"ls","dir_path":"sub","directory":"/p/x"}`: false,
		`{"command":"ls","dir_path":"sub"}`:                    true,
	} {
		_, err := decode("run_shell_command", input)
		if ok != (err == nil) || (err != nil && !errors.Is(err, hook.ErrMalformed)) {
			t.Errorf("run_shell_command %s: %v, want ok %v", input, err, ok)
		}
	}
}

// TestToolKinds: a tool guard does not judge is decoded with its kind, and
// one it does not know, or knows to run code or touch files unread, is
// marked Unjudged (hooks-16 H16-1); MCP tools go by each agent's prefix.
func TestToolKinds(t *testing.T) {
	for _, tt := range []struct {
		agent    hook.Agent
		tool     string
		kind     hook.ToolKind
		unjudged bool
	}{
		{hook.ClaudeCode, "TodoWrite", hook.ToolInert, false},
		{hook.ClaudeCode, "EnterWorktree", hook.ToolUnjudged, true},
		{hook.ClaudeCode, "mcp__db__query", hook.ToolMCP, false},
		{hook.ClaudeCode, "mcp__", hook.ToolUnknown, true},
		{hook.ClaudeCode, "mcp_db_query", hook.ToolUnknown, true},
		{hook.ClaudeCode, "NewTool", hook.ToolUnknown, true},
		{hook.ClaudeCode, "update_plan", hook.ToolUnknown, true},
		{hook.Codex, "update_plan", hook.ToolInert, false},
		{hook.Codex, "write_stdin", hook.ToolUnknown, true},
		{hook.Codex, "mcp__db__query", hook.ToolMCP, false},
		{hook.Gemini, "mcp_db_query", hook.ToolMCP, false},
		{hook.Gemini, "write_todos", hook.ToolInert, false},
		{hook.Gemini, "discovered_tool_x", hook.ToolUnknown, true},
	} {
		event := "PreToolUse"
		if tt.agent == hook.Gemini {
			event = "BeforeTool"
		}
		req, err := hook.Decode(tt.agent, strings.NewReader(`{"hook_event_name":"`+event+`","tool_name":"`+tt.tool+`","tool_input":{}}`))
		if err != nil {
			t.Fatalf("%s %s: %v", tt.agent, tt.tool, err)
		}
		if req.Kind != tt.kind || req.Unjudged != tt.unjudged || req.Shell || req.Edit || req.Read {
			t.Errorf("%s %s: kind %d unjudged %v (shell %v edit %v read %v); want kind %d unjudged %v", tt.agent, tt.tool, req.Kind, req.Unjudged, req.Shell, req.Edit, req.Read, tt.kind, tt.unjudged)
		}
	}
	// Claude Code's Monitor runs its command as Bash does: judged as one.
	req, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"hook_event_name":"PreToolUse","tool_name":"Monitor","tool_input":{"command":"tail -f log","description":"d"}}`))
	if err != nil || !req.Shell || req.Command != "tail -f log" {
		t.Errorf("Monitor: %+v, %v; want a shell request", req, err)
	}
}
