package shell

import (
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// walker collects the commands and the reasons for unverified while it walks
// a syntax tree.
type walker struct {
	cmds    []Command
	reasons []string
	seen    map[string]bool
	// work counts the walk's steps (see MaxWork): a statement, a loop
	// variable copied for a round, a byte of a nested script parsed.
	work int
	// tree is how deep the nested syntax-tree walks are (MaxTreeDepth).
	tree int
}

// spend adds n steps to the walk's work and reports whether it is still
// within MaxWork; past it the script is unverified.
func (w *walker) spend(n int) bool {
	w.work += n
	if w.work > MaxWork {
		w.unverified(fmt.Sprintf("more than %d steps to walk (loops and nested shells repeat their bodies)", MaxWork))
		return false
	}
	return true
}

func (w *walker) unverified(reason string) {
	if w.seen[reason] {
		return
	}
	if w.seen == nil {
		w.seen = make(map[string]bool)
	}
	w.seen[reason] = true
	w.reasons = append(w.reasons, reason)
}

// ctx is what a statement inherits from the code around it.
type ctx struct {
	d     Dialect
	src   string // the text being walked, for the source text of expansions
	depth int    // how many shells (bash -c, eval, ...) deep
	nest  int    // how many statements deep, all shells together
	piped bool   // the statement walked is a pipeline's part after a |
	// mixed: an enclosing redirection made standard output or error a
	// copy of another descriptor (Command.OutputMixed).
	mixed bool

	// From enclosing redirections, wrappers and environment assignments:
	// `{ ...; } > f`, `timeout 5 bash -c '...'`, `FOO=1 bash -c '...'`.
	writes  []string
	reads   []string
	dyn     []string
	env     []string
	wrapper []string
	shells  []string // the nested shells' programs (Command.Shells)

	// vars are the loop variables bound by an enclosing
	// `for NAME in WORD...` with literal words, walked once per word.
	vars map[string]string
	// lineSrc is, for a while loop on the right of a pipe, the source of
	// its lines (1 + the index of the command before the |), 0 when not
	// known; only the statement the pipe feeds reads it.
	lineSrc int
	// lineLoop is set in the body of a loop over a source's lines
	// (Command.InLineLoop).
	lineLoop bool

	// substEnd is, for the statements of a $( ), <( ) or >( ) in the text
	// being walked, the line its ) is on (0 outside): the shells find its
	// end otherwise than the parser when a here-document is inside
	// (substHeredoc).
	substEnd uint

	// fds are the descriptors an enclosing redirection opened on a file
	// (`{ ...; } < f`, `bash -c '...' 2>> f`): /dev/stdin, /dev/stdout or
	// /dev/stderr opened inside reopens that file, for writing or reading.
	fds fdFiles
	// opened are the enclosing redirections with files, outermost first.
	opened []*opened
}

// opened is an enclosing redirection's files and the directory state it
// was made in. The commands inside carry its paths relative to their own
// directory; when a cd inside moved that (`{ cd sub && cat; } < ../f`,
// `bash -c 'cd sub && ls' > ../f`), the files are reported once more as a
// command of their own, from where they were opened.
type opened struct {
	st       dirState
	r        redirs
	reported bool
}

// fdBind is what a redirection left on a descriptor: the file, as written,
// how it was opened, and the directory state it was opened in (a cd inside
// the block does not move it), or a target guard cannot name.
type fdBind struct {
	file    string
	st      dirState
	dynamic bool
	// keeps is set when the file was opened for writing without being
	// emptied (>>, <>): reopened for reading, it gives what it held.
	// read is set for an input redirection.
	keeps, read bool
}

// fdFiles maps descriptors to the files redirections opened on them.
// It is copied before a change: a context shares it with the one around.
type fdFiles map[int]fdBind

// maxLoopItems bounds the words of a for loop walked once per word.
const maxLoopItems = 32

// loopItems returns the literal words of `for NAME in WORD...`, or false
// when the loop is not of that form (a select, no `in`, an expansion among
// the words, too many words). An unquoted word whose only expansion is a
// glob (`for f in src/*.ts`, bash and sh) is bound as that glob: "$NAME"
// is then judged as the glob written in its place, which names the same
// existing files one at a time.
func (w *walker) loopItems(fc *syntax.ForClause, st dirState, c ctx) (string, []string, bool) {
	it, ok := fc.Loop.(*syntax.WordIter)
	if fc.Select || !ok || it.InPos == (syntax.Pos{}) || len(it.Items) == 0 || len(it.Items) > maxLoopItems {
		return "", nil, false
	}
	items := make([]string, len(it.Items))
	for i, wd := range it.Items {
		for _, part := range wd.Parts {
			switch p := part.(type) {
			case *syntax.Lit:
			case *syntax.SglQuoted:
			case *syntax.DblQuoted:
				for _, q := range p.Parts {
					if _, ok := q.(*syntax.Lit); !ok {
						return "", nil, false
					}
				}
			default:
				return "", nil, false // walked once, by the caller
			}
		}
		x := w.word(wd, st, c)
		if !x.static() {
			if !globItem(wd, x, c.d) {
				return "", nil, false
			}
			items[i] = globValue + x.text
			continue
		}
		items[i] = x.text
	}
	return it.Name.Value, items, true
}

// zshSpecial reports whether name is one of zsh's lower-case special
// parameters: the arrays tied to PATH, CDPATH, FPATH, MANPATH, MODULE_PATH
// and the like (`for path in DIR; do ls; done` ran DIR/ls), argv, and the
// parameters of zsh's modules: every special lower-case name of `zsh -fc
// 'print ${(k)parameters}'` but _ (the last word of the command before,
// which a loop may set to no effect).
func zshSpecial(name string) bool {
	switch name {
	case "path", "cdpath", "fpath", "manpath", "mailpath", "module_path", "psvar", "fignore", "terminfo_dirs",
		"zsh_eval_context", "argv", "status", "pipestatus", "options", "parameters", "commands", "functions",
		"aliases", "galiases", "saliases", "builtins", "modules", "mapfile", "nameddirs", "userdirs", "dirstack",
		"history", "historywords", "jobdirs", "jobstates", "jobtexts", "widgets", "keymaps", "reswords",
		"dis_aliases", "dis_builtins", "dis_functions", "dis_reswords", "errnos", "sysparams", "funcstack",
		"funcfiletrace", "funcsourcetrace", "functrace", "zsh_scheduled_events", "termcap", "terminfo", "prompt",
		"signals", "watch", "match", "mbegin", "mend", "reply", "zle_highlight", "dis_galiases",
		"dis_saliases", "functions_source", "dis_functions_source", "patchars", "dis_patchars", "usergroups":
		return true
	}
	return false
}

// wrapperName reports whether name is spelled as the variables of an
// agent's own wrapper around the command are (a leading underscore, `_`
// itself aside): the command runs in that wrapper's shell, which reads
// them after it. Gemini CLI runs `( trap 'jobs -p > "$_bgpids_file"' EXIT
// CMD )`, so `for _bgpids_file in ~/.bashrc; do ls; done` empties
// ~/.bashrc when the command ends.
func wrapperName(name string) bool { return len(name) > 1 && name[0] == '_' }

// wrapperNote says why a name wrapperName gives is no variable of the
// script's own, and is "" for any other name.
func wrapperNote(name string) string {
	if !wrapperName(name) {
		return ""
	}
	return " (spelled as the variables of an agent's own wrapper around the command, which it reads after the command: Gemini CLI writes into the file $_bgpids_file names)"
}

// readsWrapperName returns the first name a read command of cond assigns
// that wrapperName gives, or "".
func readsWrapperName(cond []*syntax.Stmt) string {
	for _, st := range cond {
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) < 2 || call.Args[0].Lit() != "read" {
			continue
		}
		for _, arg := range call.Args[1:] {
			if lit := arg.Lit(); wrapperName(lit) {
				return lit
			}
		}
	}
	return ""
}

// zshBinds reports whether zsh gives name a meaning that bash does not: a
// variable bash binds as a plain one of the script (localName) is one of
// zsh's special parameters, such as path, tied to PATH.
func zshBinds(name string) bool { return localName(name, Bash) && !localName(name, Zsh) }

