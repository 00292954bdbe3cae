package protect

import "testing"

// TestRedTeam18BackupOfShortTilde: a name ending in ".~" (`note.~`, which
// a repository can hold) made backupOf slice past its end, and the panic
// took guard down for every read and tree walk that met the name: `guard
// -- cat note.~` and `grep -r x .` failed, the hook answered "guard failed"
// (judge-18). NAME.~N~ needs a number; note.~ is NAME~'s form (of note.).
func TestRedTeam18BackupOfShortTilde(t *testing.T) {
	for name, want := range map[string]string{
		"note.~": "note.", "abcde.~": "abcde.", "a.~~": "a.~", ".~": "", "x.~1~": "x", "cfg.~12~": "cfg", "notes~": "notes",
	} {
		if got := backupOf(name); got != want {
			t.Errorf("backupOf(%q) = %q, want %q", name, got, want)
		}
	}
}
