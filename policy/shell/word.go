package shell

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// word is one shell word after quote removal.
type word struct {
	text string
	// dyn lists why the word is not literal ("parameter expansion $X",
	// "glob *.py"), without the word's position.
	dyn []string
	// split: an unquoted expansion in it, which the shell splits into
	// fields and globs.
	split bool
	// braces are the words a brace expansion makes of it (as patterns when
	// it globs), nil when it has none or they are not known.
	braces []string
	// from is, for a word that is one unquoted command substitution of a
	// simple command or a pipeline ending in one (`$(git ls-files)`), 1 +
	// the index of that command (Command.SubstFrom); 0 otherwise.
	from int
}

func (w word) static() bool { return len(w.dyn) == 0 }

// expandsVariable reports whether w takes its text from a variable other
// than the home and working directories, which the judge knows.
func expandsVariable(w word) bool {
	for _, r := range w.dyn {
		name, ok := strings.CutPrefix(r, "parameter expansion ")
		if !ok {
			continue
		}
		switch strings.Trim(name, "${}") {
		case "HOME", "PWD", "OLDPWD":
			continue
		}
		return true
	}
	return false
}

// word removes quotes from wd and finds what in it is expanded at run time.
// Commands inside substitutions are walked at st.
func (w *walker) word(wd *syntax.Word, st dirState, c ctx) word {
	if wd == nil {
		return word{}
	}
	var b wordBuilder
	for i, part := range wd.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			b.unquoted(p.Value, c.d)
		case *syntax.SglQuoted:
			if p.Dollar {
				v, odd := ansiC(p.Value, c.d)
				b.quoted(v)
				if odd {
					b.dyn = appendUnique(b.dyn, "ANSI-C escape "+short(c.text(p)))
				}
			} else {
				b.quoted(p.Value)
			}
		case *syntax.DblQuoted:
			if p.Dollar {
				b.dyn = appendUnique(b.dyn, "locale translation "+short(c.text(p)))
			}
			if len(p.Parts) == 0 {
				b.quoted("") // "": a quoted part all the same (a tilde before it is text)
			}
			for j, q := range p.Parts {
				switch q := q.(type) {
				case *syntax.Lit:
					b.quoted(unescape(q.Value, "$`\"\\\n"))
				case *syntax.ParamExp:
					if v, ok := c.bound(q); ok && !(c.d == Zsh && q.Short && zshModified(p.Parts, j)) {
						if lineBound(v) {
							// "$f", a line of a source's output: LineWord,
							// its source in the reason.
							b.quoted(LineWord)
							b.dyn = appendUnique(b.dyn, lineReason(q.Param.Value, v))
							continue
						}
						if g, ok := strings.CutPrefix(v, globValue); ok {
							if len(wd.Parts) != 1 || len(p.Parts) != 1 {
								// Part of a word: the shell puts each
								// match's name there, quoted, and the word
								// around it may be a pattern of its own
								// (`*"$f"` over k* is *k.txt, which matched
								// tok.txt). The glob itself, as a pattern,
								// in that place names a superset of those
								// files (*k*); quoted, its * was a literal
								// * of the word's pattern (*k\*), which
								// named none of them.
								b.add(g, true)
								continue
							}
							// "$f" bound to a glob: the glob in its place.
							b.quoted(g)
							b.dyn = appendUnique(b.dyn, "glob "+short(g))
							continue
						}
						b.quoted(v) // "$f": one word, as is
						continue
					}
					w.expansion(&b, q, st, c)
				case *syntax.CmdSubst:
					if text, ok := catHeredoc(q); ok {
						// "$(cat <<'EOF' ... EOF)", the way agents write
						// commit messages: the text is known.
						w.substStmts(q, st, c)
						b.quoted(text)
						continue
					}
					w.expansion(&b, q, st, c)
				default:
					w.expansion(&b, q, st, c)
				}
			}
		case *syntax.ParamExp:
			// $f unquoted: split and globbed, so only a value with
			// neither stays one literal word.
			if v, ok := c.bound(p); ok && strings.HasPrefix(v, wordValue) {
				// $f, a word of $(SRC) in `for f in $(SRC)`: split and
				// globbed once already, the same word again (the judge
				// takes it only where SRC's words are plain names).
				b.quoted(LineWord)
				b.dyn = appendUnique(b.dyn, lineReason(p.Param.Value, v))
				break
			}
			if v, ok := c.bound(p); ok && !lineBound(v) && !strings.ContainsAny(v, " \t\n*?[") && v != "" && !(c.d == Zsh && p.Short && zshModified(wd.Parts, i)) {
				b.quoted(v)
				break
			}
			b.split = true
			w.expansion(&b, part, st, c)
		default:
			if _, ext := part.(*syntax.ExtGlob); !ext {
				b.split = true
			}
			w.expansion(&b, part, st, c)
		}
		if c.d == POSIX && i > 0 && dollarQuote(wd.Parts[i-1], part) {
			// $'...' is a literal $ and a quoted string in dash, but ANSI-C
			// quoting in bash running as sh and in POSIX.1-2024.
			b.dyn = appendUnique(b.dyn, "$'...' quoting differs between sh implementations")
		}
	}
	if c.d == POSIX || c.d == Zsh {
		// The parser splits `$[1]` into $ and [1]: the source is read.
		// zsh evaluates $[...] too, as arithmetic (judge-12 S6).
		if src := c.text(wd); dollarBefore(src, "[") {
			b.dyn = appendUnique(b.dyn, "arithmetic expansion $[...], which bash running as sh and zsh evaluate, in "+short(src))
		}
	}
	if c.d == Zsh {
		// zsh reads $~, $= and $^ as flags of the parameter after them;
		// with no name there they expand to nothing: `cat $~'notes.txt'`
		// reads notes.txt, where the parser reads a literal $~.
		if src := c.text(wd); dollarBefore(src, "~=^") {
			b.dyn = appendUnique(b.dyn, "zsh parameter flag ($~, $=, $^) in "+short(src))
		}
	}
	return b.finish(c.d)
}

