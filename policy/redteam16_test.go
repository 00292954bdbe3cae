package policy_test

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
	"guard/sandbox/sandboxtest"
)

// The red-team findings on issue 16 (redteam16.md), one test per class:
// each finding's own command and other spellings of its class must not
// run unasked, and the harmless commands next to them still do.

// rtLab makes a home with fake secrets (HOME is set to it) and returns
// the default set, the home and a clean project directory.
func rtLab(t *testing.T) (policy.Set, string, string) {
	t.Helper()
	def, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	home := filepath.Join(root, "home")
	proj := filepath.Join(root, "proj")
	for f, body := range map[string]string{
		"home/.ssh/id_ed25519":     "-----BEGIN OPENSSH PRIVATE KEY-----\n",
		"home/.aws/credentials":    "[default]\naws_secret_access_key=abc\n",
		"home/.docker/config.json": `{"auths":{"r":{"auth":"eDp5"}}}`,
		"home/.kube/config":        "token: abc\n",
		"proj/a.txt":               "hello/world\n",
		"proj/b.txt":               "b\n",
		"proj/src/c.txt":           "c\n",
		"proj/p.json":              `{"env":{"prod":1},"scripts":{"t":"x"}}`,
	} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	policy.UseSecrets(nil) // a fresh walk cache: HOME changed
	return policy.Set{def}, home, proj
}

func rtNotSafe(t *testing.T, set policy.Set, dir string, cmds ...string) {
	t.Helper()
	for _, cmd := range cmds {
		v := set.Judge([]string{"bash", "-c", cmd}, dir)
		s := policy.Decide(&v, policy.Suggest, []string{dir})
		a := policy.Decide(&v, policy.AutoEdit, []string{dir})
		if v.Class == policy.Safe || s.Action == policy.Run || a.Action == policy.Run {
			t.Errorf("%q: %s, suggest %s, auto-edit %s; want asked (%s)", cmd, v.Class, s.Action, a.Action, s.Reason)
		}
	}
}

func rtSafe(t *testing.T, set policy.Set, dir string, cmds ...string) {
	t.Helper()
	for _, cmd := range cmds {
		v := set.Judge([]string{"bash", "-c", cmd}, dir)
		if d := policy.Decide(&v, policy.Suggest, []string{dir}); v.Class != policy.Safe || d.Action != policy.Run {
			t.Errorf("%q: %s, %s (%s); want safe", cmd, v.Class, d.Action, d.Reason)
		}
	}
}

func mustLink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// 1. sed: a delimiter inside [...] is literal to GNU sed, so a regex may
// end later than a naive parse thinks and hide e, w or r.
func TestRedTeamSedBrackets(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`sed -n 's/.*/touch m2 #\//;s/[/]/;s/e;/x/p' a.txt`,
		`sed -n '/[/Ip;s/]/e touch m3;s/g' a.txt`,
		`echo 'touch m #/' | sed -n 's/[/]/;s/e;/x/p'`,
		`sed 's|[|]|x|;e id' a.txt`,
		`sed -n '/a[/]b/p;s/x/y/w out' a.txt`,
		`sed 's/[^/]/;e id;s/x/y/' a.txt`,
		`sed 's/[[:]/X/;e id;s/]//' a.txt`,
		`sed 's/[\/]/;e id;s/x/y/' a.txt`,
		"sed 's/\xb5\\/x/;e id;s/y/z/' a.txt", // GBK: 0xb5 0x5c is one character
	)
	rtSafe(t, set, proj,
		`sed 's/[0-9]*//' a.txt`, `sed -n 's/[[:space:]]*$//p' a.txt`, `sed -n '/^[a-z]/p' a.txt`,
		`sed 's/[]a]/x/' a.txt`, `sed 's/x/[/' a.txt`, `sed -n '1,5p' a.txt`, `sed 's/[A-Z][a-z]*/X/g' a.txt`,
		`sed 's/é/e/' a.txt`,
	)
	// A delimiter that plays a part in the brackets (], ^, : of a class).
	for script, want := range map[string]bool{
		"s]x[a]b]y]": false, "s^[^a]^x^": false, "s:[[:alpha:]]:X:g": false, "s[b[X[": false,
		"s/[[:alpha:]]/X/g": true, "s|[a-z]|X|": true, "s]a]X]": true,
	} {
		if got := policy.SafeSedCommand(script); got != want {
			t.Errorf("SafeSedCommand(%q) = %v, want %v", script, got, want)
		}
	}
	// GNU sed itself: the bracket keeps / literal, so the w flag is real.
	sed, err := exec.LookPath("sed")
	if err != nil {
		sandboxtest.Skip(t, "sed not installed: the bracket case is proven with it")
	}
	mark := filepath.Join(proj, "mark")
	script := "s/[/]/;s/w " + mark
	if policy.SafeSedCommand(script) {
		t.Errorf("SafeSedCommand(%q) = true", script)
	}
	cmd := exec.Command(sed, "-n", script)
	cmd.Stdin = strings.NewReader("a/b\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		sandboxtest.Skipf(t, "this sed does not read brackets as GNU sed does: %v %s", err, out)
	}
	if _, err := os.Stat(mark); err != nil {
		sandboxtest.Skipf(t, "this sed did not write through the hidden w flag: %v", err)
	}
}