// localName reports whether a for loop's variable is one no program or
// shell feature reads from the environment: lower case letters, digits and
// underscores (environment and shell variables are spelled in upper case;
// the lower-case ones programs read, *_proxy, are left out, bash's own
// histchars and auto_resume, in zsh its special parameters, and a name
// that begins with an underscore, wrapperName).
func localName(name string, d Dialect) bool {
	if name == "" || strings.HasSuffix(name, "_proxy") || name == "histchars" || name == "auto_resume" || wrapperName(name) {
		return false
	}
	if d == Zsh && zshSpecial(name) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// text returns n's source text.
func (c ctx) text(n syntax.Node) string {
	start, end := n.Pos().Offset(), n.End().Offset()
	if start > end || end > uint(len(c.src)) {
		return ""
	}
	return c.src[start:end]
}

func (w *walker) stmts(list []*syntax.Stmt, st dirState, c ctx) outcome {
	out := same(st)
	for _, s := range list {
		out = w.stmt(s, st, c)
		st = merge(out.ok, out.fail)
	}
	return out
}

func (w *walker) stmt(s *syntax.Stmt, st dirState, c ctx) outcome {
	lineSrc := c.lineSrc
	c.lineSrc = 0
	if len(w.cmds) >= MaxCommands {
		w.unverified(fmt.Sprintf("more than %d commands", MaxCommands))
		return same(st)
	}
	if c.nest++; c.nest > MaxNesting {
		w.unverified(fmt.Sprintf("nested more than %d deep", MaxNesting))
		return same(st.unknown("nested too deep"))
	}
	if !w.spend(1) {
		return same(st.unknown("too much to walk"))
	}
	if s.Background || s.Coprocess || s.Disown {
		w.unverified("background job &")
	}
	if c.d == Zsh {
		if n := stdinInputs(s.Redirs); n > 1 || n == 1 && c.piped {
			// zsh's MULTIOS: a command reads each of its inputs in turn,
			// the pipe first: `cat f | sh <<'E' ... E` runs f too.
			w.unverified("zsh reads every input of " + short(c.text(s)) + " in turn (the pipe and each redirection)")
		}
	}
	c.piped = false
	var out outcome
	if call, ok := s.Cmd.(*syntax.CallExpr); ok {
		out = w.call(s, call, st, c)
	} else {
		if len(s.Redirs) > 0 {
			r := w.redirects(s.Redirs, st, c)
			if s.Cmd == nil {
				// `> f` opens f and runs nothing.
				w.emit(Command{Argv: []string{}}, nil, r, st, c)
				if c.d == Zsh {
					// zsh runs $NULLCMD (cat) for it, or $READNULLCMD (a
					// pager) for one input redirection, found on PATH.
					w.unverified("a statement with only redirections: zsh runs cat or a pager for it")
				}
			}
			c = c.inherit(r, nil, nil, st)
			if stdinRedirected(s.Redirs) {
				lineSrc = 0 // `done < FILE`: the lines of a file
			}
		}
		out = same(st)
		if s.Cmd != nil {
			c.lineSrc = lineSrc
			out = w.compound(s.Cmd, st, c)
		}
	}
	if s.Negated {
		out.ok, out.fail = out.fail, out.ok
	}
	if s.Background || s.Coprocess || s.Disown {
		out = same(st)
	}
	return out
}

// compound walks every command but a simple one.
func (w *walker) compound(cmd syntax.Command, st dirState, c ctx) outcome {
	lineSrc := c.lineSrc
	c.lineSrc = 0
	switch cmd := cmd.(type) {
	case *syntax.BinaryCmd:
		return w.binary(cmd, st, c)
	case *syntax.Subshell:
		// Its commands run as in a list; a cd inside stays inside.
		w.stmts(cmd.Stmts, st, c)
		return same(st)
	case *syntax.Block:
		return w.stmts(cmd.Stmts, st, c)
	case *syntax.IfClause:
		// Every branch is walked; the directory after it is either's.
		return w.ifClause(cmd, st, c)
	case *syntax.WhileClause:
		if names, whole, ok := readLoop(cmd.Cond, c.d); ok && !cmd.Until && lineLoopBody(cmd.Do) && unbound(names, c) {
			// `SRC | while read -r f; do ...; done`, `... done < FILE`:
			// f is a line of SRC's output (one name, the whole line) or
			// of input not known (a file, fields of lines).
			src := 0
			if whole {
				src = lineSrc
			}
			return w.lineLoop(names, lineValue+strconv.Itoa(src), cmd.Do, st, c)
		}
		kind := "while loop"
		if cmd.Until {
			kind = "until loop"
		}
		if name := readsWrapperName(cmd.Cond); name != "" {
			kind += " whose read binds $" + name + wrapperNote(name)
		}
		w.unverified(kind)
		cond := w.stmts(cmd.Cond, st, c)
		next := cond.ok
		if cmd.Until {
			next = cond.fail
		}
		body := w.stmts(cmd.Do, next, c)
		return loopOutcome(st, cond, body)
	case *syntax.ForClause:
		if name, items, ok := w.loopItems(cmd, st, c); ok {
			if !localName(name, c.d) {
				// A for loop assigns NAME in the shell: when NAME is
				// exported (PATH, HOME, GIT_DIR, BASH_ENV...) the body's
				// programs get the new value, and ~ and $HOME follow it.
				w.unverified("for loop binds $" + name + ", which may be an environment or shell variable" + wrapperNote(name))
			}
			if _, outer := c.vars[name]; outer {
				// After this loop NAME holds its last word, not the
				// enclosing loop's: what follows would be judged with
				// the wrong value.
				w.unverified("for loop rebinds $" + name + ", which an enclosing loop binds")
			}
			for _, item := range items {
				if strings.HasPrefix(item, globValue) && changesDir(cmd.Do) {
					// The glob expands where the loop starts; "$NAME"
					// is judged where it is used, another directory.
					w.unverified("for loop over a glob whose body changes directory")
					break
				}
				if strings.HasPrefix(item, globValue) && calls(cmd.Do, "mv", "ln", "link", "cp", "rename", "install", "rsync") {
					// Walked once, run once per name: a later round reads
					// what an earlier one moved or linked.
					w.unverified("for loop over a glob whose body moves, links or copies files")
					break
				}
			}
			// The body runs once per literal word, with NAME bound to it.
			// Each round starts where the one before ended (a cd in the
			// body moves the next round).
			outs := make([]outcome, 0, len(items))
			cur := st
			for _, item := range items {
				if !w.spend(1 + len(c.vars)) {
					return same(st.unknown("too much to walk"))
				}
				inner := c
				inner.vars = maps.Clone(c.vars)
				if inner.vars == nil {
					inner.vars = map[string]string{}
				}
				inner.vars[name] = item
				o := w.stmts(cmd.Do, cur, inner)
				outs = append(outs, o)
				cur = merge(o.ok, o.fail)
			}
			return loopOutcome(st, outs...)
		}
		if cs := substSource(cmd); cs != nil && c.d != Zsh && lineLoopBody(cmd.Do) && unbound([]string{cmd.Loop.(*syntax.WordIter).Name.Value}, c) {
			// `for f in $(SRC)`: f is a word of SRC's output. SRC runs
			// in a subshell, before the loop.
			n := len(w.cmds)
			w.substStmts(cs, st, c)
			src := 0
			if lastCall(cs.Stmts) && w.ownOutput(n, c) > 0 {
				src = len(w.cmds)
			}
			return w.lineLoop([]string{cmd.Loop.(*syntax.WordIter).Name.Value}, wordValue+strconv.Itoa(src), cmd.Do, st, c)
		}
		kind := "for loop"
		if cmd.Select {
			kind = "select loop"
		}
		w.unverified(kind)
		w.nested(cmd.Loop, st, c)
		body := w.stmts(cmd.Do, st, c)
		return loopOutcome(st, body)
	case *syntax.CaseClause:
		w.unverified("case statement")
		w.nested(cmd.Word, st, c)
		out := same(st) // no pattern matched
		for _, item := range cmd.Items {
			for _, p := range item.Patterns {
				w.nested(p, st, c)
			}
			o := w.stmts(item.Stmts, st, c)
			out = outcome{merge(out.ok, o.ok), merge(out.fail, o.fail)}
		}
		return out
	case *syntax.FuncDecl:
		name := "anonymous"
		if cmd.Name != nil {
			name = cmd.Name.Value
		} else if len(cmd.Names) > 0 {
			name = cmd.Names[0].Value
		}
		w.unverified("function definition: " + name)
		if cmd.Body == nil {
			return same(st)
		}
		switch b, ok := cmd.Body.Cmd.(*syntax.Block); {
		case ok && len(cmd.Body.Redirs) == 0:
			w.stmts(b.Stmts, st, c) // the braces of f() { ...; } are no group
		default:
			w.stmt(cmd.Body, st, c)
		}
		return same(st)
	case *syntax.ArithmCmd:
		w.unverified("arithmetic command (( ))")
		w.nested(cmd, st, c)
		return same(st)
	case *syntax.LetClause:
		w.unverified("let")
		w.nested(cmd, st, c)
		return same(st)
	case *syntax.TestClause:
		if c.d == Zsh || !plainTest(cmd.X, c) {
			w.unverified("conditional expression [[ ]]")
		}
		w.nested(cmd, st, c)
		return same(st)
	case *syntax.DeclClause:
		return w.decl(cmd, st, c)
	case *syntax.TimeClause:
		if cmd.PosixFormat && c.d == Zsh {
			// zsh's time takes no options: `time -p cat f` runs the
			// program -p (one the agent may have put on PATH).
			w.unverified("zsh's time runs -p as a program")
		}
		if _, twice := stmtCmd(cmd.Stmt).(*syntax.TimeClause); twice && c.d == Zsh {
			// A second time is the program (`time time -o f ls` writes f).
			w.unverified("zsh's time runs the program time")
		}
		if cmd.Stmt == nil {
			return same(st)
		}
		return w.stmt(cmd.Stmt, st, c)
	case *syntax.CoprocClause:
		w.unverified("coprocess")
		if cmd.Name != nil {
			w.nested(cmd.Name, st, c)
		}
		if cmd.Stmt != nil {
			w.stmt(cmd.Stmt, st, c)
		}
		return same(st)
	}
	// Bats test declarations and anything newer than this code: find the
	// statements inside all the same.
	w.unverified(fmt.Sprintf("unsupported construct %T", cmd))
	w.nested(cmd, st, c)
	return same(st)
}

// binary walks a list joined by &&, || and |. The parser nests such a
// list to the left ((a && b) && c), as deep as it is long: its left spine
// is walked in a loop, not by recursion. Every part of the spine starts
// where the list does.
func (w *walker) binary(cmd *syntax.BinaryCmd, st dirState, c ctx) outcome {
	spine := []*syntax.BinaryCmd{cmd}
	for {
		x := spine[len(spine)-1].X
		inner, ok := x.Cmd.(*syntax.BinaryCmd)
		if !ok || x.Negated || x.Background || x.Coprocess || x.Disown || len(x.Redirs) > 0 {
			break
		}
		spine = append(spine, inner)
	}
	last := spine[len(spine)-1].X // the statement before the operator
	leftStart := len(w.cmds)      // the first command the statement before the operator made
	out := w.stmt(last, st, c)
	for i := len(spine) - 1; i >= 0; i-- {
		b := spine[i]
		left := last
		last = b.Y
		rightStart := len(w.cmds)
		switch b.Op {
		case syntax.AndStmt:
			y := w.stmt(b.Y, out.ok, c)
			out = outcome{y.ok, merge(out.fail, y.fail)}
		case syntax.OrStmt:
			y := w.stmt(b.Y, out.fail, c)
			out = outcome{merge(out.ok, y.ok), y.fail}
		default:
			// A pipeline: each part runs in a subshell, except the last in
			// zsh.
			from := -1
			if _, ok := left.Cmd.(*syntax.CallExpr); ok && len(w.cmds) > 0 {
				from = w.ownOutput(leftStart, c)
			}
			n := len(w.cmds)
			rc := c
			if _, ok := b.Y.Cmd.(*syntax.WhileClause); ok && from > 0 && from > leftStart {
				// the loop's lines are the output of the command the
				// statement before the | made (not of an earlier one,
				// when it made none: `cd d | while ...`)
				rc.lineSrc = from
			}
			y := w.pipeRight(b.Y, st, rc)
			if len(w.cmds) > n && w.cmds[len(w.cmds)-1].PipeFrom == 0 {
				w.cmds[len(w.cmds)-1].PipeFrom = from
			}
			if b.Op == syntax.PipeAll && from > 0 {
				// |&: the standard error of the part before goes down
				// the pipe too.
				w.cmds[from-1].OutputMixed = true
			}
			out = same(st)
			if c.d == Zsh {
				out = y
			}
		}
		leftStart = rightStart
	}
	return out
}

// ownOutput returns 1 + the index of the last command made (at start or
// after), whose output is taken for a simple command's (a pipe's source,
// $(SRC)'s words), or -1: none was made, or it is one of more commands of
// a shell the simple command ran (`bash -c 'echo .env; find src'`), where
// every command of the script wrote to the same output.
func (w *walker) ownOutput(start int, c ctx) int {
	if n := len(w.cmds); n <= start || len(w.cmds[n-1].Shells) != len(c.shells) && n != start+1 {
		return -1
	}
	return len(w.cmds)
}

// pipeRight walks the statement after a |. There bash's time is no
// keyword but the program: `a | time -p b` runs time with the words -p b.
func (w *walker) pipeRight(y *syntax.Stmt, st dirState, c ctx) outcome {
	c.piped = true
	tc, ok := y.Cmd.(*syntax.TimeClause)
	if !ok || c.d != Bash {
		return w.stmt(y, st, c)
	}
	_, twice := stmtCmd(tc.Stmt).(*syntax.TimeClause)
	if tc.Stmt == nil || twice || y.Negated || y.Background || y.Coprocess || y.Disown {
		// `a | time -p time ls`: the program time runs the program time.
		w.unverified("time after | is a program")
		return w.stmt(y, st, c)
	}
	words := []string{"time"}
	if tc.PosixFormat {
		words = append(words, "-p")
	}
	inner := *tc.Stmt
	inner.Redirs = append(slices.Clone(y.Redirs), tc.Stmt.Redirs...)
	c.wrapper = concat(c.wrapper, words)
	return w.stmt(&inner, st, c)
}

func (w *walker) ifClause(ic *syntax.IfClause, st dirState, c ctx) outcome {
	cond := w.stmts(ic.Cond, st, c)
	then := w.stmts(ic.Then, cond.ok, c)
	// Without an else, a false condition ends the if with status 0.
	other := outcome{cond.fail, cond.fail.unreachable()}
	switch {
	case ic.Else == nil:
	case len(ic.Else.Cond) == 0: // else
		other = w.stmts(ic.Else.Then, cond.fail, c)
	default: // elif
		other = w.ifClause(ic.Else, cond.fail, c)
	}
	return outcome{merge(then.ok, other.ok), merge(then.fail, other.fail)}
}

func loopOutcome(st dirState, parts ...outcome) outcome {
	for _, o := range parts {
		if changed(st, o) {
			return same(st.unknown("a loop may change the directory"))
		}
	}
	return same(st)
}

// plainTest reports whether a [[ ]] expression only tests: file, string
// and pattern tests on words that are literal or a loop's variable (no
// expansion runs, and [[ ]] neither splits nor globs), arithmetic
// comparisons only between literal numbers ([[ ]] evaluates their operands
// as arithmetic, where a subscript can run a command), and no -v or -R
// (a subscript in the name is evaluated too).
func plainTest(e syntax.TestExpr, c ctx) bool { return plainTestAt(e, c, 0) }

// plainTestAt is plainTest at depth below the top (MaxTreeDepth: deeper is
// not plain).
func plainTestAt(e syntax.TestExpr, c ctx, depth int) bool {
	if depth >= MaxTreeDepth {
		return false
	}
	switch x := e.(type) {
	case *syntax.Word:
		for _, part := range x.Parts {
			switch p := part.(type) {
			case *syntax.Lit, *syntax.SglQuoted:
			case *syntax.DblQuoted:
				if p.Dollar {
					return false
				}
				for _, q := range p.Parts {
					if pe, ok := q.(*syntax.ParamExp); ok {
						if _, ok := c.bound(pe); ok {
							continue
						}
					}
					if _, ok := q.(*syntax.Lit); !ok {
						return false
					}
				}
			case *syntax.ParamExp:
				if _, ok := c.bound(p); !ok {
					return false
				}
			default:
				return false
			}
		}
		return true
	case *syntax.ParenTest:
		return plainTestAt(x.X, c, depth+1)
	case *syntax.UnaryTest:
		return x.Op != syntax.TsVarSet && x.Op != syntax.TsRefVar && plainTestAt(x.X, c, depth+1)
	case *syntax.BinaryTest:
		switch x.Op {
		case syntax.TsEql, syntax.TsNeq, syntax.TsLeq, syntax.TsGeq, syntax.TsLss, syntax.TsGtr:
			return literalNumber(x.X) && literalNumber(x.Y)
		}
		return plainTestAt(x.X, c, depth+1) && plainTestAt(x.Y, c, depth+1)
	}
	return false
}

// literalNumber reports whether e is a word of digits only.
func literalNumber(e syntax.TestExpr) bool {
	wd, ok := e.(*syntax.Word)
	if !ok {
		return false
	}
	lit := wd.Lit()
	if lit == "" {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] < '0' || lit[i] > '9' {
			return false
		}
	}
	return true
}

