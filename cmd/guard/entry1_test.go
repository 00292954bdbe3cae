package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinRunsWhatWasJudged (entry-1 E1): `command`, `exec` and `time`
// have no binary of their own here, so guard runs the command they wrap.
// It ran the deciding command picked out of it instead:
// `exec bash -c 'cd OTHER && cat notes.txt' cat notes.txt` was judged as a
// read of OTHER/notes.txt (safe) and ran `cat notes.txt` in the working
// directory, where notes.txt is a link to an SSH key: the key was printed
// in suggest mode. What runs is the wrapped command, whole: bash, which
// goes to OTHER.
func TestBuiltinRunsWhatWasJudged(t *testing.T) {
	t.Parallel()
	for _, prefix := range [][]string{
		{"exec"}, {"exec", "--"}, {"command"}, {"command", "--"}, {"command", "-p"},
		{"command", "exec"}, {"exec", "command"}, {"time"}, {"time", "-p"},
	} {
		t.Run(strings.Join(prefix, " "), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			key := w.write("home/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nE1-KEY\n-----END OPENSSH PRIVATE KEY-----\n", 0o600)
			if err := os.Symlink(key, w.path("work/notes.txt")); err != nil {
				t.Fatal(err)
			}
			other := w.path("tmp") // a writable root ($TMPDIR)
			w.write("tmp/notes.txt", "other notes\n", 0o644)
			argv := append(append([]string{}, prefix...), "bash", "-c", "cd "+other+" && cat notes.txt", "cat", "notes.txt")
			r := execute(t, w.guardCmd(append([]string{"--mode", "suggest", "--"}, argv...)...))
			if strings.Contains(r.stdout, "E1-KEY") {
				t.Fatalf("guard -- %s printed the key behind notes.txt in the working directory (%s); it judged %s/notes.txt", strings.Join(argv, " "), r, other)
			}
			if strings.Join(prefix, " ") == "exec command" {
				// bash and dash exec a program named command, which no
				// system has (a planted one would run): asked (judge-28 W1).
				if r.code != 126 {
					t.Fatalf("guard -- %s: %s, want refused (exec runs a program named command)", strings.Join(argv, " "), r)
				}
				return
			}
			if r.code != 0 || !strings.Contains(r.stdout, "other notes") {
				t.Fatalf("guard -- %s: %s, want exit 0 and %s/notes.txt printed (bash run as judged)", strings.Join(argv, " "), r, other)
			}
		})
	}
}

// TestBuiltinWriteLandsWhereJudged: the same for a write in auto-edit:
// `exec bash -c 'cd OTHER && touch made.txt' touch made.txt` makes
// OTHER/made.txt, as judged, not made.txt in the working directory.
func TestBuiltinWriteLandsWhereJudged(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	other := w.path("tmp")
	for _, prefix := range [][]string{{"exec"}, {"command"}} {
		argv := append(append([]string{}, prefix...), "bash", "-c", "cd "+other+" && touch made.txt", "touch", "made.txt")
		r := execute(t, w.guardCmd(append([]string{"--mode", "auto-edit", "--"}, argv...)...))
		if _, err := os.Lstat(w.path("work/made.txt")); err == nil {
			t.Fatalf("guard -- %s made made.txt in the working directory (%s); it judged %s/made.txt", strings.Join(argv, " "), r, other)
		}
		if r.code != 0 {
			t.Fatalf("guard -- %s: %s, want exit 0", strings.Join(argv, " "), r)
		}
		if _, err := os.Lstat(filepath.Join(other, "made.txt")); err != nil {
			t.Fatalf("guard -- %s: %s/made.txt not made: %v", strings.Join(argv, " "), other, err)
		}
		os.Remove(filepath.Join(other, "made.txt"))
	}
}

// TestBuiltinUnknownOptionRunsNothing: a builtin's option guard does not
// read as the shell does (exec -a NAME, command -v) runs nothing: 127, as
// for a program that is not there.
func TestBuiltinUnknownOptionRunsNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, argv := range [][]string{
		{"exec", "-a", "x", "touch", "made.txt"},
		{"exec", "-c", "touch", "made.txt"},
		{"command", "-V", "touch"},
		{"time", "-o", "out", "touch", "made.txt"},
		{"exec"},
		{"command", "--"},
	} {
		r := execute(t, w.guardCmd(append([]string{"--mode", "suggest", "--"}, argv...)...))
		if argv[0] == "time" && r.code != 127 {
			continue // a time binary on this PATH ran (or was refused): not the builtin path
		}
		if r.code != 127 && r.code != 126 {
			t.Errorf("guard -- %s: %s, want 127 (or refused, 126)", strings.Join(argv, " "), r)
		}
		if _, err := os.Lstat(w.path("work/made.txt")); err == nil {
			t.Fatalf("guard -- %s made made.txt", strings.Join(argv, " "))
		}
	}
}

