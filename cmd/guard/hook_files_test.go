package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileRequest is a request of an agent's file tool with input, run in cwd.
func fileRequest(agent, cwd, tool string, input map[string]any) map[string]any {
	req := hookRequest(agent, cwd, "unused")
	req["tool_name"], req["tool_input"] = tool, input
	return req
}

// hookOutcome is what the agent makes of an answer: allow, ask, deny, or
// pass (no objection: the agent's own rules apply).
func hookOutcome(ans map[string]any) string {
	if d := hookStr(hookField(ans, "decision")); d != "" {
		return d
	}
	if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "" {
		return d
	}
	return "pass"
}

// hookReason is the reason an answer gives.
func hookReason(ans map[string]any) string {
	return hookStr(hookField(ans, "reason")) + hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason"))
}

// agentSays is how each agent's answer reads a verdict: Codex says nothing
// to an allow, and Codex and Gemini CLI cannot ask.
var agentSays = map[string]map[string]string{
	"claude-code": {"allow": "allow", "ask": "ask", "deny": "deny", "pass": "pass"},
	"codex":       {"allow": "pass", "ask": "deny", "deny": "deny", "pass": "pass"},
	"gemini":      {"allow": "allow", "ask": "deny", "deny": "deny", "pass": "pass"},
}

var editModes = []string{"suggest", "auto-edit", "full-auto"}

