package policy_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guard/policy"
)

// The sixth red team of the judge (docs/redteam/judge-6.md): one test per
// class, each failing on the code before its fix.

// sqlite3 reads a view's SQL from sqlite_master whatever the type of the
// value stored there: a view whose sql is a BLOB (PRAGMA writable_schema;
// UPDATE sqlite_master SET sql=CAST(sql AS BLOB)) runs as the text would,
// and edit() with a second argument runs a program. guard's schema reader
// took text only and skipped the rest, so `sqlite3 d.db "select * from
// e"` was safe and ran `touch MARKER`. A blob is read as text now, and a
// record the reader cannot decode makes the schema unjudged.
func TestRedTeam6SqliteBlobSchema(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 is not installed")
	}
	set, home, proj := rtLab(t)
	t.Setenv("HOME", home)
	marker := filepath.Join(t.TempDir(), "MARKER")
	run := func(db string, sql ...string) {
		t.Helper()
		for _, s := range sql {
			cmd := exec.Command(sqlite, db, s)
			cmd.Dir = proj
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("sqlite3 %s %q: %v: %s", db, s, err, out)
			}
		}
	}
	run("d.db", "CREATE TABLE t(a); INSERT INTO t VALUES(1)",
		"CREATE VIEW e AS SELECT edit('x', 'touch "+marker+"') AS z",
		"CREATE VIEW r AS SELECT * FROM t",
		"PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql=CAST(sql AS BLOB) WHERE name IN ('e', 'r')")
	// The control: sqlite3 itself runs the view's program.
	cmd := exec.Command(sqlite, "d.db", "select * from e")
	cmd.Dir = proj
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Logf("this sqlite3 did not run edit() from a view stored as a blob (%v); the judge must still refuse it", err)
	}
	rtNotSafe(t, set, proj, `sqlite3 d.db "select * from e"`, `sqlite3 d.db "select count(*) from r"`,
		"sqlite3 d.db .tables", `sqlite3 -json d.db "SELECT a FROM t"`)
	// A harmless view kept as text stays readable.
	run("ok.db", "CREATE TABLE t(a)", "CREATE VIEW v AS SELECT a FROM t")
	rtSafe(t, set, proj, `sqlite3 ok.db "select * from v"`, "sqlite3 ok.db .tables")
}

