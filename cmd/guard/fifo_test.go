package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFIFOsInTheProjectNeverStall: a FIFO where guard reads a file the
// agent may make (a .gitignore for rg's walk, git's packed-refs for a
// branch switch, docker's config.json, go's env file) must not stall the
// judgement: an open of a FIFO waits for a writer. `rg foo` with a FIFO
// named .gitignore and `git checkout -b x` with a FIFO for packed-refs
// stalled guard for good (every hook call until the agent's timeout).
// Each is answered now; what the command itself then does is its own.
func TestFIFOsInTheProjectNeverStall(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git here")
	}
	for _, tc := range []struct {
		name, fifo, cmd string
		env             []string
	}{
		{"rg, .gitignore", ".gitignore", "rg foo", nil},
		{"rg --hidden, a .gitignore below", "sub/.gitignore", "rg --hidden foo", nil},
		{"a search tool's ignore file, .ignore", "sub/.ignore", "rg foo sub", nil},
		{"git checkout -b, packed-refs", ".git/packed-refs", "git checkout -b topic", nil},
		{"git switch, packed-refs", ".git/packed-refs", "git switch -c topic2", nil},
		{"docker, its config", "dk/config.json", "docker ps", []string{"DOCKER_CONFIG=dk"}},
		{"go, its env file", "home/.config/go/env", "go env GOPATH", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, _ := filepath.EvalSymlinks(t.TempDir())
			if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
				t.Fatalf("git init: %v\n%s", err, out)
			}
			git := exec.Command("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "init")
			git.Dir = dir
			if out, err := git.CombinedOutput(); err != nil {
				t.Fatalf("git commit: %v\n%s", err, out)
			}
			os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
			os.WriteFile(filepath.Join(dir, "sub", "a.txt"), []byte("foo\n"), 0o644)
			fifo := filepath.Join(dir, tc.fifo)
			os.MkdirAll(filepath.Dir(fifo), 0o755)
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			env := append([]string{"HOME=" + filepath.Join(dir, "home"), "PATH=" + os.Getenv("PATH"), "GUARD_MODE=suggest",
				"XDG_CONFIG_HOME=" + filepath.Join(dir, "home", ".config"), "XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
				"XDG_STATE_HOME=" + filepath.Join(dir, "state")}, tc.env...)
			// run3Timeout fails a guard that has not answered in 30 s. (git
			// itself waits on packed-refs: guard's first question to it ends
			// at its 5 s deadline, and the others are answered as timed out
			// at once, so the answer comes in about 5 s.)
			code, out, se := run3Timeout(t, env, dir, "explain", "--", "bash", "-c", tc.cmd)
			if code != 0 || !strings.Contains(out, "decision:") {
				t.Errorf("guard explain %q: exit %d, stdout %q, stderr %q", tc.cmd, code, out, se)
			}
		})
	}
}
