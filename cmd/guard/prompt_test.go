package main

// The approval prompt, through a real pseudo-terminal: guard runs in a
// session of its own whose controlling terminal is the pty's slave, and the
// test plays the person at the master side.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// promptText is the question guard puts on the terminal.
const promptText = "run it? [o]nce, "

// scopeText is the second question after an "always" answer.
const scopeText = "or [e]verywhere? [P/e]: "

// terminal is the person's side of a pseudo-terminal: everything written to
// the slave is collected from the master.
type terminal struct {
	t      *testing.T
	master *os.File
	slave  *os.File // given to the child, then closed here

	mu     sync.Mutex
	out    bytes.Buffer
	more   chan struct{} // signalled after each read
	done   chan struct{} // closed when the master reads no more
	closed bool
}

// openTerminal opens /dev/ptmx, unlocks the slave (TIOCSPTLCK), finds its
// number (TIOCGPTN) and opens /dev/pts/N. The master is never put in
// blocking mode (no Fd calls), so closing it interrupts the reader.
func openTerminal(t *testing.T) *terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	rc, err := master.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n uint32
	var ioErr error
	if err := rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr != nil {
			ioErr = fmt.Errorf("unlockpt: %w", ioErr)
			return
		}
		if n, ioErr = unix.IoctlGetUint32(int(fd), unix.TIOCGPTN); ioErr != nil {
			ioErr = fmt.Errorf("ptsname: %w", ioErr)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if ioErr != nil {
		master.Close()
		t.Fatal(ioErr)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	tm := &terminal{t: t, master: master, slave: slave, more: make(chan struct{}, 1), done: make(chan struct{})}
	t.Cleanup(func() { tm.close(); slave.Close() })
	go tm.read()
	return tm
}

func (tm *terminal) read() {
	defer close(tm.done)
	buf := make([]byte, 4096)
	for {
		n, err := tm.master.Read(buf)
		tm.mu.Lock()
		tm.out.Write(buf[:n])
		tm.mu.Unlock()
		select {
		case tm.more <- struct{}{}:
		default:
		}
		if err != nil { // EIO once every slave fd is closed, or the master closed
			return
		}
	}
}

// text is everything the terminal has shown so far.
func (tm *terminal) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// waitFor waits until the terminal has shown s.
func (tm *terminal) waitFor(s string) {
	tm.t.Helper()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(tm.text(), s) {
		select {
		case <-tm.more:
		case <-deadline:
			tm.t.Fatalf("the terminal never showed %q; it shows %q", s, tm.text())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// drain waits until the master has read everything: every slave fd is
// closed (the child is gone) or the master was closed.
func (tm *terminal) drain() string {
	tm.t.Helper()
	select {
	case <-tm.done:
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("the terminal is still open 10s after the child ended; it shows %q", tm.text())
	}
	return tm.text()
}

// typeIn types s at the terminal, as a person would.
func (tm *terminal) typeIn(s string) {
	tm.t.Helper()
	if _, err := tm.master.Write([]byte(s)); err != nil {
		tm.t.Fatalf("typing %q: %v", s, err)
	}
}

// close hangs the terminal up.
func (tm *terminal) close() {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if !tm.closed {
		tm.closed = true
		tm.master.Close()
	}
}

// attach makes the terminal cmd's controlling terminal (a new session, the
// slave as Ctty) and its stdin, stdout and stderr, unless those are set.
func (tm *terminal) attach(cmd *exec.Cmd) {
	if cmd.Stdin == nil {
		cmd.Stdin = tm.slave
	}
	if cmd.Stdout == nil {
		cmd.Stdout = tm.slave
	}
	if cmd.Stderr == nil {
		cmd.Stderr = tm.slave
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if cmd.Stdin != tm.slave {
		// The controlling terminal is passed as fd 3.
		cmd.ExtraFiles = []*os.File{tm.slave}
		cmd.SysProcAttr.Ctty = 3
	}
}

// start starts cmd on the terminal; the slave is closed here so that the
// master sees the hang-up when the child is gone.
func (tm *terminal) start(cmd *exec.Cmd) {
	tm.t.Helper()
	tm.attach(cmd)
	if err := cmd.Start(); err != nil {
		tm.t.Fatal(err)
	}
	tm.slave.Close()
}

// waitExit waits for cmd and returns how it ended.
func waitExit(t *testing.T, cmd *exec.Cmd) outcome {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(runTimeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s: still running after %v, killed", strings.Join(cmd.Args, " "), runTimeout)
	}
	r := outcome{pid: cmd.Process.Pid}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.signal = ws.Signal()
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// touchCmd is `guard --mode suggest -- touch made.txt`: a write inside the
// cwd, which suggest mode asks about.
func (w *world) touchCmd(name string) *exec.Cmd {
	return w.guardCmd("--mode", "suggest", "--", "touch", name)
}

// At the prompt, "o" (or "once") runs the command once; "n", an empty line
// (the default), end of input (^D) and a hung-up terminal are no: refused
// with 126 and nothing done.
func TestPromptAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		answer string // typed after the prompt; "HANGUP" closes the master
		runs   bool
	}{
		{"once", "o\n", true},
		{"once spelled out", "once\n", true},
		{"no", "n\n", false},
		{"empty line means no", "\n", false},
		{"anything else means no", "sure\n", false},
		{"end of input", "\x04", false},
		{"terminal hung up", "HANGUP", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			tm := openTerminal(t)
			cmd := w.touchCmd("made.txt")
			tm.start(cmd)
			tm.waitFor(promptText)
			if shown := tm.text(); !strings.Contains(shown, "guard: touch made.txt (match, suggest mode)") {
				t.Errorf("the prompt %q does not name the command, its class and the mode", shown)
			}
			if tt.answer == "HANGUP" {
				tm.close()
			} else {
				tm.typeIn(tt.answer)
			}
			r := waitExit(t, cmd)
			t.Logf("answered %q: %s", tt.answer, r)
			made := fileExists(filepath.Join(w.work, "made.txt"))
			if tt.runs {
				if r.code != 0 || !made {
					t.Errorf("answered %q: %s, made.txt created %v; want exit 0 and the file created; terminal %q", tt.answer, r, made, tm.text())
				}
				return
			}
			if made {
				t.Errorf("answered %q: made.txt was created, want nothing done", tt.answer)
			}
			// A hung-up terminal sends SIGHUP to its session leader (guard);
			// dying of it, before anything ran, is a no as good as 126.
			if r.code != 126 && !(tt.answer == "HANGUP" && r.signal == syscall.SIGHUP) {
				t.Errorf("answered %q: %s, want exit 126 (refused); terminal %q", tt.answer, r, tm.text())
			}
		})
	}
}

// "a" runs the command and appends an allow rule for exactly that argv to
// $XDG_CONFIG_HOME/guard/user.policy; the next run needs no one (no
// terminal at all) and a different argv still does.
func TestPromptAlways(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tm := openTerminal(t)
	cmd := w.touchCmd("made.txt")
	tm.start(cmd)
	tm.waitFor(promptText)
	tm.typeIn("a\n")
	tm.waitFor(scopeText)
	tm.typeIn("e\n")
	if r := waitExit(t, cmd); r.code != 0 || !fileExists(filepath.Join(w.work, "made.txt")) {
		t.Fatalf("answered a: %s, want exit 0 and made.txt created; terminal %q", r, tm.text())
	}
	userPolicy := filepath.Join(w.configDir(), "user.policy")
	b, err := os.ReadFile(userPolicy)
	if err != nil {
		t.Fatalf("answered a: %v, want the rule appended to user.policy", err)
	}
	if !strings.Contains(string(b), `program = "touch"`) || !strings.Contains(string(b), `"made.txt"`) {
		t.Errorf("user.policy after answering a:\n%s\nwant a rule for touch made.txt", b)
	}
	if shown := tm.drain(); !strings.Contains(shown, "remembered in "+userPolicy) {
		t.Errorf("terminal %q, want it to say where the rule went (%s)", shown, userPolicy)
	}

	if err := os.Remove(filepath.Join(w.work, "made.txt")); err != nil {
		t.Fatal(err)
	}
	// No terminal now: the remembered argv runs, another is still refused.
	if r := execute(t, w.touchCmd("made.txt")); r.code != 0 || !fileExists(filepath.Join(w.work, "made.txt")) {
		t.Errorf("touch made.txt again, no terminal: %s, want exit 0 and the file made (remembered)", r)
	}
	if r := execute(t, w.touchCmd("other.txt")); r.code != 126 || fileExists(filepath.Join(w.work, "other.txt")) {
		t.Errorf("touch other.txt, no terminal: %s, want 126 and no file (only the exact argv was remembered)", r)
	}
}

// An "always" answer holds whatever other layers say (short of
// forbidden): with a --policy layer that classifies the command as a write
// (one that comes after the user's configuration), the remembered argv
// still runs next time without asking.
func TestPromptAlwaysWithPolicyFlag(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	team := w.write("team.policy", "define_program(program = \"touch\", args = [ARG_WFILE])\n", 0o644)
	cmd := w.guardCmd("--mode", "suggest", "--policy", team, "--", "touch", "made.txt")
	tm := openTerminal(t)
	tm.start(cmd)
	tm.waitFor(promptText)
	tm.typeIn("a\n")
	tm.waitFor(scopeText)
	tm.typeIn("e\n")
	if r := waitExit(t, cmd); r.code != 0 {
		t.Fatalf("answered a: %s, want exit 0; terminal %q", r, tm.text())
	}
	if err := os.Remove(filepath.Join(w.work, "made.txt")); err != nil {
		t.Fatal(err)
	}
	r := execute(t, w.guardCmd("--mode", "suggest", "--policy", team, "--", "touch", "made.txt"))
	knownBug(t, r.code == 126 && strings.Contains(r.stderr, "team.policy"),
		"an \"always\" answer (user.policy) is outranked by any later policy layer that matches the argv (--policy, config policies, "+
			"an XDG policy named after user.policy): Set.Check lets the last matching layer win, so the person is asked again every "+
			"time and each \"a\" appends another copy of the rule; stderr: "+r.stderr)
	if r.code != 0 || !fileExists(filepath.Join(w.work, "made.txt")) {
		t.Errorf("touch made.txt again with the same --policy, no terminal: %s, want exit 0 (remembered)", r)
	}
}

// The prompt goes to the terminal, never to stdout or stderr: with stdin
// the terminal and stdout and stderr pipes, the pipes receive only what the
// program writes.
func TestPromptNotOnStdout(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// An unverified program (no rule names it), so suggest mode asks.
	hello := w.write("bin/hello", "#!/bin/sh\necho program output\necho program error >&2\n: > made.txt\n", 0o755)
	tm := openTerminal(t)
	cmd := w.guardCmd("--mode", "suggest", "--", hello)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	tm.start(cmd)
	tm.waitFor(promptText)
	tm.typeIn("o\n")
	r := waitExit(t, cmd)
	if r.code != 0 || !fileExists(filepath.Join(w.work, "made.txt")) {
		t.Fatalf("answered o: %s, want exit 0 and made.txt created; stderr %q; terminal %q", r, stderr.String(), tm.text())
	}
	if stdout.String() != "program output\n" {
		t.Errorf("stdout (a pipe) got %q, want only the program's output %q", stdout.String(), "program output\n")
	}
	if strings.Contains(stderr.String(), "run it?") || !strings.Contains(stderr.String(), "program error\n") {
		t.Errorf("stderr (a pipe) got %q, want the program's error output and no prompt", stderr.String())
	}
	if shown := tm.drain(); !strings.Contains(shown, "guard: "+hello) || strings.Contains(shown, "program output") {
		t.Errorf("terminal %q, want the prompt there and not the program's output", shown)
	}
}

// With no one to ask, guard refuses at once with 126 and one line on
// stderr, and never reads its stdin (an agent's pipe, left open here):
// first with no controlling terminal at all (/dev/tty cannot open), then
// with one around but stdin, stdout and stderr all pipes (an agent's
// subprocess is never prompted; the terminal stays silent).
func TestPromptNoTerminal(t *testing.T) {
	t.Parallel()
	for _, withTTY := range []bool{false, true} {
		name := "no controlling terminal"
		if withTTY {
			name = "terminal around, stdio pipes"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			cmd := w.touchCmd("made.txt")
			stdinR, stdinW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdinW.Close() // open until guard is done: no EOF to lean on
			defer stdinR.Close()
			var stdout, stderr bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, &stdout, &stderr
			var tm *terminal
			if withTTY {
				tm = openTerminal(t)
				tm.start(cmd)
			} else if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			r := waitExit(t, cmd)
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("guard took %v to refuse, want at once", took)
			}
			if r.code != 126 || fileExists(filepath.Join(w.work, "made.txt")) {
				t.Errorf("touch made.txt with no one to ask: %s, made.txt %v; want 126 and no file", r, fileExists(filepath.Join(w.work, "made.txt")))
			}
			line := stderr.String()
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") ||
				!strings.HasPrefix(line, "guard: refused touch made.txt") || !strings.Contains(line, "no one is at a terminal") {
				t.Errorf("stderr %q, want one line: guard: refused touch made.txt ... no one is at a terminal ...", line)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if tm != nil {
				if shown := tm.drain(); shown != "" {
					t.Errorf("the terminal showed %q, want nothing (stdio are pipes: no prompt)", shown)
				}
			}
		})
	}
}
