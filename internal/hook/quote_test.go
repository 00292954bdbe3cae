package hook_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"guard/internal/hook"
)

// tricky are scripts whose quoting has gone wrong in shells before.
var tricky = []string{
	"ls",
	"",
	" ",
	"'",
	"''",
	`'\''`,
	`echo 'it'"'"'s'`,
	`echo "$HOME" $(id) ` + "`id`" + ` ${PATH:-x} $((1+2))`,
	`a\b\\c\'d`,
	"line one\nline two\n\n",
	"tab\there\rcarriage",
	"cat <<'EOF'\n$HOME 'quoted'\nEOF",
	`!! !$ !-1 history`,
	`* ? [a-z] {a,b} ~ ~root`,
	"=ls %1 #comment ; & | && || > < >> 2>&1",
	"ünïcødé ✓ 日本語",
	"\x01\x1b[31mred\x7f",
	"invalid utf-8 \xff\xfe",
	"-c",
	"--mode full-auto",
	strings.Repeat("'", 50),
	strings.Repeat(`x'y"z\`, 200),
}

func TestQuote(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "''"},
		{"ls", "ls"},
		{"/usr/local/bin/guard", "/usr/local/bin/guard"},
		{"a-b_c+d.e,f:g@h%i", "a-b_c+d.e,f:g@h%i"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"=ls", "'=ls'"},
		{"~", "'~'"},
		{"$x", "'$x'"},
	} {
		if got := hook.Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// argvScript is a stand-in guard that prints its arguments, NUL-terminated.
const argvScript = "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n"

// The rewritten command, run by bash as the agent would run it, must hand
// guard exactly: --mode full-auto -- bash -c SCRIPT.
func TestRewriteThroughBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash on PATH to run the rewritten command with")
	}
	dir := filepath.Join(t.TempDir(), `it's a "guard" $dir`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(dir, "guard")
	if err := os.WriteFile(fake, []byte(argvScript), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, script := range tricky {
		rewritten := hook.Rewrite(fake, script)
		out, err := exec.Command(bash, "-c", rewritten).Output()
		if err != nil {
			t.Fatalf("bash -c %q: %v", rewritten, err)
		}
		got := strings.Split(string(out), "\x00")
		got = got[:len(got)-1]
		want := []string{"--mode", "full-auto", "--", "bash", "-c", script}
		if !slices.Equal(got, want) {
			t.Errorf("bash -c %q gave guard %q, want %q", rewritten, got, want)
		}
		if back, _, ok := hook.Unwrap(rewritten, fake); !ok || back != script {
			t.Errorf("Unwrap(Rewrite(%q)) = %q, %v", script, back, ok)
		}
	}
}

// The same through the JSON an agent receives: encode a sandbox answer, read
// the command back as the agent would, run it.
func TestSandboxAnswerThroughBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash on PATH to run the rewritten command with")
	}
	fake := filepath.Join(t.TempDir(), "guard")
	if err := os.WriteFile(fake, []byte(argvScript), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, script := range tricky {
		if script == "" || !utf8.ValidString(script) {
			continue // not a request an agent sends; JSON carries valid UTF-8 only
		}
		input, _ := json.Marshal(map[string]any{"tool_name": "Bash", "tool_input": map[string]any{"command": script}})
		req, err := hook.Decode(hook.ClaudeCode, bytes.NewReader(input))
		if err != nil {
			t.Fatalf("Decode(%s): %v", input, err)
		}
		var buf bytes.Buffer
		if err := hook.Encode(hook.ClaudeCode, &buf, req, hook.Sandbox, "r", fake); err != nil {
			t.Fatal(err)
		}
		var ans struct {
			HookSpecificOutput struct {
				UpdatedInput struct {
					Command string `json:"command"`
				} `json:"updatedInput"`
			} `json:"hookSpecificOutput"`
		}
		if err := json.Unmarshal(buf.Bytes(), &ans); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bash, "-c", ans.HookSpecificOutput.UpdatedInput.Command).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Split(string(out), "\x00"); len(got) != 7 || got[5] != script {
			t.Errorf("script %q reached guard as %q", script, got)
		}
	}
}