// nested walks the commands inside n: substitutions in a word or an
// arithmetic expression, or the statements of a construct without a case of
// its own in compound.
func (w *walker) nested(n syntax.Node, st dirState, c ctx) {
	whole := Walk(n, &w.tree, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			w.unverified("command substitution")
			w.substStmts(n, st, c)
			return false
		case *syntax.ProcSubst:
			w.unverified("process substitution")
			w.stmts(n.Stmts, st, c.within(n))
			return false
		case *syntax.Stmt:
			w.stmt(n, st, c)
			return false
		}
		return true
	})
	if !whole {
		w.unverified(fmt.Sprintf("a syntax tree nested more than %d deep", MaxTreeDepth))
	}
}

func (w *walker) call(s *syntax.Stmt, call *syntax.CallExpr, st dirState, c ctx) outcome {
	// Assignments and words are expanded first, then redirections.
	var env, envDyn, names []string
	for _, a := range call.Assigns {
		text, dyn := w.assign(a, st, c)
		env = append(env, text)
		names = append(names, assignName(a))
		for _, d := range dyn {
			envDyn = append(envDyn, d+" in assignment "+assignName(a))
		}
	}
	words := make([]word, len(call.Args))
	for i, arg := range call.Args {
		n := len(w.cmds)
		words[i] = w.word(arg, st, c)
		if cs := wholeSubst(arg); cs != nil && c.d != Zsh && lastCall(cs.Stmts) && w.ownOutput(n, c) > 0 {
			words[i].from = len(w.cmds)
		}
	}
	r := w.redirects(s.Redirs, st, c)
	r.dyn = concat(envDyn, r.dyn)
	if len(words) == 0 {
		w.unverified("assignment: " + strings.Join(names, " "))
		if len(r.writes)+len(r.reads)+len(r.dyn) > 0 {
			w.emit(Command{Argv: []string{}, Env: env}, nil, r, st, c)
		}
		return same(st)
	}
	if names := notInert(env); len(names) > 0 {
		w.unverified("assignment before a command: " + strings.Join(names, " "))
	}
	return w.command(words, env, r, st, c)
}

