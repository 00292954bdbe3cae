package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// trickyWords are shell words whose quote removal is easy to get wrong.
var trickyWords = []string{
	`plain`, `'single quoted'`, `"double quoted"`, `a\ b`, `\*`, `\\`, `'\'`, `"\\"`,
	`"\$x"`, `"\a\b"`, `"\""`, `'"'`, `"'"`, `a"b"'c'd`, `\'`, `\"`, `"a\
b"`, `a\
b`, `'a\
b'`, `$'a\tb'`, `$'\x41\x4'`, `$'\101\0101'`, `$'\u00e9\U0001F600'`, `$'\e[0m'`,
	`$'\cA\c?'`, `$'\q\''`, `$'a\0b'c`, `$'\x'`, `$'\u'`, `$'\"\?\\'`, `"#"`, `#x`, `a#b`,
	`--name='*.py'`, `"*.py"`, `'[a]'`, `x\[a]`, `"~"`, `\~`, `a~b`, `'{a,b}'`, `\{a,b}`,
	`{}`, `{a}`, `@`, `%`, `=`, `a=b`, `:`, `"$"`, `$`, `a$`, `"a$"`, `'$(x)'`, "\"`\"", "\\`",
	`$'\t'"\t"'\t'\t`, `"é"`, `\é`,
	"\"$(cat <<'EOF'\nmsg $x \\\\ `y`\n\n\nEOF\n)\"", "\"a$(cat <<EOF\nmsg \\$x \\\\ \\`y\\` \\\"\nEOF\n)b\"",
	"\"$(cat <<\"EOF\"\nmsg\nEOF\n)\"", "\"$(cat <<E\\OF\n$x\nEOF\n)\"",
}

// TestWordsMatchShell checks quote removal against the shells themselves:
// every static word of the tricky list and of the corpus is printed by the
// shell's printf and compared with Parse's text for it. Only printf runs.
func TestWordsMatchShell(t *testing.T) {
	for _, sh := range []struct {
		name string
		d    Dialect
	}{{"bash", Bash}, {"dash", POSIX}} {
		t.Run(sh.name, func(t *testing.T) {
			prog, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("%s not installed: cannot compare quote removal with it", sh.name)
			}
			testWords(t, prog, sh.d)
		})
	}
}

func testWords(t *testing.T, prog string, d Dialect) {
	var sources, want []string
	add := func(src string) {
		f, err := parse(src, d)
		if err != nil {
			return
		}
		w := &walker{}
		c := ctx{d: d, src: src}
		syntax.Walk(f, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.CmdSubst:
				// Inside backquotes, backslashes mean something else.
				return !n.Backquotes
			case *syntax.CallExpr:
				for _, arg := range n.Args {
					wd := w.word(arg, start, c)
					if wd.static() && !strings.Contains(wd.text, "\x00") {
						sources = append(sources, c.text(arg))
						want = append(want, wd.text)
					}
				}
			}
			return true
		})
	}
	for _, wd := range trickyWords {
		add("echo " + wd)
	}
	if !testing.Short() {
		if _, err := os.Stat(corpusPath); err == nil {
			for _, src := range readCorpus(t) {
				add(src)
			}
		}
	}
	var script strings.Builder
	if d == Bash {
		// A word taken for static that bash sees as a glob fails to match
		// in the empty directory and is missing from the output.
		script.WriteString("shopt -s failglob\n")
	}
	for _, s := range sources {
		script.WriteString("printf '%s\\0' " + s + "\n")
	}
	// A file, not standard input: bash reads a pipe one byte at a time.
	file := filepath.Join(t.TempDir(), "words.sh")
	if err := os.WriteFile(file, []byte(script.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, file)
	cmd.Dir = t.TempDir()
	// Only cat can run, for "$(cat <<'EOF' ... EOF)".
	bin := t.TempDir()
	if cat, err := exec.LookPath("cat"); err == nil {
		if err := os.Symlink(cat, filepath.Join(bin, "cat")); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Env = []string{"LC_ALL=C.UTF-8", "PATH=" + bin}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", prog, err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(want) {
		t.Fatalf("%s printed %d words, want %d", prog, len(got), len(want))
	}
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("word %s: Parse gives %q, %s %q", sources[i], want[i], prog, got[i])
			if bad++; bad > 20 {
				t.FailNow()
			}
		}
	}
	t.Logf("%d words compared", len(want))
}
