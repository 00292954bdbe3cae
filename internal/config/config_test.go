package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const home = "/home/u"

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name string
		src  string
		want Config // Path and Set are filled in by the test
		set  []string
	}{
		{name: "empty", src: "", want: Default()},
		{name: "comments only", src: "# hi\n\n   # there\n", want: Default()},
		{
			name: "all keys",
			src: `mode = "full-auto"            # comment
writable_roots = ["/srv/build", "~/scratch"]
allow_network = true
allow_unix_sockets = false
policies = ["~/guard/extra.policy"]
audit_log = "~/.local/state/guard/audit.jsonl"
sandbox = "best-effort"
`,
			want: Config{
				Mode:          "full-auto",
				WritableRoots: []string{"/srv/build", "/home/u/scratch"},
				AllowNetwork:  true,
				Policies:      []string{"/home/u/guard/extra.policy"},
				AuditLog:      "/home/u/.local/state/guard/audit.jsonl",
				Sandbox:       "best-effort",
			},
			set: []string{"mode", "writable_roots", "allow_network", "allow_unix_sockets", "policies", "audit_log", "sandbox"},
		},
		{
			name: "multi-line array with comments and trailing comma",
			src:  "writable_roots = [\n  \"/a\", # first\n\n  '/b/../c/',\n]\n",
			want: Config{Mode: "suggest", Sandbox: "strict", WritableRoots: []string{"/a", "/c"}},
			set:  []string{"writable_roots"},
		},
		{
			name: "empty array",
			src:  "policies = [ ]",
			want: Config{Mode: "suggest", Sandbox: "strict", Policies: []string{}},
			set:  []string{"policies"},
		},
		{
			name: "escapes",
			src:  `audit_log = "/a\"b\\c\td\u00e9\U0001F600"`,
			want: Config{Mode: "suggest", Sandbox: "strict", AuditLog: "/a\"b\\c\td\u00e9\U0001F600"},
			set:  []string{"audit_log"},
		},
		{
			name: "literal string keeps backslashes",
			src:  `audit_log = '/a\b\n'`,
			want: Config{Mode: "suggest", Sandbox: "strict", AuditLog: `/a\b\n`},
			set:  []string{"audit_log"},
		},
		{
			name: "empty audit_log is off",
			src:  `audit_log = ""`,
			want: Default(),
			set:  []string{"audit_log"},
		},
		{
			name: "tilde alone, CRLF, BOM, no final newline",
			src:  "\ufeffwritable_roots=[\"~\"]\r\nmode='auto-edit'",
			want: Config{Mode: "auto-edit", Sandbox: "strict", WritableRoots: []string{"/home/u"}},
			set:  []string{"writable_roots", "mode"},
		},
		{
			name: "tabs and hash inside strings",
			src:  "\tmode\t=\t\"suggest\"\t#\tc\npolicies = [\"/x#y\",'/z]']",
			want: Config{Mode: "suggest", Sandbox: "strict", Policies: []string{"/x#y", "/z]"}},
			set:  []string{"mode", "policies"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("config.toml", []byte(tt.src), home)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.src, err)
			}
			want := tt.want
			want.Path = "config.toml"
			want.Set = map[string]bool{}
			for _, k := range tt.set {
				want.Set[k] = true
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.src, got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		src  string
		home string
		want string
	}{
		{src: "mode = \"suggest\"\n\nmdoe = \"x\"", want: `config.toml:3: unknown key "mdoe"`},
		{src: "mode = 'suggest'\nmode = 'suggest'", want: `config.toml:2: key mode is already defined`},
		{src: "[guard]\nmode = 'suggest'", want: `config.toml:1: unknown table "guard"`},
		{src: "\n[[x]]", want: `config.toml:2: unknown table "x"`},
		{src: `"mode" = 'x'`, want: `config.toml:1: mode: unknown mode "x" (want suggest, auto-edit or full-auto)`},
		{src: `mode.x = 'x'`, want: `config.toml:1: mode: want a string, got a TOML table`},
		{src: `mode 'x'`, want: `config.toml:1: expected '=' after key`},
		{src: `mode`, want: `config.toml:1: expected '=' after key`},
		{src: `mode =`, want: `config.toml:1: expected value, not end of input`},
		{src: "mode = # no\n", want: `config.toml:1: unexpected character U+0023 '#' at start of value`},
		{src: `= 'x'`, want: `config.toml:1: invalid character at start of key: U+003D '='`},
		{src: "[protect]\nsecrets = ['a']\nsecret = ['b']", want: `config.toml:3: unknown key "protect.secret"`},
		{src: "[protect]\nsecrets = [\n'a',\n'']", want: `config.toml:4: protect.secrets: empty pattern or NUL byte`},
		{src: "mode = 'auto-edit'\n[protect]\nprotected = 'x'", want: `config.toml:3: protect.protected: want an array of strings, got a TOML string`},
		{src: `mode = "nope"`, want: `config.toml:1: mode: unknown mode "nope" (want suggest, auto-edit or full-auto)`},
		{src: `sandbox = "loose"`, want: `config.toml:1: sandbox: unknown value "loose" (want strict or best-effort)`},
		{src: `mode = true`, want: `config.toml:1: mode: want a string, got a TOML boolean`},
		{src: `allow_network = "yes"`, want: `config.toml:1: allow_network: want true or false, got a TOML string`},
		{src: `allow_network = 1`, want: `config.toml:1: allow_network: want true or false, got a TOML integer`},
		{src: `allow_network = True`, want: `config.toml:1: unexpected character U+0054 'T' at start of value`},
		{src: `policies = "/a"`, want: `config.toml:1: policies: want an array of strings, got a TOML string`},
		{src: `audit_log = ["/a"]`, want: `config.toml:1: audit_log: want a string, got a TOML array`},
		{src: "policies = [\n'/a',\ntrue]", want: `config.toml:3: policies: want an array of strings, got a TOML boolean`},
		{src: "policies = [['/a']]", want: `config.toml:1: policies: want an array of strings, got a TOML array`},
		{src: "policies = ['/a' '/b']", want: `config.toml:1: expected ',' or ']' after array value`},
		{src: "policies = [\n'/a',\n", want: `config.toml:2: array is incomplete`},
		{src: "policies = [,]", want: `config.toml:1: expected value but got U+002C ','`},
		{src: "mode = ]", want: `config.toml:1: unexpected character U+005D ']' at start of value`},
		{src: `mode = {a = 1}`, want: `config.toml:1: mode: want a string, got a TOML inline table`},
		{src: "mode = \"suggest\n\"", want: `config.toml:1: basic strings cannot have new lines`},
		{src: "\nmode = 'suggest", want: `config.toml:2: unterminated literal string`},
		{src: `mode = "sugg\"`, want: `config.toml:1: unterminated basic string`},
		{src: `audit_log = "/a\x"`, want: `config.toml:1: unicode escape sequence is too short`},
		{src: `audit_log = "/a\u12"`, want: `config.toml:1: unicode escape sequence is too short`},
		{src: `audit_log = "/a\u12xy"`, want: `config.toml:1: invalid hexadecimal digit in unicode escape sequence`},
		{src: `audit_log = "/a\ud800"`, want: `config.toml:1: escape sequence is not a valid unicode code point`},
		{src: `audit_log = "/a\UFFFFFFFF"`, want: `config.toml:1: escape sequence is not a valid unicode code point`},
		{src: `audit_log = "/a\u+123"`, want: `config.toml:1: invalid hexadecimal digit in unicode escape sequence`},
		{src: `audit_log = "/a\`, want: `config.toml:1: need a character after \`},
		{src: "audit_log = \"/a\x01\"", want: `config.toml:1: basic strings cannot have control characters`},
		{src: "audit_log = '/a\x7f'", want: `config.toml:1: literal strings cannot have control characters`},
		{src: "# a\x00\n", want: `config.toml:1: control characters are not allowed in comments`},
		{src: "mode = 'suggest'\r", want: `config.toml:1: expected newline but got U+000D`},
		{src: "mode = 'suggest' 'x'", want: `config.toml:1: expected newline but got U+0027 '''`},
		{src: "mode = 'suggest'  x", want: `config.toml:1: expected newline but got U+0078 'x'`},
		{src: "\n\nmode = '\xff'", want: `config.toml:3: invalid UTF-8 character in literal string`},
		{src: `audit_log = "audit.jsonl"`, want: `config.toml:1: audit_log: relative path "audit.jsonl" (want an absolute path or ~/...)`},
		{src: "writable_roots = [\n'/ok',\n'./build']", want: `config.toml:3: writable_roots: relative path "./build" (want an absolute path or ~/...)`},
		{src: `writable_roots = [""]`, want: `config.toml:1: writable_roots: empty path`},
		{src: `policies = ["~bob/x"]`, want: `config.toml:1: policies: cannot expand "~bob/x": only ~ and ~/ are supported`},
		{src: `policies = ["/a\u0000"]`, want: `config.toml:1: policies: path "/a\x00" contains a NUL byte`},
		{src: `policies = ["~/x"]`, home: "-", want: `config.toml:1: policies: cannot expand "~/x": HOME is not set`},
		{src: `policies = ["~/x"]`, home: "rel", want: `config.toml:1: policies: cannot expand "~/x": HOME "rel" is not absolute`},
	} {
		h := home
		switch tt.home {
		case "-":
			h = ""
		case "":
		default:
			h = tt.home
		}
		c, err := Parse("config.toml", []byte(tt.src), h)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want error %q", tt.src, c, tt.want)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error %T, want *ParseError", tt.src, err)
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error\n%s\nwant\n%s", tt.src, err, tt.want)
		}
	}
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestPath(t *testing.T) {
	for _, tt := range []struct {
		env      map[string]string
		want     string
		explicit bool
	}{
		{env: map[string]string{"GUARD_CONFIG": "rel.toml", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, want: "rel.toml", explicit: true},
		{env: map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, want: "/x/guard/config.toml"},
		{env: map[string]string{"XDG_CONFIG_HOME": "x", "HOME": "/h"}, want: "/h/.config/guard/config.toml"},
		{env: map[string]string{"HOME": "/h"}, want: "/h/.config/guard/config.toml"},
		{env: map[string]string{"HOME": "h"}, want: ""},
		{env: map[string]string{}, want: ""},
	} {
		got, explicit := Path(env(tt.env))
		if got != tt.want || explicit != tt.explicit {
			t.Errorf("Path(%v) = %q, %v, want %q, %v", tt.env, got, explicit, tt.want, tt.explicit)
		}
	}
	if got, want := UserPolicyPath(env(map[string]string{"HOME": "/h"})), "/h/.config/guard/user.policy"; got != want {
		t.Errorf("UserPolicyPath = %q, want %q", got, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "xdg")
	file := filepath.Join(xdg, "guard", "config.toml")

	// No file: defaults, and the audit log in the state directory.
	c, err := Load(env(map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": dir}))
	def := Default()
	def.AuditLog = filepath.Join(dir, ".local", "state", "guard", "audit.jsonl")
	if err != nil || !reflect.DeepEqual(c, def) {
		t.Fatalf("Load(no file) = %+v, %v, want defaults", c, err)
	}
	if c, _ := Load(env(map[string]string{"XDG_STATE_HOME": "/st", "XDG_CONFIG_HOME": xdg})); c.AuditLog != "/st/guard/audit.jsonl" {
		t.Errorf("Load with XDG_STATE_HOME: audit log %q, want /st/guard/audit.jsonl", c.AuditLog)
	}
	// XDG_CONFIG_HOME is a file: still no config.
	notDir := filepath.Join(dir, "notdir")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(env(map[string]string{"XDG_CONFIG_HOME": notDir})); err != nil || c.Path != "" {
		t.Errorf("Load(XDG_CONFIG_HOME is a file) = %+v, %v, want defaults", c, err)
	}
	// Explicit missing file: an error matching fs.ErrNotExist.
	_, err = Load(env(map[string]string{"GUARD_CONFIG": filepath.Join(dir, "missing.toml")}))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing GUARD_CONFIG) error = %v, want fs.ErrNotExist", err)
	}
	// The default file, ~ from HOME.
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("mode = \"auto-edit\"\npolicies = [\"~/p\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(env(map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": "/hh"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != file || c.Mode != "auto-edit" || !reflect.DeepEqual(c.Policies, []string{"/hh/p"}) || !c.Set["mode"] || c.Set["sandbox"] {
		t.Errorf("Load = %+v", c)
	}
	// audit_log = "" turns the log off.
	if err := os.WriteFile(file, []byte("audit_log = \"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(env(map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": "/hh"})); err != nil || c.AuditLog != "" {
		t.Errorf("Load(audit_log = \"\") = %q, %v, want the log off", c.AuditLog, err)
	}
	// Errors carry the full path.
	if err := os.WriteFile(file, []byte("\nmdoe = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(env(map[string]string{"XDG_CONFIG_HOME": xdg}))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != file || pe.Line != 2 {
		t.Errorf("Load(bad file) error = %v, want ParseError at %s:2", err, file)
	}
	// A directory, /dev/null and an oversized stream.
	if _, err := Load(env(map[string]string{"GUARD_CONFIG": dir})); err == nil {
		t.Errorf("Load(GUARD_CONFIG is a directory) succeeded")
	}
	if c, err := Load(env(map[string]string{"GUARD_CONFIG": os.DevNull})); err != nil || c.Mode != DefaultMode || c.Path != os.DevNull {
		t.Errorf("Load(GUARD_CONFIG=/dev/null) = %+v, %v", c, err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := Load(env(map[string]string{"GUARD_CONFIG": "/dev/zero"})); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Load(/dev/zero) error = %v, want not a regular file", err)
		}
	}
}

// FuzzParse checks that Parse never panics, is deterministic, reports errors
// as *ParseError at a line of the input, and returns only valid values.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"mode = \"full-auto\"\nwritable_roots = [\"/a\", '~/b',]\n",
		"allow_network = true # x\r\nsandbox = 'best-effort'",
		"audit_log = \"\\u00e9\\U0001F600\\t\"",
		"policies = [\n# c\n'/x'\n]",
		"[t]\nx = 1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.toml", data, "/h")
		c2, err2 := Parse("f.toml", data, "/h")
		if !reflect.DeepEqual(c, c2) || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("Parse not deterministic")
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *ParseError", err, err)
			}
			if lines := bytes.Count(data, []byte("\n")) + 1; pe.Line < 1 || pe.Line > lines {
				t.Fatalf("error line %d outside 1..%d", pe.Line, lines)
			}
			return
		}
		switch c.Mode {
		case "suggest", "auto-edit", "full-auto":
		default:
			t.Fatalf("mode %q", c.Mode)
		}
		if c.Sandbox != "strict" && c.Sandbox != "best-effort" {
			t.Fatalf("sandbox %q", c.Sandbox)
		}
		for _, p := range append(append([]string{c.AuditLog}, c.WritableRoots...), c.Policies...) {
			if p != "" && (!filepath.IsAbs(p) || filepath.Clean(p) != p) {
				t.Fatalf("path %q not absolute and clean", p)
			}
		}
	})
}

var sink Config

func BenchmarkLoadNoFile(b *testing.B) {
	getenv := env(map[string]string{"XDG_CONFIG_HOME": b.TempDir(), "HOME": "/h"})
	b.ReportAllocs()
	for b.Loop() {
		c, err := Load(getenv)
		if err != nil {
			b.Fatal(err)
		}
		sink = c
	}
}

const benchConfig = `# guard configuration
mode = "auto-edit"
writable_roots = ["/srv/build", "~/scratch"]
allow_network = false
allow_unix_sockets = false
policies = ["~/guard/extra.policy"]
audit_log = "~/.local/state/guard/audit.jsonl"
sandbox = "strict"
`

func BenchmarkLoadSmallFile(b *testing.B) {
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "guard"), 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "guard", "config.toml"), []byte(benchConfig), 0o600); err != nil {
		b.Fatal(err)
	}
	getenv := env(map[string]string{"XDG_CONFIG_HOME": dir, "HOME": "/h"})
	b.ReportAllocs()
	for b.Loop() {
		c, err := Load(getenv)
		if err != nil {
			b.Fatal(err)
		}
		sink = c
	}
}

func BenchmarkParse(b *testing.B) {
	data := []byte(benchConfig)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := Parse("config.toml", data, "/h")
		if err != nil {
			b.Fatal(err)
		}
		sink = c
	}
}

// TestParseTables: the [protect] table and TOML forms the old subset parser
// refused (multi-line strings, comments after values) read as TOML says.
func TestParseTables(t *testing.T) {
	src := "mode = '''full-auto'''  # multi-line literal\n[protect]\nprotected = ['.husky']\nunprotected = ['.git/hooks']\nsecret_env_allow = ['MY_TOKEN_PATH']\n"
	c, err := Parse("config.toml", []byte(src), "/home/u")
	if err != nil {
		t.Fatal(err)
	}
	want := Protect{Protected: []string{".husky"}, Unprotected: []string{".git/hooks"}, SecretEnvAllow: []string{"MY_TOKEN_PATH"}}
	if c.Mode != "full-auto" || !reflect.DeepEqual(c.Protect, want) || !c.Set["protect"] || !c.Set["mode"] {
		t.Errorf("Parse = %+v, want full-auto and %+v", c, want)
	}
}
