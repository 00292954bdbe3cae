package policy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditNestedRepoBeyondScan (edits-1 E4): the scan that finds the
// repositories nested in a root is bounded (protect.ScanDirs directories,
// ScanDepth levels), and git runs the nearest repository's hooks and
// programs. Behind 60 sibling directories, or 7 levels down, an edit of
// a nested repository's core.hooksPath hook, or of the script its
// core.fsmonitor runs, was allowed in auto-edit (git commit there ran the
// hook: shown first with the real git). The repository each write lies in
// is looked at now, wherever it is.
func TestEditNestedRepoBeyondScan(t *testing.T) {
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	home, _ := filepath.EvalSymlinks(t.TempDir())
	for i := range 60 {
		os.MkdirAll(filepath.Join(proj, fmt.Sprintf("pkg%02d", i), "src"), 0o755)
	}
	git := func(dir string, args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(proj, "init", "-q")
	var nested []string
	for _, rel := range []string{"zz/y/nested", "a/b/c/d/e/f/g"} {
		dir := filepath.Join(proj, rel)
		os.MkdirAll(dir, 0o755)
		git(dir, "init", "-q")
		git(dir, "config", "core.hooksPath", ".githooks")
		git(dir, "config", "core.fsmonitor", "bash mon.sh")
		nested = append(nested, dir)
	}
	hook := filepath.Join(nested[0], ".githooks", "pre-commit")
	os.MkdirAll(filepath.Dir(hook), 0o755)
	marker := filepath.Join(home, "hook-ran")
	os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755)
	git(nested[0], "commit", "-q", "--allow-empty", "-m", "x")
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("premise: git commit in the nested repository did not run its .githooks/pre-commit: %v", err)
	}

	roots := []string{proj}
	for _, dir := range nested {
		for _, name := range []string{".githooks/pre-commit", ".githooks/pre-push", "mon.sh"} {
			p := filepath.Join(dir, name)
			for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
				d := policy.DecideEdit([]string{p}, mode, roots, nil, home)
				if d.Action != want || !strings.Contains(d.Reason, p) {
					t.Errorf("%s: edit of %s: %s (%s); want %s", mode, p, d.Action, d.Reason, want)
				}
			}
		}
		if d := policy.DecideEdit([]string{filepath.Join(dir, "src", "main.go")}, policy.AutoEdit, roots, nil, home); d.Action != policy.Run {
			t.Errorf("auto-edit: edit of %s/src/main.go: %s (%s); want run", dir, d.Action, d.Reason)
		}
	}
	if d := policy.DecideEdit([]string{filepath.Join(proj, "pkg07", "src", "x.go")}, policy.AutoEdit, roots, nil, home); d.Action != policy.Run {
		t.Errorf("auto-edit: edit of pkg07/src/x.go: %s (%s); want run", d.Action, d.Reason)
	}
}
