package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestGitSubmoduleConfig: git status and git diff enter a populated
// submodule (a gitlink whose directory holds a .git) and refresh its index
// through the clean filter that repository's own config names: the real
// git runs it. guard asks about those reads now, from the top and from a
// subdirectory, for a nested submodule too, and with a .gitmodules that
// says `ignore = none`; a repository whose submodule names no program, and
// one without submodules, stay safe.
func TestGitSubmoduleConfig(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	root, _ := filepath.EvalSymlinks(t.TempDir())
	env := []string{"HOME=" + root, "PATH=/usr/bin:/bin", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b",
		"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1"}
	run := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	write := func(p, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	top := filepath.Join(root, "top")
	sub := filepath.Join(top, "vendor", "lib")
	deep := filepath.Join(sub, "inner")
	marker := filepath.Join(root, "FILTER_RAN")
	for _, d := range []string{deep, sub, top} {
		write(filepath.Join(d, "f.txt"), "data\n")
		write(filepath.Join(d, "src", "keep"), "")
		run(d, "init", "-q", ".")
		run(d, "add", "-A")
		run(d, "commit", "-qm", "x")
	}
	judge := func(dir string, argv ...string) policy.Class {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v.Class
	}
	for _, argv := range [][]string{{"git", "status"}, {"git", "diff"}} {
		if c := judge(top, argv...); c != policy.Safe {
			t.Fatalf("%v with a harmless submodule: %s, want safe", argv, c)
		}
	}
	// The submodule's own config and attributes name a clean filter.
	evil := "touch " + marker + "; cat"
	run(sub, "config", "filter.ev.clean", evil)
	write(filepath.Join(sub, ".gitattributes"), "* filter=ev\n")
	write(filepath.Join(top, ".gitmodules"), "[submodule \"lib\"]\n\tpath = vendor/lib\n\turl = ./x\n\tignore = none\n")
	touch := func() {
		now := filepath.Join(sub, "f.txt")
		info, _ := os.Stat(now)
		_ = os.Chtimes(now, info.ModTime().Add(1e9), info.ModTime().Add(1e9))
	}
	touch()
	cmd := exec.Command(git, "status")
	cmd.Dir, cmd.Env = top, PinGit(env)
	_ = cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("pinned git status did not run the submodule's filter: the attack changed (%v)", err)
	}
	for _, tt := range []struct {
		dir  string
		argv []string
	}{{top, []string{"git", "status"}}, {top, []string{"git", "diff"}}, {filepath.Join(top, "src"), []string{"git", "status", "-s"}},
		{root, []string{"git", "-C", "top", "diff", "--stat"}}} {
		if c := judge(tt.dir, tt.argv...); c == policy.Safe || c == policy.Match {
			t.Errorf("%v in %s: %s, want asked (the submodule's filter runs)", tt.argv, tt.dir, c)
		}
	}
	// A submodule of the submodule.
	run(sub, "config", "--unset", "filter.ev.clean")
	if c := judge(top, "git", "status"); c != policy.Safe {
		t.Fatalf("git status with the filter removed: %s, want safe", c)
	}
	run(deep, "config", "diff.x.textconv", evil)
	if c := judge(top, "git", "status"); c == policy.Safe {
		t.Errorf("git status with a nested submodule's textconv: %s, want asked", c)
	}
}