// 2, 3. gawk reaches ARGV/ENVIRON/PROCINFO through SYMTAB and FUNCTAB;
// /inet special files open connections.
func TestRedTeamAwk(t *testing.T) {
	set, home, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`gawk 'BEGIN{SYMTAB["ARG" "V"][1]="`+home+`/.ssh/id_ed25519"} {print}' a.txt`,
		`gawk 'BEGIN{print SYMTAB["ENVI" "RON"]["MYTOKEN"]}'`,
		`awk '{print SYMTAB["PROC" "INFO"]["pid"]}' a.txt`,
		`awk 'BEGIN{for (f in FUNCTAB) print f}'`,
		`awk 'BEGIN{bindtextdomain("/tmp")}'`,
		`gawk '{print}' /inet/tcp/0/127.0.0.1/18081`,
		`awk '{print}' a.txt /inet4/udp/0/127.0.0.1/53`,
		`awk '{print}' /inet6/tcp/0/::1/80`,
		`awk '{print}' //inet/tcp/0/127.0.0.1/80`,
		`cd / && awk '{print}' inet/tcp/0/127.0.0.1/80`,
		`cat /inet/tcp/0/127.0.0.1/80`,
	)
	rtSafe(t, set, proj, `awk '{print $1}' a.txt`, `awk -F/ '{n++} END {print n}' a.txt`, `gawk 'NR>1' a.txt`)
}

// 4. find's -H, -L, -P (and -D, -O) come before the starting points.
func TestRedTeamFindStartOptions(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`find -H ~ -type f -exec cat {} +`,
		`find -P ~/.ssh -type f -exec grep -H . {} +`,
		`find -L ~ -type f -exec head {} +`,
		`find -L -O2 ~/.aws -exec cat {} \;`,
		`find -H "$HOME" -name credentials -exec grep -H . {} +`,
		`find -P ~ | xargs cat`,
	)
	rtSafe(t, set, proj, `find -L . -name '*.txt' -exec cat {} +`, `find -H src -type f`)
}

// 5. A symlink in a tree is what it leads to; linked directories are walked.
func TestRedTeamTreeSymlinks(t *testing.T) {
	set, home, proj := rtLab(t)
	dir := filepath.Join(filepath.Dir(proj), "links")
	mustWrite(t, filepath.Join(dir, "a.txt"), "a\n")
	mustLink(t, filepath.Join(home, ".ssh/id_ed25519"), filepath.Join(dir, "notes"))
	mustLink(t, filepath.Join(home, ".aws"), filepath.Join(dir, "cfg"))
	mustLink(t, "/proc/self/environ", filepath.Join(dir, "sub/env.txt"))
	mustLink(t, filepath.Join(home, ".kube"), filepath.Join(dir, "deep/k"))
	rtNotSafe(t, set, dir,
		`find . -exec cat {} +`, `find . -name '*.txt' -exec cat {} +`, `find . -name notes -exec cat {} +`,
		`find -L . -type f -exec cat {} +`, `grep -R . .`, `grep -r . .`, `ls | xargs cat`,
		`find -L . -name credentials -exec cat {} +`, `find . | xargs grep -h .`, `grep -rn x deep`,
		`rg -L x .`, `rg --follow x`, `cat *`, `head -n 5 sub/*.txt`, `for f in c*/*; do cat "$f"; done`,
	)
	// Only the links: a directory that links to a tree without secrets is walked and found clean.
	clean := filepath.Join(filepath.Dir(proj), "clean")
	mustWrite(t, filepath.Join(clean, "a.txt"), "a\n")
	mustLink(t, proj, filepath.Join(clean, "proj"))
	mustLink(t, clean, filepath.Join(clean, "loop")) // a cycle ends
	rtSafe(t, set, clean, `grep -R x .`, `find . -exec cat {} +`)
	rtSafe(t, set, dir, `find . -name a.txt -exec cat {} +`)
}

