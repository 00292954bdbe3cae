package policy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// The fourth red team of the judge (docs/redteam/judge-4.md): one test per class, each
// failing on the code before its fix.

// A glob is expanded by reading directories: `cat /*/*/*/*/*/*/x` (19
// bytes) read every directory six levels down and ran guard for minutes and
// a gigabyte; a glob over 15,000 files repeated in a script cost a second a
// command. A judgement now reads a bounded number of entries for its globs
// (past it the command is unverified) and expands each pattern once.
func TestRedTeam4GlobBudget(t *testing.T) {
	set, _, proj := rtLab(t)
	wide := filepath.Join(proj, "wide")
	for d := range 120 {
		dir := filepath.Join(wide, fmt.Sprintf("d%d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := range 180 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.txt", f)), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	rtNotSafe(t, set, proj, "cat wide/*/*/x", "cat wide/*/f1.txt", "grep -n x wide/*/*", "wc -l < wide/*/*/x",
		"for f in wide/*/*; do cat \"$f\"; done", "head -1 wide/d*/*.txt")
	// Within the budget, and the same glob many times over.
	rtSafe(t, set, proj, "cat wide/d1/*", "ls wide/*", "cat wide/d7/f1*.txt",
		strings.Repeat("grep -c x wide/d3/*; ", 300)+"true")
}

// test and [ with a plain $NAME were taken to only answer with their exit
// status, but unquoted the value splits into more words: a file named
// `x -o -v a[$(>PWNED)]` from a loop's glob made `[ -f $f ]` into
// `[ -f x -o -v 'a[$(>PWNED)]' ]`, and test -v evaluates the subscript:
// bash created PWNED. Only a double-quoted "$NAME" is accepted now.
func TestRedTeam4TestSplitsValue(t *testing.T) {
	set, _, proj := rtLab(t)
	dir := filepath.Join(proj, "planted")
	rtWrite(t, map[string]string{filepath.Join(dir, "x -o -v a[$(>PWNED)]"): "", filepath.Join(dir, "b.txt"): ""})
	script := `for f in *; do [ -f $f ] && echo "$f"; done`
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", script)
		cmd.Dir = dir
		_ = cmd.Run()
		if _, err := os.Stat(filepath.Join(dir, "PWNED")); err != nil {
			t.Errorf("bash did not run the planted name's command: the attack changed (%v)", err)
		}
		os.Remove(filepath.Join(dir, "PWNED"))
	}
	rtNotSafe(t, set, dir, script, `for f in *; do test -e $f; done`, `for f in *.txt; do [ $f ]; done`,
		`[ -n $X ]`, `test $X`, `[ ! -z ${X} ]`, `for x in "-v a[\$(>P)]"; do [ $x ]; done`, `test -f $HOME_DIR`)
	rtSafe(t, set, dir, `[ -n "$X" ]`, `test -z "${X}"`, `[ ! -z "$X" ]`, `[ "$X" ]`, `echo $X`)
}

