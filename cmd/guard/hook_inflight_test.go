package main

import (
	"errors"
	"fmt"
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
			r := startRun(t, guard, sub, env, "--mode", run.mode, "--project", sub, "--", "bash", "-c", run.script)
			defer r.stop()
			// Running once it has made started.txt (a guard that cannot
			// sandbox here exits first).
			if err := r.waitFor(filepath.Join(sub, "started.txt")); errors.Is(err, errRunEnded) {
				t.Skipf("guard --mode %s did not run the command: %v", run.mode, err)
			} else if err != nil {
				t.Fatalf("guard --mode %s: %v", run.mode, err)
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
			r.stop()
			if ans := edit("auto-edit", sub+"/d/x"); hookOutcome(ans) != "allow" {
				t.Errorf("auto-edit: Write d/x after the run ended: %s (%s); want allow", hookOutcome(ans), hookReason(ans))
			}
			if ents, _ := os.ReadDir(records); len(ents) != 0 {
				t.Errorf("the ended run's record is still in %s: %v", records, ents)
			}
		})
	}
}

// errRunEnded is guardRun.waitFor's error when the run ended first.
var errRunEnded = errors.New("the run ended")

// guardRun is a guard process started in the background by startRun.
type guardRun struct {
	cmd    *exec.Cmd
	exited chan error
	ended  bool
	stderr *strings.Builder
}

// startRun starts guard with args in dir, with env; stop it with stop
// (deferred: it may be called twice).
func startRun(t *testing.T, guard, dir string, env []string, args ...string) *guardRun {
	t.Helper()
	r := &guardRun{cmd: exec.Command(guard, args...), exited: make(chan error, 1), stderr: new(strings.Builder)}
	r.cmd.Dir, r.cmd.Env, r.cmd.Stderr = dir, env, r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.exited <- r.cmd.Wait() }()
	return r
}

// waitFor waits up to 10 s for path to exist (not followed): an error
// wrapping errRunEnded when the run ends first.
func (r *guardRun) waitFor(path string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Lstat(path); err == nil {
			return nil
		}
		select {
		case err := <-r.exited:
			r.ended = true
			return fmt.Errorf("%w (%v) before %s was there: %s", errRunEnded, err, path, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not there within 10 s: %s", path, r.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the run (guard passes SIGTERM on to what it runs) and waits.
func (r *guardRun) stop() {
	if !r.ended {
		r.cmd.Process.Signal(syscall.SIGTERM)
		<-r.exited
		r.ended = true
	}
}
