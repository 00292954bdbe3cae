package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// newcomerRun runs the built guard with exactly env (nothing inherited) in
// dir, stdin from stdin (nil: /dev/null), and returns its exit code, stdout
// and stderr. It fails the test on a hang, a Go panic or a multi-line
// stderr: bad input gets one line.
func newcomerRun(t *testing.T, env []string, dir string, stdin *os.File, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, guardBinary(t), args...)
	cmd.Env, cmd.Dir = env, dir
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("guard %q hung (env %q)", args, env)
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("guard %q: %v", args, err)
	}
	se := errb.String()
	if strings.Contains(se, "panic") || strings.Contains(se, "goroutine ") {
		t.Fatalf("guard %q panicked:\n%s", args, se)
	}
	if strings.Count(strings.TrimSuffix(se, "\n"), "\n") > 0 {
		t.Errorf("guard %q (env %q): stderr is more than one line:\n%s", args, env, se)
	}
	return code, out.String(), se
}

// newcomerDir is a scratch directory with a home in it.
func newcomerDir(t *testing.T) (dir, home string) {
	dir = t.TempDir()
	home = filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, home
}

// TestNewcomerOddEnvironment: odd HOME, XDG_*, PATH, TMPDIR, locale and
// non-UTF-8 bytes in the environment and argv. guard either runs the safe
// command (exit 0, its output) or fails with one line and a documented
// code; a HOME that does not exist is not created.
func TestNewcomerOddEnvironment(t *testing.T) {
	dir, home := newcomerDir(t)
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no-such-home")
	sys := "PATH=/usr/bin:/bin"
	cases := map[string][]string{
		"HOME unset":          {sys},
		"HOME empty":          {sys, "HOME="},
		"HOME relative":       {sys, "HOME=home"},
		"HOME missing":        {sys, "HOME=" + missing},
		"HOME a file":         {sys, "HOME=" + file},
		"XDG relative":        {sys, "HOME=" + home, "XDG_CONFIG_HOME=rel", "XDG_CACHE_HOME=rel", "XDG_STATE_HOME=rel", "XDG_DATA_HOME=rel"},
		"PATH unset":          {"HOME=" + home},
		"PATH empty":          {"PATH=", "HOME=" + home},
		"PATH relative only":  {"PATH=.:bin", "HOME=" + home},
		"TMPDIR relative":     {sys, "HOME=" + home, "TMPDIR=rel"},
		"TMPDIR dot":          {sys, "HOME=" + home, "TMPDIR=."},
		"TMPDIR missing":      {sys, "HOME=" + home, "TMPDIR=" + missing},
		"TMPDIR a file":       {sys, "HOME=" + home, "TMPDIR=" + file},
		"locale odd":          {sys, "HOME=" + home, "LANG=xx_YY.NOPE", "LC_ALL=\xff\xfe"},
		"env not UTF-8":       {sys, "HOME=" + home, "FOO=\xff\xfe", "\xfe=1"},
		"XDG files":           {sys, "HOME=" + home, "XDG_CONFIG_HOME=" + file, "XDG_CACHE_HOME=" + file, "XDG_STATE_HOME=" + file},
		"GUARD_MODE unknown":  {sys, "HOME=" + home, "GUARD_MODE=\xffsilly"},
		"GUARD_CONFIG a FIFO": {sys, "HOME=" + home, "GUARD_CONFIG=" + filepath.Join(dir, "fifo")},
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{{"--", "echo", "RAN\xff"}, {"--mode", "full-auto", "--", "echo", "RAN\xff"}, {"check", "--", "echo", "hi"}} {
				code, out, se := newcomerRun(t, env, dir, nil, args...)
				switch {
				case code == 0 && args[0] == "--" && out != "RAN\xff\n":
					t.Errorf("guard %q exit 0 but printed %q", args, out)
				case code == 0:
				case code == 1 && args[0] == "check":
					// check's own code for a policy or config that does not load
				case code == 125 || code == 126 || code == 127:
					if !strings.HasPrefix(se, "guard") || strings.Contains(out, "RAN") {
						t.Errorf("guard %q exit %d: stderr %q stdout %q", args, code, se, out)
					}
				default:
					t.Errorf("guard %q: exit %d (stderr %q), want 0 or 125/126/127", args, code, se)
				}
				if _, err := os.Lstat(missing); err == nil && args[0] != "--mode" {
					// (full-auto makes guard's state directories that lie in a
					// writable root, as this one does, before the sandbox
					// protects them: outside the roots nothing is made.)
					t.Errorf("guard %q created the missing directory %s", args, missing)
				}
				os.RemoveAll(missing)
			}
			// doctor reports (0, or 1 for a problem found) and ends: a
			// relative TMPDIR made its sandbox probe loop for ever.
			if code, out, se := newcomerRun(t, env, dir, nil, "doctor"); code > 1 || !strings.Contains(out, "configuration:") {
				t.Errorf("guard doctor: exit %d, stderr %q", code, se)
			}
			newcomerHookDenies(t, env, dir, "{not json")
			if _, err := os.Lstat(missing); err == nil {
				t.Errorf("guard created the missing directory %s", missing)
			}
			os.RemoveAll(missing)
		})
	}
}