// TestHookEdits sends each agent's edit and read tool requests to the real
// guard binary in each mode: every path inside the project (allowed in
// auto-edit and full-auto), outside it, protected, through a symlinked
// directory out of it, and reads of secrets.
func TestHookEdits(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	for _, d := range []string{project + "/src", project + "/.git/hooks"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outside := "/etc/cron.d/guard-edit-test" // judged only: nothing is written
	if err := os.Symlink("/etc", project+"/etc-link"); err != nil {
		t.Fatal(err)
	}
	// deep/../..: the kernel climbs from the link's target (two levels
	// down, so it stays under /tmp, a root), while Codex and Node clean the
	// path first and land in /etc.
	if err := os.MkdirAll(project+"/a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(project+"/a/b", project+"/deep"); err != nil {
		t.Fatal(err)
	}
	lexicalOut := "deep/" + strings.Repeat("../", strings.Count(project, "/")+1) + "etc/guard-x"
	// base is the TMPDIR guard is given, a shared writable root, so the
	// scratch home in it lies in a root (protected names are named as such)
	// wherever the test's own TMPDIR lies.
	env := hookWith(hookEnv(t, base), "TMPDIR="+base)
	home := filepath.Join(base, "home")

	inside := [3]string{"ask", "allow", "allow"}
	out := [3]string{"ask", "ask", "deny"}
	denied := [3]string{"deny", "deny", "deny"}
	passes := [3]string{"pass", "pass", "pass"}
	secret := [3]string{"ask", "ask", "deny"}

	patch := func(body string) string { return "*** Begin Patch\n" + body + "*** End Patch\n" }
	type tc struct {
		name  string
		agent string
		tool  string
		input map[string]any
		want  [3]string // suggest, auto-edit, full-auto
		in    string    // a word the reason must hold
	}
	var cases []tc
	// Claude Code's and Gemini CLI's edit tools: one path each.
	for _, at := range []struct{ agent, tool, key string }{
		{"claude-code", "Write", "file_path"},
		{"claude-code", "Edit", "file_path"},
		{"claude-code", "MultiEdit", "file_path"},
		{"claude-code", "NotebookEdit", "notebook_path"},
		{"gemini", "write_file", "file_path"},
		{"gemini", "replace", "file_path"},
	} {
		for _, p := range []struct {
			name, path string
			want       [3]string
			in         string
		}{
			{"inside", project + "/src/main.go", inside, ""},
			{"relative inside", "src/new.go", inside, ""},
			{"outside", outside, out, "outside the writable roots"},
			{"dot-dot out", project + "/src/../../../../../../../../../../etc/x", out, "outside"},
			{"symlinked directory out", project + "/etc-link/cron.d/x", out, "/etc/cron.d/x"},
			{"cleaned path out", project + "/" + lexicalOut, out, "/etc/guard-x"},
			{"git hook", project + "/.git/hooks/pre-commit", out, ".git"},
			{"vscode", project + "/.vscode/settings.json", out, "protected .vscode"},
			{"bashrc", home + "/.bashrc", out, "protected ~/.bashrc"},
		} {
			cases = append(cases, tc{at.tool + " " + p.name, at.agent, at.tool, map[string]any{at.key: p.path, "content": "x"}, p.want, p.in})
		}
	}
	// Codex's patch tool, under its three names.
	for _, tool := range []string{"apply_patch", "Write", "Edit"} {
		for _, p := range []struct {
			name, patch string
			want        [3]string
			in          string
		}{
			{"inside", patch("*** Add File: src/a.go\n+package src\n*** Update File: src/b.go\n*** Move to: src/c.go\n@@\n-x\n+y\n"), inside, ""},
			{"outside", patch("*** Add File: " + outside + "\n+* * * * * root id\n"), out, outside},
			{"move out", patch("*** Update File: src/b.go\n*** Move to: ../../../../../../../../../../etc/b.go\n@@\n-x\n+y\n"), out, "outside"},
			{"delete through a symlink", patch("*** Delete File: etc-link/passwd\n"), out, "/etc/passwd"},
			{"cleaned path out", patch("*** Add File: " + lexicalOut + "\n+x\n"), out, "/etc/guard-x"},
			{"home", patch("*** Add File: ~/.bashrc\n+x\n"), out, "protected ~/.bashrc"},
			{"git hook", patch("*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n"), out, ".git"},
			{"malformed", patch("*** Add File: a\nno plus\n"), denied, `line 3: not a file header`},
			// Each path is judged: 100,000 files ran past the deadline.
			{"too many files", patch(strings.Repeat("*** Delete File: src/a.go\n", 5001)), denied, "more than 5000 files"},
		} {
			cases = append(cases, tc{"codex " + tool + " " + p.name, "codex", tool, map[string]any{"command": p.patch}, p.want, p.in})
		}
	}
	// Codex's shell tool with apply_patch in a here-document: applied by
	// Codex itself, so judged as an edit (allowed, not sandboxed, in
	// full-auto).
	for _, p := range []struct {
		name, script string
		want         [3]string
	}{
		{"inside", "apply_patch <<'EOF'\n" + patch("*** Add File: src/x.go\n+package src\n") + "EOF\n", inside},
		{"cd then inside", "cd src && apply_patch <<'EOF'\n" + patch("*** Add File: x.go\n+package src\n") + "EOF\n", inside},
		{"outside", "apply_patch <<'EOF'\n" + patch("*** Add File: "+outside+"\n+x\n") + "EOF\n", out},
		{"git hook", "apply_patch <<'EOF'\n" + patch("*** Add File: .git/hooks/post-checkout\n+x\n") + "EOF\n", out},
		{"malformed", "apply_patch <<'EOF'\n*** Begin Patch\n*** Bogus\n*** End Patch\nEOF\n", denied},
	} {
		cases = append(cases, tc{"codex shell apply_patch " + p.name, "codex", "Bash", map[string]any{"command": p.script}, p.want, ""})
	}
	// Reads: let through but for secrets.
	for _, rt := range []struct {
		agent, tool string
		input       func(p string) map[string]any
	}{
		{"claude-code", "Read", func(p string) map[string]any { return map[string]any{"file_path": p} }},
		{"claude-code", "Grep", func(p string) map[string]any { return map[string]any{"pattern": "main", "path": p} }},
		{"claude-code", "Glob", func(p string) map[string]any { return map[string]any{"pattern": "*", "path": p} }},
		{"gemini", "read_file", func(p string) map[string]any { return map[string]any{"file_path": p} }},
		{"gemini", "read_many_files", func(p string) map[string]any { return map[string]any{"include": []string{"README.md", p}} }},
		{"gemini", "glob", func(p string) map[string]any { return map[string]any{"pattern": "*", "dir_path": p} }},
		{"gemini", "grep_search", func(p string) map[string]any { return map[string]any{"pattern": "main", "dir_path": p} }},
		{"gemini", "search_file_content", func(p string) map[string]any { return map[string]any{"pattern": "main", "dir_path": p} }},
	} {
		for _, p := range []struct {
			name, path string
			want       [3]string
		}{
			{"project file", project + "/src/main.go", passes},
			{"outside", "/etc/hosts", passes},
			{"env file", project + "/.env", secret},
			{"relative env file", ".env.local", secret},
			{"ssh key", home + "/.ssh/id_ed25519", secret},
			{"ssh directory", home + "/.ssh", secret},
			{"shadow", "/etc/shadow", secret},
		} {
			want := p.want
			if (rt.tool == "Glob" || rt.tool == "glob") && p.name == "ssh directory" {
				want = passes // listing names reads no key
			}
			cases = append(cases, tc{rt.tool + " " + p.name, rt.agent, rt.tool, rt.input(p.path), want, ""})
		}
	}
	// A Glob whose pattern names the keys, a Grep whose file pattern names a
	// secret.
	cases = append(cases, tc{"Glob keys", "claude-code", "Glob", map[string]any{"pattern": "id_*", "path": home + "/.ssh"}, secret, "secret ~/.ssh/id_*"})
	cases = append(cases, tc{"Grep glob .env", "claude-code", "Grep", map[string]any{"pattern": "KEY", "glob": ".env"}, secret, "secret .env"})
	// A request of more paths than are judged one by one is asked about
	// (100,000 read_many_files globs took 7.7 s of the hook's 10).
	many := make([]string, 5001)
	for i := range many {
		many[i] = fmt.Sprintf("src/d%d/*.go", i)
	}
	cases = append(cases, tc{"read_many_files too many", "gemini", "read_many_files", map[string]any{"include": many}, [3]string{"ask", "ask", "ask"}, "more than 5000 paths"})
	// Other tools are let through, in every mode.
	cases = append(cases,
		tc{"WebFetch", "claude-code", "WebFetch", map[string]any{"url": "https://example.com"}, passes, ""},
		tc{"list_directory", "gemini", "list_directory", map[string]any{"dir_path": home + "/.ssh"}, passes, ""})

	for _, tt := range cases {
		t.Run(tt.agent+" "+tt.name, func(t *testing.T) {
			for i, mode := range editModes {
				ans := hookAsk(t, guard, tt.agent, project, hookWith(env, "GUARD_MODE="+mode), fileRequest(tt.agent, project, tt.tool, tt.input))
				want := agentSays[tt.agent][tt.want[i]]
				if got := hookOutcome(ans); got != want {
					t.Errorf("%s: %s, want %s: %v", mode, got, want, ans)
				}
				if tt.in != "" && i > 0 && tt.want[i] != "allow" && !strings.Contains(hookReason(ans), tt.in) {
					t.Errorf("%s: reason %q does not say %q", mode, hookReason(ans), tt.in)
				}
			}
		})
	}
}

// TestHookEditMalformed: an edit request without its path, or with a path
// of the wrong type, is denied, never let through.
func TestHookEditMalformed(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	env := hookEnv(t, dir)
	for _, tt := range []struct {
		agent, tool string
		input       map[string]any
	}{
		{"claude-code", "Write", map[string]any{"content": "x"}},
		{"claude-code", "Edit", map[string]any{"file_path": 7}},
		{"claude-code", "NotebookEdit", map[string]any{"file_path": "/x.ipynb"}},
		{"claude-code", "Read", map[string]any{}},
		{"gemini", "write_file", map[string]any{"path": "/x"}},
		{"gemini", "read_many_files", map[string]any{"include": "README.md"}},
		{"codex", "apply_patch", map[string]any{"patch_text": "*** Begin Patch\n*** End Patch"}},
		{"codex", "apply_patch", map[string]any{"command": []string{"apply_patch"}}},
	} {
		for _, mode := range editModes {
			ans := hookAsk(t, guard, tt.agent, dir, hookWith(env, "GUARD_MODE="+mode), fileRequest(tt.agent, dir, tt.tool, tt.input))
			if got := hookOutcome(ans); got != "deny" {
				t.Errorf("%s %s %v in %s: %s, want deny: %v", tt.agent, tt.tool, tt.input, mode, got, ans)
			}
		}
	}
}