// notInert returns the names of the NAME=value assignments (as the command
// gets them) that may change what a program does beyond its output's
// language, time zone, width or colour: every one but LANG, LANGUAGE, LC_*,
// TZ, COLUMNS, LINES, TERM, NO_COLOR, CLICOLOR and CLICOLOR_FORCE with a
// plain value (letters, digits, . _ - @ : +; a TZ name may hold / but no :
// and no leading / or ..),
// and PAGER, GIT_PAGER, MANPAGER or SYSTEMD_PAGER set to cat or to nothing.
func notInert(env []string) []string {
	var names []string
	for _, e := range env {
		name, value, _ := strings.Cut(e, "=")
		if !inertAssign(name, value) {
			names = append(names, name)
		}
	}
	return names
}

func inertAssign(name, value string) bool {
	switch name {
	case "PAGER", "GIT_PAGER", "MANPAGER", "SYSTEMD_PAGER":
		return value == "cat" || value == ""
	case "LANG", "LANGUAGE", "TZ", "COLUMNS", "LINES", "TERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE":
	default:
		if !strings.HasPrefix(name, "LC_") || strings.Trim(name[3:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return false
		}
	}
	if len(value) > 64 || name == "TZ" && (strings.HasPrefix(value, "/") || strings.Contains(value, "..") || strings.Contains(value, ":")) {
		return false // a TZ of ":FILE" or "/FILE" names a file to read
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-@:+", c) >= 0 ||
			c == '/' && name == "TZ") {
			return false
		}
	}
	return true
}

func assignName(a *syntax.Assign) string {
	if a.Name == nil {
		return ""
	}
	return a.Name.Value
}

// assign returns an assignment as NAME=value after quote removal, walking
// the commands in it.
func (w *walker) assign(a *syntax.Assign, st dirState, c ctx) (string, []string) {
	var b strings.Builder
	var dyn []string
	if a.Name != nil {
		b.WriteString(a.Name.Value)
	}
	if a.Index != nil {
		w.nested(a.Index, st, c)
		b.WriteString("[" + c.text(a.Index) + "]")
		dyn = append(dyn, "array subscript")
	}
	if a.Naked && a.Value == nil {
		return b.String(), dyn
	}
	if a.Append {
		b.WriteString("+")
	}
	if a.Name != nil {
		b.WriteString("=")
	}
	if a.Value != nil {
		v := w.word(a.Value, st, c)
		b.WriteString(v.text)
		dyn = append(dyn, v.dyn...)
	}
	if a.Array != nil {
		w.nested(a.Array, st, c)
		b.WriteString(c.text(a.Array))
		dyn = append(dyn, "array")
	}
	return b.String(), dyn
}

func (w *walker) decl(d *syntax.DeclClause, st dirState, c ctx) outcome {
	w.unverified("changes shell state: " + d.Variant.Value)
	argv := []string{d.Variant.Value}
	var dyn []string
	for _, a := range d.Args {
		text, ad := w.assign(a, st, c)
		for _, r := range ad {
			dyn = append(dyn, r+" in argument "+strconv.Itoa(len(argv)))
		}
		argv = append(argv, text)
	}
	w.emit(Command{Argv: argv}, dyn, redirs{}, st, c)
	return same(st)
}

// emit adds a command run at st, with the redirections r of its statement
// and those inherited in c.
func (w *walker) emit(cmd Command, dyn []string, r redirs, st dirState, c ctx) {
	if len(w.cmds) >= MaxCommands {
		w.unverified(fmt.Sprintf("more than %d commands", MaxCommands))
		return
	}
	// The judge looks at every word reported, each a few system calls.
	if !w.spend(stepsPerWord * (1 + len(cmd.Argv))) {
		return
	}
	for _, o := range c.opened {
		if !o.reported && !slices.Equal(o.st.dirs, st.dirs) {
			o.reported = true
			w.emit(Command{Argv: []string{}}, nil, o.r, o.st, ctx{d: c.d, depth: c.depth})
		}
	}
	if len(st.dirs) > 0 {
		cmd.Dir = st.dirs[0]
	}
	if len(st.dirs) > 1 {
		cmd.OtherDirs = slices.Clone(st.dirs[1:])
	}
	if len(st.climbed) > 0 {
		cmd.Climbed = slices.Clone(st.climbed)
	}
	if st.why != "" && !st.never {
		w.unverified("working directory unknown: " + st.why)
	}
	cmd.Writes = concat(c.writes, r.writes, cmd.Writes)
	cmd.Reads = concat(c.reads, r.reads)
	cmd.Env = concat(c.env, cmd.Env)
	cmd.Wrapper = concat(c.wrapper, cmd.Wrapper)
	cmd.Shells = concat(c.shells, cmd.Shells)
	cmd.Dialect = c.d
	cmd.InLineLoop = c.lineLoop
	cmd.OutputMixed = c.mixed || r.mixed
	if r.hasStdin && len(cmd.Argv) > 0 && (cmd.Argv[0] == "apply_patch" || cmd.Argv[0] == "applypatch" || pythonName(cmd.Argv[0]) ||
		path.Base(cmd.Argv[0]) == "sqlite3") {
		cmd.Stdin = r.stdin
	}
	if all := concat(c.dyn, r.dyn, dyn); len(all) > 0 {
		cmd.Dynamic = strings.Join(all, "; ")
		inArgs := 0
		for _, d := range cmd.ArgDynamic {
			inArgs += len(d)
		}
		cmd.OtherDynamic = len(all) > inArgs
	}
	w.cmds = append(w.cmds, cmd)
}

