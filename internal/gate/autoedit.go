package gate

import (
	"errors"

	"guard/policy"
	"guard/sandbox"
)

// WritesConfined reports whether d, the decision of mode before any prompt, lets
// a command run only because the writes it was judged to make are inside the
// roots: auto-edit's "match, every write inside". Such a command runs with the
// file system confined to the roots (sandbox.Profile.FilesOnly), since a script
// can make a symlink that a later command of it writes through. What a person
// approved at the prompt runs as approved; safe commands, which write nothing,
// run as they are.
func WritesConfined(mode policy.Mode, d policy.Decision) bool {
	return mode == policy.AutoEdit && d.Action == policy.Run && d.Class == policy.Match
}

// Sandboxing names how a command with decision d in mode runs, as the audit
// log has it: "landlock+seccomp" (full-auto's profile), "files" (auto-edit's
// files-only profile: writes confined to the roots, set-id modes refused) or
// "none".
func Sandboxing(mode policy.Mode, d policy.Decision) string {
	switch {
	case d.Action == policy.RunSandboxed:
		return "landlock+seccomp"
	case WritesConfined(mode, d):
		return "files"
	}
	return "none"
}

// writesUnconfined handles err, the failure of confining the writes of a
// command auto-edit lets run. When this machine cannot confine them at all
// (no Landlock, another system: nothing was changed), the command runs as
// judged with best-effort, with a warning, and is otherwise asked about as in
// suggest mode; refused reports that it must not run, with the exit code. Any
// other failure refuses it.
func (g *Gate) writesUnconfined(argv []string, v *policy.Verdict, d policy.Decision, err error) (code int, refused bool) {
	if !errors.Is(err, sandbox.ErrNotEnforced) && !errors.Is(err, sandbox.ErrUnsupported) {
		g.fail(argv, ExitFailure, "auto-edit runs writing commands with their writes confined to the roots, and cannot here: "+err.Error(),
			"fix the cause, or run another mode")
		return ExitFailure, true
	}
	if g.BestEffort {
		Warn(g.Stderr, "writes not confined to the roots: %v", err)
		return 0, false
	}
	d = g.ask(argv, v, policy.Decision{Action: policy.Ask, Class: d.Class, Writes: d.Writes,
		Reason: "writes files, and auto-edit cannot confine them to the roots on this machine: " + err.Error()}, "")
	if d.Action != policy.Run {
		g.refuse(argv, v, d)
		return ExitRefused, true
	}
	return 0, false
}
