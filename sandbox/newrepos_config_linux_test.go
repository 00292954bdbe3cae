package sandbox

import "testing"

// TestGitRunsProgramAsGitReads (edits-3): a new repository's config is read
// as git reads it: an alias continued onto its next line, a key on its
// section's header line, a pager quoted in part all name programs; an alias
// that is a git command, a boolean pager and a template directory under a
// subsection do not count.
func TestGitRunsProgramAsGitReads(t *testing.T) {
	for _, tt := range []struct{ config, want string }{
		{"[alias]\n\tx = \\\n\"!sh y.sh\"\n", "alias.x"},
		{"[core] fsmonitor = bash m.sh\n", "core.fsmonitor"},
		{"[pager]\n\tlog = \"sh\" p.sh\n", "pager.log"},
		{"[alias]\n\tst = status\n[pager]\n\tlog = false\n", ""},
		{"[core]\n\tx = \"unclosed\n", "a config git cannot read"},
	} {
		if got := gitRunsProgram([]byte(tt.config)); got != tt.want {
			t.Errorf("gitRunsProgram(%q) = %q, want %q", tt.config, got, tt.want)
		}
	}
	if got := gitConfigValue([]byte("[init \"x\"]\n\ttemplateDir = /a\n[init] templateDir = \"/b\"\n"), "init.templatedir"); got != "/b" {
		t.Errorf("gitConfigValue: %q, want /b", got)
	}
}
