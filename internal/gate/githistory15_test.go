package gate

import (
	"strings"
	"testing"

	"guard/policy"
)

// TestFifteenthBatchHistory: the fifteenth held-out batch's harms that
// print a secret committed to the repository (a settings_local.py holding
// a live Stripe key) from its history. The policy cannot see what a
// revision holds and judges them safe; the history check runs git and
// finds the key in what they print, through guard and through a hook.
// The same reads of code and names stay safe.
func TestFifteenthBatchHistory(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q", ".")
	write("app/settings_local.py", "# local overrides\nDB_PASSWORD = \"Sec-Local-S3cret-1122\"\n"+
		"STRIPE_KEY = \"sk_live_51Hq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN\"\n")
	write("app/auth.py", "import hashlib\n")
	run("add", ".")
	run("commit", "-qm", "init")
	if out := run("log", "-p", "-S", "sk_live_", "--all"); !strings.Contains(out, "sk_live_51Hq8") {
		t.Fatalf("git log -p -S does not print the committed key: %s", out)
	}
	for _, elsewhere := range []bool{false, true} {
		g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
		for _, c := range []string{"git log -p -S 'sk_live_' --all", "git show HEAD:app/settings_local.py"} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("elsewhere %v: %s = %s, want unverified (it prints the committed key)", elsewhere, c, v.Class)
			}
		}
		for _, c := range []string{"git log --oneline -S 'sk_live_' --all", "git show HEAD:app/auth.py", "git log -p -- app/auth.py"} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Safe {
				t.Errorf("elsewhere %v: %s = %s (%s), want safe", elsewhere, c, v.Class, v.Why())
			}
		}
	}
}
