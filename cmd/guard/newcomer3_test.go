package main

// The third newcomer pass: setup, trust, rules and the audit log, tried as
// a newcomer and as an agent that means harm (docs/newcomer.md, "Third
// pass"). Each test runs the built guard in a scratch directory with its own
// HOME.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/internal/gate"
)

// TestNewcomer3TerminalText: the names guard shows a person come from the
// agent (a project directory, the files in its .guard, a remembered
// command); `guard trust`'s question, `guard trust --list` and `guard rules
// list` write the characters a terminal acts on as escapes. Before, a
// .guard file named with ESC [1A ESC [2K erased the line above it in the
// trust question, so a person could be shown fewer files than they trusted.
func TestNewcomer3TerminalText(t *testing.T) {
	dir, home := newcomerDir(t)
	project := filepath.Join(dir, "p\x1b[2K\r")
	hidden := "e\x1b[1A\x1b[2K.policy"
	if err := os.MkdirAll(filepath.Join(project, ".guard"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"config.toml": "mode = \"suggest\"\n", hidden: ""} {
		if err := os.WriteFile(filepath.Join(project, ".guard", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	trustAt := func(answer string) (outcome, string) {
		tm := openTerminal(t)
		cmd := exec.Command(guardBinary(t), "trust")
		cmd.Env, cmd.Dir = env, project
		tm.start(cmd)
		tm.waitFor("[y/N]: ")
		tm.typeIn(answer)
		r := waitExit(t, cmd)
		return r, strings.ReplaceAll(tm.drain(), gate.TerminalReset, "") // guard's own reset before the question
	}
	r, text := trustAt("n\n")
	if r.code != 126 {
		t.Errorf("guard trust answered n: exit %d, want 126; terminal %q", r.code, text)
	}
	if strings.Contains(text, "\x1b") || !strings.Contains(text, `e\x1b[1A\x1b[2K.policy`) || !strings.Contains(text, `p\x1b[2K\r/.guard`) {
		t.Errorf("guard trust showed the terminal control characters of the names as they are:\n%q", text)
	}
	if r, text = trustAt("y\n"); r.code != 0 {
		t.Fatalf("guard trust answered y: exit %d; terminal %q", r.code, text)
	}
	code, out, se := newcomerRun(t, env, dir, nil, "trust", "--list")
	if code != 0 || strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, `e\x1b[1A\x1b[2K.policy`) {
		t.Errorf("guard trust --list: exit %d, stdout %q, stderr %q", code, out, se)
	}

	// A remembered rule whose command and project hold ESC and \r, and a
	// hand-edited binding with a short hash (it panicked).
	meta, _ := json.Marshal(map[string]any{"scope": "everywhere", "made": "2026-12-06T10:00:00Z", "kind": "exact",
		"command": []string{"touch", "a\x1b[2K\rb"}, "bind": map[string]string{"path": "/x\x1b]0;T\a", "sha256": "ab"}})
	policyText := "# guard rule: " + string(meta) + "\nprefix_rule(pattern=[\"touch\", \"a\\u001b[2K\\rb\"], decision=\"allow\")\n"
	if err := os.WriteFile(filepath.Join(home, ".config", "guard", "user.policy"), []byte(policyText), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, se = newcomerRun(t, env, dir, nil, "rules", "list")
	if code != 0 || strings.ContainsAny(out, "\x1b\r\a") || !strings.Contains(out, `$'a\x1b[2K\rb'`) {
		t.Errorf("guard rules list: exit %d, stdout %q, stderr %q", code, out, se)
	}
	// guard doctor in an agent's project: its MCP server names and the
	// values its settings give guard's variables.
	agentProject := filepath.Join(dir, "agent")
	for name, body := range map[string]string{
		".mcp.json":             `{"mcpServers":{"a\u001b[2K\rX":{"command":"node"}}}`,
		".claude/settings.json": `{"env":{"GUARD_MODE":"full-auto\u001b[31m"}}`,
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(agentProject, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(agentProject, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, se = newcomerRun(t, env, agentProject, nil, "doctor")
	if code != 1 || strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, `a\x1b[2K\rX`) || !strings.Contains(out, `full-auto\x1b[31m`) {
		t.Errorf("guard doctor: exit %d, stderr %q, stdout holds ESC or \\r: %v", code, se, strings.ContainsAny(out, "\x1b\r"))
	}
	// guard which: the name, and the PATH entries it skipped.
	code, out, se = newcomerRun(t, append(env[1:], "PATH=rel\x1b[2J:/usr/bin:/bin"), dir, nil, "which", "x\x1b[2Jy")
	if code != 127 || strings.Contains(out+se, "\x1b") {
		t.Errorf("guard which: exit %d, stdout %q, stderr %q", code, out, se)
	}
}

// run3 runs the built guard with exactly env in dir and returns its exit
// code, stdout and stderr (several lines allowed: setup reports each file).
func run3(t *testing.T, guard string, env []string, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(guard, args...)
	cmd.Env, cmd.Dir = env, dir
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("guard %q panicked:\n%s", args, errb.String())
	}
	return code, out.String(), errb.String()
}

// readOr is the file's content, or "<missing>".
func readOr(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return "<missing>"
	}
	return string(b)
}

// setupFiles are the files guard setup edits for agent under home.
func setupFiles(home, agent string) []string {
	switch agent {
	case "codex":
		return []string{filepath.Join(home, ".codex", "hooks.json"), filepath.Join(home, ".codex", "config.toml")}
	case "gemini":
		return []string{filepath.Join(home, ".gemini", "settings.json")}
	}
	return []string{filepath.Join(home, ".claude", "settings.json")}
}

// TestNewcomer3SetupRoundTrip: guard setup, a second guard setup, a guard
// setup from another copy of guard (an upgrade to a new path), then guard
// setup --remove gives back every file byte for byte: its indentation,
// escapes, CRLF line ends and comments, the user's other hooks. Before, the
// file came back re-indented, and the backup that held the original was
// overwritten by the second write. A change the user made in between is
// kept, with guard's hook out.
func TestNewcomer3SetupRoundTrip(t *testing.T) {
	guard := guardBinary(t)
	other := filepath.Join(t.TempDir(), "guard-copy")
	if b, err := os.ReadFile(guard); err != nil || os.WriteFile(other, b, 0o755) != nil {
		t.Fatal("copy guard", err)
	}
	userHook := `{"type": "command", "command": "/usr/local/bin/mine"}`
	originals := map[string]string{
		"settings.json": "{\r\n    \"model\": \"opus\",\r\n    \"permissions\": {\"allow\": [\"Bash(ls)\", \"Read(\\/etc\\/x)\"]},\r\n    \"env\": {\"NAME\": \"\\u00e9t\\u00e9 \\ud83d\\ude00\"},\r\n    \"hooks\": {\"PreToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [" + userHook + "]}]}\r\n}",
		"hooks.json":    `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [` + userHook + `]}]}}`,
		"config.toml":   "# mine\nmodel = \"o3\"   # the best\n\n[projects.\"/x\"]\ntrust_level = \"trusted\"",
	}
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		t.Run(agent, func(t *testing.T) {
			dir, home := newcomerDir(t)
			env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
			files := setupFiles(home, agent)
			for _, f := range files {
				if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(f, []byte(originals[filepath.Base(f)]), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			setup := func(g string, args ...string) {
				t.Helper()
				if code, _, se := run3(t, g, env, dir, append([]string{"setup", agent}, args...)...); code != 0 {
					t.Fatalf("guard setup %s %q: exit %d: %s", agent, args, code, se)
				}
			}
			setup(guard)
			first := readOr(t, files[0])
			if !strings.Contains(first, "hook "+agent) || !strings.Contains(first, "/usr/local/bin/mine") {
				t.Fatalf("after guard setup, %s:\n%s", files[0], first)
			}
			setup(guard)
			if got := readOr(t, files[0]); got != first {
				t.Errorf("a second guard setup changed %s:\n%s", files[0], got)
			}
			setup(other)
			if got := readOr(t, files[0]); !strings.Contains(got, other) {
				t.Errorf("guard setup from %s left %s:\n%s", other, files[0], got)
			}
			for _, f := range files {
				if got := readOr(t, f+".guard-backup"); got != originals[filepath.Base(f)] {
					t.Errorf("%s.guard-backup no longer holds the file from before guard setup:\n%q", f, got)
				}
			}
			setup(other, "--remove")
			for _, f := range files {
				if got := readOr(t, f); got != originals[filepath.Base(f)] {
					t.Errorf("guard setup --remove left %s as\n%q\nwant it as it was\n%q", f, got, originals[filepath.Base(f)])
				}
			}

			// A change of the user's between setup and remove is kept.
			setup(guard)
			var doc map[string]any
			if err := json.Unmarshal([]byte(readOr(t, files[0])), &doc); err != nil {
				t.Fatal(err)
			}
			doc["mine"] = true
			b, _ := json.Marshal(doc)
			if err := os.WriteFile(files[0], b, 0o600); err != nil {
				t.Fatal(err)
			}
			setup(guard, "--remove")
			if got := readOr(t, files[0]); !strings.Contains(got, `"mine": true`) || strings.Contains(got, "hook "+agent) || !strings.Contains(got, "/usr/local/bin/mine") {
				t.Errorf("guard setup --remove after the user's change left:\n%s", got)
			}
		})
	}
}

// TestNewcomer3SetupRefuses: an agent settings file guard cannot edit
// without changing what the user wrote is refused with one line and 125,
// every file left as it was and no backup or temporary file made: a link
// that leads nowhere (it was replaced by a file), bytes that are not UTF-8
// and half a surrogate pair (both were rewritten as U+FFFD), and the cases
// that held before (a BOM, comments, a trailing comma, not an object, a
// directory, a FIFO, 17 MB). A whole surrogate pair is fine.
func TestNewcomer3SetupRefuses(t *testing.T) {
	cases := map[string]string{
		"not UTF-8":         "{\"a\": \"\xff\"}\n",
		"high surrogate":    `{"a": "\ud800"}`,
		"low surrogate":     `{"a": "x\udc00"}`,
		"high then escape":  `{"a": "\ud800\n"}`,
		"BOM":               "\xef\xbb\xbf{}",
		"comment":           "{\n  // mine\n  \"a\": 1\n}\n",
		"trailing comma":    `{"a": 1,}`,
		"array":             `[]`,
		"hooks not object":  `{"hooks": []}`,
		"two objects":       `{} {}`,
		"link to nowhere":   "",
		"directory":         "",
		"FIFO":              "",
		"17 MB":             "",
		"escaped backslash": `{"a": "\\ud800"}`, // fine: a backslash, then text
		"whole pair":        `{"a": "\ud83d\ude00"}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir, home := newcomerDir(t)
			env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
			settings := filepath.Join(home, ".claude", "settings.json")
			if err := os.MkdirAll(filepath.Dir(settings), 0o700); err != nil {
				t.Fatal(err)
			}
			var err error
			switch name {
			case "link to nowhere":
				err = os.Symlink(filepath.Join(dir, "dotfiles", "claude.json"), settings)
			case "directory":
				err = os.Mkdir(settings, 0o700)
			case "FIFO":
				err = syscall.Mkfifo(settings, 0o600)
			case "17 MB":
				err = os.WriteFile(settings, []byte("{"+strings.Repeat(" ", 17<<20)+"}"), 0o600)
			default:
				err = os.WriteFile(settings, []byte(content), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			before := listing(t, filepath.Dir(settings))
			if name == "escaped backslash" || name == "whole pair" {
				if code, _, se := run3(t, guardBinary(t), env, dir, "setup", "claude-code"); code != 0 {
					t.Errorf("guard setup: exit %d: %s", code, se)
				}
				return
			}
			code, _, se := newcomerRun(t, env, dir, nil, "setup", "claude-code")
			if code != 125 || !strings.HasPrefix(se, "guard setup: ") {
				t.Errorf("guard setup: exit %d, stderr %q; want 125 and one line", code, se)
			}
			if after := listing(t, filepath.Dir(settings)); after != before {
				t.Errorf("guard setup changed %s:\nbefore %s\nafter  %s", filepath.Dir(settings), before, after)
			}
		})
	}
}

// listing describes every entry of dir: name, type, link target, content.
func listing(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		b.WriteString(e.Name() + " " + e.Type().String())
		if e.Type()&os.ModeSymlink != 0 {
			dest, _ := os.Readlink(p)
			b.WriteString(" -> " + dest)
		} else if e.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			b.WriteString(" " + string(data))
		}
		b.WriteString("; ")
	}
	return b.String()
}

// TestNewcomer3RulesFiles: the files of remembered answers in odd shapes.
// user.policy a FIFO hung `guard -- true` for ever (and the hook until its
// deadline): after the load failed, a second look read it with no
// O_NONBLOCK; guard rules list hung on it too. Now: one line, 125 (check:
// 1), the hook denies. A configuration directory that is a file holds no
// rules (rules list said "not a directory", 125, while everything else read
// it as none).
func TestNewcomer3RulesFiles(t *testing.T) {
	for _, name := range []string{"user.policy a FIFO", "project answers a FIFO", "config dir a file"} {
		t.Run(name, func(t *testing.T) {
			dir, home := newcomerDir(t)
			env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
			conf := filepath.Join(home, ".config", "guard")
			if err := os.MkdirAll(filepath.Join(conf, "projects"), 0o700); err != nil {
				t.Fatal(err)
			}
			var err error
			switch name {
			case "user.policy a FIFO":
				err = syscall.Mkfifo(filepath.Join(conf, "user.policy"), 0o600)
			case "project answers a FIFO":
				// the answers of the project dir, kept outside it (its
				// .git pins the project there, whatever is above it)
				if err = os.Mkdir(filepath.Join(dir, ".git"), 0o755); err == nil {
					err = syscall.Mkfifo(rulesProjectFile(conf, dir), 0o600)
				}
			case "config dir a file":
				if err = os.RemoveAll(conf); err == nil {
					err = os.WriteFile(conf, nil, 0o600)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if name == "config dir a file" {
				if code, out, se := newcomerRun(t, env, dir, nil, "rules", "list"); code != 0 || out != "no remembered rules\n" {
					t.Errorf("guard rules list: exit %d, stdout %q, stderr %q", code, out, se)
				}
				return
			}
			if code, out, se := newcomerRun(t, env, dir, nil, "--", "echo", "RAN"); code != 125 || strings.Contains(out, "RAN") || !strings.Contains(se, "FIFO") {
				t.Errorf("guard -- echo: exit %d, stdout %q, stderr %q; want 125 and the FIFO named", code, out, se)
			}
			if code, _, se := newcomerRun(t, env, dir, nil, "check", "ls"); code != 1 {
				t.Errorf("guard check: exit %d, stderr %q; want 1", code, se)
			}
			newcomerHookDenies(t, env, dir, `{"tool_name":"Bash","cwd":"`+dir+`","tool_input":{"command":"ls"}}`)
			if name == "user.policy a FIFO" {
				if code, _, se := newcomerRun(t, env, dir, nil, "rules", "list"); code != 125 || !strings.Contains(se, "FIFO") {
					t.Errorf("guard rules list: exit %d, stderr %q; want 125", code, se)
				}
			}
		})
	}
}

// rulesProjectFile is where guard keeps the answers for the project at
// root (rules.ProjectFile, spelt out: a test of the built binary).
func rulesProjectFile(conf, root string) string {
	sum := sha256.Sum256([]byte(filepath.Clean(root)))
	return filepath.Join(conf, "projects", hex.EncodeToString(sum[:8])+".policy")
}

// TestNewcomer3LogBadFlags: guard log with a bad flag or value is one line
// and 125 (a flag error printed the whole usage after it, six lines), and
// -n -1 on a log with entries panicked (exit 2).
func TestNewcomer3LogBadFlags(t *testing.T) {
	dir, home := newcomerDir(t)
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home, "GUARD_AUDIT_LOG=" + filepath.Join(dir, "audit.jsonl")}
	for i := 0; i < 3; i++ {
		if code, _, se := newcomerRun(t, env, dir, nil, "--", "true"); code != 0 {
			t.Fatalf("guard -- true: exit %d: %s", code, se)
		}
	}
	for _, args := range [][]string{{"-n", "-1"}, {"-n", "-5"}, {"--bogus"}, {"-n"}, {"--since"}, {"-n", "x"}, {"extra"}, {"--decision", "maybe"}, {"--since", "\xff"}} {
		code, out, se := newcomerRun(t, env, dir, nil, append([]string{"log"}, args...)...)
		if code != 125 || out != "" || !strings.HasPrefix(se, "guard") {
			t.Errorf("guard log %q: exit %d, stdout %q, stderr %q; want one line and 125", args, code, out, se)
		}
	}
	if code, out, se := newcomerRun(t, env, dir, nil, "log", "-n", "0"); code != 0 || !strings.Contains(out, "3 entries") {
		t.Errorf("guard log -n 0: exit %d, stdout %q, stderr %q", code, out, se)
	}
	// With no HOME there is no log: it said the config had turned it off.
	if code, _, se := newcomerRun(t, []string{"PATH=/usr/bin:/bin"}, dir, nil, "log"); code != 125 || !strings.Contains(se, "HOME") {
		t.Errorf("guard log without HOME: exit %d, stderr %q", code, se)
	}
}

// TestNewcomer3SetupGuardPathNotUTF8: guard setup run from a guard whose
// path is not UTF-8 refuses (125, one line, nothing written): JSON holds
// UTF-8 only, and the hook it wrote ran /b\uFFFD/guard, which does not exist,
// so every tool call was blocked after a setup that said "wrote".
func TestNewcomer3SetupGuardPathNotUTF8(t *testing.T) {
	dir, home := newcomerDir(t)
	bin := filepath.Join(dir, "b\xff", "guard")
	if err := os.Mkdir(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(guardBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		code, _, se := run3(t, bin, env, dir, "setup", agent)
		if code != 125 || strings.Count(se, "\n") != 1 || !strings.Contains(se, "not UTF-8") {
			t.Errorf("guard setup %s from %q: exit %d, stderr %q", agent, bin, code, se)
		}
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Errorf("guard setup wrote in %s: %v", home, entries)
	}
}

// TestNewcomer3SetupProjectLinkOut: guard setup --project edits the
// project's settings only. A repository can commit .claude/settings.json
// (or .claude, .codex, .gemini) as a link to a JSON file elsewhere, which
// guard then edited, with a backup beside it; now one line, 125, the file
// elsewhere as it was. A link inside the project is followed.
func TestNewcomer3SetupProjectLinkOut(t *testing.T) {
	for _, agent := range []string{"claude-code", "codex", "gemini"} {
		for _, what := range []string{"file", "directory", "inside"} {
			t.Run(agent+" "+what, func(t *testing.T) {
				dir, home := newcomerDir(t)
				env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
				project := filepath.Join(dir, "repo")
				elsewhere := filepath.Join(dir, "elsewhere")
				sub := map[string]string{"claude-code": ".claude", "codex": ".codex", "gemini": ".gemini"}[agent]
				name := map[string]string{"claude-code": "settings.json", "codex": "hooks.json", "gemini": "settings.json"}[agent]
				for _, d := range []string{elsewhere, filepath.Join(project, sub), filepath.Join(project, "real")} {
					if err := os.MkdirAll(d, 0o755); err != nil {
						t.Fatal(err)
					}
				}
				victim := filepath.Join(elsewhere, name)
				if err := os.WriteFile(victim, []byte(`{"mine": 1}`), 0o644); err != nil {
					t.Fatal(err)
				}
				var err error
				switch what {
				case "file":
					err = os.Symlink(victim, filepath.Join(project, sub, name))
				case "directory":
					if err = os.Remove(filepath.Join(project, sub)); err == nil {
						err = os.Symlink(elsewhere, filepath.Join(project, sub))
					}
				case "inside":
					victim = filepath.Join(project, "real", name)
					if err = os.WriteFile(victim, []byte(`{"mine": 1}`), 0o644); err == nil {
						err = os.Symlink(filepath.Join("..", "real", name), filepath.Join(project, sub, name))
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				code, _, se := run3(t, guardBinary(t), env, project, "setup", agent, "--project", ".")
				got := readOr(t, victim)
				if what == "inside" {
					if code > 1 || !strings.Contains(got, "hook "+agent) {
						t.Errorf("guard setup --project through a link inside the project: exit %d, %s; stderr %q", code, got, se)
					}
					return
				}
				if code != 125 || !strings.Contains(se, "out of the project") || got != `{"mine": 1}` || fileExists(victim+".guard-backup") {
					t.Errorf("guard setup %s --project: exit %d, stderr %q; %s holds %q", agent, code, se, victim, got)
				}
			})
		}
	}
}

// TestNewcomer3TrustBrokenFiles: guard trust checks the files of .guard
// before it asks: a policy with a Starlark error, a config.toml with an
// unknown key or a root over guard's state is one line, 125, nothing
// trusted. Before, the person's yes recorded them, and from then on every
// command in the project failed (125) and the hook denied every call, until
// guard trust --revoke.
func TestNewcomer3TrustBrokenFiles(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"Starlark error":    {"bad.policy": "x = 1/0\n"},
		"unknown key":       {"config.toml": "mdoe = \"suggest\"\n"},
		"root over state":   {"config.toml": "writable_roots = [\"/\"]\n"},
		"key not a project": {"config.toml": "audit_log = \"\"\n"},
	} {
		t.Run(name, func(t *testing.T) {
			dir, home := newcomerDir(t)
			project := filepath.Join(dir, "p")
			if err := os.MkdirAll(filepath.Join(project, ".guard"), 0o755); err != nil {
				t.Fatal(err)
			}
			for f, body := range files {
				if err := os.WriteFile(filepath.Join(project, ".guard", f), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
			tm := openTerminal(t)
			cmd := exec.Command(guardBinary(t), "trust")
			cmd.Env, cmd.Dir = env, project
			tm.start(cmd)
			tm.typeIn("y\n")
			r := waitExit(t, cmd)
			text := tm.drain()
			if r.code != 125 || !strings.Contains(text, "nothing trusted") {
				t.Errorf("guard trust: exit %d; terminal %q", r.code, text)
			}
			if code, out, se := newcomerRun(t, env, project, nil, "trust", "--list"); code != 0 || out != "" {
				t.Errorf("guard trust --list: exit %d, stdout %q, stderr %q; want nothing trusted", code, out, se)
			}
			code, out, _ := run3(t, guardBinary(t), env, project, "--", "echo", "RAN")
			if code != 0 || out != "RAN\n" {
				t.Errorf("guard -- echo in the project: exit %d, stdout %q", code, out)
			}
		})
	}
}

// TestNewcomer3DoctorHomeOnce: guard doctor run in the home directory
// lists Codex's hook once: the project's hooks file there is the user's
// (it was listed twice, as the user's and as the project's).
func TestNewcomer3DoctorHomeOnce(t *testing.T) {
	_, home := newcomerDir(t)
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	if code, _, se := run3(t, guardBinary(t), env, home, "setup", "codex"); code != 0 {
		t.Fatalf("guard setup codex: exit %d: %s", code, se)
	}
	_, out, _ := run3(t, guardBinary(t), env, home, "doctor")
	if n := strings.Count(out, filepath.Join(home, ".codex", "hooks.json")+":"); n != 1 {
		t.Errorf("guard doctor in the home directory lists Codex's hooks.json %d times:\n%s", n, out)
	}
}

// TestNewcomer3TrustThroughLink: a trusted project applies when the
// working directory reaches it through a symbolic link ($PWD /link/p for
// /real/p, as a shell keeps it). Before, guard matched the unresolved path
// against the resolved record: the project's additions (here a protected
// file) were dropped, with a warning that it was not trusted.
func TestNewcomer3TrustThroughLink(t *testing.T) {
	dir, home := newcomerDir(t)
	real := filepath.Join(dir, "real", "p")
	if err := os.MkdirAll(filepath.Join(real, ".guard"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	config := []byte("[protect]\nprotected = [\"made.txt\"]\n")
	if err := os.WriteFile(filepath.Join(real, ".guard", "config.toml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(config)
	record, _ := json.Marshal([]map[string]any{{"project": real, "time": "2026-12-06T10:00:00Z",
		"files": []map[string]string{{"name": "config.toml", "sha256": hex.EncodeToString(sum[:])}}}})
	if err := os.MkdirAll(filepath.Join(home, ".config", "guard"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "guard", "trusted.json"), record, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cwd := range []string{real, filepath.Join(dir, "link", "p")} {
		env := []string{"PATH=/usr/bin:/bin", "HOME=" + home, "PWD=" + cwd}
		code, _, se := run3(t, guardBinary(t), env, cwd, "--mode", "auto-edit", "--", "touch", "made.txt")
		if code != 126 || strings.Contains(se, "not trusted") || fileExists(filepath.Join(real, "made.txt")) {
			t.Errorf("in %s: guard --mode auto-edit -- touch made.txt (protected by the trusted project): exit %d, stderr %q", cwd, code, se)
		}
	}
}

// TestNewcomer3SetupAsRootKeepsOwner: guard setup run as root in another
// user's home (sudo -E guard setup) leaves every file and directory it
// writes that user's. Before, settings.json became root's (0644: the
// agent could read it but not save a setting) and ~/.codex was made root's
// with mode 0700: Codex, run by the user, could no longer read its own
// configuration at all.
func TestNewcomer3SetupAsRootKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it runs guard setup as root in a home owned by nobody")
	}
	dir, home := newcomerDir(t)
	if err := os.MkdirAll(filepath.Join(home, ".claude"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".claude", "settings.json"), []byte(`{"a": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	const nobody = 65534
	chownTree := func() {
		filepath.Walk(home, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, nobody, nobody) })
	}
	chownTree()
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	for _, args := range [][]string{{"setup", "claude-code"}, {"setup", "codex"}, {"setup", "gemini"}, {"setup", "codex", "--remove"}, {"setup", "claude-code", "--remove"}} {
		if code, _, se := run3(t, guardBinary(t), env, dir, args...); code != 0 {
			t.Fatalf("guard %q: exit %d: %s", args, code, se)
		}
		filepath.Walk(home, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobody || st.Gid != nobody {
					t.Errorf("after guard %q, %s belongs to %d:%d, not to the home's owner", args, p, st.Uid, st.Gid)
				}
			}
			return nil
		})
	}
}

// TestNewcomer3RootInUserHome: guard run as root with a user's HOME (sudo
// -E guard trust) leaves what it makes there that user's: the
// configuration directory and trusted.json (root's own commands then
// refuse the user's files as root's configuration). Before, they were root's, 0700 and 0600: every guard
// the user then ran failed (125, permission denied on trusted.json) or
// warned that the audit log was not written.
func TestNewcomer3RootInUserHome(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it runs guard as root in a home owned by nobody, then as nobody")
	}
	const nobody = 65534
	top, err := os.MkdirTemp("", "guard-nc3-owner-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	home, project := filepath.Join(top, "home"), filepath.Join(top, "home", "p")
	if err := os.MkdirAll(filepath.Join(project, ".guard"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, ".guard", "config.toml"), []byte("mode = \"suggest\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	filepath.Walk(home, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, nobody, nobody) })
	bin := filepath.Join(top, "guard")
	data, err := os.ReadFile(guardBinary(t))
	if err != nil || os.WriteFile(bin, data, 0o755) != nil {
		t.Fatal("copy guard", err)
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}

	// As root: trust the project, run a command (it logs).
	tm := openTerminal(t)
	cmd := exec.Command(bin, "trust")
	cmd.Env, cmd.Dir = env, project
	tm.start(cmd)
	tm.waitFor("[y/N]: ")
	tm.typeIn("y\n")
	if r := waitExit(t, cmd); r.code != 0 {
		t.Fatalf("guard trust as root: exit %d: %q", r.code, tm.drain())
	}
	// Root's own commands do not take the user's files for root's
	// configuration (the user could loosen guard for root's commands
	// with them: TestConfigOfAnotherAccountRefused).
	if code, _, se := run3(t, bin, env, project, "--", "true"); code != 125 || !strings.Contains(se, "another account could change it") {
		t.Fatalf("guard -- true as root with the user's HOME: exit %d: %s; want 125, the user's files refused", code, se)
	}
	filepath.Walk(home, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			if st := fi.Sys().(*syscall.Stat_t); st.Uid != nobody {
				t.Errorf("%s belongs to %d, not to the home's owner", p, st.Uid)
			}
		}
		return nil
	})

	// As the user: the same commands work, with no warning.
	asNobody := func(args ...string) (int, string, string) {
		c := exec.Command(bin, args...)
		c.Env, c.Dir = env, project
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		var out, errb strings.Builder
		c.Stdout, c.Stderr = &out, &errb
		err := c.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errb.String()
	}
	if code, _, se := asNobody("--", "true"); code != 0 || se != "" {
		t.Errorf("guard -- true as the user after root's runs: exit %d, stderr %q", code, se)
	}
	if code, out, se := asNobody("trust", "--list"); code != 0 || !strings.Contains(out, project) {
		t.Errorf("guard trust --list as the user: exit %d, stdout %q, stderr %q", code, out, se)
	}
}

// TestNewcomer3FIFOStartupFiles: shell start-up files and a project's
// .envrc that are FIFOs (an agent can make .envrc one) are not waited on.
// Before, every guard --mode full-auto run hung for ever reading them (the
// protected list follows what they source), and guard uninstall --all hung
// on a FIFO ~/.bashrc (it lists the lines that name the shim directory).
func TestNewcomer3FIFOStartupFiles(t *testing.T) {
	dir, home := newcomerDir(t)
	project := filepath.Join(dir, "p")
	if err := os.Mkdir(project, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(home, ".profile"), filepath.Join(home, ".bashrc"), filepath.Join(project, ".envrc")} {
		if err := syscall.Mkfifo(f, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home}
	code, out, se := run3Timeout(t, env, project, "--mode", "full-auto", "--", "echo", "RAN")
	if code != 0 && code != 125 || code == 0 && out != "RAN\n" {
		t.Errorf("guard --mode full-auto -- echo RAN: exit %d, stdout %q, stderr %q", code, out, se)
	}
	if code, _, se := run3Timeout(t, env, project, "doctor"); code > 1 {
		t.Errorf("guard doctor: exit %d, stderr %q", code, se)
	}
	if code, _, se := run3Timeout(t, env, project, "uninstall", "--all", "--purge"); code != 0 {
		t.Errorf("guard uninstall --all --purge: exit %d, stderr %q", code, se)
	}
}

// run3Timeout is run3 with the built guard, failing the test when guard
// has not ended within runTimeout.
func run3Timeout(t *testing.T, env []string, dir string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, guardBinary(t), args...)
	cmd.Env, cmd.Dir = env, dir
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("guard %q hung", args)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}
