package main

// Red team of the ways into guard, second pass (docs/redteam/entry-2.md).

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ptyAgent is a program an agent can write and run: it starts argv on a
// pseudo-terminal it made and answers "o" to guard's question there.
const ptyAgent = `import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, answered, end = b"", False, time.time() + 20
while time.time() < end:
    try:
        b = os.read(fd, 1024)
    except OSError:
        break
    if not b:
        break
    out += b
    if not answered and b"[N]o" in out:
        os.write(fd, b"o\n")
        answered = True
sys.stdout.write(out.decode(errors="replace"))
os.waitpid(pid, 0)
`

// TestAgentTerminalIsNotAPerson (entry-2 N1): guard asks at a terminal, and
// whoever holds that terminal's other side answers. A program running in the
// person's terminal (the agent, or what the agent runs) can make a terminal
// of its own, start guard on it and type "o": script(1) fed from a pipe, a
// pty library, a person-approved command that starts script in a new
// session. guard asks only at a terminal that no program running inside
// another terminal made, and only at the terminal the guard above it could
// ask at (GUARD_TTY). Nothing is made, no rule remembered, no project
// trusted; the person's own terminal, a nested guard on it included, is
// still asked.
func TestAgentTerminalIsNotAPerson(t *testing.T) {
	t.Parallel()
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	for _, tt := range []struct {
		name   string
		script string // run by sh on the person's terminal; GUARD and AGENT substituted
		typed  int    // how many times the person types "o" at a prompt
		runs   bool
	}{
		{"script fed from a pipe", `printf 'o\n' | script -qec "GUARD --mode suggest -- touch made" /dev/null`, 0, false},
		{"always, through script", `printf 'a\np\n' | script -qec "GUARD --mode suggest -- touch made" /dev/null`, 0, false},
		{"a pty library", `python3 AGENT GUARD --mode suggest -- touch made`, 0, false},
		{"an agent's tool, no terminal around it", `CODEX_THREAD_ID=t setsid -w python3 AGENT GUARD --mode suggest -- touch made`, 0, false},
		{"approved once, then script in a new session", `GUARD --mode suggest -- bash -c 'setsid -w script -qec "GUARD --mode suggest -- touch made" /dev/null'`, 2, false},
		{"approved once, then tmux new -d and send-keys", `GUARD --mode suggest -- bash -c 'export TERM=xterm; tmux -S SOCK new -d "GUARD --mode suggest -- touch made 2>OUT; sleep 3"; sleep 1; tmux -S SOCK send-keys o Enter; sleep 1; tmux -S SOCK kill-server'`, 1, false},
		// Controls: the person's own terminal, directly and through a
		// guard above.
		{"the person's terminal", `GUARD --mode suggest -- touch made`, 1, true},
		{"the person's terminal through sudo's use_pty", `sudo -n -E GUARD --mode suggest -- touch made`, 1, true},
		{"the person's terminal, nested guard", `GUARD --mode suggest -- bash -c 'GUARD --mode suggest -- touch made'`, 2, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			agent := w.write(filepath.Join(w.root, "agent.py"), ptyAgent, 0o644)
			for _, p := range []string{"tmux", "sudo"} {
				if strings.Contains(tt.script, p) {
					if _, err := exec.LookPath(p); err != nil {
						t.Skip("no " + p)
					}
				}
			}
			if strings.HasPrefix(tt.script, "sudo") && exec.Command("sudo", "-n", "true").Run() != nil {
				t.Skip("sudo asks for a password here")
			}
			sock, out := filepath.Join(w.root, "tmux.sock"), filepath.Join(w.root, "pane.out")
			script := strings.NewReplacer("GUARD", w.guard, "AGENT", agent, "SOCK", sock, "OUT", out).Replace(tt.script)
			tm := openTerminal(t)
			cmd := w.command("sh", "-c", script)
			tm.start(cmd)
			for i := range tt.typed {
				if !tm.waitCount(promptText, i+1) {
					break // refused before asking again
				}
				tm.typeIn("o\n")
			}
			r := waitExit(t, cmd)
			shown := tm.drain()
			if pane, err := os.ReadFile(out); err == nil {
				shown += string(pane) // what the tmux pane showed
			}
			made := fileExists(filepath.Join(w.work, "made"))
			rules, _ := filepath.Glob(filepath.Join(w.configDir(), "projects", "*.policy"))
			if tt.runs != made {
				t.Fatalf("made %v, want %v: %s; terminal %q", made, tt.runs, r, shown)
			}
			if len(rules) > 0 {
				t.Errorf("a rule was remembered: %v; terminal %q", rules, shown)
			}
			if !tt.runs && !strings.Contains(shown, "no one is at a terminal to ask") {
				t.Errorf("the refusal does not say no one can be asked; terminal %q", shown)
			}
		})
	}
}