// 6. The commands find -exec runs are judged in full; {} inside a word
// that names a file is not judged.
func TestRedTeamFindExec(t *testing.T) {
	set, home, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`find . -name a.txt -exec grep -r . `+home+` {} +`,
		`find . -name b.txt -exec grep -f ~/.ssh/id_ed25519 {} +`,
		`find . -name b.txt -exec grep --file=`+home+`/.ssh/id_ed25519 {} +`,
		`find `+proj+` -maxdepth 0 -exec cat {}/../home/.aws/credentials {}/../home/.kube/config \;`,
		`find `+proj+` -maxdepth 0 -exec grep -r aws {}/../home \;`,
		`find . -name a.txt -exec grep -f {}/x hi {} \;`,
		`find . -exec grep --exclude-from=`+home+`/.ssh/id_ed25519 x {} +`,
		`find . -name a.txt -exec cat {}.bak \;`,
	)
	// A reader that recurses below a directory found by name reads more than -name selects.
	mustWrite(t, filepath.Join(proj, "src/.env"), "API_KEY=x\n")
	policy.UseSecrets(nil) // the walks of proj so far are stale
	rtNotSafe(t, set, proj, `find . -name src -exec grep -r x {} +`, `find . -type d -name src -exec grep -R . {} +`,
		`find . -name src -exec grep -d recurse x {} \;`, `find . -name src | xargs grep -rn x`)
	rtSafe(t, set, proj,
		`find . -name '*.txt' -exec grep -n hello {} +`, `find . -name '*.txt' -exec grep -l "x.*{}" {} \;`,
		`find . -name a.txt -exec cat {} \;`, `find . -name '*.txt' -exec wc -l {} +`,
	)
}

// 7. xargs's input words may be options or any path.
func TestRedTeamXargsInput(t *testing.T) {
	set, home, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`echo `+home+`/.aws | xargs -I{} cat {}/credentials`,
		`echo src | xargs -I % head %/c.txt`,
		`echo `+home+` | xargs grep -r aws_`,
		`echo -C -m m.txt | xargs file`,
		`echo --files0-from=list | xargs wc`,
		`echo -f `+home+`/.ssh/id_ed25519 a.txt | xargs grep -h .`,
		`cat list | xargs grep hi`,
		`find . -name '*.txt' -printf '`+home+`/.ssh/id_ed25519\n' | xargs cat`,
		`find . -ls | xargs grep x`,
		`find ~/.ssh | xargs -l grep .`, `cat list | xargs -x grep x`, `find ~/.ssh | xargs -o -l1 grep .`,
		`find . -exec grep x {} \; -o -name "-l" | xargs grep y`, `ls -l | xargs grep x`, `ls -la | xargs cat`,
		`grep -r hello . | xargs cat`, `rg hello | xargs head`, `grep -rh hello src | xargs grep -n x`,
		`git log --format=%s | xargs cat`, `git show HEAD:a.txt | xargs cat`, `git diff | xargs grep x`,
		`sudo xargs grep -r x < list`, `find ~/.ssh | sudo xargs cat`, `sudo -n xargs -l grep x < list`,
	)
	// A name in the tree that xargs would split or read as an option.
	odd := filepath.Join(filepath.Dir(proj), "odd")
	mustWrite(t, filepath.Join(odd, "a.txt"), "a\n")
	mustWrite(t, filepath.Join(odd, "x -f y.txt"), "a\n")
	rtNotSafe(t, set, odd, `find . -name '*.txt' | xargs grep -n a`, `ls | xargs grep a`, `ls | xargs wc -l`)
	odd2 := filepath.Join(filepath.Dir(proj), "odd2")
	mustWrite(t, filepath.Join(odd2, "-r"), "a\n")
	rtNotSafe(t, set, odd2, `ls | xargs grep a`)
	// xargs alone: stdin is not known.
	if v := set.Judge([]string{"xargs", "grep", "x"}, proj); v.Class == policy.Safe {
		t.Errorf("xargs grep x (argv): safe")
	}
	rtSafe(t, set, proj,
		`find . -name '*.txt' | xargs grep -n hello`, `find . -name '*.txt' | xargs wc -l`,
		`find . -name '*.txt' | xargs -I{} wc -l {}`, `ls | xargs cat`, `find src -name '*.txt' | sort | xargs grep -l c`,
		`echo a.txt b.txt | xargs wc -l`, `find . -name '*.txt' -exec grep -l hello {} \; | xargs grep -l w`,
		`grep -rl hello . | xargs grep -n w`,
	)
}

