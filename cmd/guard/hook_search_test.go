package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHookSearchTree: an agent's search tools (Grep, grep_search,
// search_file_content) print the matching lines of every file below the
// directory searched, and read_many_files every file its globs match, so a
// secret file in that tree is a secret read, as for `grep -r` in a shell;
// so is a search for a secret-looking variable, and a Read of a file that
// holds a token (an .npmrc). Red-team: each of these was let through
// (no objection) while the shell's `grep -r PRIVATE .` asked.
func TestHookSearchTree(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	write := func(p, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// leaky: a key and an .npmrc with a token, neither ignored.
	leaky := filepath.Join(base, "leaky")
	write(leaky+"/.git/HEAD", "ref: refs/heads/main\n")
	write(leaky+"/src/main.go", "package main\n")
	write(leaky+"/keys/server.key", "-----BEGIN PRIVATE KEY-----\n")
	write(leaky+"/.npmrc", "//registry.npmjs.org/:_authToken=npm_x\n")
	write(leaky+"/deploy/sa.json", `{"private_key":"-----BEGIN PRIVATE KEY-----\nMIIE"}`)
	// tidy: its .env is ignored by the repository's .gitignore, as rg (and
	// so Grep and grep_search) honour; git grep and grep -r do not.
	tidy := filepath.Join(base, "tidy")
	write(tidy+"/.git/HEAD", "ref: refs/heads/main\n")
	write(tidy+"/src/main.go", "package main\n")
	write(tidy+"/.env", "OPENAI_API_KEY=sk-x\n")
	write(tidy+"/.gitignore", "node_modules/\n.env\n/build/\n")
	write(tidy+"/node_modules/pkg/test/server.key", "-----BEGIN PRIVATE KEY-----\n")
	write(tidy+"/build/out/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
	// whitelist: the same, but a "!" line guard does not read.
	white := filepath.Join(base, "white")
	write(white+"/.git/HEAD", "ref: refs/heads/main\n")
	write(white+"/.env", "OPENAI_API_KEY=sk-x\n")
	write(white+"/.gitignore", ".env*\n!.env\n")

	type tc struct {
		name, agent, dir, tool string
		input                  map[string]any
		secret                 bool
	}
	cases := []tc{
		{"Grep tree with a key", "claude-code", leaky, "Grep", map[string]any{"pattern": "PRIVATE", "path": leaky, "output_mode": "content"}, true},
		{"Grep names only (the default)", "claude-code", leaky, "Grep", map[string]any{"pattern": "PRIVATE", "path": leaky}, false},
		{"Grep counts", "claude-code", leaky, "Grep", map[string]any{"pattern": "OPENAI_API_KEY", "output_mode": "count"}, false},
		{"Grep working directory", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "output_mode": "content"}, true},
		{"Grep glob narrows to code", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "*.go", "output_mode": "content"}, false},
		{"Grep glob braces", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "*.{go,key}", "output_mode": "content"}, true},
		// Claude Code splits Grep's glob at white space and commas (rg
		// gets one --glob each), and a glob starting with ! only leaves
		// files out: guard judged the whole text as one name.
		{"Grep globs at a space", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "*.go .npmrc", "output_mode": "content"}, true},
		{"Grep globs at a comma", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "*.key,*.go", "output_mode": "content"}, true},
		{"Grep globs at a wide space", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "*.go\u3000.npmrc", "output_mode": "content"}, true},
		{"Grep negated glob", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "!*.go", "output_mode": "content"}, true},
		{"Grep globs of code", "claude-code", leaky, "Grep", map[string]any{"pattern": "x", "glob": "*.go, *.md !*_test.go", "output_mode": "content"}, false},
		{"grep_search negated glob", "gemini", leaky, "grep_search", map[string]any{"pattern": "x", "include_pattern": "!*.go"}, true},
		{"Grep for a secret variable", "claude-code", leaky, "Grep", map[string]any{"pattern": "OPENAI_API_KEY|x", "path": leaky + "/src", "output_mode": "content"}, true},
		{"Grep code", "claude-code", leaky, "Grep", map[string]any{"pattern": "func main", "path": leaky + "/src"}, false},
		{"Read npmrc token", "claude-code", leaky, "Read", map[string]any{"file_path": leaky + "/.npmrc"}, true},
		{"Read code", "claude-code", leaky, "Read", map[string]any{"file_path": leaky + "/src/main.go"}, false},
		{"Read a key by its content", "claude-code", leaky, "Read", map[string]any{"file_path": leaky + "/deploy/sa.json"}, true},
		{"read_file a key by its content", "gemini", leaky, "read_file", map[string]any{"file_path": leaky + "/deploy/sa.json"}, true},
		{"grep_search tree", "gemini", leaky, "grep_search", map[string]any{"pattern": "x", "dir_path": leaky}, true},
		{"search_file_content tree", "gemini", leaky, "search_file_content", map[string]any{"pattern": "x"}, true},
		{"read_many_files directory", "gemini", leaky, "read_many_files", map[string]any{"include": []string{"keys"}}, true},
		{"read_many_files all", "gemini", leaky, "read_many_files", map[string]any{"include": []string{"**/*"}}, true},
		{"read_many_files code", "gemini", leaky, "read_many_files", map[string]any{"include": []string{"**/*.go"}}, false},
		{"Grep ignored env", "claude-code", tidy, "Grep", map[string]any{"pattern": "x", "output_mode": "content"}, false},
		{"grep_search ignored env", "gemini", tidy, "grep_search", map[string]any{"pattern": "x"}, false},
		{"search_file_content ignored env", "gemini", tidy, "search_file_content", map[string]any{"pattern": "x"}, true},
		{"Grep whitelisted env", "claude-code", white, "Grep", map[string]any{"pattern": "x", "output_mode": "content"}, true},
		{"Read a process's memory", "claude-code", leaky, "Read", map[string]any{"file_path": "/proc/self/mem"}, true},
		{"Read the kernel's memory", "gemini", leaky, "read_file", map[string]any{"file_path": "/proc/kcore"}, true},
		{"Read .ENV (case-insensitive file systems)", "claude-code", tidy, "Read", map[string]any{"file_path": tidy + "/.ENV"}, true},
		{"Grep into an ignored directory", "claude-code", tidy, "Grep", map[string]any{"pattern": "x", "path": tidy + "/src", "output_mode": "content"}, false},
		{"read_many_files ignored", "gemini", tidy, "read_many_files", map[string]any{"include": []string{"**/*"}}, false},
	}
	for _, tt := range cases {
		t.Run(tt.agent+" "+tt.name, func(t *testing.T) {
			for _, mode := range editModes {
				ans := hookAsk(t, guard, tt.agent, tt.dir, hookWith(env, "GUARD_MODE="+mode), fileRequest(tt.agent, tt.dir, tt.tool, tt.input))
				got := hookOutcome(ans)
				switch {
				case tt.secret && (got == "allow" || got == "pass"):
					t.Errorf("%s: %s, want asked or denied: %v", mode, got, ans)
				case !tt.secret && got != "pass" && got != "allow":
					t.Errorf("%s: %s, want let through: %v", mode, got, ans)
				}
			}
		})
	}
}

