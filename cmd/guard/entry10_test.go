package main

import (
	"os/exec"
	"strings"
	"testing"
)

// entry-10 F1: a shell reads every word that starts with - or + up to its
// script as an option, after -c as before it (`bash -c -eo pipefail S`,
// `sh -c -a S`, `zsh -c --shwordsplit S`). The judge took the first such
// word it did not know as the script: `-eo`, a program no rule vouches
// for, which full-auto ran sandboxed, and the real script (`git reset
// --hard`, asked in every mode) ran with it; so did guard as $SHELL, which
// handed such words on, and an agent's command holding such a shell.
func TestShellOptionsAfterScriptFlag(t *testing.T) {
	guard := hookGuard(t)
	runs := [][]string{
		{"bash", "-c", "-eo", "pipefail", "git reset --hard"},
		{"bash", "-c", "-O", "extglob", "git reset --hard"},
		{"bash", "-c", "-a", "git reset --hard"},
		{"sh", "-c", "-a", "git reset --hard"},
		{"sh", "-c", "-e", "-C", "git reset --hard"},
		{"bash", "-c", `bash -c -k "git reset --hard"`},
	}
	if _, err := exec.LookPath("zsh"); err == nil {
		runs = append(runs, []string{"zsh", "-c", "--shwordsplit", "git reset --hard"})
	}
	for _, argv := range runs {
		work := t.TempDir()
		proj := entry7Repo(t, work)
		env := hookEnv(t, work, "GUARD_MODE=full-auto")
		env[0] = "PATH=" + systemPath
		askedKeepingWork(t, proj, argv, hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...))
	}
	// guard as $SHELL: an option it does not take, after -c as before it,
	// is a usage error; nothing runs.
	for _, args := range [][]string{
		{"-c", "-a", "git reset --hard"},
		{"-c", "-eo", "pipefail", "git reset --hard"},
		{"-c", "--posix", "git reset --hard"},
	} {
		work := t.TempDir()
		proj := entry7Repo(t, work)
		env := hookEnv(t, work, "GUARD_MODE=full-auto")
		env[0] = "PATH=" + systemPath
		r := hookRun(t, proj, env, "", guard, args...)
		if r.code != 125 || !strings.Contains(r.stderr, "usage") {
			t.Errorf("guard %q as $SHELL: exit %d, stderr %q; want 125, a usage error", args, r.code, r.stderr)
		}
		keptWork(t, proj, args)
	}
	// The options guard reads still let the script be judged: a safe one runs.
	work := t.TempDir()
	proj := entry7Repo(t, work)
	env := hookEnv(t, work)
	env[0] = "PATH=" + systemPath
	for _, argv := range [][]string{
		{"--", "bash", "-c", "-x", "ls -d ."},
		{"--", "sh", "-c", "-e", "--", "ls -d ."},
		{"-c", "-x", "ls -d ."},
	} {
		if r := hookRun(t, proj, env, "", guard, argv...); r.code != 0 {
			t.Errorf("guard %q (suggest): exit %d, stderr %q; want it run", argv, r.code, r.stderr)
		}
	}
}
