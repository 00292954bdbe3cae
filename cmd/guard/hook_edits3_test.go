package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHookEditThatEchoesIsARead (edits-3): Gemini CLI's replace answers
// the model with the file's lines around the change ("Here is the updated
// code:", five each side), and asks for no read first: a replace in
// .env.local sent its API key to the model, in full-auto too, where the
// read would have been refused. It is judged as a read of the file as
// well; write_file, whose answer holds only what the model wrote, and a
// replace in an ordinary file are judged as edits alone.
func TestHookEditThatEchoesIsARead(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	project := filepath.Join(base, "project")
	os.MkdirAll(filepath.Join(project, "src"), 0o755)
	os.WriteFile(filepath.Join(project, ".env.local"), []byte("API_KEY=edits3-secret-4242\nDEBUG=false\n"), 0o600)
	os.WriteFile(filepath.Join(project, "server.key"), []byte("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"), 0o600)
	os.WriteFile(filepath.Join(project, "src", "main.go"), []byte("package main\n"), 0o644)
	env := hookEnv(t, base)
	for _, tt := range []struct {
		tool, path string
		want       [3]string // suggest, auto-edit, full-auto, as Gemini CLI reads the answer
	}{
		{"replace", ".env.local", [3]string{"deny", "deny", "deny"}},
		{"replace", "server.key", [3]string{"deny", "deny", "deny"}},
		{"replace", "src/main.go", [3]string{"deny", "allow", "allow"}},
		{"write_file", ".env.local", [3]string{"deny", "allow", "allow"}},
	} {
		for i, mode := range editModes {
			input := map[string]any{"file_path": tt.path, "old_string": "DEBUG=false", "new_string": "DEBUG=true"}
			if tt.tool == "write_file" {
				input = map[string]any{"file_path": tt.path, "content": "DEBUG=true\n"}
			}
			ans := hookAsk(t, guard, "gemini", project, hookWith(env, "GUARD_MODE="+mode), fileRequest("gemini", project, tt.tool, input))
			if got := hookOutcome(ans); got != tt.want[i] {
				t.Errorf("%s %s %s: %s, want %s: %v", mode, tt.tool, tt.path, got, tt.want[i], ans)
			}
		}
	}
}

// TestHookEditDirenvLoads (edits-3): direnv allows an .envrc by its own
// content's hash, and what the .envrc's commands load it reads again,
// changed, at the next prompt in the directory (it watches them): dotenv's
// .env goes into the shell's environment, where PROMPT_COMMAND runs, and
// use nix and use flake run the expressions' shellHook. With `dotenv` in an
// allowed .envrc, a Write of .env was allowed in auto-edit and the next
// prompt of a bash with direnv's hook ran the command it set. So was a
// Write of the .envrc.local that an .envrc behind 60 directories sources
// (the scan for .envrc files stops at its budget), and a command auto-edit
// runs confined appended to that .env. Both are protected now; a .env no
// .envrc loads, and other files beside them, are not.
func TestHookEditDirenvLoads(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	project := filepath.Join(base, "project")
	env := hookEnv(t, base)
	write := func(rel, s string) {
		p := filepath.Join(project, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".envrc", "dotenv\nuse flake\n")
	write(".env", "A=1\n")
	write("shell/.envrc", "use nix\n")
	write("other/.env", "A=1\n")
	for i := range 60 {
		os.MkdirAll(filepath.Join(project, "pkg"+strconv.Itoa(i), "src"), 0o755)
	}
	write("zz/y/.envrc", "source_env_if_exists .envrc.local\ndotenv_if_exists .env.dev\n")

	if direnv, err := exec.LookPath("direnv"); err == nil {
		// The hazard, as allowed before: the planted .env runs at the next
		// prompt of an interactive bash with direnv's hook.
		denv := hookWith(env, "XDG_DATA_HOME="+filepath.Join(base, "home", ".local", "share"))
		allow := exec.Command(direnv, "allow", project)
		allow.Env = denv
		if out, err := allow.CombinedOutput(); err != nil {
			t.Fatalf("direnv allow: %v\n%s", err, out)
		}
		ran := filepath.Join(base, "ran")
		write(".env", "A=1\nPROMPT_COMMAND='echo planted > "+ran+"'\n")
		rc := filepath.Join(base, "rc")
		os.WriteFile(rc, []byte(`eval "$(direnv hook bash)"`+"\n"), 0o644)
		cmd := exec.Command("bash", "--rcfile", rc, "-i")
		cmd.Dir, cmd.Env = base, denv
		cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(direnv)+":"+os.Getenv("PATH"))
		cmd.Stdin = strings.NewReader("cd " + project + "\ntrue\ntrue\nexit\n")
		cmd.Run()
		if _, err := os.Stat(ran); err != nil {
			t.Logf("the planted PROMPT_COMMAND did not run here (%v); the judgement is checked all the same", err)
		}
		write(".env", "A=1\n")
	}

	// A command auto-edit runs confined kept its write to .env (the
	// sandbox's side of the same list).
	cmd := exec.Command(guard, "--mode", "auto-edit", "--", "bash", "-c", "echo PROMPT_COMMAND=id >> .env; echo x > src.txt")
	cmd.Dir, cmd.Env = project, env
	out, _ := cmd.CombinedOutput()
	if b, _ := os.ReadFile(filepath.Join(project, ".env")); strings.Contains(string(b), "PROMPT_COMMAND") {
		t.Errorf("auto-edit's confined run appended to the .env direnv loads: %s", out)
	}
	if _, err := os.Stat(filepath.Join(project, "src.txt")); err != nil {
		t.Errorf("auto-edit's confined run did not write src.txt: %s", out)
	}

	for _, tt := range []struct {
		path string
		want string // in auto-edit
	}{
		{".env", "ask"},
		{"flake.nix", "ask"},
		{"flake.lock", "ask"},
		{"shell/shell.nix", "ask"},
		{"shell/default.nix", "ask"},
		{"zz/y/.envrc.local", "ask"},
		{"zz/y/.env.dev", "ask"},
		{"other/.env", "allow"},
		{"src/main.go", "allow"},
		{"zz/y/main.go", "allow"},
		{".env.example", "allow"},
	} {
		for _, agent := range []string{"claude-code", "codex"} {
			req := fileRequest(agent, project, "Write", map[string]any{"file_path": tt.path, "content": "x\n"})
			if agent == "codex" {
				req = fileRequest(agent, project, "apply_patch", map[string]any{"command": "*** Begin Patch\n*** Add File: " + tt.path + "\n+x\n*** End Patch\n"})
			}
			ans := hookAsk(t, guard, agent, project, hookWith(env, "GUARD_MODE=auto-edit"), req)
			want := agentSays[agent][tt.want]
			if got := hookOutcome(ans); got != want {
				t.Errorf("auto-edit %s write of %s: %s, want %s: %v", agent, tt.path, got, want, ans)
			}
		}
	}
}

