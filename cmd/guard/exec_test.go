package main

// End-to-end tests of the real guard binary: built once per test run with
// `go build`, then driven as a user or an agent would drive it, with real
// programs, real pipes, a real PATH and (in prompt_test.go) a real
// pseudo-terminal. The helpers here are shared by prompt_test.go and
// shim_test.go.

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"guard/internal/gate"
)

// e2ePolicy is the policy layer of every end-to-end test, so that the tests
// do not depend on the default policy (written elsewhere): the programs they
// run are classified here. A forbidding rule of the default policy would
// still win, but none of these commands is catastrophic.
const e2ePolicy = `
# sh -c SCRIPT [NAME]: one exact argv, safe (the "always" path of the shell
# parser: a safe rule for the whole argv decides).
define_program(program = "sh", system_path = ["/bin/sh", "/usr/bin/sh"],
    options = [flag("-c")], args = [ARG_OPAQUE_VALUE])
define_program(program = "sh", system_path = ["/bin/sh", "/usr/bin/sh"],
    options = [flag("-c")], args = [ARG_OPAQUE_VALUE, ARG_OPAQUE_VALUE])
define_program(program = "sleep", args = [ARG_POS_INT])
define_program(program = "ls", options = [flag("-1"), flag("-a"), flag("-l")], args = [ARG_RFILES_OR_CWD])
define_program(program = "cat", args = [ARG_RFILES])
define_program(program = "cat", args = [])
define_program(program = "touch", args = [ARG_WFILE])
define_program(program = "rm", options = [flag("-f")], args = [ARG_WFILE])
define_program(program = "nosuchprog", args = [])
`

// systemPath is the PATH of every program the tests start: the system's
// directories only (go test's own PATH holds a copy of the test binary named
// guard, which must not be found).
const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// runTimeout bounds every process a test starts: guard must never hang.
const runTimeout = 30 * time.Second

var built struct {
	once sync.Once
	path string
	err  error
}

// guardBinary returns the path of the real guard binary, built from this package once per test run into a directory that the next run removes
// (there is no hook after all tests in a package with testscript's TestMain).
func guardBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds guard with go build; skipped in -short mode")
	}
	if runtime.GOOS != "linux" {
		t.Skip("end-to-end tests need Linux (exec in place, Landlock, /proc, /dev/ptmx)")
	}
	built.once.Do(func() {
		sweepBuildDirs()
		dir, err := os.MkdirTemp("", fmt.Sprintf("guard-e2e-%d-", os.Getpid()))
		if err != nil {
			built.err = err
			return
		}
		gobin, err := exec.LookPath("go")
		if err != nil {
			built.err = fmt.Errorf("the go command is needed to build guard: %w", err)
			return
		}
		out := filepath.Join(dir, "guard")
		cmd := exec.Command(gobin, "build", "-o", out, ".")
		if o, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build ./cmd/guard: %v\n%s", err, o)
			return
		}
		built.path = out
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// sweepBuildDirs removes the build directories of earlier test runs whose
// process is gone.
func sweepBuildDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "guard-e2e-*-*"))
	for _, d := range dirs {
		f := strings.Split(filepath.Base(d), "-")
		pid, err := strconv.Atoi(f[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}

// world is one test's scratch machine: a home, a config dir holding the
// e2e policy, a TMPDIR and a working directory, and the environment that
// points at them.
type world struct {
	t     *testing.T
	guard string
	root  string // everything lives below
	home  string
	work  string // the cwd of every command
	env   []string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	guard := guardBinary(t)
	root := t.TempDir()
	w := &world{t: t, guard: guard, root: root, home: filepath.Join(root, "home"), work: filepath.Join(root, "work")}
	for _, d := range []string{w.home, w.work, filepath.Join(root, "tmp"), w.configDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", k == "PATH", k == "TMPDIR", k == "PWD", k == "OLDPWD", k == "SHELL",
			k == "ENV", k == "BASH_ENV", k == "CDPATH", k == "TERM",
			strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "GUARD_"), strings.HasPrefix(k, "LC_"), k == "LANG":
			continue
		case slices.Contains(gate.AgentMarkers, k):
			continue // tests run from an agent's tool still play a person at their terminals
		}
		w.env = append(w.env, kv)
	}
	w.env = append(w.env,
		"HOME="+w.home,
		"XDG_CONFIG_HOME="+filepath.Join(w.home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(w.home, ".local", "share"),
		"TMPDIR="+filepath.Join(root, "tmp"),
		"PATH="+systemPath,
		"LC_ALL=C",
	)
	w.write(filepath.Join(w.configDir(), "e2e.policy"), e2ePolicy, 0o644)
	return w
}

func (w *world) configDir() string { return filepath.Join(w.home, ".config", "guard") }

// setenv sets (or with value "" still sets) one variable for later commands.
func (w *world) setenv(key, value string) {
	out := w.env[:0:0]
	for _, kv := range w.env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	w.env = append(out, key+"="+value)
}

// path returns p below the world's root when relative.
func (w *world) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(w.root, p)
}

