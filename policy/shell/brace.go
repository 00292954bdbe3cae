package shell

import "strings"

// Brace expansion and glob patterns are read from the word as the shell
// sees it, quotes still in place: a quoted { , } or * is text. The judge
// used to re-read the quote-removed word, so `cat {x,y}"{1,2}"` was judged
// as x1 x2 y1 y2 (bash reads `x{1,2}` and `y{1,2}`), `cat *\[x\]` as the
// bracket expression [x] (bash: the name `a[x]`), and bash's own matching
// of braces was not followed (`cat notes.{txt},md}` reads `notes.txt}` and
// `notes.md`): each read a name the judge never looked at, a link to a key.

// maxBraceWords bounds the words one brace expansion may make.
const maxBraceWords = 64

// maxBraceDepth bounds the nesting of brace expressions followed.
const maxBraceDepth = 8

// maxBraceWordLen bounds the words whose brace expansion is followed:
// braceWords looks for the close of each '{' in turn, which for a long
// word of braces that never close costs its length squared. Longer words
// are left to the judge as unknown.
const maxBraceWordLen = 4096

// span is part of a word: its bytes and which of them are active (unquoted,
// unescaped source text).
type span struct {
	text   string
	active []bool
}

func (s span) cut(i, j int) span { return span{s.text[i:j], s.active[i:j]} }

func (s span) join(t span) span {
	a := make([]bool, 0, len(s.active)+len(t.active))
	return span{s.text + t.text, append(append(a, s.active...), t.active...)}
}

// braceWords expands w's brace expressions as bash 5 does, quoted bytes
// being text: from each active {, bash looks for an active } at its own
// nesting level after an active , (or a `..` not right before the }); a }
// before such a separator is text. The parts between the level's commas
// are expanded in turn, then what follows the }. ok is false for what is
// not followed here: a sequence ({1..5}), a result that is empty (bash
// drops an empty unquoted word), more than maxBraceWords words or
// maxBraceDepth levels.
func braceWords(w span, depth int) ([]span, bool) {
	if depth > maxBraceDepth {
		return nil, false
	}
	for i := 0; i < len(w.text); i++ {
		if !w.active[i] || w.text[i] != '{' {
			continue
		}
		if i+1 < len(w.text) && w.active[i+1] && w.text[i+1] == '}' {
			// bash passes over a {} at the start of what it expands
			// (`{},b}` stays as it is), or after a blank, which a quoted
			// or escaped blank may be in the source: not followed.
			if i == 0 {
				continue
			}
			if !w.active[i-1] && strings.IndexByte(" \t\n", w.text[i-1]) >= 0 {
				return nil, false
			}
		}
		end, commas, seq := braceClose(w, i)
		if end < 0 {
			continue
		}
		if len(commas) == 0 {
			if seq {
				return nil, false
			}
			continue
		}
		pre := w.cut(0, i)
		post, ok := braceWords(w.cut(end+1, len(w.text)), depth+1)
		if !ok {
			return nil, false
		}
		var out []span
		start := i + 1
		for _, c := range append(commas, end) {
			parts, ok := braceWords(w.cut(start, c), depth+1)
			if !ok {
				return nil, false
			}
			for _, p := range parts {
				for _, q := range post {
					out = append(out, pre.join(p).join(q))
					if len(out) > maxBraceWords {
						return nil, false
					}
				}
			}
			start = c + 1
		}
		return out, true
	}
	return []span{w}, true
}

// bracesNested reports whether w's active braces nest: each { is closed by
// a later }, no } closes nothing, and no {} is empty. Only then does zsh
// expand a word's braces as bash does: `}{}a,{b,c}}.txt` is }}a.txt,
// }b.txt and }c.txt to bash, }{}a,b}.txt and }{}a,c}.txt to zsh.
func bracesNested(w span) bool {
	depth := 0
	for i := 0; i < len(w.text); i++ {
		if !w.active[i] {
			continue
		}
		switch w.text[i] {
		case '{':
			if i+1 < len(w.text) && w.active[i+1] && w.text[i+1] == '}' {
				return false
			}
			depth++
		case '}':
			if depth == 0 {
				return false
			}
			depth--
		}
	}
	return depth == 0
}

// braceClose finds the } that closes the brace expression opened at i:
// its index (-1 when there is none), the active commas at its level, and
// whether a `..` separator was seen.
func braceClose(w span, i int) (int, []int, bool) {
	level := 0
	var commas []int
	seq := false
	for j := i + 1; j < len(w.text); j++ {
		if !w.active[j] {
			continue
		}
		switch w.text[j] {
		case '{':
			level++
		case '}':
			switch {
			case level > 0:
				level--
			case len(commas) > 0 || seq:
				return j, commas, seq
			}
		case ',':
			if level == 0 {
				commas = append(commas, j)
			}
		case '.':
			if level == 0 && j+1 < len(w.text) && w.active[j+1] && w.text[j+1] == '.' &&
				!(j+2 < len(w.text) && w.active[j+2] && w.text[j+2] == '}') {
				seq = true
			}
		}
	}
	return -1, nil, false
}

// pattern returns w as a glob pattern: the quoted bytes that are pattern
// syntax escaped with a backslash, so that the judge matches them as
// themselves, as the shell does: * ? [ ] \, and ! ^ - for a bracket
// expression, where a quoted one negates nothing and makes no range
// (`.[\^e]nv` and `.['!'e]nv` are the set of it and e, naming .env; `x[a'-'z]y`
// names x-y).
func (w span) pattern() string {
	if !strings.ContainsAny(w.text, patternBytes) {
		return w.text
	}
	var b strings.Builder
	for i := 0; i < len(w.text); i++ {
		if !w.active[i] && strings.IndexByte(patternBytes, w.text[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(w.text[i])
	}
	return b.String()
}

// patternBytes are the bytes that are glob syntax, where pattern escapes
// them when quoted.
const patternBytes = `*?[]\!^-`
