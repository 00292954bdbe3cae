package policy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The fourth red team of the judge (REDTEAM4.md): one test per class, each
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
