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
// them all in turn, bash the last: `cat f | sh <<'E' ... E` runs f in zsh),
// a cd as a pipeline's last part (zsh runs that part in the shell: `true |
// cd ~; cat tok.txt`), a ~ followed by quotes or a backslash (`~'/x'`
// is $HOME/x to zsh, text to bash), and a for loop or read whose variable
// is one of zsh's special parameters (`for path in bin; do ls; done` runs
// bin/ls in zsh).
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
				} else if calls([]*syntax.Stmt{n.Y}, "cd", "pushd", "popd", "chdir") {
					found = "`" + text(n.Y) + "`: zsh runs a pipeline's last part in the shell itself, so its cd stays for the commands after it"
				}
			}
		case *syntax.Word:
			if tildeQuoted(n) {
				found = "`" + text(n) + "`: zsh expands a ~ with quotes or a backslash in its name or after it, bash leaves it as text"
			} else if equalsName(n) {
				found = "`" + text(n) + "`: zsh replaces =name with the path of the program name in PATH (EQUALS), bash leaves it as text"
			} else if bracketSlash(n) {
				found = "`" + text(n) + "`: zsh reads a bracket expression across a /, bash splits the pattern there"
			} else if braceOtherwise(n) {
				found = "`" + text(n) + "`: zsh expands braces that do not nest otherwise than bash"
			}
		case *syntax.ForClause:
			if it, ok := n.Loop.(*syntax.WordIter); ok && zshBinds(it.Name.Value) {
				found = "`for " + it.Name.Value + "`: $" + it.Name.Value + " is " + zshSpecialWhat
			}
		case *syntax.CallExpr:
			if name := readsZshSpecial(n); name != "" {
				found = "`" + text(n) + "`: $" + name + " is " + zshSpecialWhat
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

// zshSpecialWhat says what a special parameter of zsh that bash reads as a
// plain variable is.
const zshSpecialWhat = "one of zsh's special parameters, a plain variable to bash (zsh's path is PATH, fpath where functions load from, argv the arguments...)"

// readsZshSpecial returns the first name a read command assigns that is
// one of zsh's special parameters (zshBinds), or "".
func readsZshSpecial(call *syntax.CallExpr) string {
	if len(call.Args) < 2 || call.Args[0].Lit() != "read" {
		return ""
	}
	for _, arg := range call.Args[1:] {
		if lit := arg.Lit(); zshBinds(lit) {
			return lit
		}
	}
	return ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// tildeQuoted reports whether w starts with an unquoted ~ whose name (up to
// the first /) holds a backslash or ends where a quoted part begins: zsh
// expands `~'/x'`, `~\/x` and `~'root'/x`, bash only a name without quotes.
func tildeQuoted(w *syntax.Word) bool {
	lit, ok := w.Parts[0].(*syntax.Lit)
	if !ok || !strings.HasPrefix(lit.Value, "~") {
		return false
	}
	name, _, slash := strings.Cut(lit.Value, "/")
	return strings.Contains(name, `\`) || !slash && len(w.Parts) > 1
}

// equalsName reports whether w starts with an unquoted = and a name: zsh
// reads `=name` as the file the command name runs (`head =tool`, a
// link on PATH to a secret made executable), bash as text.
func equalsName(w *syntax.Word) bool {
	lit, ok := w.Parts[0].(*syntax.Lit)
	if !ok || len(lit.Value) < 2 || lit.Value[0] != '=' {
		return false
	}
	c := lit.Value[1]
	return c == '_' || c == '.' || c == '-' || c == '/' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// braceOtherwise reports whether bash expands braces in w whose active
// braces do not nest (bracesNested), which zsh expands otherwise.
func braceOtherwise(w *syntax.Word) bool {
	var b strings.Builder
	var active []bool
	add := func(text string, on bool) {
		b.WriteString(text)
		for range len(text) {
			active = append(active, on)
		}
	}
	for _, p := range w.Parts {
		lit, ok := p.(*syntax.Lit)
		if !ok {
			add("x", false) // quoted or expanded: no brace syntax
			continue
		}
		for i := 0; i < len(lit.Value); i++ {
			if lit.Value[i] == '\\' && i+1 < len(lit.Value) {
				i++
				add(lit.Value[i:i+1], false)
				continue
			}
			add(lit.Value[i:i+1], true)
		}
	}
	s := span{b.String(), active}
	if !strings.Contains(s.text, "{") || bracesNested(s) {
		return false
	}
	words, ok := braceWords(s, 0)
	return ok && (len(words) != 1 || words[0].text != s.text)
}

// bracketSlash reports whether an unquoted part of w opens a bracket
// expression that holds a / before it closes: zsh reads `[^**/a]*` as one
// class (any name not starting with *, / or a), bash splits the pattern at
// the / and passes the word as it stands.
func bracketSlash(w *syntax.Word) bool {
	for _, p := range w.Parts {
		lit, ok := p.(*syntax.Lit)
		if !ok {
			continue
		}
		open := false
		for i := 0; i < len(lit.Value); i++ {
			switch c := lit.Value[i]; {
			case c == '\\':
				i++
			case c == '[':
				open = true
			case c == ']':
				open = false
			case c == '/' && open:
				return true
			}
		}
	}
	return false
}
