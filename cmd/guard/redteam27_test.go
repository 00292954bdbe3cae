package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRedTeam27HookDashBracket: Codex runs exec_command in the shell the
// model names, /bin/sh among them; dash reads a bracket's leading ^ as a
// member, not a negation (`.[^e]nv` is .env there), and the hook judged
// bash's reading only.
func TestRedTeam27HookDashBracket(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, nil)
	attacks := []string{"cat .[^e]nv", "head -1 .[^e-f]*", "cat a.txt; cat .[^e][^n]v"}
	if dash, err := exec.LookPath("dash"); err == nil {
		for _, script := range attacks {
			cmd := exec.Command(dash, "-c", script)
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-") {
				t.Errorf("dash: %q printed %q, not the key: the premise does not hold here", script, out)
			}
		}
	} else {
		t.Log("dash is not installed: the answers are checked without running it")
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for _, script := range attacks {
		if verdict, reason := hookVerdict(t, "codex", hookRun(t, proj, env, hookBody(t, "codex", proj, script), guard, "hook", "codex")); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
			t.Errorf("codex %q: %s %q; want asked", script, verdict, reason)
		}
	}
	for _, script := range []string{"cat [^x].txt", "grep '[^a]' a.txt", "ls [!.]*"} {
		if verdict, reason := hookVerdict(t, "codex", hookRun(t, proj, env, hookBody(t, "codex", proj, script), guard, "hook", "codex")); verdict != "allow" && verdict != "none" {
			t.Errorf("codex %q: %s %q; want allow", script, verdict, reason)
		}
	}
}

// TestRedTeam27HookGlobOptionWords: the hooks judge a glob as the agent's
// shell with the user's dotglob (zsh: GLOB_DOTS) and ** (zsh, bash's
// globstar) reads it, but only among a command's arguments: the words of
// a for loop and the target of an input redirection, which bash and zsh
// glob too, were judged as default bash reads them; and a leading * before
// a name (`*env`) was read as at least one character after the dot, where
// dotglob's * also matches the dot alone (.env).
func TestRedTeam27HookGlobOptionWords(t *testing.T) {
	guard := hookGuard(t)
	work, proj := rt27Project(t, map[string]string{"deep/er/notes.txt": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\n"})
	// Each attack and the options that make bash (-O) and zsh (-o) print the
	// key.
	attacks := map[string][2]string{
		`for f in *; do cat "$f"; done`:            {"dotglob", "globdots"},
		`for f in ?env; do head -1 "$f"; done`:     {"dotglob", "globdots"},
		`cat < ?env`:                               {"dotglob", "globdots"},
		`head -1 < *env`:                           {"dotglob", "globdots"},
		`cat *env`:                                 {"dotglob", "globdots"},
		`for f in **/notes.txt; do cat "$f"; done`: {"globstar", "globdots"},
	}
	for script, opts := range attacks {
		for sh, args := range map[string][]string{"bash": {"-O", opts[0], "-c", script}, "zsh": {"-f", "-o", opts[1], "-c", script}} {
			bin, err := exec.LookPath(sh)
			if err != nil {
				t.Logf("%s is not installed: %q not run in it", sh, script)
				continue
			}
			cmd := exec.Command(bin, args...)
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-") {
				t.Errorf("%s %q printed %q, not the key: the premise does not hold here", sh, args, out)
			}
		}
	}
	env := hookEnv(t, work, "GUARD_MODE=suggest")
	for script := range attacks {
		for _, agent := range []string{"claude-code", "codex"} {
			if verdict, reason := hookVerdict(t, agent, hookRun(t, proj, env, hookBody(t, agent, proj, script), guard, "hook", agent)); verdict == "allow" || verdict == "none" || verdict == "rewrite" {
				t.Errorf("%s %q: %s %q; want asked", agent, script, verdict, reason)
			}
		}
	}
	for _, script := range []string{`for f in *.txt; do head -3 "$f"; done`, `wc -l < a.txt`, `cat *.txt`, `for x in a b; do echo $x; done`} {
		if verdict, reason := hookVerdict(t, "claude-code", hookRun(t, proj, env, hookBody(t, "claude-code", proj, script), guard, "hook", "claude-code")); verdict != "allow" {
			t.Errorf("claude-code %q: %s %q; want allow", script, verdict, reason)
		}
	}
}

// rt27Project makes a project in a new work directory holding a .env with
// a key, a harmless a.txt and the files given (paths below the project),
// and returns both directories.
func rt27Project(t *testing.T, files map[string]string) (work, proj string) {
	t.Helper()
	work = t.TempDir()
	proj = filepath.Join(work, "proj")
	all := map[string]string{".env": "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\n", "a.txt": "harmless\n"}
	for name, body := range files {
		all[name] = body
	}
	for name, body := range all {
		p := filepath.Join(proj, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return work, proj
}
