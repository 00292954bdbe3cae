package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/install"
)

// TestHookShellWritesFirst runs guard's hook command as the agents run it
// (Codex: /bin/bash -c, Claude Code: /bin/sh -c) with a $BASH_ENV that prints
// a line, as nvm does. bash prints it before guard's answer; Codex 0.171.0
// then reads no answer and runs the command (hooks-14: a deny and a
// full-auto rewrite were lost). For Codex, guard's refusals go to stderr
// with exit 2, which Codex reads whatever stdout holds; a rewrite becomes a
// refusal naming it. Claude Code's sh reads no BASH_ENV: unchanged.
func TestHookShellWritesFirst(t *testing.T) {
	guard := hookGuard(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	os.MkdirAll(project, 0o755)
	bashenv := filepath.Join(dir, "bashenv.sh")
	os.WriteFile(bashenv, []byte("echo 'Now using node v20.11.0'\n"), 0o644)
	run := func(shell, agent, mode, command string) hookResult {
		t.Helper()
		in, _ := json.Marshal(hookRequest(agent, project, command))
		// The agent, a program that is not a shell, starts the hook's
		// shell with the environment it gives its hooks (timeout waits
		// for it, as an agent does): guard compares the two.
		cmd := exec.Command("timeout", "60", shell, "-c", install.HookCommand(agent, guard))
		cmd.Dir = project
		cmd.Env = hookEnv(t, dir, "BASH_ENV="+bashenv, "GUARD_MODE="+mode, "CLAUDE_PROJECT_DIR="+project)
		cmd.Stdin = strings.NewReader(string(in))
		return hookWait(t, cmd)
	}
	outside := hookOutsideDir(t)
	for _, c := range []struct {
		shell, agent, mode, command string
		code                        int
		stderr                      string // a part of stderr, "" for none
	}{
		{"/bin/bash", "codex", "suggest", "touch " + outside + "/x", 2, "guard: writes outside the writable roots"},
		{"/bin/bash", "codex", "full-auto", "t=$(echo " + outside + "); touch $t/x", 2, "Run exactly this instead: " + guard + " --mode full-auto"},
		{"/bin/bash", "codex", "suggest", "ls", 0, ""},
		{"/bin/sh", "claude-code", "suggest", "touch " + outside + "/x", 0, ""},
	} {
		r := run(c.shell, c.agent, c.mode, c.command)
		if r.code != c.code || (c.stderr == "") != (r.stderr == "") || !strings.Contains(r.stderr, c.stderr) {
			t.Errorf("%s %s %s %q: exit %d, stdout %q, stderr %q; want exit %d, stderr holding %q", c.shell, c.agent, c.mode, c.command, r.code, r.stdout, r.stderr, c.code, c.stderr)
		}
		if c.agent == "claude-code" && !strings.Contains(r.stdout, `"permissionDecision":"ask"`) {
			t.Errorf("claude-code: stdout %q, want its ask", r.stdout)
		}
	}
}
