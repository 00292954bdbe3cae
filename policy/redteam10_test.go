package policy_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// The tenth red team of the judge (docs/redteam/judge-10.md): one test per
// class, each failing on the code before its fix.

// rt10Git runs git in dir with a fixed identity and no user or system
// configuration.
func rt10Git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a",
		"GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
}

// Q1: git commands that write work-tree files from commits (switch,
// checkout, merge, cherry-pick, rebase, stash pop, pull...) put there what
// a commit holds, links included. With a branch whose commit adds `sub ->
// ../home`, `git switch evil && cat sub/tok.txt` ran in auto-edit (a
// repository write, confined; reads are not confined) and printed the
// token: the judge read sub/tok.txt as the file system held it before the
// script (nothing there). mv, cp and ln were already such movers.
func TestRedTeam10GitPlacesFiles(t *testing.T) {
	set, home, proj := rtLab(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	mustWrite(t, filepath.Join(home, "tok.txt"), "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\n")
	rt10Git(t, proj, "init", "-q", "-b", "main", ".")
	rt10Git(t, proj, "add", "a.txt")
	rt10Git(t, proj, "commit", "-qm", "init")
	rt10Git(t, proj, "checkout", "-qb", "evil")
	mustLink(t, "../home", filepath.Join(proj, "sub"))
	rt10Git(t, proj, "add", "sub")
	rt10Git(t, proj, "commit", "-qm", "evil")
	rt10Git(t, proj, "checkout", "-q", "main")
	if _, err := os.Lstat(filepath.Join(proj, "sub")); err == nil {
		t.Fatal("sub is still there on main")
	}
	// The control: bash prints the token through the committed link.
	if out := rtRun(t, proj, "git switch -q evil && cat sub/tok.txt; git switch -q main"); !strings.Contains(out, "ghp_") {
		t.Fatalf("the switch did not bring the link (%q): the premise does not hold here", out)
	}
	if _, err := os.Lstat(filepath.Join(proj, "sub")); err == nil {
		t.Fatal("sub is still there on main")
	}
	for _, c := range []string{
		"git switch evil && cat sub/tok.txt",
		"git switch -q evil; cd sub && cat tok.txt",
		"git checkout evil && cat sub/tok.txt",
		"git merge evil && cat sub/tok.txt",
		"git merge --ff-only evil && head sub/tok.txt",
		"git cherry-pick evil && cat sub/tok.txt",
		"git rebase evil && cat sub/tok.txt",
		"git stash pop && cat sub/tok.txt",
		"git switch evil && grep -r ghp sub",
		"cd src && git switch evil && cat ../sub/tok.txt",
		"git switch evil && cat " + filepath.Join(proj, "sub", "tok.txt"),
	} {
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if runs, why := rt9Runs(set, proj, c, mode); runs {
				t.Errorf("%q in %s: %s; want asked (the checkout may put a link where the read goes)", c, mode, why)
			}
		}
	}
	// What reads nothing the checkout wrote, or only names, still runs.
	for _, c := range []string{"git switch evil && ls", "git switch evil && git status", "git checkout -b x && git log --oneline -1",
		"cat a.txt && git switch evil"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
}

// Q2: a token in a compressed file. zcat, gzip -dc, zgrep, bzcat, xzcat
// and zstdcat print the file decompressed; the token scan read its bytes
// as stored, where no token shape shows: `zcat logs/app.log.1.gz` and
// `zcat ~/notes.txt.gz` printed a ghp_ token that `cat` of the plain file
// asks about.
func TestRedTeam10CompressedToken(t *testing.T) {
	set, home, proj := rtLab(t)
	token := "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB"
	gz := func(p string, members ...string) {
		var b bytes.Buffer
		for _, m := range members {
			z := gzip.NewWriter(&b)
			if _, err := z.Write([]byte(m)); err != nil {
				t.Fatal(err)
			}
			if err := z.Close(); err != nil {
				t.Fatal(err)
			}
		}
		mustWrite(t, p, b.String())
	}
	var long strings.Builder
	for i := range 200000 {
		long.WriteString("GET /api/items/" + strings.Repeat("x", i%7) + " 200\n")
	}
	gz(filepath.Join(proj, "logs/app.log.1.gz"), "INFO start\nDEBUG token="+token+"\n")
	gz(filepath.Join(home, "notes.txt.gz"), token+"\n")
	gz(filepath.Join(proj, "logs/late.gz"), long.String()+"auth "+token+"\n")      // past the first MiB
	gz(filepath.Join(proj, "logs/multi.gz"), "INFO one\n", "INFO two "+token+"\n") // a second member
	gz(filepath.Join(proj, "logs/clean.gz"), long.String())
	// A zip whose member is deflated: unzip -p prints it.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for name, body := range map[string]string{"logs/app.log": long.String() + "auth " + token + "\n", "README": "hello\n"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(proj, "bundle.zip"), zb.String())
	// Encoded: base64 -d and xxd -r -p print the token.
	mustWrite(t, filepath.Join(proj, "creds.b64"), base64.StdEncoding.EncodeToString([]byte("user: ci\ntoken: "+token+"\n"))+"\n")
	mustWrite(t, filepath.Join(proj, "creds.hex"), hex.EncodeToString([]byte(token))+"\n")
	mustWrite(t, filepath.Join(proj, "ok.b64"), base64.StdEncoding.EncodeToString([]byte(long.String()[:4000])))
	// Wide text: iconv -f utf-16 and strings -e l print the token.
	wide := func(s string, bom []byte, be bool) string {
		out := append([]byte(nil), bom...)
		for _, c := range []byte(s) {
			if be {
				out = append(out, 0, c)
			} else {
				out = append(out, c, 0)
			}
		}
		return string(out)
	}
	mustWrite(t, filepath.Join(proj, "export16.txt"), wide("name=ci\r\ntoken="+token+"\r\n", []byte{0xff, 0xfe}, false))
	mustWrite(t, filepath.Join(proj, "le.txt"), wide("password for ci: "+token+"\n", nil, false))
	mustWrite(t, filepath.Join(proj, "be.txt"), wide("password for ci: "+token+"\n", []byte{0xfe, 0xff}, true))
	mustWrite(t, filepath.Join(proj, "ok16.txt"), wide("hello world, nothing here\n", []byte{0xff, 0xfe}, false))
	if _, err := exec.LookPath("iconv"); err == nil {
		if out := rtRun(t, proj, "iconv -f utf-16 -t utf-8 export16.txt"); !strings.Contains(out, "ghp_") {
			t.Fatalf("iconv printed %q: the premise does not hold here", out)
		}
	}
	if _, err := exec.LookPath("zcat"); err != nil {
		t.Skip("zcat is not installed")
	}
	// The control: zcat prints the token.
	if out := rtRun(t, proj, "zcat logs/multi.gz"); !strings.Contains(out, "ghp_") {
		t.Fatalf("zcat printed %q: the premise does not hold here", out)
	}
	cmds := []string{"zcat logs/app.log.1.gz", "zcat " + filepath.Join(home, "notes.txt.gz"), "gzip -dc logs/app.log.1.gz",
		"zgrep token logs/app.log.1.gz", "zcat logs/late.gz", "zcat logs/multi.gz", "zcat logs/*.gz | grep token"}
	if out := rtRun(t, proj, "base64 -d creds.b64"); !strings.Contains(out, "ghp_") {
		t.Fatalf("base64 -d printed %q: the premise does not hold here", out)
	}
	cmds = append(cmds, "base64 -d creds.b64", "base64 --decode < creds.b64", "xxd -r -p creds.hex",
		"iconv -f utf-16 -t utf-8 export16.txt", "strings -e l le.txt", "cat be.txt")
	if _, err := exec.LookPath("unzip"); err == nil {
		if out := rtRun(t, proj, "unzip -p bundle.zip logs/app.log | tail -1"); !strings.Contains(out, "ghp_") {
			t.Fatalf("unzip -p printed %q: the premise does not hold here", out)
		}
		cmds = append(cmds, "unzip -p bundle.zip", "unzip -c bundle.zip logs/app.log", "unzip -p bundle.zip '*.log'")
	}
	if _, err := exec.LookPath("bzip2"); err == nil {
		rtRun(t, proj, "printf 'key %s\\n' "+token+" | bzip2 > logs/b.bz2")
		cmds = append(cmds, "bzcat logs/b.bz2")
	}
	if _, err := exec.LookPath("xz"); err == nil {
		// xz is not read by the judge: a large one is not known to be clean.
		rtRun(t, proj, "seq 1 200000 | xz > logs/c.xz")
		cmds = append(cmds, "xzcat logs/c.xz")
	}
	for _, c := range cmds {
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if runs, why := rt9Runs(set, proj, c, mode); runs {
				t.Errorf("%q in %s: %s; want asked (the file holds a token once decompressed)", c, mode, why)
			}
		}
	}
	for _, c := range []string{"zcat logs/clean.gz", "zgrep -c GET logs/clean.gz", "gzip -dc logs/clean.gz | head",
		"unzip -p bundle.zip README", "unzip -l bundle.zip",
		"base64 -d ok.b64", "iconv -f utf-16 -t utf-8 ok16.txt", "cat /bin/ls | wc -c"} {
		if runs, why := rt9Runs(set, proj, c, policy.Suggest); !runs {
			t.Errorf("%q in suggest: %s; want run", c, why)
		}
	}
}

