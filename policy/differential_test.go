package policy

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guard/policy/shell"
	"guard/sandbox/sandboxtest"
)

// The differential test: a script that guard lets run (judged as the hook
// judges it: `bash -c SCRIPT`, or `sh -c SCRIPT` for dash) is run by the
// real shell under strace, as the user nobody, in a scratch directory whose
// PATH holds only recorder programs (links to true) and the real shells
// and wrappers. Every program the shell executes must be one of the
// commands guard judged, and every file it opens for writing, creates,
// removes or renames must be among the paths guard's verdict writes. A
// socket is never judged. Startup files (rc files, profiles, a file named
// F) run a command named pwned_..., which guard never judges.

// diffShell is a shell the scripts are run by, with the argv guard judges.
type diffShell struct {
	name  string // the program run
	judge string // argv[0] given to guard
	// agent: the shell of a zsh user's agent, which the hooks judge as
	// bash with zshAgentAsks besides.
	agent bool
	// options are set before the script runs, as the user's start-up
	// files set them for the agent's shell (Claude Code's and Codex's
	// shell snapshots carry them); guard judges the script alone.
	options string
	// globs: the options change what a glob gives, so the shell runs the
	// scripts that have one (else those that cd).
	globs bool
	// wrapper names the agent whose own wrapper the script runs inside,
	// in the wrapper's shell, as the hooks' plain allow runs it: the
	// wrapper reads the state the script leaves (geminiWrapperShell).
	wrapper string
}

// geminiWrapperShell runs each script inside Gemini CLI 0.61.0's wrapper
// (wrapCommandForBackgroundPIDs, and ensurePromptvarsDisabled's shopt line
// before it): after the script, the wrapper writes the
// background jobs' ids into the file $_bgpids_file names, a file of its
// own in $TMPDIR, whose writes are no finding; a write anywhere else is.
var geminiWrapperShell = diffShell{name: "bash", judge: "bash", wrapper: "gemini"}

// zshAgentAsks, set by zshagent_test.go (it needs the hooks' package,
// which imports this one), reports whether the hooks ask about script,
// which guard allows as bash, for what zsh reads otherwise; allowed judges
// a reading of script as bash. With it, every script also runs in zsh as
// the agent's shell (zshAgentShell).
var zshAgentAsks func(script, dir, home string, allowed func(reading string) bool) bool

var zshAgentShell = diffShell{name: "zsh", judge: "bash", agent: true}

// dashAgentAsks, set by zshagent_test.go, reports whether the Codex hook
// asks about script, which guard allows as bash, for what dash, the /bin/sh
// a Codex model may name, reads otherwise; with it, every script also runs
// in dash as the agent's shell (dashAgentShell).
var dashAgentAsks func(script string, allowed func(reading string) bool) bool

var dashAgentShell = diffShell{name: "dash", judge: "bash", agent: true}

// dashProgram reports whether name, a keyword of bash, is a program dash
// looks up on PATH that the judge checks otherwise: time (the program,
// which guard's wrapper reads as bash's keyword: what it runs is checked
// in turn). bash's builtins and keywords dash lacks (`[[`, pushd, builtin)
// are counted: the lab's PATH holds a recorder of each name the script
// uses, and the Codex hook asks where PATH finds one (judge-29).
func dashProgram(name string) bool {
	return name == "time"
}

// agentAsks reports whether the hooks ask about src for sh, an agent's
// shell, besides judging it as bash.
func (sh diffShell) agentAsks(src, dir, home string, allowed func(reading string) bool) bool {
	if sh.name == "dash" {
		return dashAgentAsks(src, allowed)
	}
	return zshAgentAsks(src, dir, home, allowed)
}

// label names the shell in a failure.
func (sh diffShell) label() string {
	name := sh.name
	if sh.options != "" {
		name += " with `" + sh.options + "` from the user's start-up files"
	}
	if sh.wrapper != "" {
		name += " inside " + sh.wrapper + "'s own wrapper"
	}
	if sh.agent {
		return name + " (the agent's shell; judged as the hooks judge it)"
	}
	return name
}

// optionShells run the scripts that cd: cdable_vars (zsh: CDABLE_VARS,
// which prezto sets) enters $NAME or ~NAME for a name that is no
// directory, set -P (zsh: CHASE_LINKS) resolves a link before its .. ;
// and the scripts with a glob: nullglob (zsh: NULL_GLOB) drops a glob
// that matches nothing.
var optionShells = []diffShell{
	{name: "bash", judge: "bash", options: "shopt -s cdable_vars; set -P"},
	{name: "zsh", judge: "bash", agent: true, options: "setopt cdable_vars chase_links"},
	{name: "bash", judge: "bash", options: "shopt -s nullglob", globs: true},
	{name: "zsh", judge: "bash", agent: true, options: "setopt null_glob", globs: true},
}