// 8. After a cd that may not run or may fail, the directory is not known:
// globs and relative paths are judged in every directory it may be.
func TestRedTeamUncertainCd(t *testing.T) {
	set, _, proj := rtLab(t)
	dir := filepath.Join(filepath.Dir(proj), "d8")
	for _, f := range []string{"-delete", "k1", "k2", "clean/x", "clean/y"} {
		mustWrite(t, filepath.Join(dir, f), "")
	}
	mustWrite(t, filepath.Join(dir, "clean/sub/.npmrc"), "//r/:_authToken=npm_abcdefabcdefabcdef0123456789\n")
	rtNotSafe(t, set, dir,
		`if false; then cd clean; fi; for f in *; do find "$f" -name x; done`,
		`false && cd clean; for f in *; do find "$f" -name x; done`,
		`cd k1 2>/dev/null; for f in *; do find "$f" -name x; done`,
		`cd /nonexist; for f in *; do find "$f" -name x; done`,
		`cd /nonexist; find * -name x`,
		`cd clean || true; ls *`,
		`for f in *; do cd clean && find "$f" -name x; done`,
		`for f in k*; do (cd clean; find "$f" -name x); done`,
		`cd /nonexist; cd clean/sub 2>/dev/null; grep -r x .`,
		`cd clean 2>/dev/null; find . -name x | xargs grep -n y`,
	)
	// A later round of a loop starts where the round before cd'd to.
	evil := filepath.Join(filepath.Dir(proj), "d9")
	for _, f := range []string{"a", "evil/-delete", "evil/k"} {
		mustWrite(t, filepath.Join(evil, f), "")
	}
	rtNotSafe(t, set, evil, `for i in 1 2; do find * -name x; cd evil; done`, `for i in 1 2; do ls; cd evil 2>/dev/null; done; find * -name x`)
	// The secret may be where the cd did not go.
	rtNotSafe(t, set, filepath.Join(dir, "clean/sub"), `cd `+proj+` 2>/dev/null; ls -a | xargs cat`, `cd /nonexist; echo .npmrc | xargs cat`,
		`cd `+proj+` 2>/dev/null; cat < .npmrc`)
	rtSafe(t, set, dir, `cd clean && find * -name x`, `cd clean; cat x`, `for f in k*; do cat "$f"; done`)
	// bash: the glob of a loop after a cd that did not run expands where the script started.
	out, err := exec.Command("bash", "-c", `cd "$1"; if false; then cd clean; fi; for f in *; do echo "$f"; done`, "x", dir).Output()
	if err != nil {
		sandboxtest.Skipf(t, "bash not runnable: %v", err)
	}
	if !strings.Contains(string(out), "-delete") {
		t.Errorf("bash expanded * to %q, want the starting directory's names", out)
	}
}

// 9. An inner loop that rebinds the loop variable.
func TestRedTeamLoopRebind(t *testing.T) {
	set, home, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`for f in *.txt; do for f in `+home+`/.aws/cred*; do echo; done; cat "$f"; done`,
		`for f in a.txt; do for f in ~/.docker; do true; done; cat "$f"/config.json; done`,
		`for f in a.txt; do if true; then for f in ~/.kube; do :; done; fi; cat "$f/config"; done`,
		`for f in a.txt; do { for f in ~/.ssh/id_ed25519; do :; done; }; head "$f"; done`,
	)
	rtSafe(t, set, proj, `for f in *.txt; do for g in src/*; do cat "$f" "$g"; done; done`)
	out, err := exec.Command("bash", "-c", `for f in a; do for f in b; do :; done; echo "$f"; done`).Output()
	if err == nil && strings.TrimSpace(string(out)) != "b" {
		t.Errorf("bash: the outer variable after the inner loop is %q, want b", out)
	}
}

