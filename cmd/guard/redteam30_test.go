package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// geminiWrapped is the script Gemini CLI 0.61.0 runs with bash -c for a
// shell command (its wrapCommandForBackgroundPIDs and
// ensurePromptvarsDisabled): the command in a subshell whose EXIT trap
// writes the background jobs' ids into the file $_bgpids_file names.
func geminiWrapped(pidsFile, command string) string {
	return "shopt -u promptvars nullglob extglob nocaseglob dotglob; _bgpids_file='" + pidsFile + "'\n(\n  trap 'jobs -p > \"$_bgpids_file\"' EXIT\n" + command + "\n)\n__code=$?\nexit $__code"
}

// TestRedTeam30GeminiWrapperVariable: a command Gemini CLI runs plainly
// runs inside its wrapper's shell, which writes into the file
// $_bgpids_file names after the command: a loop over that name, which the
// judge took for the script's own variable, emptied a file outside the
// roots (~/.bashrc here).
func TestRedTeam30GeminiWrapperVariable(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, nil)
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	home := filepath.Join(work, "home")
	rc := filepath.Join(home, ".bashrc")
	// No newline at the end: read assigns the last line and fails, which
	// ends the loop with the name bound.
	if err := os.WriteFile(filepath.Join(proj, "list.txt"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	attacks := []string{
		"for _bgpids_file in " + rc + "; do ls; done",
		"while read -r _bgpids_file; do echo \"$_bgpids_file\"; done < list.txt",
		"while IFS= read -r _bgpids_file; do :; done < list.txt",
		"for _bgpids_file in a.txt " + rc + "; do ls \"$_bgpids_file\"; done",
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is not installed")
	}
	for _, script := range attacks {
		if err := os.WriteFile(rc, []byte("alias ll='ls -l'\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bash, "-c", geminiWrapped(filepath.Join(work, "tmp", "bgpids.tmp"), script))
		cmd.Dir, cmd.Env = proj, env
		cmd.Run()
		if b, err := os.ReadFile(rc); err != nil || len(b) != 0 {
			t.Errorf("Gemini CLI's wrapper around %q left .bashrc %q (%v): the premise does not hold here", script, b, err)
		}
	}
	for _, script := range attacks {
		verdict, reason := hookVerdict(t, "gemini", hookRun(t, proj, env, hookBody(t, "gemini", proj, script), guard, "hook", "gemini"))
		if verdict == "allow" || verdict == "rewrite" {
			t.Errorf("gemini %q: %s %q; want refused", script, verdict, reason)
		} else if !strings.Contains(reason, "_bgpids_file") {
			t.Errorf("gemini %q: reason %q does not name the wrapper's variable", script, reason)
		}
	}
	for _, script := range []string{`for f in a.txt; do cat "$f"; done`, `for _ in 1 2; do ls; done`, `while read -r line; do echo "$line"; done < a.txt`} {
		if verdict, reason := hookVerdict(t, "gemini", hookRun(t, proj, env, hookBody(t, "gemini", proj, script), guard, "hook", "gemini")); verdict != "allow" {
			t.Errorf("gemini %q: %s %q; want allow", script, verdict, reason)
		}
	}
}

// geminiPattern is Gemini CLI 0.61.0's stripShellWrapper pattern, as
// JavaScript source.
const geminiPattern = `/^\s*(?:(?:(?:\S+\/)?(?:sh|bash|zsh))\s+-c|cmd\.exe\s+\/c|powershell(?:\.exe)?\s+(?:-NoProfile\s+)?-Command|pwsh(?:\.exe)?\s+(?:-NoProfile\s+)?-Command)\s+/i`

// TestRedTeam30GeminiWrapperCase: Gemini CLI strips a leading `sh -c`
// wrapper matched in any case of ASCII letters only (JavaScript's /i); guard
// matched with Go's (?i), which folds ſ (U+017F) onto s, so it judged
// `./ſh -c 'ls'` as ls while Gemini CLI ran the program ./ſh, a file of the
// project.
func TestRedTeam30GeminiWrapperCase(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, map[string]string{"ſh": "#!/bin/sh\necho PLANTED-RAN\n", "bin/baſh": "#!/bin/sh\necho PLANTED-RAN\n"})
	for _, name := range []string{"ſh", "bin/baſh"} {
		if err := os.Chmod(filepath.Join(proj, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	attacks := []string{"./ſh -c 'ls'", "./ſh -c ls", "bin/baſh -c 'echo hi'", "./ſh -c 'git status' '; x'"}
	if node, err := exec.LookPath("node"); err == nil {
		for _, script := range attacks {
			out, err := exec.Command(node, "-e", "process.stdout.write(String("+geminiPattern+".test(process.argv[1])))", script).Output()
			if err != nil || string(out) != "false" {
				t.Errorf("Gemini CLI's pattern on %q: %q, %v; want no match: the premise does not hold here", script, out, err)
			}
		}
	} else {
		t.Log("node is not installed: Gemini CLI's pattern is not run")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is not installed")
	}
	for _, script := range attacks {
		// Gemini CLI runs the command unstripped, in its wrapper.
		cmd := exec.Command(bash, "-c", geminiWrapped(filepath.Join(work, "tmp", "bgpids.tmp"), script))
		cmd.Dir, cmd.Env = proj, env
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "PLANTED-RAN") {
			t.Errorf("Gemini CLI's wrapper around %q printed %q, not the planted program's output: the premise does not hold here", script, out)
		}
	}
	for _, script := range attacks {
		if verdict, reason := hookVerdict(t, "gemini", hookRun(t, proj, env, hookBody(t, "gemini", proj, script), guard, "hook", "gemini")); verdict == "allow" || verdict == "rewrite" {
			t.Errorf("gemini %q: %s %q; want refused", script, verdict, reason)
		}
	}
	for _, script := range []string{"bash -c 'ls'", "SH -c 'git status'", "ls -la"} {
		if verdict, reason := hookVerdict(t, "gemini", hookRun(t, proj, env, hookBody(t, "gemini", proj, script), guard, "hook", "gemini")); verdict != "allow" {
			t.Errorf("gemini %q: %s %q; want allow", script, verdict, reason)
		}
	}
}