// TestTildePathEntry (entry-1 E2): bash expands a leading tilde in a PATH
// element when it searches (`export PATH="~/.yarn/bin:$PATH"`, the tilde
// quoted, works in bash only); guard took such an entry for a directory
// below the working directory. With HOME a writable root, auto-edit wrote
// .yarn/bin/ls (not seen as a directory on PATH), and `bash -c ls` was
// judged as the system's ls and ran the written one, unconfined.
func TestTildePathEntry(t *testing.T) {
	t.Parallel()
	for _, entry := range []string{"~/.yarn/bin", "~/.yarn/bin/", "~+/.yarn/bin"} {
		t.Run(entry, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.setenv("HOME", w.work) // the project is the home directory
			w.setenv("PATH", entry+":"+systemPath)
			marker := w.path("outside-marker")
			script := "#!/bin/sh\necho planted > " + marker + "\n"
			// The run: a planted ls is found by bash, so ls is not safe.
			w.write("work/.yarn/bin/ls", script, 0o755)
			for _, mode := range []string{"suggest", "auto-edit"} {
				r := execute(t, w.guardCmd("--mode", mode, "--", "bash", "-c", "ls"))
				if _, err := os.Stat(marker); err == nil {
					t.Fatalf("%s: guard -- bash -c ls ran the planted %s/ls (%s)", mode, entry, r)
				}
				if r.code != 126 {
					t.Fatalf("%s: guard -- bash -c ls: %s, want refused (126): bash runs the ls in %s", mode, r, entry)
				}
			}
		})
		t.Run(entry+"/write", func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.setenv("HOME", w.work)
			w.setenv("PATH", entry+":"+systemPath)
			// The write: .yarn/bin is a directory on PATH.
			needSandbox(t, w, "full-auto")
			r := execute(t, w.guardCmd("--mode", "auto-edit", "--", "bash", "-c",
				"mkdir -p .yarn/bin && printf '#!/bin/sh\\n' > .yarn/bin/ls && chmod +x .yarn/bin/ls"))
			if _, err := os.Stat(w.path("work/.yarn/bin/ls")); err == nil || r.code != 126 {
				t.Fatalf("auto-edit wrote .yarn/bin/ls, a directory on PATH as bash reads %s: %s", entry, r)
			}
		})
	}
}

// TestRefusalLineBounded (entry-1 E3): a refusal is one line an agent can
// act on. For an argv of 100,000 words it was 1.2 MB (every word, then
// every path written), and an agent that keeps the first 30,000 characters
// of a tool's output lost the reason's end and "to allow". The line shows
// the start of the command and of the reason, with what was left out; the
// JSON form keeps the command whole.
func TestRefusalLineBounded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	argv := []string{"--mode", "suggest", "--", "rm"}
	for i := 0; i < 100000; i++ {
		argv = append(argv, fmt.Sprintf("f%d", i))
	}
	r := execute(t, w.guardCmd(argv...))
	if r.code != 126 {
		t.Fatalf("guard -- rm <100,000 words>: exit %d, want 126; stderr %.300q", r.code, r.stderr)
	}
	line := strings.TrimSuffix(r.stderr, "\n")
	if strings.Contains(line, "\n") || len(line) > 16<<10 {
		t.Fatalf("refusal: %d bytes, %d lines; want one line under 16 KiB", len(line), strings.Count(r.stderr, "\n"))
	}
	for _, want := range []string{"guard: refused rm f0 f1 ", "more words", "; to allow: "} {
		if !strings.Contains(line, want) {
			t.Errorf("refusal lacks %q: %.400q ... %.400q", want, line, line[max(0, len(line)-400):])
		}
	}
	r = execute(t, w.guardCmd(append([]string{"--json"}, argv...)...))
	var got struct {
		Command []string `json:"command"`
	}
	if err := json.Unmarshal([]byte(r.stderr), &got); err != nil || len(got.Command) != 100001 {
		t.Fatalf("--json: %d words in command (err %v), want all 100,001", len(got.Command), err)
	}
}

