package hook

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"guard/internal/safefile"
)

// CodexRewriteVersion is the first Codex version known to apply a hook's
// allow with updatedInput (measured with 0.169.1). Older versions take that
// answer as invalid and run the original command unconfined.
var CodexRewriteVersion = [3]int{0, 169, 0}

// CodexVersion finds the version of the Codex process that started this
// hook: the nearest ancestor process whose executable is named codex, read
// from the codex-package.json the npm package puts beside its bin directory,
// else from `codex --version`, run as the file that process runs
// (/proc/PID/exe): the file at its path may be another by now (a Codex
// installed in a project's node_modules, replaced there: the hook ran the
// new file, unconfined, and took the version it printed). The package file
// is read only while the path still names the running file and writable
// (a writable root holds it, as it holds the project's node_modules) is
// false for it. ok is false when there is no such ancestor or its version
// cannot be read. Only Linux has /proc to look in.
func CodexVersion(writable func(string) bool) (version [3]int, ok bool) {
	pid := os.Getppid()
	for range 8 {
		if pid <= 1 {
			return version, false
		}
		exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
		if err == nil && strings.HasPrefix(filepath.Base(exe), "codex") && !strings.HasPrefix(filepath.Base(exe), "codex-") {
			return codexExeVersion(pid, strings.TrimSuffix(exe, " (deleted)"), writable)
		}
		if pid, err = parentOf(pid); err != nil {
			return version, false
		}
	}
	return version, false
}

// CodexRewrites reports whether the Codex that started this hook applies
// allow with updatedInput (writable: see CodexVersion).
func CodexRewrites(writable func(string) bool) bool {
	v, ok := CodexVersion(writable)
	return ok && !versionLess(v, CodexRewriteVersion)
}

func parentOf(pid int) (int, error) {
	_, ppid, err := procStat(pid)
	return ppid, err
}

// procStat returns a process's command name (its comm, at most 15 bytes)
// and its parent's pid, from /proc/PID/stat.
func procStat(pid int) (comm string, ppid int, err error) {
	b, err := safefile.ReadProc("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, err
	}
	// pid (comm) state ppid ...: comm may hold spaces and parentheses.
	s := string(b)
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return "", 0, os.ErrInvalid
	}
	f := strings.Fields(s[j+1:])
	if len(f) < 2 {
		return "", 0, os.ErrInvalid
	}
	ppid, err = strconv.Atoi(f[1])
	return s[i+1 : j], ppid, err
}

var versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(\d+)\.(\d+)\.(\d+)`) })

func codexExeVersion(pid int, exe string, writable func(string) bool) ([3]int, bool) {
	running := "/proc/" + strconv.Itoa(pid) + "/exe"
	var pkg struct {
		Version string `json:"version"`
	}
	file := filepath.Join(filepath.Dir(filepath.Dir(exe)), "codex-package.json")
	if sameFile(exe, running) && !writable(file) {
		if b, err := os.ReadFile(file); err == nil && json.Unmarshal(b, &pkg) == nil {
			if v, ok := parseVersion(pkg.Version); ok {
				return v, true
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, running, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "codex") {
		return [3]int{}, false
	}
	return parseVersion(string(out))
}

// sameFile reports whether paths a and b name the same file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func parseVersion(s string) ([3]int, bool) {
	m := versionRE().FindStringSubmatch(s)
	if m == nil {
		return [3]int{}, false
	}
	var v [3]int
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	return v, true
}

func versionLess(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// ShellWritesFirst reports whether agent a's hook shell may write to the
// hook's stdout before guard does, so that guard's JSON answer may not be
// the first thing there: Codex 0.171.0 runs a hook command with /bin/bash
// -c, which first sources the file $BASH_ENV names (seen: the hook's parent
// was `/bin/bash -c '<guard> hook codex || ...'`). A line that file prints
// (nvm's "Now using node ...", a greeting) comes before the answer, and Codex
// then reads no answer at all and runs the command: measured, a deny and a
// full-auto rewrite were both lost and a write outside the project ran. An
// answer on stderr with exit 2 blocks whatever stdout holds. Claude Code
// runs hooks with /bin/sh -c, which reads no start-up file when it is not
// interactive (bash as sh neither); Gemini CLI's bash -c gets no BASH_ENV
// (0.61.0 removes it, with ENV and LD_PRELOAD, from its hooks' environment:
// it still blocked, measured), so it keeps its JSON answers.
func ShellWritesFirst(a Agent, getenv func(string) string) bool {
	return a == Codex && getenv("BASH_ENV") != ""
}

// AnswerReason returns the reason an encoded answer carries
// (permissionDecisionReason, or Gemini CLI's reason), "" when it has none.
func AnswerReason(b []byte) string {
	var ans answer
	if json.Unmarshal(b, &ans) != nil {
		return ""
	}
	if ans.Specific != nil && ans.Specific.PermissionDecisionReason != "" {
		return ans.Specific.PermissionDecisionReason
	}
	return ans.Reason
}
