package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDestructiveVariantsAskInFullAuto: the red-team pass's variants of
// commands that destroy the work tree, one per class, through the hook in
// full-auto (the answer is ask, never the sandboxed rewrite) and through
// `guard --mode full-auto -- bash -c` with no person to ask (refused, exit
// 126, and the project is still there).
func TestDestructiveVariantsAskInFullAuto(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	proj := filepath.Join(work, "proj")
	src := filepath.Join(proj, "src")
	for _, d := range []string{filepath.Join(proj, ".git"), src} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(proj, "work.txt")
	if err := os.WriteFile(keep, []byte("uncommitted\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ dir, cmd string }{
		{proj, "rm -rf {*,.*}"},
		{src, "rm -rf ../*"},
		{proj, "cd src && rm -rf ../*"},
		{proj, "cd .. && rm -rf proj"},
		{src, "rm -rf ../../proj"},
		{proj, "rm -rf ~+"},
		{proj, `rm -rf "$(pwd)"`},
		{proj, "find . -delete"},
		{proj, "find . -type f -exec rm {} +"},
		{proj, "ls | xargs rm -rf"},
		{proj, "git switch -f main"},
		{proj, "git switch --discard-changes main"},
		{proj, "git rm -rf ."},
		{proj, "git read-tree -u --reset HEAD"},
		{proj, "git update-ref -d refs/heads/main"},
		{proj, "git push origin +main"},
		{proj, "git push origin :main"},
		{proj, "git push --mirror"},
		{proj, "git checkout -f"},
		{proj, "timeout 5 git stash drop"},
	}
	env := hookEnv(t, work, "GUARD_MODE=full-auto")
	for _, c := range cases {
		ans := hookAsk(t, guard, "claude-code", c.dir, env, hookRequest("claude-code", c.dir, c.cmd))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "ask" {
			t.Errorf("hook, full-auto, in %s: %q: answer %v, want ask", c.dir, c.cmd, ans)
		}
		r := hookRun(t, c.dir, env, "", guard, "--mode", "full-auto", "--", "bash", "-c", c.cmd)
		if r.code != 126 {
			t.Errorf("guard --mode full-auto -- bash -c %q: exit %d (%s), want 126", c.cmd, r.code, strings.TrimSpace(r.stderr))
		}
		if _, err := os.Stat(keep); err != nil {
			t.Fatalf("after %q: the work tree was deleted: %v", c.cmd, err)
		}
	}
	// What a shell made of `rm -rf *` before guard saw it: every entry of
	// the project named one by one, as a shim or guard -- receives it.
	r := hookRun(t, proj, env, "", guard, "--mode", "full-auto", "--", "rm", "-rf", "src", "work.txt")
	if r.code != 126 {
		t.Errorf("guard --mode full-auto -- rm -rf src work.txt (every entry): exit %d (%s), want 126", r.code, strings.TrimSpace(r.stderr))
	}
	if _, err := os.Stat(keep); err != nil {
		t.Fatalf("the expanded rm -rf * deleted the work tree: %v", err)
	}
}

// TestAgentCannotRunGuardAdmin: guard's own administration, run by an
// agent through the hook or through guard itself, by any path to the
// binary, is refused with a reason that says a person runs it; the
// read-only subcommands run.
func TestAgentCannotRunGuardAdmin(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	for _, mode := range []string{"suggest", "full-auto"} {
		env := hookEnv(t, work, "GUARD_MODE="+mode)
		for _, cmd := range []string{"guard trust", "guard trust .", guard + " install", "env " + guard + " setup claude-code",
			guard + " rules rm 1", "timeout 5 guard uninstall"} {
			ans := hookAsk(t, guard, "claude-code", work, env, hookRequest("claude-code", work, cmd))
			d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision"))
			why := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason"))
			if d != "deny" || !strings.Contains(why, "a person runs it in their own terminal") {
				t.Errorf("hook, %s: %q: answer %v, want deny saying a person runs it", mode, cmd, ans)
			}
		}
		for _, argv := range [][]string{{guard, "trust"}, {"bash", "-c", guard + " install"}, {"env", guard, "trust", work}} {
			r := hookRun(t, work, env, "", guard, append([]string{"--"}, argv...)...)
			if r.code != 126 || !strings.Contains(r.stderr, "a person runs it") {
				t.Errorf("%s: guard -- %s: exit %d (%s), want 126 and the reason", mode, strings.Join(argv, " "), r.code, strings.TrimSpace(r.stderr))
			}
		}
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for _, cmd := range []string{"guard trust --list", "guard rules list", "guard doctor", "guard check rm -rf /",
		"guard explain git status", "guard log", "guard which rm"} {
		ans := hookAsk(t, guard, "claude-code", work, env, hookRequest("claude-code", work, cmd))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d == "deny" {
			t.Errorf("hook, suggest: %q: answer %v, want it allowed or asked, not denied", cmd, ans)
		}
	}
}
