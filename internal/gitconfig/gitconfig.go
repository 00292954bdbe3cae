// Package gitconfig reads git's config file syntax as git's own reader
// (config.c) does, so that what guard finds in a config file (a hooks
// path, an include, a command) is what git will use: a key on the line of
// its section header (`[core] hooksPath = .githooks`), a value continued
// with a backslash at the end of a line, quotes around part of a value
// (`".git"hooks`), a comment after a quoted value, the escapes \t, \n, \b,
// \\ and \", the older `[section.subsection]` form.
//
// Limits: it reads one file; includes are for the caller to follow. Where
// git refuses a file as malformed, Parse stops and reports it (git then
// refuses to run at all, so what came before is harmless either way).
package gitconfig

// Var is one variable of a config file.
type Var struct {
	Section    string // lower case
	Subsection string // as written, case kept; "" for none
	Key        string // lower case
	Value      string // as git reads it: unquoted, escapes applied, comments and trailing blanks dropped
	NoValue    bool   // a key alone on its line, without "=" (a boolean true)
	Line       int    // the line the key is on, from 1
}

// Parse calls fn with each variable of data in order, until fn returns
// false. ok is false when data is malformed where git's reader would refuse
// it (the variables before that point have been given).
func Parse(data []byte, fn func(Var) bool) (ok bool) {
	p := parser{data: data, line: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
	}
	var section, subsection string
	comment := false
	for {
		c := p.next()
		switch {
		case c == '\n':
			if p.eof {
				return true
			}
			comment = false
			continue
		case comment || isSpace(c):
			continue
		case c == '#' || c == ';':
			comment = true
			continue
		case c == '[':
			var ok bool
			if section, subsection, ok = p.sectionHeader(); !ok {
				return false
			}
			continue
		case !isAlpha(c):
			return false
		}
		if section == "" {
			return false // a variable before any section
		}
		v, ok := p.variable(c)
		if !ok {
			return false
		}
		v.Section, v.Subsection = section, subsection
		if !fn(v) {
			return true
		}
	}
}

type parser struct {
	data []byte
	pos  int
	line int
	eof  bool
}

// next is git's get_next_char: "\r\n" is "\n", and the end of the data a
// "\n" with eof set.
func (p *parser) next() byte {
	if p.pos >= len(p.data) {
		p.eof = true
		return '\n'
	}
	c := p.data[p.pos]
	p.pos++
	if c == '\r' && p.pos < len(p.data) && p.data[p.pos] == '\n' {
		c = '\n'
		p.pos++
	}
	if c == '\n' {
		p.line++
	}
	return c
}

// sectionHeader reads a header after its "[": `name]`, `name "sub"]` or
// the older `name.sub]` (a subsection in lower case).
func (p *parser) sectionHeader() (section, subsection string, ok bool) {
	var name []byte
	for {
		c := p.next()
		if p.eof {
			return "", "", false
		}
		switch {
		case c == ']':
			s := string(name)
			for i := 0; i < len(s); i++ {
				if s[i] == '.' {
					return s[:i], s[i+1:], s != "" && s[0] != '.'
				}
			}
			return s, "", s != ""
		case isSpace(c):
			sub, ok := p.subsection()
			return string(name), sub, ok && len(name) > 0
		case !isKeyChar(c) && c != '.':
			return "", "", false
		}
		name = append(name, lower(c))
	}
}

// subsection reads ` "sub"]` after a section name, blanks first.
func (p *parser) subsection() (string, bool) {
	c := p.next()
	for isSpace(c) && !p.eof {
		c = p.next()
	}
	if c != '"' {
		return "", false
	}
	var sub []byte
	for {
		c = p.next()
		if c == '\n' {
			return "", false
		}
		if c == '"' {
			break
		}
		if c == '\\' {
			if c = p.next(); c == '\n' {
				return "", false
			}
		}
		sub = append(sub, c)
	}
	return string(sub), p.next() == ']'
}

// variable reads a key starting with first, and its value.
func (p *parser) variable(first byte) (Var, bool) {
	v := Var{Line: p.line}
	key := []byte{lower(first)}
	c := p.next()
	for ; !p.eof && isKeyChar(c); c = p.next() {
		key = append(key, lower(c))
	}
	v.Key = string(key)
	for c == ' ' || c == '\t' {
		c = p.next()
	}
	if c == '\n' {
		v.NoValue = true
		return v, true
	}
	if c != '=' {
		return v, false
	}
	val, ok := p.value()
	v.Value = val
	return v, ok
}

// value is git's parse_value: leading blanks skipped, inner runs of blanks
// kept, trailing ones dropped, quotes toggled, escapes applied, a comment
// outside quotes ending the value, a backslash before the end of a line
// joining the next line.
func (p *parser) value() (string, bool) {
	var out []byte
	quote, comment, space := false, false, 0
	for {
		c := p.next()
		if c == '\n' {
			return string(out), !quote
		}
		if comment {
			continue
		}
		if isSpace(c) && !quote {
			if len(out) > 0 {
				space++
			}
			continue
		}
		if !quote && (c == ';' || c == '#') {
			comment = true
			continue
		}
		for ; space > 0; space-- {
			out = append(out, ' ')
		}
		switch c {
		case '\\':
			switch c = p.next(); c {
			case '\n':
				continue // the value goes on on the next line
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case '\\', '"':
			default:
				return "", false
			}
		case '"':
			quote = !quote
			continue
		}
		out = append(out, c)
	}
}

// isSpace is git's isspace (sane_ctype): blank, tab, newline, carriage return.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isKeyChar(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' || c == '-' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
