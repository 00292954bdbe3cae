package hook

import (
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"guard/policy/shell"
)

// The agent's shell is not always the bash guard reads a script as: Claude
// Code runs the user's shell (zsh for zsh users), with the options of the
// user's start-up files but for a few it resets (extglob, EXTENDED_GLOB,
// BARE_GLOB_QUAL, BRACE_CCL, MAGIC_EQUAL_SUBST, RC_QUOTES, EQUALS), and Codex
// the shell the model names in exec_command (zsh is honoured), as a login
// shell. These functions find what such a shell reads differently in a
// script guard would let through as it stands; the caller judges the wider
// reading again. Limits: they cover zsh's redirection-only statements,
// EXTENDED_GLOB's ~ ^ #, and the glob options dotglob/GLOB_DOTS and
// nocaseglob/NO_CASE_GLOB; other options a user may set are not read.

// parseBash parses script as bash, as the agents' shells read it. The
// last answer is kept: a hook call asks it of one script several times
// (each of the readings below), and a megabyte takes tens of milliseconds
// to parse. The trees it returns are only read.
func parseBash(script string) (*syntax.File, error) {
	lastParse.Lock()
	defer lastParse.Unlock()
	if !lastParse.done || lastParse.script != script {
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), "")
		lastParse.script, lastParse.file, lastParse.err, lastParse.done = script, f, err, true
	}
	return lastParse.file, lastParse.err
}

var lastParse struct {
	sync.Mutex
	done   bool
	script string
	file   *syntax.File
	err    error
}

// ZshRunsProgram returns a statement of script that has redirections and no
// program (`< notes.txt`, `<<< x`), "" when there is none. bash and sh only
// open its files; zsh runs $READNULLCMD (a pager, less by default on Debian)
// or $NULLCMD (cat) on them, and a pager on a terminal runs the commands typed
// into it, which Codex's write_stdin can type without any hook seeing them.
// `$(< file)`, which reads the file in both shells, is not such a statement;
// a `zsh -c '< f'` inside the script is.
func ZshRunsProgram(script string) string {
	f, err := parseBash(script)
	if err != nil {
		return ""
	}
	found := ""
	shell.Walk(f, nil, func(n syntax.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.CmdSubst:
			if len(n.Stmts) == 1 && n.Stmts[0].Cmd == nil && len(n.Stmts[0].Redirs) == 1 && n.Stmts[0].Redirs[0].Op == syntax.RdrIn {
				return false // $(< file)
			}
		case *syntax.Stmt:
			if n.Cmd == nil && len(n.Redirs) > 0 {
				found = "`" + strings.TrimSpace(script[n.Pos().Offset():n.End().Offset()]) + "`"
			}
		}
		return true
	})
	if found != "" {
		return found
	}
	if s, err := shell.Parse(script, shell.Bash); err == nil {
		for _, c := range s.Commands {
			if len(c.Argv) == 0 && c.Dialect == shell.Zsh {
				return "a statement of zsh -c"
			}
		}
	}
	return ""
}

// GlobOptionReading returns script with each unquoted glob among a
// command's arguments followed by what it also names when the shell sets
// dotglob (zsh: GLOB_DOTS: a name's leading * or ? matches a leading dot)
// or nocaseglob (NO_CASE_GLOB: letters match in any case), and the first
// such word; "" when the script has no glob. Claude Code resets extglob
// (bash) and EXTENDED_GLOB (zsh) for its commands, not these; a login bash
// or zsh reads the user's start-up files, where they are set.
func GlobOptionReading(script string) (reading, word string) {
	return insertInGlobbed(script, func(w *syntax.Word, add func(variants ...string)) {
		dot, fold, glob := globVariants(w, script)
		if !glob {
			return
		}
		switch {
		case strings.Contains(dot, ".[!.]*."):
			// `*.env` is .env too, the * matching nothing.
			add(fold, dot, strings.ReplaceAll(dot, ".[!.]*.", "."))
		case dot != "":
			add(fold, dot)
		default:
			add(fold)
		}
	})
}