func (w *world) write(p, content string, mode os.FileMode) string {
	w.t.Helper()
	p = w.path(p)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// command prepares argv to run in the working directory with the world's
// environment, in a session of its own: it has no controlling terminal, so
// /dev/tty cannot open and no one can be asked.
func (w *world) command(argv ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	w.t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = w.work
	cmd.Env = append([]string(nil), w.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd
}

// outcome is how a process ended and what it wrote.
type outcome struct {
	stdout, stderr string
	code           int // exit status; -1 when killed by a signal
	signal         syscall.Signal
	pid            int
}

func (r outcome) String() string {
	how := fmt.Sprintf("exit %d", r.code)
	if r.code < 0 {
		how = "killed by " + r.signal.String()
	}
	return fmt.Sprintf("%s, stdout %q, stderr %q", how, r.stdout, r.stderr)
}

// execute runs cmd to the end, with stdin from /dev/null unless set.
func execute(t *testing.T, cmd *exec.Cmd) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = &stderr
	}
	start := time.Now()
	err := cmd.Run()
	if time.Since(start) >= runTimeout {
		t.Fatalf("%s: still running after %v, killed", strings.Join(cmd.Args, " "), runTimeout)
	}
	r := outcome{stdout: stdout.String(), stderr: stderr.String()}
	if cmd.Process != nil {
		r.pid = cmd.Process.Pid
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.signal = ws.Signal()
		}
	default:
		t.Fatalf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return r
}

// guardCmd is `guard ARGS...`. The e2e policy is a layer of the user's
// configuration ($XDG_CONFIG_HOME/guard/e2e.policy), not a --policy flag: a
// --policy layer comes last and would outrank the user's "always" answers.
func (w *world) guardCmd(args ...string) *exec.Cmd {
	return w.command(append([]string{w.guard}, args...)...)
}

// modes are the two ways a safe command runs: in place, and in place inside
// the sandbox.
var modes = []string{"suggest", "full-auto"}

var sandboxProbe struct {
	once sync.Once
	r    outcome
}

// needSandbox skips a full-auto test on a machine where guard cannot
// apply its sandbox (it refuses with 125 there, as it must), unless
// GUARD_REQUIRE_SANDBOX=1, as in CI.
func needSandbox(t *testing.T, w *world, mode string) {
	t.Helper()
	if mode != "full-auto" {
		return
	}
	sandboxProbe.once.Do(func() {
		cmd := w.guardCmd("--mode", "full-auto", "--", "sh", "-c", "exit 0")
		cmd.Env = append(cmd.Env, "GUARD_AUDIT_LOG=") // not in the caller's log
		sandboxProbe.r = execute(t, cmd)
	})
	if r := sandboxProbe.r; r.code == 125 {
		if os.Getenv("GUARD_REQUIRE_SANDBOX") == "1" {
			t.Fatalf("guard --mode full-auto cannot sandbox here and GUARD_REQUIRE_SANDBOX=1: %s", r)
		}
		t.Skipf("guard cannot apply its sandbox on this machine (full-auto refuses: %s)", strings.TrimSpace(r.stderr))
	}
}

// knownBug skips with a BUG message when the failure is exactly the known
// product bug, so the test runs again by itself once the bug is fixed and
// any other failure still fails.
func knownBug(t *testing.T, observed bool, msg string) {
	t.Helper()
	if observed {
		t.Skip("BUG: " + msg)
	}
}

// The program guard runs is guard's own process (execve, same PID), so a
// caller's cmd.Process.Pid is the program's: signals and waits reach it.
// In full-auto, where the command could make a protected name that is not
// there yet (the world has no .envrc), guard stays its parent instead, to
// move such a name aside after it (sandbox/newnames_linux.go): the
// program is guard's child, and TestExecSignalDeath and TestExecSignalForwarded
// hold what reaches it.
func TestExecSamePID(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			needSandbox(t, w, mode)
			r := execute(t, w.guardCmd("--mode", mode, "--", "sh", "-c", "echo $$ $PPID"))
			if r.code != 0 {
				t.Fatalf("guard -- sh -c 'echo $$ $PPID': %s, want exit 0", r)
			}
			pid, ppid, _ := strings.Cut(strings.TrimSpace(r.stdout), " ")
			if mode == "full-auto" {
				if ppid != strconv.Itoa(r.pid) {
					t.Errorf("guard --mode full-auto -- sh -c 'echo $$ $PPID' printed %q, want guard's PID %d as the parent", r.stdout, r.pid)
				}
				return
			}
			if pid != strconv.Itoa(r.pid) {
				t.Errorf("guard --mode %s -- sh -c 'echo $$' printed PID %s, want guard's own PID %d (exec in place)", mode, pid, r.pid)
			}
		})
	}
}

