package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlantedBinaryInRoot: a program found through PATH inside a writable
// root (a planted .venv/bin/git, ls, timeout) is not what the rule
// describes: the command is unverified, refused here, and the planted file
// never runs. A rule's system_path is used instead when guard itself execs
// the program.
func TestPlantedBinaryInRoot(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	marker := filepath.Join(w.root, "PLANTED")
	for _, name := range []string{"git", "ls", "timeout", "cat", "ash", "zsh"} {
		w.write(filepath.Join("work/.venv/bin", name), "#!/bin/sh\ntouch "+marker+"\n", 0o755)
	}
	venv := "PATH=" + filepath.Join(w.work, ".venv/bin") + ":" + systemPath
	for _, tt := range []struct {
		argv []string
		want int
	}{
		// ls has no system_path in the e2e policy: PATH finds the planted one.
		{[]string{"ls"}, 126},
		{[]string{"timeout", "5", "true"}, 126},
		{[]string{"bash", "-c", "git status"}, 126},
		{[]string{"bash", "-c", "cat a.txt"}, 126},
		{[]string{"nice", "git", "status"}, 126},
		// A shell nested in a script runs as a program too: the planted
		// bash ran in place of the one whose script was judged.
		{[]string{"bash", "-c", "ash -c 'echo hi'"}, 126},
		{[]string{"bash", "-c", "echo a && nice zsh -c 'echo hi'"}, 126},
		{[]string{"./.venv/bin/git", "status"}, 126},
		// git's rule pins system_path: guard runs /usr/bin/git, not the
		// planted one, so the read is still a read (git fails: no repository).
		{[]string{"git", "--version"}, 0},
	} {
		for _, mode := range []string{"suggest", "auto-edit"} {
			os.Remove(marker)
			cmd := w.guardCmd(append([]string{"--mode", mode, "--"}, tt.argv...)...)
			cmd.Env = append(cmd.Env, venv)
			r := execute(t, cmd)
			if ran(marker) {
				t.Errorf("%s guard -- %s: the planted binary ran; %s", mode, strings.Join(tt.argv, " "), r)
			}
			if r.code != tt.want {
				t.Errorf("%s guard -- %s: %s, want exit %d", mode, strings.Join(tt.argv, " "), r, tt.want)
			}
			if tt.want == 126 && !strings.Contains(r.stderr, "inside the writable root") && !strings.Contains(r.stderr, "no rule") {
				t.Errorf("%s guard -- %s: stderr %q, want the reason (a binary inside a writable root)", mode, strings.Join(tt.argv, " "), r.stderr)
			}
		}
	}
}
