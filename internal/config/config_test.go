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
		{src: "mode = 'suggest'\nmode = 'suggest'", want: `config.toml:2: duplicate key "mode" (first set on line 1)`},
		{src: "[guard]\nmode = 'suggest'", want: `config.toml:1: tables are not supported`},
		{src: "\n[[x]]", want: `config.toml:2: arrays of tables are not supported`},
		{src: `"mode" = 'x'`, want: `config.toml:1: quoted keys are not supported`},
		{src: `mode.x = 'x'`, want: `config.toml:1: dotted keys are not supported`},
		{src: `mode 'x'`, want: `config.toml:1: missing = after key "mode"`},
		{src: `mode`, want: `config.toml:1: missing = after key "mode"`},
		{src: `mode =`, want: `config.toml:1: missing value`},
		{src: "mode = # no\n", want: `config.toml:1: missing value`},
		{src: `= 'x'`, want: `config.toml:1: unexpected '=', want a key`},
		{src: `mode = "nope"`, want: `config.toml:1: mode: unknown mode "nope" (want suggest, auto-edit or full-auto)`},
		{src: `sandbox = "loose"`, want: `config.toml:1: sandbox: unknown value "loose" (want strict or best-effort)`},
		{src: `mode = true`, want: `config.toml:1: mode: want a string, got true or false`},
		{src: `allow_network = "yes"`, want: `config.toml:1: allow_network: want true or false, got a string`},
		{src: `allow_network = 1`, want: `config.toml:1: unsupported value "1" (want a string, true, false or an array of strings)`},
		{src: `allow_network = True`, want: `config.toml:1: unsupported value "True" (want a string, true, false or an array of strings)`},
		{src: `policies = "/a"`, want: `config.toml:1: policies: want an array of strings, got a string`},
		{src: `audit_log = ["/a"]`, want: `config.toml:1: audit_log: want a string, got an array of strings`},
		{src: "policies = [\n'/a',\ntrue]", want: `config.toml:3: array elements must be strings, got true or false`},
		{src: "policies = [['/a']]", want: `config.toml:1: array elements must be strings, got an array of strings`},
		{src: "policies = ['/a' '/b']", want: `config.toml:1: unexpected '\'' in array, want , or ]`},
		{src: "policies = [\n'/a',\n", want: `config.toml:1: unterminated array`},
		{src: "policies = [,]", want: `config.toml:1: unexpected ',', want a value`},
		{src: "mode = ]", want: `config.toml:1: unexpected ']', want a value`},
		{src: `mode = {a = 1}`, want: `config.toml:1: inline tables are not supported`},
		{src: "mode = \"suggest\n\"", want: `config.toml:1: unterminated string`},
		{src: "\nmode = 'suggest", want: `config.toml:2: unterminated string`},
		{src: `mode = "sugg\"`, want: `config.toml:1: unterminated string`},
		{src: `mode = """suggest"""`, want: `config.toml:1: multi-line strings are not supported`},
		{src: `mode = '''suggest'''`, want: `config.toml:1: multi-line strings are not supported`},
		{src: `audit_log = "/a\x"`, want: `config.toml:1: invalid escape \x`},
		{src: `audit_log = "/a\u12"`, want: `config.toml:1: short \u escape`},
		{src: `audit_log = "/a\u12xy"`, want: `config.toml:1: invalid escape \u12xy`},
		{src: `audit_log = "/a\ud800"`, want: `config.toml:1: escape \ud800 is not a Unicode scalar value`},
		{src: `audit_log = "/a\UFFFFFFFF"`, want: `config.toml:1: escape \UFFFFFFFF is not a Unicode scalar value`},
		{src: `audit_log = "/a\u+123"`, want: `config.toml:1: invalid escape \u+123`},
		{src: `audit_log = "/a\`, want: `config.toml:1: unterminated string`},
		{src: "audit_log = \"/a\x01\"", want: `config.toml:1: control character '\x01' in string`},
		{src: "audit_log = '/a\x7f'", want: `config.toml:1: control character '\x7f' in string`},
		{src: "# a\x00\n", want: `config.toml:1: control character '\x00' in comment`},
		{src: "mode = 'suggest'\r", want: `config.toml:1: carriage return not followed by newline`},
		{src: "mode = 'suggest' 'x'", want: `config.toml:1: unexpected '\'' after value`},
		{src: "mode = 'suggest'  x", want: `config.toml:1: unexpected 'x' after value`},
		{src: "\n\nmode = '\xff'", want: `config.toml:3: invalid UTF-8`},
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

	// No file: defaults.
	c, err := Load(env(map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": dir}))
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Fatalf("Load(no file) = %+v, %v, want defaults", c, err)
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