// Q5: a script that writes a file a later command's own check reads
// (flake8's local plugins in .flake8/setup.cfg/tox.ini, uv's .venv, a
// version file, terraform's .tf files) ran that command as judged on the
// file before the script: `cp evil.cfg .flake8 && flake8 --version` and
// `git switch b && flake8 --version` (b's commit adds .flake8) ran the
// project's plugin in auto-edit. judge-7 T1 held sqlite3, go, kubectl,
// helm and unzip to their written inputs; these checks were left out.
func TestRedTeam10ScriptWritesCheckedFile(t *testing.T) {
	set, _, proj := rtLab(t)
	marker := filepath.Join(proj, "PLUGIN_RAN")
	mustWrite(t, filepath.Join(proj, "lp/plug.py"), "open("+fmt.Sprintf("%q", marker)+", 'w').close()\nclass P:\n    def __init__(self, tree): pass\n")
	cfg := "[flake8:local-plugins]\nextension =\n    X = plug:P\npaths = ./lp\n"
	mustWrite(t, filepath.Join(proj, "evil.cfg"), cfg)
	if _, err := exec.LookPath("flake8"); err == nil {
		// The control: flake8 --version imports the plugin .flake8 names.
		rtRun(t, proj, "cp evil.cfg .flake8 && flake8 --version; rm -f .flake8")
		if _, err := os.Stat(marker); err != nil {
			t.Fatalf("flake8 --version did not run the local plugin (%v): the premise does not hold here", err)
		}
	}
	cmds := []string{
		"cp evil.cfg .flake8 && flake8 --version",
		"cat evil.cfg > setup.cfg; flake8 --version",
		"cat evil.cfg >> tox.ini; flake8 --help",
		"cd src && cp ../evil.cfg ../.flake8 && flake8 --version",
		"mv evil.cfg .flake8; flake8 --version",
		"mkdir -p .venv/bin && cp evil.cfg .venv/bin/python; uv pip list",
		"echo 3.11 > .python-version; pyenv version",
		"ln -s ../home/.aws/credentials x.tf; terraform fmt -check",
	}
	if _, err := exec.LookPath("git"); err == nil {
		rt10Git(t, proj, "init", "-q", "-b", "main", ".")
		rt10Git(t, proj, "add", "a.txt")
		rt10Git(t, proj, "commit", "-qm", "init")
		rt10Git(t, proj, "checkout", "-qb", "evil")
		mustWrite(t, filepath.Join(proj, ".flake8"), cfg)
		rt10Git(t, proj, "add", ".flake8", "lp/plug.py")
		rt10Git(t, proj, "commit", "-qm", "evil")
		rt10Git(t, proj, "checkout", "-q", "main")
		cmds = append(cmds, "git switch evil && flake8 --version", "git merge evil; cd src && flake8 --version")
	}
	for _, c := range cmds {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); runs {
			t.Errorf("%q in auto-edit: %s; want asked (the check read the file before the script wrote it)", c, why)
		}
	}
	for _, c := range []string{"echo x > b.txt; flake8 --version", "flake8 --version", "echo x > notes.md && terraform fmt -check"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
}
