package policy_test

import (
	"strings"
	"testing"
)

// When no spec matches, the reason names what is missing, not the last
// spec tried: forbidding and prompting specs, and specs for another
// subcommand or with absent required options, explain nothing.
func TestSpecErrorNamesSubcommand(t *testing.T) {
	set := defaultSet(t)
	for _, tt := range []struct{ argv, want, not string }{
		{"systemctl restart nginx", `no rule for program "systemctl restart"`, "rescue"},
		{"journalctl --vacuum-time=2d", "--vacuum-time", "rescue"},
		{"git am x.patch", `no rule for program "git am"`, "expected"},
		{"git apply x.patch", `no rule for program "git apply"`, "required"},
		{"python x.py", `no rule for program "python"`, "unexpected"},
		{"ls -y", "option -y", ""},
		{"docker compose config --environment", `no rule for program "docker compose config"`, "version"},
		{"docker compose logs --bogus web", "option --bogus", ""},
		{"git log --output=x", "option --output=x", ""},
	} {
		r := set.Check(strings.Fields(tt.argv))
		why := r.Why()
		if !strings.Contains(why, tt.want) || tt.not != "" && strings.Contains(why, tt.not) {
			t.Errorf("%s: %q, want it to say %q", tt.argv, why, tt.want)
		}
	}
}
