package hook

import (
	"strings"

	"guard/policy/shell"
)

// Quote is shell.Quote: one POSIX shell word that reads back as s.
var Quote = shell.Quote

// unquote inverts Quote for the words Quote makes, and for any other word
// made only of plain bytes, '...' strings and \' (all of which a shell reads
// without expansion). ok is false for anything else.
func unquote(w string) (s string, ok bool) {
	if w == "" {
		return "", false
	}
	if shell.Plain(w) {
		return w, true
	}
	var b strings.Builder
	for w != "" {
		switch {
		case w[0] == '\'':
			end := strings.IndexByte(w[1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(w[1 : 1+end])
			w = w[2+end:]
		case strings.HasPrefix(w, `\'`):
			b.WriteByte('\'')
			w = w[2:]
		default:
			return "", false
		}
	}
	return b.String(), true
}

// sandboxArgs is what follows guard's path in a rewritten command.
const sandboxArgs = " --mode full-auto -- bash -c "

// Rewrite returns the shell command that runs command under guard in full-auto
// mode (sandboxed, never asking):
//
//	GUARDPATH --mode full-auto -- bash -c 'COMMAND'
//
// with both words quoted by [Quote], so that bash -c receives command exactly.
func Rewrite(guardPath, command string) string {
	return Quote(guardPath) + sandboxArgs + Quote(command)
}

// RewriteIn is Rewrite with the agent's project as the sandbox's writable
// root in place of the working directory (guard's --project), when project
// is not empty:
//
//	GUARDPATH --mode full-auto --project 'PROJECT' -- bash -c 'COMMAND'
func RewriteIn(guardPath, project, command string) string {
	if project == "" {
		return Rewrite(guardPath, command)
	}
	return RewriteMode(guardPath, FullAuto, project, command)
}

// The modes a rewrite runs its command in.
const (
	// FullAuto: sandboxed, never asking (the Sandbox verdict).
	FullAuto = "full-auto"
	// AutoEdit: the command's writes confined to the roots at run time, the
	// Sandbox verdict for a command auto-edit lets run because every write it
	// was judged to make is inside the roots (Request.Mode).
	AutoEdit = "auto-edit"
)

// RewriteMode returns the shell command that runs command under guard in mode
// (FullAuto or AutoEdit) with project as the writable root:
//
//	GUARDPATH --mode MODE --project 'PROJECT' -- bash -c 'COMMAND'
func RewriteMode(guardPath, mode, project, command string) string {
	return Quote(guardPath) + " --mode " + mode + " --project " + Quote(project) + " -- bash -c " + Quote(command)
}

// Unwrap reports whether command is exactly a [Rewrite] or [RewriteIn] of
// some script for this guardPath, and returns that script and the project
// ("" for Rewrite). A hook sees such a command when an agent runs the rewrite
// it was told to run (Codex); the caller can then judge the inner script in
// full-auto mode instead of judging guard's own command line. Anything else,
// however close, is not unwrapped.
func Unwrap(command, guardPath string) (script, project string, ok bool) {
	script, mode, project, ok := UnwrapMode(command, guardPath)
	if !ok || mode != FullAuto {
		return "", "", false
	}
	return script, project, true
}

// UnwrapMode is [Unwrap] for the rewrites of every mode: it reports whether
// command is exactly a [Rewrite] or a [RewriteMode] for FullAuto or AutoEdit
// for this guardPath, and returns the script, the mode and the project. The
// caller must unwrap only a rewrite it would itself have answered with (the
// same mode, the same project), else an agent could write one to skip a
// question.
func UnwrapMode(command, guardPath string) (script, mode, project string, ok bool) {
	if rest, ok := strings.CutPrefix(command, Quote(guardPath)+sandboxArgs); ok {
		script, ok := unquote(rest)
		return script, FullAuto, "", ok
	}
	for _, m := range []string{FullAuto, AutoEdit} {
		rest, ok := strings.CutPrefix(command, Quote(guardPath)+" --mode "+m+" --project ")
		if !ok {
			continue
		}
		// The project word may itself hold " -- bash -c " inside its
		// quotes: try each place, the first that reads as two words wins
		// (a word Quote made reads back one way only).
		const sep = " -- bash -c "
		for i := 0; ; {
			j := strings.Index(rest[i:], sep)
			if j < 0 {
				return "", "", "", false
			}
			i += j
			project, pok := unquote(rest[:i])
			script, sok := unquote(rest[i+len(sep):])
			if pok && sok {
				return script, m, project, true
			}
			i++
		}
	}
	return "", "", "", false
}