// A file operand spelled as a URL: the kernel would read the relative path
// `http:/HOST/PATH`, but `openssl x509 -in http://HOST/PATH` fetches it
// (OpenSSL's apps load a certificate over HTTP), judged a read of a file
// that does not exist: an HTTP GET of whatever the agent puts in PATH. The
// same holds for xmllint, pandoc, compose -f and others; a read-typed word
// `scheme://...` is now unverified for every program.
func TestRedTeam6URLFileOperand(t *testing.T) {
	set, _, proj := rtLab(t)
	if openssl, err := exec.LookPath("openssl"); err == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		got := make(chan string, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				got <- ""
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			b := make([]byte, 256)
			n, _ := c.Read(b)
			got <- string(b[:n])
		}()
		cmd := exec.Command(openssl, "x509", "-in", "http://"+ln.Addr().String()+"/rtj6-data", "-noout")
		cmd.Dir = proj
		cmd.Start()
		select {
		case req := <-got:
			if !strings.Contains(req, "GET /rtj6-data") {
				t.Logf("openssl sent %q", req)
			}
		case <-time.After(5 * time.Second):
			t.Log("this openssl did not fetch the URL")
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
	rtNotSafe(t, set, proj, "openssl x509 -in http://127.0.0.1:9/x -noout", "openssl x509 -noout -in=HTTP://h/x",
		"cat https://example.com/x", "head -5 ftp://h/x", "docker compose -f oci://h/app config --services",
		"git log -- https://h/x", "jq . http://h/x.json")
	rtSafe(t, set, proj, "cat a.txt", "openssl x509 -in a.txt -noout -dates", "ls src", "git log -- a.txt",
		"grep -n https://example.com a.txt", "echo https://example.com")
}

// xargs's readers were judged by the trees their names come from, and
// some sources print more than names from those trees: tree and a long ls
// listing (--full-time, which the check for -l/-g/-o/-n missed) print each
// link's target, a path written for the link's directory that xargs's
// program reads from the working one (sub/l -> ../home/tok.txt is broken
// from sub and the token file from here: `tree | xargs -n1 cat` printed
// it); git's path operands and pathspec magic list files outside the
// working tree (`git ls-files .. | xargs cat` in a project inside a
// dotfiles repository printed ~/.aws/credentials).
func TestRedTeam6XargsNameSources(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	mustLink(t, "../home/tok.txt", filepath.Join(proj, "sub", "l"))
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", "ls --full-time sub | xargs -n1 cat")
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Logf("the long listing did not lead cat to the token (%q)", out)
		}
	}
	rtNotSafe(t, set, proj, "tree | xargs -n1 cat", "tree -i -f | xargs -n1 cat", "ls --full-time sub | xargs -n1 cat",
		"ls --fu sub | xargs -n 1 head", "ls --format=long sub | xargs -n1 cat", "ls -lR | xargs -n1 cat")
	rtSafe(t, set, proj, "ls | xargs cat", "ls -1a src | xargs cat", "ls --sort=time | xargs head -1", "ls -R | xargs wc -l")

	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	work := filepath.Join(home, "work")
	rtWrite(t, map[string]string{filepath.Join(work, "a.txt"): "a\n"})
	for _, args := range [][]string{{"init", "-q"}, {"add", ".aws/credentials", "tok.txt", "work/a.txt"},
		{"-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "dotfiles"}} {
		cmd := exec.Command(git, args...)
		cmd.Dir = home
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	cmd := exec.Command("bash", "-c", "git ls-files .. | xargs cat")
	cmd.Dir = work
	if out, _ := cmd.Output(); !strings.Contains(string(out), "aws_secret_access_key") {
		t.Logf("git ls-files .. did not lead cat to the credentials (%q)", out)
	}
	rtNotSafe(t, set, work, "git ls-files .. | xargs cat", "git ls-files :/ | xargs cat", `git ls-files ':(top)' | xargs cat`,
		"git grep -l ghp .. | xargs cat", "git -C .. ls-files . | xargs cat", "git diff --name-only HEAD -- .. | xargs cat",
		"git ls-files "+home+" | xargs head")
	rtSafe(t, set, work, "git ls-files | xargs cat", "git ls-files . | xargs wc -l", "git ls-files '*.txt' | xargs grep -l a",
		"git ls-files -z '*.txt' | xargs -0 grep -l a")
}

// /proc/self/cwd (thread-self, task/N, a link to it) was followed from
// guard's process: it named guard's working directory, but the program
// reading it reads its own, where the script's cd led. `cd ~ && cat
// /proc/self/cwd/tok.txt` printed ~/tok.txt's token, judged a read of the
// project's missing tok.txt; `cd ~ && cd /proc/self/cwd && cat tok.txt`
// and a repository's link to /proc/self/cwd did the same. Guard's own cwd,
// fd/N and map_files links are no longer followed.
func TestRedTeam6ProcSelfCwd(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	mustLink(t, "/proc/self/cwd", filepath.Join(proj, "pc"))
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", "cd "+home+" && cat /proc/self/cwd/tok.txt")
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Logf("cat did not read the token through /proc/self/cwd (%q)", out)
		}
	}
	rtNotSafe(t, set, proj, "cd "+home+" && cat /proc/self/cwd/tok.txt", "cd "+home+" && cd /proc/self/cwd && cat tok.txt",
		"cd "+home+" && cat "+proj+"/pc/tok.txt", "cd "+home+" && head -1 < /proc/self/cwd/tok.txt",
		"cd "+home+" && cat /proc/thread-self/cwd/tok.txt", "cd "+home+" && head /proc/self/cwd/*.txt",
		"cd "+home+" && cat /proc/self/cwd/./tok.txt", "cat /proc/self/cwd/a.txt",
		// A .. after the unfollowed link climbs from where it leads, not
		// from /proc/PID (hooks-6 H6-4: read as /proc/tmp/..., safe).
		"cat /proc/self/cwd/../"+filepath.Base(proj)+"/pc/tok.txt", "cat /proc/self/cwd/../../.."+home+"/tok.txt",
		"cat /proc/thread-self/cwd/../../../.."+home+"/tok.txt")
	rtSafe(t, set, proj, "cat a.txt", "cat /proc/self/status", "head -3 /proc/meminfo", "cat /proc/self/root"+proj+"/a.txt")
}

