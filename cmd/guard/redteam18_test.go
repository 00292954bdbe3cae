package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRedTeam18LoginShellState: a login shell (`bash -lc`, `/bin/sh -lc`)
// and zsh (`zsh -c`, through ~/.zshenv) run their start-up files before
// the script, and guard asked them only for their PATH (entry-1 E6). The
// same files set options, functions and aliases, and may cd: with
// ~/.profile sourcing ~/.bashrc (Debian's does) and `shopt -s dotglob`
// there, `guard -- bash -lc 'head -3 ?env'` ran and printed .env; with a
// function cat there, `bash -lc 'cat a.txt'` ran its body. The shell is
// now asked for those too (hook.ShellStartOf), against the same shell with
// no start-up file, and a change that alters the reading is refused.
func TestRedTeam18LoginShellState(t *testing.T) {
	t.Parallel()
	const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for _, tt := range []struct {
		name, rc string
		argv     []string
		refuse   bool
	}{
		{"dotglob", "shopt -s dotglob\n", []string{"--", "bash", "-lc", "head -3 ?env"}, true},
		{"function", "cat() { /bin/cat .env; }\n", []string{"--", "bash", "-lc", "cat a.txt"}, true},
		{"cd", "cd ../home\n", []string{"--", "bash", "-lc", "cat a.txt"}, true},
		{"aliases", "shopt -s expand_aliases\nalias cat='/bin/cat .env'\n", []string{"--", "bash", "-lc", "cat a.txt"}, true},
		{"nullglob", "shopt -s nullglob\n", []string{"--", "bash", "-l", "-c", "cat a.txt"}, true},
		{"plain", "export FOO=1\nalias ll='ls -l'\nshopt -s checkwinsize\n", []string{"--", "bash", "-lc", "cat a.txt"}, false},
		{"other function", "greet() { echo hi; }\n", []string{"--", "bash", "-lc", "cat a.txt"}, false},
		{"no login", "shopt -s dotglob\n", []string{"--", "bash", "-c", "cat a.txt"}, false},
		{"sh alias", "alias cat='/bin/cat .env'\n", []string{"sh", "-lc", "cat a.txt"}, true},
		{"sh noglob", "set -f\n", []string{"sh", "-lc", "cat a.txt"}, true},
		{"sh plain", "X=1\n", []string{"sh", "-lc", "cat a.txt"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.write("home/.profile", "[ -f ~/.bashrc ] && . ~/.bashrc\n", 0o644)
			w.write("home/.bashrc", tt.rc, 0o644)
			w.write("work/.env", "OPENAI_API_KEY="+key+"\n", 0o644)
			w.write("work/a.txt", "a\n", 0o644)
			w.write("home/.env", "OPENAI_API_KEY="+key+"\n", 0o644)
			w.write("home/a.txt", "b\n", 0o644)
			r := execute(t, w.guardCmd(append([]string{"--mode", "suggest"}, tt.argv...)...))
			if tt.refuse && (r.code != 126 || strings.Contains(r.stdout, key)) {
				t.Fatalf("guard %s with ~/.bashrc %q: %s, want refused (126)", strings.Join(tt.argv, " "), tt.rc, r)
			}
			if !tt.refuse && r.code != 0 {
				t.Fatalf("guard %s with ~/.bashrc %q: %s, want it run", strings.Join(tt.argv, " "), tt.rc, r)
			}
		})
	}
	t.Run("BASH_ENV", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.setenv("BASH_ENV", w.write("home/.bashenv", "shopt -s dotglob\n", 0o644))
		w.write("work/.env", "OPENAI_API_KEY="+key+"\n", 0o644)
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "bash", "-c", "head -3 ?env")); r.code != 126 || strings.Contains(r.stdout, key) {
			t.Fatalf("guard -- bash -c 'head -3 ?env' with dotglob in BASH_ENV's file: %s, want refused (126)", r)
		}
		w.write("home/.bashenv", "export X=1\n", 0o644)
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "bash", "-c", "ls -d .")); r.code != 0 {
			t.Fatalf("guard -- bash -c 'ls -d .' with a BASH_ENV file that sets a variable: %s, want it run", r)
		}
	})
	t.Run("zsh", func(t *testing.T) {
		t.Parallel()
		if _, err := exec.LookPath("zsh"); err != nil {
			t.Skip("zsh is not installed")
		}
		w := newWorld(t)
		w.write("home/.zshenv", "setopt globdots\n", 0o644)
		w.write("work/.env", "OPENAI_API_KEY="+key+"\n", 0o644)
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "zsh", "-c", "head -3 ?env")); r.code != 126 || strings.Contains(r.stdout, key) {
			t.Fatalf("guard -- zsh -c 'head -3 ?env' with globdots in ~/.zshenv: %s, want refused (126)", r)
		}
		w.write("home/.zshenv", ". \"$HOME/.cargo/env\"\n", 0o644)
		w.write("home/.cargo/env", "export PATH=\"$HOME/.cargo/bin:$PATH\"\n", 0o644)
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "zsh", "-c", "ls -d .")); r.code != 0 {
			t.Fatalf("guard -- zsh -c 'ls -d .' with a ~/.zshenv that sets PATH only: %s, want it run", r)
		}
	})
}