// The judge re-read a word's quote-removed text as brace and glob syntax:
// `cat {x,y}"{1,2}"` was judged as x1 x2 y1 y2 (bash reads `x{1,2}`),
// `cat *\[x\]` with the bracket expression [x] (bash: the name `a[x]`), and
// `cat notes.{txt},md}` as one literal word (bash matches its braces its
// own way: notes.txt} and notes.md). A repository can carry links by those
// names to a key: each printed it. The shell parser now expands braces and
// writes glob patterns with the quotes in place (TestBracesMatchBash).
func TestRedTeam4QuotedPatterns(t *testing.T) {
	set, home, proj := rtLab(t)
	dir := filepath.Join(proj, "links")
	key := filepath.Join(home, ".ssh", "id_ed25519")
	for _, name := range []string{"x{1,2}", "notes.txt}", "a[x]", "b*c", "c?d", `e\f`} {
		mustLink(t, key, filepath.Join(dir, name))
	}
	rtWrite(t, map[string]string{filepath.Join(dir, "ax"): "", filepath.Join(dir, "x1"): "", filepath.Join(dir, "bzc"): "",
		filepath.Join(dir, "p.txt"): "", filepath.Join(dir, "q.txt"): ""})
	attacks := []string{`cat {x,y}"{1,2}"`, `cat x'{1,2}'`, `cat notes.{txt},md}`, `cat *\[x\]`,
		`cat *"[x]"`, `cat ?'[x]'`, `cat b"*"c`, `cat ?"*"?`, `cat c"?"d`, `cat e'\'f`, `cat e"\\"?`, `wc -l < *"[x]"`,
		`head -1 {p,a}"[x]"`}
	if bash, err := exec.LookPath("bash"); err == nil {
		for _, a := range attacks[:3] {
			cmd := exec.Command(bash, "-c", a)
			cmd.Dir = dir
			out, _ := cmd.Output()
			if !strings.Contains(string(out), "PRIVATE KEY") {
				t.Errorf("bash -c %q did not print the key: the attack changed (%q)", a, out)
			}
		}
	}
	rtNotSafe(t, set, dir, attacks...)
	rtSafe(t, set, dir, `cat {p,q}.txt`, `cat *.txt`, `cat "p".tx?`, `ls -l {p,q}.txt`, `cat 'p'.{txt,txt}`, `ls a*`,
		`grep -n x --include=*.{go,md} -r ../src`)
}

// A glob through a link and `..`: filepath.Glob named its matches with
// filepath.Join, which cleans link/../x into x, so `cat link/../t*.txt`
// (link -> ~/sub) was judged as the project's tok.txt, which is not there,
// while the kernel climbed out of the link's target and cat printed
// ~/tok.txt's token. Matches are named as the kernel finds them now.
func TestRedTeam4GlobThroughLink(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		filepath.Join(home, "sub", "x"): "", filepath.Join(home, ".config", "gh", "hosts.yml"): "oauth_token: gho_x\n"})
	mustLink(t, filepath.Join(home, "sub"), filepath.Join(proj, "link"))
	attacks := []string{`cat link/../t*.txt`, `cat link/../tok.tx?`, `head link/../tok*`, `cat ./link/../*.txt`,
		`for f in link/../t*; do cat "$f"; done`, `cat link/../*/../tok.txt`, `cd link && cat ../t*`}
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", attacks[0])
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash -c %q did not print the token: the attack changed (%q)", attacks[0], out)
		}
	}
	rtNotSafe(t, set, proj, attacks...)
	rtSafe(t, set, proj, `ls link/../*`, `cat link/x*`, `cat src/c*`)
	// diff DIR FILE reads DIR/FILE's name, joined the same way: `diff
	// link/.. tok.txt` printed ~/tok.txt beside the project's tok.txt.
	rtWrite(t, map[string]string{filepath.Join(proj, "tok.txt"): "harmless\n"})
	rtNotSafe(t, set, proj, `diff link/.. tok.txt`, `diff tok.txt link/..`, `diff --from-file=link/.. tok.txt`)
	rtSafe(t, set, proj, `diff src a.txt`)
}