// TestEmptyArgv: an execve with no argv at all (argc 0, which kernels
// before 5.18 pass through) is guard with nothing to do: a usage error,
// 125, not a crash.
func TestEmptyArgv(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run(nil, strings.NewReader(""), &stdout, &stderr); code != 125 {
		t.Fatalf("run(no argv) = %d, stderr %q; want 125", code, stderr.String())
	}
}

// TestEmptyOrUnsetPath (entry-1 E5): an empty PATH is one empty entry, the
// working directory, to bash, dash and execvp, and with no PATH at all bash
// searches its default, which ends in ".". guard split an empty PATH into
// no entries and looked nowhere: a program planted in the working directory
// was judged as the rule's program and run (`PATH= guard -c ls` ran ./ls).
func TestEmptyOrUnsetPath(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path string // "unset" for none
		argv []string
	}{
		{"", []string{"-ec", "nosuchprog"}}, // guard as $SHELL: dash (-e: the e2e policy's exact sh -c rule does not decide)
		{"", []string{"--", "/bin/bash", "-c", "nosuchprog"}},
		{"", []string{"--", "/bin/bash", "-c", "cd . && nosuchprog"}},
		{"unset", []string{"--", "/bin/bash", "-c", "nosuchprog"}},
	} {
		t.Run(tt.path+" "+strings.Join(tt.argv, " "), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			marker := w.path("outside-marker")
			w.write("work/nosuchprog", "#!/bin/sh\necho planted > "+marker+"\n", 0o755)
			if tt.path == "unset" {
				env := w.env[:0:0]
				for _, kv := range w.env {
					if !strings.HasPrefix(kv, "PATH=") {
						env = append(env, kv)
					}
				}
				w.env = env
			} else {
				w.setenv("PATH", tt.path)
			}
			r := execute(t, w.guardCmd(tt.argv...))
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("PATH %q: guard %s ran the planted ./nosuchprog (%s)", tt.path, strings.Join(tt.argv, " "), r)
			}
			if r.code != 126 {
				t.Fatalf("PATH %q: guard %s: %s, want refused (126)", tt.path, strings.Join(tt.argv, " "), r)
			}
		})
	}
}

// TestLoginShellPath (entry-1 E6): a login shell reads the profiles before
// its script, and they set its PATH: with `PATH="./node_modules/.bin:$PATH"`
// in ~/.profile (as many node users have), `guard -lc ls` (what tools run as
// `$SHELL -lc`) was judged with guard's own PATH (/usr/bin/ls, safe) and
// dash ran the project's node_modules/.bin/ls. The script is judged with the
// PATH the login shell sets up, asked of the shell itself.
func TestLoginShellPath(t *testing.T) {
	t.Parallel()
	for _, argv := range [][]string{
		{"-lc", "ls"},
		{"--login", "-c", "ls"},
		{"-c", "-l", "ls"},
		{"-l", "-e", "-c", "ls"},
		{"sh", "-lc", "ls"},
		{"--", "bash", "-lc", "ls"},
		{"--", "/bin/sh", "-l", "-c", "cd . && ls"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.write("home/.profile", "PATH=\"./node_modules/.bin:$PATH\"\nexport PATH\n", 0o644)
			marker := w.path("outside-marker")
			w.write("work/node_modules/.bin/ls", "#!/bin/sh\necho planted > "+marker+"\n", 0o755)
			r := execute(t, w.guardCmd(argv...))
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("guard %s ran the project's node_modules/.bin/ls, first on the login shell's PATH (%s)", strings.Join(argv, " "), r)
			}
			if r.code != 126 || !strings.Contains(r.stderr, "node_modules/.bin/ls") {
				t.Fatalf("guard %s: %s, want refused (126), naming node_modules/.bin/ls", strings.Join(argv, " "), r)
			}
			// Without a login shell the profile is not read: ls is the system's.
			if r := execute(t, w.guardCmd("-c", "ls -d .")); r.code != 0 {
				t.Fatalf("guard -c 'ls -d .': %s, want it run", r)
			}
		})
	}
}

