package policy_test

import (
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"guard/policy"
)

// TestGitAttachedOnlyOptions: git's revision walk takes the values of
// --notes, --abbrev and --pretty only attached (--notes=REF); the bare
// word is a flag and the next word an operand (`git log --notes .env` is
// the log of the path .env: checked with git 2.39). The spec read the next
// word as the value, so `git log --notes --oneline -5` asked ("followed by
// --oneline instead of a value") and `--notes .env` hid the path from the
// spec's own reading. opt(..., attached = True) reads them as git does.
func TestGitAttachedOnlyOptions(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{"proj/README.md": "# p\n", "proj/.env": "API_KEY=x\n"})
	if out, err := exec.Command("git", "-C", proj, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	decide := func(argv []string) policy.Decision {
		v := set.Judge(argv, proj)
		return policy.Decide(&v, policy.Suggest, []string{proj})
	}
	for _, argv := range [][]string{
		{"git", "log", "--notes", "--oneline", "-5"},
		{"git", "log", "--abbrev", "--oneline", "-3"},
		{"git", "log", "--pretty", "--stat", "-2"},
		{"git", "log", "--notes", "-3"},
		{"git", "log", "--notes=refs/notes/review", "--oneline"},
		{"git", "show", "--notes", "HEAD", "--stat"},
		{"git", "log", "--format=%H", "-1"},
	} {
		if d := decide(argv); d.Action != policy.Run {
			t.Errorf("%q: %s, want it run", argv, d.Reason)
		}
	}
	// The word after the bare option is an operand, judged as a path.
	for _, argv := range [][]string{
		{"git", "log", "-p", "--notes", ".env"},
		{"git", "log", "-p", "--abbrev", ".env"},
		{"git", "log", "-p", "--pretty", ".env"},
		{"git", "show", "--notes", ".env"},
		{"git", "log", "-p", "--notes=x", ".env"},
	} {
		if d := decide(argv); d.Action == policy.Run {
			t.Errorf("%q runs unasked, want it asked", argv)
		}
	}
	r := set.Check([]string{"git", "log", "--notes", "README.md"})
	if r.Exec == nil || !slices.ContainsFunc(r.Exec.Args, func(a policy.MatchedArg) bool { return a.Value == "README.md" }) {
		t.Errorf("git log --notes README.md: %s, want README.md matched as an operand", r.JSON())
	}
}

// TestAttachedOptionIsLong: attached = True is for a long option, the only
// kind with a --name=VALUE form.
func TestAttachedOptionIsLong(t *testing.T) {
	_, err := policy.Load("t.policy", []byte(`define_program(program = "x", options = [opt("-n", ARG_OPAQUE_VALUE, attached = True)], args = [])`))
	if err == nil {
		t.Fatal("opt(\"-n\", ..., attached = True) loads, want an error")
	}
}
