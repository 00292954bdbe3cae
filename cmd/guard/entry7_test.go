package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// entry7Repo makes a git repository in work/proj with a committed a.txt
// that holds uncommitted work, and returns it.
func entry7Repo(t *testing.T, work string) string {
	t.Helper()
	proj := filepath.Join(work, "proj")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.email=t@t", "-c", "user.name=t"}, args...)...)
		cmd.Dir = proj
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	git("init", "-q", ".")
	if err := os.WriteFile(filepath.Join(proj, "a.txt"), []byte("committed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "a.txt")
	git("commit", "-qm", "init")
	if err := os.WriteFile(filepath.Join(proj, "a.txt"), []byte("UNCOMMITTED\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return proj
}

// entry-7 E1: a program that runs a command from its own words, in a form
// the judge did not unwrap (setsid, chrt, flock -c, a wrapper option such as
// getopt's `timeout --fore`, `nice -1 -5`, `env -i`), left that command
// unverified, and full-auto ran it sandboxed: the sandbox lets the project
// be written, so `setsid git reset --hard` discarded uncommitted work and
// `timeout --fore 5 rm -rf ../proj` deleted the project, both asked about in
// every mode when written plainly; `setsid rm -rf /` was not refused. So did
// a setting git runs through a shell (`git -c core.editor='git reset
// --hard HEAD; true' commit`, `EDITOR=... git commit`).
func TestRunnerKeepsInnerVerdict(t *testing.T) {
	guard := hookGuard(t)
	for _, prog := range []string{"git", "setsid", "nice", "timeout", "env", "flock"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("no %s on PATH", prog)
		}
	}
	runs := [][]string{
		{"setsid", "git", "reset", "--hard"},
		{"nice", "--adj=5", "git", "reset", "--hard"},
		{"nice", "-1", "-5", "git", "reset", "--hard"},
		{"timeout", "--fore", "5", "rm", "-rf", "../proj"},
		{"env", "-i", "/usr/bin/git", "reset", "--hard"},
		{"env", "-S", "git reset --hard"},
		{"flock", "lockfile", "-c", "git reset --hard"},
		{"setsid", "bash", "-c", "rm -rf ../proj"},
		{"git", "-c", "user.email=t@t", "-c", "user.name=t", "-c", "core.editor=git reset --hard HEAD; true", "commit"},
		{"env", "EDITOR=git reset --hard HEAD; true", "git", "-c", "user.email=t@t", "-c", "user.name=t", "commit"},
		{"bash", "-c", "GIT_EDITOR='git reset --hard HEAD; true' git -c user.email=t@t -c user.name=t commit"},
	}
	for _, argv := range runs {
		work := t.TempDir()
		proj := entry7Repo(t, work)
		if strings.Contains(strings.Join(argv, " "), "commit") {
			// Something staged, so that commit runs the editor.
			os.WriteFile(filepath.Join(proj, "b.txt"), []byte("new\n"), 0o644)
			if out, err := exec.Command("git", "-C", proj, "add", "b.txt").CombinedOutput(); err != nil {
				t.Fatalf("git add: %v: %s", err, out)
			}
		}
		env := hookEnv(t, work, "GUARD_MODE=full-auto")
		env[0] = "PATH=" + systemPath
		askedKeepingWork(t, proj, argv, hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...))
	}
	// Forbidden inside them is refused (explain only: nothing is run).
	work := t.TempDir()
	proj := entry7Repo(t, work)
	env := hookEnv(t, work)
	for _, argv := range [][]string{
		{"setsid", "rm", "-rf", "/"}, {"chrt", "-o", "0", "rm", "-rf", "/"}, {"timeout", "--sig=KILL", "5", "rm", "-rf", "/"},
		{"script", "-qc", "rm -rf /", "/dev/null"}, {"watch", "-x", "rm", "-rf", "/"}, {"busybox", "rm", "-rf", "/"},
	} {
		r := hookRun(t, proj, env, "", guard, append([]string{"explain", "--json", "--mode", "full-auto", "--"}, argv...)...)
		var out struct{ Class, Decision string }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Class != "forbidden" || out.Decision != "refuse" {
			t.Errorf("explain %q: %s %s (%v); want forbidden, refuse", argv, out.Class, out.Decision, err)
		}
	}
	// A forbidden program as the last word alone may be a subcommand of
	// that name (`redis-cli shutdown`): asked, not refused.
	r := hookRun(t, proj, env, "", guard, "explain", "--json", "--mode", "full-auto", "--", "setsid", "reboot")
	var out struct{ Decision string }
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Decision != "ask" {
		t.Errorf("explain setsid reboot: %s (%v); want ask", out.Decision, err)
	}
	// What such a program runs that is neither stays as it was: sandboxed.
	for _, argv := range [][]string{{"setsid", "git", "status"}, {"nice", "--adj=5", "ls"}, {"setsid", "rm", "-rf", "build"}} {
		r := hookRun(t, proj, env, "", guard, append([]string{"explain", "--json", "--mode", "full-auto", "--"}, argv...)...)
		var out struct{ Decision string }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Decision != "sandbox" {
			t.Errorf("explain %q: %s (%v); want sandbox", argv, out.Decision, err)
		}
	}
}

// entry-7 E2: guard's PATH lookup took a program another account installed
// with execute bits for itself only (0700, 0750) as the one a command runs;
// execve refuses it to this account, and bash, dash and execvp (timeout,
// nice, xargs) go on to the next directory on PATH: a planted bin/ls in the
// project, which ran unasked in suggest mode (`timeout 5 ls`, `bash -c ls`,
// and a hook's allow for `ls`).
func TestLookupSkipsWhatThisAccountCannotRun(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run guard as another account beside a root-only program")
	}
	dir, guard := guardForOthers(t, "guard-entry7-")
	locked := filepath.Join(dir, "locked")
	proj := filepath.Join(dir, "proj")
	home := filepath.Join(dir, "home")
	mark := filepath.Join(proj, "PLANTED-RAN")
	for _, d := range []string{locked, filepath.Join(proj, "bin"), home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(locked, "ls"), []byte("#!/bin/sh\nexit 0\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "bin", "ls"), []byte("#!/bin/sh\necho ran >> "+mark+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{proj, filepath.Join(proj, "bin"), filepath.Join(proj, "bin", "ls"), home} {
		if err := os.Chown(p, 12345, 12345); err != nil {
			t.Fatal(err)
		}
	}
	for _, argv := range [][]string{{"timeout", "5", "ls"}, {"nice", "ls"}, {"bash", "-c", "ls"}, {"sh", "-c", "ls"}} {
		w := &world{t: t}
		cmd := w.command(append([]string{guard, "--"}, argv...)...)
		cmd.Dir = proj
		cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
			"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "XDG_STATE_HOME=" + filepath.Join(home, ".state"),
			"TMPDIR=" + home, "PATH=" + locked + ":" + filepath.Join(proj, "bin") + ":" + systemPath}
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 12345, Gid: 12345}
		r := execute(t, cmd)
		if _, err := os.Stat(mark); err == nil {
			os.Remove(mark)
			t.Errorf("guard -- %q as uid 12345 ran the planted ls: %s", argv, r)
			continue
		}
		if r.code != 126 || !strings.Contains(r.stderr, "inside the writable root") {
			t.Errorf("guard -- %q as uid 12345: %s; want 126, ls resolves inside the root", argv, r)
		}
	}
}

