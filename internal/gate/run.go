package gate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"guard/internal/audit"
	"guard/internal/config"
	"guard/policy"
	"guard/sandbox"
	"guard/shim"
)

// Run judges argv, then runs it in place, asks, or refuses. It returns only
// when guard does not exec the program; the result is the exit code.
func (g *Gate) Run(argv []string) int {
	if len(argv) == 0 {
		fmt.Fprintln(g.Stderr, "guard: no program to run")
		return ExitFailure
	}
	v, d, target, code, terr := g.Plan(argv)
	if terr != nil && v.Class != policy.Forbidden {
		// Nothing can run: say so, with the shell's code, before asking
		// anyone to approve it.
		g.log(argv, &v, d, "", "")
		allow := "check the program name and PATH (guard which " + argv[0] + ")"
		switch {
		case code == ExitRefused:
			allow = "make it an executable file"
		case code == ExitFailure:
			allow = ""
		case argv[0] == "":
			allow = "give the program's name (it is an empty word, as an unset variable gives)"
		case strings.Contains(argv[0], "/"):
			allow = "check the path"
		}
		g.fail(argv, code, terr.Error(), allow)
		return code
	}
	// Auto-edit lets a match run because its writes are inside the roots, as
	// judged before it runs: it runs with the file system confined to them, so
	// that a write landing outside at run time fails (WritesConfined).
	filesOnly := WritesConfined(g.Mode, d)
	if d.Action == policy.Ask {
		d = g.ask(argv, &v, d, target.Path)
	}
	if d.Action == policy.Refuse {
		g.log(argv, &v, d, "", "")
		g.refuse(argv, &v, d)
		return ExitRefused
	}
	path := target.Path
	argv = target.Argv
	env, err := shim.Next(g.Env, os.Getpid(), argv[0])
	if err != nil {
		g.fail(argv, ExitFailure, err.Error(), "")
		return ExitFailure
	}
	// The mode is the command tree's, not only its root's: the guards this
	// program runs through shims (make's rm, a script's git) judge in the
	// same mode, whether it came from --mode, GUARD_MODE or the config.
	env = setEnv(env, "GUARD_MODE", string(g.Mode))
	// And the terminal it could ask at, so that a guard below asks nowhere
	// else (a terminal this program makes is not a person's).
	env = withTerminal(env)
	env = g.pinGit(env, &v)
	env = pinPagers(env, &v)
	env = pinUpdateChecks(env, &v)
	sandboxed := "none"
	switch {
	case d.Action == policy.RunSandboxed:
		sandboxed = "landlock+seccomp"
	case filesOnly:
		sandboxed = "files"
	}
	g.log(argv, &v, d, path, sandboxed)

	if d.Action == policy.RunSandboxed || filesOnly {
		p := g.Profile()
		p.FilesOnly = filesOnly
		g.holdInFlight(p)
		err = sandbox.Exec(p, path, argv, env, g.Stderr)
		var ee *sandbox.ExecError
		if errors.As(err, &ee) {
			code := execFailure(ee.Err)
			g.fail(argv, code, err.Error(), "")
			return code
		}
		if filesOnly {
			if code, refused := g.writesUnconfined(argv, &v, d, err); refused {
				return code
			}
		} else {
			allow := "a person fixing the cause (guard doctor shows what this machine enforces)"
			if errors.Is(err, sandbox.ErrNotEnforced) {
				allow = "a person choosing sandbox = \"best-effort\" in guard's configuration, which runs it with what this machine enforces, with a warning (guard doctor shows what that is)"
			}
			g.fail(argv, ExitFailure, "full-auto refuses to run it unconfined: "+err.Error(), allow)
			return ExitFailure
		}
	}
	err = syscall.Exec(path, argv, env)
	code = execFailure(err)
	g.fail(argv, code, fmt.Sprintf("exec %s: %v", path, err), "")
	return code
}

