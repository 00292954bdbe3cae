package config

import (
	"slices"

	"guard/policy/protect"

	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is an error in a configuration file, at a line (counted from 1).
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

var bom = []byte("\ufeff")

type kind int

const (
	kindString kind = iota
	kindBool
	kindStrings
)

// keys are the configuration keys and the type of their values.
var keys = map[string]kind{
	"mode":               kindString,
	"writable_roots":     kindStrings,
	"allow_network":      kindBool,
	"allow_unix_sockets": kindBool,
	"policies":           kindStrings,
	"audit_log":          kindString,
	"sandbox":            kindString,
	"protected":          kindStrings,
	"unprotected":        kindStrings,
	"secrets":            kindStrings,
	"not_secret":         kindStrings,
	"secret_env":         kindStrings,
	"secret_env_allow":   kindStrings,
}

// Parse parses data, the content of the configuration file path, expanding
// "~" to home. The result starts from Default(). Errors are *ParseError.
func Parse(path string, data []byte, home string) (Config, error) {
	p := parser{path: path, data: data, line: 1}
	c := Default()
	c.Path = path
	c.Set = make(map[string]bool, len(keys))
	if err := p.parse(&c, home); err != nil {
		return Config{}, err
	}
	return c, nil
}

type parser struct {
	path string
	data []byte
	pos  int
	line int
}

// value is one parsed TOML value.
type value struct {
	kind  kind
	str   string
	b     bool
	strs  []string
	lines []int // line of each element of strs
}

func (p *parser) errorf(line int, format string, args ...any) *ParseError {
	return &ParseError{Path: p.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parse(c *Config, home string) error {
	if !utf8.Valid(p.data) {
		line := 1
		for i := 0; i < len(p.data); {
			r, n := utf8.DecodeRune(p.data[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			if r == '\n' {
				line++
			}
			i += n
		}
		return p.errorf(line, "invalid UTF-8")
	}
	if bytes.HasPrefix(p.data, bom) {
		p.pos = len(bom)
	}
	seen := make(map[string]int, len(keys))
	for {
		p.skipBlank()
		if p.pos >= len(p.data) {
			return nil
		}
		switch c := p.data[p.pos]; {
		case c == '\n' || c == '\r':
			if err := p.newline(); err != nil {
				return err
			}
			continue
		case c == '#':
			if err := p.comment(); err != nil {
				return err
			}
			continue
		case c == '[':
			if p.pos+1 < len(p.data) && p.data[p.pos+1] == '[' {
				return p.errorf(p.line, "arrays of tables are not supported")
			}
			return p.errorf(p.line, "tables are not supported")
		case c == '"' || c == '\'':
			return p.errorf(p.line, "quoted keys are not supported")
		case !isBare(c):
			return p.errorf(p.line, "unexpected %s, want a key", quoteByte(p.data[p.pos:]))
		}
		line := p.line
		start := p.pos
		for p.pos < len(p.data) && isBare(p.data[p.pos]) {
			p.pos++
		}
		key := string(p.data[start:p.pos])
		k, ok := keys[key]
		if !ok {
			return p.errorf(line, "unknown key %q", key)
		}
		if first, dup := seen[key]; dup {
			return p.errorf(line, "duplicate key %q (first set on line %d)", key, first)
		}
		seen[key] = line
		p.skipBlank()
		if p.pos < len(p.data) && p.data[p.pos] == '.' {
			return p.errorf(line, "dotted keys are not supported")
		}
		if p.pos >= len(p.data) || p.data[p.pos] != '=' {
			return p.errorf(line, "missing = after key %q", key)
		}
		p.pos++
		p.skipBlank()
		v, err := p.value()
		if err != nil {
			return err
		}
		if v.kind != k {
			return p.errorf(line, "%s: want %s, got %s", key, k, v.kind)
		}
		if err := p.endOfLine(); err != nil {
			return err
		}
		if err := p.set(c, key, v, line, home); err != nil {
			return err
		}
	}
}

func (k kind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindBool:
		return "true or false"
	default:
		return "an array of strings"
	}
}

// set stores v under key in c, checking it.
func (p *parser) set(c *Config, key string, v value, line int, home string) error {
	c.Set[key] = true
	var err error
	switch key {
	case "mode":
		switch v.str {
		case "suggest", "auto-edit", "full-auto":
			c.Mode = v.str
		default:
			return p.errorf(line, "mode: unknown mode %q (want suggest, auto-edit or full-auto)", v.str)
		}
	case "sandbox":
		switch v.str {
		case "strict", "best-effort":
			c.Sandbox = v.str
		default:
			return p.errorf(line, "sandbox: unknown value %q (want strict or best-effort)", v.str)
		}
	case "allow_network":
		c.AllowNetwork = v.b
	case "allow_unix_sockets":
		c.AllowUnixSockets = v.b
	case "audit_log":
		if v.str == "" { // explicitly off
			c.AuditLog = ""
			return nil
		}
		if c.AuditLog, err = expand(v.str, home); err != nil {
			return p.errorf(line, "audit_log: %s", err)
		}
	case "writable_roots", "policies":
		paths := make([]string, len(v.strs))
		for i, s := range v.strs {
			if paths[i], err = expand(s, home); err != nil {
				return p.errorf(v.lines[i], "%s: %s", key, err)
			}
		}
		if key == "policies" {
			c.Policies = paths
		} else {
			c.WritableRoots = paths
		}
	case "protected", "unprotected", "secrets", "not_secret", "secret_env", "secret_env_allow":
		// Patterns, kept as written ("~/" is package protect's to expand).
		pats := slices.Clone(v.strs)
		a := &c.Protect
		*map[string]*[]string{"protected": &a.Protected, "unprotected": &a.Unprotected, "secrets": &a.Secrets,
			"not_secret": &a.NotSecret, "secret_env": &a.SecretEnv, "secret_env_allow": &a.SecretEnvAllow}[key] = pats
		for i, s := range pats {
			var one protect.Adjust
			if key == "secret_env" || key == "secret_env_allow" {
				one.SecretEnv = []string{s}
			} else {
				one.Secrets = []string{s}
			}
			if err := protect.Default().Apply(one); err != nil {
				return p.errorf(v.lines[i], "%s: %s", key, err)
			}
		}
	}
	return nil
}

// expand makes s an absolute clean path, expanding a leading "~".
func expand(s, home string) (string, error) {
	switch {
	case s == "":
		return "", fmt.Errorf("empty path")
	case strings.IndexByte(s, 0) >= 0:
		return "", fmt.Errorf("path %q contains a NUL byte", s)
	case s == "~" || strings.HasPrefix(s, "~/"):
		if home == "" {
			return "", fmt.Errorf("cannot expand %q: HOME is not set", s)
		}
		if !filepath.IsAbs(home) {
			return "", fmt.Errorf("cannot expand %q: HOME %q is not absolute", s, home)
		}
		return filepath.Join(home, s[1:]), nil
	case s[0] == '~':
		return "", fmt.Errorf("cannot expand %q: only ~ and ~/ are supported", s)
	case !filepath.IsAbs(s):
		return "", fmt.Errorf("relative path %q (want an absolute path or ~/...)", s)
	}
	return filepath.Clean(s), nil
}

func isBare(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// quoteByte describes the character at the start of b for an error message.
func quoteByte(b []byte) string {
	r, _ := utf8.DecodeRune(b)
	return strconv.QuoteRune(r)
}

// skipBlank skips spaces and tabs.
func (p *parser) skipBlank() {
	for p.pos < len(p.data) && (p.data[p.pos] == ' ' || p.data[p.pos] == '\t') {
		p.pos++
	}
}

// newline consumes "\n" or "\r\n".
func (p *parser) newline() error {
	if p.data[p.pos] == '\r' {
		if p.pos+1 >= len(p.data) || p.data[p.pos+1] != '\n' {
			return p.errorf(p.line, "carriage return not followed by newline")
		}
		p.pos++
	}
	p.pos++
	p.line++
	return nil
}

// comment consumes a comment up to, not including, the end of the line.
func (p *parser) comment() error {
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '\n' || c == '\r' {
			return nil
		}
		if isControl(c) {
			return p.errorf(p.line, "control character %s in comment", quoteByte(p.data[p.pos:]))
		}
		p.pos++
	}
	return nil
}

// endOfLine consumes what may follow a value: blanks, a comment, the newline.
func (p *parser) endOfLine() error {
	p.skipBlank()
	if p.pos >= len(p.data) {
		return nil
	}
	switch p.data[p.pos] {
	case '#':
		if err := p.comment(); err != nil {
			return err
		}
		if p.pos >= len(p.data) {
			return nil
		}
		return p.newline()
	case '\n', '\r':
		return p.newline()
	}
	return p.errorf(p.line, "unexpected %s after value", quoteByte(p.data[p.pos:]))
}

func isControl(c byte) bool {
	return c < 0x20 && c != '\t' || c == 0x7f
}

// value parses a value at p.pos.
func (p *parser) value() (value, error) {
	if p.pos >= len(p.data) {
		return value{}, p.errorf(p.line, "missing value")
	}
	switch c := p.data[p.pos]; c {
	case '"', '\'':
		s, err := p.str()
		return value{kind: kindString, str: s}, err
	case '[':
		return p.array()
	case '{':
		return value{}, p.errorf(p.line, "inline tables are not supported")
	case '\n', '\r', '#':
		return value{}, p.errorf(p.line, "missing value")
	}
	start := p.pos
	for p.pos < len(p.data) && !strings.ContainsRune(" \t\r\n#,]", rune(p.data[p.pos])) {
		p.pos++
	}
	if p.pos == start {
		return value{}, p.errorf(p.line, "unexpected %s, want a value", quoteByte(p.data[p.pos:]))
	}
	switch word := string(p.data[start:p.pos]); word {
	case "true":
		return value{kind: kindBool, b: true}, nil
	case "false":
		return value{kind: kindBool, b: false}, nil
	default:
		if len(word) > 40 {
			word = word[:40] + "..."
		}
		return value{}, p.errorf(p.line, "unsupported value %q (want a string, true, false or an array of strings)", word)
	}
}

// array parses an array of strings, which may span lines.
func (p *parser) array() (value, error) {
	open := p.line
	p.pos++ // [
	v := value{kind: kindStrings, strs: []string{}}
	for {
		if err := p.skipSpace(); err != nil {
			return value{}, err
		}
		if p.pos >= len(p.data) {
			return value{}, p.errorf(open, "unterminated array")
		}
		if p.data[p.pos] == ']' {
			p.pos++
			return v, nil
		}
		line := p.line
		e, err := p.value()
		if err != nil {
			return value{}, err
		}
		if e.kind != kindString {
			return value{}, p.errorf(line, "array elements must be strings, got %s", e.kind)
		}
		v.strs = append(v.strs, e.str)
		v.lines = append(v.lines, line)
		if err := p.skipSpace(); err != nil {
			return value{}, err
		}
		if p.pos >= len(p.data) {
			return value{}, p.errorf(open, "unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return v, nil
		default:
			return value{}, p.errorf(p.line, "unexpected %s in array, want , or ]", quoteByte(p.data[p.pos:]))
		}
	}
}

// skipSpace skips blanks, newlines and comments, as allowed inside arrays.
func (p *parser) skipSpace() error {
	for {
		p.skipBlank()
		if p.pos >= len(p.data) {
			return nil
		}
		switch p.data[p.pos] {
		case '\n', '\r':
			if err := p.newline(); err != nil {
				return err
			}
		case '#':
			if err := p.comment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// str parses a basic or literal string on one line.
func (p *parser) str() (string, error) {
	q := p.data[p.pos]
	if p.pos+2 < len(p.data) && p.data[p.pos+1] == q && p.data[p.pos+2] == q {
		return "", p.errorf(p.line, "multi-line strings are not supported")
	}
	p.pos++
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == q {
			s := string(p.data[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' && q == '"' {
			break
		}
		if isControl(c) {
			return "", p.badStringChar()
		}
		p.pos++
	}
	if p.pos >= len(p.data) {
		return "", p.errorf(p.line, "unterminated string")
	}
	b := append([]byte(nil), p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(b), nil
		case c == '\\':
			var err error
			if b, err = p.escape(b); err != nil {
				return "", err
			}
		case isControl(c):
			return "", p.badStringChar()
		default:
			b = append(b, c)
			p.pos++
		}
	}
	return "", p.errorf(p.line, "unterminated string")
}

func (p *parser) badStringChar() error {
	if c := p.data[p.pos]; c == '\n' || c == '\r' {
		return p.errorf(p.line, "unterminated string")
	}
	return p.errorf(p.line, "control character %s in string", quoteByte(p.data[p.pos:]))
}

// escape decodes the escape sequence at p.pos, appending it to b.
func (p *parser) escape(b []byte) ([]byte, error) {
	if p.pos+1 >= len(p.data) {
		return nil, p.errorf(p.line, "unterminated string")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case 'b':
		return append(b, '\b'), nil
	case 't':
		return append(b, '\t'), nil
	case 'n':
		return append(b, '\n'), nil
	case 'f':
		return append(b, '\f'), nil
	case 'r':
		return append(b, '\r'), nil
	case '"':
		return append(b, '"'), nil
	case '\\':
		return append(b, '\\'), nil
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if p.pos+n > len(p.data) {
			return nil, p.errorf(p.line, "short \\%c escape", c)
		}
		hex := string(p.data[p.pos : p.pos+n])
		u, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || strings.ContainsAny(hex, "+-_xX") {
			return nil, p.errorf(p.line, "invalid escape \\%c%s", c, hex)
		}
		if !utf8.ValidRune(rune(u)) {
			return nil, p.errorf(p.line, "escape \\%c%s is not a Unicode scalar value", c, hex)
		}
		p.pos += n
		return utf8.AppendRune(b, rune(u)), nil
	}
	p.pos-- // point at the offending character
	if c == '\n' || c == '\r' {
		return nil, p.errorf(p.line, "unterminated string")
	}
	r, _ := utf8.DecodeRune(p.data[p.pos:])
	return nil, p.errorf(p.line, "invalid escape \\%c", r)
}