// concat joins lists into a new one, nil when empty.
func concat(lists ...[]string) []string {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// redirs is what a statement's redirections do.
type redirs struct {
	writes, reads []string
	dyn           []string
	// stdin is the body of the here-document or here-string on standard
	// input when hasStdin is set: a shell without -c reads it as its script.
	stdin    string
	hasStdin bool
	// fds are the descriptors opened on files for reading once these
	// redirections are made (the enclosing ones' included).
	fds fdFiles
	// mixed is set when standard output or error is made a copy of
	// another descriptor or a device naming one (2>&1, >&2, 2>/dev/stdout,
	// 2>/proc/self/fd/1): what the command writes to its output is then
	// not only its own output (outputMixed).
	mixed bool
}

func (r redirs) any() bool { return len(r.writes)+len(r.reads)+len(r.dyn) > 0 }

// devices are files that redirections open without touching the file
// system.
func devices(s string) bool {
	switch s {
	case "/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr":
		return true
	}
	return false
}

// deviceFD is the descriptor /dev/stdin, /dev/stdout or /dev/stderr names,
// or -1. Opening one opens /proc/self/fd/N: the file on that descriptor
// anew, with the redirection's own access, so `> /dev/stdin` after
// `< f` writes f.
func deviceFD(s string) int {
	switch s {
	case "/dev/stdin":
		return 0
	case "/dev/stdout":
		return 1
	case "/dev/stderr":
		return 2
	}
	return -1
}

// outputMixed reports whether redirection rd, setting descriptor n, may
// send to standard output what does not come from the command's own
// output: standard error sent anywhere but /dev/null (2>&1, |&'s, a
// device or a file that names the output: 2>/dev/stdout, 2>/proc/self/fd/1,
// a link to it; target is its source text), or standard output made a
// copy of another descriptor (3>&1 1>&2 2>&3). A source whose standard
// error reaches the pipe (`find src -newer x 2>&1 | xargs cat`) gives
// words the judge does not follow: an error message's words (No, such,
// file) are names in the working directory.
func outputMixed(rd *syntax.Redirect, n int, target string) bool {
	switch rd.Op {
	case syntax.RdrIn, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		return false
	case syntax.DplOut, syntax.DplIn:
		return n == 1 || n == 2
	case syntax.RdrAll, syntax.AppAll, syntax.RdrAllClob, syntax.AppAllClob:
		return target != "/dev/null" // &>FILE: standard error too
	}
	return n == 2 && target != "/dev/null"
}

// redirFD is the descriptor a redirection sets, or -1 for a named one.
func redirFD(rd *syntax.Redirect) int {
	if rd.N != nil {
		n, err := strconv.Atoi(rd.N.Value)
		if err != nil {
			return -1
		}
		return n
	}
	switch rd.Op {
	case syntax.RdrIn, syntax.RdrInOut, syntax.DplIn, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		return 0
	}
	return 1
}

// set makes descriptor n hold b (or nothing a reopen could write through,
// when ok is false), copying the map on its first change.
func (f *fdFiles) set(n int, b fdBind, ok bool, copied *bool) {
	if _, had := (*f)[n]; !had && !ok {
		return
	}
	if !*copied {
		*f, *copied = maps.Clone(*f), true
		if *f == nil {
			*f = fdFiles{}
		}
	}
	if ok {
		(*f)[n] = b
	} else {
		delete(*f, n)
	}
}

func (w *walker) redirects(list []*syntax.Redirect, st dirState, c ctx) redirs {
	r := redirs{fds: c.fds}
	copied := false
	for _, rd := range list {
		toStdin := rd.N == nil || rd.N.Value == "0"
		if rd.N != nil && strings.HasPrefix(rd.N.Value, "{") {
			w.unverified("named file descriptor " + rd.N.Value)
		}
		n := redirFD(rd)
		if outputMixed(rd, n, c.text(rd.Word)) {
			r.mixed = true
		}
		both := rd.N == nil && (rd.Op == syntax.RdrAll || rd.Op == syntax.AppAll || rd.Op == syntax.RdrAllClob ||
			rd.Op == syntax.AppAllClob || rd.Op == syntax.DplOut)
		switch rd.Op {
		case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			// A pipe or a temporary file of the shell's own.
			r.fds.set(n, fdBind{}, false, &copied)
		}
		switch rd.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			body, static := w.heredoc(&r, rd, st, c)
			if toStdin {
				r.stdin, r.hasStdin = body, static
			}
			continue
		case syntax.WordHdoc:
			wd := w.word(rd.Word, st, c)
			for _, d := range wd.dyn {
				r.dyn = append(r.dyn, d+" in here-string")
			}
			if toStdin {
				r.stdin, r.hasStdin = wd.text+"\n", wd.static()
			}
			continue
		}
		wd := w.word(rd.Word, st, c)
		var write, read bool
		switch rd.Op {
		case syntax.RdrIn:
			read = true
		case syntax.RdrInOut:
			read, write = true, true
		case syntax.DplIn:
			read = !isFD(wd, c.d)
		case syntax.DplOut:
			write = !isFD(wd, c.d)
		default: // >, >>, >|, &>, &>>, and zsh's clobbering forms
			write = true
		}
		if (rd.Op == syntax.DplIn || rd.Op == syntax.DplOut) && !isFD(wd, c.d) &&
			(strings.ContainsAny(c.text(rd.Word), "'\"\\$`") || wd.text == "" || strings.ContainsRune("-0123456789", rune(wd.text[0]))) {
			// bash reads >&-x as >&- and a word x, where the parser reads
			// a file; and it removes quotes from a >&FILE target its own
			// way (>&'\'x writes to x).
			w.unverified("redirection " + short(c.text(rd)) + " to a file: the shells read its target otherwise")
		}
		if (rd.Op == syntax.DplIn || rd.Op == syntax.DplOut) && isFD(wd, c.d) && highFD(wd.text) {
			// A descriptor the script did not open: the shell's caller
			// may have left it open on anything.
			w.unverified("redirection " + short(c.text(rd)) + " to a descriptor the script did not open")
		}
		if (rd.Op == syntax.DplIn || rd.Op == syntax.DplOut) && isFD(wd, c.d) {
			// N>&M, N<&M: N is what M is; N>&- closes it; N>&M- moves M.
			m, err := strconv.Atoi(strings.TrimSuffix(wd.text, "-"))
			b, ok := r.fds[m]
			r.fds.set(n, b, ok && err == nil, &copied)
			if strings.HasSuffix(wd.text, "-") && err == nil {
				r.fds.set(m, fdBind{}, false, &copied)
			}
		}
		if !write && !read {
			continue
		}
		for _, d := range wd.dyn {
			r.dyn = append(r.dyn, d+" in redirection target")
		}
		if devices(wd.text) && wd.static() {
			k := deviceFD(wd.text)
			b, ok := r.fds[k]
			switch {
			case !ok:
			case b.dynamic && (write && b.read || read && b.keeps):
				r.dyn = append(r.dyn, "redirection to "+wd.text+", which reopens a file the script opened on it")
			case write && b.read:
				// The write lands on the file read there, opened where
				// that redirection was made: `{ echo x >> /dev/stdin; } < f`.
				w.emit(Command{Argv: []string{}}, nil, redirs{writes: []string{b.file}}, b.st, ctx{d: c.d, depth: c.depth})
			case read && b.keeps:
				// A read of what the file held: `cat 2>> .env < /dev/stderr`.
				w.emit(Command{Argv: []string{}}, nil, redirs{reads: []string{b.file}}, b.st, ctx{d: c.d, depth: c.depth})
			}
			r.fds.set(n, b, ok, &copied)
			if both {
				r.fds.set(2, b, ok, &copied)
			}
			continue
		}
		b := fdBind{file: wd.text, st: st, dynamic: !wd.static(), read: read,
			keeps: rd.Op == syntax.AppOut || rd.Op == syntax.AppAll || rd.Op == syntax.AppClob ||
				rd.Op == syntax.AppAllClob || rd.Op == syntax.RdrInOut}
		r.fds.set(n, b, true, &copied)
		if both {
			r.fds.set(2, b, true, &copied)
		}
		if clean := path.Clean(wd.text); strings.HasPrefix(clean, "/dev/tcp/") || strings.HasPrefix(clean, "/dev/udp/") {
			// bash opens a socket for these names.
			w.unverified("network connection: redirection to " + short(wd.text))
		}
		if write {
			r.writes = append(r.writes, wd.text)
		}
		if read {
			r.reads = append(r.reads, wd.text)
			if toStdin {
				r.stdin, r.hasStdin = "", false
			}
		}
	}
	return r
}