// waitCount waits until the terminal has shown s n times; false when the
// terminal closed, or 10 seconds passed, before that.
func (tm *terminal) waitCount(s string, n int) bool {
	deadline := time.After(10 * time.Second)
	for strings.Count(tm.text(), s) < n {
		select {
		case <-tm.more:
		case <-tm.done:
			return strings.Count(tm.text(), s) >= n
		case <-deadline:
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	return true
}

// leaveTerminal gives up the test process's controlling terminal, when
// `go test` runs in one: the terminals the tests make stand for a person's,
// and guard does not take a terminal made by a process running inside
// another one for a person's (madeInsideTerminal). A session leader keeps
// it (giving it up would hang up the session).
func leaveTerminal() {
	if sid, err := unix.Getsid(0); err != nil || sid == os.Getpid() {
		return
	}
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	_ = unix.IoctlSetInt(int(f.Fd()), unix.TIOCNOTTY, 0)
}

// TestAgentTerminalTrust (entry-2 N1): `guard trust`, which loosens guard
// for a project, asks the same way: typed by script(1) from a pipe, it
// trusts nothing.
func TestAgentTerminalTrust(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.write(filepath.Join(w.work, ".guard", "config.toml"), "mode = \"full-auto\"\n", 0o644)
	tm := openTerminal(t)
	cmd := w.command("sh", "-c", `printf 'y\n' | script -qec "`+w.guard+` trust" /dev/null`)
	tm.start(cmd)
	waitExit(t, cmd)
	shown := tm.drain()
	if data, err := os.ReadFile(filepath.Join(w.configDir(), "trusted.json")); err == nil && strings.Contains(string(data), w.work) {
		t.Fatalf("the project was trusted through a terminal script(1) made: %s; terminal %q", data, shown)
	}
}

// TestPromptTerminalReset (entry-2 N2): the question is shown whole
// whatever the output before it left set on the terminal. A program the
// person runs (a Makefile the agent wrote) prints its own "approve the step
// below" and then concealed text, matching colours, the line drawing
// character set or a two-line scrolling region, before a shim asks about
// `touch made`: the line naming the command was hidden or scrolled away. In
// tmux, a real terminal: the screen must show the command's line with no
// rendition left on the question.
func TestPromptTerminalReset(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("no tmux")
	}
	for _, tt := range []struct{ name, trick string }{
		{"concealed", `\033[8m`},
		{"black on black", `\033[30;40m`},
		{"line drawing characters", `\033(0`},
		{"two-line scrolling region", `\033[1;2r\033[1;1H`},
		{"origin mode in a region", `\033[?6h\033[3;4r\033[1;1H`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			sock := filepath.Join(w.root, "tmux.sock")
			tmux := func(args ...string) string {
				cmd := w.command(append([]string{"tmux", "-S", sock}, args...)...)
				cmd.Env = append(cmd.Env, "TERM=xterm")
				out, _ := cmd.CombinedOutput()
				return string(out)
			}
			t.Cleanup(func() { tmux("kill-server") })
			script := `printf '\033[2J\033[5;1Hmake: tests passed. Approve the step below.` + tt.trick + `'; ` + w.guard + ` --mode suggest -- touch made`
			tmux("new", "-d", "-x", "150", "-y", "10", script)
			var screen string
			for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				if screen = tmux("capture-pane", "-e", "-p"); strings.Contains(screen, "[N]o") {
					break
				}
			}
			if !strings.Contains(screen, "[N]o") {
				t.Fatalf("no question on the screen:\n%q", screen)
			}
			// Answer no and wait for the pane to close: guard logs its
			// answer in the test's home before that is removed.
			tmux("send-keys", "n", "Enter")
			for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && tmux("has-session") == ""; {
				time.Sleep(50 * time.Millisecond)
			}
			var named bool
			for _, line := range strings.Split(screen, "\n") {
				// capture-pane -e writes the rendition as SGR sequences
				// and the line drawing set as SO.
				if strings.Contains(line, "guard:") && strings.ContainsAny(line, "\x1b\x0e") {
					t.Errorf("the question is shown with a rendition left on it: %q", line)
				}
				named = named || strings.Contains(line, "guard: touch made (match, suggest mode)")
			}
			if !named {
				t.Errorf("the screen does not show the line naming the command:\n%s", screen)
			}
		})
	}
}