// A file named as the operand of find or of the command feeding xargs is
// read whole by what runs on it, but the walk judged it by name only:
// `find ~/tok.txt -exec cat {} +` and `ls ~/tok.txt | xargs cat` printed a
// ghp_ token that `cat ~/tok.txt` is asked about for. (A tree's files are
// still judged by name: a documented limit.)
func TestRedTeam4FileOperandContent(t *testing.T) {
	set, home, proj := rtLab(t)
	tok := filepath.Join(home, "tok.txt")
	rtWrite(t, map[string]string{tok: "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	rtNotSafe(t, set, proj, "cat "+tok, "find "+tok+" -exec cat {} +", "find "+tok+" -exec grep -H . {} +",
		"ls "+tok+" | xargs cat", "find "+tok+" | xargs cat")
	rtSafe(t, set, proj, "find a.txt -exec cat {} +", "ls a.txt | xargs cat", "find src -name '*.txt' -exec cat {} +")
}

// cd -P resolves links, so a later `cd ..` goes to the target's parent;
// the parser cleaned the path lexically: `cd -P link && cd .. && cat
// tok.txt` (link -> ~/sub) was judged as the project's tok.txt and printed
// ~/tok.txt's token. A cd whose last of -L/-P is -P (or with -@) leaves the
// directory unknown now.
func TestRedTeam4CdPhysical(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		filepath.Join(home, "sub", "x"): ""})
	mustLink(t, filepath.Join(home, "sub"), filepath.Join(proj, "link"))
	attacks := []string{`cd -P link && cd .. && cat tok.txt`, `cd -P link; cd ..; cat tok.txt`,
		`cd link && cd -P .. && cat tok.txt`, `cd -P link/.. && cat tok.txt`, `cd -L -P link && cd .. && cat tok.txt`,
		`cd -Pe link && cd .. && head tok.txt`}
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", attacks[0])
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash -c %q did not print the token: the attack changed (%q)", attacks[0], out)
		}
	}
	rtNotSafe(t, set, proj, attacks...)
	rtSafe(t, set, proj, `cd -L src && cat c.txt`, `cd -P -L src && cd .. && cat a.txt`)
	// bash's default logical cd goes to the project; with set -P in the
	// user's start-up files (zsh: CHASE_LINKS), to ~ (judge-25).
	rtNotSafe(t, set, proj, `cd link && cd .. && cat a.txt`, `cd -P -L link && cd .. && cat a.txt`)
}

// bash's logical cd goes to the path with .. cleaned away only when that
// is there; else it chdirs to the path as written, where .. is the parent
// of a link's target: `cd link/../sub && cat ../tok.txt` (no sub in the
// project, link -> ~/sub) printed ~/tok.txt's token while the parser said
// the project's sub. Such a cd to a directory that is not there now leaves
// the directory unknown; one that is there is followed as before.
func TestRedTeam4CdClimbFallback(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		filepath.Join(home, "sub", "x"): ""})
	mustLink(t, filepath.Join(home, "sub"), filepath.Join(proj, "link"))
	attacks := []string{`cd link/../sub && cat ../tok.txt`, `cd link && cd ../sub && cat ../tok.txt`,
		`cd link/../sub; cd ..; cat tok.txt`, `cd link/../sub && head $PWD/../tok.txt`}
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", attacks[0])
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash -c %q did not print the token: the attack changed (%q)", attacks[0], out)
		}
	}
	rtNotSafe(t, set, proj, attacks...)
	rtSafe(t, set, proj, `cd src && cat c.txt && cd .. && cat a.txt`, `cd src/../src && cat c.txt`)
	// The project to bash's default logical cd, ~ with set -P (judge-25).
	rtNotSafe(t, set, proj, `cd link/.. && cat a.txt`)
}

// The starting directory as guard is given it may name a link (the
// agent's $PWD, ~/plink -> the project): bash's `cd ..` goes to the link's
// parent, the judge took the target's: `cd .. && cat tok.txt` printed
// ~/tok.txt's token. A script's cds are now joined onto the starting
// directory and cleaned, as bash's logical cd does.
func TestRedTeam4LogicalStart(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	start := filepath.Join(home, "plink")
	mustLink(t, proj, start)
	attacks := []string{`cd .. && cat tok.txt`, `cd ../ && head -1 tok.txt`, `cd .. && cat t*.txt`}
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", attacks[0])
		cmd.Dir, cmd.Env = start, []string{"PWD=" + start, "PATH=/usr/bin:/bin"}
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash -c %q in %s did not print the token: the attack changed (%q)", attacks[0], start, out)
		}
	}
	rtNotSafe(t, set, start, attacks...)
	rtSafe(t, set, start, `cat a.txt`, `cd src && cat c.txt`)
	// ~ to bash's default logical cd, the project's parent with set -P
	// (judge-25).
	rtNotSafe(t, set, start, `cd .. && ls`)
}