// 10. test/[ comparisons on an environment value are an oracle.
func TestRedTeamTestOracle(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`for c in a b c; do [ "$DB_PASS" \< "$c" ] && echo "$c"; done`,
		`[ "$FOO" = abc ]`, `test "$FOO" != x`, `[ "$FOO" -lt 5 ]`, `[ "$FOO" \> m ] && echo y`,
		`[ -n "$FOO" -a "$FOO" = x ]`, `test x = "$FOO"`,
		`echo $DB_PASS`, `echo $REDIS_URL`, `echo $MONGODB_URI`, `echo "$SLACK_WEBHOOK_URL"`, `[ -n "$DB_PASS" ]`,
		`echo $POSTGRES_URL`, `echo $SMTP_PASS`, `echo $CELERY_BROKER_URL`, `echo $AWS_CREDS`,
	)
	rtSafe(t, set, proj, `[ -z "$FOO" ]`, `[ -n "$FOO" ] && echo set`, `[ ! -z "$FOO" ]`, `[ "$FOO" ]`,
		`test -f "$FOO"`, `echo $HOME`)
}

// 11. Files that are secrets by their content, through globs, loops, find
// and grep -r (whose walk checks .git/config).
func TestRedTeamContentSecrets(t *testing.T) {
	set, _, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, ".git/config"), "[remote \"o\"]\n\turl = https://u:ghp_abcdefabcdefabcdefabcdef0123456789@github.com/x/y\n")
	rtNotSafe(t, set, proj,
		`cat .git/c*`, `for f in .git/c*; do cat "$f"; done`, `for f in .g*/c*; do cat "$f"; done`, `grep -r github .`,
		`find . -name config -exec cat {} +`, `find . -exec cat {} +`, `cat .git/conf[i]g`,
	)
	np := filepath.Join(filepath.Dir(proj), "np")
	mustWrite(t, filepath.Join(np, ".npmrc"), "//registry.npmjs.org/:_authToken=npm_abcdefabcdefabcdef0123456789\n")
	mustWrite(t, filepath.Join(np, "a.txt"), "a\n")
	rtNotSafe(t, set, np, `cat .np*`, `head .n?mrc`, `grep -rn a .`, `find . -exec cat {} +`, `find . | xargs cat`)
	rtSafe(t, set, np, `cat a.txt`, `find . -name a.txt -exec cat {} +`)
	sm := filepath.Join(filepath.Dir(proj), "sm")
	mustWrite(t, filepath.Join(sm, ".git/modules/lib/config"), "[remote \"o\"]\n\turl = https://u:ghp_abcdefabcdefabcdefabcdef0123456789@github.com/x/y\n")
	mustWrite(t, filepath.Join(sm, "a.txt"), "a\n")
	rtNotSafe(t, set, sm, `grep -r github .`, `cat .git/modules/*/config`)
	xdg := filepath.Join(filepath.Dir(proj), "xdg")
	mustWrite(t, filepath.Join(xdg, ".config/git/config"), "[http]\n\textraheader = AUTHORIZATION: basic eDp5enp6enp6enp6\n")
	rtNotSafe(t, set, xdg, `grep -r . .`, `find . -name config -exec cat {} +`)
}