// zshModified reports whether parts[i], an unbraced $NAME in zsh, is
// followed by a history modifier, which zsh applies to the value: `$f:h`
// is its directory, `$f:r` drops the extension, `$f:s/a/b/` substitutes
// (judge-12 S5). ${NAME}:h and bash leave `:h` as text.
func zshModified(parts []syntax.WordPart, i int) bool {
	if i+1 >= len(parts) {
		return false
	}
	lit, ok := parts[i+1].(*syntax.Lit)
	return ok && ZshModifier(lit.Value)
}

// ZshModifier reports whether rest, the text right after an unbraced
// $NAME, starts with a zsh history modifier (`:` and a letter or &).
func ZshModifier(rest string) bool {
	if len(rest) < 2 || rest[0] != ':' {
		return false
	}
	c := rest[1]
	return c == '&' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// globValue starts the value of a loop variable bound to a glob.
const globValue = "\x00glob:"

// globItem reports whether the for-loop word wd, x once walked, is an
// unquoted glob and nothing else, in bash or sh.
func globItem(wd *syntax.Word, x word, d Dialect) bool {
	if d == Zsh || len(x.dyn) != 1 || !strings.HasPrefix(x.dyn[0], "glob ") || strings.Contains(x.text, "\x00") {
		return false
	}
	for _, part := range wd.Parts {
		if _, ok := part.(*syntax.Lit); !ok {
			return false
		}
	}
	return true
}

// bound returns the value of a plain $NAME or ${NAME} bound by an
// enclosing literal for loop (globValue and the glob, for a glob).
func (c ctx) bound(p *syntax.ParamExp) (string, bool) {
	if c.vars == nil || p.Param == nil {
		return "", false
	}
	v, ok := c.vars[p.Param.Value]
	if t := c.text(p); !ok || t != "$"+p.Param.Value && t != "${"+p.Param.Value+"}" {
		return "", false
	}
	return v, true
}

// catHeredoc returns the output of a command substitution that only cats
// a here-document with a static body: `$(cat <<'EOF' ... EOF)`.
func catHeredoc(cs *syntax.CmdSubst) (string, bool) {
	if len(cs.Stmts) != 1 || cs.Backquotes {
		return "", false
	}
	s := cs.Stmts[0]
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || s.Negated || s.Background || s.Coprocess || s.Disown || len(s.Redirs) != 1 ||
		len(call.Assigns) != 0 || len(call.Args) != 1 || call.Args[0].Lit() != "cat" {
		return "", false
	}
	rd := s.Redirs[0]
	if rd.Op != syntax.Hdoc || rd.N != nil {
		return "", false
	}
	var body string
	if rd.Hdoc != nil {
		body = rd.Hdoc.Lit()
		if body == "" && len(rd.Hdoc.Parts) > 0 {
			return "", false // expansions (or a partly quoted delimiter)
		}
		if lit := rd.Word.Lit(); lit != "" && !strings.Contains(lit, `\`) {
			body = unescape(body, "$`\\\n") // an unquoted delimiter
		}
	}
	return strings.TrimRight(body, "\n"), true
}

// delimiterText returns a here-document's delimiter as the shells read it,
// for a word of plain or quoted literal text.
func delimiterText(wd *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range wd.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if strings.Contains(p.Value, `\`) {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			if p.Dollar && strings.Contains(p.Value, `\`) {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok || strings.Contains(lit.Value, `\`) {
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

// linePrefixed reports whether a line of text begins with prefix.
func linePrefixed(text, prefix string) bool {
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

// dollarBefore reports whether the source of a word holds a $ outside
// single quotes that no backslash escapes, followed by a byte of next
// (line continuations between them are joined, as the shells do). With
// "[": dash leaves `$[1]` as it is, bash running as sh (macOS, Fedora,
// Arch) reads it as the old form of $((1)): `sh -c 'cat $[1]'` read the
// file 1, a link to a secret, judged as `$[1]`.
func dollarBefore(src, next string) bool {
	double := false
	for i := 0; i+1 < len(src); i++ {
		switch c := src[i]; {
		case c == '\\':
			i++
		case c == '"':
			double = !double
		case c == '\'' && !double:
			j := strings.IndexByte(src[i+1:], '\'')
			if j < 0 {
				return false
			}
			i += j + 1
		case c == '$':
			j := i + 1
			for strings.HasPrefix(src[j:], "\\\n") {
				j += 2
			}
			if j < len(src) && strings.IndexByte(next, src[j]) >= 0 {
				return true
			}
		}
	}
	return false
}

// dollarQuote reports whether prev ends with an unquoted $ right before
// the quotes of part.
func dollarQuote(prev, part syntax.WordPart) bool {
	lit, ok := prev.(*syntax.Lit)
	if !ok || !strings.HasSuffix(lit.Value, "$") {
		return false
	}
	backslashes := len(lit.Value) - 1 - len(strings.TrimRight(lit.Value[:len(lit.Value)-1], `\`))
	if backslashes%2 == 1 {
		return false
	}
	switch part.(type) {
	case *syntax.SglQuoted, *syntax.DblQuoted:
		return true
	}
	return false
}

// expansion adds a part that is expanded at run time, walking the commands
// it contains.
func (w *walker) expansion(b *wordBuilder, part syntax.WordPart, st dirState, c ctx) {
	text := c.text(part)
	if len(text) > maxDynamicText {
		// Nested substitutions would otherwise copy the text of every
		// level into the word of the level above.
		text = text[:runeStart(text, maxDynamicText)] + "..."
	}
	switch p := part.(type) {
	case *syntax.ParamExp:
		b.dynamic("parameter expansion", text)
	case *syntax.CmdSubst:
		b.dynamic("command substitution", text)
	case *syntax.ArithmExp:
		w.unverified("arithmetic expansion")
		b.dynamic("arithmetic expansion", text)
	case *syntax.ProcSubst:
		b.dynamic("process substitution", text)
	case *syntax.ExtGlob:
		b.dynamic("extended glob", text)
	default:
		b.dynamic(strings.TrimPrefix(fmt.Sprintf("%T", p), "*syntax."), text)
	}
	w.nested(part, st, c)
}

// wordBuilder accumulates a word's text. active marks the bytes that came
// from unquoted, unescaped source text: only those can be glob, tilde or
// brace syntax.
type wordBuilder struct {
	text   []byte
	active []bool
	dyn    []string
	split  bool
	// empty holds the offsets of quoted parts that added no byte ('',
	// ""): quoting all the same, for a tilde-prefix.
	empty []int
}

func (b *wordBuilder) add(s string, active bool) {
	b.text = append(b.text, s...)
	for range len(s) {
		b.active = append(b.active, active)
	}
}

func (b *wordBuilder) quoted(s string) {
	if s == "" {
		b.empty = append(b.empty, len(b.text))
	}
	b.add(s, false)
}

// unquoted adds unquoted literal text: a backslash quotes the next byte and
// a backslash-newline is removed.
func (b *wordBuilder) unquoted(s string, d Dialect) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch != '\\' {
			b.add(s[i:i+1], true)
			continue
		}
		if i+1 == len(s) {
			// Only at the end of the script: bash drops it, dash keeps it.
			b.dyn = appendUnique(b.dyn, "backslash at the end of the script")
			if d == POSIX {
				b.add(`\`, false)
			}
			continue
		}
		i++
		if s[i] != '\n' {
			b.add(s[i:i+1], false)
		}
	}
}

func (b *wordBuilder) dynamic(kind, text string) {
	b.add(text, false)
	b.dyn = appendUnique(b.dyn, kind+" "+short(text))
}

// tildePrefixActive reports whether the tilde-prefix starting at s[i] (the
// bytes after the tilde up to the first unquoted slash, or colon when
// colon is set, or the end) is all unquoted: bash and dash leave a tilde
// whose prefix holds a quoted byte (`~'/x'`, `~""/x`, `~\/x`) as it is.
func tildePrefixActive(s string, active []bool, empty []int, i int, colon bool) bool {
	end := len(s)
	for j := i + 1; j < len(s); j++ {
		if !active[j] {
			return false
		}
		if s[j] == '/' || colon && s[j] == ':' {
			end = j
			break
		}
	}
	for _, e := range empty {
		if e >= i && e <= end {
			return false // '' or "" before the tilde (`''~`: no tilde starts the word) or inside the prefix
		}
	}
	return true
}

// finish looks for globs, tilde and brace expansion among the active bytes.
func (b *wordBuilder) finish(d Dialect) word {
	s := string(b.text)
	act := func(i int, ch byte) bool { return i >= 0 && i < len(s) && b.active[i] && s[i] == ch }
	var glob, tilde, brace, equals, sawBrace bool
	for i := range len(s) {
		if !b.active[i] {
			continue
		}
		switch s[i] {
		case '*', '?':
			glob = true
		case '[':
			if strings.IndexByte(s[i+1:], ']') >= 0 {
				glob = true
			}
		case '(', '<':
			// zsh: grouping, alternation, glob qualifiers, <1-10> ranges.
			if d == Zsh {
				glob = true
			}
		case '~':
			// At the start of a word, and after = or : as bash does for
			// words that look like assignments. bash and dash expand it
			// only when no byte of the tilde-prefix (up to the first
			// unquoted slash, or colon after = or :) is quoted: `cat
			// ~'/x'` reads ./~/x there (zsh expands it).
			if (i == 0 || act(i-1, '=') || act(i-1, ':')) && (d == Zsh || tildePrefixActive(s, b.active, b.empty, i, i > 0)) {
				tilde = true
			}
		case '{':
			// POSIX sh has no brace expansion, but bash running as sh
			// (macOS, Fedora, Arch) keeps it: `sh -c 'cat .e{n,}v'`
			// read .env there. Both readings are judged.
			if !sawBrace {
				sawBrace = true
				brace = braceExpansion(s, b.active, i)
			}
		case '=':
			// zsh: =cmd expands to the path of cmd.
			if d == Zsh && i == 0 && len(s) > 1 {
				equals = true
			}
		}
	}
	whole := span{s, b.active}
	var braces []string
	if brace && len(s) <= maxBraceWordLen && (d != Zsh || bracesNested(whole)) {
		if ws, ok := braceWords(whole, 0); ok {
			for _, w := range ws {
				if w.text == "" {
					braces = nil // bash drops an empty unquoted word
					break
				}
				if glob {
					braces = append(braces, w.pattern())
				} else {
					braces = append(braces, w.text)
				}
			}
		}
		if d == POSIX && braces != nil {
			// dash's word: the braces as they are
			if glob {
				braces = append(braces, whole.pattern())
			} else {
				braces = append(braces, s)
			}
		}
	}
	if glob {
		// Quoted pattern characters are escaped: the judge matches the
		// word as the pattern the shell sees.
		s = whole.pattern()
	}
	dyn := b.dyn
	if glob {
		dyn = appendUnique(dyn, "glob "+short(s))
	}
	if glob && d == POSIX && caretBracket(whole) {
		// dash reads [^a] as the set of ^ and a, bash (also as sh) as
		// "not a": `sh -c 'cat [^a]uth.json'` read auth.json in dash.
		dyn = appendUnique(dyn, "bracket [^ in a glob, which sh implementations read differently")
	}
	if tilde {
		dyn = appendUnique(dyn, "tilde "+short(s))
	}
	if brace {
		dyn = appendUnique(dyn, "brace expansion "+short(s))
	}
	if equals {
		dyn = appendUnique(dyn, "zsh =command expansion "+short(s))
	}
	return word{text: s, dyn: dyn, split: b.split, braces: braces}
}

