package gate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"guard/internal/audit"
	"guard/policy"
	"guard/policy/shell"
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
	v, d := g.Judge(argv)
	if d.Action == policy.Ask {
		d = g.ask(argv, &v, d)
	}
	if d.Action == policy.Refuse {
		g.log(argv, &v, d, "", "")
		g.refuse(argv, &v, d)
		return ExitRefused
	}

	path, err := g.Resolve(argv[0], &v)
	if err != nil {
		g.log(argv, &v, d, "", "")
		g.fail(argv, ExitNotFound, err.Error(), "check the program name and PATH (guard which "+argv[0]+")")
		return ExitNotFound
	}
	env, err := shim.Next(g.Env, os.Getpid(), argv[0])
	if err != nil {
		g.fail(argv, ExitFailure, err.Error(), "")
		return ExitFailure
	}
	// The mode is the command tree's, not only its root's: the guards this
	// program runs through shims (make's rm, a script's git) judge in the
	// same mode, whether it came from --mode, GUARD_MODE or the config.
	env = withMode(env, g.Mode)
	sandboxed := "none"
	if d.Action == policy.RunSandboxed {
		sandboxed = "landlock+seccomp"
	}
	g.log(argv, &v, d, path, sandboxed)

	if d.Action == policy.RunSandboxed {
		err = sandbox.Exec(g.Profile(), path, argv, env, g.Stderr)
		var ee *sandbox.ExecError
		if errors.As(err, &ee) {
			code := execFailure(ee.Err)
			g.fail(argv, code, err.Error(), "")
			return code
		}
		allow := "fix the cause, or run another mode"
		if errors.Is(err, sandbox.ErrNotEnforced) {
			allow = "--best-effort (or sandbox = \"best-effort\" in the config) runs it with what this machine enforces, with a warning; guard doctor shows what that is"
		}
		g.fail(argv, ExitFailure, "full-auto refuses to run it unconfined: "+err.Error(), allow)
		return ExitFailure
	}
	err = syscall.Exec(path, argv, env)
	code := execFailure(err)
	g.fail(argv, code, fmt.Sprintf("exec %s: %v", path, err), "")
	return code
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
	roots := make([]string, 0, len(g.Roots))
	for _, r := range g.Roots {
		roots = append(roots, policy.Resolve(r, "/"))
	}
	return sandbox.Profile{
		WritableRoots:    roots,
		AllowNetwork:     g.AllowNetwork,
		AllowUnixSockets: g.AllowUnixSockets,
		BestEffort:       g.BestEffort,
	}
}

// ErrNotFound is wrapped when the program cannot be resolved.
var ErrNotFound = errors.New("program not found")

// Resolve finds the executable for program: a path as given; else the first
// existing executable of the deciding rule's system_path; else a PATH search
// that never finds guard itself.
func (g *Gate) Resolve(program string, v *policy.Verdict) (string, error) {
	if strings.Contains(program, "/") {
		if executable(program) {
			return program, nil
		}
		return "", fmt.Errorf("%w: %s is not an executable file", ErrNotFound, program)
	}
	if !v.Script && v.Result.Exec != nil {
		for _, p := range v.Result.Exec.SystemPath {
			if executable(p) {
				return p, nil
			}
		}
	}
	_, self, err := shim.Self()
	if err != nil {
		return "", err
	}
	path, _, err := shim.LookPath(program, g.Getenv("PATH"), self)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return path, nil
}

func executable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// log appends an audit entry when an audit log is configured. A log that
// cannot be written is reported and never stops a refusal; a command still
// runs, but not silently.
func (g *Gate) log(argv []string, v *policy.Verdict, d policy.Decision, resolved, sandboxed string) {
	if g.AuditLog == "" {
		return
	}
	e := audit.Entry{
		Time: time.Now(), Cwd: g.Cwd, Argv: argv, Mode: string(g.Mode),
		Class: string(v.Class), Decision: string(d.Action), Rule: v.Result.Rule,
		RuleAt: v.Result.At.String(), Resolved: resolved, Sandbox: sandboxed,
		Pid: os.Getpid(), Reason: d.Reason,
	}
	if err := audit.Append(g.AuditLog, e); err != nil {
		fmt.Fprintf(g.Stderr, "guard: warning: audit log not written: %v\n", err)
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

func (g *Gate) print(r Refusal) {
	if g.JSON {
		enc := json.NewEncoder(g.Stderr)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(r)
		return
	}
	fmt.Fprintln(g.Stderr, r.Line())
}

// Line is the refusal as one line an agent can act on.
func (r Refusal) Line() string {
	var b strings.Builder
	b.WriteString("guard: ")
	if r.Guard == "refused" {
		fmt.Fprintf(&b, "refused %s (%s, %s mode): %s", shell.Join(r.Command), r.Class, r.Mode, r.Reason)
	} else {
		fmt.Fprintf(&b, "%s: %s", shell.Join(r.Command), r.Reason)
	}
	if r.Rule != "" {
		fmt.Fprintf(&b, "; rule %s", r.Rule)
		if r.At != "" {
			fmt.Fprintf(&b, " at %s", r.At)
		}
	}
	if r.Allow != "" {
		fmt.Fprintf(&b, "; to allow: %s", r.Allow)
	}
	return b.String()
}

// allowHint says what would let a refused command run.
func (g *Gate) allowHint(v *policy.Verdict, d policy.Decision) string {
	if v.Class == policy.Forbidden {
		return "nothing; it is forbidden by policy (edit the policy only if you are sure)"
	}
	if out := d.Outside(); len(out) > 0 {
		var dirs []string
		for _, w := range out {
			if w.Protected == "" {
				dirs = append(dirs, "--writable-root "+filepath.Dir(w.Resolved))
			}
		}
		if len(dirs) == 0 {
			return "approve it at a terminal in suggest or auto-edit mode (writes into .git are always asked about)"
		}
		return strings.Join(dirs, " ") + ", or run it at a terminal to approve it"
	}
	if d.Reason == "denied at the prompt" {
		return "answer o (once) or a (always) at the prompt"
	}
	if v.Class == policy.Match && !v.Unknown {
		return "--mode auto-edit (writes inside the roots run), or run it at a terminal to approve it"
	}
	return "--mode full-auto (runs it sandboxed), a policy rule for it (see guard explain), or run it at a terminal to approve it"
}

// withMode returns env with GUARD_MODE set to mode, every other GUARD_MODE
// entry removed.
func withMode(env []string, mode policy.Mode) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GUARD_MODE=") {
			out = append(out, kv)
		}
	}
	return append(out, "GUARD_MODE="+string(mode))
}