// dash reads [^a] as the set of ^ and a (bash: "not a"), and guard read
// it as bash does: `sh -c 'cat [^a]uth.json'` was judged as a glob that
// matches nothing, and dash printed auth.json. In sh such a bracket is
// unknown now; bash's reading is kept for bash.
func TestRedTeam4DashCaretBracket(t *testing.T) {
	set, _, proj := rtLab(t)
	dir := filepath.Join(proj, "cfg")
	rtWrite(t, map[string]string{filepath.Join(dir, "auth.json"): `{"token":"x"}`, filepath.Join(dir, "notes.txt"): ""})
	if dash, err := exec.LookPath("dash"); err == nil {
		cmd := exec.Command(dash, "-c", "cat [^a]uth.json")
		cmd.Dir = dir
		if out, _ := cmd.Output(); !strings.Contains(string(out), "token") {
			t.Errorf("dash did not read auth.json for [^a]uth.json: the attack changed (%q)", out)
		}
	}
	for _, src := range []string{`cat [^a]uth.json`, `head [^a]*`, `for f in [^a]uth*; do cat "$f"; done`} {
		v := set.Judge([]string{"sh", "-c", src}, dir)
		if d := policy.Decide(&v, policy.Suggest, []string{dir}); v.Class == policy.Safe || d.Action == policy.Run {
			t.Errorf("sh -c %q: %s, %s; want asked", src, v.Class, d.Action)
		}
	}
	for _, src := range []string{`cat [!a]otes.txt`, `cat [n]otes.txt`, `cat "[^a]"uth.json`} {
		v := set.Judge([]string{"sh", "-c", src}, dir)
		if v.Class != policy.Safe {
			t.Errorf("sh -c %q: %s (%s); want safe", src, v.Class, v.Reason)
		}
	}
	rtSafe(t, set, dir, `cat [^a]otes.txt`)
}

// A recursive reader's tree given as a glob was walked under its literal
// name (none): `grep -r aws_secret ~/.a*` read ~/.aws/credentials, and a
// dash-style `.*` names the parent directory too (`sh -c 'cat .*/tok.txt'`).
// The glob's matches are walked now, . and .. among them for a pattern
// that starts with a dot.
func TestRedTeam4RecursiveGlobRoots(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	attacks := []string{"grep -r aws_secret " + home + "/.a*", "grep -R aws_secret " + home + "/.aw?", "rg -uu aws " + home + "/.[a]ws",
		"cd " + home + " && grep -r aws_secret .a*", "grep -rl aws_secret " + home + "/.a*"}
	if bash, err := exec.LookPath("bash"); err == nil {
		out, _ := exec.Command(bash, "-c", attacks[0]).Output()
		if !strings.Contains(string(out), "aws_secret_access_key=abc") {
			t.Errorf("bash -c %q did not print the key: the attack changed (%q)", attacks[0], out)
		}
	}
	rtNotSafe(t, set, proj, attacks...)
	sub := filepath.Join(home, "proj2")
	rtWrite(t, map[string]string{filepath.Join(sub, ".keep"): "", filepath.Join(sub, "a.txt"): ""})
	if dash, err := exec.LookPath("dash"); err == nil {
		cmd := exec.Command(dash, "-c", "cat .*/tok.txt")
		cmd.Dir = sub
		if out, _ := cmd.Output(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("dash did not read ../tok.txt through .*: the attack changed (%q)", out)
		}
	}
	for _, src := range []string{`cat .*/tok.txt`, `grep -r ghp_ .*`, `head .*/tok*`} {
		v := set.Judge([]string{"sh", "-c", src}, sub)
		if d := policy.Decide(&v, policy.Suggest, []string{sub}); v.Class == policy.Safe || d.Action == policy.Run {
			t.Errorf("sh -c %q: %s, %s; want asked", src, v.Class, d.Action)
		}
	}
	rtSafe(t, set, proj, `grep -rn hello s*`, `grep -r hello *.txt`, `ls -la .*`)
}
