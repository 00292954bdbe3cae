package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A relative program (`./run.sh check x.txt`) answered "always" is
// remembered for this project only (no scope question), outside the
// project, bound to the script's path and content: the next run needs no
// one, a changed script is asked about again (refused with no terminal),
// and `guard rules list` / `rules rm N` show and revoke it.
func TestAlwaysRelativeProgramBound(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	script := w.write("work/run.sh", "#!/bin/sh\necho ran \"$@\"\n", 0o755)
	run := func() *exec.Cmd { return w.guardCmd("--mode", "suggest", "--", "./run.sh", "check", "x.txt") }
	tm := openTerminal(t)
	cmd := run()
	tm.start(cmd)
	tm.waitFor(promptText)
	if shown := tm.text(); !strings.Contains(shown, "[s]hape: always `run.sh check <files>`") {
		t.Errorf("prompt %q does not offer the shape", shown)
	}
	tm.typeIn("s\n")
	if r := waitExit(t, cmd); r.code != 0 {
		t.Fatalf("answered s: %s; terminal %q", r, tm.text())
	}
	shown := tm.drain()
	if strings.Contains(shown, "[e]verywhere") {
		t.Errorf("a relative program was offered the everywhere scope: %q", shown)
	}
	projects, _ := filepath.Glob(filepath.Join(w.configDir(), "projects", "*.policy"))
	if len(projects) != 1 {
		t.Fatalf("project rule files %v, want one in the configuration directory", projects)
	}
	if b, _ := os.ReadFile(projects[0]); !strings.Contains(string(b), `"sha256":`) || !strings.Contains(string(b), script) {
		t.Errorf("project rules:\n%s\nwant the rule bound to %s and its hash", b, script)
	}
	// No terminal: the shape runs with other files, the same script only.
	r := execute(t, w.guardCmd("--mode", "suggest", "--", "./run.sh", "check", "y.txt", "z.txt"))
	if r.code != 0 || !strings.Contains(r.stdout, "ran check y.txt z.txt") {
		t.Errorf("remembered shape, other files, no terminal: %s", r)
	}
	if r := execute(t, w.guardCmd("--mode", "suggest", "--", "./run.sh", "deploy")); r.code != 126 {
		t.Errorf("another subcommand, no terminal: %s, want 126", r)
	}
	list := execute(t, w.guardCmd("rules", "list"))
	if list.code != 0 || !strings.Contains(list.stdout, "1  shape, project "+w.work) || !strings.Contains(list.stdout, "./run.sh check x.txt") ||
		!strings.Contains(list.stdout, "bound to "+script) {
		t.Errorf("guard rules list: %s", list)
	}
	// A changed script is not the one that was approved.
	w.write("work/run.sh", "#!/bin/sh\necho changed\n", 0o755)
	if r := execute(t, run()); r.code != 126 || strings.Contains(r.stdout, "changed") {
		t.Errorf("changed script, no terminal: %s, want 126 and nothing run", r)
	}
	w.write("work/run.sh", "#!/bin/sh\necho ran \"$@\"\n", 0o755)
	if r := execute(t, run()); r.code != 0 {
		t.Errorf("script changed back: %s, want it to run again", r)
	}
	if r := execute(t, w.guardCmd("rules", "rm", "1")); r.code != 0 || !strings.Contains(r.stdout, "revoked rule 1") {
		t.Errorf("guard rules rm 1: %s", r)
	}
	if r := execute(t, run()); r.code != 126 {
		t.Errorf("after rules rm 1: %s, want 126", r)
	}
	if r := execute(t, w.guardCmd("rules", "rm", "1")); r.code == 0 {
		t.Errorf("guard rules rm 1 with no rules: %s, want an error", r)
	}
}

// "always" for a command a prompt rule asks about is not offered: the
// person is asked every time; and no one at a terminal means refused with
// the rule's reason, in full-auto too.
func TestPromptRuleEveryMode(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, mode := range []string{"suggest", "auto-edit", "full-auto"} {
		r := execute(t, w.guardCmd("--mode", mode, "--", "git", "reset", "--hard"))
		if r.code != 126 || !strings.Contains(r.stderr, "cannot be recovered") {
			t.Errorf("git reset --hard, %s, no terminal: %s, want 126 with the rule's reason", mode, r)
		}
	}
	tm := openTerminal(t)
	cmd := w.guardCmd("--mode", "full-auto", "--", "git", "reset", "--hard")
	tm.start(cmd)
	tm.waitFor(promptText)
	if shown := tm.text(); strings.Contains(shown, "[a]lways") || !strings.Contains(shown, "not offered") {
		t.Errorf("prompt for a prompt rule %q offers always", shown)
	}
	tm.typeIn("n\n")
	if r := waitExit(t, cmd); r.code != 126 {
		t.Errorf("answered n: %s", r)
	}
}

// Project scope: the rule applies in this project and not in another. The
// program is a system one no default rule names (pr): one inside a
// writable root is never safe.
func TestAlwaysProjectScope(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if _, err := exec.LookPath("pr"); err != nil {
		t.Skip("no pr here")
	}
	w.write("work/a.txt", "abc\n", 0o644)
	w.write("work/b.txt", "def\n", 0o644)
	tm := openTerminal(t)
	cmd := w.guardCmd("--mode", "suggest", "--", "pr", "-t", "-w", "20", "a.txt")
	tm.start(cmd)
	tm.waitFor(promptText)
	tm.typeIn("s\n")
	tm.waitFor(scopeText)
	tm.typeIn("p\n")
	if r := waitExit(t, cmd); r.code != 0 {
		t.Fatalf("answered s, p: %s; terminal %q", r, tm.text())
	}
	if r := execute(t, w.guardCmd("--mode", "suggest", "--", "pr", "-t", "-w", "30", "b.txt")); r.code != 0 || !strings.Contains(r.stdout, "def") {
		t.Errorf("same project, other file: %s, want it to run", r)
	}
	other := w.path("elsewhere")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	w.write("elsewhere/b.txt", "def\n", 0o644)
	c := w.guardCmd("--mode", "suggest", "--", "pr", "-t", "-w", "30", "b.txt")
	c.Dir = other
	if r := execute(t, c); r.code != 126 {
		t.Errorf("another project: %s, want 126 (the rule is this project's)", r)
	}
}