// entry-7 E3: a tool outside the roots whose #! line names an interpreter
// inside one (a script copied or pip-installed from a project's virtual
// environment: `#!/src/app/.venv/bin/python`) runs whatever the agent puts
// at that name. Only `#!/usr/bin/env NAME` was looked at: `flake8
// --version`, safe, ran the project's "python" unasked.
func TestScriptInterpreterInRoot(t *testing.T) {
	guard := hookGuard(t)
	dir, err := os.MkdirTemp("/var/tmp", "guard-entry7-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tools := filepath.Join(dir, "tools")
	proj := filepath.Join(dir, "proj")
	venv := filepath.Join(proj, ".venv", "bin")
	mark := filepath.Join(proj, "PLANTED-RAN")
	for _, d := range []string{tools, venv} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(venv, "python"), []byte("#!/bin/sh\necho ran >> "+mark+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tools, "flake8"), []byte("#!"+filepath.Join(venv, "python")+"\nimport sys\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, t.TempDir())
	env[0] = "PATH=" + tools + ":" + systemPath
	for _, argv := range [][]string{{"flake8", "--version"}, {"timeout", "5", "flake8", "--version"}, {"bash", "-c", "flake8 --version"}} {
		r := hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...)
		if _, err := os.Stat(mark); err == nil {
			os.Remove(mark)
			t.Errorf("guard -- %q ran the interpreter in the project: exit %d, stderr %q", argv, r.code, r.stderr)
			continue
		}
		if r.code != 126 || !strings.Contains(r.stderr, "whose interpreter") {
			t.Errorf("guard -- %q: exit %d, stderr %q; want 126, its interpreter inside the root", argv, r.code, r.stderr)
		}
	}
}

// entry-7 E4: a wrapper looks its program up again when it runs it
// (execvp). With a directory of the project first on PATH (.venv/bin), a
// file put there between guard's judgement and the wrapper's execvp ran in
// place of the one judged: a loop linking and removing .venv/bin/ls won 29
// of 200 runs of `guard -- timeout 5 ls` in suggest mode. guard now hands
// the wrapper the file it checked, by its path, when PATH reaches a root.
func TestWrapperRunsTheFileJudged(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	proj := filepath.Join(work, "proj")
	venv := filepath.Join(proj, ".venv", "bin")
	mark := filepath.Join(proj, "PLANTED-RAN")
	for _, d := range []string{venv, filepath.Join(proj, "stash")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stash := filepath.Join(proj, "stash", "ls")
	if err := os.WriteFile(stash, []byte("#!/bin/sh\necho ran >> "+mark+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, work)
	env[0] = "PATH=" + venv + ":" + systemPath
	// The wrapped program is named by the path judged.
	r := hookRun(t, proj, env, "", guard, "--", "timeout", "5", "ls", "nosuch")
	if !strings.HasPrefix(r.stderr, "/") || !strings.Contains(r.stderr, "/ls: cannot access") {
		t.Errorf("guard -- timeout 5 ls nosuch with .venv/bin first on PATH: stderr %q; want ls run by its path", r.stderr)
	}
	// Without a root on PATH the argv is left as it was.
	plain := hookEnv(t, work)
	plain[0] = "PATH=" + systemPath
	if r := hookRun(t, proj, plain, "", guard, "--", "timeout", "5", "ls", "nosuch"); !strings.HasPrefix(r.stderr, "ls: cannot access") {
		t.Errorf("guard -- timeout 5 ls nosuch: stderr %q; want ls's own name", r.stderr)
	}
	// A loop putting ls there and taking it away does not get it run.
	stop := inLoop(func() {
		os.Link(stash, filepath.Join(venv, "ls"))
		os.Remove(filepath.Join(venv, "ls"))
	})
	for i := 0; i < 80; i++ {
		hookRun(t, proj, env, "", guard, "--", "timeout", "5", "ls", "-d", ".")
	}
	stop()
	if b, err := os.ReadFile(mark); err == nil {
		t.Errorf("guard -- timeout 5 ls ran the file put in .venv/bin after the judgement %d times in 80", strings.Count(string(b), "ran"))
	}
}