// insertInGlobbed is insertInCalls for the words the shells glob, whatever
// holds them: a command's arguments (not its options: --include=*.py names
// no file), the words of a for or select loop (`for f in *; do cat "$f";
// done` reads each match), and the target of an input redirection, which
// bash and zsh glob when it names one file (`cat < ?env`). pick calls add
// with the variants of a word: they follow it as more arguments or loop
// words, or as more input redirections.
func insertInGlobbed(script string, pick func(w *syntax.Word, add func(variants ...string))) (reading, first string) {
	f, err := parseBash(script)
	if err != nil {
		return "", ""
	}
	var edits []scriptEdit
	visit := func(w *syntax.Word, sep string) {
		pick(w, func(variants ...string) {
			end := int(w.End().Offset())
			var text strings.Builder
			for _, v := range variants {
				text.WriteString(sep + v)
			}
			edits = append(edits, scriptEdit{end, end, text.String()})
			if first == "" {
				first = "`" + script[w.Pos().Offset():end] + "`"
			}
		})
	}
	shell.Walk(f, nil, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			for _, w := range n.Args[min(1, len(n.Args)):] {
				if lit, ok := w.Parts[0].(*syntax.Lit); !ok || !strings.HasPrefix(lit.Value, "-") {
					visit(w, " ")
				}
			}
		case *syntax.WordIter:
			for _, w := range n.Items {
				visit(w, " ")
			}
		case *syntax.Redirect:
			if n.Op == syntax.RdrIn && n.Word != nil {
				visit(n.Word, " <")
			}
		}
		return true
	})
	if len(edits) == 0 {
		return "", ""
	}
	slices.SortStableFunc(edits, func(a, b scriptEdit) int { return a.from - b.from })
	return applyEdits(script, edits), first
}

// insertInCalls returns script with text inserted where pick asks, in each
// command of script that has an argument (pick calls add: text after node
// after, naming node shown), and the first node shown, quoted; "" for both
// when pick adds nothing or the script does not parse.
func insertInCalls(script string, pick func(call *syntax.CallExpr, add func(after, shown syntax.Node, text string))) (reading, first string) {
	f, err := parseBash(script)
	if err != nil {
		return "", ""
	}
	var edits []scriptEdit
	add := func(after, shown syntax.Node, text string) {
		end := int(after.End().Offset())
		edits = append(edits, scriptEdit{end, end, text})
		if first == "" {
			first = "`" + script[shown.Pos().Offset():shown.End().Offset()] + "`"
		}
	}
	shell.Walk(f, nil, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) >= 2 {
			pick(call, add)
		}
		return true
	})
	if len(edits) == 0 {
		return "", ""
	}
	return applyEdits(script, edits), first
}

