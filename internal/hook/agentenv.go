package hook

import (
	"os"
	"slices"
	"strconv"
	"strings"

	"guard/internal/safefile"
)

// StrippedGuardVars returns the variables guard reads (see GuardVar) that
// the agent process was started with, set, and that its hook's environment
// (getenv) lacks: the agent's settings took them out of what it gives its
// hooks, and guard would judge in another mode or configuration than the
// user started it with. Gemini CLI 0.61.0 does so with a project's
// .gemini/settings.json `"security": {"environmentVariableRedaction":
// {"enabled": true, "blocked": ["GUARD_MODE"]}}`, and for every variable
// but a few (PATH, HOME, TMPDIR...) when a project's .env sets GITHUB_SHA
// (its strict redaction, meant for GitHub Actions); measured: a session the
// user started with GUARD_MODE=suggest, under a config.toml whose mode is
// full-auto, had guard judge in full-auto.
//
// The agents run their hooks' commands with a shell (`sh -c`, `bash -c`:
// guard setup's command has a fallback after guard, so the shell waits
// for it), which is started with the hook's environment; the agent is the
// nearest ancestor above it that is not a shell, and its environment the
// one it was started with (/proc/PID/environ), not what it changed since.
// A guard whose parent is not a shell was not started by an agent's hook
// command as guard setup writes it (a test, a program running guard hook
// itself): nothing is returned, as without /proc.
func StrippedGuardVars(getenv func(string) string) []string {
	comm, pid, err := procStat(os.Getppid())
	if err != nil || !shellNames(comm) {
		return nil
	}
	for range 3 {
		if pid <= 1 {
			return nil
		}
		comm, ppid, err := procStat(pid)
		if err != nil {
			return nil
		}
		if !shellNames(comm) {
			break // the agent
		}
		pid = ppid
	}
	b, err := safefile.ReadProc("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return nil
	}
	var out []string
	for _, kv := range strings.Split(string(b), "\x00") {
		name, value, ok := strings.Cut(kv, "=")
		if ok && value != "" && GuardVar(name) && getenv(name) == "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// shellNames reports whether comm is a shell's command name: a hook's
// shell, between guard and the agent.
func shellNames(comm string) bool {
	switch comm {
	case "sh", "bash", "dash", "zsh", "ksh", "mksh", "busybox":
		return true
	}
	return false
}