// TestHookEditGitConfigAsGitReadsIt (edits-3): the protected list read a
// repository's git config line by line, not as git does: a key on its
// section's header line, a value continued over lines or quoted in part,
// a comment after a quoted value, a quoted alias ("!sh tools/lg.sh") and
// the older [diff.x] form were missed, and a Write of the hook or script
// they name was allowed in auto-edit (git then ran the hook at the next
// commit: `git commit` below). Each config here is one git reads so.
func TestHookEditGitConfigAsGitReadsIt(t *testing.T) {
	guard := hookGuard(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	base, _ := filepath.EvalSymlinks(t.TempDir())
	env := hookWith(hookEnv(t, base), "GIT_CONFIG_NOSYSTEM=1")
	for i, tt := range []struct {
		config, path string
	}{
		{"[core] hooksPath = .githooks\n", ".githooks/pre-commit"},
		{"[core]\n\thooksPath = .git\\\nhooks\n", ".githooks/pre-commit"},
		{"[core]\n\thooksPath = \".git\"hooks\n", ".githooks/pre-commit"},
		{"[core]\n\thooksPath = \".githooks\" ; the team's hooks\n", ".githooks/pre-commit"},
		{"[core] fsmonitor = bash tools/fsm.sh\n", "tools/fsm.sh"},
		{"[alias]\n\tlg = \"!sh tools/lg.sh\"\n", "tools/lg.sh"},
		{"[diff.x]\n\ttextconv = sh tools/conv.sh\n", "tools/conv.sh"},
		{"[include] path = ../team.cfg\n", "team.cfg"},
	} {
		project := filepath.Join(base, "p"+strconv.Itoa(i))
		os.MkdirAll(project, 0o755)
		run := func(args ...string) string {
			cmd := exec.Command("git", args...)
			cmd.Dir, cmd.Env = project, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
			return string(out)
		}
		run("init", "-q")
		f, _ := os.OpenFile(filepath.Join(project, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(tt.config)
		f.Close()
		if strings.HasPrefix(tt.path, ".githooks/") {
			// git reads the config so: the hook it runs is there.
			if got := strings.TrimSpace(run("rev-parse", "--git-path", "hooks/pre-commit")); got != tt.path {
				t.Fatalf("%q: git runs its pre-commit hook from %s, want %s", tt.config, got, tt.path)
			}
		}
		for _, agent := range []string{"claude-code", "codex"} {
			req := fileRequest(agent, project, "Write", map[string]any{"file_path": tt.path, "content": "x\n"})
			if agent == "codex" {
				req = fileRequest(agent, project, "apply_patch", map[string]any{"command": "*** Begin Patch\n*** Add File: " + tt.path + "\n+x\n*** End Patch\n"})
			}
			ans := hookAsk(t, guard, agent, project, hookWith(env, "GUARD_MODE=auto-edit"), req)
			if got, want := hookOutcome(ans), agentSays[agent]["ask"]; got != want {
				t.Errorf("auto-edit %s write of %s with config %q: %s, want %s: %v", agent, tt.path, tt.config, got, want, ans)
			}
		}
		if i == 0 {
			// The hook the Write would plant runs at the next commit.
			hook := filepath.Join(project, ".githooks", "pre-commit")
			os.MkdirAll(filepath.Dir(hook), 0o755)
			os.WriteFile(hook, []byte("#!/bin/sh\ntouch hook-ran\n"), 0o755)
			run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x")
			if _, err := os.Stat(filepath.Join(project, "hook-ran")); err != nil {
				t.Errorf("git commit did not run .githooks/pre-commit: %v", err)
			}
		}
		ans := hookAsk(t, guard, "claude-code", project, hookWith(env, "GUARD_MODE=auto-edit"), fileRequest("claude-code", project, "Write", map[string]any{"file_path": "src/main.go", "content": "x\n"}))
		if got := hookOutcome(ans); got != "allow" {
			t.Errorf("auto-edit write of src/main.go with config %q: %s, want allow", tt.config, got)
		}
	}
}
