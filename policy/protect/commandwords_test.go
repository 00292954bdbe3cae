package protect

import (
	"slices"
	"testing"
)

// TestCommandWords: the words of a git command value that may name a file
// git runs, and which name one whatever is there (edits-1 E3).
func TestCommandWords(t *testing.T) {
	w := func(word string, sure bool) commandWord { return commandWord{word, sure} }
	for v, want := range map[string][]commandWord{
		"bash fsm.sh":                   {w("fsm.sh", true)},
		"tools/pager.sh":                {w("tools/pager.sh", true)},
		"./tools/fsmon.sh --x":          {w("./tools/fsmon.sh", true)},
		"python3 -B conv.py --strict":   {w("conv.py", true)},
		"!sh tools/lg.sh arg":           {w("tools/lg.sh", true), w("arg", false)},
		"!make -C build test":           {w("build", false), w("test", false)},
		"python3 -c print":              {w("print", false)},
		"node -e x.js":                  {w("x.js", false)},
		"less":                          nil,
		"git-lfs filter-process":        {w("filter-process", false)},
		"!f() { echo https://x/y; }; f": {w("echo", false), w("f", false)}, // only existing files count
		"FOO=1 bash x.sh":               {w("bash", false), w("x.sh", false)},
		`!sed -e "s/a/b/" file`:         {w("s/a/b/", false), w("file", false)},
		"perl $HOME/x.pl":               nil,
	} {
		if got := commandWords(v); !slices.Equal(got, want) {
			t.Errorf("commandWords(%q) = %v, want %v", v, got, want)
		}
	}
}
