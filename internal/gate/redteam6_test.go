package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestGitBlobToken (docs/redteam/judge-6.md): `cat config.py` is asked
// about when the file holds a token, but `git show HEAD:config.py`, `git
// cat-file -p HEAD:config.py` and `git show :config.py` printed the same
// bytes from the repository, judged by the path's name alone (also after
// the file was cleaned in the work tree, and from a subdirectory, where
// HEAD:PATH is relative to the top). The blob a REV:PATH word names is now
// scanned as cat's read of the file is.
func TestGitBlobToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("config.py", "API = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n")
	write("sub/a.txt", "a\n")
	write("notes.txt", "nothing here\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	run("rm", "-q", "--cached", "config.py")
	write("config.py", "API = os.environ['API']\n")
	run("add", "config.py")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(cwd string, argv ...string) policy.Verdict {
		g := newGate(t, cwd, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, c := range []struct {
		cwd  string
		argv []string
	}{
		{dir, []string{"git", "show", "HEAD:config.py"}},
		{dir, []string{"git", "cat-file", "-p", "HEAD:config.py"}},
		{dir, []string{"git", "cat-file", "blob", "HEAD:config.py"}},
		{dir, []string{"bash", "-c", "git show HEAD:./config.py | head -3"}},
		{dir + "/sub", []string{"git", "show", "HEAD:config.py"}},
		{dir + "/sub", []string{"git", "show", "HEAD:../config.py"}},
		{dir, []string{"git", "diff", "HEAD:config.py", ":config.py"}},
	} {
		if v := judge(c.cwd, c.argv...); v.Class == policy.Safe {
			t.Errorf("%v in %s: safe, want asked (the blob holds a token)", c.argv, c.cwd)
		}
	}
	for _, argv := range [][]string{{"git", "show", "HEAD:notes.txt"}, {"git", "show", ":config.py"},
		{"git", "show", "HEAD:sub"}, {"git", "cat-file", "-p", "HEAD:sub/a.txt"}} {
		if v := judge(dir, argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestGitStashShowPatchConfig: a repository's stash.showPatch makes a bare
// `git stash show` print the stashed patch, a .env's new lines among
// them; the history check took it for the stat it prints by default and
// ran it. Without an option that prints names alone it is checked now.
func TestGitStashShowPatchConfig(t *testing.T) {
	dir, run, write := gitLab(t)
	write(".env", "A=1\n")
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	write(".env", "OPENAI_API_KEY=sk-proj-rtj6abcdefghijklmnop\n")
	run("stash", "-q")
	run("config", "stash.showPatch", "true")
	if out := run("stash", "show"); !strings.Contains(out, "sk-proj-rtj6") {
		t.Logf("this git's stash show did not print the patch (%q)", out)
	}
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	for _, argv := range [][]string{{"git", "stash", "show"}, {"git", "stash", "show", "stash@{0}"},
		{"bash", "-c", "git stash show | head"}} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (stash.showPatch prints the stashed .env)", argv)
		}
	}
	for _, argv := range [][]string{{"git", "stash", "show", "--stat"}, {"git", "stash", "list"}} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestGitPatchOptions: options that print a file's lines beside the ones
// that print names: --binary turns the patch on and --check prints each
// line with a whitespace error, so `git show --stat --binary` and `git
// diff --stat --check` printed a .env's new lines, taken for a stat. And
// the check lists the files with --name-only added, which git refuses
// beside --check, --name-status and -s: its failure was taken for the
// command's (`git show -p --check` ran).
func TestGitPatchOptions(t *testing.T) {
	dir, run, write := gitLab(t)
	write(".env", "A=1\n")
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	write(".env", "OPENAI_API_KEY=sk-proj-rtj6abcdefghijklmnop \n")
	run("commit", "-qam", "y")
	write(".env", "OPENAI_API_KEY=sk-proj-rtj6qrstuvwxyz012345 \n")
	if out := run("show", "--stat", "--binary"); !strings.Contains(out, "sk-proj-rtj6") {
		t.Logf("this git's show --stat --binary printed no patch (%q)", out)
	}
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	for _, argv := range [][]string{
		{"git", "show", "--stat", "--binary"}, {"git", "log", "--binary", "-1"}, {"git", "log", "--check", "-1"},
		{"git", "show", "-p", "--check"}, {"git", "diff", "--stat", "--check"}, {"git", "diff", "--name-only", "--binary"},
		{"git", "log", "-p", "--name-status", "-1"}, {"git", "show", "--no-patch", "--binary"},
	} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (it prints the .env's lines)", argv)
		}
	}
	for _, argv := range [][]string{{"git", "show", "--stat"}, {"git", "log", "--stat"}, {"git", "diff", "--stat"},
		{"git", "log", "--oneline"}, {"git", "show", "--name-status"}} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestGitOutputBounded: guard's own git runs keep at most maxHistoryList
// bytes of output. limitedBuffer embedded a bytes.Buffer, whose ReadFrom
// os/exec's copy used instead of the bounded Write: the limit never applied,
// and a committed 27 MB file made `git show HEAD:big.txt` read all of it (40
// such words: 10 s and 1.3 GB). A blob named REV:PATH is also no longer
// listed as if its lines were file names; its content is scanned (first
// 256 KiB), so the command stays safe.
func TestGitOutputBounded(t *testing.T) {
	dir, run, write := gitLab(t)
	line := strings.Repeat("x", 1023) + "\n"
	write("big.txt", strings.Repeat(line, (maxHistoryList>>10)+512))
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	g := newGate(t, dir, Options{}, "HOME="+dir, "PATH=/usr/bin:/bin")
	out, over, _, _ := g.runGit(dir, []string{"cat-file", "blob", "HEAD:big.txt"}, nil)
	if !over || len(out) > maxHistoryList {
		t.Errorf("git cat-file of a %d-byte blob: %d bytes kept, over %v; want at most %d and over", (maxHistoryList>>10+512)<<10,
			len(out), over, maxHistoryList)
	}
	words := []string{"git", "show"}
	for i := 0; i < 40; i++ {
		words = append(words, "HEAD:big.txt")
	}
	for _, argv := range [][]string{{"git", "show", "HEAD:big.txt"}, words} {
		g := newGate(t, dir, Options{}, "HOME="+dir, "PATH=/usr/bin:/bin")
		if v, _ := g.Judge(argv); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv[:3], v.Class, v.Why())
		}
	}
}

// TestGitStatusVerbose: `git status -v` prints the staged diff (and -vv the
// unstaged one), a staged .env's new lines among them; the history check
// did not count status as a printer, and its way of listing a printer's
// files (the command with --name-only) is no status command. Both diffs
// are checked now.
func TestGitStatusVerbose(t *testing.T) {
	dir, run, write := gitLab(t)
	write(".env", "A=1\n")
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	write(".env", "OPENAI_API_KEY=sk-proj-rtj6status\n")
	run("add", ".env")
	if out := run("status", "-v"); !strings.Contains(out, "sk-proj-rtj6status") {
		t.Logf("this git's status -v printed no diff (%q)", out)
	}
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	for _, argv := range [][]string{{"git", "status", "-v"}, {"git", "status", "--verbose"}, {"bash", "-c", "git status -v | head"}} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (it prints the staged .env)", argv)
		}
	}
	for _, argv := range [][]string{{"git", "status"}, {"git", "status", "-s"}, {"git", "status", "-v", "--", "a.txt"}} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestGitDiffWorkTreeToken: `cat config.py` is asked about when the file
// holds a token, but `git diff` printed the same line as an added one: the
// history check judged the files a diff lists by name only. A diff of the
// work tree now judges each file it lists as cat's read is, from the top of
// the repository (git lists paths from there, whatever the directory).
func TestGitDiffWorkTreeToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("config.py", "x = 1\n")
	write("sub/a.txt", "a\n")
	write("other/b.txt", "b\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	write("config.py", "x = 1\nAPI = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n")
	write("sub/a.txt", "a\nAPI = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n")
	write("other/b.txt", "b\nc\n")
	if out := run("diff"); !strings.Contains(out, "ghp_") {
		t.Logf("git diff printed no token (%q)", out)
	}
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	for _, c := range []struct {
		cwd  string
		argv []string
	}{
		{dir, []string{"git", "diff"}}, {dir, []string{"git", "diff", "HEAD"}}, {dir, []string{"bash", "-c", "git diff | head"}},
		{dir + "/sub", []string{"git", "diff"}}, {dir + "/sub", []string{"git", "diff", "--", ".."}},
		{dir + "/sub", []string{"git", "diff", "--relative"}},
	} {
		g := newGate(t, c.cwd, Options{}, env...)
		if v, _ := g.Judge(c.argv); v.Class == policy.Safe {
			t.Errorf("%v in %s: safe, want asked (it prints the token config.py holds)", c.argv, c.cwd)
		}
	}
	for _, argv := range [][]string{{"git", "diff", "--cached"}, {"git", "diff", "--stat"}, {"git", "diff", "--", "other"}} {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge(argv); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestGitDriverPlanted: git-lfs's filters live in the user's git config
// (trusted: `git lfs install` writes them), and git runs their command's
// first word through PATH. With a PATH that reaches the project (a venv's
// bin first), a planted .venv/bin/git-lfs ran at `git diff` and `git
// status` on a file the .gitattributes sends through the filter, judged
// safe. Such a driver is now looked up as guard looks up the programs it
// runs; with the system's PATH the same repository stays safe.
func TestGitDriverPlanted(t *testing.T) {
	dir, run, write := gitLab(t)
	marker := filepath.Join(t.TempDir(), "LFS_RAN")
	write(".gitconfig", "[filter \"lfs\"]\n\tclean = git-lfs clean -- %f\n\tprocess = git-lfs filter-process\n")
	write(".gitattributes", "*.bin filter=lfs\n")
	write("a.bin", "data\n")
	run("-c", "filter.lfs.clean=cat", "-c", "filter.lfs.process=", "init", "-q", ".")
	run("-c", "filter.lfs.clean=cat", "-c", "filter.lfs.process=", "add", ".gitattributes", "a.bin")
	run("-c", "filter.lfs.clean=cat", "-c", "filter.lfs.process=", "commit", "-qm", "x")
	write("a.bin", "data\nmore\n")
	write(".venv/bin/git-lfs", "#!/bin/sh\ntouch "+marker+"\ncat\n")
	if err := os.Chmod(filepath.Join(dir, ".venv/bin/git-lfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	venvPath := "PATH=" + filepath.Join(dir, ".venv/bin") + ":/usr/bin:/bin"
	cmd := exec.Command("git", "diff")
	cmd.Dir, cmd.Env = dir, []string{"HOME=" + dir, venvPath}
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Logf("git diff did not run the planted git-lfs (%v)", err)
	}
	for _, argv := range [][]string{{"git", "diff"}, {"git", "status"}, {"bash", "-c", "git diff --stat"}} {
		g := newGate(t, dir, Options{}, "HOME="+dir, venvPath)
		if v, _ := g.Judge(argv); v.Class == policy.Safe {
			t.Errorf("%v with the venv first in PATH: safe, want asked (git runs the planted git-lfs)", argv)
		}
	}
	g := newGate(t, dir, Options{}, "HOME="+dir, "PATH=/usr/bin:/bin")
	if v, _ := g.Judge([]string{"git", "status"}); v.Class != policy.Safe {
		t.Errorf("git status with the system PATH: %s (%s), want safe", v.Class, v.Why())
	}
}

// TestScriptHelpersPlanted: safe programs that are scripts, or that run a
// helper, run other programs by name through PATH: zcat (`exec gzip -cd`),
// zgrep, egrep (`exec grep -E`), python-yq (jq), dpkg (dpkg-query). With a
// PATH that reaches a writable root, `zcat h.gz`, `egrep x a.txt` and `yq .
// x.yaml` ran a planted gzip, grep and jq, judged safe. A script's words
// that name a program in a PATH directory inside a root are looked up now,
// as env shebangs and tar's decompressors were.
func TestScriptHelpersPlanted(t *testing.T) {
	dir, _, write := gitLab(t)
	marker := filepath.Join(t.TempDir(), "HELPER_RAN")
	write("a.txt", "x\n")
	write("x.yaml", "a: 1\n")
	for _, n := range []string{"gzip", "grep", "jq", "dpkg-query"} {
		write("pb/"+n, "#!/bin/sh\ntouch "+marker+"\nexit 1\n")
		if err := os.Chmod(filepath.Join(dir, "pb", n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	planted := "PATH=" + filepath.Join(dir, "pb") + ":/usr/bin:/bin"
	var cases [][]string
	for _, c := range []struct {
		prog string
		argv []string
	}{
		{"zcat", []string{"zcat", "h.gz"}}, {"zgrep", []string{"zgrep", "x", "h.gz"}}, {"egrep", []string{"egrep", "x", "a.txt"}},
		{"yq", []string{"yq", ".", "x.yaml"}}, {"dpkg", []string{"dpkg", "-l"}},
	} {
		bin, err := exec.LookPath(c.prog)
		if err != nil {
			continue
		}
		if b, _ := os.ReadFile(bin); c.prog != "yq" && c.prog != "dpkg" && !strings.HasPrefix(string(b), "#!") {
			continue // not a script here (a binary zcat runs nothing by name)
		}
		cases = append(cases, c.argv)
	}
	if len(cases) == 0 {
		t.Skip("none of zcat, zgrep, egrep, yq, dpkg is here as a script or helper runner")
	}
	cmd := exec.Command("bash", "-c", strings.Join(cases[0], " "))
	cmd.Dir, cmd.Env = dir, []string{"HOME=" + dir, planted}
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Logf("%v did not run the planted helper (%v)", cases[0], err)
	}
	for _, argv := range cases {
		g := newGate(t, dir, Options{}, "HOME="+dir, planted)
		if v, _ := g.Judge(argv); v.Class == policy.Safe {
			t.Errorf("%v with pb/ first in PATH: safe, want asked (it runs a planted helper)", argv)
		}
		g = newGate(t, dir, Options{}, "HOME="+dir, "PATH=/usr/bin:/bin")
		if v, _ := g.Judge(argv); v.Class == policy.Unverified && strings.Contains(v.Why(), "through PATH") {
			t.Errorf("%v with the system PATH: %s", argv, v.Why())
		}
	}
}

// TestAuditLogElsewhere: the audit log holds every command's arguments,
// and a read of it is a secret read; the judge knew only its default place.
// Kept elsewhere (audit_log in the configuration, GUARD_AUDIT_LOG), `cat
// ~/logs/guard.jsonl` was safe. The configured place counts now.
func TestAuditLogElsewhere(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "logs", "guard.jsonl")
	if err := os.MkdirAll(filepath.Dir(log), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(log, []byte(`{"argv":["psql","postgres://admin:pw@db/prod"]}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	g := newGate(t, dir, Options{}, "HOME="+dir, "PATH=/usr/bin:/bin", "GUARD_AUDIT_LOG="+log)
	for _, argv := range [][]string{{"cat", log}, {"tail", "-5", log}, {"bash", "-c", "grep -r admin logs"}} {
		if v, _ := g.Judge(argv); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (the audit log)", argv)
		}
	}
	if v, _ := g.Judge([]string{"ls", "logs"}); v.Class != policy.Safe {
		t.Errorf("ls logs: %s (%s), want safe", v.Class, v.Why())
	}
	newGate(t, dir, Options{}, "HOME="+dir, "PATH=/usr/bin:/bin") // the default again for the next tests
}
