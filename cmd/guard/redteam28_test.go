package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRedTeam28HookZshSpecialLoopName: a for loop's or a read's variable
// that bash binds as a plain one of the script is one of zsh's special
// parameters: path is PATH, so `for path in tools; do ls; done` runs the
// project's tools/ls in zsh, the agent's shell for some users and one a
// Codex model may name. The hooks judged bash's reading only.
func TestRedTeam28HookZshSpecialLoopName(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, map[string]string{"tools/ls": "#!/bin/sh\necho PLANTED-RAN\n"})
	if err := os.Chmod(filepath.Join(proj, "tools/ls"), 0o755); err != nil {
		t.Fatal(err)
	}
	attacks := []string{
		"for path in tools; do ls; done",
		"echo tools | while read path; do ls; done",
		"printf 'tools\\n' | while IFS= read -r path; do ls -la; done",
		"for path in tools /usr/bin; do ls a.txt; done",
	}
	if zsh, err := exec.LookPath("zsh"); err == nil {
		for _, script := range attacks {
			cmd := exec.Command(zsh, "-f", "-c", script)
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "PLANTED-RAN") {
				t.Errorf("zsh %q printed %q, not the planted program's output: the premise does not hold here", script, out)
			}
		}
	} else {
		t.Log("zsh is not installed: the answers are checked without running it")
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for _, script := range attacks {
		for _, agent := range []string{"claude-code", "codex"} {
			if verdict, reason := hookVerdict(t, agent, hookRun(t, proj, env, hookBody(t, agent, proj, script), guard, "hook", agent)); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
				t.Errorf("%s %q: %s %q; want asked", agent, script, verdict, reason)
			}
		}
	}
	for _, script := range []string{`for f in a.txt; do cat "$f"; done`, `ls | while read -r line; do echo "$line"; done`, `for p in tools; do ls $p; done`} {
		if verdict, reason := hookVerdict(t, "claude-code", hookRun(t, proj, env, hookBody(t, "claude-code", proj, script), guard, "hook", "claude-code")); verdict != "allow" {
			t.Errorf("claude-code %q: %s %q; want allow", script, verdict, reason)
		}
	}
}

// TestRedTeam28HookDashReading: a Codex model may name /bin/sh (dash) for
// exec_command, and dash reads bash's brace expansion, $'...' and $"..." as
// text, and &> as & and > (the words after it are another command): the
// hook judged dash's [^...] only (judge-27 J27-3).
func TestRedTeam28HookDashReading(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, nil)
	for _, name := range []string{"{x,y}", "$x", "$k"} {
		if err := os.Symlink(".env", filepath.Join(proj, name)); err != nil {
			t.Fatal(err)
		}
	}
	reads := []string{"cat {x,y}", "cat $'x'", `head -1 $"k"`, "cat a.txt $'k'", "cat a.txt {x,y}"}
	removes := []string{"ls &>/dev/null rm a.txt", "wc -l a.txt &>>/dev/null rm -f a.txt"}
	if dash, err := exec.LookPath("dash"); err == nil {
		for _, script := range reads {
			cmd := exec.Command(dash, "-c", script)
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-") {
				t.Errorf("dash %q printed %q, not the key: the premise does not hold here", script, out)
			}
		}
		for _, script := range removes {
			cmd := exec.Command(dash, "-c", script)
			cmd.Dir = proj
			cmd.Run()
			time.Sleep(200 * time.Millisecond) // the background job
			if _, err := os.Stat(filepath.Join(proj, "a.txt")); err == nil {
				t.Errorf("dash %q left a.txt: the premise does not hold here", script)
			}
			if err := os.WriteFile(filepath.Join(proj, "a.txt"), []byte("harmless\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		t.Log("dash is not installed: the answers are checked without running it")
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for _, script := range append(slices.Clone(reads), removes...) {
		if verdict, reason := hookVerdict(t, "codex", hookRun(t, proj, env, hookBody(t, "codex", proj, script), guard, "hook", "codex")); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
			t.Errorf("codex %q: %s %q; want asked", script, verdict, reason)
		}
	}
	for _, script := range []string{"which ls &>/dev/null && echo yes", "echo {a,b}", "head -1 a{.txt,}", "grep -n $'\\t' a.txt", "ls -la &>/dev/null", "find . -name '*.txt' -exec wc -l {} +"} {
		if verdict, reason := hookVerdict(t, "codex", hookRun(t, proj, env, hookBody(t, "codex", proj, script), guard, "hook", "codex")); verdict != "allow" && verdict != "none" {
			t.Errorf("codex %q: %s %q; want allow", script, verdict, reason)
		}
	}
}

// TestRedTeam28ProgramNamedLikeBuiltin: after a program wrapper (env, nice,
// timeout...) or exec, the words are a program's: `env builtin echo hi`
// runs a program named builtin found on PATH (a planted .venv/bin/builtin
// ran), where the judge stripped builtin as bash's.
func TestRedTeam28ProgramNamedLikeBuiltin(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	marker := filepath.Join(w.root, "PLANTED")
	for _, name := range []string{"builtin", "command", "exec"} {
		w.write(filepath.Join("work/.venv/bin", name), "#!/bin/sh\ntouch "+marker+"\n", 0o755)
	}
	venv := "PATH=" + systemPath + ":" + filepath.Join(w.work, ".venv/bin")
	for _, script := range []string{"env builtin echo hi", "nice builtin true", "timeout 5 builtin true", "nice command ls", "timeout 5 exec ls", "exec command ls"} {
		os.Remove(marker)
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = w.work
		cmd.Env = append(os.Environ(), venv)
		cmd.Run()
		if !ran(marker) {
			t.Errorf("bash -c %q did not run the planted program: the premise does not hold here", script)
		}
		os.Remove(marker)
		cmd = w.guardCmd("--mode", "suggest", "--", "bash", "-c", script)
		cmd.Env = append(cmd.Env, venv)
		r := execute(t, cmd)
		if ran(marker) || r.code != 126 {
			t.Errorf("guard -- bash -c %q: %s; want refused, the planted program not run", script, r)
		}
	}
	for _, script := range []string{"command nice true", "builtin command true", "command exec true", "builtin echo hi"} {
		r := execute(t, w.guardCmd("--mode", "suggest", "--", "bash", "-c", script))
		if r.code != 0 {
			t.Errorf("guard -- bash -c %q: %s; want run", script, r)
		}
	}
}
