package shell

import (
	"bytes"
	"math/rand/v2"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// braceCases are words whose brace expansion depends on quoting and on
// bash's matching of braces.
var braceCases = []string{
	`{a,b}`, `x{a,b}y`, `{a,b}{c,d}`, `{a,b}"{1,2}"`, `{x,y}'{1,2}'`, `{a\,b,c}`, `{a","b,c}`, `notes.{txt},md}`,
	`x{a}b,c}`, `{a}`, `x{a{b,c}`, `{a}{b,c}`, `{a},{b,c}}`, `{a}}},b}`, `{x,y}}`, `{{a},b}`, `{a..}b,c}`,
	`{a,{b,c}d}e`, `"{"a,b}`, `{a,b"}"`, `{a,b}\}`, `\{a,b}`, `{a,b,}`, `{,a}b`, `a{b,c}{d,e}f`, `--x={a,b}`,
	`{a..b,c}`, `{a,b}.{c,d}.{e,f}`, `{'a,b'}`, `{a,'b}',c}`, `{a,\}}`, `{a,b`, `a}b{c,d}`, `{a,b}{`,
}

// TestBracesMatchBash: the words Parse says a brace expansion makes are
// the ones bash makes, for the cases above and for random words of braces,
// commas, dots, quotes and backslashes. Only printf runs.
func TestBracesMatchBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot compare brace expansion with it")
	}
	words := append([]string(nil), braceCases...)
	r := rand.New(rand.NewPCG(4, 4))
	pieces := []string{"{", "}", ",", "a", "b", "..", "{}", `\ `, `" "`, "1..2", `"{"`, `"}"`, `","`, `\{`, `\,`, `'a,b'`, "{a,b}", "{", "}", ","}
	for range 1000 {
		var b strings.Builder
		for range 2 + r.IntN(7) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		words = append(words, b.String())
	}
	checked := 0
	for _, w := range words {
		s, err := Parse("printf '%s\\0' "+w, Bash)
		if err != nil || len(s.Commands) != 1 || len(s.Commands[0].Argv) != 3 {
			continue
		}
		c := s.Commands[0]
		var got []string
		switch {
		case c.ArgDynamic == nil:
			got = []string{c.Argv[2]}
		case len(c.ArgDynamic[2]) == 1 && strings.HasPrefix(c.ArgDynamic[2][0], "brace expansion "):
			if c.ArgBraces == nil || c.ArgBraces[2] == nil {
				continue // not followed: the judge cannot know it
			}
			got = c.ArgBraces[2]
		default:
			continue
		}
		out, err := exec.Command(bash, "-c", "printf '%s\\0' "+w).Output()
		if err != nil {
			continue
		}
		want := strings.Split(string(bytes.TrimSuffix(out, []byte{0})), "\x00")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Parse makes %q, bash %q", w, got, want)
		}
		checked++
	}
	if checked < 200 {
		t.Errorf("only %d words compared", checked)
	}
}
