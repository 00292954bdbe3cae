package gate

import (
	"path/filepath"
	"strings"

	"guard/policy"
)

// pagerPrograms are the programs the default policy lets run unasked that
// start a pager (less, through $PAGER or their own variable) when their
// output is a terminal: the systemd tools (journalctl, systemctl status,
// localectl list-locales, their --help...), dpkg-query's listings (dpkg
// -l), dmesg -H (util-linux pages its human format) and `less --help`,
// which shows its help in less itself. less
// runs `!CMD`: whoever types at that terminal runs anything, which is the
// agent when it drives a pseudo-terminal (Codex's exec_command with tty
// and write_stdin). `guard -- dpkg -l` in a terminal opened less, and
// `!touch MARKER` typed into it ran. git's pager is pinned with its config
// (pinGit).
var pagerPrograms = map[string]bool{
	"journalctl": true, "systemctl": true, "loginctl": true, "localectl": true, "timedatectl": true,
	"hostnamectl": true, "resolvectl": true, "networkctl": true, "systemd-analyze": true, "busctl": true,
	"coredumpctl": true, "machinectl": true, "bootctl": true, "userdbctl": true, "homectl": true,
	"dpkg": true, "dpkg-query": true, "less": true, "dmesg": true,
}

// pagerPins switch the pager off for those programs (cat, or empty for
// systemd, is no pager) and put a less started anyway in its secure mode,
// without shell escapes, editors or other files.
var pagerPins = [][2]string{
	{"SYSTEMD_PAGER", "cat"}, {"DPKG_PAGER", "cat"}, {"PAGER", "cat"}, {"SYSTEMD_PAGERSECURE", "1"}, {"LESSSECURE", "1"},
}

// pinPagers returns env with pagerPins in force when a command of v is one
// of pagerPrograms, else env as it is.
func pinPagers(env []string, v *policy.Verdict) []string {
	pages := false
	for _, c := range v.Commands {
		if len(c) > 0 && pagerPrograms[filepath.Base(c[0])] {
			pages = true
			break
		}
	}
	if !pages {
		return env
	}
	out := make([]string, 0, len(env)+len(pagerPins))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		pinned := false
		for _, p := range pagerPins {
			if k == p[0] {
				pinned = true
				break
			}
		}
		if !pinned {
			out = append(out, kv)
		}
	}
	for _, p := range pagerPins {
		out = append(out, p[0]+"="+p[1])
	}
	return out
}
