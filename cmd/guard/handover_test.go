package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The fast build must not link what it leaves out: the point of it is that
// their package initialisation never runs on the run path.
func TestFastBuildLeavesOut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-tags", "guardfast", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "go.starlark.net") || strings.HasPrefix(dep, "mvdan.cc/sh") {
			t.Errorf("guard (-tags guardfast) links %s", dep)
		}
	}
}

// fastOnly copies the fast guard alone (no guard-full beside it) into the
// world, and removes the e2e policy layer, so that guard runs on the
// embedded default alone.
func fastOnly(t *testing.T, w *world) string {
	t.Helper()
	bin := filepath.Join(w.root, "fastonly", "guard")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	cp(t, w.guard, bin)
	if err := os.Remove(filepath.Join(w.configDir(), "e2e.policy")); err != nil {
		t.Fatal(err)
	}
	return bin
}

// What bin/guard keeps runs without guard-full: the run path and check on
// the default policy, in every mode.
func TestFastBuildRunsAlone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	guard := fastOnly(t, w)
	for _, mode := range []string{"suggest", "auto-edit", "full-auto"} {
		needSandbox(t, w, mode)
		r := execute(t, w.command(guard, "--mode", mode, "--", "pwd"))
		if r.code != 0 || r.stdout != w.work+"\n" {
			t.Errorf("%s: guard -- pwd alone: %s", mode, r)
		}
	}
	r := execute(t, w.command(guard, "--", "rm", "-rf", "/"))
	if r.code != 126 || !strings.Contains(r.stderr, "forbidden") {
		t.Errorf("guard -- rm -rf / alone: %s, want 126 forbidden", r)
	}
	r = execute(t, w.command(guard, "check", "ls", "-l"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, `{"result":"safe"`) {
		t.Errorf("guard check ls -l alone: %s", r)
	}
}

// What bin/guard leaves out it hands to guard-full; with guard-full missing,
// it refuses (125) with a line naming guard-full, and runs nothing.
func TestFastBuildHandsOver(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	guard := fastOnly(t, w)
	marker := filepath.Join(w.work, "ran")
	policyFile := w.write("extra.policy", `define_program(program = "touch", args = [ARG_WFILE])`, 0o644)
	cases := [][]string{
		{guard, "--", "sh", "-c", "touch " + marker},
		{guard, "--", "env", "touch", marker},
		{guard, "--policy", policyFile, "--", "touch", marker},
		{guard, "check", "--policy", policyFile, "touch", marker},
		{guard, "-c", "touch " + marker},
		{guard, "hook", "claude-code"},
		{guard, "explain", "ls"},
	}
	for _, argv := range cases {
		r := execute(t, w.command(argv...))
		if r.code != 125 || !strings.Contains(r.stderr, "needs guard-full") || !strings.Contains(r.stderr, "installed beside guard") {
			t.Errorf("%q without guard-full: %s, want 125 and a line naming guard-full", argv[1:], r)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("%q ran the command without guard-full", argv[1:])
		}
	}
	// With guard-full beside it, the same commands are judged in full: the
	// script is read through the parser, the policy file is evaluated.
	cp(t, filepath.Join(filepath.Dir(w.guard), "guard-full"), filepath.Join(filepath.Dir(guard), "guard-full"))
	r := execute(t, w.command(guard, "--", "sh", "-c", "echo hi; rm -rf /"))
	if r.code != 126 || !strings.Contains(r.stderr, "forbidden") || r.stdout != "" {
		t.Errorf("a forbidden command hidden in a script, through guard-full: %s, want 126 forbidden", r)
	}
	r = execute(t, w.command(guard, "--mode", "auto-edit", "--policy", policyFile, "--", "touch", marker))
	if r.code != 0 {
		t.Errorf("a write the --policy file allows, in auto-edit, through guard-full: %s", r)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("touch did not run: %v", err)
	}
}

// guard-full keeps each policy file it evaluates in the cache; from then on
// bin/guard reads the file's rules from there and needs no guard-full until
// the file changes.
func TestFastBuildUsesPolicyCache(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	guard := fastOnly(t, w)
	w.write(filepath.Join(w.configDir(), "mine.policy"), `define_program(program = "touch", args = [ARG_WFILE])`, 0o644)
	full := filepath.Join(filepath.Dir(guard), "guard-full")
	cp(t, filepath.Join(filepath.Dir(w.guard), "guard-full"), full)
	touch := func(name string) outcome {
		return execute(t, w.command(guard, "--mode", "auto-edit", "--", "touch", filepath.Join(w.work, name)))
	}
	if r := touch("a"); r.code != 0 {
		t.Fatalf("first run, through guard-full: %s", r)
	}
	if err := os.Remove(full); err != nil {
		t.Fatal(err)
	}
	if r := touch("b"); r.code != 0 {
		t.Errorf("second run, guard-full gone, policy cached: %s", r)
	}
	w.write(filepath.Join(w.configDir(), "mine.policy"), `define_program(program = "touch", args = [ARG_WFILE])
`, 0o644)
	if r := touch("c"); r.code != 125 || !strings.Contains(r.stderr, "needs guard-full") {
		t.Errorf("after the policy changed, without guard-full: %s, want 125", r)
	}
	if _, err := os.Stat(filepath.Join(w.work, "c")); err == nil {
		t.Error("touch ran with a policy no one evaluated")
	}
}
