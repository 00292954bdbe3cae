package shell

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// forbidden is the command that must be found wherever it hides.
var forbidden = []string{"rm", "-rf", "/"}

// hiding are places a full simple command can be put in a script.
var hiding = []string{
	"rm -rf /",
	"echo $(rm -rf /)",
	"echo `rm -rf /`",
	"echo \"$(rm -rf /)\"",
	"(rm -rf /)",
	"{ rm -rf /; }",
	"if true; then rm -rf /; fi",
	"while false; do rm -rf /; done",
	"for x in y; do rm -rf /; done",
	"case x in *) rm -rf /;; esac",
	"f() { rm -rf /; }",
	"! rm -rf /",
	"true && rm -rf /",
	"false || rm -rf /",
	"echo | rm -rf /",
	"rm -rf / &",
	"X=1 rm -rf /",
	"timeout 5 rm -rf /",
	"nice -n 1 nohup env rm -rf / > log",
	"time rm -rf /",
	"cat <(rm -rf /)",
	"echo ${x:-$(rm -rf /)}",
	"bash -c 'rm -rf /'",
	"sh -c 'cd /tmp && rm -rf /'",
	"bash -lc \"bash -c 'rm -rf /'\"",
	"/usr/bin/env bash -c 'rm -rf /'",
	"eval 'rm -rf /'",
	"trap 'rm -rf /' EXIT",
	"cat <<EOF\n$(rm -rf /)\nEOF",
	"bash <<'EOF'\nrm -rf /\nEOF",
}

// FuzzScript checks that Parse never panics, is deterministic, and loses no
// forbidden command: neither one the parser sees as a simple command, nor
// one in a hiding place appended to the fuzzed script. More seeds are in
// testdata/fuzz/FuzzScript.
func FuzzScript(f *testing.F) {
	for _, h := range hiding {
		f.Add(h)
	}
	if _, err := os.Stat(corpusPath); err == nil && !testing.Short() {
		// Every 25th short corpus command: real shapes for the fuzzer to
		// mutate.
		for i, src := range readCorpus(f) {
			if i%25 == 0 && len(src) < 500 {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, d := range []Dialect{Bash, POSIX, Zsh} {
			s, err := Parse(src, d)
			again, err2 := Parse(src, d)
			if (err == nil) != (err2 == nil) || !reflect.DeepEqual(s, again) {
				t.Fatalf("Parse(%q, %v) is not deterministic", src, d)
			}
			if err != nil {
				continue
			}
			checkFound(t, src, d, s)
			// Put the fuzzed script in front of a few hiding places: when
			// the hiding place still parses as its own statement, the
			// forbidden command must be found.
			for i := range 3 {
				h := hiding[(len(src)*7+i*11+int(d))%len(hiding)]
				combined := src + "\n" + h
				f, err := parse(combined, d)
				if err != nil || len(f.Stmts) == 0 {
					continue
				}
				last := f.Stmts[len(f.Stmts)-1]
				if combined[last.Pos().Offset():] != h && combined[last.Pos().Offset():] != h+"\n" {
					continue // src left something open: a backslash, a here-document
				}
				s, err := Parse(combined, d)
				if err != nil {
					t.Fatalf("Parse(%q, %v): %v, but the parser accepts it", combined, d, err)
				}
				if !hasForbidden(s) && !strings.Contains(s.Unverified, "does not parse") {
					t.Fatalf("Parse(%q, %v) = %v, want %q among the commands", combined, d, s, forbidden)
				}
			}
		}
	})
}

// checkFound checks that every simple command `rm -rf /` in the syntax tree
// of src, outside quoted here-documents, is among s's commands.
func checkFound(t *testing.T, src string, d Dialect, s Script) {
	t.Helper()
	f, err := parse(src, d)
	if err != nil {
		t.Fatalf("Parse accepts %q but the parser does not: %v", src, err)
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Redirect:
			if n.Hdoc != nil && n.Word != nil && n.Word.Lit() != "" && !strings.Contains(n.Word.Lit(), `\`) {
				return true // an unquoted here-document: its expansions run
			}
			if n.Hdoc != nil {
				return false // a quoted one: its body is inert
			}
		case *syntax.CallExpr:
			if len(n.Args) != len(forbidden) {
				return true
			}
			for i, arg := range n.Args {
				if arg.Lit() != forbidden[i] {
					return true
				}
			}
			if !hasForbidden(s) {
				t.Fatalf("Parse(%q, %v) = %v, want %q among the commands", src, d, s, forbidden)
			}
		}
		return true
	})
}

func hasForbidden(s Script) bool {
	return slices.ContainsFunc(s.Commands, func(c Command) bool { return slices.Equal(c.Argv, forbidden) })
}
