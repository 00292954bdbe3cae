package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHookEditWhileRunInFlight (edits-1 E2): an agent's own edit is
// written after the hook answers, unconfined, so a command guard runs
// confined or sandboxed and that is still running (in the background, or a
// session the agent left running) can put a link on the way between the
// two. A sandboxed python loop swapping d for a link to .git/hooks had 9
// of 30 Writes of d/x allowed in full-auto, 4 of which landed in
// .git/hooks. While such a run can write in a directory on the way, the
// edit is asked; an edit elsewhere, and one after the run ends, are
// judged as before. Both of the run's kinds: full-auto's sandbox and
// auto-edit's confined writes. The project lies outside the shared
// temporary directories (for one inside, see
// TestHookEditWhileRunCanMoveRoot).
func TestHookEditWhileRunInFlight(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(hookOutsideDir(t), "project")
	for _, d := range []string{project + "/sub/d", project + "/other"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := hookWith(hookEnv(t, base), "TMPDIR="+base)
	records := filepath.Join(base, "home", ".config", "guard", "running")
	edit := func(mode, path string) map[string]any {
		req := fileRequest("claude-code", project, "Write", map[string]any{"file_path": path, "content": "x"})
		return hookAsk(t, guard, "claude-code", project, hookWith(env, "GUARD_MODE="+mode, "CLAUDE_PROJECT_DIR="+project), req)
	}
	for _, run := range []struct{ mode, script string }{
		{"full-auto", "touch started.txt; sleep 30"},
		{"auto-edit", "touch started.txt; sleep 30"},
	} {
		t.Run(run.mode, func(t *testing.T) {
			sub := filepath.Join(project, "sub")
			os.Remove(filepath.Join(sub, "started.txt")) // the other run's
			cmd := exec.Command(guard, "--mode", run.mode, "--project", sub, "--", "bash", "-c", run.script)
			cmd.Dir, cmd.Env = sub, env
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			done := false
			defer func() {
				if !done {
					cmd.Process.Signal(syscall.SIGTERM)
					<-exited
				}
			}()
			// Running once it has made started.txt (a guard that cannot
			// sandboxed here exits first).
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(filepath.Join(sub, "started.txt")); err == nil {
					break
				}
				select {
				case err := <-exited:
					done = true
					t.Skipf("guard --mode %s did not run the command (%v): %s", run.mode, err, stderr.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("guard --mode %s: the command did not start within 10 s: %s", run.mode, stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			for _, mode := range []string{"auto-edit", "full-auto"} {
				for _, p := range []string{sub + "/d/x", sub + "/new.txt", sub + "/d"} {
					ans := edit(mode, p)
					if got := hookOutcome(ans); got != "ask" || !strings.Contains(hookReason(ans), "still running") {
						t.Errorf("%s: Write %s while guard runs a command that can write in %s: %s (%s); want ask", mode, p, sub, got, hookReason(ans))
					}
				}
				// Not where the run can write.
				if got := hookOutcome(edit(mode, project+"/other/y")); got != "allow" {
					t.Errorf("%s: Write other/y while the run writes in sub only: %s; want allow", mode, got)
				}
			}
			// guard passes the signal on to what it runs, and ends with it.
			cmd.Process.Signal(syscall.SIGTERM)
			<-exited
			done = true
			if ans := edit("auto-edit", sub+"/d/x"); hookOutcome(ans) != "allow" {
				t.Errorf("auto-edit: Write d/x after the run ended: %s (%s); want allow", hookOutcome(ans), hookReason(ans))
			}
			if ents, _ := os.ReadDir(records); len(ents) != 0 {
				t.Errorf("the ended run's record is still in %s: %v", records, ents)
			}
		})
	}
}