// TestHookEditIntoPath: an agent's Write of .venv/bin/ls, with that
// directory on PATH (an activated virtual environment), was allowed in
// auto-edit as an edit inside the project; the agent's next `ls`, and the
// user's, run it. It is asked (refused in full-auto), other edits are not.
func TestHookEditIntoPath(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	bin := filepath.Join(proj, ".venv", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + bin + ":" + kv[len("PATH="):]
		}
	}
	for _, tt := range []struct {
		agent, tool string
		input       map[string]any
		planted     bool
	}{
		{"claude-code", "Write", map[string]any{"file_path": bin + "/ls", "content": "#!/bin/sh\n"}, true},
		{"claude-code", "Edit", map[string]any{"file_path": ".venv/bin/activate", "old_string": "a", "new_string": "b"}, true},
		{"gemini", "write_file", map[string]any{"file_path": bin + "/git", "content": "x"}, true},
		{"codex", "apply_patch", map[string]any{"command": "*** Begin Patch\n*** Add File: .venv/bin/cat\n+x\n*** End Patch"}, true},
		{"claude-code", "Write", map[string]any{"file_path": proj + "/main.py", "content": "x"}, false},
	} {
		for _, mode := range []string{"auto-edit", "full-auto"} {
			ans := hookAsk(t, guard, tt.agent, proj, hookWith(env, "GUARD_MODE="+mode), fileRequest(tt.agent, proj, tt.tool, tt.input))
			got := agentSays[tt.agent]
			ok := hookOutcome(ans) == got["allow"] || hookOutcome(ans) == got["pass"]
			if tt.planted && ok && hookOutcome(ans) != "deny" {
				t.Errorf("%s %s %v in %s: %s, want asked or refused", tt.agent, tt.tool, tt.input, mode, hookOutcome(ans))
			}
			if !tt.planted && hookOutcome(ans) != got["allow"] {
				t.Errorf("%s %s in %s: %s, want allowed: %v", tt.agent, tt.tool, mode, hookOutcome(ans), ans)
			}
		}
	}
}

// TestHookRenamedKeys: a key renamed between an agent's versions is read
// under each name, and guard judged the first present: read_file with
// file_path README.md and absolute_path ~/.ssh/id_ed25519 was let through,
// while a version reading absolute_path reads the key. Two names with
// different values are refused as malformed.
func TestHookRenamedKeys(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	key := filepath.Join(base, "home", ".ssh", "id_ed25519")
	for _, tt := range []struct {
		tool  string
		input map[string]any
		deny  bool
	}{
		{"read_file", map[string]any{"file_path": proj + "/README.md", "absolute_path": key}, true},
		{"glob", map[string]any{"pattern": "*", "dir_path": proj, "path": base + "/home/.ssh"}, true},
		{"grep_search", map[string]any{"pattern": "x", "include_pattern": "*.md", "include": ".env"}, true},
		{"run_shell_command", map[string]any{"command": "ls", "dir_path": proj, "directory": "/etc"}, true},
		{"read_file", map[string]any{"file_path": proj + "/README.md", "absolute_path": proj + "/README.md"}, false},
		{"run_shell_command", map[string]any{"command": "ls", "dir_path": proj}, false},
	} {
		req := fileRequest("gemini", proj, tt.tool, tt.input)
		ans := hookAsk(t, guard, "gemini", proj, hookWith(env, "GUARD_MODE=suggest"), req)
		got := hookOutcome(ans)
		if tt.deny && got != "deny" {
			t.Errorf("%s %v: %s, want deny: %v", tt.tool, tt.input, got, ans)
		}
		if !tt.deny && got == "deny" {
			t.Errorf("%s %v: deny, want let through: %v", tt.tool, tt.input, ans)
		}
	}
}