// Plan judges argv, finds what guard would exec for it, and decides: the
// verdict is unverified when that binary lies inside a writable root (see
// checkPrograms). err (with its exit code) says that nothing can run.
// Run and explain share it, so explain shows what Run would do.
func (g *Gate) Plan(argv []string) (policy.Verdict, policy.Decision, Target, int, error) {
	v, d := g.Judge(argv)
	target, code, err := g.Target(argv, &v)
	if err == nil {
		var why string
		if target.Argv, why = g.pinWrapped(target.Argv); why != "" && (v.Class == policy.Safe || v.Class == policy.Match) {
			v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
			d = g.decide(&v)
		}
	}
	if err == nil && (v.Class == policy.Safe || v.Class == policy.Match) {
		var sys []string
		// An "always" answer for a relative program (./run.sh) was judged
		// as its absolute path, bound to the file's hash (boundArgv).
		if judgedItself(argv, &v) || strings.Contains(argv[0], "/") && judgedItself(g.boundArgv(argv), &v) {
			sys = v.Result.Exec.SystemPath
		}
		// A relative program (./bash -c ls) runs from the working directory:
		// resolved against "/", ./bash was /bash, no planted file, and the
		// project's bash ran the script judged as bash's (entry-1 E7).
		real := policy.Resolve(target.Path, g.Cwd)
		why := g.plantedAt(argv[0], target.Path, real, sys)
		if why == "" {
			why = g.venvAt(argv[0], target.Path, real, argv)
		}
		if why != "" {
			v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
			d = g.decide(&v)
		}
		// The file judged is the file run, whatever a link on the way to
		// it says at the exec (a rule's system_path entry counts wherever
		// it is).
		if !slices.Contains(sys, target.Path) {
			target.Path = g.pinnedRoute(target.Path, real)
		}
	}
	return v, d, target, code, err
}

// execFailure is the exit code for an execve that failed, as shells have it:
// 127 not found, 126 found but not executable, else 125 (guard failed).
func execFailure(err error) int {
	switch {
	case errors.Is(err, syscall.ENOENT):
		return ExitNotFound
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.ENOEXEC), errors.Is(err, syscall.EPERM):
		return ExitRefused
	}
	return ExitFailure
}

// Profile is the sandbox profile of this gate.
func (g *Gate) Profile() sandbox.Profile {
	roots := slices.Clone(g.resolvedRoots())
	p := sandbox.Profile{
		WritableRoots:    roots,
		SharedRoots:      g.sharedRoots(),
		AllowNetwork:     g.AllowNetwork,
		AllowUnixSockets: g.AllowUnixSockets,
		BestEffort:       g.BestEffort,
	}
	if len(roots) > 0 {
		p.Project = roots[0] // the project (--project), else the working directory: Roots[0]
	}
	// Protected paths read-only, secrets unreadable, secret variables removed;
	// guard's own state directories made first when missing in a root.
	g.makeStateDirs(roots)
	// The result is kept in guard's policy cache directory, which this list
	// keeps read-only inside the sandbox (sandbox.ProtectCached).
	sandbox.ProtectCached(&p, g.SandboxProtectList(), g.Home, config.CacheDirWritten(g.Getenv))
	// The audit log is guard's state wherever it is: read-only with the
	// rest (the protected list holds it), and unreadable, since it holds
	// every command's argv, the tokens and passwords typed on command
	// lines among them. Guards run inside (shims) say they could not log.
	// A log in a shared temporary root ($TMPDIR, /tmp) used to stay
	// writable for them: a program in the sandbox truncated it, forged its
	// entries (its own command's among them) and read the tokens in it.
	if g.AuditLog != "" {
		for _, f := range []string{g.AuditLog, g.AuditLog + ".1"} {
			if _, err := os.Lstat(f); err == nil || g.makeLogFile(f) {
				p.Unreadable = append(p.Unreadable, f)
			}
		}
	}
	p.Unreadable = append(p.Unreadable, g.rulesFiles()...)
	return p
}

// makeLogFile makes the missing audit log file f (the log, or its
// rotated PATH.1) empty when it lies inside a writable root, so that the
// sandbox has a file to keep unreadable and read-only: a sandboxed program
// made PATH.1 beside a log in /tmp, and `guard log` showed the history it
// wrote there as older entries. A made PATH.1 is dated at the epoch, so
// that the next rotation replaces it (a PATH.1 of the last day is kept).
// It reports whether f now exists.
func (g *Gate) makeLogFile(f string) bool {
	if !g.insideRoots(f) {
		return false
	}
	if config.MkdirAll(filepath.Dir(f), 0o700) != nil {
		return false
	}
	fd, err := syscall.Open(f, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return false
	}
	if strings.HasSuffix(f, ".1") {
		syscall.Futimes(fd, make([]syscall.Timeval, 2)) // the epoch
	}
	syscall.Close(fd)
	return true
}