// text is what sh runs for src: the options on a line of their own
// before it, or the agent's wrapper around it (tmp is the run's $TMPDIR).
func (sh diffShell) text(src, tmp string) string {
	if sh.wrapper == "gemini" {
		cmd := strings.TrimSpace(src)
		if strings.HasSuffix(cmd, "\\") {
			cmd += " "
		}
		return "shopt -u promptvars nullglob extglob nocaseglob dotglob; _bgpids_file=" + filepath.Join(tmp, "bgpids.tmp") + "\n(\n  trap 'jobs -p > \"$_bgpids_file\"' EXIT\n" + cmd + "\n)\n__code=$?\nexit $__code"
	}
	if sh.options == "" {
		return src
	}
	return sh.options + "\n" + src
}

// runsIn reports whether src is run in sh: a shell with options only
// runs scripts that change directory, or that have a glob.
func (sh diffShell) runsIn(src string) bool {
	if sh.globs {
		// Not a --NAME=GLOB word (`grep -r --include=*.py x .`): nullglob
		// drops it too, and guard does not judge that (judge-27, left).
		for _, w := range strings.Fields(src) {
			if _, ok := longOptGlob(w); ok {
				return false
			}
		}
		return strings.ContainsAny(src, "*?[")
	}
	return sh.options == "" || strings.Contains(src, "cd") || strings.Contains(src, "pushd")
}

var diffShells = []diffShell{{name: "bash", judge: "bash"}, {name: "dash", judge: "sh"}}

// zshShell is run too where zsh is installed (newDiffLab adds it to
// l.runShells): zsh reads a script otherwise than bash in many places
// (its last pipeline part runs in the shell, `<f` alone runs a pager).
var zshShell = diffShell{name: "zsh", judge: "zsh"}

// realShell reports whether name is one of the shells the lab runs for
// real (their own effects are checked in turn).
func realShell(name string) bool {
	return name == "bash" || name == "dash" || name == "sh" || name == "zsh"
}

// realPrograms are linked into the recorder directory as themselves: the
// shells (so that nested shells really run) and the wrappers guard strips
// (so that the wrapped command runs, as a recorder), and cat, whose output
// guard takes as known in "$(cat <<'EOF' ... EOF)", the way agents write commit
// messages (a recorder would print nothing in its place).
var realPrograms = []string{"bash", "dash", "zsh", "env", "timeout", "nice", "nohup", "stdbuf", "time", "cat"}

// diffLab is the scratch area shared by one test's runs.
type diffLab struct {
	root, bin, tmp string
	home           string // HOME of the shells and of guard's judgement
	strace         string
	shells         map[string]string // name -> real path
	runShells      []diffShell       // the shells every allowed script runs in
	truePath       string
	uid, gid       uint32
	set            Set

	mu   sync.Mutex
	next int
}

