package gate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/config"
	"guard/policy"
)

// TestAlwaysRollsBack: an "always" answer for a command whose rule would
// not load (a program named "a b", "" or with a tab or newline) writes
// nothing, says why, and user.policy keeps loading; a rule that does load
// is written and matches the command.
func TestAlwaysRollsBack(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	g := newGate(t, dir, Options{})
	before := "prefix_rule([\"make\", \"test\"], decision=\"allow\")\n"
	if err := os.MkdirAll(filepath.Dir(g.UserPolicy), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(g.UserPolicy, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, argv := range [][]string{{"a b"}, {""}, {"a\tb", "x"}, {"a\nb"}, {"/bin/a b"}, {"./gradlew", "test"}, {"x", "--", "y"}, {"ls", "a\xffb"}} {
		err := g.remember(argv)
		if err == nil {
			t.Errorf("remember(%q) = nil, want an error saying why it cannot be remembered", argv)
		}
		got, _ := os.ReadFile(g.UserPolicy)
		if string(got) != before {
			t.Errorf("remember(%q) left user.policy as %q, want it unchanged", argv, got)
		}
		if _, err := policy.LoadFile(g.UserPolicy); err != nil {
			t.Errorf("after remember(%q), user.policy does not load: %v", argv, err)
		}
	}
	for _, argv := range [][]string{{"ls", "-la", "a b"}, {"echo", "", "\x1b[2K"}, {"/usr/bin/env"}, {"git", "log", "--format=%H"}, {"ls", "a\x00b", "\\", `"q"`, "\u2028"}} {
		if err := g.remember(argv); err != nil {
			t.Errorf("remember(%q) = %v, want it written", argv, err)
			continue
		}
		p, err := policy.LoadFile(g.UserPolicy)
		if err != nil {
			t.Fatalf("after remember(%q), user.policy does not load: %v", argv, err)
		}
		if r := (policy.Set{p}).Check(argv); r.Class != policy.Safe {
			t.Errorf("after remember(%q), Check = %s, want safe", argv, r.Class)
		}
	}
}

// TestAlwaysRollsBackAfterWrite: when the file read back after the write
// does not pass the check, the old content is restored.
func TestAlwaysRollsBackAfterWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "user.policy")
	if err := os.WriteFile(path, []byte("# old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	calls := 0
	err := config.AppendPolicyRuleChecked(path, "# new\n", func([]byte) error {
		calls++
		if calls == 2 {
			return errors.New("broken on disk")
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("AppendPolicyRuleChecked with a failing read-back = %v, want a rolled-back error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "# old\n" {
		t.Errorf("after roll back the file is %q, want %q", got, "# old\n")
	}
}
