package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWrapperExecsWrapper: guard judges the command a wrapper runs and
// execs the wrapper itself, resolved on PATH, with its own argv. In a
// directory that also holds files named like each of the wrapper's words,
// only the judged file changes.
func TestWrapperExecsWrapper(t *testing.T) {
	t.Parallel()
	for _, argv := range [][]string{
		{"timeout", "5", "rm", "x"},
		{"timeout", "-s", "KILL", "5", "rm", "x"},
		{"env", "rm", "x"},
		{"nice", "rm", "x"},
		{"nice", "-n", "5", "rm", "x"},
		{"nice", "-n5", "timeout", "5", "rm", "x"},
		{"nohup", "rm", "x"},
		{"stdbuf", "-o0", "rm", "x"},
		{"stdbuf", "-o", "L", "rm", "x"},
		{"time", "rm", "x"},
		{"command", "rm", "x"},
		{"exec", "rm", "x"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			var words []string
			for _, a := range argv {
				if a != "x" && !slices.Contains(words, a) {
					words = append(words, a)
				}
			}
			for _, f := range append(words, "x") {
				w.write(filepath.Join("work", f), "keep "+f+"\n", 0o644)
			}
			r := execute(t, w.guardCmd(append([]string{"--mode", "auto-edit", "--"}, argv...)...))
			if r.code != 0 {
				t.Fatalf("guard --mode auto-edit -- %s: %s, want exit 0", strings.Join(argv, " "), r)
			}
			if _, err := os.Stat(w.path("work/x")); err == nil {
				t.Errorf("guard -- %s: x still there, want it removed (the judged command)", strings.Join(argv, " "))
			}
			for _, f := range words {
				if _, err := os.Stat(w.path(filepath.Join("work", f))); err != nil {
					t.Errorf("guard -- %s: the file %q (named like a wrapper word) is gone: %v", strings.Join(argv, " "), f, err)
				}
			}
		})
	}
}

// TestWrapperExplainNamesWrapper: explain names the binary guard would
// exec, the wrapper's, not the judged program's.
func TestWrapperExplainNamesWrapper(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{"timeout", "5", "rm", "x"}, "timeout"},
		{[]string{"nice", "-n", "5", "ls"}, "nice"},
		{[]string{"env", "ls"}, "env"},
		{[]string{"rm", "x"}, "rm"},
	} {
		r := execute(t, w.guardCmd(append([]string{"explain", "--"}, tt.argv...)...))
		var binary string
		for _, l := range strings.Split(r.stdout, "\n") {
			if b, ok := strings.CutPrefix(l, "binary:"); ok {
				binary = strings.TrimSpace(b)
			}
		}
		if filepath.Base(binary) != tt.want || !filepath.IsAbs(binary) {
			t.Errorf("guard explain -- %s: binary %q, want the absolute path of %s", strings.Join(tt.argv, " "), binary, tt.want)
		}
	}
}

// TestWrapperEnvShim: through an env shim, env runs with its own argv, so
// its assignments reach the program (in full-auto, where an assignment,
// unverified, runs sandboxed).
func TestWrapperEnvShim(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	shims := filepath.Join(w.root, "shims")
	w.install(shims, "env")
	cmd := w.command("env", "FOO=1", "printenv", "FOO")
	cmd.Path = filepath.Join(shims, "env")
	cmd.Env = append(cmd.Env, "PATH="+shims+":"+systemPath, "GUARD_MODE=full-auto")
	r := execute(t, cmd)
	if r.code != 0 || r.stdout != "1\n" {
		t.Errorf("env FOO=1 printenv FOO through the env shim: %s, want exit 0 and stdout 1", r)
	}
	r = execute(t, w.guardCmd("--mode", "full-auto", "--", "env", "FOO=1", "printenv", "FOO"))
	if r.code != 0 || r.stdout != "1\n" {
		t.Errorf("guard --mode full-auto -- env FOO=1 printenv FOO: %s, want exit 0 and stdout 1", r)
	}
}
