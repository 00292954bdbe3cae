package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// entry-10 F1: a shell reads every word that starts with - or + up to its
// script as an option, after -c as before it (`bash -c -eo pipefail S`,
// `sh -c -a S`, `zsh -c --shwordsplit S`). The judge took the first such
// word it did not know as the script: `-eo`, a program no rule vouches
// for, which full-auto ran sandboxed, and the real script (`git reset
// --hard`, asked in every mode) ran with it; so did guard as $SHELL, which
// handed such words on, and an agent's command holding such a shell.
func TestShellOptionsAfterScriptFlag(t *testing.T) {
	guard := hookGuard(t)
	runs := [][]string{
		{"bash", "-c", "-eo", "pipefail", "git reset --hard"},
		{"bash", "-c", "-O", "extglob", "git reset --hard"},
		{"bash", "-c", "-a", "git reset --hard"},
		{"sh", "-c", "-a", "git reset --hard"},
		{"sh", "-c", "-e", "-C", "git reset --hard"},
		{"bash", "-c", `bash -c -k "git reset --hard"`},
	}
	if _, err := exec.LookPath("zsh"); err == nil {
		runs = append(runs, []string{"zsh", "-c", "--shwordsplit", "git reset --hard"})
	}
	for _, argv := range runs {
		proj, env := fullAutoRepo(t)
		askedKeepingWork(t, proj, argv, hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...))
	}
	// guard as $SHELL: an option it does not take, after -c as before it,
	// is a usage error; nothing runs.
	for _, args := range [][]string{
		{"-c", "-a", "git reset --hard"},
		{"-c", "-eo", "pipefail", "git reset --hard"},
		{"-c", "--posix", "git reset --hard"},
	} {
		proj, env := fullAutoRepo(t)
		r := hookRun(t, proj, env, "", guard, args...)
		if r.code != 125 || !strings.Contains(r.stderr, "usage") {
			t.Errorf("guard %q as $SHELL: exit %d, stderr %q; want 125, a usage error", args, r.code, r.stderr)
		}
		keptWork(t, proj, args)
	}
	// The options guard reads still let the script be judged: a safe one runs.
	work := t.TempDir()
	proj := entry7Repo(t, work)
	env := hookEnv(t, work)
	env[0] = "PATH=" + systemPath
	for _, argv := range [][]string{
		{"--", "bash", "-c", "-x", "ls -d ."},
		{"--", "sh", "-c", "-e", "--", "ls -d ."},
		{"-c", "-x", "ls -d ."},
	} {
		if r := hookRun(t, proj, env, "", guard, argv...); r.code != 0 {
			t.Errorf("guard %q (suggest): exit %d, stderr %q; want it run", argv, r.code, r.stderr)
		}
	}
}

