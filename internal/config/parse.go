package config

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"guard/policy/protect"
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

// file is config.toml as written. Pointers tell a key that is absent from
// one set to its zero value.
type file struct {
	Mode             *string  `toml:"mode"`
	WritableRoots    []string `toml:"writable_roots"`
	AllowNetwork     *bool    `toml:"allow_network"`
	AllowUnixSockets *bool    `toml:"allow_unix_sockets"`
	Policies         []string `toml:"policies"`
	AuditLog         *string  `toml:"audit_log"`
	Sandbox          *string  `toml:"sandbox"`
	Shell            *string  `toml:"shell"`
	Protect          *Protect `toml:"protect"`
}

// Protect is the [protect] table: additions to and removals from the
// built-in list of protected paths and secrets (package policy/protect).
// Patterns are that package's globs ("~/...", "/...", or a name at any
// depth).
type Protect struct {
	Protected      []string `toml:"protected"`        // more paths kept read-only inside the roots
	Unprotected    []string `toml:"unprotected"`      // built-in protected patterns to drop
	Secrets        []string `toml:"secrets"`          // more secret paths
	NotSecret      []string `toml:"not_secret"`       // built-in secret patterns to drop
	SecretEnv      []string `toml:"secret_env"`       // more secret variable name globs
	SecretEnvAllow []string `toml:"secret_env_allow"` // variable names kept all the same
}

// ErrRootIsSlash is "/" given as a writable root.
var ErrRootIsSlash = errors.New(`"/" as a writable root makes every path writable: the sandbox then keeps no protected path read-only and cannot stop mode and owner changes (strict full-auto refuses every command, auto-edit asks about every write); name the directories to write instead`)

// want says what each key takes, for type errors.
func want(s string) string {
	switch s {
	case "mode", "audit_log", "sandbox", "shell":
		return "a string"
	case "writable_roots", "policies":
		return "an array of strings"
	case "allow_network", "allow_unix_sockets":
		return "true or false"
	case "protect":
		return "a table"
	}
	return ""
}

// Parse parses data, the content of the configuration file path, with a
// TOML library, expanding "~" to home. Unknown keys, wrong types and bad
// values are errors with their line (*ParseError); a file with an error
// sets nothing. The result starts from Default().
func Parse(path string, data []byte, home string) (Config, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var f file
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Config{}, decodeError(path, err)
	}
	lines := keyLines(data)
	if err := exactKeys(path, lines); err != nil {
		return Config{}, err
	}
	c := Default()
	c.Path = path
	c.Set = map[string]bool{}
	errorf := func(key string, format string, args ...any) error {
		return &ParseError{Path: path, Line: lines[key], Msg: fmt.Sprintf(format, args...)}
	}
	var err error
	if f.Mode != nil {
		switch *f.Mode {
		case "suggest", "auto-edit", "full-auto":
			c.Mode = *f.Mode
		default:
			return Config{}, errorf("mode", "mode: unknown mode %q (want suggest, auto-edit or full-auto)", *f.Mode)
		}
	}
	if f.Sandbox != nil {
		switch *f.Sandbox {
		case "strict", "best-effort":
			c.Sandbox = *f.Sandbox
		default:
			return Config{}, errorf("sandbox", "sandbox: unknown value %q (want strict or best-effort)", *f.Sandbox)
		}
	}
	if f.Shell != nil {
		switch *f.Shell {
		case "sh", "bash":
			c.Shell = *f.Shell
		default:
			return Config{}, errorf("shell", "shell: unknown value %q (want sh or bash: what guard as $SHELL runs a script with)", *f.Shell)
		}
	}
	if f.AllowNetwork != nil {
		c.AllowNetwork = *f.AllowNetwork
	}
	if f.AllowUnixSockets != nil {
		c.AllowUnixSockets = *f.AllowUnixSockets
	}
	if f.AuditLog != nil && *f.AuditLog != "" { // "" is explicitly off
		if c.AuditLog, err = expand(*f.AuditLog, home); err != nil {
			return Config{}, errorf("audit_log", "audit_log: %s", err)
		}
	}
	for key, list := range map[string]struct {
		in  []string
		out *[]string
	}{"writable_roots": {f.WritableRoots, &c.WritableRoots}, "policies": {f.Policies, &c.Policies}} {
		if list.in == nil {
			continue
		}
		paths := make([]string, len(list.in))
		for i, s := range list.in {
			if paths[i], err = expand(s, home); err != nil {
				return Config{}, errorf(fmt.Sprintf("%s#%d", key, i), "%s: %s", key, err)
			}
			if key == "writable_roots" && paths[i] == "/" {
				return Config{}, errorf(fmt.Sprintf("%s#%d", key, i), "%s: %s", key, ErrRootIsSlash)
			}
		}
		*list.out = paths
	}
	if f.Protect != nil {
		p := *f.Protect
		for key, list := range map[string][]string{"protected": p.Protected, "unprotected": p.Unprotected,
			"secrets": p.Secrets, "not_secret": p.NotSecret, "secret_env": p.SecretEnv, "secret_env_allow": p.SecretEnvAllow} {
			for i, s := range list {
				if s == "" || strings.IndexByte(s, 0) >= 0 {
					return Config{}, errorf(fmt.Sprintf("protect.%s#%d", key, i), "protect.%s: empty pattern or NUL byte", key)
				}
				// Checked here, with its line: the lists are built only
				// when a command needs them, and a protected pattern that
				// did not compile was then dropped without a word.
				if err := protect.ValidPattern(s); err != nil {
					return Config{}, errorf(fmt.Sprintf("protect.%s#%d", key, i), "protect.%s: %s", key, err)
				}
			}
		}
		c.Protect = p
	}
	for key := range lines {
		if want(key) != "" {
			c.Set[key] = true
		}
	}
	return c, nil
}

