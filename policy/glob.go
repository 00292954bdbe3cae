package policy

import (
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Globs are expanded here the way the shells expand them, not the way Go's
// filepath.Match reads a pattern. The two differ in the bracket
// expression: bash (and zsh, find's -name, fnmatch, rg's and git's
// globs) negate with [!...] as well as [^...] (dash only with [!...]: its
// [^a] is the set of ^ and a, so the shell parser leaves an sh glob with
// [^ unknown), know the POSIX classes
// ([[:alpha:]]), read a ] right after [ or [! as a member and a [ with no
// closing ] as itself; filepath.Match reads [!.] as "! or .", fails on
// [[:alpha:]] and on [] or [a-], and a failed pattern matched nothing. So
// `cat .[!.]*` (bash: every dot file, .env among them) was judged as
// naming no file and ran. shellPattern rewrites a shell pattern into
// filepath.Match's syntax; what it cannot rewrite ([=a=], [.a.]) is
// reported, and callers treat it as not known.
//
// A name with a byte beyond ASCII is matched twice (redteam 18): the shells
// do not agree on what its characters are. bash in a UTF-8 locale matches
// characters (`?` matches é, and [![:alpha:]] matches €, which is no
// letter), bash in the C locale (a container with no LANG) and dash match
// bytes (`??` matches é, `?` does not). The judge took the UTF-8 reading
// only, with every character beyond ASCII a member of every class: `sh -c
// 'cat ??'`, and `bash -c 'cat [![:alpha:]]'`, read a link named é or €
// to a token while the judge saw no match. A glob now names what any of
// the readings matches (globPatterns): the UTF-8 one, in which a
// character beyond ASCII matches a class and its negation alike, and the
// bytes one (each byte one character, as in Latin-1), alike for classes.
// The word the shell passes when it matches nothing is judged besides.

// posixClass gives the members of the POSIX character classes as
// filepath.Match class items: the C locale's, and every character beyond
// ASCII for the classes a UTF-8 locale widens (bash's [[:alpha:]] matches
// é there). No / (a name holds none, and Glob splits the pattern on it).
func posixClass(name string) (string, bool) {
	switch name {
	case "alpha":
		return `a-zA-Z` + nonASCII, true
	case "digit":
		return `0-9`, true
	case "alnum":
		return `a-zA-Z0-9` + nonASCII, true
	case "upper":
		return `A-Z` + nonASCII, true
	case "lower":
		return `a-z` + nonASCII, true
	case "xdigit":
		return `0-9A-Fa-f`, true
	case "space":
		return " \t\n\r\v\f" + nonASCII, true
	case "blank":
		return " \t" + nonASCII, true
	case "punct":
		return `!-.:-@\[-` + "`" + `{-~` + nonASCII, true
	case "print":
		return ` -.0-~` + nonASCII, true
	case "graph":
		return `!-.0-~` + nonASCII, true
	case "cntrl":
		return "\x00-\x1f\x7f" + nonASCII, true
	case "word":
		return `a-zA-Z0-9_` + nonASCII, true
	}
	return "", false
}

// nonASCII is every character beyond ASCII, as a class item.
const nonASCII = "\u0080-\U0010FFFF"

// shellPattern rewrites a shell glob pattern into filepath.Match's syntax,
// and reports whether it could.
func shellPattern(p string) (string, bool) { return rewritePattern(p, false) }

// globPatterns rewrites a shell glob pattern into the two filepath.Match
// patterns a name is matched with (see the top of this file): chars, for
// the name as it is (UTF-8), and bytes, for the name as latin1 gives it.
// In both, a negated bracket expression with a class matches every
// character beyond ASCII (the locale decides whether it is in the class).
func globPatterns(p string) (chars, bytes string, ok bool) {
	if chars, ok = rewritePattern(p, true); !ok {
		return "", "", false
	}
	bytes, ok = rewritePattern(latin1(p), true)
	return chars, bytes, ok
}

// latin1 is s with each byte beyond ASCII made one character (U+0080 to
// U+00FF): a pattern or name so written is matched byte by byte, as dash
// and bash in the C locale match.
func latin1(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

// rewritePattern is shellPattern; with loose, a negated bracket
// expression's classes leave out the characters beyond ASCII, so that
// they match it.
func rewritePattern(p string, loose bool) (string, bool) {
	if !strings.Contains(p, "[") {
		return p, true
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '\\':
			b.WriteByte(c)
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
			}
			continue
		case '[':
		default:
			b.WriteByte(c)
			continue
		}
		class, end, ok := bracket(p, i, loose)
		if !ok {
			return "", false
		}
		if end < 0 {
			b.WriteString(`\[`) // no closing ]: the [ is itself
			continue
		}
		b.WriteString(class)
		i = end
	}
	return b.String(), true
}