// globVariants returns word w's dotglob reading (a leading * of a name as
// .[!.]*, or .* before a literal that is no dot, a leading ? or [...] as a
// dot; "" when no name starts with one)
// and its nocaseglob reading (each letter of a name that has a glob as
// [xX]; a name without one is looked up as written), and whether w has an
// unquoted glob at all. Quoted parts and expansions are kept as written.
func globVariants(w *syntax.Word, script string) (dot, fold string, glob bool) {
	var d, c, name, folded strings.Builder
	dotted, nameGlob, nameStart := false, false, true
	endName := func() {
		if nameGlob {
			c.WriteString(folded.String())
		} else {
			c.WriteString(name.String())
		}
		name.Reset()
		folded.Reset()
		nameGlob = false
	}
	both := func(s string) { name.WriteString(s); folded.WriteString(s) }
	for _, p := range w.Parts {
		src := script[p.Pos().Offset():p.End().Offset()]
		lit, ok := p.(*syntax.Lit)
		if !ok {
			d.WriteString(src)
			both(src)
			nameStart = false
			continue
		}
		v := lit.Value
		inClass := false
		for i := 0; i < len(v); i++ {
			ch := v[i]
			start := nameStart
			nameStart = ch == '/' && !inClass
			switch {
			case ch == '\\' && i+1 < len(v):
				d.WriteString(v[i : i+2])
				both(v[i : i+2])
				i++
				continue
			case ch == '/' && !inClass:
				d.WriteByte(ch)
				endName()
				c.WriteByte(ch)
				continue
			case inClass:
				inClass = ch != ']'
			case ch == '*' || ch == '?' || ch == '[':
				glob, nameGlob = true, true
				if start {
					dotted = true
					switch ch {
					case '*':
						// The * may match the dot alone (`*env` is .env):
						// `.*` when a literal that cannot match the empty
						// name or a dot follows, so that . and .. stay out.
						if i+1 < len(v) && !strings.ContainsRune(`*?[/.\`, rune(v[i+1])) {
							d.WriteString(".")
						} else {
							d.WriteString(".[!.]")
						}
					case '?':
						d.WriteByte('.')
						both(string(ch))
						continue
					case '[':
						d.WriteByte('.')
						for i+1 < len(v) && v[i] != ']' {
							both(string(v[i]))
							i++
						}
						both(string(v[i]))
						continue
					}
				}
				inClass = ch == '['
			case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
				d.WriteByte(ch)
				name.WriteByte(ch)
				folded.WriteString("[" + string(ch|0x20) + string(ch&^0x20) + "]")
				continue
			}
			d.WriteByte(ch)
			both(string(ch))
		}
	}
	endName()
	if !dotted {
		return "", c.String(), glob
	}
	return d.String(), c.String(), glob
}

// ZshGlobReading returns script as zsh with the EXTENDED_GLOB option (set
// by many users' start-up files, which Claude Code's shell reads) may read
// it, widened to a superset bash can judge, and the first word that
// changed; "" when no word does. Unquoted, bash reads these literally and
// zsh as patterns: `a~b` is a but not b (read as a), `^x` every name but x
// (read as *), `x#` and `x##` repeats of x (read as *). So `cat .env~x` is
// `cat .env` there, `cat .en^x` `cat .en*`, and `git show HEAD~1` stays
// `git show HEAD`. A leading ~ is the home directory in both.
func ZshGlobReading(script string) (reading, word string) {
	f, err := parseBash(script)
	if err != nil {
		return "", ""
	}
	var edits []scriptEdit
	shell.Walk(f, nil, func(n syntax.Node) bool {
		w, ok := n.(*syntax.Word)
		if !ok {
			return true
		}
		var b strings.Builder
		changed, cut := false, false
		for k, p := range w.Parts {
			src := script[p.Pos().Offset():p.End().Offset()]
			lit, ok := p.(*syntax.Lit)
			if !ok || cut {
				if !cut {
					b.WriteString(src)
				}
				continue
			}
			v := lit.Value
			for i := 0; i < len(v) && !cut; i++ {
				c := v[i]
				first := k == 0 && i == 0
				switch {
				case c == '\\' && i+1 < len(v):
					b.WriteString(v[i : i+2])
					i++
				case c == '~' && !first:
					cut, changed = true, true // a~b: a, at most
				case c == '^':
					// ^x up to the next /: every name there.
					b.WriteByte('*')
					for i+1 < len(v) && v[i+1] != '/' {
						i++
					}
					changed = true
				case c == '#' && !first:
					// x# or x##: any number of x.
					out := b.String()
					if len(out) > 0 {
						out = out[:len(out)-1]
					}
					b.Reset()
					b.WriteString(out + "*")
					for i+1 < len(v) && v[i+1] == '#' {
						i++
					}
					changed = true
				default:
					b.WriteByte(c)
				}
			}
		}
		if changed {
			edits = append(edits, scriptEdit{int(w.Pos().Offset()), int(w.End().Offset()), b.String()})
			if word == "" {
				word = "`" + script[w.Pos().Offset():w.End().Offset()] + "`"
			}
		}
		return true
	})
	if len(edits) == 0 {
		return "", ""
	}
	return applyEdits(script, edits), word
}

// scriptEdit replaces script[from:to] with text (an insertion when from
// equals to).
type scriptEdit struct {
	from, to int
	text     string
}

// applyEdits returns script with edits made, in order of from; an edit
// inside one already made (a word nested in an edited word) is skipped.
func applyEdits(script string, edits []scriptEdit) string {
	var out strings.Builder
	at := 0
	for _, e := range edits {
		if e.from < at {
			continue
		}
		out.WriteString(script[at:e.from])
		out.WriteString(e.text)
		at = e.to
	}
	out.WriteString(script[at:])
	return out.String()
}

// ZshParamReading returns script with each of zsh's flagged parameter
// expansions `$~name`, `$=name`, `$^name`, `$+name` and `$#name` (any mix of
// the flags, the first not #; unquoted, in double quotes or in a
// here-document) written as the
// plain expansion `$name` (`$+name`, 1 or 0 to zsh, as the unknown `${_}name`),
// and the first such word; "" when there is none.
// bash reads `$~_` as the text `$~_` (a `$` that starts no expansion); zsh,
// whatever its options, as the value of `_` (the last argument of the
// command before), with `~` globbing it: `echo .env >/dev/null; cat $~_` is
// a read of a file named `$~_` to bash and of .env to zsh, the agent's shell
// for zsh users of Claude Code and when a Codex model names it. Judged as
// `$_`, the value is unknown, as it is. A subscript `$name[...]` (text after
// the expansion to bash, a part of the value to zsh: `.e$PWD[99]nv` is .env)
// is read as `${_}` as well, and so is `$name:` and a history modifier
// (`.e$PWD:t:s/proj/nv/` is .env in a directory named proj), up to the end
// of the word or its double quotes; special parameters' too (`$$:h` is .,
// `$$[1]` a digit). Limits: a subscript holding spaces, quotes or
// expansions is left as bash reads it (its word holds an expansion then).
func ZshParamReading(script string) (reading, word string) {
	// A round's reading may hold what the next round reads (`$~x[1]` is
	// `$x[1]` after the first).
	for range 8 {
		next, w := zshParamRound(script)
		if next == "" {
			break
		}
		if word == "" {
			word = w
		}
		reading, script = next, next
	}
	return reading, word
}

func zshParamRound(script string) (reading, word string) {
	f, err := parseBash(script)
	if err != nil {
		return "", ""
	}
	var edits []scriptEdit
	var walk func(n syntax.Node) bool
	walk = func(n syntax.Node) bool {
		if r, ok := n.(*syntax.Redirect); ok && r.Hdoc != nil && r.Word != nil && (r.Word.Lit() == "" || strings.ContainsRune(r.Word.Lit(), '\\')) {
			// A quoted delimiter (<<'EOF'): the body is literal in both.
			shell.Walk(r.Word, nil, walk)
			return false
		}
		w, ok := n.(*syntax.Word)
		if !ok {
			return true
		}
		var found bool
		var quoted []*syntax.DblQuoted
		shell.Walk(w, nil, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.Word:
				return n == w // a nested word is the outer walk's
			case *syntax.DblQuoted:
				quoted = append(quoted, n)
			case *syntax.SglQuoted, *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp:
				return false // literal, or holding words the outer walk visits
			case *syntax.ParamExp:
				// $name[...]: a subscript in zsh (a character or a range of
				// the value, an element), text after $name in bash.
				end := int(n.End().Offset())
				if n.Short && n.Param != nil && zshParam(n.Param.Value) && end < len(script) && script[end] == '[' {
					if k := strings.IndexByte(script[end:], ']'); k > 0 && !strings.ContainsAny(script[end:end+k], " \t\n;|&<>()'\"`$\\") {
						edits = append(edits, scriptEdit{int(n.Pos().Offset()), end + k + 1, "${_}"})
						found = true
					}
				}
				// $name:h, $name:s/a/b/...: history modifiers in zsh, text
				// in bash. Read as an unknown value up to the word's (or the
				// double quotes') end.
				if n.Short && n.Param != nil && zshParam(n.Param.Value) && end+1 < len(script) && script[end] == ':' &&
					strings.IndexByte("aAcefFghlpPqQrsStuwWx&", script[end+1]) >= 0 {
					stop := int(w.End().Offset())
					for _, q := range quoted {
						if q.Pos().Offset() <= n.Pos().Offset() && n.End().Offset() <= q.End().Offset() {
							stop = int(q.End().Offset()) - 1
						}
					}
					edits = append(edits, scriptEdit{int(n.Pos().Offset()), stop, "${_}"})
					found = true
				}
			case *syntax.Lit:
				v, off := n.Value, int(n.Pos().Offset())
				for i := 0; i < len(v); i++ {
					switch {
					case v[i] == '\\':
						i++
					case v[i] == '$':
						// The parser splits `$~x` into the text `$` and `~x`:
						// read the flags and the name from the script.
						at := off + i + 1
						j := at
						for j < len(script) && strings.IndexByte("~=^+#", script[j]) >= 0 {
							j++
						}
						if j > at && script[at] != '#' && j < len(script) && zshParamStart(script[j]) && strings.IndexByte(script[at:j], '+') >= 0 {
							// $+name is 1 or 0 (name set or not), not the
							// value: a file named 1 is no judged name's
							// (`head $+HOME`, a link 1 -> .env). Read as
							// unknown.
							edits = append(edits, scriptEdit{at - 1, j, "${_}"})
							found = true
						} else if j > at && script[at] != '#' && j < len(script) && zshParamStart(script[j]) {
							edits = append(edits, scriptEdit{at, j, ""})
							found = true
						} else if k := at; k < len(script) && strings.IndexByte("~=^", script[k]) >= 0 {
							// Flags with no name after them ($~'x', $=/,
							// a$^): zsh expands them, $ and all, to
							// nothing, whatever follows.
							for k < len(script) && strings.IndexByte("~=^", script[k]) >= 0 {
								k++
							}
							if k == len(script) || !zshParamStart(script[k]) && script[k] != '+' && script[k] != '#' {
								edits = append(edits, scriptEdit{at - 1, k, ""})
								found = true
							}
						}
					}
				}
			}
			return true
		})
		if found && word == "" {
			word = "`" + script[w.Pos().Offset():w.End().Offset()] + "`"
		}
		return true
	}
	shell.Walk(f, nil, walk)
	if len(edits) == 0 {
		return "", ""
	}
	slices.SortFunc(edits, func(a, b scriptEdit) int { return a.from - b.from })
	return applyEdits(script, edits), word
}

// zshParamStart reports whether c may start the name of a parameter zsh
// expands after `$` and its flags.
func zshParamStart(c byte) bool {
	return c == '_' || c == '{' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("?!$*@-#", c) >= 0
}

// zshParam reports whether s names a parameter whose subscripts and
// modifiers zsh reads: a name, a positional parameter or a special one
// ($$ is a number to the judge, and `$$:h:s/./.env/` is .env to zsh).
func zshParam(s string) bool {
	return zshName(s) || len(s) == 1 && strings.IndexByte("$?!#*@-", s[0]) >= 0
}

// zshName reports whether s is a parameter name or a positional parameter.
func zshName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// ZshQuoteBraceReading returns script as zsh with RC_QUOTES and BRACE_CCL
// (options of a user's start-up files; Claude Code resets both for its
// commands, Codex's login zsh and shell snapshot keep them) reads it,
// written for bash, and the first word that changed; "" when none does.
// RC_QUOTES: two single-quoted strings side by side are one with a quote
// between (`'.e”nv'` is .e'nv; bash: .env). BRACE_CCL: a brace expression
// that is no list and no sequence is the list of its characters, with a-z
// a range (`.e{n}v` is .env; bash: the text .e{n}v). Limits: multibyte
// characters and braces holding quotes or expansions are left as bash
// reads them.
func ZshQuoteBraceReading(script string) (reading, word string) {
	return editWords(script, func(w *syntax.Word) (edits []scriptEdit) {
		for i, p := range w.Parts {
			switch p := p.(type) {
			case *syntax.SglQuoted:
				if next, ok := wordPart(w, i+1).(*syntax.SglQuoted); ok && !p.Dollar && !next.Dollar {
					end := int(p.End().Offset())
					edits = append(edits, scriptEdit{end, end, `\'`})
				}
			case *syntax.Lit:
				v, off := p.Value, int(p.Pos().Offset())
				for at := 0; at < len(v); at++ {
					if v[at] == '\\' {
						at++
						continue
					}
					if v[at] != '{' {
						continue
					}
					end := strings.IndexByte(v[at:], '}')
					if end < 0 {
						break
					}
					inner := v[at+1 : at+end]
					if list, ok := braceCharList(inner); ok {
						edits = append(edits, scriptEdit{off + at, off + at + end + 1, list})
					}
					at += end
				}
			}
		}
		return edits
	})
}

// editWords returns script with the edits pick makes in each word (a word
// nested in an edited one is left as it is), and the first word edited; ""
// for both when pick makes none or the script does not parse.
func editWords(script string, pick func(w *syntax.Word) []scriptEdit) (reading, word string) {
	return editNodes(script, func(n syntax.Node) []scriptEdit {
		if w, ok := n.(*syntax.Word); ok {
			return pick(w)
		}
		return nil
	})
}

// editNodes is editWords for any node of the script: the first node edited
// is returned as its text.
func editNodes(script string, pick func(n syntax.Node) []scriptEdit) (reading, word string) {
	f, err := parseBash(script)
	if err != nil {
		return "", ""
	}
	var edits []scriptEdit
	shell.Walk(f, nil, func(n syntax.Node) bool {
		if e := pick(n); len(e) > 0 {
			edits = append(edits, e...)
			if word == "" {
				word = "`" + script[n.Pos().Offset():n.End().Offset()] + "`"
			}
		}
		return true
	})
	if len(edits) == 0 {
		return "", ""
	}
	slices.SortStableFunc(edits, func(a, b scriptEdit) int { return a.from - b.from })
	return applyEdits(script, edits), word
}

// wordPart returns w's part i, nil past the end.
func wordPart(w *syntax.Word, i int) syntax.WordPart {
	if i < len(w.Parts) {
		return w.Parts[i]
	}
	return nil
}

// braceCharList returns the characters BRACE_CCL makes of a brace
// expression's inside as bash brace expansion ({a,b,c}; one character
// alone as itself), and whether it applies: not empty, no list (a comma),
// no sequence (..), only ASCII, no brace, quote, backslash or $.
func braceCharList(inner string) (string, bool) {
	if inner == "" || strings.Contains(inner, ",") || strings.Contains(inner, "..") ||
		strings.ContainsAny(inner, "{}'\"\\$`") {
		return "", false
	}
	var set [128]bool
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if c >= 128 {
			return "", false
		}
		if i+2 < len(inner) && inner[i+1] == '-' && inner[i+2] < 128 && inner[i+2] >= c {
			for x := c; x <= inner[i+2]; x++ {
				set[x] = true
			}
			i += 2
			continue
		}
		set[c] = true
	}
	var out []string
	for c := range set {
		if !set[c] {
			continue
		}
		// As it stands: zsh globs and tilde-expands the characters the
		// braces give (`{*}` is a glob), as bash does its list's.
		out = append(out, string(rune(c)))
	}
	if len(out) == 1 {
		return out[0], true
	}
	return "{" + strings.Join(out, ",") + "}", true
}

// DashReading returns script as dash, the /bin/sh a Codex model may name
// for exec_command, reads it, written for bash, and the first word or
// command that changed; "" when none does. The reading is bash text that
// bash reads as dash does:
//   - dash's bracket expression negates with [!...] only: its [^e] is the
//     set of ^ and e (`cat .[^e]nv` is .env to dash), written [\^e];
//   - dash has no brace expansion: `cat {x,y}` reads the file {x,y}, written
//     \{x,y};
//   - dash has no $'...' or $"...": `cat $'x'` reads the file $x, written
//     \$'x';
//   - dash has no &> or &>>: `ls &>/dev/null rm f` runs ls in the
//     background and then `>/dev/null rm f`, written `ls & >/dev/null rm f`
//     where words follow it (a background job: asked). Where none do the
//     effects are bash's (the file is opened, the command runs).
func DashReading(script string) (reading, word string) {
	return editNodes(script, func(n syntax.Node) (edits []scriptEdit) {
		switch n := n.(type) {
		case *syntax.Word:
			braces := braceExpands(n)
			for _, p := range n.Parts {
				switch p := p.(type) {
				case *syntax.SglQuoted:
					if p.Dollar {
						edits = append(edits, scriptEdit{int(p.Pos().Offset()), int(p.Pos().Offset()), `\`})
					}
				case *syntax.DblQuoted:
					if p.Dollar {
						edits = append(edits, scriptEdit{int(p.Pos().Offset()), int(p.Pos().Offset()), `\`})
					}
				case *syntax.Lit:
					v, off := p.Value, int(p.Pos().Offset())
					for at := 0; at < len(v); at++ {
						switch {
						case v[at] == '\\':
							at++
						case v[at] == '[' && at+1 < len(v) && v[at+1] == '^':
							edits = append(edits, scriptEdit{off + at + 1, off + at + 1, `\`})
							at++
						case v[at] == '{' && braces:
							edits = append(edits, scriptEdit{off + at, off + at, `\`})
						}
					}
				}
			}
		case *syntax.Stmt:
			call, ok := n.Cmd.(*syntax.CallExpr)
			if !ok || len(call.Args) == 0 {
				return nil
			}
			last := call.Args[len(call.Args)-1].End().Offset()
			for _, r := range n.Redirs {
				if (r.Op == syntax.RdrAll || r.Op == syntax.AppAll) && r.OpPos.Offset() < last {
					off := int(r.OpPos.Offset())
					edits = append(edits, scriptEdit{off + 1, off + 1, " "})
				}
			}
		}
		return edits
	})
}

// braceExpands reports whether bash may brace-expand w: an unquoted { and,
// after it, an unquoted , or .. (the word's literal parts joined).
func braceExpands(w *syntax.Word) bool {
	var b strings.Builder
	for _, p := range w.Parts {
		if lit, ok := p.(*syntax.Lit); ok {
			b.WriteString(lit.Value)
		} else {
			b.WriteByte(' ')
		}
	}
	_, after, ok := strings.Cut(b.String(), "{")
	return ok && (strings.Contains(after, ",") || strings.Contains(after, ".."))
}

// dashLacks are bash's builtins and keywords that dash, the /bin/sh a
// Codex model may name, does not have (bash's `compgen -b -k` less what
// dash's `command -V` knows): dash looks each up on PATH and runs the
// program found there, where bash runs its own.
var dashLacks = map[string]bool{
	"[[": true, "bind": true, "builtin": true, "caller": true, "compgen": true, "complete": true,
	"compopt": true, "coproc": true, "declare": true, "dirs": true, "disown": true, "enable": true,
	"fc": true, "function": true, "help": true, "history": true, "let": true, "logout": true,
	"mapfile": true, "popd": true, "pushd": true, "readarray": true, "select": true, "shopt": true,
	"source": true, "suspend": true, "typeset": true,
}

// DashLooksUp returns the names of script, read as bash, that bash runs as
// its builtin or keyword and dash as a program found on PATH (dashLacks):
// `[[ -f x ]]`, `pushd src`, `builtin echo`, also after dash's `command`
// and `exec`, which run a program by name (`command pushd src`). A program
// of such a name on PATH (a .venv/bin/[[ in the project) runs under dash
// unjudged; where there is none, dash runs nothing.
func DashLooksUp(script string) []string {
	f, err := parseBash(script)
	if err != nil {
		return nil
	}
	var names []string
	add := func(name string) {
		if dashLacks[name] && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	shell.Walk(f, nil, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.TestClause:
			add("[[")
		case *syntax.LetClause:
			add("let")
		case *syntax.CoprocClause:
			add("coproc")
		case *syntax.DeclClause:
			add(n.Variant.Value)
		case *syntax.FuncDecl:
			if n.RsrvWord {
				add("function")
			}
		case *syntax.ForClause:
			if n.Select {
				add("select")
			}
		case *syntax.CallExpr:
			add(dashProgramName(n.Args))
		}
		return true
	})
	return names
}

// ZshLooksUp returns the names of script, read as bash, that zsh looks up
// on PATH where bash may run its own builtin: the command after `command`,
// which in zsh runs an external command only (unless POSIX_BUILTINS is
// set): `command pushd src` and `command cd src` run a pushd or cd that
// PATH finds, or fail. `command -v` and `-V` only look the name up.
func ZshLooksUp(script string) []string {
	f, err := parseBash(script)
	if err != nil {
		return nil
	}
	var names []string
	shell.Walk(f, nil, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			if name := zshCommandName(call.Args); name != "" && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		return true
	})
	return names
}

// zshCommandName returns the word zsh's `command` runs as an external
// command, after the builtin words before it and command's own options
// (`builtin command pushd src`: pushd); "" when the words hold no such
// command or only look the name up (`command -v`).
func zshCommandName(args []*syntax.Word) string {
	i := 0
	for i < len(args) && args[i].Lit() == "builtin" {
		i++
	}
	if i >= len(args) || args[i].Lit() != "command" {
		return ""
	}
	for i++; i < len(args); i++ {
		switch name := args[i].Lit(); {
		case name == "--" || name == "-p":
			continue
		case strings.HasPrefix(name, "-") && name != "-":
			return "" // -v, -V: a look-up
		default:
			return name
		}
	}
	return ""
}

// dashProgramName returns the program dash runs for a command's words: the
// first, or after `command` or `exec` (and their options) the next one;
// "" when it is not a literal word or dash only looks it up (`command -v`).
func dashProgramName(args []*syntax.Word) string {
	for i, w := range args {
		name := w.Lit()
		if i > 0 && strings.HasPrefix(name, "-") && name != "-" {
			if name == "--" || strings.Trim(name[1:], "p") == "" {
				continue
			}
			return "" // command -v, -V: a look-up
		}
		if name != "command" && name != "exec" {
			return name
		}
	}
	return ""
}
