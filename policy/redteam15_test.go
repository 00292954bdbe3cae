package policy_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// Judge-15 U1: a glob that matches nothing is passed by the shell as its
// word, quotes removed. A glob word holds its quoted pattern characters
// escaped (`[x]'*'` is the pattern [x]\*, which matches only x*), and the
// judge took the pattern's spelling for the file the command reads or
// writes when nothing matched: with a link named [x]* (a repository can
// carry one) to a token file, `cat [x]'*'` ran and printed the token, and
// in auto-edit `touch [w]'*'`, `sed -i ... [w]'*'` were judged to write a
// file named [w]\* inside the project while the shell wrote through the
// link [w]* (the run's confinement stopped that write; where writes
// cannot be confined, --best-effort ran it). Found by the differential
// (`cat ?\<newline>[!a]'*$'`: guard judged `?[!a]\*$`, bash ran cat
// `?[!a]*$`).
func TestRedTeam15UnmatchedGlobLiteral(t *testing.T) {
	set, home, proj := rtLab(t)
	tok := filepath.Join(home, "tok.txt")
	mustWrite(t, tok, "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	mustLink(t, tok, filepath.Join(proj, "[x]*"))
	mustLink(t, tok, filepath.Join(proj, "?[!a]*$"))
	mustLink(t, filepath.Join(home, ".aws", "credentials"), filepath.Join(proj, "src", "[c]?"))
	mustWrite(t, filepath.Join(proj, "[h]*"), "harmless\n")
	// Go's globs match a leading dot, the shell's do not: [.]z\? matches
	// only .z? for Go, nothing for the shell, which reads [.]z?.
	mustWrite(t, filepath.Join(proj, ".z?"), "plain\n")
	mustLink(t, tok, filepath.Join(proj, "[.]z?"))
	if _, err := exec.LookPath("bash"); err == nil {
		if out := rtRun(t, proj, "cat [x]'*'"); !strings.Contains(out, "ghp_") {
			t.Fatalf("bash's cat [x]'*' printed %q, not the token: the premise does not hold here", out)
		}
	}
	rtNotSafe(t, set, proj,
		"cat [x]'*'",
		`cat [x]\*`,
		`cat [x]"*"`,
		"head -1 [x]'*'",
		"cat < [x]'*'",
		"grep -r . [x]'*'",
		"grep token [x]'*' a.txt",
		`sh -c "cat [x]'*'"`,
		"cat ?[!a]'*$'",
		"cat ?\\\n[!a]'*$'",
		"cd src && cat [c]'?'",
		"cat src/[c]'?'",
		"cat [.]z'?'",
	)
	rtSafe(t, set, proj,
		"cat [y]'*'",  // nothing of that name either
		"cat [h]'*'",  // a harmless file so named
		"ls [x]'*'",   // names only
		"echo [x]'*'", // printed as a word
		"cat [a].txt", // a match
		"cat *'.txt'", // matches a.txt and b.txt
		"grep -n o *.txt",
	)

	// Writes: the file the shell writes is the link [w]* (to ~/.bashrc).
	bashrc := filepath.Join(home, ".bashrc")
	mustWrite(t, bashrc, "# rc\n")
	mustLink(t, bashrc, filepath.Join(proj, "[w]*"))
	for _, c := range []string{"touch [w]'*'", "sed -i s/a/b/ [w]'*'", "chmod 600 [w]'*'", "tee -a [w]'*' < a.txt",
		"cp a.txt [w]'*'"} {
		v := set.Judge([]string{"bash", "-c", c}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Run {
			t.Errorf("%q in auto-edit: %s, run (writes %q); want asked (it writes through [w]* to %s)", c, v.Class, v.Writes, bashrc)
		}
	}
	for _, c := range []string{"touch [v]'*'", "touch *.log"} {
		v := set.Judge([]string{"bash", "-c", c}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action != policy.Run {
			t.Errorf("%q in auto-edit: %s, %s (%s); want run", c, v.Class, d.Action, d.Reason)
		}
	}
}

// Judge-15 U2: bash and dash expand a leading tilde only when no byte of
// its prefix (up to the first unquoted slash) is quoted: `cat ~'/cr.txt'`,
// `cat ~""/cr.txt`, `cat ~\/cr.txt` read ./~/cr.txt (zsh expands them). The
// judge expanded them to the home's cr.txt (nothing there, or harmless):
// with a directory named ~ in the project holding a link to a secret, bash
// printed it.
func TestRedTeam15QuotedTildePrefix(t *testing.T) {
	set, home, proj := rtLab(t)
	mustLink(t, filepath.Join(home, ".aws", "credentials"), filepath.Join(proj, "~", "cr.txt"))
	mustWrite(t, filepath.Join(home, "notes.txt"), "notes\n")
	if _, err := exec.LookPath("bash"); err == nil {
		if out := rtRun(t, proj, "HOME="+home+" cat ~'/cr.txt'"); !strings.Contains(out, "aws_secret") {
			t.Fatalf("bash's cat ~'/cr.txt' printed %q, not the credentials: the premise does not hold here", out)
		}
	}
	rtNotSafe(t, set, proj,
		"cat ~'/cr.txt'",
		`cat ~""/cr.txt`,
		"cat ~''/cr.txt",
		`cat ~\/cr.txt`,
		"cat ~'/'cr.txt",
		`head ~"/cr.txt"`,
		`sh -c "cat ~'/cr.txt'"`,
		"cat ''~/cr.txt", // a quoted part before it: no tilde starts the word
		`cat ""~/cr.txt`,
	)
	rtSafe(t, set, proj,
		"cat ~/notes.txt",
		"cat ~/''notes.txt",
		"ls ~",
		"ls ~/",
		`zsh -c "cat ~'/notes.txt'"`, // zsh expands it: the home's notes.txt
	)
}

// Judge-15 U3: a loop variable bound to a glob inside a word that is a
// pattern of its own: `for f in k*; do cat *"$f"; done` runs cat *k.txt,
// which matches tok.txt; the judge put the loop's glob in "$f"'s place
// quoted, so the word was the pattern *k\* (names ending in k*), which
// matched nothing, and the command ran and printed the token. The glob now
// stands there as a pattern (*k*), a superset of what each round names.
func TestRedTeam15LoopGlobInPattern(t *testing.T) {
	set, _, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, "k.txt"), "harmless\n")
	mustWrite(t, filepath.Join(proj, "tok.txt"), "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	if _, err := exec.LookPath("bash"); err == nil {
		if out := rtRun(t, proj, `for f in k*; do cat *"$f"; done`); !strings.Contains(out, "ghp_") {
			t.Fatalf("bash printed %q, not the token: the premise does not hold here", out)
		}
	}
	rtNotSafe(t, set, proj,
		`for f in k*; do cat *"$f"; done`,
		`for f in k.*; do cat *"$f"; done`,
		`for f in k*; do head -1 ?o"$f"; done`,
		`for f in k*; do cat [t]o"$f"; done`,
		`for f in k*; do cat *"${f}"; done`,
	)
	rtSafe(t, set, proj,
		`for f in k*; do cat "$f"; done`,
		`for f in k*; do cat "$f"*; done`, // k.txt*: k.txt only
		`for f in k*; do ls *"$f"; done`,
		`for f in k*; do wc -l "src/$f"; done`,
	)
}