// bracket reads the bracket expression that starts at p[i] ('['): it
// returns the filepath.Match class for it and the index of its closing ],
// or end -1 when there is none (the [ is then a plain character); ok is
// false for what cannot be rewritten. With loose, the classes of a negated
// expression hold no character beyond ASCII.
func bracket(p string, i int, loose bool) (class string, end int, ok bool) {
	j := i + 1
	neg := false
	if j < len(p) && (p[j] == '!' || p[j] == '^') {
		neg = true
		j++
	}
	var items []string // single characters (escaped) or ranges
	first := true
	for ; j < len(p); j++ {
		c := p[j]
		if c == ']' && !first {
			break
		}
		first = false
		if c == '/' {
			return "", -1, true // a bracket does not span a /: the [ is itself
		}
		if c == '[' && j+1 < len(p) && (p[j+1] == ':' || p[j+1] == '=' || p[j+1] == '.') {
			close := strings.Index(p[j+2:], string(p[j+1])+"]")
			if close < 0 {
				items = append(items, `\[`)
				continue
			}
			name := p[j+2 : j+2+close]
			if p[j+1] != ':' {
				return "", 0, false // an equivalence class or a collating symbol
			}
			members, known := posixClass(name)
			if !known {
				return "", 0, false
			}
			if neg && loose {
				members = strings.TrimSuffix(members, nonASCII)
			}
			items = append(items, members)
			j += 2 + close + 1
			continue
		}
		lit, n := member(p, j)
		j += n - 1
		// A range: lo-hi, unless the - is the last member.
		if j+2 < len(p) && p[j+1] == '-' && p[j+2] != ']' {
			if p[j+2] == '[' {
				return "", 0, false
			}
			hi, n := member(p, j+2)
			items = append(items, `\`+lit+`-\`+hi)
			j += 2 + n - 1
			continue
		}
		items = append(items, `\`+lit)
	}
	if j >= len(p) {
		return "", -1, true
	}
	if len(items) == 0 {
		return "", 0, false
	}
	out := "["
	if neg {
		out += "^"
	}
	return out + strings.Join(items, "") + "]", j, true
}

// member returns the character of a bracket expression at p[j] (a
// backslash quotes the next one) and how many bytes it takes.
func member(p string, j int) (string, int) {
	if p[j] == '\\' && j+1 < len(p) {
		_, n := utf8.DecodeRuneInString(p[j+1:])
		return p[j+1 : j+1+n], 1 + n
	}
	_, n := utf8.DecodeRuneInString(p[j:])
	return p[j : j+n], n
}

// globAbsolute is absolute for a glob word: a relative pattern is joined
// onto dir with dir's own pattern characters quoted.
func globAbsolute(pattern, dir string) string {
	if filepath.IsAbs(pattern) || pattern == "" {
		return absolute(pattern, dir)
	}
	var b strings.Builder
	for _, c := range dir {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String() + "/" + pattern
}

// shellGlob is filepath.Glob for a shell pattern, within the judgement's
// budget (boundedGlob); ok is false when the pattern cannot be read as the
// shell reads it or names more files than the budget.
func shellGlob(pattern string) (matches []string, ok bool) {
	chars, bytes, ok := globPatterns(pattern)
	if !ok {
		return nil, false
	}
	m, err := boundedGlobs(chars, bytes)
	return m, err == nil
}

// matchEither reports whether name matches chars, or latin1 of it matches
// bytes (the two readings of a pattern: globPatterns).
func matchEither(chars, bytes, name string) (bool, error) {
	ok, err := filepath.Match(chars, name)
	if err != nil || ok {
		return ok, err
	}
	if b := latin1(name); b != name {
		return filepath.Match(bytes, b)
	}
	return false, nil
}

// globMatches reports whether a glob names name as some shell reads it
// (shellGlob's matching); ok is false when the pattern cannot be read as
// the shell reads it.
func globMatches(pattern, name string) (matched, ok bool) {
	chars, bytes, ok := globPatterns(pattern)
	if !ok {
		return false, false
	}
	m, err := matchEither(chars, bytes, name)
	return m, err == nil
}

// shellMatch is filepath.Match for a shell pattern; ok is false when the
// pattern cannot be read as the shell reads it.
func shellMatch(pattern, name string) (matched, ok bool) {
	p, ok := shellPattern(pattern)
	if !ok {
		return false, false
	}
	m, err := filepath.Match(p, name)
	return m, err == nil
}