// The program's exit status reaches the caller exactly as without guard.
func TestExecExitStatus(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			needSandbox(t, w, mode)
			for _, status := range []int{0, 1, 2, 255} {
				script := fmt.Sprintf("echo out; echo err >&2; exit %d", status)
				direct := execute(t, w.command("sh", "-c", script))
				guarded := execute(t, w.guardCmd("--mode", mode, "--", "sh", "-c", script))
				if direct.code != status {
					t.Fatalf("sh -c %q without guard: %s, want exit %d", script, direct, status)
				}
				if guarded != (outcome{stdout: direct.stdout, stderr: direct.stderr, code: direct.code, pid: guarded.pid}) {
					t.Errorf("guard --mode %s -- sh -c %q: %s, want as without guard: %s", mode, script, guarded, direct)
				}
			}
		})
	}
}

// A program killed by SIGTERM or SIGKILL is seen by the caller as killed by
// that signal, not as an exit status: the caller signals the PID it
// started, which is the program's, or guard's where guard stays the
// program's parent (full-auto in a project without a protected name it
// could make: TestExecSamePID); guard then passes SIGTERM on, and its
// death by SIGKILL kills the program too (no program is left running).
func TestExecSignalDeath(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			t.Run(mode+"/"+unix.SignalName(sig), func(t *testing.T) {
				t.Parallel()
				w := newWorld(t)
				needSandbox(t, w, mode)
				cmd := w.guardCmd("--mode", mode, "--", "sleep", "30")
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				// Signal once guard has exec'd sleep in place, or started it.
				pid := cmd.Process.Pid
				prog := 0
				deadline := time.Now().Add(10 * time.Second)
				for {
					if prog = sleepAt(pid); prog != 0 {
						break
					}
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						cmd.Wait()
						t.Fatalf("guard --mode %s -- sleep 30: PID %d never became sleep 30 nor started it; stderr %q", mode, pid, stderr.String())
					}
					time.Sleep(5 * time.Millisecond)
				}
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				cmd.Wait()
				ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
				if !ws.Signaled() || ws.Signal() != sig {
					t.Errorf("guard --mode %s -- sleep 30, sent %v: wait status %v (exited %v, code %d), want killed by %v",
						mode, sig, ws, ws.Exited(), ws.ExitStatus(), sig)
				}
				if stderr.Len() > 0 {
					t.Errorf("guard --mode %s -- sleep 30: stderr %q, want nothing from guard", mode, stderr.String())
				}
				if prog != pid {
					for end := time.Now().Add(5 * time.Second); sleepAt(prog) == prog; time.Sleep(5 * time.Millisecond) {
						if time.Now().After(end) {
							syscall.Kill(prog, syscall.SIGKILL)
							t.Fatalf("guard --mode %s -- sleep 30, sent %v: guard's child %d still runs", mode, sig, prog)
						}
					}
				}
			})
		}
	}
}

// sleepAt returns pid when that process is `sleep 30`, else a child of it
// that is, else 0.
func sleepAt(pid int) int {
	isSleep := func(p int) bool {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
		return string(b) == "sleep\x0030\x00"
	}
	if isSleep(pid) {
		return pid
	}
	// A child of any of guard's threads (the confined one started it).
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, task := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil && isSleep(c) {
				return c
			}
		}
	}
	return 0
}

