package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedTeam29DashRunsPlantedBuiltin: `[[`, pushd, popd, builtin are bash's
// own, and dash, the /bin/sh a Codex model may name for exec_command, has
// none of them: it runs the program PATH finds. With a directory of the
// project on PATH (an activated .venv/bin, node_modules/.bin), a program
// the agent wrote there ran for `[[ -f a.txt ]] && echo yes`, which the
// Codex hook allowed, judging bash's keyword.
func TestRedTeam29DashRunsPlantedBuiltin(t *testing.T) {
	guard := hookGuard(t)
	work, proj, path := rt29Planted(t, ".venv/bin", "[[", "pushd", "popd", "builtin", "dirs")
	attacks := []string{
		"[[ -f a.txt ]] && echo yes",
		"ls; [[ -n x ]] || echo empty",
		`echo "$([[ -d src ]] && echo dir)"`,
		"for f in *.txt; do [[ -s $f ]] && wc -l $f; done",
		"pushd src",
		"command pushd src",
		"popd",
		"builtin echo hi",
	}
	if dash, err := exec.LookPath("dash"); err == nil {
		for _, script := range attacks {
			cmd := exec.Command(dash, "-c", script)
			cmd.Dir, cmd.Env = proj, []string{"PATH=" + path}
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "PLANTED-RAN") {
				t.Errorf("dash %q printed %q, not the planted program's output: the premise does not hold here", script, out)
			}
		}
	} else {
		t.Log("dash is not installed: the answers are checked without running it")
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest", "PATH="+path)
	for _, script := range attacks {
		if verdict, reason := hookVerdict(t, "codex", hookRun(t, proj, env, hookBody(t, "codex", proj, script), guard, "hook", "codex")); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
			t.Errorf("codex %q: %s %q; want asked", script, verdict, reason)
		}
	}
	// bash and zsh run their own: Claude Code is not asked; nor is Codex
	// where PATH finds no such program (dash then runs nothing).
	for _, script := range []string{"[[ -f a.txt ]] && echo yes", "pushd src", "builtin echo hi"} {
		if verdict, reason := hookVerdict(t, "claude-code", hookRun(t, proj, env, hookBody(t, "claude-code", proj, script), guard, "hook", "claude-code")); verdict != "allow" {
			t.Errorf("claude-code %q: %s %q; want allow", script, verdict, reason)
		}
		plain := hookEnv(t, work, "GUARD_MODE=suggest")
		if verdict, reason := hookVerdict(t, "codex", hookRun(t, proj, plain, hookBody(t, "codex", proj, script), guard, "hook", "codex")); verdict != "allow" && verdict != "none" {
			t.Errorf("codex %q without the program on PATH: %s %q; want allowed", script, verdict, reason)
		}
	}
}

// TestRedTeam29ZshCommandRunsProgram: zsh's `command NAME` runs an external
// command only (POSIX_BUILTINS is off unless zsh emulates sh), so `command
// pushd src` and `command cd src` run a pushd or cd that PATH finds: a
// program the agent wrote into a project directory on PATH. bash runs its
// builtin, which the hooks judged, and guard's own zsh reading did too.
func TestRedTeam29ZshCommandRunsProgram(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh is not installed")
	}
	guard := hookGuard(t)
	work, proj, path := rt29Planted(t, "node_modules/.bin", "pushd", "popd", "cd")
	attacks := []string{"command pushd src", "command popd", "command cd src && ls", "ls; command pushd src", "builtin command pushd src"}
	for _, script := range attacks {
		cmd := exec.Command(zsh, "-f", "-c", script)
		cmd.Dir, cmd.Env = proj, []string{"PATH=" + path}
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "PLANTED-RAN") {
			t.Errorf("zsh %q printed %q, not the planted program's output: the premise does not hold here", script, out)
		}
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest", "PATH="+path, "SHELL="+zsh)
	for _, script := range attacks {
		for _, agent := range []string{"claude-code", "codex"} {
			if verdict, reason := hookVerdict(t, agent, hookRun(t, proj, env, hookBody(t, agent, proj, script), guard, "hook", agent)); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
				t.Errorf("%s %q: %s %q; want asked", agent, script, verdict, reason)
			}
		}
		r := hookRun(t, proj, env, "", guard, "--mode", "suggest", "--", "zsh", "-c", script)
		if strings.Contains(r.stdout+r.stderr, "PLANTED-RAN") {
			t.Errorf("guard -- zsh -c %q ran the planted program: %s%s", script, r.stdout, r.stderr)
		}
	}
	// Where PATH finds no such program zsh runs nothing; `command -v` only
	// looks the name up; a program judged as one is resolved as before.
	plain := hookEnv(t, work, "GUARD_MODE=suggest", "SHELL="+zsh)
	for _, script := range []string{"command pushd src", "command -v pushd", "command ls src"} {
		if verdict, reason := hookVerdict(t, "claude-code", hookRun(t, proj, plain, hookBody(t, "claude-code", proj, script), guard, "hook", "claude-code")); verdict != "allow" {
			t.Errorf("claude-code %q without the program on PATH: %s %q; want allow", script, verdict, reason)
		}
	}
}

// rt29Planted makes a project with a directory bin (relative to it) holding
// a program of each of names that prints PLANTED-RAN, and returns the PATH
// with that directory first.
func rt29Planted(t *testing.T, bin string, names ...string) (work, proj, path string) {
	t.Helper()
	files := map[string]string{"src/main.go": "package main\n"}
	for _, name := range names {
		files[bin+"/"+name] = "#!/bin/sh\necho PLANTED-RAN\n"
	}
	work, proj = rt27Project(t, files)
	dir := filepath.Join(proj, bin)
	for _, name := range names {
		if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return work, proj, dir + ":" + os.Getenv("PATH")
}
