package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAutoEditGitProgramWord (edits-1 E3, the sandbox's side): with
// core.fsmonitor = bash fsm.sh, a command auto-edit runs confined made
// fsm.sh (a plain write inside the project) and the next git status ran it
// outside any sandbox. The list names fsm.sh now, missing or not: the run
// leaves no fsm.sh behind, and a file the value names only as an argument
// stays writable.
func TestAutoEditGitProgramWord(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	os.MkdirAll(project, 0o755)
	env := hookWith(hookEnv(t, base), "GIT_CONFIG_NOSYSTEM=1")
	for _, args := range [][]string{{"init", "-q"}, {"config", "core.fsmonitor", "bash fsm.sh"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = project, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	cmd := exec.Command(guard, "--mode", "auto-edit", "--", "bash", "-c", "echo touch ran > fsm.sh; echo x > other.sh")
	cmd.Dir, cmd.Env = project, env
	out, err := cmd.CombinedOutput()
	if _, serr := os.Stat(filepath.Join(project, "other.sh")); serr != nil {
		t.Skipf("guard --mode auto-edit did not run the command (%v): %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(project, "fsm.sh")); err == nil {
		t.Errorf("auto-edit's confined run made fsm.sh, which core.fsmonitor = bash fsm.sh runs at the next git status: %s", out)
	}
}
