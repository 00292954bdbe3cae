package hook

import "testing"

// TestEmbeddedGrepReading: a grep command with an operand is read with -r,
// as Claude Code's embedded ugrep recurses into a directory operand; a grep
// of its input, `command grep` and other programs' grep are left alone.
func TestEmbeddedGrepReading(t *testing.T) {
	for script, want := range map[string]string{
		"grep EMBED .":                   "grep -r EMBED .",
		"grep -n x sub":                  "grep -r -n x sub",
		"grep -e x -- sub":               "grep -r -e x -- sub",
		"grep -ie x sub":                 "grep -r -ie x sub",
		"grep -A 3 x sub":                "grep -r -A 3 x sub",
		"grep -A3 x sub":                 "grep -r -A3 x sub",
		"grep --include '*.go' x sub":    "grep -r --include '*.go' x sub",
		"grep --regexp=x sub":            "grep -r --regexp=x sub",
		"grep x *":                       "grep -r x *",
		"grep x $d":                      "grep -r x $d",
		"\\grep x .":                     "\\grep -r x .",
		"'grep' x .":                     "'grep' -r x .",
		"(cd a && grep x .) | grep -v y": "(cd a && grep -r x .) | grep -v y",
		"echo $(grep x a b)":             "echo $(grep -r x a b)",
		"ls | grep x":                    "",
		"grep -A 3 x":                    "",
		"grep -e x":                      "",
		"grep --context 3 x":             "",
		"git log | grep -- -x":           "",
		"command grep x .":               "",
		"env grep x .":                   "",
		"xargs grep x .":                 "",
		"bash -c 'grep x .'":             "",
		"egrep x .":                      "",
		"find . -exec grep x {} +":       "",
		// Recursive already, before the first operand: judged so.
		"grep -rn x .":                   "",
		"grep -R x .":                    "",
		"grep -nr x .":                   "",
		"grep --recursive x .":           "",
		"grep -d recurse x .":            "",
		"grep --directories=recurse x .": "",
		// Not surely recursive: the r is a value, or follows an operand.
		"grep -er x .":     "grep -r -er x .",
		"grep -A1r x .":    "grep -r -A1r x .",
		"grep -e r x .":    "grep -r -e r x .",
		"grep x -r .":      "grep -r x -r .",
		"grep -- -r .":     "grep -r -- -r .",
		"grep $o x .":      "grep -r $o x .",
		"grep -d skip x .": "grep -r -d skip x .",
	} {
		if got, _ := EmbeddedGrepReading(script); got != want {
			t.Errorf("EmbeddedGrepReading(%q) = %q, want %q", script, got, want)
		}
	}
}