// highFD reports whether the descriptor word fd (digits, maybe followed by
// "-") names a descriptor above 2.
func highFD(fd string) bool {
	fd = strings.TrimSuffix(fd, "-")
	return fd != "" && (len(fd) > 1 || fd[0] > '2')
}

// isFD reports whether the target of >& or <& is a descriptor: digits,
// "-" (close), or digits and "-" (move; not in zsh, which has no move:
// there `>&1-` writes the file 1-).
func isFD(wd word, d Dialect) bool {
	if !wd.static() {
		return false
	}
	s := strings.TrimSuffix(wd.text, "-")
	if s == "" {
		return wd.text == "-"
	}
	if d == Zsh && s != wd.text {
		return false
	}
	for _, ch := range []byte(s) {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}

// heredoc returns a here-document's body and whether it is static. With a
// quoted delimiter the body is inert; otherwise its expansions run.
func (w *walker) heredoc(r *redirs, rd *syntax.Redirect, st dirState, c ctx) (string, bool) {
	if delimiterUnescaped(rd.Word) {
		// The parser ends the document at the delimiter as written; the
		// shells at it with the escapes undone, so the lines between are
		// commands to them and text to the parser.
		w.unverified("here-document delimiter " + short(c.text(rd.Word)) + " with escapes the shells undo (they end the document at another line)")
	}
	quoted := false
	for _, p := range rd.Word.Parts {
		if lit, ok := p.(*syntax.Lit); !ok || strings.Contains(lit.Value, `\`) {
			quoted = true
		}
	}
	body := ""
	if rd.Hdoc != nil {
		body = c.partsText(rd.Hdoc)
	}
	if why := substHeredoc(rd, c.substEnd, body); why != "" {
		w.unverified(why)
	}
	if rd.Hdoc == nil {
		return "", true
	}
	if quoted {
		// All the body is literal, even where the parser saw expansions
		// (it does for a partly quoted delimiter such as "E"OF).
		if lit := rd.Hdoc.Lit(); lit != "" || len(rd.Hdoc.Parts) == 0 {
			return lit, true
		}
		return c.text(rd.Hdoc), true
	}
	var b wordBuilder
	for _, p := range rd.Hdoc.Parts {
		if lit, ok := p.(*syntax.Lit); ok {
			b.quoted(unescape(lit.Value, "$`\\\n"))
		} else {
			w.expansion(&b, p, st, c)
		}
	}
	for _, d := range b.dyn {
		r.dyn = append(r.dyn, d+" in here-document")
	}
	return string(b.text), len(b.dyn) == 0
}

// partsText returns a word's text part by part: a literal's value, the
// source of any other part.
func (c ctx) partsText(wd *syntax.Word) string {
	var b strings.Builder
	for _, p := range wd.Parts {
		if lit, ok := p.(*syntax.Lit); ok {
			b.WriteString(lit.Value)
		} else {
			b.WriteString(c.text(p))
		}
	}
	return b.String()
}

// substStmts walks the statements of a command substitution.
func (w *walker) substStmts(cs *syntax.CmdSubst, st dirState, c ctx) outcome {
	if why := backquoted(cs, c.text(cs)); why != "" {
		w.unverified(why)
	}
	return w.stmts(cs.Stmts, st, c.within(cs))
}

// within returns the context for the statements of a command or process
// substitution.
func (c ctx) within(n syntax.Node) ctx {
	c.substEnd = 0
	if cs, ok := n.(*syntax.CmdSubst); !ok || !cs.Backquotes {
		c.substEnd = n.End().Line()
	}
	return c
}

// backquoted says why the shells may read a backquoted command
// substitution, whose source is text, otherwise than the parser: they end
// it at the next backquote that no backslash escapes, inside single quotes
// and here-documents too (bash in double quotes: "`echo 'a`"; cat f; ...
// runs cat), and undo \` and \\ before they parse the rest. Only one
// without quotes, backslashes, backquotes, comments or here-documents is
// read alike.
func backquoted(cs *syntax.CmdSubst, text string) string {
	if !cs.Backquotes || len(text) < 2 {
		return ""
	}
	inner := text[1 : len(text)-1]
	if strings.ContainsAny(inner, "'\"\\`#") || strings.Contains(inner, "<<") {
		return "a backquoted command substitution with quotes, escapes, comments or a here-document, whose end and text the shells find otherwise"
	}
	return ""
}

// substHeredoc says why a here-document inside a $( ), <( ) or >( ) that
// ends on line substEnd may end otherwise in the shells than in the
// parser, which reads it by its delimiter line: bash ends it at the first
// line that only begins with its delimiter (`EOF)` closes both the
// document and the substitution), and when the substitution closes on the
// line of the << (`"$(cat <<EOF)"`), bash reads the body from the lines
// after it as the parser does, dash and zsh take it as empty and run those
// lines. The lines between are commands to a shell and text to the parser.
func substHeredoc(rd *syntax.Redirect, substEnd uint, body string) string {
	if substEnd == 0 {
		return ""
	}
	if rd.OpPos.Line() >= substEnd {
		return "a here-document whose body is after the command substitution that holds it"
	}
	if rd.Op == syntax.DashHdoc {
		// <<- strips the leading tabs of each line, the delimiter's too.
		var b strings.Builder
		for line := range strings.Lines(body) {
			b.WriteString(strings.TrimLeft(line, "\t"))
		}
		body = b.String()
	}
	if delim, ok := delimiterText(rd.Word); !ok || delim == "" || linePrefixed(body, delim) {
		return "a here-document inside a command substitution with a line that begins with its delimiter, where bash ends it"
	}
	return ""
}

// delimiterUnescaped reports whether a here-document's delimiter word holds
// escapes that bash, dash and zsh undo and the parser keeps: a backslash
// before $ ` " \ or a newline inside double quotes ("E\`OF" ends at the
// line E`OF) and any escape in $'...' (bash and zsh end $'E\x4fF' at EOF).
func delimiterUnescaped(wd *syntax.Word) bool {
	if wd == nil {
		return false
	}
	for _, p := range wd.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted:
			if p.Dollar && strings.Contains(p.Value, `\`) {
				return true
			}
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok {
					continue
				}
				for i := 0; i+1 < len(lit.Value); i++ {
					if lit.Value[i] == '\\' {
						if strings.IndexByte("$`\"\\\n", lit.Value[i+1]) >= 0 {
							return true
						}
						i++
					}
				}
			}
		}
	}
	return false
}

