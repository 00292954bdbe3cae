package hook_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestGeminiRuns: the script Gemini CLI 0.61.0 runs for a command with a
// leading shell wrapper (its stripShellWrapper). guard judged the command
// as bash reads it: `bash -c 'echo x' '; touch F'` (a safe echo, $0 = the
// second word) ran `touch F` in Gemini CLI (H8-3).
func TestGeminiRuns(t *testing.T) {
	for in, want := range map[string]string{
		"ls -la":                              "ls -la",
		"  ls \u00a0":                         "ls",
		"bash -c 'echo x' '; touch F'":        "echo x' '; touch F",
		"/usr/bin/bash -c 'echo x'":           "echo x",
		"./bin/sh -c 'rm -rf b'":              "rm -rf b",
		"ZSH -C 'a'":                          "a",
		"bash\t-c\techo x":                    "echo x",
		"bash -c \"echo x\"":                  "echo x",
		"bash -c 'echo \"$HOME\"'":            "echo \"$HOME\"",
		"cmd.exe /c 'dir'":                    "dir",
		"powershell -NoProfile -Command 'gc'": "gc",
		"bash -c echo x":                      "echo x",
		"bash -lc 'echo x'":                   "bash -lc 'echo x'", // not the pattern
		"env bash -c 'echo x'":                "env bash -c 'echo x'",
		"bash -c '":                           "'",
		"cmd.exe /c \"a\" \"b\"":              "a\" \"b", // not a POSIX shell: two characters
		// JavaScript's /i folds ASCII letters only: ſ (U+017F) is no s.
		"./ſh -c 'ls'":                      "./ſh -c 'ls'",
		"baſh -c 'echo x' '; touch F'":      "baſh -c 'echo x' '; touch F'",
		"zſh -c 'a'":                        "zſh -c 'a'",
		"powerſhell -Command 'gc'":          "powerſhell -Command 'gc'",
		"BaSh -C 'a'":                       "a",
		"PWSH.EXE -noprofile -command 'gc'": "gc",
	} {
		got, err := hook.GeminiRuns(in)
		if err != nil || got != want {
			t.Errorf("GeminiRuns(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// Double quotes after -c go through shell-quote: only the plain
	// cases are followed.
	for _, in := range []string{`sh -c "echo x" "; touch F"`, `bash -c "echo $HOME"`, "bash -c \"echo `id`\"", `bash -c "a\"b"`} {
		if _, err := hook.GeminiRuns(in); !errors.Is(err, hook.ErrGeminiWrapper) {
			t.Errorf("GeminiRuns(%q): %v, want ErrGeminiWrapper", in, err)
		}
	}

	decode := func(cmd string) (hook.Request, error) {
		return hook.Decode(hook.Gemini, strings.NewReader(`{"hook_event_name":"BeforeTool","cwd":"/p","tool_name":"run_shell_command","tool_input":{"command":`+jsonString(cmd)+`}}`))
	}
	req, err := decode("bash -c 'echo x' '; touch F'")
	if err != nil || req.Command != "echo x' '; touch F" {
		t.Errorf("Decode: command %q, %v; want what Gemini CLI runs", req.Command, err)
	}
	if _, err := decode(`bash -c "echo $HOME"`); !errors.Is(err, hook.ErrMalformed) {
		t.Errorf("Decode of a double-quoted wrapper: %v, want ErrMalformed", err)
	}
	if _, err := decode("bash -c ''"); !errors.Is(err, hook.ErrNoCommand) {
		t.Errorf("Decode of an empty wrapped command: %v, want ErrNoCommand", err)
	}
	// Other agents run the command as written.
	req, err = hook.Decode(hook.ClaudeCode, strings.NewReader(`{"tool_name":"Bash","tool_input":{"command":"bash -c 'echo x' '; touch F'"}}`))
	if err != nil || req.Command != "bash -c 'echo x' '; touch F'" {
		t.Errorf("Claude Code: command %q, %v", req.Command, err)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
