package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// guard rules rm takes out the rule guard remembered and nothing the user
// wrote by hand: a rule added by hand at the end of user.policy (after
// guard's last remembered one, so in its block) was deleted with it, and a
// block that is all hand-written text was deleted whole, without a copy.
func TestRemoveKeepsHandWritten(t *testing.T) {
	made := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	remembered := "define_program(\n    program = \"make\",\n    args = [\"build\"],\n)\n"
	hand := "\n# mine, added by hand at the end\nprefix_rule(pattern=[\"frob\"], decision=\"allow\")\n"
	for _, tc := range []struct {
		name    string
		before  string // hand-written text before guard's first rule
		after   string // hand-written text appended after guard's rule
		rm      int
		wantErr string
		keep    []string
	}{
		{name: "hand rule after the remembered one", after: hand, rm: 0, keep: []string{"# mine, added by hand", `pattern=["frob"]`}},
		{name: "a comment only after it", after: "\n# a note\n", rm: 0, keep: []string{"# a note"}},
		{name: "hand-written block", before: "# my rules\nprefix_rule(pattern=[\"frob\"], decision=\"allow\")\n", rm: 0,
			wantErr: "written by hand", keep: []string{"# my rules", `pattern=["frob"]`, `"build"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := filepath.Join(t.TempDir(), "user.policy")
			if err := os.WriteFile(user, []byte(tc.before), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := Append(user, Meta{Scope: Global, Made: made, Kind: "exact", Command: []string{"make", "build"}}, remembered, nil); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(user, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tc.after)
			f.Close()
			err = Remove(user, Global, tc.rm, nil)
			got, _ := os.ReadFile(user)
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Remove: %v, want an error saying %q", err, tc.wantErr)
			case tc.wantErr == "" && err != nil:
				t.Errorf("Remove: %v", err)
			}
			for _, k := range tc.keep {
				if !strings.Contains(string(got), k) {
					t.Errorf("after rm the file lost %q:\n%s", k, got)
				}
			}
			if tc.wantErr == "" && strings.Contains(string(got), `"build"`) {
				t.Errorf("the remembered rule is still there:\n%s", got)
			}
		})
	}
}