// TestNewcomerBrokenConfig: a config.toml that is a directory, a FIFO, a
// 100 MB file, a symlink loop, not UTF-8, with an unknown key or a wrong
// type: guard -- CMD fails with one line and 125, runs nothing; the hook
// denies. A BOM and CRLF line ends are read as the file means.
func TestNewcomerBrokenConfig(t *testing.T) {
	makers := map[string]func(p string) error{
		"directory": func(p string) error { return os.Mkdir(p, 0o755) },
		"FIFO":      func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"100 MB": func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(100 << 20)
		},
		"symlink loop": func(p string) error { return os.Symlink(filepath.Base(p), p) },
		"not UTF-8":    func(p string) error { return os.WriteFile(p, []byte("mode = \"\xff\"\n"), 0o644) },
		"unknown key":  func(p string) error { return os.WriteFile(p, []byte("bogus = 1\n"), 0o644) },
		"wrong type":   func(p string) error { return os.WriteFile(p, []byte("mode = 3\n"), 0o644) },
		"bad mode CRLF": func(p string) error {
			return os.WriteFile(p, []byte("\xef\xbb\xbfmode = \"yolo\"\r\n"), 0o644)
		},
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			dir, home := newcomerDir(t)
			cfgDir := filepath.Join(home, ".config", "guard")
			if err := os.MkdirAll(cfgDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := mk(filepath.Join(cfgDir, "config.toml")); err != nil {
				t.Fatal(err)
			}
			env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
			code, out, se := newcomerRun(t, env, dir, nil, "--", "echo", "RAN")
			if code != 125 || strings.Contains(out, "RAN") || !strings.Contains(se, "config") {
				t.Errorf("guard -- echo: exit %d, stdout %q, stderr %q; want 125, nothing run, a config error", code, out, se)
			}
			newcomerHookDenies(t, env, dir, `{"tool_name":"Bash","tool_input":{"command":"ls"}}`)
		})
	}
	for name, text := range map[string]string{"BOM": "\xef\xbb\xbfmode = \"suggest\"\n", "CRLF": "mode = \"suggest\"\r\n"} {
		t.Run(name, func(t *testing.T) {
			dir, home := newcomerDir(t)
			cfgDir := filepath.Join(home, ".config", "guard")
			if err := os.MkdirAll(cfgDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, se := newcomerRun(t, []string{"PATH=/usr/bin:/bin", "HOME=" + home}, dir, nil, "--", "echo", "RAN")
			if code != 0 || out != "RAN\n" {
				t.Errorf("guard -- echo with a %s config: exit %d, stdout %q, stderr %q", name, code, out, se)
			}
		})
	}
}

// newcomerHookDenies checks that `guard hook claude-code` answers request
// with a deny (never an allow) and exit 0.
func newcomerHookDenies(t *testing.T, env []string, dir, request string) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "request.json")
	if err := os.WriteFile(in, []byte(request), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	code, out, se := newcomerRun(t, env, dir, f, "hook", "claude-code")
	if code != 0 || !strings.Contains(out, `"permissionDecision":"deny"`) {
		t.Errorf("guard hook: exit %d, stdout %q, stderr %q; want a deny", code, out, se)
	}
}