func TestUnwrap(t *testing.T) {
	g := "/usr/local/bin/guard"
	for _, tt := range []struct {
		cmd    string
		script string
		ok     bool
	}{
		{g + " --mode full-auto -- bash -c ls", "ls", true},
		{g + ` --mode full-auto -- bash -c 'rm -rf build'`, "rm -rf build", true},
		{g + ` --mode full-auto -- bash -c 'it'\''s'`, "it's", true},
		{g + ` --mode full-auto -- bash -c ''`, "", true},
		{g + ` --mode full-auto -- bash -c 'a'\'''\''b'`, "a''b", true},
		// Anything else is not a rewrite.
		{g + ` --mode full-auto -- bash -c 'ls' extra`, "", false},
		{g + ` --mode full-auto -- bash -c 'ls'; rm -rf ~`, "", false},
		{g + ` --mode full-auto -- bash -c 'ls`, "", false},
		{g + ` --mode full-auto -- bash -c "ls"`, "", false},
		{g + ` --mode full-auto -- bash -c $(id)`, "", false},
		{g + ` --mode full-auto -- bash -c ls\ -l`, "", false},
		{g + ` --mode full-auto -- bash -c`, "", false},
		{g + ` --mode suggest -- bash -c ls`, "", false},
		{g + ` --mode full-auto --allow-network -- bash -c ls`, "", false},
		{`guard --mode full-auto -- bash -c ls`, "", false},
		{`/tmp/guard --mode full-auto -- bash -c ls`, "", false},
		{`GUARD_CONFIG=/tmp/x ` + g + ` --mode full-auto -- bash -c ls`, "", false},
		{`ls`, "", false},
	} {
		script, _, ok := hook.Unwrap(tt.cmd, g)
		if script != tt.script || ok != tt.ok {
			t.Errorf("Unwrap(%q) = %q, %v; want %q, %v", tt.cmd, script, ok, tt.script, tt.ok)
		}
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	bash, _ := exec.LookPath("bash")
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			return // no shell word carries a NUL
		}
		q := hook.Quote(s)
		if back, _, ok := hook.Unwrap(hook.Rewrite("/g", s), "/g"); !ok || back != s {
			t.Fatalf("Unwrap(Rewrite(%q)) = %q, %v", s, back, ok)
		}
		if bash == "" {
			return
		}
		out, err := exec.Command(bash, "-c", "printf %s "+q).Output()
		if err != nil {
			t.Fatalf("bash -c 'printf %%s %s': %v", q, err)
		}
		if string(out) != s {
			t.Fatalf("Quote(%q) = %s, bash reads it back as %q", s, q, out)
		}
	})
}

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "requests", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for a := range 3 {
			f.Add(a+1, data)
		}
	}
	f.Fuzz(func(t *testing.T, agent int, data []byte) {
		a := hook.Agent(agent)
		req, err := hook.Decode(a, bytes.NewReader(data))
		if err != nil {
			var buf bytes.Buffer
			hook.Refuse(a, &buf, err.Error())
			if !json.Valid(buf.Bytes()) {
				t.Fatalf("Refuse wrote invalid JSON: %s", buf.Bytes())
			}
			return
		}
		if req.Shell && (req.Command == "" || strings.IndexByte(req.Command, 0) >= 0) {
			t.Fatalf("Decode gave a shell request with command %q", req.Command)
		}
		for _, v := range verdicts {
			var buf bytes.Buffer
			if err := hook.Encode(a, &buf, req, v, "r", guardPath); err != nil {
				t.Fatalf("Encode(%s) of a decoded request: %v", v, err)
			}
			checkAnswer(t, a, req, v, buf.Bytes())
		}
	})
}

// TestRewriteInProject: the project rides along in the rewrite, and comes
// back out of it.
func TestRewriteInProject(t *testing.T) {
	for _, tt := range []struct{ project, script string }{
		{"/home/me/app", "touch x"},
		{"/srv/it's here", "echo 'a' > b"},
		{"", "ls"},
	} {
		rw := hook.RewriteIn("/usr/bin/guard", tt.project, tt.script)
		script, project, ok := hook.Unwrap(rw, "/usr/bin/guard")
		if !ok || script != tt.script || project != tt.project {
			t.Errorf("Unwrap(RewriteIn(%q, %q)) = %q, %q, %v", tt.project, tt.script, script, project, ok)
		}
	}
}

// TestRewriteMode: the auto-edit rewrite comes back out of UnwrapMode with its
// mode and project; Unwrap, which is for full-auto, does not take it, and
// nothing but the exact rewrite is unwrapped.
func TestRewriteMode(t *testing.T) {
	const g = "/usr/bin/guard"
	for _, tt := range []struct{ mode, project, script string }{
		{hook.AutoEdit, "/home/me/app", "touch x"},
		{hook.AutoEdit, "/srv/it's here", "cp -P lnk copy && echo 'x' >> copy/f"},
		{hook.FullAuto, "/srv/p", "echo $HOME"},
		{hook.AutoEdit, "/srv/a -- bash -c b", "echo ' -- bash -c '"},
		{hook.FullAuto, "/srv/it's -- bash -c 'x'", "touch y"},
	} {
		rw := hook.RewriteMode(g, tt.mode, tt.project, tt.script)
		script, mode, project, ok := hook.UnwrapMode(rw, g)
		if !ok || script != tt.script || mode != tt.mode || project != tt.project {
			t.Errorf("UnwrapMode(RewriteMode(%q, %q, %q)) = %q, %q, %q, %v", tt.mode, tt.project, tt.script, script, mode, project, ok)
		}
		_, _, full := hook.Unwrap(rw, g)
		if full != (tt.mode == hook.FullAuto) {
			t.Errorf("Unwrap(RewriteMode(%q, ...)) ok = %v", tt.mode, full)
		}
	}
	rw := hook.RewriteMode(g, hook.AutoEdit, "/p", "touch x")
	for _, cmd := range []string{
		rw + "; rm -rf ~",
		" " + rw,
		strings.Replace(rw, "auto-edit", "suggest", 1),
		strings.Replace(rw, "--mode auto-edit", "--mode  auto-edit", 1),
		strings.Replace(rw, "'touch x'", `"touch x"`, 1),
		strings.Replace(rw, "'touch x'", "'touch x'$(id)", 1),
		strings.Replace(rw, "/usr/bin/guard", "/tmp/guard", 1),
		strings.Replace(rw, " -- bash -c ", " -- sh -c ", 1),
	} {
		if s, m, p, ok := hook.UnwrapMode(cmd, g); ok {
			t.Errorf("UnwrapMode(%q) = %q, %q, %q, true; want not a rewrite", cmd, s, m, p)
		}
	}
}