// 12. A read of a path an earlier command moved, linked or copied.
func TestRedTeamMovedThenRead(t *testing.T) {
	set, _, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, ".env"), "API_KEY=sk-abc\n")
	rtNotSafe(t, set, proj,
		`ln -s .env notes.txt && cat notes.txt`, `mv .env notes.txt && cat notes.txt`,
		`mv .env notes.txt; head -1 < notes.txt`, `ln -s ~/.ssh k && grep -r . .`,
		`for f in *.txt; do cat x; ln -s .env x; done`, `for f in *.txt; do head n; git mv .env n; done`,
		`for i in 1 2; do cat n; ln -s .env n; done`, `ln -s .env n; cd src 2>/dev/null; cat n`,
		`ln -s ~/.ssh k; find . -exec cat {} +`, `ln -s ~/.ssh src/k; find src -name k -exec grep . {} +`,
		`ln -s ~/.ssh k; grep -r x`, `ln -s ~/.ssh k; rg x`, `ln -s ~/.aws k && git grep aws`,
		`cp -P .env x 2>/dev/null; cat x`, `git mv .env notes.txt && cat notes.txt`, `git -C . mv .env n; nl n`, `ln -s ~/.ssh k; ls | xargs cat`, `mkdir d && ln .env d/n && grep . d/n`,
	)
}

// 13. jq filters that read the environment or other files.
func TestRedTeamJq(t *testing.T) {
	set, home, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`jq -n env`, `jq -n '$ENV'`, `jq -n '$ENV.HOME'`, `jq -r '.a | env.HOME' p.json`, `jq '"\(env.X)"' p.json`,
		`cat p.json | jq env`, `jq -n 'import "`+home+`/.docker/config" as $c; $c'`, `jq 'include "x"; .' p.json`,
		`jq -r input_filename p.json`, `jq -n '$__prog_args'`, `jq -n get_search_list`,
	)
	rtSafe(t, set, proj, `jq .env p.json`, `jq '.["env"]' p.json`, `jq '.env.prod' p.json`, `jq '.scripts | keys[]' p.json`)
}

// 14. npm reads a project's .npmrc, which can say where it writes.
func TestRedTeamNpmrc(t *testing.T) {
	set, _, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, "package.json"), `{"name":"x","version":"1.0.0"}`)
	mustWrite(t, filepath.Join(proj, "sub/x"), "")
	mustWrite(t, filepath.Join(proj, ".npmrc"), "registry=https://r.example\n//r.example/:_authToken=abc\n")
	rtSafe(t, set, proj, `npm ls`, `npm pkg get version`, `npm run`)
	for _, key := range []string{"logs-dir=/tmp/x", "cache=/tmp/c", "prefix=/tmp/p", "userconfig=/tmp/u", "script-shell=/bin/x", "proxy=http://h"} {
		mustWrite(t, filepath.Join(proj, ".npmrc"), "registry=https://r.example\n"+key+"\n")
		rtNotSafe(t, set, proj, `npm run`, `npm pkg get version`, `cd sub && npm ls`, `npm --version`)
	}
}

// 15. zgrep -r (macOS's zgrep is grep) and diff -r walk trees.
func TestRedTeamRecursiveReaders(t *testing.T) {
	set, home, proj := rtLab(t)
	rtNotSafe(t, set, proj, `zgrep -r aws `+home, `zegrep -R x ~`, `diff -rN ~ src`, `diff -r src `+home)
	rtSafe(t, set, proj, `zgrep x a.txt`, `diff -r src src`, `zgrep -r x src`)
}

