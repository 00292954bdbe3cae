package hook_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestGeminiAtPaths: Gemini CLI 0.61.0 reads a relative path starting with
// @ that does not exist as the path without it; guard judged the literal
// path, and write_file {"file_path": "@.vscode/settings.json"} wrote the
// protected file, read_file "@id_ed25519" read the key (H8-2).
func TestGeminiAtPaths(t *testing.T) {
	for _, c := range []struct {
		tool, input string
		want        []string
	}{
		{"write_file", `{"file_path":"@.vscode/settings.json","content":""}`, []string{"/p/@.vscode/settings.json", "/p/.vscode/settings.json"}},
		{"read_file", `{"file_path":"@id_ed25519"}`, []string{"/p/@id_ed25519", "/p/id_ed25519"}},
		{"read_file", `{"file_path":"@/.env"}`, []string{"/p/@/.env", "/p/.env"}},
		{"replace", `{"file_path":"@\\.git/config","old_string":"a","new_string":"b"}`, []string{"/p/@\\.git/config", "/p/.git/config"}},
		{"read_file", `{"file_path":"@"}`, []string{"/p/@"}},
		{"read_file", `{"file_path":"/abs/@x"}`, []string{"/abs/@x"}},
		{"read_file", `{"file_path":"a.txt"}`, []string{"/p/a.txt"}},
	} {
		req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"/p","tool_name":"`+c.tool+`","tool_input":`+c.input+`}`))
		if err != nil {
			t.Errorf("%s %s: %v", c.tool, c.input, err)
			continue
		}
		if !slices.Equal(req.Paths, c.want) {
			t.Errorf("%s %s: paths %q, want %q", c.tool, c.input, req.Paths, c.want)
		}
	}
	// Claude Code takes the path as written.
	req, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"cwd":"/p","tool_name":"Read","tool_input":{"file_path":"@id_ed25519"}}`))
	if err != nil || !slices.Equal(req.Paths, []string{"/p/@id_ed25519"}) {
		t.Errorf("Claude Code Read @id_ed25519: %q, %v", req.Paths, err)
	}
}

