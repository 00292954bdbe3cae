package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// Judge-21 W1: programs guard lets run page their output to a terminal
// through a pager they run by name, through PATH: git runs `pager`
// (Debian's build; `less` upstream), systemd's tools and dpkg too. With
// node_modules/.bin (a PATH directory inside the project, the agent's to
// write) holding a `pager`, `git log -1` run at a terminal (a prefix, a
// Codex command with a tty) ran it, unconfined, while guard judged git.
func TestRedTeam21PlantedPager(t *testing.T) {
	mustLook(t, "git")
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	marker := filepath.Join(dir, "PAGER_RAN")
	bin := filepath.Join(dir, "node_modules", ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pager", "less"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\ntouch "+marker+"\ncat\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q", dir}, {"-C", dir, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty", "-m", "x"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	path := "PATH=" + bin + ":/usr/bin:/bin"
	if script, err := exec.LookPath("script"); err == nil {
		// The premise: git at a terminal (script gives it one) runs the
		// planted pager.
		run := exec.Command(script, "-qc", "git log -1", "/dev/null")
		run.Dir, run.Env = dir, []string{path, "HOME=" + dir, "TERM=dumb"}
		_ = run.Run()
		if _, err := os.Stat(marker); err != nil {
			t.Errorf("git log -1 at a terminal did not run the planted pager (%v): the premise does not hold here", err)
		}
	} else {
		t.Log("no script(1) here to give git a terminal: the judgements are checked without the premise")
	}
	judge := func(env string, argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{{"git", "log", "-1"}, {"git", "show", "HEAD"}, {"git", "diff"}, {"bash", "-c", "git log -1"},
		{"bash", "-c", "cd node_modules && git branch"}, {"systemctl", "status"}, {"journalctl", "-n", "5"}, {"dpkg", "-l"}} {
		if v := judge(path, argv...); v.Class == policy.Safe {
			t.Errorf("%v with a planted pager on PATH: safe, want asked", argv)
		}
	}
	for _, argv := range [][]string{{"git", "log", "-1"}, {"git", "diff"}} {
		if v := judge("PATH=/usr/bin:/bin", argv...); v.Class != policy.Safe {
			t.Errorf("%v with nothing planted: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	if v := judge(path, "ls"); v.Class != policy.Safe {
		t.Errorf("ls with a planted pager on PATH: %s (%s), want safe", v.Class, v.Why())
	}
}
