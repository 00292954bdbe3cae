package hook_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestMemoryImports: the files a Write, Edit or MultiEdit of a Claude Code
// memory file makes Claude Code read into the model's context (hooks-10
// H10-5): its "@path" words as Claude Code reads them, after the edit and in
// the edit's new text, followed through the imported files.
func TestMemoryImports(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "p")
	writeFile(t, filepath.Join(project, "edit", "CLAUDE.md"), "Build with make.\n")
	writeFile(t, filepath.Join(project, "docs", "guide.md"), "See @../.env for the settings.\n")
	getenv := func(string) string { return "" }
	decode := func(input string) hook.Request {
		t.Helper()
		req, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"hook_event_name":"PreToolUse","cwd":"`+project+`",`+input+`}`))
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	env := filepath.Join(project, ".env")
	for _, tt := range []struct {
		input string
		want  []string
	}{
		{`"tool_name":"Write","tool_input":{"file_path":"` + project + `/sub/CLAUDE.md","content":"Notes.\n@../.env\n"}`, []string{env}},
		{`"tool_name":"Write","tool_input":{"file_path":"` + project + `/CLAUDE.local.md","content":"x @~/.ssh/id_ed25519#frag and @./a\\ b"}`,
			[]string{filepath.Join(home, ".ssh", "id_ed25519"), filepath.Join(project, "a b")}},
		{`"tool_name":"Write","tool_input":{"file_path":"` + project + `/CLAUDE.md","content":"mail me: me@host.com, @/etc/shadow\u00a0@.env"}`,
			[]string{"/etc/shadow", env}},
		{`"tool_name":"Write","tool_input":{"file_path":"` + project + `/CLAUDE.md","content":"@docs/guide.md"}`,
			[]string{filepath.Join(project, "docs", "guide.md"), env}},
		{`"tool_name":"Edit","tool_input":{"file_path":"` + project + `/edit/CLAUDE.md","old_string":"make.","new_string":"make. @../.env"}`, []string{env}},
		{`"tool_name":"MultiEdit","tool_input":{"file_path":"` + project + `/edit/CLAUDE.md","edits":[{"old_string":"Build","new_string":"@"},{"old_string":"@ with","new_string":"@../.env with"}]}`, []string{env}},
		{`"tool_name":"Write","tool_input":{"file_path":"` + project + `/README.md","content":"@.env"}`, nil},
		{`"tool_name":"Write","tool_input":{"file_path":"` + project + `/CLAUDE.md","content":"no imports, a@b, @ alone, @/ and @#x"}`, nil},
	} {
		got := hook.MemoryImports(decode(tt.input), home, getenv)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: imports %q, missing %s", tt.input, got, w)
			}
		}
		if tt.want == nil && len(got) > 0 {
			t.Errorf("%s: imports %q, want none", tt.input, got)
		}
	}
	// Gemini CLI's GEMINI.md, written with write_file or replace; its
	// reading of a word ("@a\" is the file a\, "#" is part of the name).
	gdecode := func(input string) hook.Request {
		t.Helper()
		req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"`+project+`",`+input+`}`))
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	writeFile(t, filepath.Join(project, "GEMINI.md"), "Build with make.\n")
	for _, tt := range []struct {
		input string
		want  string
	}{
		{`"tool_name":"write_file","tool_input":{"file_path":"` + project + `/sub/GEMINI.md","content":"@../.env"}`, env},
		{`"tool_name":"replace","tool_input":{"file_path":"` + project + `/GEMINI.md","old_string":"make.","new_string":"make. @.env"}`, env},
		{`"tool_name":"write_file","tool_input":{"file_path":"` + project + `/GEMINI.md","content":"@.env\\ x"}`, filepath.Join(project, `.env\`)},
		{`"tool_name":"write_file","tool_input":{"file_path":"` + project + `/GEMINI.md","content":"@.env#x"}`, filepath.Join(project, ".env#x")},
	} {
		if got := hook.MemoryImports(gdecode(tt.input), home, getenv); !slices.Contains(got, tt.want) {
			t.Errorf("%s: imports %q, missing %s", tt.input, got, tt.want)
		}
	}
	if !hook.MemoryFile(hook.ClaudeCode, "/p/x/CLAUDE.local.md", hook.RuleEnv{Getenv: getenv}) || hook.MemoryFile(hook.ClaudeCode, "/p/claude.md.txt", hook.RuleEnv{Getenv: getenv}) {
		t.Error("MemoryFile by name")
	}
	// Another agent's write counts when the user has Claude Code.
	if hook.MemoryFile(hook.Codex, "/p/CLAUDE.md", hook.RuleEnv{Getenv: func(k string) string {
		if k == "HOME" {
			return t.TempDir()
		}
		return ""
	}}) {
		t.Error("MemoryFile for Codex without Claude Code's settings")
	}
	writeFile(t, filepath.Join(home, ".claude", "settings.json"), "{}")
	if !hook.MemoryFile(hook.Codex, "/p/CLAUDE.md", hook.RuleEnv{Getenv: func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}}) {
		t.Error("MemoryFile for Codex with Claude Code's settings")
	}
}

// TestNestedMemoryImports: the memory files of the directories between the
// project and a file tool's path, with their imports; not the project's own
// (loaded at the start), not for other agents or tools.
func TestNestedMemoryImports(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "p")
	writeFile(t, filepath.Join(project, "CLAUDE.md"), "@.env\n")
	writeFile(t, filepath.Join(project, "a", "CLAUDE.local.md"), "@../.env\n")
	writeFile(t, filepath.Join(project, "a", "b", ".claude", "CLAUDE.md"), "@../../../key.pem\n")
	writeFile(t, filepath.Join(project, "c", "CLAUDE.md"), "Ask @alice.\n")
	req := func(agent hook.Agent, tool string, paths ...string) hook.Request {
		return hook.Request{Agent: agent, Tool: tool, Read: tool == "Read", Edit: tool == "Write", Project: project, Paths: paths}
	}
	got := hook.NestedMemoryImports(req(hook.ClaudeCode, "Read", filepath.Join(project, "a", "b", "x.txt")), home, nil)
	for _, w := range []string{filepath.Join(project, ".env"), filepath.Join(project, "key.pem")} {
		if !slices.Contains(got, w) {
			t.Errorf("Read a/b/x.txt: imports %q, missing %s", got, w)
		}
	}
	if got := hook.NestedMemoryImports(req(hook.ClaudeCode, "Write", filepath.Join(project, "c", "y.txt")), home, nil); !slices.Equal(got, []string{filepath.Join(project, "c", "CLAUDE.md"), filepath.Join(project, "c", "alice.")}) {
		t.Errorf("Write c/y.txt: imports %q", got)
	}
	for _, r := range []hook.Request{
		req(hook.ClaudeCode, "Read", filepath.Join(project, "x.txt")),
		req(hook.ClaudeCode, "Read", filepath.Join(home, "other", "a", "x.txt")),
		req(hook.Gemini, "Read", filepath.Join(project, "a", "x.txt")),
	} {
		if got := hook.NestedMemoryImports(r, home, nil); len(got) > 0 {
			t.Errorf("%v: imports %q, want none", r.Paths, got)
		}
	}
}

// TestGeminiUnescape: the text Gemini CLI's write_file may write for the
// content it was given (unescapeStringForGeminiBug), and the settings that
// turn its LLM correction on.
func TestGeminiUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`Notes.\n@.env`:    "Notes.\n@.env",
		`a\\\nb`:           "a\nb",
		`say \"hi\" \'x\'`: `say "hi" 'x'`,
		"a\\\nb":           "a\nb",
		`tab\there`:        "tab\there",
		`c:\path\x`:        `c:\path\x`,
		"plain":            "plain",
	} {
		if got := hook.GeminiUnescape(in); got != want {
			t.Errorf("GeminiUnescape(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	project := filepath.Join(dir, "p")
	if err := os.MkdirAll(filepath.Join(project, ".gemini"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hook.RuleEnv{Home: filepath.Join(dir, "home"), Project: project, GeminiSystem: filepath.Join(dir, "etc"), Getenv: func(string) string { return "" }}
	settings := filepath.Join(project, ".gemini", "settings.json")
	for body, on := range map[string]bool{
		"": false,
		`{"tools": {"disableLLMCorrection": true}}`: false,
		`{"tools": {}}`: false,
		"// mine\n{\"tools\": {\"disableLLMCorrection\": false}}": true,
		`{"tools": [1]}`: true,
	} {
		os.Remove(settings)
		if body != "" {
			if err := os.WriteFile(settings, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := hook.GeminiLLMCorrection(env) != ""; got != on {
			t.Errorf("GeminiLLMCorrection with %q = %v, want %v", body, got, on)
		}
	}
}

// TestNestedMemoryGemini: Gemini CLI 0.61.0 loads a directory's GEMINI.md,
// with its imports, when read_file, read_many_files, list_directory,
// write_file or replace first touch it (its JIT context; hooks-15 H15-4):
// a listed directory counts itself.
func TestNestedMemoryGemini(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "p")
	writeFile(t, filepath.Join(project, "sub", "GEMINI.md"), "Notes.\n@../.env\n")
	writeFile(t, filepath.Join(project, "other", "CLAUDE.md"), "@../.env\n")
	req := func(tool string, read bool, path string) hook.Request {
		return hook.Request{Agent: hook.Gemini, Tool: tool, Read: read, Edit: !read, Project: project, Paths: []string{path}}
	}
	want := []string{filepath.Join(project, "sub", "GEMINI.md"), filepath.Join(project, ".env")}
	for _, r := range []hook.Request{
		req("read_file", true, filepath.Join(project, "sub", "a.txt")),
		req("list_directory", true, filepath.Join(project, "sub")),
		req("write_file", false, filepath.Join(project, "sub", "deeper", "b.txt")),
	} {
		if got := hook.NestedMemoryImports(r, home, nil); !slices.Equal(got, want) {
			t.Errorf("%s %v: imports %q, want %q", r.Tool, r.Paths, got, want)
		}
	}
	for _, r := range []hook.Request{
		req("read_file", true, filepath.Join(project, "other", "a.txt")), // Claude Code's file
		req("list_directory", true, project),                             // the project's own: loaded at the start
	} {
		if got := hook.NestedMemoryImports(r, home, nil); len(got) > 0 {
			t.Errorf("%s %v: imports %q, want none", r.Tool, r.Paths, got)
		}
	}
	// A memory file that is a link is read as what it leads to (hooks-15
	// H15-5): it is returned, for the caller to judge as a read.
	link := filepath.Join(project, "linked", "GEMINI.md")
	writeFile(t, filepath.Join(project, "linked", "a.txt"), "x\n")
	if err := os.Symlink(filepath.Join(home, ".ssh", "id_ed25519"), link); err != nil {
		t.Fatal(err)
	}
	if got := hook.NestedMemoryImports(req("read_file", true, filepath.Join(project, "linked", "a.txt")), home, nil); !slices.Equal(got, []string{link}) {
		t.Errorf("read_file below a linked GEMINI.md: %q, want %q", got, []string{link})
	}
}

// TestGeminiMemoryNames: the names Gemini CLI's context.fileName gives (a
// string or a list, in the user's or the project's settings) are memory
// files too (hooks-16 H16-2): nested ones are loaded with their imports at
// a file tool's touch, and a write of one is a memory file's write.
func TestGeminiMemoryNames(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "p")
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	writeFile(t, filepath.Join(home, ".gemini", "settings.json"), `{"context": {"fileName": ["AGENTS.md", "GEMINI.md"]}}`)
	writeFile(t, filepath.Join(project, ".gemini", "settings.json"), "// the project's\n{\"context\": {\"fileName\": \"docs/NOTES.md\"}}")
	env := hook.RuleEnv{Getenv: getenv, Project: project, GeminiSystem: filepath.Join(home, "etc")}
	if got, want := hook.GeminiMemoryNames(env), []string{"GEMINI.md", "AGENTS.md", "docs/NOTES.md"}; !slices.Equal(got, want) {
		t.Errorf("GeminiMemoryNames = %q, want %q", got, want)
	}
	writeFile(t, filepath.Join(project, "sub", "AGENTS.md"), "@../.env\n")
	writeFile(t, filepath.Join(project, "sub", "docs", "NOTES.md"), "@../../id\n")
	r := hook.Request{Agent: hook.Gemini, Tool: "read_file", Read: true, Project: project, Paths: []string{filepath.Join(project, "sub", "docs", "a.txt")}}
	got := hook.NestedMemoryImports(r, home, getenv)
	for _, want := range []string{filepath.Join(project, ".env"), filepath.Join(project, "id")} {
		if !slices.Contains(got, want) {
			t.Errorf("NestedMemoryImports = %q, want %s in it", got, want)
		}
	}
	for path, want := range map[string]bool{
		filepath.Join(project, "x", "AGENTS.md"):        true,
		filepath.Join(project, "docs", "NOTES.md"):      true,
		filepath.Join(project, "NOTES.md"):              false,
		filepath.Join(project, "x", "MY-AGENTS.md"):     false,
		filepath.Join(project, "x", "docs", "NOTES.md"): true,
	} {
		if got := hook.MemoryFile(hook.Gemini, path, env); got != want {
			t.Errorf("MemoryFile(%s) = %v, want %v", path, got, want)
		}
	}
}

// TestNestedMemoryWorkspace: Gemini CLI loads the memory files of a path in
// another of its workspace directories (an included one), from the path's
// directory up to the repository holding that directory, or the directory
// itself, with their imports (hooks-21 H21-3: an included repository's
// sub/GEMINI.md sent its .env to the model at a read_file of sub/a.txt).
func TestNestedMemoryWorkspace(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "p")
	repo, plain := filepath.Join(home, "repo"), filepath.Join(home, "plain")
	writeFile(t, filepath.Join(project, ".gemini", "settings.json"), `{"context": {"includeDirectories": ["../repo/lib", "`+plain+`"]}}`)
	writeFile(t, filepath.Join(repo, ".git", "HEAD"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(repo, "GEMINI.md"), "@.env\n")
	writeFile(t, filepath.Join(repo, "lib", "sub", "GEMINI.md"), "@../../key.pem\n")
	writeFile(t, filepath.Join(plain, "GEMINI.md"), "@.env\n")
	writeFile(t, filepath.Join(home, "GEMINI.md"), "@.netrc\n") // above the directory, no repository: not loaded
	getenv := func(k string) string {
		if k == "GEMINI_CLI_HOME" || k == "HOME" {
			return home
		}
		return ""
	}
	req := func(path string) hook.Request {
		return hook.Request{Agent: hook.Gemini, Tool: "read_file", Read: true, Project: project, Paths: []string{path}}
	}
	for _, c := range []struct {
		path string
		want []string
	}{
		{filepath.Join(repo, "lib", "sub", "a.txt"), []string{filepath.Join(repo, "lib", "sub", "GEMINI.md"), filepath.Join(repo, "key.pem"), filepath.Join(repo, "GEMINI.md"), filepath.Join(repo, ".env")}},
		{filepath.Join(plain, "x", "a.txt"), []string{filepath.Join(plain, "GEMINI.md"), filepath.Join(plain, ".env")}},
		{filepath.Join(home, "elsewhere", "a.txt"), nil}, // in no workspace directory
	} {
		got := hook.NestedMemoryImports(req(c.path), home, getenv)
		slices.Sort(got)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("read_file %s: imports %q, want %q", c.path, got, c.want)
		}
	}
}