// TestSedAgreesWithGNUSed: scripts built at random from fragments that
// test where a regex, a bracket or a part ends; every one SafeSedCommand
// accepts is compiled by GNU sed (--debug prints the program it parsed, one
// command a line, which must hold only printing commands) and run on lines
// its regexes match, in an empty directory that must stay empty (a w file,
// or the touch an e command or flag runs, would appear there).
func TestSedAgreesWithGNUSed(t *testing.T) {
	sed, err := exec.LookPath("sed")
	if err != nil {
		sandboxtest.Skip(t, "sed not installed")
	}
	if out, err := exec.Command(sed, "--debug", "-n", "p").CombinedOutput(); err != nil || !strings.Contains(string(out), "SED PROGRAM") {
		sandboxtest.Skipf(t, "this sed has no --debug (GNU sed 4.6+): %v", err)
	}
	frags := []string{
		"s/a/b/", "s/[/]/", "s|[|]|x|", "s/[^/]*//", "/[/]/p", "s/e;/x/p", "s/x/y/w f", "e touch em", "p", `s/\//x/g`,
		"y/ab/cd/", "$p", "1,3d", "/a/,/b/p", "s/[[:space:]]*//", ";", "[", "]", `\`, "/", "s", "e", "w f", "x", "I",
		"g", "\n", "s/[]/]/x/", "s/[^]/]/x/", "/[[:alpha:]/]/p", "s:[[:alpha:]]:X:", "s]a]b]", "s^[^a]^x^", "[:", ":]",
		"s/a/[/]/", "y/[/]/", "/x/I", "!", "q", "l", "=", " ", "s/a/b/e", "/a/s/b/c/w g", "s,[,],x,", `\n`, "{", "}",
		"s/.*/touch em2 #\\//", "s/^/touch em3 #/", "#",
	}
	input := "touch em4 #/ a b e; x [ ] : ^ , | /\nab/ba\n[x]\n"
	dir := t.TempDir()
	seen := map[string]bool{}
	checked := 0
	// The red-team's scripts first, then random ones.
	fixed := []string{
		`s/.*/touch em #\//;s/[/]/;s/e;/x/p`, `/[/Ip;s/]/e touch em;s/g`, `s/[/]/;s/e;/x/p`, `s/[/]/;s/w f;/x/p`,
		`s/^/touch em #/;s|[|]|;s|e;|x|p`, `s/^/touch em #/;s/[^/]/;s/e;/x/p`, `/[/]/p;s/a/b/w f`,
	}
	r := rand.New(rand.NewPCG(16, 1))
	for i := 0; i < 20000+len(fixed); i++ {
		var b strings.Builder
		if i < len(fixed) {
			b.WriteString(fixed[i])
		}
		for n := 1 + r.IntN(5); i >= len(fixed) && n > 0; n-- {
			b.WriteString(frags[r.IntN(len(frags))])
			if r.IntN(3) == 0 {
				b.WriteString(";")
			}
		}
		script := b.String()
		if seen[script] || !policy.SafeSedCommand(script) {
			continue
		}
		seen[script] = true
		checked++
		cmd := exec.Command(sed, "--debug", "-n", "-e", script)
		cmd.Dir, cmd.Stdin = dir, strings.NewReader("")
		out, err := cmd.CombinedOutput()
		if err != nil {
			continue // sed refuses it: nothing runs
		}
		for _, line := range strings.Split(string(out), "\n")[1:] {
			if strings.Contains(script, `\`) {
				break // a \n in a replacement is a newline there: --debug's lines are not commands
			}
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if why := sedDebugLine(line); why != "" {
				t.Errorf("SafeSedCommand(%q) = true, but GNU sed parsed %q: %s", script, line, why)
			}
		}
		run := exec.Command(sed, "-e", script)
		run.Dir, run.Stdin = dir, strings.NewReader(input)
		_ = run.Run()
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("SafeSedCommand(%q) = true, but GNU sed made %s", script, entries[0].Name())
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}
	t.Logf("%d accepted scripts compiled and run by GNU sed", checked)
	if checked < 20 {
		t.Errorf("only %d scripts accepted: the generator no longer covers the printing forms", checked)
	}
}

// sedDebugLine says what is wrong with one command of sed --debug's
// program, or "": an address (/re/ with \/ escapes, line numbers, $, ~, +,
// a range, !) and one of the printing commands or s or y (whose flags the
// run checks: --debug does not escape a replacement's /).
func sedDebugLine(l string) string {
	i := 0
	addr := func() {
		switch {
		case i < len(l) && l[i] == '/':
			for i++; i < len(l) && l[i] != '/'; i++ {
				if l[i] == '\\' {
					i++
				}
			}
			i++
			for i < len(l) && (l[i] == 'I' || l[i] == 'M') {
				i++
			}
		default:
			for i < len(l) && strings.IndexByte("0123456789$~+", l[i]) >= 0 {
				i++
			}
		}
	}
	addr()
	if i < len(l) && l[i] == ',' {
		i++
		addr()
	}
	if i < len(l) && l[i] == '!' {
		i++
	}
	for i < len(l) && l[i] == ' ' {
		i++
	}
	if i >= len(l) {
		return "no command"
	}
	switch c := l[i]; c {
	case 'p', 'P', 'l', '=', 'd', 'D', 'n', 'N', 'g', 'G', 'h', 'H', 'x', 'q', 'Q', 'y', 's':
		return ""
	case 'a', 'i', 'c':
		return "" // text to the end of the line (a script with a backslash is not compared)
	default:
		return "command " + string(c)
	}
}
