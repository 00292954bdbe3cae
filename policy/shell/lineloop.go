package shell

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Loops over a command's output: `SRC | while read -r f; do BODY; done`,
// `while read -r f; do BODY; done < FILE` and `for f in $(SRC); do BODY;
// done`. The loop variable holds a line (a word, for the for loop) of
// SRC's output, which the judge cannot see; the body is walked once, and
// where "$f" stands in a command's argument the word is LineWord, with a
// dynamic reason naming the source (LineSource reads it back). The
// judge can then follow the source as it follows xargs's input: a body
// command `CMD ... "$f"` reads what `SRC | xargs -I{} CMD ... {}` reads.
// Anywhere else (the command's name, a redirection, an assignment, a
// word the shell splits, an expansion with an operator) the variable is
// an ordinary run-time value.
//
// Limits: the body is walked once, though it runs once per line, so a
// body that changes directory or moves, links or copies files (a later
// round would read what an earlier one made) is not taken as such a loop;
// the commands of the body are marked InLineLoop for the judge, which
// must not take a line loop whose body writes. Only `read [-r] [-d '']
// NAME` (with `IFS=` or no assignment) binds the line itself (or a record
// ended by NUL: find -print0); more names or another IFS bind fields of
// it, whose source is not followed.

// LineWord stands in Argv where a loop variable bound to a line of a
// command's output is used. It holds a NUL byte, which no shell word can
// hold, so no literal word is taken for it.
const LineWord = "\x00loop-line"

// lineValue starts the value of a loop variable bound to a line of a
// source's output (c.vars), then the source: 1 + the index of the
// source's command in the walker's commands, or 0 when not known. A
// for loop's words ($(SRC) split into fields) use wordValue.
const (
	lineValue = "\x00line:"
	wordValue = "\x00words:"
)

// lineReasonPrefix starts the dynamic reason of a loop line in a word.
const lineReasonPrefix = "loop variable $"

// lineReason is the dynamic reason for name bound to value (lineValue or
// wordValue and the source).
func lineReason(name, value string) string {
	what := "a line"
	if strings.HasPrefix(value, wordValue) {
		what = "a word"
	}
	src := strings.TrimPrefix(strings.TrimPrefix(value, lineValue), wordValue)
	if src == "0" {
		return lineReasonPrefix + name + ", " + what + " of input not known"
	}
	return lineReasonPrefix + name + ", " + what + " of command " + src + "'s output"
}

// SplitWord reports whether r, a dynamic reason LineSource reads, is for a
// word of $(SRC) as the shell splits it (`for f in $(SRC)`), not a line
// read: NUL bytes in SRC's output are dropped there, joining the names
// around them (`find . -print0` gives ../NAME).
func SplitWord(r string) bool {
	_, ok := LineSource(r)
	return ok && strings.Contains(r, ", a word of ")
}

// LineSource reads a dynamic reason made for a loop line: the source (1 +
// the index in Script.Commands of the command whose output the line is,
// 0 when not known), and whether r is such a reason.
func LineSource(r string) (int, bool) {
	rest, ok := strings.CutPrefix(r, lineReasonPrefix)
	if !ok {
		return 0, false
	}
	if strings.HasSuffix(rest, ", a line of input not known") || strings.HasSuffix(rest, ", a word of input not known") {
		return 0, true
	}
	_, src, ok := strings.Cut(rest, ", a line of command ")
	if !ok {
		_, src, ok = strings.Cut(rest, ", a word of command ")
	}
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(src, "'s output"))
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// lineBound reports whether v, a loop variable's value, is a line or word
// of a source's output.
func lineBound(v string) bool {
	return strings.HasPrefix(v, lineValue) || strings.HasPrefix(v, wordValue)
}

