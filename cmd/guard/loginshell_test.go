package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoginShellName: login, su -, sshd and tmux start an account's shell
// as a login shell by naming it "-NAME" in argv[0] (su - USER -c SCRIPT
// with -c). guard took "-guard" for the shim of a program named -guard:
// `su -s guard - USER -c 'echo hi'` ran nothing, "program not found: -guard"
// (127). It is guard as a login shell: a script given with -c is judged and
// run as for `guard -l -c`, and without one guard says it is no interactive
// shell. A shimmed shell started so ("-bash") is NAME -l.
func TestLoginShellName(t *testing.T) {
	w := newWorld(t)
	login := func(args ...string) outcome {
		cmd := w.command(w.guard)
		cmd.Args = append([]string{"-guard"}, args...)
		return execute(t, cmd)
	}
	if r := login("-c", "echo hi; echo $#"); r.code != 0 || r.stdout != "hi\n0\n" {
		t.Errorf("-guard -c 'echo hi': %s, want it run (hi, 0)", r)
	}
	if r := login("-c", "echo hi > made.txt"); r.code != 126 || !strings.Contains(r.stderr, "refused") {
		t.Errorf("-guard -c 'echo hi > made.txt': %s, want refused (126): judged as any script", r)
	}
	if _, err := os.Stat(w.path("work/made.txt")); err == nil {
		t.Errorf("-guard -c 'echo hi > made.txt' wrote made.txt")
	}
	r := login()
	if r.code != 125 || !strings.Contains(r.stderr, "no interactive shell") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("-guard (an interactive login shell): %s, want one line saying guard is no interactive shell, 125", r)
	}
	// A shimmed shell started as a login shell (exec -l bash through the
	// shims): bash -l, judged as such; it was "program not found: -bash".
	shims := filepath.Join(w.root, "shims")
	w.install(shims, "bash")
	cmd := w.command(filepath.Join(shims, "bash"))
	cmd.Args = []string{"-bash", "-c", "echo hi from a login bash"}
	if r := execute(t, cmd); r.code != 0 || r.stdout != "hi from a login bash\n" {
		t.Errorf("-bash -c (a shim): %s, want it run as bash -l -c", r)
	}
	// The real su, as root: su -s SHELL - USER -c SCRIPT.
	su, err := exec.LookPath("su")
	if err != nil || os.Geteuid() != 0 {
		t.Log("su as root not available here: the su part is skipped")
		return
	}
	if r := execute(t, w.command(su, "-s", w.guard, "-", "root", "-c", "echo via su")); r.code != 0 || r.stdout != "via su\n" {
		t.Errorf("su -s guard - root -c 'echo via su': %s, want it run", r)
	}
}