// Standard input, output and error are the caller's own file descriptions,
// passed through untouched: the program sees the very pipes the caller made
// (same pipe inodes), and a stream larger than a pipe buffer flows through
// byte for byte.
func TestExecStdio(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			needSandbox(t, w, mode)
			data := make([]byte, 256<<10)
			rand.Read(data)
			data = append(data, "\x00no newline at the end"...)

			var pipes [3][2]*os.File // [fd][0 read end, 1 write end]
			var inodes [3]uint64
			for i := range pipes {
				r, wr, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				defer wr.Close()
				pipes[i] = [2]*os.File{r, wr}
				var st syscall.Stat_t
				if err := syscall.Fstat(int(r.Fd()), &st); err != nil {
					t.Fatal(err)
				}
				inodes[i] = st.Ino
			}
			script := `fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); cat; printf '%s\n' "$fds" >&2`
			cmd := w.guardCmd("--mode", mode, "--", "sh", "-c", script)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = pipes[0][0], pipes[1][1], pipes[2][1]
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pipes[0][0].Close()
			pipes[1][1].Close()
			pipes[2][1].Close()
			go func() {
				pipes[0][1].Write(data)
				pipes[0][1].Close()
			}()
			var stderr []byte
			errDone := make(chan struct{})
			go func() {
				stderr, _ = io.ReadAll(pipes[2][0])
				close(errDone)
			}()
			stdout, err := io.ReadAll(pipes[1][0])
			if err != nil {
				t.Fatal(err)
			}
			<-errDone
			if err := cmd.Wait(); err != nil {
				t.Fatalf("guard --mode %s -- sh -c %q: %v, stderr %q", mode, script, err, stderr)
			}
			if !bytes.Equal(stdout, data) {
				t.Errorf("guard --mode %s: stdout is %d bytes that differ from the %d bytes piped in, want them unchanged", mode, len(stdout), len(data))
			}
			want := fmt.Sprintf("pipe:[%d]\npipe:[%d]\npipe:[%d]\n", inodes[0], inodes[1], inodes[2])
			if string(stderr) != want {
				t.Errorf("guard --mode %s: the program's fds 0, 1, 2 are\n%s\nwant the caller's own pipes\n%s(and nothing else on stderr)", mode, stderr, want)
			}
		})
	}
}

// The environment reaches the program unchanged, in order, odd values and
// all; guard adds only its loop marker GUARD_SHIM_DEPTH=PID:1 and, at most,
// GUARD_MODE set to its own mode and GUARD_TTY to the terminal it could ask
// at, none here (for the guards the program runs).
func TestExecEnvironment(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			needSandbox(t, w, mode)
			w.setenv("E2E_SPACES", "  a b  ")
			w.setenv("E2E_NEWLINE", "line1\nline2")
			w.setenv("E2E_EQUALS", "k=v=w")
			w.setenv("E2E_EMPTY", "")
			w.setenv("E2E_BYTES", "\xff\xfe\x01")
			cmd := w.guardCmd("--mode", mode, "--", "sh", "-c", "cat /proc/$$/environ")
			r := execute(t, cmd)
			if r.code != 0 {
				t.Fatalf("guard --mode %s -- sh -c 'cat /proc/$$/environ': %s", mode, r)
			}
			got := strings.Split(strings.TrimSuffix(r.stdout, "\x00"), "\x00")
			got = slices.DeleteFunc(got, func(kv string) bool { return kv == "GUARD_MODE="+mode || kv == "GUARD_TTY=0" })
			want := append(cmd.Environ(), fmt.Sprintf("GUARD_SHIM_DEPTH=%d:1", r.pid))
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("guard --mode %s: the program's environment is\n%q\nwant the caller's plus the depth marker\n%q", mode, got, want)
			}
		})
	}
}

// argv reaches the program as the caller typed it, argv[0] included: a
// bare name stays a bare name (not the resolved path), a path stays a path.
func TestExecArgv(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			needSandbox(t, w, mode)
			for _, argv0 := range []string{"sh", "/bin/sh"} {
				args := []string{argv0, "-c", `cat /proc/$$/cmdline`, "name with  spaces\tand\ttabs"}
				r := execute(t, w.guardCmd(append([]string{"--mode", mode, "--"}, args...)...))
				want := strings.Join(args, "\x00") + "\x00"
				if r.code != 0 || r.stdout != want {
					t.Errorf("guard --mode %s -- %q: %s, want the program to see argv %q", mode, args, r, want)
				}
			}
		})
	}
}

// TestExecManyRootsAsParent: full-auto with more writable roots than the
// thread keeps on the shared descriptor table (it unshares its own), where
// guard stays the program's parent to look for protected names afterwards:
// every run ends as the program did. The raw child's error pipe was an
// os.Pipe made after that unshare, so the runtime's poller was created in
// the confined thread's table only, and another thread's epollwait failed
// with EBADF: a fatal error of guard's (exit 2) in about one run in eight.
func TestExecManyRootsAsParent(t *testing.T) {
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	// Apart from /tmp, which holds the world: roots inside it are one.
	apart, err := os.MkdirTemp("/var/tmp", "guard-roots-")
	if err != nil {
		t.Skipf("no directory of roots apart from /tmp: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(apart) })
	args := []string{"--mode", "full-auto"}
	for i := range 12 {
		root := filepath.Join(apart, strconv.Itoa(i))
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--writable-root", root)
	}
	args = append(args, "--", "sh", "-c", "sleep 0.05; exit 3")
	for i := range 40 {
		r := execute(t, w.guardCmd(args...))
		if r.code != 3 {
			t.Fatalf("run %d: guard --mode full-auto with 12 roots -- sh -c 'exit 3': %s, want exit 3", i, r)
		}
	}
}