// command handles a simple command's words once expanded: it strips
// wrappers, follows cd and nested shells, and emits the command.
func (w *walker) command(words []word, env []string, r redirs, st dirState, c ctx) outcome {
	var wrapper, writes []string
	builtinOnly := true // only `command` and `builtin` wrappers: cd, eval keep their meaning
	replaced := false   // exec: the shell does not continue
	shellLevel := true  // the words are still the shell's: no program or exec has taken them
	for len(words) > 1 {
		u, ok := unwrap(words, c.d)
		if !ok || !shellLevel && (u.builtin || u.exec || u.loop) {
			// After a program (env, nice, timeout...) or exec, command,
			// builtin and exec are programs looked up on PATH, not the
			// shell's: `env builtin cd d` runs a program named builtin.
			break
		}
		shellLevel = shellLevel && u.builtin
		for _, wd := range words[:u.n] {
			wrapper = append(wrapper, wd.text)
		}
		if names := notInert(u.env); len(names) > 0 {
			w.unverified("assignment via env: " + strings.Join(names, " "))
		}
		if u.loop {
			w.unverified("zsh repeat loop")
		}
		env = append(env, u.env...)
		writes = append(writes, u.writes...)
		builtinOnly = builtinOnly && u.builtin
		replaced = replaced || u.exec
		words = words[u.n:]
	}
	after := func(o outcome) outcome {
		if replaced {
			return same(st.unreachable())
		}
		return o
	}
	emit := func() {
		var dyn []string
		for i, wd := range words {
			where := "argument " + strconv.Itoa(i)
			if i == 0 {
				where = "the command name"
			}
			for _, d := range wd.dyn {
				dyn = append(dyn, d+" in "+where)
			}
		}
		argv := make([]string, len(words))
		var argDyn [][]string
		var split []bool
		var braces [][]string
		var from []int
		for i, wd := range words {
			argv[i] = wd.text
			if wd.from > 0 {
				if from == nil {
					from = make([]int, len(words))
				}
				from[i] = wd.from
			}
			if len(wd.dyn) > 0 {
				if argDyn == nil {
					argDyn = make([][]string, len(words))
				}
				argDyn[i] = wd.dyn
			}
			if wd.split {
				if split == nil {
					split = make([]bool, len(words))
				}
				split[i] = true
			}
			if wd.braces != nil {
				if braces == nil {
					braces = make([][]string, len(words))
				}
				braces[i] = wd.braces
			}
		}
		w.emit(Command{Argv: argv, Writes: writes, Env: env, Wrapper: wrapper, ArgDynamic: argDyn, ArgSplit: split,
			ArgBraces: braces, SubstFrom: from}, dyn, r, st, c)
	}
	if !words[0].static() {
		emit()
		return after(same(st))
	}
	name := words[0].text
	if name == "set" && c.d == Zsh {
		// zsh's set takes its single-letter options with zsh's meanings:
		// set -T is CDABLE_VARS there, not bash's functrace (judge-12 S1).
		for _, a := range words[1:] {
			t := a.text
			if !a.static() || len(t) < 2 || t[0] != '-' && t[0] != '+' || t == "--" {
				break
			}
			for _, ch := range t[1:] {
				if r := ShortOptionRisk(Zsh, t[0], ch); ch != 'o' && r != "" {
					w.unverified("set " + r)
				}
			}
		}
	}
	switch name {
	case "cd", "pushd", "popd":
		if builtinOnly && (name == "cd" || c.d != POSIX) {
			// A directory from a variable is judged as the command's argument:
			// the shell prints it when it is missing (cd "$API_KEY").
			if r.any() || len(env) > 0 || slices.ContainsFunc(words[1:], expandsVariable) {
				emit()
			}
			return w.cd(words, st)
		}
		if builtinOnly {
			// dash has no pushd and popd: they are programs there; but sh
			// is bash elsewhere, where they change the directory.
			emit()
			return after(outcome{st.unknown(name + " in sh (a builtin where sh is bash)"), st})
		}
	case "eval":
		if builtinOnly {
			w.unverified("eval")
			if script, ok := joinStatic(words[1:]); ok {
				inner := c.inherit(r, env, wrapper, st)
				before := len(w.cmds)
				if o, ok := w.script(script, c.d, st, inner, "eval"); ok {
					if len(w.cmds) == before && (r.any() || len(env) > 0) {
						emit()
					}
					return o
				}
			}
		}
	case "trap":
		w.unverified("trap")
		args := words[1:]
		if len(args) > 0 && args[0].text == "--" {
			args = args[1:]
		}
		if len(args) > 1 && args[0].static() && !strings.HasPrefix(args[0].text, "-") {
			w.script(args[0].text, c.d, st, c, "trap")
		}
	case "alias":
		if !aliasPrint(words[1:]) {
			w.unverified("alias")
		}
		for _, a := range words[1:] {
			if _, value, ok := strings.Cut(a.text, "="); ok && a.static() {
				w.script(value, c.d, st, c, "alias")
			}
		}
	case "source", ".":
		w.unverified("source")
	case "exit", "return":
		emit()
		return same(st.unreachable())
	case "exec":
		if len(words) == 1 && r.any() {
			w.unverified("exec redirects the shell")
		}
	default:
		if stateBuiltins(name) && !(name == "hash" && hashQuery(words[1:])) {
			w.unverified("changes shell state: " + name)
		}
		if nameBuiltins(name) && subscriptCode(words[1:]) {
			w.unverified("array subscript in a variable name may run code")
		}
	}
	if d, ok := shellName(name); ok {
		if o, ok := w.shell(words, d, r, env, wrapper, st, c); ok {
			return after(o)
		}
	}
	emit()
	return after(same(st))
}

// stateBuiltins change how later commands are looked up or what they see.
func stateBuiltins(s string) bool {
	switch s {
	case "export", "declare", "typeset", "local", "readonly", "unset", "unalias", "hash", "enable",
		"disable", "autoload", "zmodload", "setopt", "unsetopt", "emulate":
		return true
	}
	return false
}

// hashQuery reports whether hash's words only list the remembered paths
// or forget them (-r, -l): later lookups then go to PATH, as the judge
// assumes; `hash NAME` and `hash -p PATH NAME` remember a path.
func hashQuery(args []word) bool {
	for _, a := range args {
		if !a.static() || a.text != "-r" && a.text != "-l" {
			return false
		}
	}
	return true
}

// aliasPrint reports whether alias's words only name aliases to print
// (`alias`, `alias ll`, `alias -p`): no definition NAME=VALUE, nothing run
// time.
func aliasPrint(args []word) bool {
	for _, a := range args {
		if !a.static() || strings.Contains(a.text, "=") {
			return false
		}
	}
	return true
}

// nameBuiltins take variable names, whose array subscripts bash evaluates
// as arithmetic, running any command substitution in them:
// `printf -v 'a[$(id)]' x` runs id although the word is quoted.
func nameBuiltins(s string) bool {
	switch s {
	case "test", "[", "printf", "read", "mapfile", "readarray", "getopts", "wait", "unset", "export",
		"declare", "typeset", "local", "readonly", "let":
		return true
	}
	return false
}

// subscriptCode reports whether a word looks like a subscript with an
// expansion in it.
func subscriptCode(words []word) bool {
	for _, wd := range words {
		if i := strings.IndexByte(wd.text, '['); i >= 0 && strings.ContainsAny(wd.text[i:], "$`") {
			return true
		}
	}
	return false
}

// inherit returns the context for the commands a wrapped shell or eval
// runs: they share the outer command's redirections, environment and
// wrappers.
func (c ctx) inherit(r redirs, env, wrapper []string, st dirState) ctx {
	if len(r.writes)+len(r.reads) > 0 {
		c.opened = append(slices.Clip(c.opened), &opened{st: st, r: redirs{writes: r.writes, reads: r.reads, dyn: r.dyn}})
	}
	c.writes = concat(c.writes, r.writes)
	c.reads = concat(c.reads, r.reads)
	c.dyn = concat(c.dyn, r.dyn)
	c.fds = r.fds
	c.mixed = c.mixed || r.mixed
	c.env = concat(c.env, env)
	c.wrapper = concat(c.wrapper, wrapper)
	return c
}

