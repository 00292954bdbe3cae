package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// ZshReadsOtherwise returns the first construct of src, a script read as
// bash, that zsh runs otherwise, whatever its options, and "" when there is
// none: a script guard judged as bash may run in zsh (Claude Code runs the
// user's shell; a Codex model may name zsh). The constructs are those the
// Zsh dialect judges as zsh reads them: `time -p` (zsh's time takes no
// option: -p is the program run) and `time time` (the program time), a
// descriptor move `N>&M-` (zsh writes the file M-), a $'...' escape zsh
// decodes otherwise than bash (ansiC), and a command with more than one
// input, a pipe and a redirection or two redirections (zsh's MULTIOS reads
// them all in turn, bash the last: `cat f | sh <<'E' ... E` runs f in zsh).
// Limits: the script's own nested
// shells and eval strings are not looked into (bash runs those); zsh's
// parameter flags are the hook's ZshParamReading.
func ZshReadsOtherwise(src string) string {
	if tooBig(src) != "" {
		return ""
	}
	f, err := parse(src, Bash)
	if err != nil {
		return ""
	}
	text := func(n syntax.Node) string {
		from, to := int(n.Pos().Offset()), int(n.End().Offset())
		if from < 0 || to > len(src) || from > to {
			return ""
		}
		return short(src[from:to])
	}
	found := ""
	Walk(f, nil, func(n syntax.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.TimeClause:
			if n.PosixFormat {
				found = "`" + text(n) + "`: zsh's time takes no option, and runs -p as a program"
			} else if _, twice := stmtCmd(n.Stmt).(*syntax.TimeClause); twice {
				found = "`" + text(n) + "`: zsh runs the second time as the program time"
			}
		case *syntax.Redirect:
			if (n.Op == syntax.DplIn || n.Op == syntax.DplOut) && n.Word != nil {
				if lit := n.Word.Lit(); len(lit) > 1 && strings.HasSuffix(lit, "-") && isDigits(lit[:len(lit)-1]) {
					found = "`" + text(n) + "`: zsh has no descriptor move, and opens the file " + lit
				}
			}
		case *syntax.BinaryCmd:
			if n.Op == syntax.Pipe || n.Op == syntax.PipeAll {
				if stdinInputs(n.Y.Redirs) > 0 {
					found = "`" + text(n.Y) + "`: zsh reads the pipe and its input redirection both, in turn"
				}
			}
		case *syntax.Stmt:
			if stdinInputs(n.Redirs) > 1 {
				found = "`" + text(n) + "`: zsh reads each of its input redirections in turn, not the last one only"
			}
		case *syntax.SglQuoted:
			if n.Dollar {
				zv, zodd := ansiC(n.Value, Zsh)
				if bv, bodd := ansiC(n.Value, Bash); zodd && !bodd || zv != bv {
					found = "`" + text(n) + "`: zsh decodes its escapes otherwise than bash"
				}
			}
		}
		return found == ""
	})
	return found
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