// readLoop returns the variables `while read ...` binds when the
// condition is only that: `read [-r] [-d ”] NAME...`, with no redirection and
// no assignment but `IFS=...` before it. whole is set when the one name
// gets the whole line (no IFS or an empty one).
func readLoop(cond []*syntax.Stmt, d Dialect) (names []string, whole, ok bool) {
	if len(cond) != 1 || d == Zsh {
		return nil, false, false
	}
	s := cond[0]
	call, isCall := s.Cmd.(*syntax.CallExpr)
	if !isCall || s.Negated || s.Background || s.Coprocess || s.Disown || len(s.Redirs) > 0 || len(call.Args) < 2 ||
		call.Args[0].Lit() != "read" {
		return nil, false, false
	}
	emptyIFS := len(call.Assigns) == 0
	for _, a := range call.Assigns {
		if a.Name == nil || a.Name.Value != "IFS" || a.Index != nil || a.Array != nil || a.Append {
			return nil, false, false
		}
		ifs, literal := literalWord(a.Value)
		if !literal {
			return nil, false, false
		}
		emptyIFS = ifs == ""
	}
	args := call.Args[1:]
	for i := 0; i < len(args); i++ {
		arg := args[i]
		lit := arg.Lit()
		switch {
		case lit == "-r":
		case lit == "-d" && i+1 < len(args) && emptyWord(args[i+1]):
			// -d '': records end at NUL (find -print0), each a whole name
			i++
		case lit != "" && localName(lit, d) && !strings.HasPrefix(lit, "-"):
			names = append(names, lit)
		default:
			return nil, false, false
		}
	}
	if len(names) == 0 {
		return nil, false, false
	}
	return names, len(names) == 1 && (len(call.Assigns) == 0 || emptyIFS), true
}

// emptyWord reports whether w is an empty quoted word (” or "").
func emptyWord(w *syntax.Word) bool {
	text, ok := literalWord(w)
	return ok && text == "" && len(w.Parts) == 1
}

// literalWord returns the text of a word made only of literal, quoted
// text (nil: empty), and whether it is such a word.
func literalWord(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "\\*?[~") {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok || strings.ContainsAny(lit.Value, "\\$`") {
					return "", false
				}
				b.WriteString(lit.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// stdinRedirected reports whether redirections rs give the statement
// another standard input (a file, a here-document or here-string, a
// duplicated descriptor).
func stdinRedirected(rs []*syntax.Redirect) bool {
	for _, r := range rs {
		switch r.Op {
		case syntax.RdrIn, syntax.RdrInOut, syntax.DplIn, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			if r.N == nil || r.N.Value == "0" {
				return true
			}
		}
	}
	return false
}

// substSource returns the command substitution that is the only word of
// a for loop's list (`for f in $(SRC)`, unquoted), or nil.
func substSource(fc *syntax.ForClause) *syntax.CmdSubst {
	it, ok := fc.Loop.(*syntax.WordIter)
	if fc.Select || !ok || it.InPos == (syntax.Pos{}) || len(it.Items) != 1 {
		return nil
	}
	return wholeSubst(it.Items[0])
}

// wholeSubst returns the command substitution that is the whole of the
// unquoted word wd (`$(SRC)` or backquotes), or nil.
func wholeSubst(wd *syntax.Word) *syntax.CmdSubst {
	if wd == nil || len(wd.Parts) != 1 {
		return nil
	}
	cs, _ := wd.Parts[0].(*syntax.CmdSubst)
	return cs
}

// lastCall reports whether the statements end in a simple command whose
// output is theirs: one statement, a simple command or a pipeline ending
// in one.
func lastCall(stmts []*syntax.Stmt) bool {
	if len(stmts) != 1 {
		return false
	}
	s := stmts[0]
	for {
		if s.Negated || s.Background || s.Coprocess || s.Disown {
			return false
		}
		switch x := s.Cmd.(type) {
		case *syntax.CallExpr:
			return len(x.Args) > 0
		case *syntax.BinaryCmd:
			if x.Op != syntax.Pipe {
				return false
			}
			s = x.Y
		default:
			return false
		}
	}
}

// lineLoopBody reports whether a loop body may be walked once for every
// line: it neither changes directory nor moves, links or copies files.
func lineLoopBody(body []*syntax.Stmt) bool {
	return !changesDir(body) && !calls(body, "mv", "ln", "link", "cp", "rename", "install", "rsync")
}

// lineLoop walks a loop whose variables are bound to src's output lines
// (value: lineValue or wordValue), the body once.
func (w *walker) lineLoop(names []string, value string, body []*syntax.Stmt, st dirState, c ctx) outcome {
	inner := c
	inner.vars = make(map[string]string, len(c.vars)+len(names))
	for k, v := range c.vars {
		inner.vars[k] = v
	}
	for _, n := range names {
		inner.vars[n] = value
	}
	inner.lineLoop = true
	return loopOutcome(st, w.stmts(body, st, inner))
}

// unbound reports whether none of names is a variable an enclosing loop
// binds, and each is one no program reads from the environment.
func unbound(names []string, c ctx) bool {
	for _, n := range names {
		if _, outer := c.vars[n]; outer || !localName(n, c.d) {
			return false
		}
	}
	return true
}
