package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditResolvedProtected: an agent's file tool writes unsandboxed, so
// an edit must count the protected paths the sandbox finds only by
// resolving the list in the root (the hooks directory core.hooksPath
// names, the files a shell's start-up files source) as outside the roots,
// as it counts the ones the list names. An Edit of .githooks/pre-commit,
// with core.hooksPath = .githooks, was allowed in auto-edit and ran at the
// next git commit (shown first with the real git); so was a write to
// ~/.cargo/env, which ~/.profile sources, in a project that is the home.
func TestEditResolvedProtected(t *testing.T) {
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	home, _ := filepath.EvalSymlinks(t.TempDir())
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		cmd.Dir, cmd.Env = proj, append(os.Environ(), "HOME="+home)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("config", "core.hooksPath", ".githooks")
	hook := filepath.Join(proj, ".githooks", "pre-commit")
	os.MkdirAll(filepath.Dir(hook), 0o755)
	marker := filepath.Join(home, "hook-ran")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "--allow-empty", "-m", "x")
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("premise: git commit did not run .githooks/pre-commit: %v", err)
	}
	roots := []string{proj}
	for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
		d := policy.DecideEdit([]string{hook}, mode, roots, nil, home)
		if d.Action != want || !strings.Contains(d.Reason, "core.hooksPath") {
			t.Errorf("%s: edit of %s: %s (%s); want %s", mode, hook, d.Action, d.Reason, want)
		}
	}
	if d := policy.DecideEdit([]string{filepath.Join(proj, "src", "main.go")}, policy.AutoEdit, roots, nil, home); d.Action != policy.Run {
		t.Errorf("auto-edit: edit of src/main.go: %s (%s); want run", d.Action, d.Reason)
	}

	// The project is the home directory, whose .profile sources ~/.cargo/env.
	os.MkdirAll(filepath.Join(home, ".cargo"), 0o755)
	os.WriteFile(filepath.Join(home, ".profile"), []byte(". \"$HOME/.cargo/env\"\n"), 0o644)
	os.WriteFile(filepath.Join(home, ".cargo", "env"), []byte("export PATH=\"$HOME/.cargo/bin:$PATH\"\n"), 0o644)
	if d := policy.DecideEdit([]string{filepath.Join(home, ".cargo", "env")}, policy.AutoEdit, []string{home}, nil, home); d.Action != policy.Ask {
		t.Errorf("auto-edit in the home: edit of ~/.cargo/env, which ~/.profile sources: %s (%s); want ask", d.Action, d.Reason)
	}
	if d := policy.DecideEdit([]string{filepath.Join(home, "notes.txt")}, policy.AutoEdit, []string{home}, nil, home); d.Action != policy.Run {
		t.Errorf("auto-edit in the home: edit of notes.txt: %s (%s); want run", d.Action, d.Reason)
	}
}
