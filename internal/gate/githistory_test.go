package gate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestGitHistorySecret: a .env committed once and untracked since is
// printed by git log -p, git show of that commit and git diff across it;
// each is unverified, through guard and through a hook (RunsElsewhere),
// while the same reads that print only code, names or stats stay safe.
// Red-team: `git log -p` was safe and printed the committed key.
func TestGitHistorySecret(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q", ".")
	write(".env", "OPENAI_API_KEY=sk-COMMITTED\n")
	write("main.go", "package main\n")
	run("add", ".")
	run("commit", "-qm", "init")
	run("rm", "-q", "--cached", ".env")
	write(".gitignore", ".env\ndotenv/\n")
	write("main.go", "package main // two\n")
	run("add", ".")
	run("commit", "-qm", "untrack env")
	write("main.go", "package main // three\n")
	run("commit", "-qam", "code")
	write("main.go", "package main // four\n")
	write("dotenv/.env", "OPENAI_API_KEY=sk-UNTRACKED\n") // ignored, never committed
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out := run("log", "-p"); !strings.Contains(out, "sk-COMMITTED") {
		t.Fatalf("git log -p does not print the committed key: %s", out)
	}
	blob := strings.Fields(run("ls-tree", "HEAD~2", ".env"))[2]
	code := strings.TrimSpace(run("hash-object", "main.go"))
	for _, elsewhere := range []bool{false, true} {
		g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
		// Objects by their id, and git grep in a revision: no path to judge.
		for _, c := range []string{
			"git cat-file -p " + blob, "git cat-file blob " + blob[:10], "git show " + blob, "git diff " + blob + " " + code,
			"git grep -e sk- HEAD~2", "git grep sk- HEAD~2 HEAD", "git --no-pager show " + blob,
		} {
			v, _ := g.Judge([]string{"bash", "-c", c})
			if v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("elsewhere %v: %s = %s, want unverified (it prints the committed .env)", elsewhere, c, v.Class)
			}
		}
		for _, c := range []string{"git cat-file -t " + blob, "git cat-file -s " + blob, "git cat-file -p HEAD", "git grep main HEAD", "git grep main"} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Safe {
				t.Errorf("elsewhere %v: %s = %s (%s), want safe", elsewhere, c, v.Class, v.Why())
			}
		}
	}
	for _, elsewhere := range []bool{false, true} {
		g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
		for _, c := range []string{
			"git log -p", "git log -p --all", "git log --patch -n 2", "git log -pn5", "git log -U3",
			"git log --word-diff", "git log -G KEY -p", "git show HEAD~1", "git show HEAD~2", "git show --oneline HEAD~1",
			"git diff HEAD~2", "git diff HEAD~2 HEAD", "git diff HEAD~2 -- .env", "git -C . log -p", "git log -p -n 2",
			"git log -p; git status", "cd . && git show HEAD~1", "git stash list; git log -p",
			"git diff --exit-code HEAD~2", "git diff --no-index empty dotenv",
		} {
			v, _ := g.Judge([]string{"bash", "-c", c})
			if v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("elsewhere %v: %s = %s, want unverified (it prints the committed .env)", elsewhere, c, v.Class)
			}
		}
		for _, c := range []string{
			"git log", "git log --oneline", "git log --stat", "git log -p -- main.go", "git show --stat HEAD~1",
			"git show HEAD -- main.go", "git diff", "git diff HEAD -- main.go", "git status", "git log -p -n 1",
			"git show", "git diff HEAD~1", "git log -p HEAD~1..HEAD",
		} {
			v, _ := g.Judge([]string{"bash", "-c", c})
			if v.Class != policy.Safe {
				t.Errorf("elsewhere %v: %s = %s (%s), want safe", elsewhere, c, v.Class, v.Why())
			}
		}
	}
	// A bounded number of git runs: the same read repeated is checked once,
	// and a script needing more than maxGitRuns runs is not known to be clean
	// (a thousand `git diff` took the judge 14 s, one run each).
	g := newGate(t, dir, Options{})
	many := strings.Repeat("git diff; git show HEAD; ", 1000)
	if v, _ := g.Judge([]string{"bash", "-c", many}); v.Class != policy.Safe {
		t.Errorf("git diff and git show HEAD, 1,000 times: %s (%s), want safe (each checked once)", v.Class, v.Why())
	}
	var distinct []string
	for i := 0; i < maxGitRuns; i++ {
		distinct = append(distinct, fmt.Sprintf("git diff HEAD~1 -- f%d", i))
	}
	v, _ := g.Judge([]string{"bash", "-c", strings.Join(distinct, "; ")})
	if v.Class == policy.Safe || v.Class == policy.Match || !strings.Contains(v.Why(), "runs of git") {
		t.Errorf("%d distinct git diff: %s (%s), want unverified past the budget", maxGitRuns, v.Class, v.Why())
	}
}

// gitLab makes a scratch repository directory (symlinks resolved) and
// returns it with a runner for the real git there (a fixed identity, no
// user config) and a writer of files in it; it skips without git.
func gitLab(t *testing.T) (dir string, run func(args ...string) string, write func(name, body string)) {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	dir, _ = filepath.EvalSymlinks(t.TempDir())
	run = func(args ...string) string {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b",
			"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
		return string(out)
	}
	write = func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, run, write
}

// TestGitHistoryPathWithoutDashes: a path named without -- (`git log -p
// settings.py`, the commonest spelling of git archaeology) made the
// history check's own git fail: its --name-only and --no-ext-diff went
// after the path, which git refuses ("option must come before non-option
// arguments"), and the check took the failure for the command's. A token
// a file once held and no longer does (the file as it is now is clean, so
// no read of it asks) was printed by git log -p, git show and git diff of
// that file and ran unasked (fourteenth held-out batch's follow-up; also
// `git log -p --notes .env`, the policy taking .env for --notes' value).
func TestGitHistoryPathWithoutDashes(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q", ".")
	write("settings.py", "token = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\n")
	write(".env", "OPENAI_API_KEY=sk-COMMITTED\n")
	run("add", ".")
	run("commit", "-qm", "one")
	write("settings.py", "token = os.environ[\"GH_TOKEN\"]\n")
	write("main.go", "package main\n")
	run("add", ".")
	run("commit", "-qam", "two")
	if out := run("log", "-p", "settings.py"); !strings.Contains(out, "ghp_") {
		t.Fatalf("git log -p settings.py does not print the old token: %s", out)
	}
	for _, elsewhere := range []bool{false, true} {
		g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
		for _, c := range []string{
			"git log -p settings.py", "git log -p --follow settings.py", "git log -p HEAD~1 settings.py",
			"git show HEAD~1 settings.py", "git diff HEAD~1 settings.py", "git log -p --notes .env",
			"git show HEAD~1 --notes .env", "git log -p --stat settings.py",
		} {
			v, _ := g.Judge([]string{"bash", "-c", c})
			if v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("elsewhere %v: %s = %s, want unverified (it prints the token the history holds)", elsewhere, c, v.Class)
			}
		}
		for _, c := range []string{"git log --oneline settings.py", "git log -p main.go", "git log --stat settings.py",
			"git show HEAD main.go", "git diff HEAD~1 --stat"} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Safe {
				t.Errorf("elsewhere %v: %s = %s (%s), want safe", elsewhere, c, v.Class, v.Why())
			}
		}
	}
}