// caretBracket reports whether w has an active [ followed by an active ^.
func caretBracket(w span) bool {
	for i := 0; i+1 < len(w.text); i++ {
		if w.active[i] && w.text[i] == '[' && w.active[i+1] && w.text[i+1] == '^' {
			return true
		}
	}
	return false
}

// braceExpansion reports whether the active '{' at i may start a brace
// expansion: a later active '}' with an active ',' or ".." between them.
// finish asks it of the first active '{' only: when a later '{' starts one,
// so does the first (the same separator and '}' follow it), and a question
// for every '{' was quadratic (a 1 MiB word of `{a}` took seconds).
func braceExpansion(s string, active []bool, i int) bool {
	sep := false
	for j := i + 1; j < len(s); j++ {
		if !active[j] {
			continue
		}
		switch s[j] {
		case ',':
			sep = true
		case '.':
			if j+1 < len(s) && active[j+1] && s[j+1] == '.' {
				sep = true
			}
		case '}':
			if sep {
				return true
			}
		}
	}
	return false
}

// unescape removes a backslash in front of any byte in special, as inside
// double quotes (special "$`\"\\\n") and unquoted here-documents
// ("$`\\\n"). A backslash-newline is removed entirely.
func unescape(s, special string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(special, s[i+1]) >= 0 {
			i++
			if s[i] != '\n' {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ansiC decodes the body of a bash or zsh $'...' string. The result stops
// at a NUL byte, as bash's does: an argument cannot hold one. odd reports
// an escape whose bytes the judge cannot know from the text: one bash
// decodes otherwise than a plain reading (bash 5.2 reads `\x{6e}` as n,
// versions differ on the rest up to `}`; `\c\\` is one control character,
// both backslashes consumed), or one the locale decodes at run time (`\u`
// and `\U` above U+007F: UTF-8 in a UTF-8 locale, the text `\u00E9` itself
// in the C locale, raw bytes for a surrogate). With `cat $'.e\x{6e}v'`
// judged as the harmless name `.e\x{6e}v`, bash printed .env.
//
// zsh decodes as print does, otherwise than bash in places (zsh 5.9): it
// drops the backslash of an escape it does not know (`\s` is s, where bash
// keeps `\s`), reads `\c` as c, `\C-x`, `\M-x` and `\x`, `\u`, `\U`
// without digits its own way, and keeps a NUL byte for its builtins. In zsh
// those are odd: `cat $'note\s.txt'` printed notes.txt.
func ansiC(s string, d Dialect) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, false
	}
	var b []byte
	odd := false
	zsh := d == Zsh
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		i++
		switch ch := s[i]; ch {
		case 'a':
			b = append(b, '\a')
		case 'b':
			b = append(b, '\b')
		case 'e', 'E':
			b = append(b, 0x1b)
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'v':
			b = append(b, '\v')
		case '\\', '\'', '"', '?':
			b = append(b, ch)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v, n := digits(s[i:], 3, 8)
			if zsh && (v == 0 || v > 0xff) {
				odd = true
			}
			b = append(b, byte(v))
			i += n - 1
		case 'x', 'u', 'U':
			if ch == 'x' && i+1 < len(s) && s[i+1] == '{' {
				odd = true
			}
			maxDigits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[ch]
			v, n := digits(s[i+1:], maxDigits, 16)
			if n == 0 || zsh && v == 0 {
				odd = odd || zsh
				b = append(b, '\\', ch)
				continue
			}
			i += n
			if ch == 'x' {
				b = append(b, byte(v))
			} else {
				if v > 0x7f {
					odd = true
				}
				b = utf8.AppendRune(b, rune(v))
			}
		case 'c':
			odd = odd || zsh
			if i+1 == len(s) {
				b = append(b, '\\', 'c')
				continue
			}
			i++
			if s[i] == '\\' {
				odd = true
			}
			if s[i] == '?' {
				b = append(b, 0x7f)
			} else {
				b = append(b, s[i]&0x1f)
			}
		default:
			odd = odd || zsh
			b = append(b, '\\', ch)
		}
	}
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b), odd
}

// digits reads up to max digits in base from the start of s.
func digits(s string, max, base int) (v uint32, n int) {
	for n < max && n < len(s) {
		var d int
		switch ch := s[n]; {
		case ch >= '0' && ch <= '9':
			d = int(ch - '0')
		case ch >= 'a' && ch <= 'f':
			d = int(ch-'a') + 10
		case ch >= 'A' && ch <= 'F':
			d = int(ch-'A') + 10
		default:
			return v, n
		}
		if d >= base {
			return v, n
		}
		v = v*uint32(base) + uint32(d)
		n++
	}
	return v, n
}

// maxDynamicText is how much of a dynamic part's source text a word keeps.
const maxDynamicText = 4096

// runeStart returns the largest i <= n where a UTF-8 sequence of s starts.
func runeStart(s string, n int) int {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// short shortens source text quoted in a reason.
func short(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// maxWordReasons bounds the reasons kept for one word: a word made of
// thousands of distinct expansions would otherwise cost quadratic time.
const maxWordReasons = 16

func appendUnique(list []string, s string) []string {
	if len(list) >= maxWordReasons {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
