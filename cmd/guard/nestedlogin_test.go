package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNestedLoginShellState: `bash -c "bash -lc 'cat a.txt'"` (Codex's
// command line run by a tool's bash -c) was refused for the -l alone; the
// policy now judges it as the inner `bash -lc` (policy.NestedShell), so
// guard must ask that inner login shell for the PATH, options, functions,
// aliases and directory its start-up files leave, as for `guard -- bash
// -lc` (TestRedTeam18LoginShellState): each change that alters the reading
// is still refused, and an outer bash that sources BASH_ENV first, which
// guard does not follow to the inner shell, fails.
func TestNestedLoginShellState(t *testing.T) {
	t.Parallel()
	const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for _, tt := range []struct {
		name, rc, script string
		refuse           bool
	}{
		{"dotglob", "shopt -s dotglob\n", "bash -lc 'head -3 ?env'", true},
		{"function", "cat() { /bin/cat .env; }\n", "bash -lc 'cat a.txt'", true},
		{"cd", "cd ../home\n", "bash -lc 'cat a.txt'", true},
		{"aliases", "shopt -s expand_aliases\nalias cat='/bin/cat .env'\n", "bash -lc 'cat a.txt'", true},
		{"PATH", "PATH=./bin:$PATH\n", "bash -lc 'cat a.txt'", true},
		{"plain", "export FOO=1\nalias ll='ls -l'\nshopt -s checkwinsize\n", "bash -lc 'cat a.txt'", false},
		{"plain, two commands", "export FOO=1\n", `bash -lc "ls -d . && cat a.txt"`, false},
		{"sh plain", "X=1\n", "sh -lc 'cat a.txt'", false},
		{"secret", "X=1\n", "bash -lc 'cat .env'", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.write("home/.profile", "[ -f ~/.bashrc ] && . ~/.bashrc\n", 0o644)
			w.write("home/.bashrc", tt.rc, 0o644)
			w.write("work/.env", "OPENAI_API_KEY="+key+"\n", 0o644)
			w.write("work/a.txt", "a\n", 0o644)
			w.write("work/bin/cat", "#!/bin/sh\n/bin/cat .env\n", 0o755)
			w.write("home/.env", "OPENAI_API_KEY="+key+"\n", 0o644)
			w.write("home/a.txt", "b\n", 0o644)
			r := execute(t, w.guardCmd("--mode", "suggest", "--", "bash", "-c", tt.script))
			if tt.refuse && (r.code != 126 || strings.Contains(r.stdout, key)) {
				t.Fatalf("guard -- bash -c %q with ~/.bashrc %q: %s, want refused (126)", tt.script, tt.rc, r)
			}
			if !tt.refuse && r.code != 0 {
				t.Fatalf("guard -- bash -c %q with ~/.bashrc %q: %s, want it run", tt.script, tt.rc, r)
			}
		})
	}
	t.Run("BASH_ENV", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.setenv("BASH_ENV", w.write("home/.bashenv", "export X=1\n", 0o644))
		w.write("work/a.txt", "a\n", 0o644)
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "bash", "-c", "bash -lc 'cat a.txt'")); r.code == 0 {
			t.Fatalf("guard -- bash -c \"bash -lc 'cat a.txt'\" with BASH_ENV set: %s, want it not run", r)
		}
	})
}

// TestHookNestedLoginShellState: the hooks judge an agent's command as bash
// -c's script, so a command line `bash -lc '...'` is a nested login shell
// there too: its start-up files are asked, as for guard -- bash -lc.
func TestHookNestedLoginShellState(t *testing.T) {
	guard := hookGuard(t)
	for _, tt := range []struct {
		name, rc, want string
	}{
		{"function", "cat() { /bin/cat .env; }\n", "ask"},
		{"dotglob", "shopt -s dotglob\n", "ask"},
		{"plain", "export FOO=1\n", "allow"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			env := hookEnv(t, work)
			for name, body := range map[string]string{"home/.profile": tt.rc, "a.txt": "a\n", ".env": "K=1\n"} {
				if err := os.WriteFile(filepath.Join(work, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := hookRun(t, work, env, hookBody(t, "claude-code", work, "bash -lc 'cat a.txt'"), guard, "hook", "claude-code")
			verdict, reason := hookVerdict(t, "claude-code", r)
			if verdict != tt.want && !(tt.want == "ask" && verdict == "deny") {
				t.Fatalf("hook: bash -lc 'cat a.txt' with ~/.profile %q: %s (%s), want %s", tt.rc, verdict, reason, tt.want)
			}
		})
	}
}