// rulesFiles are guard's remembered rules (user.policy, projects/) and
// their entries in guard's cache of evaluated policies, which hold the
// commands a person approved, passwords in their arguments among them
// (judge-6 M17 made them secret reads for the decision; a sandboxed program
// read them all the same: sandbox-6 S6-7). Nothing is looked up in the cache
// unless rules exist: a hidden file costs every command the hole's rules. A
// guard run inside (a shim) goes without them: it asks, or refuses, where an
// "always" answer would have let a command run.
func (g *Gate) rulesFiles() []string {
	if g.UserPolicy == "" {
		return nil
	}
	var out []string
	cache := config.CacheDir(g.Getenv)
	esc := strings.NewReplacer("%", "%25", "/", "%2F") // policy.Cache's entry names
	if _, err := os.Lstat(g.UserPolicy); err == nil {
		out = append(out, g.UserPolicy)
		if e := filepath.Join(cache, esc.Replace(g.UserPolicy)+".json"); cache != "" {
			if _, err := os.Lstat(e); err == nil {
				out = append(out, e)
			}
		}
	}
	projects := filepath.Join(filepath.Dir(g.UserPolicy), "projects")
	if _, err := os.Lstat(projects); err == nil {
		out = append(out, projects)
		prefix := esc.Replace(projects + "/")
		ents, _ := os.ReadDir(cache)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
				out = append(out, filepath.Join(cache, e.Name()))
			}
		}
	}
	return out
}

// log appends an audit entry when an audit log is configured. A log that
// cannot be written is reported and never stops a refusal; a command still
// runs, but not silently.
func (g *Gate) log(argv []string, v *policy.Verdict, d policy.Decision, resolved, sandboxed string) {
	if g.AuditLog == "" {
		return
	}
	e := audit.Entry{
		Time: time.Now().UTC(), Cwd: g.Cwd, Argv: argv, Mode: string(g.Mode),
		Class: string(v.Class), Decision: string(d.Action), Rule: v.Result.Rule,
		RuleAt: v.Result.At.String(), Resolved: resolved, Sandbox: sandboxed,
		Pid: os.Getpid(), Reason: d.Reason,
	}
	if err := audit.Append(g.AuditLog, e); err != nil {
		Warn(g.Stderr, "audit log not written: %v", err)
	}
}

// JSONEnv reads GUARD_JSON, which asks for refusals and guard's failures as
// JSON objects: 1, true, yes or on (in any case) ask for them; 0, false, no,
// off or empty for lines. Another value is an error (exit 125): "true" once
// gave lines without a word, to a tool waiting for JSON.
func JSONEnv(getenv func(string) string) (bool, error) {
	switch v := getenv("GUARD_JSON"); strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true, nil
	case "", "0", "false", "no", "off":
		return false, nil
	default:
		return false, fmt.Errorf("GUARD_JSON=%s: want 1 (or true, yes, on) for JSON, 0 (or false, no, off) for lines", Visible(v))
	}
}

// Refusal is what guard prints when it does not run a command.
type Refusal struct {
	Guard    string   `json:"guard"` // "refused" or "error"
	Command  []string `json:"command"`
	Class    string   `json:"class,omitempty"`
	Mode     string   `json:"mode,omitempty"`
	Reason   string   `json:"reason"`
	Rule     string   `json:"rule,omitempty"`
	At       string   `json:"at,omitempty"`
	Allow    string   `json:"allow,omitempty"` // what would allow it
	ExitCode int      `json:"exit_code"`
}

func (g *Gate) refuse(argv []string, v *policy.Verdict, d policy.Decision) {
	r := Refusal{Guard: "refused", Command: argv, Class: string(v.Class), Mode: string(g.Mode),
		Reason: d.Reason, Rule: v.Result.Rule, At: v.Result.At.String(),
		Allow: g.allowHint(v, d), ExitCode: ExitRefused}
	g.print(r)
}

