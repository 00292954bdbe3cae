package shell

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRandomWordsMatchShell is TestWordsMatchShell on words made at random
// from the pieces quote removal is made of (quotes of each kind, escapes
// inside and outside them, $'...' escapes, braces, #, =, :, ~, newlines,
// carriage returns, bytes beyond ASCII): every word the parser calls static
// must be, word for word, what bash or dash passes to printf. A word the
// parser calls dynamic is not compared (the judge does not take its text).
// GUARD_WORDS_SEED picks the words (a number, or random); GUARD_WORDS_N how
// many per shell.
func TestRandomWordsMatchShell(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 500
	}
	if s := os.Getenv("GUARD_WORDS_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := uint64(20261206)
	switch s := os.Getenv("GUARD_WORDS_SEED"); s {
	case "":
	case "random":
		seed = rand.Uint64()
	default:
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("GUARD_WORDS_SEED=%q: want a number or random", s)
		}
	}
	t.Logf("seed %d (GUARD_WORDS_SEED)", seed)
	for _, sh := range []struct {
		name string
		d    Dialect
	}{{"bash", Bash}, {"dash", POSIX}, {"zsh", Zsh}} {
		t.Run(sh.name, func(t *testing.T) {
			prog, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("%s not installed: cannot compare quote removal with it", sh.name)
			}
			r := rand.New(rand.NewPCG(seed, seed^0x7f4a7c15))
			words := make([]string, n)
			for i := range words {
				words[i] = randomWord(r, sh.d)
			}
			compareWords(t, prog, sh.d, words)
		})
	}
}

// Pieces of words. Outside quotes: no blank, no operator, no $ but $'.
var (
	plainPieces  = []string{"a", "b", "x", "-", "--", ".", "/", "_", "=", ":", ",", "@", "%", "+", "#", "~", "{", "}", "{a,b}", "é", "\u00a0", "\r", "*", "?", "[", "]", "[a]", "!", "^", "{1..2}", "{a}"}
	escapePieces = []string{`\a`, `\\`, `\"`, `\'`, `\ `, `\*`, `\$`, `\{`, `\}`, `\,`, `\#`, `\~`, "\\\n", `\é`, `\;`, `\|`, `\n`, "\\\r"}
	dqPieces     = []string{"a", " ", "*", "?", "[", "]", "{", "}", "~", "#", "'", "\n", "\r", `\\`, `\"`, `\$`, "\\`", `\a`, `\n`, "\\\n", "é", ","}
	sqPieces     = []string{"a", " ", "*", "\\", "\"", "$", "`", "{", "}", "~", "#", "\n", "\r", "é", ","}
	ansiPieces   = []string{"a", `\x41`, `\x4`, `\101`, `\0101`, `\n`, `\t`, `\\`, `\'`, `\"`, `\?`, `\e`, `\E`, `\cA`, `\c?`, `\a`, `\b`, `\v`, `\f`, `\r`, `\q`, `\u00e9`, `\u41`, `\U0001F600`, " ", "*", "{", "$", "é"}
)

// randomWord makes one word of 1 to 6 pieces.
func randomWord(r *rand.Rand, d Dialect) string {
	pick := func(p []string) string { return p[r.IntN(len(p))] }
	var b strings.Builder
	for range 1 + r.IntN(6) {
		switch r.IntN(6) {
		case 0:
			b.WriteString(pick(plainPieces))
		case 1:
			b.WriteString(pick(escapePieces))
		case 2:
			b.WriteString(`"`)
			for range r.IntN(4) {
				b.WriteString(pick(dqPieces))
			}
			b.WriteString(`"`)
		case 3:
			b.WriteString(`'`)
			for range r.IntN(4) {
				b.WriteString(pick(sqPieces))
			}
			b.WriteString(`'`)
		case 4:
			b.WriteString(`$'`)
			for range r.IntN(4) {
				b.WriteString(pick(ansiPieces))
			}
			b.WriteString(`'`)
		default:
			b.WriteString(pick(plainPieces))
			b.WriteString(pick(plainPieces))
		}
	}
	return b.String()
}

// wordMark ends the words of one printf: no random word makes it.
const wordMark = "END-OF-WORDS-3f9c"

// wordRefused is printed in place of a word the shell refused to expand.
const wordRefused = "REFUSED-WORD-3f9c"

// compareWords runs printf on each word in the shell and compares what it
// printed with the words of the judged command, when Parse takes them as
// static.
func compareWords(t *testing.T, prog string, d Dialect, words []string) {
	type item struct {
		src  string
		want []string
	}
	var items []item
	var script strings.Builder
	if d == Bash {
		script.WriteString("shopt -s failglob\n")
	}
	for _, w := range words {
		src := "printf '%s\\0' " + w
		// As the judge reads it: the whole script through Parse, which
		// also sets aside scripts it does not read word by word (a
		// carriage return, which dash takes as text and the parser as a
		// blank, makes the script unverified).
		sc, err := Parse(src, d)
		if err != nil || sc.Unverified != "" || len(sc.Commands) != 1 {
			continue
		}
		c := sc.Commands[0]
		if c.Dynamic != "" || len(c.Argv) < 2 || c.Argv[0] != "printf" || len(c.Env) > 0 {
			continue
		}
		want := c.Argv[2:]
		if len(want) == 0 {
			want = []string{""} // printf with no argument prints its format once
		}
		items = append(items, item{w, want})
		// Each word on its own, then a marker: a word that is two at run
		// time shows as such. zsh ends a script at a word it cannot read
		// (a pattern `.[@`, a `}}`: nothing runs): an eval in a subshell
		// keeps the error to that word.
		if d == Zsh {
			src = "IFS= read -r -d '' w <<'" + wordMark + "'\n" + src + "\n" + wordMark +
				"\n( eval \"$w\" ) || printf '%s\\0' " + wordRefused
		}
		script.WriteString(src + "\nprintf '%s\\0' " + wordMark + "\n")
	}
	file := filepath.Join(t.TempDir(), "words.sh")
	if err := os.WriteFile(file, []byte(script.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, file)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"LC_ALL=C.UTF-8", "PATH=/nonexistent"}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		errors.As(err, &ee)
		t.Fatalf("%s: %v: %s", prog, err, ee.Stderr)
	}
	groups := strings.Split(strings.TrimSuffix(string(out), wordMark+"\x00"), wordMark+"\x00")
	if len(groups) != len(items) {
		t.Fatalf("%s printed %d groups of words, want %d", prog, len(groups), len(items))
	}
	bad := 0
	for i, it := range items {
		got := strings.Split(strings.TrimSuffix(groups[i], "\x00"), "\x00")
		if len(got) > 0 && got[len(got)-1] == wordRefused {
			continue // the shell refused the word: nothing ran
		}
		if strings.Join(got, "\x00") != strings.Join(it.want, "\x00") {
			t.Errorf("word %q: the parser gives %q, %s %q", it.src, it.want, prog, got)
			if bad++; bad > 20 {
				t.FailNow()
			}
		}
	}
	t.Logf("%d static words of %d compared", len(items), len(words))
}
