package shell

import (
	"slices"
	"strings"
	"testing"
)

// TestLineLoop: a loop over a command's lines binds its variable to a
// line of that command's output: "$f" in a command's argument is LineWord,
// with a reason naming the source (LineSource), and the body's commands
// are InLineLoop. Every other shape stays an unverified loop or an
// ordinary run-time word: another condition than `read [-r] NAME`, an
// until loop, zsh, a body that changes directory or moves, links or
// copies files, a variable a program reads from the environment, one an
// enclosing loop binds; the variable in the command's name, a redirection,
// an assignment, an expansion with an operator, a here-document, or
// unquoted after `read`.
func TestLineLoop(t *testing.T) {
	type want struct {
		cmd    int    // the command holding LineWord
		argv   string // its words, joined by spaces (LineWord as {})
		source int    // LineSource of its reason
	}
	for _, tt := range []struct {
		src string
		w   want
	}{
		{`find . -name '*.go' | while read -r f; do wc -l "$f"; done`, want{1, "wc -l {}", 1}},
		{`ls src | sort | while IFS= read -r f; do echo "== $f"; done`, want{2, "echo == {}", 2}},
		{`while read -r f; do head -3 "$f"; done < files.txt`, want{0, "head -3 {}", 0}},
		{`while IFS=, read -r a b; do echo "$b"; done < x.csv`, want{0, "echo {}", 0}},
		{`for f in $(git ls-files '*.md'); do head -1 $f; done`, want{1, "head -1 {}", 1}},
		{"for f in `ls`; do cat \"${f}\"; done", want{1, "cat {}", 1}},
		{`for f in $(ls | grep x); do cat "$f"; done`, want{2, "cat {}", 2}},
		{`for f in $(ls; ls); do cat "$f"; done`, want{2, "cat {}", 0}},
		{`cd src && ls | while read f; do cat "$f"; done`, want{1, "cat {}", 1}},
		// cd makes no command: the lines are not echo's.
		{`echo README.md; cd src | while read f; do cat "$f"; done`, want{1, "cat {}", 0}},
		{`find . -name '*.go' -print0 | while IFS= read -r -d '' f; do wc -l "$f"; done`, want{1, "wc -l {}", 1}},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if s.Unverified != "" {
			t.Errorf("%q: unverified %q, want a loop over lines", tt.src, s.Unverified)
			continue
		}
		if tt.w.cmd >= len(s.Commands) {
			t.Errorf("%q: %d commands", tt.src, len(s.Commands))
			continue
		}
		c := s.Commands[tt.w.cmd]
		if got := strings.ReplaceAll(strings.Join(c.Argv, " "), LineWord, "{}"); got != tt.w.argv || !c.InLineLoop {
			t.Errorf("%q: command %d is %q (in loop %v), want %q", tt.src, tt.w.cmd, got, c.InLineLoop, tt.w.argv)
		}
		found := false
		for _, rs := range c.ArgDynamic {
			for _, r := range rs {
				if n, ok := LineSource(r); ok {
					found = true
					if n != tt.w.source {
						t.Errorf("%q: source %d, want %d (%s)", tt.src, n, tt.w.source, r)
					}
				}
			}
		}
		if !found {
			t.Errorf("%q: no loop line among %q", tt.src, c.Dynamic)
		}
	}
	for _, src := range []string{
		`ls | while read -d x f; do cat "$f"; done`,
		`ls | while read -d "$x" f; do cat "$f"; done`,
		`ls | while read -a f; do cat "$f"; done`,
		`ls | while read f < x; do cat "$f"; done`,
		`ls | while read f && true; do cat "$f"; done`,
		`ls | until read f; do cat "$f"; done`,
		`ls | while read f; do cd src; cat "$f"; done`,
		`ls | while read f; do cat "$f"; mv a b; done`,
		`ls | while read f; do cat "$f"; git mv a b; done`,
		`ls | while read PATH; do ls; done`,
		`ls | while IFS=$x read f; do cat "$f"; done`,
		`for HOME in $(ls); do ls ~; done`,
		`for f in $(ls) x; do cat "$f"; done`,
		`for f in "$(ls)"; do cat "$f"; done`,
		`for f in a; do ls | while read f; do cat "$f"; done; done`,
	} {
		s, err := Parse(src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		for _, c := range s.Commands {
			if slices.Contains(c.Argv, LineWord) {
				t.Errorf("%q: %q holds a loop line", src, c.Argv)
			}
		}
		if s.Unverified == "" {
			t.Errorf("%q: not unverified", src)
		}
	}
	// A whole unquoted word $(SRC): SubstFrom names SRC's command.
	for src, want := range map[string][]int{
		`wc -l $(git ls-files '*.go')`:        {0, 0, 1},
		`timeout 5 wc -l $(find . | head -2)`: {0, 0, 2},
		"cat `ls`":                            {0, 1},
		`wc -l "$(git ls-files)"`:             nil,
		`wc -l x$(ls)`:                        nil,
		`wc -l $(ls; ls)`:                     nil,
		`wc -l $(cd src && ls)`:               nil,
		`wc -l $(cd src)`:                     nil,
	} {
		s, err := Parse(src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := s.Commands[len(s.Commands)-1].SubstFrom; !slices.Equal(got, want) {
			t.Errorf("%q: SubstFrom %v, want %v", src, got, want)
		}
	}
	if s, err := Parse(`ls | while read f; do cat "$f"; done`, Zsh); err != nil || s.Unverified == "" {
		t.Errorf("zsh's read: unverified %q, %v", s.Unverified, err)
	}
	// Where the variable is no argument word, it is a run-time value.
	for _, src := range []string{
		`ls | while read f; do "$f"; done`,
		`ls | while read f; do cat $f; done`,
		`ls | while read f; do cat < "$f"; done`,
		`ls | while read f; do echo x > "$f"; done`,
		`ls | while read f; do X="$f" cat; done`,
		`ls | while read f; do cat "${f%.go}"; done`,
		"ls | while read f; do cat <<EOF\n$f\nEOF\ndone",
	} {
		s, err := Parse(src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		for _, c := range s.Commands {
			if c.Dynamic == "" || len(c.Argv) == 0 {
				continue
			}
			if !c.OtherDynamic && c.ArgDynamic[0] == nil && strings.Contains(c.Dynamic, lineReasonPrefix) &&
				!strings.Contains(c.Dynamic, "parameter expansion") {
				t.Errorf("%q: %q takes the loop line as an argument word only (%s)", src, c.Argv, c.Dynamic)
			}
		}
	}
}

// TestOutputMixed (judge-22): a command whose standard error may reach its
// output (2>&1, |&, 2>/dev/stdout, &>FILE, an enclosing redirection's) is
// OutputMixed, and a shell run as a source gives no one command's output:
// `bash -c 'echo .env; find src' | CMD` has no known source.
func TestOutputMixed(t *testing.T) {
	for src, want := range map[string]bool{
		`find . -newer x 2>&1 | cat`:                  true,
		`find . -newer x |& cat`:                      true,
		`find . 2>/dev/stdout | cat`:                  true,
		`find . 2>/proc/self/fd/1 | cat`:              true,
		`find . 2>err.txt | cat`:                      true,
		`find . &>/dev/stdout | cat`:                  true,
		`find . 3>&1 1>&2 2>&3 | cat`:                 true,
		`bash -c 'find . -newer x' 2>&1 | cat`:        true,
		`find . 2>/dev/null | cat`:                    false,
		`find . | cat`:                                false,
		`find . >/dev/stderr | cat`:                   false,
		`find . < list | cat`:                         false,
		`bash -c 'find . -newer x' 2>/dev/null | cat`: false,
	} {
		s, err := Parse(src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := s.Commands[0].OutputMixed; got != want {
			t.Errorf("%q: find's OutputMixed %v, want %v", src, got, want)
		}
	}
	for src, want := range map[string]int{
		`find . | cat`:                      1,
		`bash -c 'find .' | cat`:            1,
		`bash -c 'echo .env; find .' | cat`: -1,
		`sh -c 'find . && echo .env' | cat`: -1,
		`find . -name "$(echo x)" | cat`:    2,
	} {
		s, err := Parse(src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := s.Commands[len(s.Commands)-1].PipeFrom; got != want {
			t.Errorf("%q: PipeFrom %d, want %d", src, got, want)
		}
	}
	for src, want := range map[string][]int{
		`cat $(sh -c 'find .')`:            {0, 1},
		`cat $(sh -c 'echo .env; find .')`: nil,
	} {
		s, err := Parse(src, Bash)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := s.Commands[len(s.Commands)-1].SubstFrom; !slices.Equal(got, want) {
			t.Errorf("%q: SubstFrom %v, want %v", src, got, want)
		}
	}
}