// decodeError turns the library's error into a ParseError with a line and a
// message in guard's words.
func decodeError(path string, err error) error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &ParseError{Path: path, Line: 1, Msg: err.Error()}
	}
	line, _ := de.Position()
	key := strings.Join(de.Key(), ".")
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	switch {
	case msg == "unknown field":
		msg = fmt.Sprintf("unknown key %q", key)
	case msg == "missing table":
		msg = fmt.Sprintf("unknown table %q", key)
	case strings.HasPrefix(msg, "cannot decode TOML"):
		// "cannot decode TOML boolean into struct field ... of type string"
		got, _, _ := strings.Cut(strings.TrimPrefix(msg, "cannot decode TOML "), " ")
		if top, _, dotted := strings.Cut(key, "."); dotted && want(top) != "" && want(top) != "a table" {
			key, got = top, "table" // mode.x = ...
		}
		w := want(key)
		if w == "" {
			w = "an array of strings"
		}
		if got == "inline" {
			got = "inline table"
		}
		msg = fmt.Sprintf("%s: want %s, got a TOML %s", key, w, got)
	}
	return &ParseError{Path: path, Line: line, Msg: msg}
}

// keyLines maps each key ("mode", "protect.secrets") to the line it is set
// on, and each array element ("policies#2") to its own line. data has
// already decoded without error.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = joinKey(e.Key())
			lines[table] = lineOf(&p, e.Key())
		case unstable.KeyValue:
			key := joinKey(e.Key())
			if table != "" {
				key = table + "." + key
			}
			lines[key] = lineOf(&p, e.Key())
			if v := e.Value(); v.Kind == unstable.InlineTable {
				// protect = {secrets = [...]}: its keys, for knownKeys.
				it := v.Children()
				for it.Next() {
					if kv := it.Node(); kv.Kind == unstable.KeyValue {
						lines[key+"."+joinKey(kv.Key())] = lineOf(&p, kv.Key())
					}
				}
			}
			if v := e.Value(); v.Kind == unstable.Array {
				it := v.Children()
				for i := 0; it.Next(); i++ {
					if n := it.Node(); n.Raw.Length > 0 {
						lines[fmt.Sprintf("%s#%d", key, i)] = p.Shape(n.Raw).Start.Line
					} else {
						lines[fmt.Sprintf("%s#%d", key, i)] = lines[key]
					}
				}
			}
		}
	}
	return lines
}

// exactKeys returns a *ParseError for the first key (by line) that is not
// spelled as guard's keys are. TOML keys are case-sensitive, but the decoder
// matches a struct field whatever the case: `Mode = "suggest"` set the mode
// without counting as a mode written in the file (no ceiling), and a later
// `Mode` replaced an earlier `mode`.
func exactKeys(path string, lines map[string]int) error {
	known := map[string]bool{}
	for _, t := range []reflect.Type{reflect.TypeFor[file](), reflect.TypeFor[Protect]()} {
		prefix := ""
		if t == reflect.TypeFor[Protect]() {
			prefix = "protect."
		}
		for i := range t.NumField() {
			known[prefix+t.Field(i).Tag.Get("toml")] = true
		}
	}
	bad, at := "", 0
	for key, line := range lines {
		if strings.Contains(key, "#") || known[key] {
			continue
		}
		if bad == "" || line < at || line == at && key < bad {
			bad, at = key, line
		}
	}
	if bad == "" {
		return nil
	}
	what := "key"
	if want(strings.ToLower(bad)) == "a table" {
		what = "table"
	}
	msg := fmt.Sprintf("unknown %s %q", what, bad)
	if known[strings.ToLower(bad)] {
		msg += fmt.Sprintf(" (keys are lower case: %s)", strings.ToLower(bad))
	}
	return &ParseError{Path: path, Line: at, Msg: msg}
}

func joinKey(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

func lineOf(p *unstable.Parser, it unstable.Iterator) int {
	if it.Next() && it.Node().Raw.Length > 0 {
		return p.Shape(it.Node().Raw).Start.Line
	}
	return 0
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