// TestNewcomerBrokenPolicy: --policy naming a missing file, a directory, a
// FIFO or a 100 MB file: one line, 125, nothing runs (check: its exit 1).
func TestNewcomerBrokenPolicy(t *testing.T) {
	dir, home := newcomerDir(t)
	fifo := filepath.Join(dir, "fifo.policy")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.policy")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(100 << 20)
	f.Close()
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	for _, p := range []string{filepath.Join(dir, "missing.policy"), dir, fifo, huge} {
		code, out, se := newcomerRun(t, env, dir, nil, "--policy", p, "--", "echo", "RAN")
		if code != 125 || strings.Contains(out, "RAN") || !strings.Contains(se, p) {
			t.Errorf("--policy %s: exit %d, stdout %q, stderr %q; want 125 naming the file", p, code, out, se)
		}
		if code, _, _ := newcomerRun(t, env, dir, nil, "check", "--policy", p, "--", "echo", "hi"); code != 1 {
			t.Errorf("check --policy %s: exit %d, want 1", p, code)
		}
	}
	// The missing file is said to be missing, not something else.
	_, _, se := newcomerRun(t, env, dir, nil, "--policy", filepath.Join(dir, "missing.policy"), "--", "true")
	if !strings.Contains(se, "no such file") {
		t.Errorf("--policy of a missing file: %q does not say it is missing", se)
	}
}

// TestNewcomerHookStdin: a hook whose stdin is closed, /dev/null, a
// directory or not JSON denies (exit 0, a deny answer) for every agent.
func TestNewcomerHookStdin(t *testing.T) {
	dir, home := newcomerDir(t)
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		for _, src := range []string{"closed", os.DevNull, dir, "garbage"} {
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			cmd := exec.CommandContext(ctx, guardBinary(t), "hook", agent)
			cmd.Env, cmd.Dir = env, dir
			switch src {
			case "closed":
				// A closed fd 0: the shell's <&-.
				cmd = exec.CommandContext(ctx, "/bin/sh", "-c", `exec "$0" hook "$1" <&-`, guardBinary(t), agent)
				cmd.Env, cmd.Dir = env, dir
			case "garbage":
				cmd.Stdin = strings.NewReader("\xff{not json")
			default:
				f, err := os.Open(src)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cmd.Stdin = f
			}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			hung := ctx.Err() != nil
			cancel()
			if hung {
				t.Fatalf("hook %s with stdin %s hung", agent, src)
			}
			if err != nil || !strings.Contains(out.String(), `"deny"`) || strings.Contains(out.String(), `"allow"`) ||
				strings.Contains(errb.String(), "goroutine ") {
				t.Errorf("hook %s with stdin %s: %v, stdout %q, stderr %q; want exit 0 and a deny", agent, src, err, out.String(), errb.String())
			}
		}
	}
}

// TestNewcomerSetupInstallFail: setup and install into a place that cannot
// be written fail with one line and 125, and setup does not also claim the
// settings already held the hook.
func TestNewcomerSetupInstallFail(t *testing.T) {
	dir, _ := newcomerDir(t)
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + file}
	for _, args := range [][]string{
		{"setup", "claude-code"}, {"setup", "gemini"}, {"setup", "codex"},
		{"setup", "claude-code", "--project", filepath.Join(dir, "missing")},
		{"install", "--dir", filepath.Join(file, "bin"), "ls"},
		{"install", "ls"},
	} {
		code, _, se := newcomerRun(t, env, dir, nil, args...)
		if code != 125 || strings.Contains(se, "already holds") || !strings.HasPrefix(se, "guard") {
			t.Errorf("guard %q: exit %d, stderr %q; want 125 and only the error", args, code, se)
		}
	}
}

