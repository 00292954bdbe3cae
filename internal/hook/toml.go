package hook

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseTOMLTables reads the TOML document src and returns, in order, the
// tables of the array of tables named name ([[name]]), each key with its
// value: string, int64, float64, bool, []any or map[string]any. Keys of other
// tables are read and dropped. It reads the TOML that policy files are
// written in: comments, bare, quoted and dotted keys (a dotted key is kept
// whole, "a.b"), basic, literal and multi-line strings, integers, floats,
// booleans, arrays over several lines and inline tables. Dates are not
// supported. A syntax error names its line.
func parseTOMLTables(src []byte, name string) ([]map[string]any, error) {
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("not UTF-8")
	}
	p := &tomlParser{s: string(src), line: 1}
	var out []map[string]any
	var cur map[string]any // nil: a table whose keys are dropped
	for {
		p.skipSpace(true)
		if p.eof() {
			return out, nil
		}
		switch {
		case strings.HasPrefix(p.rest(), "[["):
			p.i += 2
			key, err := p.key("]]")
			if err != nil {
				return nil, err
			}
			cur = nil
			if key == name {
				cur = map[string]any{}
				out = append(out, cur)
			}
		case p.peek() == '[':
			p.i++
			if _, err := p.key("]"); err != nil {
				return nil, err
			}
			cur = nil
		default:
			key, err := p.key("=")
			if err != nil {
				return nil, err
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if cur != nil {
				if _, dup := cur[key]; dup {
					return nil, p.errorf("duplicate key %q", key)
				}
				cur[key] = v
			}
		}
		p.skipSpace(false)
		if !p.eof() && p.peek() != '\n' {
			return nil, p.errorf("unexpected %q after a value", p.peek())
		}
	}
}

type tomlParser struct {
	s    string
	i    int
	line int
}

func (p *tomlParser) eof() bool    { return p.i >= len(p.s) }
func (p *tomlParser) peek() byte   { return p.s[p.i] }
func (p *tomlParser) rest() string { return p.s[p.i:] }

func (p *tomlParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.line, fmt.Sprintf(format, args...))
}

// skipSpace skips blanks and comments, and newlines when lines is set.
func (p *tomlParser) skipSpace(lines bool) {
	for !p.eof() {
		switch c := p.peek(); {
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.i++
			}
		case c == '\n' && lines:
			p.i++
			p.line++
		default:
			return
		}
	}
}

// key reads a key (bare, quoted or dotted) and the terminator end after it.
func (p *tomlParser) key(end string) (string, error) {
	var parts []string
	for {
		p.skipSpace(false)
		if p.eof() {
			return "", p.errorf("unexpected end of file in a key")
		}
		switch c := p.peek(); {
		case c == '"' || c == '\'':
			s, err := p.str()
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		default:
			j := p.i
			for j < len(p.s) && (isBareKey(p.s[j])) {
				j++
			}
			if j == p.i {
				return "", p.errorf("unexpected %q in a key", c)
			}
			parts = append(parts, p.s[p.i:j])
			p.i = j
		}
		p.skipSpace(false)
		if strings.HasPrefix(p.rest(), end) {
			p.i += len(end)
			return strings.Join(parts, "."), nil
		}
		if p.eof() || p.peek() != '.' {
			return "", p.errorf("want %q after key %q", end, strings.Join(parts, "."))
		}
		p.i++
	}
}

func isBareKey(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *tomlParser) value() (any, error) {
	p.skipSpace(false)
	if p.eof() {
		return nil, p.errorf("missing value")
	}
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		return p.str()
	case c == '[':
		p.i++
		var arr []any
		for {
			p.skipSpace(true)
			if p.eof() {
				return nil, p.errorf("unterminated array")
			}
			if p.peek() == ']' {
				p.i++
				return arr, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
			p.skipSpace(true)
			if !p.eof() && p.peek() == ',' {
				p.i++
			} else if p.eof() || p.peek() != ']' {
				return nil, p.errorf("want , or ] in an array")
			}
		}
	case c == '{':
		p.i++
		tbl := map[string]any{}
		p.skipSpace(false)
		if !p.eof() && p.peek() == '}' {
			p.i++
			return tbl, nil
		}
		for {
			k, err := p.key("=")
			if err != nil {
				return nil, err
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			tbl[k] = v
			p.skipSpace(false)
			if p.eof() {
				return nil, p.errorf("unterminated inline table")
			}
			switch p.peek() {
			case ',':
				p.i++
			case '}':
				p.i++
				return tbl, nil
			default:
				return nil, p.errorf("want , or } in an inline table")
			}
		}
	}
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(" \t\r\n,]}#", rune(p.s[j])) {
		j++
	}
	word := p.s[p.i:j]
	p.i = j
	switch word {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	clean := strings.ReplaceAll(word, "_", "")
	if n, err := strconv.ParseInt(clean, 0, 64); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(clean, 64); err == nil {
		return f, nil
	}
	return nil, p.errorf("cannot read value %q", word)
}

// str reads a basic or literal string, single- or multi-line.
func (p *tomlParser) str() (string, error) {
	q := p.peek()
	multi := strings.HasPrefix(p.rest(), strings.Repeat(string(q), 3))
	if multi {
		p.i += 3
		if strings.HasPrefix(p.rest(), "\n") {
			p.i++
			p.line++
		} else if strings.HasPrefix(p.rest(), "\r\n") {
			p.i += 2
			p.line++
		}
	} else {
		p.i++
	}
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errorf("unterminated string")
		}
		c := p.peek()
		switch {
		case c == q && (!multi || strings.HasPrefix(p.rest(), strings.Repeat(string(q), 3))):
			if multi {
				p.i += 3
				// Up to two more quotes belong to the string.
				for k := 0; k < 2 && !p.eof() && p.peek() == q; k++ {
					b.WriteByte(q)
					p.i++
				}
			} else {
				p.i++
			}
			return b.String(), nil
		case c == '\n':
			if !multi {
				return "", p.errorf("newline in a string")
			}
			p.line++
			b.WriteByte(c)
			p.i++
		case c == '\\' && q == '"':
			p.i++
			if p.eof() {
				return "", p.errorf("unterminated string")
			}
			e := p.peek()
			p.i++
			switch e {
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case 'e':
				b.WriteByte(0x1b)
			case '"', '\\':
				b.WriteByte(e)
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if p.i+n > len(p.s) {
					return "", p.errorf("short \\%c escape", e)
				}
				r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return "", p.errorf("bad \\%c escape", e)
				}
				b.WriteRune(rune(r))
				p.i += n
			case '\n', ' ', '\t', '\r':
				if !multi {
					return "", p.errorf("bad escape \\%c", e)
				}
				// A line-ending backslash trims the white space after it.
				p.i--
				for !p.eof() && strings.ContainsRune(" \t\r\n", rune(p.peek())) {
					if p.peek() == '\n' {
						p.line++
					}
					p.i++
				}
			default:
				return "", p.errorf("bad escape \\%c", e)
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}
