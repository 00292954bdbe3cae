package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPersonInsideSandbox: a sandboxed command that makes a terminal of
// its own (script(1)) and writes "o" into it is not a person: the guard it
// runs there refuses a prompt rule instead of asking that terminal.
func TestNoPersonInsideSandbox(t *testing.T) {
	w := newWorld(t)
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) (util-linux) is not installed")
	}
	repo := filepath.Join(w.work, "repo")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(repo, 0o755)
	run("git", "init", "-q", ".")
	w.write(filepath.Join(repo, "a.txt"), "committed\n", 0o644)
	run("git", "add", "a.txt")
	run("git", "commit", "-qm", "x")
	w.write(filepath.Join(repo, "a.txt"), "uncommitted work\n", 0o644)

	inner := shellQuote(w.guard) + " --mode full-auto -- git reset --hard"
	attack := "printf 'o\\na\\n' | " + shellQuote(script) + " -qc " + shellQuote(inner) + " /dev/null"
	cmd := w.guardCmd("--mode", "full-auto", "--", "sh", "-c", attack)
	cmd.Dir = repo
	r := execute(t, cmd)
	if strings.Contains(r.stderr, "sandbox") && strings.Contains(r.stderr, "not enforced") {
		t.Skipf("full-auto cannot run here: %s", r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(repo, "a.txt"))
	if string(b) != "uncommitted work\n" {
		t.Fatalf("the sandboxed command answered guard's prompt itself and git reset --hard ran: %s", r)
	}
	if !strings.Contains(r.stdout+r.stderr, "refused") {
		t.Errorf("inner guard did not say it refused: %s", r)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestFullAutoGitWithPinsAndScrub: guard's git pins (GIT_CONFIG_KEY_n) survive
// the secret-variable scrub, which still removes the agent's keys.
func TestFullAutoGitWithPinsAndScrub(t *testing.T) {
	w := newWorld(t)
	repo := filepath.Join(w.work, "repo")
	os.MkdirAll(repo, 0o755)
	init := exec.Command("git", "init", "-q", ".")
	init.Dir = repo
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	w.setenv("OPENAI_API_KEY", "sk-test-secret")
	cmd := w.guardCmd("--mode", "full-auto", "--", "sh", "-c", "git status --short && echo key=${OPENAI_API_KEY:-gone}")
	cmd.Dir = repo
	r := execute(t, cmd)
	if strings.Contains(r.stderr, "not enforced") {
		t.Skipf("full-auto cannot run here: %s", r.stderr)
	}
	if r.code != 0 || !strings.Contains(r.stdout, "key=gone") {
		t.Errorf("git status in full-auto: %s, want exit 0 and the key scrubbed", r)
	}
}