func (g *Gate) fail(argv []string, code int, reason, allow string) {
	g.print(Refusal{Guard: "error", Command: argv, Mode: string(g.Mode), Reason: reason, Allow: allow, ExitCode: code})
}

func (g *Gate) print(r Refusal) { Print(g.Stderr, r, g.JSON) }

// Print writes a refusal or an error to w: one line (Line), or with asJSON
// one JSON object on one line, with every character a terminal would act
// on escaped.
func Print(w io.Writer, r Refusal, asJSON bool) {
	if asJSON {
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(r)
		fmt.Fprint(w, jsonVisible(buf.String()))
		return
	}
	fmt.Fprintln(w, r.Line())
}

// Line is the refusal as one line an agent can act on: every character a
// terminal would act on (newlines, \r, ESC, bidirectional overrides) is
// escaped, so it is one line and shows what it says.
func (r Refusal) Line() string {
	var b strings.Builder
	b.WriteString("guard: ")
	cmd, reason := displayShort(r.Command, maxLineCommand), shorten(Visible(r.Reason), maxLineReason)
	if r.Guard == "refused" {
		fmt.Fprintf(&b, "refused %s (%s, %s mode): %s", cmd, r.Class, r.Mode, reason)
	} else if len(r.Command) > 0 {
		fmt.Fprintf(&b, "%s: %s", cmd, reason)
	} else {
		b.WriteString(reason)
	}
	if r.Rule != "" {
		fmt.Fprintf(&b, "; rule %s", Visible(r.Rule))
		if r.At != "" {
			fmt.Fprintf(&b, " at %s", Visible(r.At))
		}
	}
	if r.Allow != "" {
		fmt.Fprintf(&b, "; to allow: %s", Visible(r.Allow))
	}
	return b.String()
}

// A line shows at most this much of the command and of the reason
// (bytes): an argv of 100,000 words made a refusal line of 1.2 MB, which
// an agent cuts short before "to allow" (entry-1 E3). The JSON form keeps
// them whole.
const (
	maxLineCommand = 2000
	maxLineReason  = 4000
)

// displayShort is Display(argv) cut after the word that passes max bytes,
// saying how many words were left out.
func displayShort(argv []string, max int) string {
	var b strings.Builder
	for i, w := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(displayWord(w))
		if b.Len() > max && i+1 < len(argv) {
			return shorten(b.String(), max) + fmt.Sprintf(" ... (%d more words)", len(argv)-i-1)
		}
	}
	return shorten(b.String(), max)
}

// shorten cuts s, already made visible, to about max bytes at a character
// boundary, saying how many bytes were left out.
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + fmt.Sprintf(" ... (%d more bytes)", len(s)-cut)
}

// allowHint says what would let a refused command run. It speaks to a
// person: what they can approve or configure. It never tells the agent to
// add a flag or raise the mode (a command's own flags and environment may
// only tighten guard: see the README's trust model).
func (g *Gate) allowHint(v *policy.Verdict, d policy.Decision) string {
	if v.Class == policy.Forbidden {
		return "nothing; it is forbidden by policy (edit the policy only if you are sure)"
	}
	if d.EveryMode {
		// A later layer's allow rule does not outrank it, nor does a mode
		// or a root.
		return "a person approving it at a terminal (it is asked in every mode: no policy rule or mode runs it unasked)"
	}
	if out := d.Outside(); len(out) > 0 {
		var dirs []string
		for _, w := range out {
			if w.Protected == "" && !slices.Contains(dirs, filepath.Dir(w.Resolved)) {
				dirs = append(dirs, filepath.Dir(w.Resolved))
			}
		}
		if len(dirs) == 0 {
			return "a person approving it at a terminal (protected paths are always asked about)"
		}
		return "a person approving it at a terminal, or adding " + strings.Join(dirs, ", ") + " to writable_roots in guard's configuration"
	}
	if d.Reason == "denied at the prompt" {
		return "answer o (once) or a (always) at the prompt"
	}
	if strings.HasPrefix(d.Reason, "approved at the prompt, but ") {
		return "run it again, and answer for the file as it is now"
	}
	return "a person approving it at a terminal, or a policy rule for it (guard explain shows why it is asked about)"
}

// setEnv returns env with name set to value, every other entry for name
// removed.
func setEnv(env []string, name, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}
