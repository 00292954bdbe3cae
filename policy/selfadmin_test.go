package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestGuardAdminForbidden: guard's own administration run by an agent is
// forbidden whatever the path to the binary and whatever wraps it; its
// read-only subcommands are not.
func TestGuardAdminForbidden(t *testing.T) {
	set := defaultSet(t)
	forbidden := []string{
		"guard trust", "guard trust .", "guard trust --revoke", "guard trust /work/proj", "guard setup claude-code",
		"guard install", "guard install --help", "guard uninstall", "guard rules rm 1", "guard rules remove 2",
		"/usr/local/bin/guard trust", "./bin/guard install", "~/go/bin/guard setup", "$HOME/go/bin/guard uninstall",
		"env guard trust", "timeout 5 guard install", "command guard rules rm 1", "sudo guard install",
		"cd /tmp && guard trust .", "bash -c 'guard trust'", "guard --mode full-auto -- guard trust",
		"guard -- /usr/bin/guard install", "guard --policy x.policy -- env guard setup", "guard sh -c 'guard trust'",
		"guard -c 'guard install'", "echo y | guard trust", "\"guard\" 'trust'",
	}
	for _, cmd := range forbidden {
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		if v.Class != policy.Forbidden {
			t.Errorf("%q: %s (%s), want forbidden", cmd, v.Class, v.Why())
			continue
		}
		if !strings.Contains(v.Why(), "a person runs it in their own terminal") {
			t.Errorf("%q: reason %q does not say a person runs it", cmd, v.Why())
		}
	}
	for _, cmd := range []string{"guard check rm -rf x", "guard explain git status", "guard log", "guard doctor",
		"guard which rm", "guard rules list", "guard rules", "guard trust --list", "/usr/local/bin/guard rules list",
		"guard --mode suggest -- ls", "guard version"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd); v.Class == policy.Forbidden {
			t.Errorf("%q: forbidden (%s), want it allowed to run", cmd, v.Why())
		}
	}
	// The audit log is a secret (every command's arguments): guard log
	// prints it, so an agent asks first; cat of it is a secret read.
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".local/state/guard"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"audit.jsonl", "audit.jsonl.1"} {
		if err := os.WriteFile(filepath.Join(home, ".local/state/guard", f), []byte(`{"argv":["x"]}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "")
	policy.UseSecrets(nil) // a fresh walk cache: HOME changed
	for _, cmd := range []string{"guard log", "guard log -n 50", "cat ~/.local/state/guard/audit.jsonl",
		"tail -n 20 ~/.local/state/guard/audit.jsonl.1", "grep rm ~/.local/state/guard/*.jsonl", "grep -r rm ~/.local/state",
		`find ~/.local/state -name "*.jsonl" -exec cat {} +`} {
		if v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd); v.Class == policy.Safe || v.Class == policy.Forbidden {
			t.Errorf("%q: %s (%s), want unverified", cmd, v.Class, v.Why())
		}
	}
	// The agents' search tools (Claude Code's Grep) walk the tree the same
	// way: the log is found there too.
	d, _ := policy.DecideSearch([]string{filepath.Join(home, ".local/state/guard")}, "rm", policy.TreeRead{Hidden: true}, policy.Suggest, nil, home)
	if d.Action == policy.Run || !strings.Contains(d.Reason, "audit log") {
		t.Errorf("a search tool over ~/.local/state/guard: %s (%s), want asked about guard's audit log", d.Action, d.Reason)
	}
}