// entry-10 F2: guard joined a PATH entry and a name as filepath.Join does,
// cleaning ".." lexically; execvp and the shells hand the joined string to
// the kernel, which takes ".." after the symbolic link before it. With
// PATH=OUT/l/../x/bin:..., l a link to OUT/a/b, the shell's `ls` was the
// project's OUT/a/x/bin/ls, the judge's /usr/bin/ls: `bash -c ls`, `sh -c`
// and the Claude Code hook's `ls` were safe and ran the planted file.
func TestPathEntryDotDotAfterLink(t *testing.T) {
	guard := hookGuard(t)
	out := outsideTmp(t)
	proj := filepath.Join(out, "a", "x")
	if err := os.MkdirAll(filepath.Join(out, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(out, "a", "b"), filepath.Join(out, "l")); err != nil {
		t.Fatal(err)
	}
	mark := filepath.Join(out, "PLANTED-RAN")
	if err := os.MkdirAll(filepath.Join(proj, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "bin", "ls"), []byte("#!/bin/sh\ntouch "+mark+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, t.TempDir())
	env[0] = "PATH=" + out + "/l/../x/bin:" + systemPath
	for _, args := range [][]string{
		{"--", "bash", "-c", "ls"},
		{"--", "sh", "-c", "ls -d ."},
		{"-c", "ls -d ."},
		{"--", "timeout", "5", "ls", "-d", "."},
	} {
		r := hookRun(t, proj, env, "", guard, args...)
		if _, err := os.Stat(mark); err == nil {
			t.Errorf("guard %q ran the project's bin/ls (exit %d)", args, r.code)
			os.Remove(mark)
		} else if r.code != 126 || !strings.Contains(r.stderr, "bin/ls") {
			t.Errorf("guard %q: exit %d, stderr %q; want asked about the project's bin/ls", args, r.code, r.stderr)
		}
	}
	req, _ := json.Marshal(map[string]any{"session_id": "s", "cwd": proj, "hook_event_name": "PreToolUse",
		"tool_name": "Bash", "tool_input": map[string]any{"command": "ls"}})
	if r := hookRun(t, proj, env, string(req), guard, "hook", "claude-code"); !strings.Contains(r.stdout, `"ask"`) {
		t.Errorf("claude-code hook for ls: %q %q; want ask", r.stdout, r.stderr)
	}
	if r := hookRun(t, proj, env, "", guard, "which", "ls"); !strings.HasPrefix(r.stdout, out+"/l/../x/bin/ls") {
		t.Errorf("guard which ls: %q; want the file the shell finds, %s/l/../x/bin/ls", r.stdout, out)
	}
}

// entry-10 F3: a login shell's start-up files run programs by name with the
// PATH the shell is given (Debian's /etc/profile runs `id -u`). With a
// directory inside a root on that PATH (an activated .venv/bin), guard's
// probe of the shell's start-up PATH ran the project's bin/id, unconfined,
// before any decision (`guard explain` too), and the judged run ran it
// again; the Codex hook's probe of Codex's login shells ran it and let
// Codex run `ls` in such a shell.
func TestLoginStartupRunsPlanted(t *testing.T) {
	guard := hookGuard(t)
	if b, err := os.ReadFile("/etc/profile"); err != nil || !strings.Contains(string(b), "id -u") {
		t.Skip("this machine's /etc/profile does not run id -u")
	}
	work := outsideTmp(t)
	proj := filepath.Join(work, "proj")
	mark := filepath.Join(work, "PLANTED-RAN")
	plant := func(name string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(proj, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, "bin", name), []byte("#!/bin/sh\necho "+name+" >> "+mark+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	plant("id")
	env := hookEnv(t, work)
	env[0] = "PATH=" + proj + "/bin:" + systemPath
	ran := func(what string) {
		t.Helper()
		if b, err := os.ReadFile(mark); err == nil {
			t.Errorf("%s ran the project's %s", what, strings.TrimSpace(string(b)))
			os.Remove(mark)
		}
	}
	r := hookRun(t, proj, env, "", guard, "explain", "--", "bash", "-lc", "ls")
	ran("guard explain bash -lc ls")
	if !strings.Contains(r.stdout, "decision: ask") || !strings.Contains(r.stdout, "/etc/profile runs id") {
		t.Errorf("explain bash -lc ls: %q; want asked, naming /etc/profile's id", r.stdout)
	}
	for _, args := range [][]string{{"--", "bash", "-lc", "ls -d ."}, {"-lc", "ls -d ."}, {"--", "sh", "-lc", "ls -d ."}} {
		r := hookRun(t, proj, env, "", guard, args...)
		ran(strings.Join(args, " "))
		if r.code != 126 {
			t.Errorf("guard %q: exit %d, stderr %q; want 126 (asked)", args, r.code, r.stderr)
		}
	}
	req, _ := json.Marshal(map[string]any{"session_id": "s", "turn_id": "1", "cwd": proj, "hook_event_name": "PreToolUse",
		"model": "m", "permission_mode": "default", "tool_name": "Bash", "tool_input": map[string]string{"command": "ls"}, "tool_use_id": "c1"})
	r = hookRun(t, proj, env, string(req), guard, "hook", "codex")
	ran("guard hook codex")
	if !strings.Contains(r.stdout, "deny") {
		t.Errorf("guard hook codex, ls: %q %q; want denied", r.stdout, r.stderr)
	}
	// guard doctor, safe for an agent, asks a login bash for its PATH when
	// shims are installed.
	if r := hookRun(t, proj, env, "", guard, "install", "ls"); r.code != 0 {
		t.Fatalf("guard install ls: exit %d, %q", r.code, r.stderr)
	}
	r = hookRun(t, proj, env, "", guard, "doctor")
	ran("guard doctor")
	if !strings.Contains(r.stdout, "/etc/profile runs id") {
		t.Errorf("guard doctor: %q; want the login shell not asked, saying why", r.stdout)
	}
	// A PATH directory in the project that holds no name the start-up files
	// run (a virtual environment's python3) leaves the login shell as it was.
	os.Remove(filepath.Join(proj, "bin", "id"))
	plant("python3")
	if r := hookRun(t, proj, env, "", guard, "--", "bash", "-lc", "ls -d ."); r.code != 0 {
		t.Errorf("guard -- bash -lc with bin/python3 on PATH: exit %d, stderr %q; want it run", r.code, r.stderr)
	}
}

// entry-10 F4: bash defines a function from each BASH_FUNC_NAME%% variable
// it inherits, which runs in place of the program NAME. An env assignment
// of one (`env 'BASH_FUNC_git%%=() { git reset --hard; }' bash -c 'git
// status'`) was only "an assignment via env", unverified, and its value,
// `() {...}`, no command line the judge read: full-auto ran it sandboxed
// and the uncommitted work was discarded.
func TestExportedFunctionBody(t *testing.T) {
	guard := hookGuard(t)
	for _, argv := range [][]string{
		{"env", "BASH_FUNC_git%%=() { /usr/bin/git reset --hard; }", "bash", "-c", "git status"},
		{"nice", "env", "BASH_FUNC_ls%%=() { git reset --hard; }", "bash", "-c", "ls"},
		{"bash", "-c", "env 'BASH_FUNC_git%%=() { git reset --hard; }' bash -c 'git status'"},
	} {
		proj, env := fullAutoRepo(t)
		askedKeepingWork(t, proj, argv, hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...))
	}
}
