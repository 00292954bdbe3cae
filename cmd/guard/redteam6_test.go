package main

import (
	"strings"
	"testing"
)

// TestPagerPinned (docs/redteam/judge-6.md): dpkg -l, journalctl,
// systemctl status and less --help are safe, and in a terminal they start less, whose `!CMD`
// runs anything typed at that terminal: `guard -- dpkg -l` under script(1)
// ran `!touch MARKER` (the agent types there when it drives a
// pseudo-terminal, as Codex's write_stdin does). guard pinned git's pager
// only; a verdict with one of these programs now runs with the pager off
// (SYSTEMD_PAGER, DPKG_PAGER and PAGER set to cat) and less in secure mode.
// Other commands keep the environment they were given.
func TestPagerPinned(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, script := range []string{
		"dpkg --version >/dev/null 2>&1; printenv SYSTEMD_PAGER DPKG_PAGER PAGER LESSSECURE",
		"journalctl --version >/dev/null 2>&1 || true; printenv SYSTEMD_PAGER DPKG_PAGER PAGER LESSSECURE",
		"less --version >/dev/null 2>&1 || true; printenv SYSTEMD_PAGER DPKG_PAGER PAGER LESSSECURE",
		"dmesg -H >/dev/null 2>&1 || true; printenv SYSTEMD_PAGER DPKG_PAGER PAGER LESSSECURE",
	} {
		cmd := w.guardCmd("--mode", "suggest", "--", "bash", "-c", script)
		cmd.Env = append(cmd.Env, "PAGER=less", "SYSTEMD_PAGER=less", "LESSSECURE=0")
		r := execute(t, cmd)
		if got := strings.Fields(r.stdout); strings.Join(got, " ") != "cat cat cat 1" {
			t.Errorf("guard -- bash -c %q: %s; want the pagers pinned (cat cat cat 1)", script, r)
		}
	}
	cmd := w.guardCmd("--mode", "suggest", "--", "printenv", "PAGER")
	cmd.Env = append(cmd.Env, "PAGER=less")
	if r := execute(t, cmd); strings.TrimSpace(r.stdout) != "less" {
		t.Errorf("guard -- printenv PAGER: %s; want the environment as given (less)", r)
	}
}