// TestPromptTypeAhead (entry-2 N3): what was typed before the question is
// not its answer. A program the person runs prints its own "continue?
// [o]k" and does not read the answer; the "o" typed there waited in the
// terminal, and guard's question, asked a moment later by a shim, read it at
// once: the command ran before the person saw what it was. Now the question
// waits for an answer typed after it.
func TestPromptTypeAhead(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tm := openTerminal(t)
	cmd := w.command("sh", "-c", `printf 'make: continue? [o]k / [N]o: '; sleep 1; `+w.guard+` --mode suggest -- touch made`)
	tm.start(cmd)
	tm.waitFor("continue?")
	tm.typeIn("o\n") // the person answers the program's question
	tm.waitFor(promptText)
	time.Sleep(300 * time.Millisecond)
	if fileExists(filepath.Join(w.work, "made")) {
		t.Fatalf("the answer typed before the question ran the command; terminal %q", tm.text())
	}
	tm.typeIn("n\n")
	if r := waitExit(t, cmd); r.code != 126 || fileExists(filepath.Join(w.work, "made")) {
		t.Errorf("answered n after the question: %s, made %v; want 126 and nothing made", r, fileExists(filepath.Join(w.work, "made")))
	}
}

// TestAgentTerminalSetuidCopy (entry-2 N1): a terminal maker set-user-ID to
// guard's own user is no privilege: anyone can make one of a copy of
// script(1). Run as nobody, from the person's terminal, such a copy fed "o"
// from a pipe answered guard's question while sudo's exemption let it by.
func TestAgentTerminalSetuidCopy(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run as nobody")
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		t.Skip("no runuser")
	}
	w := newWorld(t)
	dir := filepath.Join(w.root, "nobody")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	// Open to nobody; the sticky bit on the directories above guard's
	// configuration, which a directory others may write would make
	// guard refuse (TestConfigOfAnotherAccountRefused).
	for d, mode := range map[string]os.FileMode{filepath.Dir(w.root): 0o777 | os.ModeSticky, w.root: 0o777 | os.ModeSticky, dir: 0o777} {
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile("/usr/bin/script")
	if err != nil {
		t.Skip("no /usr/bin/script")
	}
	s := filepath.Join(dir, "s")
	if err := os.WriteFile(s, data, 0o755); err != nil {
		t.Fatal(err)
	}
	guard := filepath.Join(dir, "guard")
	if data, err = os.ReadFile(w.guard); err != nil || os.WriteFile(guard, data, 0o755) != nil {
		t.Fatal(err)
	}
	nobody := 65534
	if err := os.Chown(s, nobody, -1); err != nil || os.Chmod(s, 0o4755) != nil {
		t.Skip("cannot make a set-user-ID file here")
	}
	tm := openTerminal(t)
	cmd := w.command(runuser, "-u", "nobody", "--", "sh", "-c",
		`cd `+dir+` && printf 'o\n' | ./s -qec "`+guard+` --mode suggest -- touch made" /dev/null`)
	tm.start(cmd)
	waitExit(t, cmd)
	shown := tm.drain()
	if fileExists(filepath.Join(dir, "made")) {
		t.Fatalf("a set-user-ID-to-itself copy of script answered guard's question; terminal %q", shown)
	}
	if !strings.Contains(shown, "no one is at a terminal to ask") {
		t.Errorf("no refusal saying no one can be asked; terminal %q", shown)
	}
}
