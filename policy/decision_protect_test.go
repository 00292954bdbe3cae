package policy

import (
	"testing"

	"guard/policy/protect"
)

// TestDecideProtected: a write to a path of the protected list inside a root
// counts as outside, as a write into .git does; the configured list decides.
func TestDecideProtected(t *testing.T) {
	root := t.TempDir()
	const home = "/home/u"
	for _, tt := range []struct {
		write  string
		inside bool
	}{
		{root + "/.envrc", false},
		{root + "/.vscode/tasks.json", false},
		{root + "/.claude/settings.local.json", false},
		{root + "/.git/hooks/pre-commit", false},
		{root + "/src/main.go", true},
		{root + "/.env", true}, // a secret, not a protected path: writing it is the project's business
	} {
		v := &Verdict{Class: Match, Writes: []string{tt.write}}
		d := DecideProtected(v, AutoEdit, []string{root}, protect.Default(), home)
		if got := len(d.Outside()) == 0; got != tt.inside {
			t.Errorf("write %s: inside = %v, want %v (%+v)", tt.write, got, tt.inside, d)
		}
		if !tt.inside && (d.Action != Ask || d.Writes[0].Protected == "") {
			t.Errorf("write %s in auto-edit: %s %q, want ask with the reason", tt.write, d.Action, d.Writes[0].Protected)
		}
	}
	l := protect.Default()
	l.Apply(protect.Adjust{Unprotected: []string{".envrc"}, Protected: []string{"Makefile"}})
	for w, inside := range map[string]bool{root + "/.envrc": true, root + "/Makefile": false} {
		d := DecideProtected(&Verdict{Class: Match, Writes: []string{w}}, AutoEdit, []string{root}, l, home)
		if got := len(d.Outside()) == 0; got != inside {
			t.Errorf("configured list, write %s: inside = %v, want %v", w, got, inside)
		}
	}
}