func newDiffLab(t testing.TB) *diffLab {
	t.Helper()
	if os.Geteuid() != 0 {
		sandboxtest.Skip(t, "the differential test runs the shells as nobody: it needs root to change user")
	}
	l := &diffLab{shells: map[string]string{}, set: defaultSet(t)}
	var err error
	if l.strace, err = exec.LookPath("strace"); err != nil {
		sandboxtest.Skip(t, "strace not installed: the differential test records what the shells run with it")
	}
	if l.truePath, err = exec.LookPath("true"); err != nil {
		t.Fatal(err)
	}
	for _, name := range realPrograms {
		p, err := exec.LookPath(name)
		if err != nil {
			if name == "bash" || name == "dash" {
				sandboxtest.Skipf(t, "%s not installed: the differential test compares guard with it", name)
			}
			continue
		}
		l.shells[name] = p
	}
	l.runShells = append(slices.Clone(diffShells), geminiWrapperShell)
	if dashAgentAsks != nil {
		l.runShells = append(l.runShells, dashAgentShell)
	}
	if _, ok := l.shells["zsh"]; ok {
		l.runShells = append(l.runShells, zshShell)
		if zshAgentAsks != nil {
			l.runShells = append(l.runShells, zshAgentShell)
		}
	}
	for _, sh := range optionShells {
		if _, ok := l.shells[sh.name]; ok && (!sh.agent || zshAgentAsks != nil) {
			l.runShells = append(l.runShells, sh)
		}
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		sandboxtest.Skipf(t, "no user nobody: %v", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	l.uid, l.gid = uint32(uid), uint32(gid)

	// Under /tmp, which nobody can reach, rather than a private TMPDIR.
	base := "/tmp"
	if _, err := os.Stat(base); err != nil {
		base = ""
	}
	root, err := os.MkdirTemp(base, "guard-differential-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if root, err = filepath.EvalSymlinks(root); err != nil {
		t.Fatal(err)
	}
	l.root, l.bin, l.tmp, l.home = root, filepath.Join(root, "bin"), filepath.Join(root, "tmp"), filepath.Join(root, "home")
	for _, d := range []string{l.bin, l.tmp, filepath.Join(root, "w"), l.home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range homeBaits {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(l.home, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(l.home, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range homeBaitLinks {
		if err := os.Symlink(target, filepath.Join(l.home, name)); err != nil {
			t.Fatal(err)
		}
	}
	// guard expands ~ and $HOME with its own HOME, as the hook does with
	// the agent's: the same as the shells'.
	t.Setenv("HOME", l.home)
	for _, d := range []string{root, l.tmp, filepath.Join(root, "w"), l.home} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, int(l.uid), int(l.gid)); err != nil {
			t.Fatal(err)
		}
	}
	for name, p := range l.shells {
		if err := os.Symlink(p, filepath.Join(l.bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	if p, ok := l.shells["dash"]; ok {
		if err := os.Symlink(p, filepath.Join(l.bin, "sh")); err != nil {
			t.Fatal(err)
		}
	}
	// strace needs ptrace, which a container may deny.
	probe := exec.Command(l.strace, "-f", "-qq", "-o", "/dev/null", "--", l.truePath)
	probe.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: l.uid, Gid: l.gid}}
	if out, err := probe.CombinedOutput(); err != nil {
		sandboxtest.Skipf(t, "strace cannot trace as nobody here: %v: %s", err, out)
	}
	return l
}

var tokenRE = regexp.MustCompile(`[A-Za-z0-9_][A-Za-z0-9._+-]*`)

// recorders links every word of src that could name a program to true.
func (l *diffLab) recorders(src string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, name := range tokenRE.FindAllString(src, -1) {
		if len(name) > 64 || name == "sh" {
			continue
		}
		if _, real := l.shells[name]; real {
			continue
		}
		os.Symlink(l.truePath, filepath.Join(l.bin, name)) // exists already: fine
	}
	if strings.Contains(src, "[[") {
		os.Symlink(l.truePath, filepath.Join(l.bin, "[[")) // dash runs it
	}
}

// baits are the files of a run's directory and home: startup files run a
// program guard never judges.
var baits = map[string]string{
	"a.txt": "a\n", "x": "x\n", "d/f": "f\n",
	"F": "pwned_F\n", "rc": "pwned_rc\n", "x.sh": "pwned_script\n",
	".env": "OPENAI_API_KEY=sk-proj-differential0123456789abcdefghij\n",
}

// baitLinks are links among the baits: one named as a glob pattern that
// matches nothing, which the shell then passes as the word (judge-15 U1),
// names beyond ASCII, which dash matches byte by byte (`??` is é) and
// bash by the locale's characters ([![:alpha:]] is €) (judge-18 G1), and
// the names dash reads `cat {x,y}` and `cat $'x'` as (judge-28).
var baitLinks = map[string]string{"[x]*": ".env", "é": ".env", "€": ".env", "lk": "../../home/sub", "{x,y}": ".env", "$x": ".env"}

// baitPrograms are programs among the baits, named as one the scripts run:
// a shell that looks the name up elsewhere than on the lab's PATH runs it.
var baitPrograms = map[string]string{"d/ls": "#!/bin/true\n"}

// systemBin reports whether dir is one of the system's program directories.
func systemBin(dir string) bool {
	switch dir {
	case "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin":
		return true
	}
	return false
}

// secretBaits are the baits guard never lets a command read (a .env holds
// API keys): a shell or a real program (cat) of an allowed script that
// opens one read what guard did not judge.
var secretBaits = map[string]bool{".env": true}

// homeBaits are the startup files in the shells' home. zsh's ~/.zshenv,
// which every zsh reads, is not one: the gate judges it (zshEnvWhy), not
// the policy asked here.
var homeBaits = map[string]string{
	".bashrc": "pwned_bashrc\n", ".bash_profile": "pwned_bash_profile\n",
	".bash_login": "pwned_bash_login\n", ".profile": "pwned_profile\n",
	".bash_logout": "pwned_bash_logout\n", ".inputrc": "\n", "x": "x\n",
	".zshrc": "pwned_zshrc\n", ".zprofile": "pwned_zprofile\n", ".zlogin": "pwned_zlogin\n",
	".zlogout": "pwned_zlogout\n",
	// A secret in the home, and a directory the runs' link lk leads to.
	".env":  baits[".env"],
	"sub/f": "f\n",
}

// homeBaitLinks: k, a harmless name, is the home's .env; the runs'
// directory has a link lk to the home's sub (baitLinks), so that `cd
// lk/.. && cat k`, or `cd HOME && cat k` with cdable_vars, reads it.
var homeBaitLinks = map[string]string{"k": ".env"}

// workdir makes a fresh directory for one run, owned by nobody.
func (l *diffLab) workdir(t testing.TB) string {
	l.mu.Lock()
	l.next++
	n := l.next
	l.mu.Unlock()
	dir := filepath.Join(l.root, "w", strconv.Itoa(n))
	for name, content := range baits {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range baitPrograms {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range baitLinks {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error {
		return os.Lchown(p, int(l.uid), int(l.gid))
	})
	return dir
}

// judged is what guard said about a script.
type judged struct {
	cwd      string
	allowed  bool
	verdict  Verdict
	commands []shell.Command
	writes   map[string]bool
	dialect  shell.Dialect
	// expansions holds, per command, the argvs guard's expansion of its
	// words gives (with the indexes of the globs), made before the run: a
	// glob matches the files there were when guard judged, not those the
	// script then made (`ls * > --rcfile`).
	expansions [][]expansion
}

type expansion struct {
	argv  []string
	globs []int
}

func (l *diffLab) judge(src string, sh diffShell, dir string) judged {
	v := l.set.Judge([]string{sh.judge, "-c", src}, dir)
	d := Decide(&v, AutoEdit, []string{dir})
	j := judged{cwd: dir, allowed: d.Action == Run, verdict: v, writes: map[string]bool{}}
	if !j.allowed {
		return j
	}
	dialect, _ := shell.DialectFor(sh.judge)
	j.dialect = dialect
	if s, err := shell.Parse(src, dialect); err == nil {
		j.commands = s.Commands
	}
	for i := range j.commands {
		j.expansions = append(j.expansions, j.expand(&j.commands[i]))
	}
	for _, w := range v.Writes {
		j.writes[filepath.Clean(w)] = true
	}
	return j
}

// dir is the directory c runs in, as guard's judgement made it.
func (j judged) dir(c *shell.Command) string {
	return absolute(homePath(c.Dir), j.cwd)
}

// event is one thing a shell did under strace.
type event struct {
	pid     string
	syscall string
	path    string   // absolute, for file events
	argv    []string // for execve
	file    string   // execve's file
}

// run runs src with the real shell and returns what it did.
func (l *diffLab) run(src string, sh diffShell, dir string) ([]event, string, error) {
	l.recorders(src)
	logs, err := os.MkdirTemp(l.root, "log-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(logs)
	os.Chown(logs, int(l.uid), int(l.gid))
	// Generous: a loaded machine (other test binaries, strace) must not cut a
	// run short and leave a log that reads like a finding.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, l.strace, "-ff", "-qq", "-y", "-xx", "-s", "65536", "-v",
		"-e", "signal=none",
		"-e", "trace=execve,execveat,openat,open,creat,mkdir,mkdirat,rmdir,unlink,unlinkat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,truncate,chmod,fchmodat,mknod,mknodat,socket,connect",
		"-o", filepath.Join(logs, "t"), "--", filepath.Join(l.bin, sh.name), "-c", sh.text(src, l.tmp))
	cmd.Dir = dir
	// zsh writes here-documents to $TMPPREFIX..., not below $TMPDIR.
	cmd.Env = []string{"PATH=" + l.bin, "HOME=" + l.home, "LANG=C.UTF-8", "TMPDIR=" + l.tmp, "TMPPREFIX=" + l.tmp + "/zsh"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: l.uid, Gid: l.gid}, Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return nil, string(out), err
	}
	files, _ := filepath.Glob(filepath.Join(logs, "t.*"))
	var events []event
	for _, f := range files {
		evs, err := parseStrace(f)
		if err != nil {
			return nil, string(out), err
		}
		events = append(events, evs...)
	}
	return events, string(out), nil
}

var (
	straceLine = regexp.MustCompile(`^(\w+)\((.*)\) += (.*)$`)
	hexString  = regexp.MustCompile(`"((?:\\x[0-9a-f]{2})*)"`)
	fdPath     = regexp.MustCompile(`^(?:AT_FDCWD|\d+)<((?:\\x[0-9a-f]{2})*)>`)
	retPath    = regexp.MustCompile(`^\d+<((?:\\x[0-9a-f]{2})*)>`)
)

func unhex(s string) string {
	b, _ := hex.DecodeString(strings.ReplaceAll(s, `\x`, ""))
	return string(b)
}

// parseStrace reads one process's strace -ff -y -xx log.
func parseStrace(file string) ([]event, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pid := strings.TrimPrefix(filepath.Ext(file), ".")
	var events []event
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		m := straceLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name, args := m[1], m[2]
		ev := event{pid: pid, syscall: name}
		strs := hexString.FindAllStringSubmatch(args, -1)
		switch name {
		case "execve", "execveat":
			if len(strs) == 0 {
				continue
			}
			ev.file = unhex(strs[0][1])
			// argv is the first [...] list.
			open := strings.Index(args, "[")
			end := strings.Index(args, "]")
			if open >= 0 && end > open {
				for _, s := range hexString.FindAllStringSubmatch(args[open:end], -1) {
					ev.argv = append(ev.argv, unhex(s[1]))
				}
			}
		case "socket", "connect":
			// The shells' own name service lookups use unix sockets.
			if strings.Contains(args, "AF_UNIX") || strings.Contains(args, "sun_path") {
				continue
			}
		case "openat", "open", "creat":
			if name != "creat" && !writeFlags(args) {
				// A read is kept when it opened the secret bait (by any
				// name: -y prints the file the descriptor holds).
				if r := retPath.FindStringSubmatch(m[3]); r != nil && secretBaits[filepath.Base(unhex(r[1]))] {
					events = append(events, event{pid: pid, syscall: "read", path: unhex(r[1])})
				}
				continue
			}
			ev.path = atPath(args, strs)
			if strings.HasPrefix(ev.path, "/dev/") || strings.HasPrefix(ev.path, "/proc/") {
				// /dev/stdin and the like open the file on a descriptor
				// anew: -y names what was opened. A pipe or a terminal is
				// no file written.
				r := retPath.FindStringSubmatch(m[3])
				if r == nil && strings.HasPrefix(m[3], "-1 ") {
					// Not opened: the shells run as nobody, and the
					// output pipe /dev/stdout names is root's (EACCES).
					continue
				}
				if r != nil {
					real := unhex(r[1])
					if !filepath.IsAbs(real) || ignoredWrites[real] {
						// A pipe, or the run's own input: /dev/null.
						continue
					}
					if !strings.HasPrefix(real, "/dev/") {
						ev.path = real
					}
				}
			}
		default:
			if len(strs) == 0 {
				continue
			}
			ev.path = atPath(args, strs)
		}
		events = append(events, ev)
	}
	return events, sc.Err()
}

func writeFlags(args string) bool {
	for _, f := range []string{"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"} {
		if strings.Contains(args, f) {
			return true
		}
	}
	return false
}

// atPath makes the first path argument absolute against its directory
// descriptor, as -y printed it.
func atPath(args string, strs [][]string) string {
	if len(strs) == 0 {
		return ""
	}
	p := unhex(strs[0][1])
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if m := fdPath.FindStringSubmatch(args); m != nil {
		return filepath.Join(unhex(m[1]), p)
	}
	return p
}

// ignoredWrites are opened for writing by the shells themselves.
var ignoredWrites = map[string]bool{"/dev/null": true, "/dev/tty": true}

// check runs src in one shell when guard allows it, and reports what the
// shell did that guard did not judge. ran is false when guard does not
// allow src.
func (l *diffLab) check(t testing.TB, src string, sh diffShell) (problems []string, ran bool) {
	dir := l.workdir(t)
	defer os.RemoveAll(dir)
	j := l.judge(src, sh, dir)
	if !j.allowed || strings.ContainsRune(src, 0) || sh.globs && j.verdict.Class != Safe {
		// A nullglob shell's dropped words are judged for a safe command
		// only: a write runs confined (judge-27, left).
		return nil, false
	}
	// The hooks' plain allow runs in the agent's shell; a write they let
	// run is rewritten to run under guard, in bash. The hooks judge zsh's
	// readings too ($=x as $x): what one they allowed runs was judged.
	var readings []judged
	if sh.agent && (j.verdict.Class != Safe || sh.agentAsks(src, dir, l.home, func(reading string) bool {
		r := l.judge(reading, diffShell{judge: "bash"}, dir)
		if r.allowed {
			readings = append(readings, r)
		}
		return r.allowed
	})) {
		return nil, false
	}
	startup := l.startupEvents(t, src, sh, dir)
	events, out, err := l.run(src, sh, dir)
	if err != nil {
		t.Fatalf("%s -c %q: %v\n%s", sh.name, src, err, out)
	}
	top := []string{filepath.Join(l.bin, sh.name), "-c", sh.text(src, l.tmp)}
	skippedTop := false
	for _, ev := range events {
		if k := ev.key(); startup[k] > 0 {
			startup[k]--
			continue
		}
		switch ev.syscall {
		case "execve", "execveat":
			if !skippedTop && slices.Equal(ev.argv[1:], top[1:]) {
				skippedTop = true
				continue
			}
			if sh == dashAgentShell && len(ev.argv) > 0 && dashProgram(ev.argv[0]) && filepath.Dir(ev.file) == l.bin {
				continue
			}
			if j.execJudged(ev, l) || slices.ContainsFunc(readings, func(r judged) bool { return r.execJudged(ev, l) }) {
				continue
			}
			if sh.globs && j.nullGlobJudged(ev) {
				continue
			}
			problems = append(problems, fmt.Sprintf("ran %q (%s), which guard did not judge", ev.argv, ev.file))
		case "socket", "connect":
			problems = append(problems, "opened a socket ("+ev.syscall+")")
		case "read":
			problems = append(problems, "read "+ev.path+", a secret guard did not judge as read")
		default:
			if !filepath.IsAbs(ev.path) {
				// An strace too old to print the directory of AT_FDCWD.
				ev.path = filepath.Join(dir, ev.path)
			}
			if ignoredWrites[ev.path] || strings.HasPrefix(ev.path, l.tmp+"/") || j.writes[ev.path] {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s %s, which guard did not judge as a write", ev.syscall, ev.path))
		}
	}
	if len(problems) > 0 {
		var cmds []string
		for _, c := range j.commands {
			cmds = append(cmds, fmt.Sprintf("%q", c.Argv))
		}
		problems = append(problems, fmt.Sprintf("guard: %s, commands %s, writes %q", j.verdict.Class, strings.Join(cmds, " "), j.verdict.Writes))
	}
	return problems, true
}

// startupEvents is what the start-up files alone do in the shell that src,
// one shell command guard judges as that shell (NestedShell: `sh -lc ls`),
// starts: that shell run in dir with the script ":". A login shell's
// profiles are the user's: guard judges no command of theirs, and learns
// from the shell itself the PATH, options, functions and directory they
// leave (cmd/guard's judgeStartupPATH), so what they run is no finding
// here; everything the script does beyond them still is. Nil for any other
// src.
func (l *diffLab) startupEvents(t testing.TB, src string, sh diffShell, dir string) map[string]int {
	inner, ok := NestedShell([]string{sh.judge, "-c", src})
	if !ok {
		return nil
	}
	alone := slices.Clone(inner)
	alone[len(alone)-1] = ":" // the script, ShellScript's last word here
	if s, _, ok := ShellScript(inner); !ok || s != inner[len(inner)-1] {
		return nil
	}
	events, out, err := l.run(shell.Join(alone), sh, dir)
	if err != nil {
		t.Fatalf("%s -c %q: %v\n%s", sh.name, shell.Join(alone), err, out)
	}
	seen := map[string]int{}
	for _, ev := range events {
		if ev.syscall == "execve" || ev.syscall == "execveat" {
			if len(ev.argv) > 0 && (ev.argv[len(ev.argv)-1] == ":" || strings.HasSuffix(ev.argv[len(ev.argv)-1], shell.Join(alone))) {
				continue // the shells themselves
			}
		}
		seen[ev.key()]++
	}
	return seen
}

// key identifies what an event did, whichever process did it.
func (ev event) key() string {
	return ev.syscall + "\x00" + ev.path + "\x00" + strings.Join(ev.argv, "\x00")
}

// execJudged reports whether an execve is one guard judged: the argv of
// one of its commands, a wrapper in front of one, or a real shell (whose
// own effects are checked in turn).
func (j judged) execJudged(ev event, l *diffLab) bool {
	base := filepath.Base(ev.file)
	if len(ev.argv) > 0 && !strings.Contains(ev.argv[0], "/") && filepath.Dir(ev.file) != l.bin && !systemBin(filepath.Dir(ev.file)) {
		// A program named without a / was looked up in another PATH than
		// the lab's (zsh's path is PATH: `for path in d; do ls; done` runs
		// the bait d/ls). The system's directories are the PATH a login
		// shell's profile or `command -p` gives, which guard judges so.
		return false
	}
	if filepath.Dir(ev.file) == l.bin {
		if realShell(base) {
			return true
		}
	}
	// A real wrapper that runs a shell (`nice bash -c '# nothing'`): the
	// shell's own effects are checked in turn.
	if _, real := l.shells[base]; real && filepath.Dir(ev.file) == l.bin {
		for _, w := range ev.argv[1:] {
			if realShell(filepath.Base(w)) {
				return true
			}
		}
	}
	// A nested shell guard followed (ash -c, zsh -c) and whose program it
	// resolves (Command.Shells): in the lab it is a recorder, which runs
	// nothing more.
	if _, ok := shell.DialectFor(base); ok {
		for _, c := range j.commands {
			if slices.Contains(c.Shells, ev.argv[0]) || slices.Contains(c.Shells, base) {
				return true
			}
		}
	}
	// The argvs the judgement lists (expanded where guard expanded them).
	for _, argv := range j.verdict.Commands {
		if slices.Equal(ev.argv, argv) {
			return true
		}
	}
	for i, c := range j.commands {
		if slices.Equal(ev.argv, c.Argv) {
			return true
		}
		// A word guard judged expanded (~, $HOME, a read glob): the glob's
		// matches in any order (the shell sorts them by the locale).
		if c.Dynamic != "" {
			for _, x := range j.expansions[i] {
				if globMatch(ev.argv, x.argv, x.globs) {
					return true
				}
			}
			if pidMatch(ev.argv, c.Argv) {
				return true
			}
			if printers(c.Argv[0]) && len(ev.argv) > 0 && ev.argv[0] == c.Argv[0] {
				// echo prints what its words hold, whatever it is (a
				// word guard does not expand too: zsh's $'\cA' is cA).
				return true
			}
			// A process substitution judged as a pipe (runtime.go): the
			// shell passes /dev/fd/N in its place.
			if argv, _, _, ok := expandRunTime(&c, j.dialect, j.dir(&c), false); ok && procSubstMatch(ev.argv, argv) {
				return true
			}
			// A word that is a whole command substitution, which guard
			// judged as its command's output: the lab's programs print
			// nothing, so the shell passes no word (or an empty one).
			if substMatch(ev.argv, c.Argv) || whichMatch(ev.argv, c.Argv, l.bin) {
				return true
			}
			// Command substitutions only in words the program prints
			// (printedArg: basename $(pwd)): whatever a builtin inside
			// printed, the judgement holds for any value.
			if len(ev.argv) > 0 && ev.argv[0] == c.Argv[0] && substsPrinted(&c) {
				return true
			}
		}
		// A real wrapper runs the rest, which is checked in turn.
		if _, real := l.shells[base]; real && len(c.Wrapper) > 0 && filepath.Dir(ev.file) == l.bin &&
			len(ev.argv) >= len(c.Wrapper) && slices.Equal(ev.argv[:len(c.Wrapper)], c.Wrapper) {
			return true
		}
		full := append(slices.Clone(c.Wrapper), c.Argv...)
		if len(ev.argv) > len(c.Argv) && len(ev.argv) <= len(full) && slices.Equal(ev.argv, full[len(full)-len(ev.argv):]) {
			return true
		}
	}
	return false
}

// expand gives what guard's expansion of c's words makes of them; in sh,
// also each reading of its brace words alone: the judge takes both at once
// (bash running as sh expands the braces, dash leaves the word as it is),
// so a run by either shell gives only one of them (`ls {a,b}"*x"E*F` in
// dash: one word, its failed glob left as text).
func (j judged) expand(c *shell.Command) []expansion {
	if c.Dynamic == "" {
		return nil
	}
	var out []expansion
	add := func(c *shell.Command) {
		if argv, globs, _, ok := expandArgv(c, j.dialect, j.dir(c), false); ok {
			out = append(out, expansion{argv, globs})
		}
	}
	add(c)
	if j.dialect != shell.POSIX || len(c.ArgBraces) == 0 {
		return out
	}
	for _, dash := range []bool{true, false} {
		r := *c
		r.ArgBraces = make([][]string, len(c.ArgBraces))
		for i, b := range c.ArgBraces {
			switch {
			case len(b) < 2:
				r.ArgBraces[i] = b
			case dash:
				r.ArgBraces[i] = b[len(b)-1:]
			default:
				r.ArgBraces[i] = b[:len(b)-1]
			}
		}
		add(&r)
	}
	return out
}

// globMatch reports whether argv is what the shell makes of words, whose
// indexes in globs are glob patterns guard judged as reads: each becomes
// the files it matches (one word or more) or stays as it is.
func globMatch(argv, words []string, globs []int) bool {
	if len(words) == 0 {
		return len(argv) == 0
	}
	if !slices.Contains(globs, 0) {
		return len(argv) > 0 && argv[0] == words[0] && globMatch(argv[1:], words[1:], shift(globs))
	}
	// Nothing matched: the shell passes the word, quotes removed (the
	// judge looks at that file too: globLiteral).
	if len(argv) > 0 && (argv[0] == words[0] || argv[0] == globLiteral(words[0])) && globMatch(argv[1:], words[1:], shift(globs)) {
		return true
	}
	for n := 1; n <= len(argv); n++ {
		if !globNames(words[0], argv[n-1]) {
			return false
		}
		if globMatch(argv[n:], words[1:], shift(globs)) {
			return true
		}
	}
	return false
}

// nullGlobJudged reports whether ev ran a command guard judged with one
// or more of its glob words dropped, as a shell with nullglob drops a
// glob that matches nothing: the verdict lists that command
// (judgeNullGlob), and ev's words are its words with the globs left
// matched.
func (j judged) nullGlobJudged(ev event) bool {
	for i, c := range j.commands {
		if c.Dynamic == "" {
			continue
		}
		for _, x := range j.expansions[i] {
			for _, listed := range j.verdict.Commands {
				if kept, ok := keptGlobs(x.argv, x.globs, listed); ok && len(listed) < len(x.argv) && globMatch(ev.argv, listed, kept) {
					return true
				}
			}
		}
	}
	return false
}

// keptGlobs reports whether listed is words with some of its glob words
// (globs) left out, and returns the indices in listed of those kept.
func keptGlobs(words []string, globs []int, listed []string) (kept []int, ok bool) {
	j := 0
	for i, w := range words {
		switch {
		case j < len(listed) && listed[j] == w:
			if slices.Contains(globs, i) {
				kept = append(kept, j)
			}
			j++
		case !slices.Contains(globs, i):
			return nil, false
		}
	}
	return kept, j == len(listed)
}

// globNames reports whether the shell's expansion of pattern can give
// name: a directory part with a pattern in it gives each match one slash
// (`**//*` gives d/f), a pattern ending in a slash a directory and a slash.
func globNames(pattern, name string) bool {
	if ok, _ := globMatches(pattern, name); ok {
		return true
	}
	squeezed := regexp.MustCompile(`/+`).ReplaceAllString(pattern, "/")
	if ok, _ := globMatches(squeezed, name); ok {
		return true
	}
	if stem, ok := strings.CutSuffix(name, "/"); ok && strings.HasSuffix(squeezed, "/") {
		ok, _ := globMatches(strings.TrimSuffix(squeezed, "/"), stem)
		return ok
	}
	return false
}

// shift drops index 0 from globs and moves the others down by one.
func shift(globs []int) []int {
	var out []int
	for _, g := range globs {
		if g > 0 {
			out = append(out, g-1)
		}
	}
	return out
}

// diffCheck runs every script in both shells and fails on every problem.
// It returns how many runs there were.
func diffCheck(t *testing.T, l *diffLab, scripts []string) int {
	t.Helper()
	type job struct {
		src string
		sh  diffShell
	}
	jobs := make(chan job)
	var mu sync.Mutex
	runs := 0
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range jobs {
				problems, ran := l.check(t, jb.src, jb.sh)
				mu.Lock()
				if ran {
					runs++
				}
				if len(problems) > 0 {
					t.Errorf("guard allows %s -c %q, and %s:\n\t%s", jb.sh.judge, jb.src, jb.sh.label(), strings.Join(problems, "\n\t"))
				}
				mu.Unlock()
			}
		}()
	}
	for _, src := range scripts {
		for _, sh := range l.runShells {
			if sh.runsIn(src) {
				jobs <- job{src, sh}
			}
		}
	}
	close(jobs)
	wg.Wait()
	return runs
}

var procSubstFd = regexp.MustCompile(`^/(dev|proc/self)/fd/[0-9]+$`)

// procSubstMatch reports whether ran is judged with each process
// substitution's placeholder standing for the descriptor the shell passed.
func procSubstMatch(ran, judged []string) bool {
	if len(ran) != len(judged) {
		return false
	}
	for i := range ran {
		if ran[i] != judged[i] && (judged[i] != procSubstPath || !procSubstFd.MatchString(ran[i])) {
			return false
		}
	}
	return true
}

// substsPrinted reports whether every word of c with a command
// substitution is one its program only prints (printedArg).
func substsPrinted(c *shell.Command) bool {
	found := false
	for i, w := range c.Argv {
		if strings.Contains(w, "$(") || strings.Contains(w, "`") {
			if !printedArg(c, i) {
				return false
			}
			found = true
		}
	}
	return found
}

// whichMatch reports whether got is argv with each $(which NAME) word the
// path of NAME in the lab's PATH: zsh's which is a builtin, which prints
// it (bash and dash run the lab's recorder, which prints nothing).
func whichMatch(got, argv []string, bin string) bool {
	if len(got) != len(argv) {
		return false
	}
	found := false
	for i, w := range argv {
		if name, ok := strings.CutPrefix(strings.Trim(w, `"`), "$(which "); ok && strings.HasSuffix(name, ")") {
			name = strings.TrimSuffix(name, ")")
			if got[i] == filepath.Join(bin, name) {
				found = true
				continue
			}
		}
		if got[i] != w {
			return false
		}
	}
	return found
}

// substMatch reports whether got is argv with each word that is a whole
// command substitution ($(...) or `...`) left out or empty.
func substMatch(got, argv []string) bool {
	subst := func(w string) bool {
		return len(w) > 3 && strings.HasPrefix(w, "$(") && strings.HasSuffix(w, ")") ||
			len(w) > 1 && strings.HasPrefix(w, "`") && strings.HasSuffix(w, "`")
	}
	if !slices.ContainsFunc(argv, subst) {
		return false
	}
	var dropped, emptied []string
	for _, w := range argv {
		if subst(w) {
			emptied = append(emptied, "")
			continue
		}
		dropped = append(dropped, w)
		emptied = append(emptied, w)
	}
	return slices.Equal(got, dropped) || slices.Equal(got, emptied)
}

var decimal = regexp.MustCompile(`^[0-9]+$`)

// pidMatch reports whether ran is argv with each $$ (one a word) the
// shell's process id: guard judges $$ as its own, a decimal number too
// (expand.go), and the harness's run has another.
func pidMatch(ran, argv []string) bool {
	if len(ran) != len(argv) {
		return false
	}
	found := false
	for i, w := range argv {
		if strings.Count(w, "$$") == 1 {
			before, after, _ := strings.Cut(w, "$$")
			if got, ok := strings.CutPrefix(ran[i], before); ok {
				if got, ok = strings.CutSuffix(got, after); ok && decimal.MatchString(got) {
					found = true
					continue
				}
			}
		}
		if ran[i] != w {
			return false
		}
	}
	return found
}