// TestZshenvPath: zsh reads ~/.zshenv for every script, login or not
// (unless -f), and it may set PATH: with `path=(./bin $path)` there, `guard
// -- zsh -c ls` ran the project's bin/ls, judged as the system's.
func TestZshenvPath(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed")
	}
	w := newWorld(t)
	w.write("home/.zshenv", "path=(./bin $path)\n", 0o644)
	marker := w.path("outside-marker")
	w.write("work/bin/ls", "#!/bin/sh\necho planted > "+marker+"\n", 0o755)
	r := execute(t, w.guardCmd("--", "zsh", "-c", "ls"))
	if _, err := os.Stat(marker); err == nil || r.code != 126 {
		t.Fatalf("guard -- zsh -c ls: %s (planted bin/ls ran: %v), want refused (126)", r, err == nil)
	}
	// -f: no start-up files but /etc/zshenv; the system's ls runs.
	if r := execute(t, w.guardCmd("--", "zsh", "-f", "-c", "ls -d .")); r.code != 0 {
		t.Fatalf("guard -- zsh -f -c 'ls -d .': %s, want it run", r)
	}
}

// TestBashEnvPath: bash sources $BASH_ENV before a script (`bash -c`, no
// login), and the file may set PATH: a user's BASH_ENV with
// `PATH="./node_modules/.bin:$PATH"` made `guard -- bash -c ls` run the
// project's node_modules/.bin/ls, judged as the system's.
func TestBashEnvPath(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.setenv("BASH_ENV", w.write("home/.bashenv", "PATH=\"./node_modules/.bin:$PATH\"\n", 0o644))
	marker := w.path("outside-marker")
	w.write("work/node_modules/.bin/ls", "#!/bin/sh\necho planted > "+marker+"\n", 0o755)
	r := execute(t, w.guardCmd("--", "bash", "-c", "ls"))
	if _, err := os.Stat(marker); err == nil || r.code != 126 {
		t.Fatalf("guard -- bash -c ls with BASH_ENV setting PATH: %s (planted ls ran: %v), want refused (126)", r, err == nil)
	}
	// dash does not read BASH_ENV: its ls is the system's.
	if r := execute(t, w.guardCmd("-c", "ls -d .")); r.code != 0 {
		t.Fatalf("guard -c 'ls -d .': %s, want it run", r)
	}
}

// TestRelativeShellPlanted (entry-1 E7): a shell named by a relative path
// (`./bash -c ls`) is judged by its script, as bash would run it, and guard
// execs the file at that path: a program written into the project. The
// check that such a file lies inside a writable root resolved the relative
// path against / (./bash was /bash), so the planted ./bash ran, unasked, in
// suggest and auto-edit. guard never runs it to ask it for its start-up
// PATH either (`./bash -lc`).
func TestRelativeShellPlanted(t *testing.T) {
	t.Parallel()
	for _, argv := range [][]string{
		{"./bash", "-c", "ls -d ."},
		{"bin/bash", "-c", "ls -d ."},
		{"../work/bin/sh", "-c", "ls -d ."},
		{"./bash", "-lc", "ls -d ."},
		{"bin/zsh", "-c", "ls -d ."},
	} {
		for _, mode := range []string{"suggest", "auto-edit"} {
			t.Run(mode+" "+strings.Join(argv, " "), func(t *testing.T) {
				t.Parallel()
				w := newWorld(t)
				marker := w.path("outside-marker")
				for _, f := range []string{"work/bash", "work/bin/bash", "work/bin/sh", "work/bin/zsh"} {
					w.write(f, "#!/bin/sh\necho planted > "+marker+"\n", 0o755)
				}
				r := execute(t, w.guardCmd(append([]string{"--mode", mode, "--"}, argv...)...))
				if _, err := os.Stat(marker); err == nil {
					t.Fatalf("guard --mode %s -- %s ran the project's %s (%s)", mode, strings.Join(argv, " "), argv[0], r)
				}
				if r.code != 126 || !strings.Contains(r.stderr, "inside the writable root") {
					t.Fatalf("guard --mode %s -- %s: %s, want refused (126): the shell is a file in the project", mode, strings.Join(argv, " "), r)
				}
			})
		}
	}
}

// TestInternalErrorOneLine: a bug that panics while guard judges or prints
// (here: a standard output whose write panics) ends in one line on stderr
// and guard's own status, 125, not a Go stack trace and status 2 (which
// is a usage error's). `guard -- cat 'notes.~'` once crashed so.
func TestInternalErrorOneLine(t *testing.T) {
	var stderr strings.Builder
	code := run([]string{"guard", "explain", "ls"}, strings.NewReader(""), panicWriter{}, &stderr)
	if code != 125 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "guard: internal error: ") {
		t.Fatalf("a panic: status %d, stderr %q; want 125 and one line", code, stderr.String())
	}
}

type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("a write that panics") }