// TestGeminiFound: Gemini CLI 0.61.0's replace looks a relative path that
// does not exist up in the workspace (a file of that name whose path ends
// with it): replace {"file_path": "tasks.json"} edited .vscode/tasks.json,
// judged as a new tasks.json (H8-2).
func TestGeminiFound(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{".vscode/tasks.json", "a.txt", "sub/deep/tasks.json", ".git/hooks/pre-commit"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link is not a regular file to the lookup, nor walked into.
	if err := os.Symlink(filepath.Join(root, ".vscode"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	found := func(tool, path string) []string {
		t.Helper()
		req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"`+root+`","tool_name":"`+tool+`","tool_input":{"file_path":"`+path+`","old_string":"x","new_string":"y"}}`))
		if err != nil {
			t.Fatal(err)
		}
		got, err := hook.GeminiFound(req, hook.RuleEnv{Getenv: func(string) string { return "" }, Home: t.TempDir(), Project: root})
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			got[i], _ = filepath.Rel(root, got[i])
		}
		slices.Sort(got)
		return got
	}
	for _, c := range []struct {
		tool, path string
		want       []string
	}{
		{"replace", "tasks.json", []string{".vscode/tasks.json", "sub/deep/tasks.json"}},
		{"replace", "code/tasks.json", []string{".vscode/tasks.json"}},
		{"replace", "@tasks.json", []string{".vscode/tasks.json", "sub/deep/tasks.json"}},
		{"replace", "hooks/pre-commit", []string{".git/hooks/pre-commit"}},
		{"replace", "a.txt", nil},   // exists: edited where it is
		{"replace", "new.txt", nil}, // nothing of that name: a new file
		{"replace", root + "/tasks.json", nil},
		{"write_file", "tasks.json", nil}, // write_file has no lookup
	} {
		if got := found(c.tool, c.path); !slices.Equal(got, c.want) {
			t.Errorf("%s %s: found %q, want %q", c.tool, c.path, got, c.want)
		}
	}
}

// TestGeminiWorkspace: the directories Gemini CLI adds to its workspace,
// which its replace tool's lookup walks besides the project: a file found
// there is returned (hooks-21 H21-1: replace {"file_path": "pkg/conf.txt"}
// edited an included directory's lib/pkg/conf.txt in auto-edit).
func TestGeminiWorkspace(t *testing.T) {
	home, project, outside := t.TempDir(), t.TempDir(), t.TempDir()
	write := func(path, data string) { writeFile(t, path, data) }
	env := map[string]string{"GEMINI_CLI_SYSTEM_DEFAULTS_PATH": filepath.Join(outside, "defaults.json"), "GEMINI_CLI_IDE_WORKSPACE_PATH": filepath.Join(outside, "ide1") + ": " + filepath.Join(outside, "ide2")}
	renv := hook.RuleEnv{Getenv: func(k string) string { return env[k] }, Home: home, Project: project, GeminiSystem: filepath.Join(outside, "etc")}
	write(filepath.Join(home, ".gemini", "settings.json"), `{"context": {"includeDirectories": ["~/lib", "%USERPROFILE%/notes"]}} // comment`)
	// %userprofile% in ASCII letters only (Gemini CLI lowers the case in
	// JavaScript, which folds no ſ onto s): a directory of the project.
	write(filepath.Join(project, ".gemini", "settings.json"), `{"context": {"includeDirectories": ["../sibling", "%uſerprofile%/x"]}}`)
	write(filepath.Join(outside, "defaults.json"), `{"context": {"includeDirectories": ["`+filepath.Join(outside, "shared")+`"]}}`)
	got, err := hook.GeminiWorkspace(renv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{project, filepath.Join(home, "lib"), filepath.Join(home, "notes"), filepath.Join(filepath.Dir(project), "sibling"), filepath.Join(project, "%uſerprofile%", "x"), filepath.Join(outside, "shared"), filepath.Join(outside, "ide1"), filepath.Join(outside, "ide2")}
	if !slices.Equal(got, want) {
		t.Errorf("workspace %q, want %q", got, want)
	}

	// replace's lookup finds a file of an included directory.
	write(filepath.Join(home, "lib", "pkg", "conf.txt"), "x")
	req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"`+project+`","tool_name":"replace","tool_input":{"file_path":"pkg/conf.txt","old_string":"x","new_string":"y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	found, err := hook.GeminiFound(req, renv)
	if err != nil || !slices.Equal(found, []string{filepath.Join(home, "lib", "pkg", "conf.txt")}) {
		t.Errorf("found %q, %v", found, err)
	}

	// A search naming no directory walks every workspace directory: glob,
	// and the older grep (without rg), not rg's grep_search.
	for _, c := range []struct {
		tool, input  string
		legacy, want bool
	}{
		{"glob", `{"pattern":"*"}`, false, true},
		{"glob", `{"pattern":"*","dir_path":"src"}`, false, false},
		{"grep_search", `{"pattern":"k"}`, false, false},
		{"grep_search", `{"pattern":"k"}`, true, true},
		{"grep_search", `{"pattern":"k","dir_path":"."}`, true, false},
		{"search_file_content", `{"pattern":"k"}`, false, true},
		{"read_file", `{"file_path":"a"}`, true, false},
	} {
		r, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"`+project+`","tool_name":"`+c.tool+`","tool_input":`+c.input+`}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := hook.GeminiSearchesWorkspace(r, c.legacy); got != c.want {
			t.Errorf("%s %s legacy=%v: searches the workspace %v, want %v", c.tool, c.input, c.legacy, got, c.want)
		}
	}
	paths := hook.InEachDir([]string{project, project + "/*.env", "/elsewhere", project + "x/y"}, project, []string{"/a", "/b"})
	if want := []string{project, project + "/*.env", "/elsewhere", project + "x/y", "/a", "/b", "/a/*.env", "/b/*.env"}; !slices.Equal(paths, want) {
		t.Errorf("InEachDir: %q, want %q", paths, want)
	}

	// Settings guard cannot read are an error: it cannot tell the workspace.
	write(filepath.Join(project, ".gemini", "settings.json"), `{"context": {"includeDirectories": [1]}}`)
	if _, err := hook.GeminiFound(req, renv); err == nil {
		t.Error("a non-string includeDirectories entry: no error")
	}
}

// TestGeminiSkillDirs: activate_skill adds the skill's directory to Gemini
// CLI's workspace, so every skill's directory is one, linked ones resolved
// (hooks-23 H23-1).
func TestGeminiSkillDirs(t *testing.T) {
	home, project, outside := t.TempDir(), t.TempDir(), t.TempDir()
	write := func(path string) { writeFile(t, path, "---\nname: x\ndescription: y\n---\n") }
	renv := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project, GeminiSystem: filepath.Join(outside, "etc")}
	write(filepath.Join(home, ".gemini", "extensions", "ext", "skills", "e", "SKILL.md"))
	write(filepath.Join(home, ".gemini", "skills", "u", "SKILL.md"))
	write(filepath.Join(home, ".agents", "skills", "SKILL.md")) // a skill that is the directory itself
	write(filepath.Join(project, ".gemini", "skills", "p", "SKILL.md"))
	write(filepath.Join(outside, "linked", "SKILL.md"))
	writeFile(t, filepath.Join(project, ".gemini", "skills", "notes", "README.md"), "no skill")
	if err := os.MkdirAll(filepath.Join(project, ".agents", "skills"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "linked"), filepath.Join(project, ".agents", "skills", "l")); err != nil {
		t.Fatal(err)
	}
	got, err := hook.GeminiWorkspace(renv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{project, filepath.Join(home, ".gemini", "extensions", "ext", "skills", "e"), filepath.Join(home, ".gemini", "skills", "u"),
		filepath.Join(home, ".agents", "skills"), filepath.Join(project, ".gemini", "skills", "p"), filepath.Join(outside, "linked")}
	if !slices.Equal(got, want) {
		t.Errorf("workspace %q, want %q", got, want)
	}

	// replace's lookup finds a skill's script.
	writeFile(t, filepath.Join(outside, "linked", "scripts", "run.sh"), "echo x\n")
	req, err := hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"`+project+`","tool_name":"replace","tool_input":{"file_path":"scripts/run.sh","old_string":"x","new_string":"y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	found, err := hook.GeminiFound(req, renv)
	if err != nil || !slices.Equal(found, []string{filepath.Join(outside, "linked", "scripts", "run.sh")}) {
		t.Errorf("found %q, %v", found, err)
	}
}