func joinStatic(words []word) (string, bool) {
	texts := make([]string, len(words))
	for i, wd := range words {
		if !wd.static() {
			return "", false
		}
		texts[i] = wd.text
	}
	return strings.Join(texts, " "), true
}

// script parses src, a script nested in the one being walked, and walks it
// at st. ok is false when it is too deep or does not parse.
func (w *walker) script(src string, d Dialect, st dirState, c ctx, what string) (outcome, bool) {
	if c.depth >= MaxDepth {
		w.unverified(fmt.Sprintf("shells nested more than %d deep", MaxDepth))
		return outcome{}, false
	}
	if !w.spend(1 + len(src)) {
		return outcome{}, false
	}
	if why := tooBig(src); why != "" {
		w.unverified(what + " script " + why)
		return outcome{}, false
	}
	f, err := parse(src, d)
	if err != nil {
		w.unverified(fmt.Sprintf("%s script does not parse: %v", what, err))
		return outcome{}, false
	}
	if why := suspect(src); why != "" {
		w.unverified(what + " script: " + why)
	}
	c.d, c.src, c.depth, c.substEnd = d, src, c.depth+1, 0
	if what != "eval" {
		c.vars = nil // another shell: the loop's variables are not its own
	}
	return w.stmts(f.Stmts, st, c), true
}

// shell follows `bash -c STRING` and a shell reading a here-document as
// its script. ok is false when the command is to be reported as it is.
func (w *walker) shell(words []word, d Dialect, r redirs, env, wrapper []string, st dirState, c ctx) (outcome, bool) {
	idx, fromStdin, risky, ok := shellArgs(words, d)
	if !ok {
		return outcome{}, false
	}
	var src string
	switch {
	case fromStdin && r.hasStdin:
		src = r.stdin
	case !fromStdin && words[idx].static():
		src = words[idx].text
	default:
		return outcome{}, false
	}
	what := path.Base(words[0].text)
	if !fromStdin {
		what += " -c"
	}
	if risky != "" {
		w.unverified(path.Base(words[0].text) + " " + risky)
	}
	before := len(w.cmds)
	inner := c.inherit(r, env, wrapper, st)
	inner.shells = concat(inner.shells, []string{words[0].text})
	if _, ok := w.script(src, d, st, inner, what); !ok {
		return outcome{}, false
	}
	if len(w.cmds) == before {
		// Nothing ran in it, but the shell itself runs (and the
		// redirections happen): judged as the command it is.
		return outcome{}, false
	}
	// A child process: the directory does not change here.
	return same(st), true
}

// homeDir returns the directory of a cd argument that is only the home
// directory and a literal path below it (`~`, `~/x`, "$HOME/x", ${HOME}),
// written with a leading "~" (see Command.Dir).
func homeDir(w word) (string, bool) {
	if len(w.dyn) != 1 {
		return "", false
	}
	text, r := w.text, w.dyn[0]
	switch {
	case strings.HasPrefix(r, "tilde ") && (text == "~" || strings.HasPrefix(text, "~/")) && !strings.Contains(text[1:], "~"):
	case r == "parameter expansion $HOME" && strings.HasPrefix(text, "$HOME"):
		text = "~" + text[len("$HOME"):]
	case r == "parameter expansion ${HOME}" && strings.HasPrefix(text, "${HOME}"):
		text = "~" + text[len("${HOME}"):]
	default:
		return "", false
	}
	if len(text) > 1 && text[1] != '/' {
		return "", false
	}
	return path.Clean(text), true
}

// homeWritten returns a cd argument below the home directory as written,
// with its $HOME or ${HOME} as "~" (homeDir's argument, not cleaned).
func homeWritten(text string) string {
	for _, h := range []string{"${HOME}", "$HOME"} {
		if rest, ok := strings.CutPrefix(text, h); ok {
			return "~" + rest
		}
	}
	return text
}

// cd follows cd, pushd and popd with a literal directory.
func (w *walker) cd(words []word, st dirState) outcome {
	name := words[0].text
	args := words[1:]
	physical, xattr := false, false
	for len(args) > 0 && args[0].static() && len(args[0].text) > 1 && args[0].text[0] == '-' {
		opt := args[0].text
		if opt == "--" {
			args = args[1:]
			break
		}
		if name == "pushd" && opt == "-n" {
			return same(st) // only manipulates the stack
		}
		if name != "cd" || strings.Trim(opt[1:], "LPe@") != "" {
			break
		}
		// The last of -L and -P decides.
		if i := strings.LastIndexAny(opt, "LP"); i > 0 {
			physical = opt[i] == 'P'
		}
		xattr = xattr || strings.Contains(opt, "@")
		args = args[1:]
	}
	if physical || xattr {
		// cd -P resolves links, so its .. (and a later cd's) is the
		// target's parent, not the one the path names: `cd -P link && cd
		// .. && cat tok.txt` read the link target's sibling. -@ enters a
		// file's extended attributes. Neither is modelled.
		return outcome{st.unknown(name + " " + strings.TrimSpace(words[1].text) + " (links resolved: not followed)"), st}
	}
	if len(args) == 1 {
		if dir, ok := homeDir(args[0]); ok {
			next := dirState{dirs: []string{dir}, never: st.never}
			if climbs("", args[0].text) {
				next.climbed = []string{homeWritten(args[0].text)}
			}
			return outcome{next, st}
		}
	}
	var why string
	switch {
	case name == "popd":
		why = "popd"
	case len(args) == 0:
		why = name + " with no directory"
	case len(args) > 1:
		why = name + " with several arguments"
	case !args[0].static():
		why = name + " " + short(args[0].text)
	case args[0].text == "" || args[0].text[0] == '-' || args[0].text[0] == '+':
		why = name + " " + args[0].text
	case os.Getenv("CDPATH") != "" && cdpathApplies(args[0].text):
		// The shell looks the name up in each CDPATH directory first.
		why = name + " " + args[0].text + " with CDPATH set"
	}
	if why != "" {
		return outcome{st.unknown(why), st}
	}
	return outcome{st.cd(args[0].text), st}
}

// cdpathApplies reports whether bash and dash search CDPATH for a cd to
// dir: a relative name that does not start with "." or "..".
func cdpathApplies(dir string) bool {
	return !strings.HasPrefix(dir, "/") && dir != "." && dir != ".." && !strings.HasPrefix(dir, "./") &&
		!strings.HasPrefix(dir, "../")
}

// changesDir reports whether a cd, pushd or popd is anywhere in list
// (a subshell's included).
func changesDir(list []*syntax.Stmt) bool { return calls(list, "cd", "pushd", "popd") }

// calls reports whether a command named one of names is anywhere in list
// (as its first word, or its second after a wrapper such as command), or
// may be: a tree too deep to walk whole counts.
func calls(list []*syntax.Stmt, names ...string) bool {
	found := false
	for _, st := range list {
		whole := Walk(st, nil, func(n syntax.Node) bool {
			if call, ok := n.(*syntax.CallExpr); ok {
				for i, a := range call.Args {
					if i > 1 {
						break
					}
					lit := a.Lit()
					for _, n := range names {
						if lit == n || strings.HasSuffix(lit, "/"+n) {
							found = true
						}
					}
				}
			}
			return !found
		})
		if !whole {
			return true
		}
	}
	return found
}

// stmtCmd returns st's command, or nil for no statement.
func stmtCmd(st *syntax.Stmt) syntax.Command {
	if st == nil {
		return nil
	}
	return st.Cmd
}

// stdinInputs counts the redirections among list that give descriptor 0
// something to read: <, <>, here-documents and here-strings, <&N.
func stdinInputs(list []*syntax.Redirect) int {
	n := 0
	for _, rd := range list {
		if rd.N != nil && rd.N.Value != "0" {
			continue
		}
		switch rd.Op {
		case syntax.RdrIn, syntax.RdrInOut, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc, syntax.DplIn:
			if rd.Op == syntax.DplIn && rd.Word != nil && rd.Word.Lit() == "-" {
				continue // <&- closes
			}
			n++
		}
	}
	return n
}
