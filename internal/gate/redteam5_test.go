package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestGitPartialClone (REDTEAM5.md): in a partial clone a read that meets
// an object the clone lacks fetches it from the promisor remote, running
// the transport the repository's config names: `git show HEAD` ran
// remote.origin.uploadpack = `touch MARKER; git-upload-pack` with guard's
// pins in force, judged safe. Every git command of such a repository is
// unverified now; a full clone of the same history stays safe.
func TestGitPartialClone(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	root, _ := filepath.EvalSymlinks(t.TempDir())
	env := []string{"HOME=" + root, "PATH=/usr/bin:/bin", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b",
		"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1"}
	run := func(dir string, args ...string) error {
		cmd := exec.Command(git, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("git %v: %v %s", args, err, out)
		}
		return err
	}
	src, clone, marker := filepath.Join(root, "src"), filepath.Join(root, "clone"), filepath.Join(root, "FETCH_RAN")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "f.txt"), []byte("data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q", "."}, {"add", "-A"}, {"commit", "-qm", "x"}, {"config", "uploadpack.allowFilter", "true"}} {
		if run(src, args...) != nil {
			t.Fatal("cannot make the source repository")
		}
	}
	if run(root, "clone", "-q", "--filter=blob:none", "--no-checkout", "file://"+src, clone) != nil {
		t.Skip("this git cannot make a partial clone")
	}
	if run(clone, "config", "remote.origin.uploadpack", "touch "+marker+"; git-upload-pack") != nil {
		t.Fatal("cannot set uploadpack")
	}
	judge := func(dir string, argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{{"git", "show", "HEAD"}, {"git", "log", "-p"}, {"git", "status"},
		{"git", "cat-file", "-p", "HEAD:f.txt"}, {"bash", "-c", "git diff HEAD --stat"}} {
		if v := judge(clone, argv...); v.Class == policy.Safe {
			t.Errorf("%v in a partial clone: safe, want asked", argv)
		}
		if v := judge(src, argv...); v.Class != policy.Safe {
			t.Errorf("%v in a full repository: %s (%s), want safe", argv, v.Class, v.Reason)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("judging fetched: guard's own git questions ran the transport")
	}
	// The attack is real: the pinned git runs the transport.
	cmd := exec.Command(git, "show", "HEAD")
	cmd.Dir, cmd.Env = clone, PinGit(env)
	_ = cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("git show HEAD did not fetch through uploadpack: the attack changed (%v)", err)
	}
}
