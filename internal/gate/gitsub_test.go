package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// TestGitConfigFilesPrinted: git blame reads blame.ignoreRevsFile (git fsck
// fsck.skipList) and prints a line that is no object name: the real git
// printed a token file's line. A repository's config naming such a file,
// or the user's relative setting met by a link in the work tree to a
// secret, makes the read asked about; a plain ignore-revs file does not.
func TestGitConfigFilesPrinted(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b",
		"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1"}
	git1 := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = filepath.Join(dir, "p")
		cmd.Env = PinGit(env)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	cred := filepath.Join(dir, ".git-credentials")
	for p, body := range map[string]string{cred: "https://u:ghp_TOKENTOKENTOKEN@github.com\n", filepath.Join(dir, "p", "a.txt"): "a\n"} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	git1("init", "-q", ".")
	if err := os.WriteFile(filepath.Join(dir, "p", ".git-credentials"), []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git1("add", "a.txt", ".git-credentials")
	git1("commit", "-qm", "x")
	os.Remove(filepath.Join(dir, "p", ".git-credentials"))
	judge := func(argv ...string) policy.Class {
		g := newGate(t, filepath.Join(dir, "p"), Options{}, env...)
		v, _ := g.Judge(argv)
		return v.Class
	}
	if c := judge("git", "blame", "a.txt"); c != policy.Safe {
		t.Fatalf("git blame a.txt: %s, want safe", c)
	}
	for _, key := range []string{"blame.ignoreRevsFile", "fsck.skipList"} {
		git1("config", key, cred)
		if key == "blame.ignoreRevsFile" && !strings.Contains(git1("blame", "a.txt"), "ghp_TOKEN") {
			t.Errorf("git blame did not print the token: the attack changed")
		}
		for _, argv := range [][]string{{"git", "blame", "a.txt"}, {"git", "fsck"}} {
			if c := judge(argv...); c == policy.Safe || c == policy.Match {
				t.Errorf("%s in the repository's config: %v = %s, want asked", key, argv, c)
			}
		}
		git1("config", "--unset", key)
	}
	// A work tree moved to the home directory: git diff printed its files.
	git1("config", "core.worktree", dir)
	if !strings.Contains(git1("diff"), "ghp_TOKEN") {
		t.Errorf("git diff with core.worktree did not print the token: the attack changed")
	}
	for _, argv := range [][]string{{"git", "diff"}, {"git", "status"}, {"git", "grep", "x"}} {
		if c := judge(argv...); c == policy.Safe || c == policy.Match {
			t.Errorf("core.worktree in the repository's config: %v = %s, want asked", argv, c)
		}
	}
	git1("config", "--unset", "core.worktree")
	// The user's relative setting, and a link in the work tree.
	git1("config", "--global", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
	revs := filepath.Join(dir, "p", ".git-blame-ignore-revs")
	if err := os.Symlink(cred, revs); err != nil {
		t.Fatal(err)
	}
	if c := judge("git", "blame", "a.txt"); c == policy.Safe || c == policy.Match {
		t.Errorf("a .git-blame-ignore-revs link to a secret: git blame = %s, want asked", c)
	}
	os.Remove(revs)
	if err := os.WriteFile(revs, []byte("# none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := judge("git", "blame", "a.txt"); c != policy.Safe {
		t.Errorf("a plain .git-blame-ignore-revs: git blame = %s, want safe", c)
	}
}

// TestGitDirsBounded: git is asked about each repository directory once,
// however the script spells it (-C ., -C ./., cd), and about at most
// maxGitDirs of them: a script of thousands of distinct spellings ran git
// three times each (5 ms a command).
func TestGitDirsBounded(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	var spellings, dirs []string
	for i := range 40 {
		spellings = append(spellings, "git -C ."+strings.Repeat("/.", i)+" status")
		d := filepath.Join(dir, "d"+strconv.Itoa(i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, "git -C "+d+" status")
	}
	g := newGate(t, dir, Options{}, "PATH=/usr/bin:/bin", "HOME="+dir)
	if v, _ := g.Judge([]string{"bash", "-c", strings.Join(spellings, "; ")}); v.Class != policy.Safe {
		t.Errorf("40 spellings of one directory: %s (%s), want safe", v.Class, v.Why())
	}
	if v, _ := g.Judge([]string{"bash", "-c", strings.Join(dirs, "; ")}); v.Class == policy.Safe || !strings.Contains(v.Why(), "directories") {
		t.Errorf("git in 40 directories: %s (%s), want unverified: too many to check", v.Class, v.Why())
	}
}