// A ref format's %(raw) prints the object a ref names whole, and a tag can
// name a blob (a clone fetches such tags): `git for-each-ref
// --format='%(raw)'` printed a committed .env's lines where `git cat-file
// -p TAG` is refused ("a file's content named by its id"). The same for
// git tag and git branch --format, and %(*raw).
func TestRedTeam6GitRawFormat(t *testing.T) {
	set, _, proj := rtLab(t)
	if git, err := exec.LookPath("git"); err == nil {
		rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "OPENAI_API_KEY=sk-proj-rtj6raw\n"})
		for _, args := range [][]string{{"init", "-q"}, {"add", ".env"},
			{"-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x"}} {
			cmd := exec.Command(git, args...)
			cmd.Dir = proj
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v: %s", args, err, out)
			}
		}
		blob, _ := exec.Command(git, "-C", proj, "rev-parse", "HEAD:.env").Output()
		exec.Command(git, "-C", proj, "tag", "envtag", strings.TrimSpace(string(blob))).Run()
		out, _ := exec.Command(git, "-C", proj, "for-each-ref", "--format=%(raw)", "refs/tags").Output()
		if !strings.Contains(string(out), "sk-proj-rtj6raw") {
			t.Logf("this git's %%(raw) did not print the blob (%q)", out)
		}
	}
	rtNotSafe(t, set, proj, "git for-each-ref --format='%(raw)'", "git for-each-ref --format '%(raw)' refs/tags",
		"git tag --format='%(*raw)'", "git tag -l --format='%(raw)'", "git branch --format='%(raw)'")
	rtSafe(t, set, proj, "git for-each-ref --format='%(refname) %(objecttype)'", "git for-each-ref", "git tag -l")
}

// zsh's **/ (and ***/, which follows links) matches at any depth, but the
// judge expanded a zsh glob with Go's rules, where ** is *: `zsh -c 'cat
// **/notes.txt'` was judged as */notes.txt, which matched nothing, and zsh
// printed the token deep/er/notes.txt holds. In zsh a ** is not judged now;
// bash (no globstar) reads ** as * and keeps its judgement.
func TestRedTeam6ZshRecursiveGlob(t *testing.T) {
	set, _, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, "deep", "er", "notes.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	if zsh, err := exec.LookPath("zsh"); err == nil {
		cmd := exec.Command(zsh, "-c", "cat **/notes.txt")
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Logf("zsh did not read deep/er/notes.txt through **/ (%q)", out)
		}
	}
	for _, cmd := range []string{"cat **/notes.txt", "cat ***/notes.txt", "head -5 **/*.txt", "grep -h token **/notes.txt"} {
		v := set.Judge([]string{"zsh", "-c", cmd}, proj)
		if v.Class == policy.Safe {
			t.Errorf("zsh -c %q: safe, want asked (zsh's **/ reaches deep/er/notes.txt)", cmd)
		}
	}
	if v := set.Judge([]string{"zsh", "-c", "cat *.txt"}, proj); v.Class != policy.Safe {
		t.Errorf("zsh -c 'cat *.txt': %s (%s), want safe", v.Class, v.Why())
	}
	rtSafe(t, set, proj, "cat **/a.txt")
}

// guard keeps each rule remembered at a prompt ("always") with the exact
// command a person approved, for every project, in user.policy and
// projects/*.policy of its configuration directory: `psql
// postgres://admin:PW@db/prod` approved once in one project was printed to
// the agent in any other by `guard rules list` and `cat
// ~/.config/guard/user.policy`, both safe. They are secret reads now, as
// guard's audit log is.
func TestRedTeam6GuardRulesPrinted(t *testing.T) {
	set, home, proj := rtLab(t)
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	rule := "# guard rule: {\"scope\":\"global\",\"made\":\"2026-12-06T10:00:00Z\",\"kind\":\"exact\"," +
		"\"command\":[\"psql\",\"postgres://admin:rtj6pw@db/prod\"]}\n" +
		"prefix_rule(pattern=[\"psql\", \"postgres://admin:rtj6pw@db/prod\"], decision=\"allow\")\n"
	rtWrite(t, map[string]string{
		filepath.Join(home, ".config", "guard", "user.policy"):             rule,
		filepath.Join(home, ".config", "guard", "projects", "0123.policy"): rule,
		filepath.Join(home, ".config", "guard", "config.toml"):             "mode = \"suggest\"\n",
		filepath.Join(home, ".config", "guard", "projects", "readme.txt"):  "x\n",
		// guard's cache of the evaluated policy holds the same patterns.
		filepath.Join(home, ".cache", "guard", "policies", "%2Fh%2F.config%2Fguard%2Fuser.policy.json"): rule,
	})
	rtNotSafe(t, set, proj, "guard rules list", "guard rules list --json", "guard rules ls",
		"cat ~/.config/guard/user.policy", "head ~/.config/guard/projects/*.policy", "grep -r rtj6pw ~/.config/guard",
		"find ~/.config/guard -name '*.policy' -exec cat {} +", "grep -rh admin ~/.config",
		"cat ~/.cache/guard/policies/*.json", "grep -r rtj6pw ~/.cache")
	rtSafe(t, set, proj, "ls ~/.config/guard", "cat ~/.config/guard/config.toml", "guard which ls")
}