// TestNewcomerCwdDeleted: a deleted working directory: guard -- CMD fails
// with one line and 125; the hook denies.
func TestNewcomerCwdDeleted(t *testing.T) {
	dir, home := newcomerDir(t)
	gone := filepath.Join(dir, "gone")
	if err := os.Mkdir(gone, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	// The shell enters the directory and removes it before guard starts.
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", `cd "$1" && rmdir "$1" && exec "$0" -- echo RAN`, guardBinary(t), gone)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 125 || strings.Contains(out.String(), "RAN") ||
		strings.Count(strings.TrimSuffix(errb.String(), "\n"), "\n") > 0 {
		t.Errorf("guard in a deleted cwd: %v, stdout %q, stderr %q; want 125 and one line", err, out.String(), errb.String())
	}
}

// TestNewcomerHookTerminal: `guard hook X` typed at a terminal denies at
// once, saying stdin is a terminal, instead of waiting for a request no
// agent will send.
func TestNewcomerHookTerminal(t *testing.T) {
	dir, home := newcomerDir(t)
	guardBinary(t)
	tm := openTerminal(t)
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		code, out, se := newcomerRun(t, []string{"PATH=/usr/bin:/bin", "HOME=" + home}, dir, tm.slave, "hook", agent)
		if code != 0 || !strings.Contains(out, "deny") || !strings.Contains(out, "stdin is a terminal") {
			t.Errorf("hook %s at a terminal: exit %d, stdout %q, stderr %q; want a deny naming the terminal", agent, code, out, se)
		}
	}
}

// TestNewcomerEmptyFlagValue: a flag given an empty value (an unset
// variable: --dir "$DIR") is a usage error, one line and 125, never the
// default; nothing runs.
func TestNewcomerEmptyFlagValue(t *testing.T) {
	dir, home := newcomerDir(t)
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	for _, args := range [][]string{
		{"--policy", "", "--", "echo", "RAN"}, {"--policy=", "--", "echo", "RAN"},
		{"--mode", "", "--", "echo", "RAN"}, {"--writable-root=", "--", "echo", "RAN"},
		{"explain", "--mode", "", "--", "echo", "RAN"},
		{"install", "--dir", "", "ls"}, {"uninstall", "--dir="},
	} {
		code, out, se := newcomerRun(t, env, dir, nil, args...)
		if code != 125 || strings.Contains(out, "RAN") || strings.Contains(out, "export PATH") || !strings.Contains(se, "not an empty one") {
			t.Errorf("guard %q: exit %d, stdout %q, stderr %q; want a usage error", args, code, out, se)
		}
	}
	if _, err := os.Lstat(filepath.Join(home, ".local")); err == nil {
		t.Errorf("install --dir '' installed into the default directory")
	}
}

// TestNewcomerHomeMissingOutsideRoots: a HOME that does not exist outside
// the writable roots (root's HOME=/nonexistent) is not created by any mode
// or by the hook: no audit log, no policy or sandbox cache there. (As a user
// who cannot write to / the test cannot tell.)
func TestNewcomerHomeMissingOutsideRoots(t *testing.T) {
	dir, _ := newcomerDir(t)
	missing := filepath.Join("/", fmt.Sprintf("guard-test-no-home-%d", os.Getpid()))
	defer os.RemoveAll(missing)
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + missing}
	for _, mode := range []string{"suggest", "auto-edit", "full-auto"} {
		newcomerRun(t, env, dir, nil, "--mode", mode, "--", "ls")
		newcomerRun(t, env, dir, nil, "--mode", mode, "--", "rm", "-rf", "nothing-here")
	}
	newcomerHookDenies(t, env, dir, "{not json")
	if _, err := os.Lstat(missing); err == nil {
		t.Errorf("guard created the missing HOME %s", missing)
	}
}

// TestNewcomerStdoutFull: a command whose output cannot be written (stdout
// /dev/full) says so in one line and does not exit 0.
func TestNewcomerStdoutFull(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	dir, home := newcomerDir(t)
	for _, args := range [][]string{{"explain", "--", "ls"}, {"help"}, {"doctor"}, {"which", "ls"}, {"version"}, {"policy", "list"}} {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		cmd := exec.CommandContext(ctx, guardBinary(t), args...)
		cmd.Env, cmd.Dir, cmd.Stdout = []string{"PATH=/usr/bin:/bin", "HOME=" + home}, dir, full
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		cancel()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 || !strings.Contains(errb.String(), "the output could not be written") ||
			strings.Count(strings.TrimSuffix(errb.String(), "\n"), "\n") > 0 {
			t.Errorf("guard %q >/dev/full: %v, stderr %q; want a failure and one line", args, err, errb.String())
		}
	}
}
