package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// plantShells writes, in dir, a bash and a zsh that record their run in
// mark and then run the system's /bin/sh: what an agent leaves in a
// project's .venv/bin.
func plantShells(t *testing.T, dir, mark string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bash", "zsh"} {
		body := "#!/bin/sh\necho " + name + " >> " + mark + "\nexec /bin/sh \"$@\"\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// outsideTmp is a scratch directory outside /tmp (a writable root in every
// run), removed at the end of the test.
func outsideTmp(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/var/tmp", "guard-entry8-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// inLoop runs step over and over in a goroutine, as a process the agent
// left running would, until the function it returns is called.
func inLoop(step func()) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			default:
			}
			step()
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// entry-8 E1: guard runs a shell whose start-up files set the PATH its
// script searches (bash -lc, zsh -c) to learn that PATH, unconfined and
// before any decision. It ran any shell outside this run's writable roots,
// but those follow the working directory and --project, which a command
// chooses: `guard explain` is safe to run unasked, and `cd /usr && guard
// explain PROJ/.venv/bin/bash -lc ls` (or --project elsewhere, or a PATH
// holding the project's .venv/bin) ran the agent's bash. The Codex hook
// ran the first zsh on its PATH, a project's .venv/bin/zsh, at every
// command it let through.
func TestProbeRunsOnlySystemShells(t *testing.T) {
	guard := hookGuard(t)
	if _, err := os.Stat("/usr/bin/zsh"); err != nil {
		t.Skip("no /usr/bin/zsh: the Codex hook would look for no zsh")
	}
	work := outsideTmp(t)
	proj := filepath.Join(work, "proj")
	venv := filepath.Join(proj, ".venv", "bin")
	mark := filepath.Join(work, "PLANTED-RAN")
	plantShells(t, venv, mark)
	guardDir := filepath.Dir(guard)
	env := hookEnv(t, work)
	env[0] = "PATH=" + guardDir + ":" + systemPath
	venvEnv := hookEnv(t, work)
	venvEnv[0] = "PATH=" + venv + ":" + guardDir + ":" + systemPath
	planted := filepath.Join(venv, "bash")

	check := func(what string, r hookResult) {
		t.Helper()
		if b, err := os.ReadFile(mark); err == nil {
			t.Errorf("%s ran the planted shell (%q); exit %d, stdout %q, stderr %q", what, b, r.code, r.stdout, r.stderr)
			os.Remove(mark)
		}
	}
	// guard as $SHELL, suggest mode: the script runs guard explain, which
	// is safe, from another directory.
	r := hookRun(t, proj, env, "", guard, "-c", "cd /usr && guard explain "+planted+" -lc ls")
	check("guard -c 'cd /usr && guard explain PLANTED -lc ls'", r)
	if r.code != 0 || !strings.Contains(r.stdout, "decision: ask") || !strings.Contains(r.stdout, "no shell installed in the system's directories") {
		t.Errorf("cd /usr && guard explain PLANTED -lc ls: exit %d, stdout %q; want asked, saying why", r.code, r.stdout)
	}
	r = hookRun(t, proj, env, "", guard, "explain", "--project", filepath.Join(work, "home"), planted, "-lc", "ls")
	check("guard explain --project HOME PLANTED -lc ls", r)
	r = hookRun(t, "/usr", venvEnv, "", guard, "explain", "bash", "-lc", "ls")
	check("PATH=.venv/bin:...: guard explain bash -lc ls in /usr", r)
	r = hookRun(t, "/usr", venvEnv, "", guard, "--", "zsh", "-c", "ls -d .")
	check("PATH=.venv/bin:...: guard -- zsh -c 'ls -d .' in /usr", r)
	if r.code != 126 {
		t.Errorf("guard -- zsh -c with the planted zsh first on PATH: exit %d, stderr %q; want 126 (asked, no one to ask)", r.code, r.stderr)
	}
	// The Codex hook, with the project's .venv/bin first on the PATH Codex
	// was started with.
	req, _ := json.Marshal(map[string]any{"session_id": "s", "turn_id": "1", "cwd": proj, "hook_event_name": "PreToolUse",
		"model": "m", "permission_mode": "default", "tool_name": "Bash", "tool_input": map[string]string{"command": "ls"}, "tool_use_id": "c1"})
	r = hookRun(t, proj, venvEnv, string(req), guard, "hook", "codex")
	check("guard hook codex with .venv/bin/zsh on PATH", r)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "{}" {
		t.Errorf("guard hook codex, ls: exit %d, stdout %q, stderr %q; want {} (no objection)", r.code, r.stdout, r.stderr)
	}

	// The system's shells are still asked, and what they run judged by it.
	r = hookRun(t, proj, env, "", guard, "--", "bash", "-lc", "echo login-ok")
	if r.code != 0 || r.stdout != "login-ok\n" {
		t.Errorf("guard -- bash -lc 'echo login-ok': exit %d, stdout %q, stderr %q; want it run", r.code, r.stdout, r.stderr)
	}
	r = hookRun(t, proj, env, "", guard, "explain", "zsh", "-c", "ls")
	if !strings.Contains(r.stdout, "decision: run") {
		t.Errorf("guard explain zsh -c ls: stdout %q, stderr %q; want run", r.stdout, r.stderr)
	}
}

// entry-8 E2: guard judged the file a PATH lookup found resolved through
// links, but exec'd the path as found: with PATH holding PROJECT/tools/bin
// and tools -> a directory outside the roots, `python3 --version` was
// judged as that directory's python3 (safe, run unasked in suggest mode)
// and ran whatever tools led to at the exec, which any command writing in
// the project may switch (a loop left running: 1 of 150 runs, unconfined).
// A wrapper's program (timeout 5 python3) the same: the PATH entry did not
// count as reaching the roots, so it was not handed over pinned.
func TestExecRunsTheFileJudged(t *testing.T) {
	guard := hookGuard(t)
	work := outsideTmp(t)
	proj := filepath.Join(work, "proj")
	for name, dir := range map[string]string{"REAL-RAN": filepath.Join(work, "sys", "bin"), "PLANTED-RAN": filepath.Join(proj, "evil", "bin")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "python3"), []byte("#!/bin/sh\necho "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tools := filepath.Join(proj, "tools")
	point := func(to, tmp string) {
		os.Remove(tmp)
		if err := os.Symlink(to, tmp); err == nil {
			os.Rename(tmp, tools)
		}
	}
	point("../sys", filepath.Join(proj, ".t0"))
	env := hookEnv(t, work)
	env[0] = "PATH=" + filepath.Join(tools, "bin") + ":" + systemPath

	r := hookRun(t, proj, env, "", guard, "explain", "python3", "--version")
	if !strings.Contains(r.stdout, "decision: run") || !strings.Contains(r.stdout, "binary:   "+filepath.Join(work, "sys", "bin", "python3")+"\n") {
		t.Errorf("explain python3 --version: %q; want run, the binary resolved", r.stdout)
	}
	stop := inLoop(func() {
		point("evil", filepath.Join(proj, ".t1"))
		point("../sys", filepath.Join(proj, ".t2"))
		runtime.Gosched()
	})
	planted := 0
	for i := 0; i < 25; i++ {
		for _, argv := range [][]string{{"--", "python3", "--version"}, {"--", "timeout", "5", "python3", "--version"}} {
			r := hookRun(t, proj, env, "", guard, argv...)
			if strings.Contains(r.stdout, "PLANTED-RAN") {
				planted++
			}
		}
	}
	stop()
	if planted > 0 {
		t.Errorf("%d of 50 runs of python3 --version, judged safe, ran the program tools led to at the exec", planted)
	}
}

// entry-8 E3: xargs and find -exec look their command up on PATH when they
// run it, after guard's judgement, as timeout and nice do (entry-7 E4), but
// only the wrappers the judge unwraps were handed their program by the path
// judged: with the project's .venv/bin first on PATH, a loop putting ls
// there and taking it away had `xargs ls` and `find a.txt -exec ls {} ;`,
// both safe, run it unasked (11 of 60 runs each; this test: 8 of 60).
func TestXargsAndFindRunTheFileJudged(t *testing.T) {
	guard := hookGuard(t)
	work := outsideTmp(t)
	proj := filepath.Join(work, "proj")
	venv := filepath.Join(proj, ".venv", "bin")
	mark := filepath.Join(work, "PLANTED-RAN")
	stash := filepath.Join(work, "ls")
	if err := os.MkdirAll(venv, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stash, []byte("#!/bin/sh\necho ran >> "+mark+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, work)
	env[0] = "PATH=" + venv + ":" + systemPath
	runs := [][]string{
		{"xargs", "ls"},
		{"xargs", "-0", "ls"},
		{"find", ".", "-maxdepth", "0", "-exec", "ls", "{}", ";"},
		{"timeout", "5", "xargs", "ls"},
	}
	// The program is named by the path judged.
	for _, argv := range runs {
		cmd := append(append([]string{"--"}, argv...), "nosuch")
		if argv[0] == "find" {
			cmd = []string{"--", "find", ".", "-maxdepth", "0", "-exec", "ls", "nosuch", "{}", ";"}
		}
		r := hookRun(t, proj, env, ".", guard, cmd...)
		if !strings.HasPrefix(r.stderr, "/") || !strings.Contains(r.stderr, "/ls: cannot access") {
			t.Errorf("guard %q with .venv/bin first on PATH: exit %d, stderr %q; want ls run by its path", cmd, r.code, r.stderr)
		}
	}
	stop := inLoop(func() {
		os.Link(stash, filepath.Join(venv, "ls"))
		os.Remove(filepath.Join(venv, "ls"))
	})
	for i := 0; i < 10; i++ {
		for _, argv := range runs {
			hookRun(t, proj, env, ".", guard, append([]string{"--"}, argv...)...)
		}
	}
	stop()
	if b, err := os.ReadFile(mark); err == nil {
		t.Errorf("xargs or find -exec ran the file put in .venv/bin after the judgement %d times in 40", strings.Count(string(b), "ran"))
	}
}

// entry-8 E4: a start-up file named relative to the working directory is
// the agent's to write. With ZDOTDIR=zd in guard's environment, `zsh -c
// 'ls -d .'` was safe and ran unasked in suggest mode, and zsh sourced the
// project's zd/.zshenv (written unasked in auto-edit). With BASH_ENV=env.sh,
// `bash -c` was asked about (the judge knew that one), but guard had
// already run bash to learn what its start-up files set, and bash sourced
// env.sh, unconfined; so did a login shell with a relative HOME, the Codex
// hook asking zsh -l for its PATH at every command it let through, and guard
// doctor (safe) asking a login bash.
func TestStartupFileNamedRelative(t *testing.T) {
	guard := hookGuard(t)
	if _, err := os.Stat("/usr/bin/zsh"); err != nil {
		t.Skip("no /usr/bin/zsh")
	}
	work := outsideTmp(t)
	proj := filepath.Join(work, "proj")
	mark := filepath.Join(work, "PLANTED-RAN")
	plant := "echo ran >> " + mark + "\n"
	for _, f := range []string{"env.sh", "zd/.zshenv", "h/.profile", "h/.bash_profile"} {
		p := filepath.Join(proj, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(plant), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		env  string
		argv []string
	}{
		{"ZDOTDIR=zd", []string{"zsh", "-c", "ls -d ."}},
		{"BASH_ENV=env.sh", []string{"bash", "-c", "ls -d ."}},
		{"HOME=h", []string{"bash", "-lc", "ls -d ."}},
		{"HOME=h", []string{"zsh", "-c", "ls -d ."}},
	} {
		env := append(hookEnv(t, work), c.env)
		env[0] = "PATH=" + systemPath
		r := hookRun(t, proj, env, "", guard, append([]string{"--"}, c.argv...)...)
		if b, err := os.ReadFile(mark); err == nil {
			t.Errorf("%s guard -- %q ran the project's start-up file (%d times); exit %d, stderr %q", c.env, c.argv, strings.Count(string(b), "ran"), r.code, r.stderr)
			os.Remove(mark)
		}
		if r.code != 126 || !strings.Contains(r.stderr, "relative to the directory it runs in") {
			t.Errorf("%s guard -- %q: exit %d, stderr %q; want 126, asked saying why", c.env, c.argv, r.code, r.stderr)
		}
	}
	// guard doctor, safe for an agent to run, asks a login bash for its
	// PATH when shims are installed.
	if err := os.MkdirAll(filepath.Join(work, "home", ".local", "share", "guard", "shims"), 0o755); err != nil {
		t.Fatal(err)
	}
	denv := append(hookEnv(t, work), "BASH_ENV=env.sh")
	denv[0] = "PATH=" + systemPath
	if r := hookRun(t, proj, denv, "", guard, "doctor"); !strings.Contains(r.stdout, "relative to the directory it runs in") {
		t.Errorf("BASH_ENV=env.sh guard doctor: stdout %q; want the login shell not asked, saying why", r.stdout)
	}
	if _, err := os.ReadFile(mark); err == nil {
		t.Errorf("BASH_ENV=env.sh guard doctor ran the project's env.sh")
		os.Remove(mark)
	}
	// The Codex hook asks Codex's login shells (zsh among them) for their
	// PATH at a command it lets through.
	env := append(hookEnv(t, work), "ZDOTDIR=zd")
	env[0] = "PATH=" + systemPath
	req, _ := json.Marshal(map[string]any{"session_id": "s", "turn_id": "1", "cwd": proj, "hook_event_name": "PreToolUse",
		"model": "m", "permission_mode": "default", "tool_name": "Bash", "tool_input": map[string]string{"command": "ls"}, "tool_use_id": "c1"})
	r := hookRun(t, proj, env, string(req), guard, "hook", "codex")
	if _, err := os.ReadFile(mark); err == nil {
		t.Errorf("ZDOTDIR=zd guard hook codex (ls) ran the project's zd/.zshenv; stdout %q", r.stdout)
	}
	if !strings.Contains(r.stdout, `"deny"`) || !strings.Contains(r.stdout, "ZDOTDIR=zd") {
		t.Errorf("ZDOTDIR=zd guard hook codex (ls): %q; want a deny saying why", r.stdout)
	}
	// The user's own start-up files, by absolute paths outside the roots,
	// are asked as before.
	zdot := filepath.Join(work, "zdot")
	if err := os.MkdirAll(zdot, 0o755); err != nil {
		t.Fatal(err)
	}
	env = append(hookEnv(t, work), "ZDOTDIR="+zdot)
	env[0] = "PATH=" + systemPath
	if r := hookRun(t, proj, env, "", guard, "--", "zsh", "-c", "ls -d ."); r.code != 0 || r.stdout != ".\n" {
		t.Errorf("ZDOTDIR=%s guard -- zsh -c 'ls -d .': exit %d, stdout %q, stderr %q; want it run", zdot, r.code, r.stdout, r.stderr)
	}
}

// entry-8 E5: the Codex hook learns whether the Codex that started it
// applies a rewrite from the package file beside that Codex's binary, else
// by running the binary with --version, by its path. Installed in a
// project's node_modules (a writable root), both are the agent's to change:
// a file renamed over the binary while Codex ran was run by the hook,
// unconfined, and the version it printed believed; a package file written
// there claimed a version that applies rewrites (an older Codex runs the
// original command unconfined on an allow with updatedInput).
func TestCodexVersionOfTheRunningFile(t *testing.T) {
	guard := hookGuard(t)
	sh, err := os.ReadFile("/bin/sh")
	if err != nil {
		t.Skip("no /bin/sh")
	}
	work := outsideTmp(t)
	proj := filepath.Join(work, "proj")
	codex := filepath.Join(proj, "node_modules", "bin", "codex")
	mark := filepath.Join(work, "PLANTED-RAN")
	if err := os.MkdirAll(filepath.Dir(codex), 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, work, "GUARD_MODE=full-auto", "GUARD="+guard)
	env[0] = "PATH=" + systemPath
	req, _ := json.Marshal(map[string]any{"session_id": "s", "turn_id": "1", "cwd": proj, "hook_event_name": "PreToolUse",
		"model": "m", "permission_mode": "default", "tool_name": "Bash", "tool_input": map[string]string{"command": "ls"}, "tool_use_id": "c1"})
	if err := os.WriteFile(filepath.Join(work, "req.json"), req, 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(env, "REQ="+filepath.Join(work, "req.json"))
	denied := func(what string, r hookResult) {
		t.Helper()
		if !strings.Contains(r.stdout, `"deny"`) || strings.Contains(r.stdout, "updatedInput") {
			t.Errorf("%s: %q; want a deny naming the command to run (a Codex not known to apply rewrites)", what, r.stdout)
		}
	}
	// The binary replaced while Codex runs.
	if err := os.WriteFile(codex, sh, 0o755); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(work, "planted")
	if err := os.WriteFile(planted, []byte("#!/bin/sh\necho ran >> "+mark+"\necho codex-cli 0.171.0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(codex, "-c", `sleep 1; "$GUARD" hook codex <"$REQ"`)
	cmd.Dir, cmd.Env = proj, env
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := os.Rename(planted, codex); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(mark); err == nil {
		t.Errorf("guard hook codex ran the file renamed over Codex's binary; answered %q", out.String())
	}
	denied("codex replaced while it ran", hookResult{stdout: out.String()})
	// A package file in the project, claiming a Codex that rewrites.
	if err := os.WriteFile(codex, sh, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "node_modules", "codex-package.json"), []byte(`{"version":"0.171.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := hookRun(t, proj, env, "", codex, "-c", `"$GUARD" hook codex <"$REQ"`)
	denied("a codex-package.json in the project", r)
}
