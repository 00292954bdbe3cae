package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestGitPartialClone (docs/redteam/judge-5.md): in a partial clone a read that meets
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

// TestPlantedHelper (docs/redteam/judge-5.md): a safe program runs other programs by
// name through PATH that the judge never sees: tar its decompressors
// (`tar tzf x.tar.gz` ran a planted .venv/bin/gzip), an `#!/usr/bin/env
// node` script its interpreter (`npm ls` ran a planted .venv/bin/node).
// Those are looked up as the program is, and a planted one makes the
// command unverified.
func TestPlantedHelper(t *testing.T) {
	tar, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("tar is not installed")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	marker := filepath.Join(dir, "HELPER_RAN")
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := exec.Command(tar, "czf", "x.tar.gz", "a.txt")
	mk.Dir = dir
	if out, err := mk.CombinedOutput(); err != nil {
		t.Skipf("tar cannot make a gzip archive: %v %s", err, out)
	}
	judge := func(env []string, argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	if v := judge(nil, "tar", "tzf", "x.tar.gz"); v.Class != policy.Safe {
		t.Fatalf("tar tzf x.tar.gz with nothing planted: %s (%s), want safe", v.Class, v.Reason)
	}
	bin := filepath.Join(dir, ".venv", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gzip", "node"} {
		script := "#!/bin/sh\ntouch " + marker + "\nexec /usr/bin/" + name + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := "PATH=" + bin + ":/usr/bin:/bin"
	run := exec.Command(tar, "tzf", "x.tar.gz")
	run.Dir, run.Env = dir, []string{path}
	_ = run.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("tar tzf did not run the planted gzip: the attack changed (%v)", err)
	}
	cases := [][]string{{"tar", "tzf", "x.tar.gz"}, {"tar", "tf", "x.tar.gz"}, {"bash", "-c", "tar tzf x.tar.gz | head -1"}}
	if npm, err := exec.LookPath("npm"); err == nil && envProgram(shebang(policy.Resolve(npm, "/"))) == "node" {
		cases = append(cases, []string{"npm", "--version"}, []string{"bash", "-c", "npm ls"})
	}
	for _, argv := range cases {
		if v := judge([]string{path}, argv...); v.Class == policy.Safe {
			t.Errorf("%v with a planted helper on PATH: safe, want asked", argv)
		}
	}
}
