package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"guard/internal/hook"
)

// These tests drive the real guard binary, built with go build, as the agents
// do: a hook request on stdin, the answer on stdout, and then the command the
// answer tells the agent to run, run through bash -c as the agent would. The
// scripts in testdata/script (hook_*.txtar, sh_*.txtar) cover the answers
// themselves; what needs a real binary path and a real sandbox is here.

// hookGuard returns the real guard binary (built once, see guardBinary).
func hookGuard(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the hook's sandboxed rewrite needs Linux (Landlock, seccomp, /proc)")
	}
	return guardBinary(t)
}

// hookEnv is a clean environment for guard: no user configuration, no
// GUARD_ variables, $TMPDIR inside dir.
func hookEnv(t *testing.T, dir string, extra ...string) []string {
	t.Helper()
	home := filepath.Join(dir, "home")
	tmp := filepath.Join(dir, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"TMPDIR=" + tmp,
	}
	return append(env, extra...)
}

// hookResult is how one process ended and what it wrote.
type hookResult struct {
	code           int
	stdout, stderr string
}

// hookRun runs path with args in dir, with env and stdin, and waits for it.
func hookRun(t *testing.T, dir string, env []string, stdin string, path string, args ...string) hookResult {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin = strings.NewReader(stdin)
	return hookWait(t, cmd)
}

// hookWait runs cmd to the end and returns how it ended and what it wrote.
func hookWait(t *testing.T, cmd *exec.Cmd) hookResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", cmd.Path, err)
	}
	return hookResult{code, stdout.String(), stderr.String()}
}

// hookAsk sends req to `guard hook AGENT` and returns the decoded answer,
// after checking what every answer must be: exit 0, one JSON line on
// stdout, nothing on stderr.
func hookAsk(t *testing.T, guard, agent, dir string, env []string, req map[string]any) map[string]any {
	t.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	r := hookRun(t, dir, env, string(in), guard, "hook", agent)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("guard hook %s: exit %d, stderr %q; want exit 0 and no stderr", agent, r.code, r.stderr)
	}
	if strings.Count(r.stdout, "\n") != 1 || !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("guard hook %s: stdout %q, want one line", agent, r.stdout)
	}
	var ans map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &ans); err != nil {
		t.Fatalf("guard hook %s: stdout %q is not JSON: %v", agent, r.stdout, err)
	}
	return ans
}

// hookField walks ans along keys; nil when a key is missing.
func hookField(ans map[string]any, keys ...string) any {
	var v any = ans
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// hookStr is v as a string, "" when it is not one.
func hookStr(v any) string {
	s, _ := v.(string)
	return s
}

// hookRequest is a shell tool request as the agent sends it, run in cwd.
func hookRequest(agent, cwd, command string) map[string]any {
	switch agent {
	case "gemini":
		return map[string]any{
			"session_id": "6f1c2d3e", "transcript_path": "/root/.gemini/tmp/chats/session.json", "cwd": cwd,
			"hook_event_name": "BeforeTool", "timestamp": "2026-01-28T10:15:00.000Z",
			"tool_name":  "run_shell_command",
			"tool_input": map[string]any{"command": command, "description": "guard test"},
		}
	case "codex":
		return map[string]any{
			"session_id": "0199a8b2", "turn_id": "1", "transcript_path": nil, "cwd": cwd,
			"hook_event_name": "PreToolUse", "model": "gpt-5-codex", "permission_mode": "default",
			"tool_name": "Bash", "tool_input": map[string]any{"command": command}, "tool_use_id": "call_1",
		}
	}
	return map[string]any{
		"session_id": "abc123", "transcript_path": "/root/.claude/projects/p/abc123.jsonl", "cwd": cwd,
		"permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
		"tool_input":  map[string]any{"command": command, "description": "guard test", "timeout": 60000},
		"tool_use_id": "toolu_01",
	}
}

// hookOutsideDir returns a new directory outside /tmp, $TMPDIR and the test's
// directories, for writes the sandbox must refuse.
func hookOutsideDir(t *testing.T) string {
	t.Helper()
	var parents []string
	parents = append(parents, "/var/tmp")
	if h, err := os.UserHomeDir(); err == nil {
		parents = append(parents, h)
	}
	for _, p := range parents {
		real, err := filepath.EvalSymlinks(p)
		if err != nil || real == "/tmp" || strings.HasPrefix(real, "/tmp/") {
			continue
		}
		if tmp, err := filepath.EvalSymlinks(os.TempDir()); err == nil && (real == tmp || strings.HasPrefix(real, tmp+"/")) {
			continue
		}
		d, err := os.MkdirTemp(real, "guard-hook-outside-")
		if err != nil {
			continue
		}
		t.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	t.Skip("no writable directory outside /tmp and $TMPDIR to test a refused write in")
	return ""
}

// hookRequireSandbox skips unless guard can apply its full-auto sandbox here;
// GUARD_REQUIRE_SANDBOX=1 turns the skip into a failure.
func hookRequireSandbox(t *testing.T, guard string, env []string) {
	t.Helper()
	dir := t.TempDir()
	r := hookRun(t, dir, env, "", guard, "--mode", "full-auto", "--", "true")
	if r.code == 0 {
		return
	}
	msg := "full-auto cannot sandbox on this machine (exit " + strconv.Itoa(r.code) + "): " + strings.TrimSpace(r.stderr)
	if os.Getenv("GUARD_REQUIRE_SANDBOX") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// hookWith returns a copy of env with kv added.
func hookWith(env []string, kv ...string) []string {
	return append(append([]string(nil), env...), kv...)
}

// hookSandboxScript writes inside the working directory, then outside the roots
// through a variable, which guard cannot see before the script runs, and
// shows the process's confinement.
func hookSandboxScript(outside string) string {
	return "echo inside > inside.txt && d=" + hook.Quote(outside) + `; touch "$d/escape.txt"; echo "escape=$?"; ` +
		`grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status`
}

// hookCheckSandboxed runs command as an agent's shell tool would (bash -c, in
// dir) and checks that the write inside the roots worked, the one outside
// failed, and the process ran with no_new_privs and a seccomp filter.
func hookCheckSandboxed(t *testing.T, dir, outside string, env []string, command string) {
	t.Helper()
	r := hookRun(t, dir, env, "", "bash", "-c", command)
	if r.code != 0 {
		t.Fatalf("bash -c %q: exit %d\nstdout: %s\nstderr: %s", command, r.code, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "inside.txt")); err != nil || string(b) != "inside\n" {
		t.Errorf("write inside the roots: %q, %v; want it written", b, err)
	}
	if _, err := os.Stat(filepath.Join(outside, "escape.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("write outside the roots: %s exists (err %v); the sandbox let it through", filepath.Join(outside, "escape.txt"), err)
	}
	for _, want := range []string{"escape=1", "NoNewPrivs:\t1", "Seccomp:\t2"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sandboxed run: stdout %q lacks %q", r.stdout, want)
		}
	}
}

// TestHookSandboxRewriteRuns: in full-auto, Claude Code and Gemini CLI get an
// allow that rewrites the command to guard --mode full-auto -- bash -c
// 'SCRIPT', the other tool_input fields kept; run as the agent runs it, the
// rewrite is confined: the write inside the roots works, the one outside
// fails.
func TestHookSandboxRewriteRuns(t *testing.T) {
	guard := hookGuard(t)
	for _, tt := range []struct {
		agent string
		input []string // where the answer carries tool_input
	}{
		{"claude-code", []string{"hookSpecificOutput", "updatedInput"}},
		{"gemini", []string{"hookSpecificOutput", "tool_input"}},
	} {
		t.Run(tt.agent, func(t *testing.T) {
			work := t.TempDir()
			outside := hookOutsideDir(t)
			env := hookEnv(t, work)
			hookRequireSandbox(t, guard, env)
			script := hookSandboxScript(outside)

			ans := hookAsk(t, guard, tt.agent, work, hookWith(env, "GUARD_MODE=full-auto"), hookRequest(tt.agent, work, script))
			decision := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision"))
			if tt.agent == "gemini" {
				decision = hookStr(hookField(ans, "decision"))
			}
			if decision != "allow" {
				t.Fatalf("answer %v: decision %q, want allow with a rewrite", ans, decision)
			}
			input, _ := hookField(ans, tt.input...).(map[string]any)
			rewritten := hookStr(input["command"])
			if want := hook.RewriteIn(guard, work, script); rewritten != want {
				t.Fatalf("rewritten command\n got %q\nwant %q", rewritten, want)
			}
			if input["description"] != "guard test" {
				t.Errorf("rewrite dropped tool_input.description: %v", input)
			}
			if tt.agent == "claude-code" && input["timeout"] != float64(60000) {
				t.Errorf("rewrite dropped tool_input.timeout: %v", input)
			}

			// The agent's own environment may say another mode: the rewrite's
			// --mode full-auto decides.
			hookCheckSandboxed(t, work, outside, hookWith(env, "GUARD_MODE=suggest"), rewritten)
		})
	}
}

// TestHookRewriteKeepsScript: bash -c receives the script exactly, quotes,
// newlines and all: the sandboxed rewrite prints what the script prints.
func TestHookRewriteKeepsScript(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	env := hookEnv(t, work)
	hookRequireSandbox(t, guard, env)
	for _, script := range []string{
		`printf '%s|' "it's" 'a "quoted" word' 'back\slash' '$HOME' "x y"; echo`,
		`echo 'it'"'"'s done' | tr a-z A-Z`,
		"printf 'one\\n'\nprintf '%s\\n' \"two  three\"",
		`printf '%s\n' ''\''' '\' "\\"`,
	} {
		want := hookRun(t, work, env, "", "bash", "-c", script)
		ans := hookAsk(t, guard, "claude-code", work, hookWith(env, "GUARD_MODE=full-auto"), hookRequest("claude-code", work, script))
		rewritten := hookStr(hookField(ans, "hookSpecificOutput", "updatedInput", "command"))
		if rewritten == "" {
			t.Fatalf("script %q: answer %v has no rewrite", script, ans)
		}
		got := hookRun(t, work, env, "", "bash", "-c", rewritten)
		if got != want {
			t.Errorf("script %q\n run directly: %+v\nrun rewritten: %+v", script, want, got)
		}
	}
}

// TestHookCodexRoundTrip: Codex gets a deny naming the exact sandboxed
// command; when Codex sends that command back, guard recognises its own
// rewrite and raises no objection, and the command runs confined. Anything
// added around the rewrite, or a forbidden script inside it, is judged and
// denied.
func TestHookCodexRoundTrip(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	outside := hookOutsideDir(t)
	env := hookEnv(t, work)
	hookRequireSandbox(t, guard, env)
	fullAuto := hookWith(env, "GUARD_MODE=full-auto")
	script := hookSandboxScript(outside)

	ans := hookAsk(t, guard, "codex", work, fullAuto, hookRequest("codex", work, script))
	if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "deny" {
		t.Fatalf("answer %v: decision %q, want deny naming the rewrite", ans, d)
	}
	if hookField(ans, "hookSpecificOutput", "updatedInput") != nil {
		t.Errorf("answer %v rewrites the input; Codex versions without updatedInput would run the original", ans)
	}
	reason := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason"))
	const marker = "Run exactly this instead: "
	i := strings.Index(reason, marker)
	if i < 0 {
		t.Fatalf("reason %q does not name the command to run", reason)
	}
	rewritten := reason[i+len(marker):]
	if want := hook.RewriteIn(guard, work, script); rewritten != want {
		t.Fatalf("named command\n got %q\nwant %q", rewritten, want)
	}

	// Codex runs exactly that: no objection.
	ans = hookAsk(t, guard, "codex", work, fullAuto, hookRequest("codex", work, rewritten))
	if len(ans) != 0 {
		t.Fatalf("the rewrite sent back: answer %v, want {} (no objection)", ans)
	}
	hookCheckSandboxed(t, work, outside, env, rewritten)

	// Claude Code sending the rewrite gets an allow with no second rewrite.
	ans = hookAsk(t, guard, "claude-code", work, fullAuto, hookRequest("claude-code", work, rewritten))
	if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "allow" || hookField(ans, "hookSpecificOutput", "updatedInput") != nil {
		t.Errorf("Claude Code sending the rewrite: answer %v, want a plain allow", ans)
	}

	// Only guard's exact rewrite is unwrapped; what is around it or inside
	// it is judged.
	for _, tt := range []struct {
		name, command, reason string
	}{
		{"forbidden after the rewrite", rewritten + "; rm -rf ~", "guard: forbidden: "},
		{"forbidden inside the rewrite", hook.RewriteIn(guard, work, "ls && rm -rf /"), "guard: forbidden: "},
		{"forbidden hidden in the rewrite", hook.RewriteIn(guard, work, "echo $(rm -rf /)"), "guard: forbidden: "},
		{"write outside inside the rewrite", hook.RewriteIn(guard, work, "touch "+hook.Quote(filepath.Join(outside, "x"))), "guard: writes outside the writable roots: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ans := hookAsk(t, guard, "codex", work, fullAuto, hookRequest("codex", work, tt.command))
			d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision"))
			r := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason"))
			if d != "deny" || !strings.HasPrefix(r, tt.reason) {
				t.Errorf("answer %v, want a deny starting %q", ans, tt.reason)
			}
		})
	}

	// Outside full-auto, guard never told the agent to run a rewrite: an
	// agent that writes one itself must not get around suggest mode's ask.
	t.Run("rewrite in suggest mode", func(t *testing.T) {
		command := hook.RewriteIn(guard, work, "touch made-by-agent.txt")
		ans := hookAsk(t, guard, "codex", work, env, hookRequest("codex", work, command))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "deny" {
			t.Errorf("answer %v, want deny", ans)
		}
		ans = hookAsk(t, guard, "claude-code", work, env, hookRequest("claude-code", work, command))
		if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")); d != "ask" {
			t.Errorf("Claude Code: answer %v, want ask", ans)
		}
	})
}

// TestHookRequests feeds every request of internal/hook's test data to each
// agent's hook: whatever the request, the answer is one JSON line on stdout
// and exit 0 (never 1, which agents take as "go ahead"), and requests that
// cannot be judged are denied.
func TestHookRequests(t *testing.T) {
	guard := hookGuard(t)
	files, err := filepath.Glob(filepath.Join("..", "..", "internal", "hook", "testdata", "requests", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no requests in internal/hook/testdata/requests: %v", err)
	}
	// Denied for every agent: not the agent's JSON, or nothing to judge.
	alwaysDeny := map[string]bool{
		"claude-code-bash-command-number.json": true, "claude-code-bash-empty-command.json": true,
		"claude-code-bash-input-array.json": true, "claude-code-bash-no-command.json": true,
		"claude-code-bash-no-input.json": true, "claude-code-bash-nul.json": true,
		"claude-code-post-tool-use.json": true, "claude-code-case-keys.json": true,
		"claude-code-duplicate-keys.json": true, "cwd-number.json": true, "empty.json": true,
		"malformed.json": true, "no-tool.json": true, "not-object.json": true, "null.json": true,
		"trailing.json": true,
	}
	work := t.TempDir()
	for _, mode := range []string{"suggest", "auto-edit", "full-auto"} {
		env := hookEnv(t, work, "GUARD_MODE="+mode)
		for _, f := range files {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f)
			for _, agent := range []string{"claude-code", "codex", "gemini"} {
				r := hookRun(t, work, env, string(body), guard, "hook", agent)
				what := mode + " " + agent + " " + name
				if r.code != 0 || r.stderr != "" {
					t.Errorf("%s: exit %d, stderr %q; want exit 0, no stderr", what, r.code, r.stderr)
					continue
				}
				var ans map[string]any
				if strings.Count(r.stdout, "\n") != 1 || json.Unmarshal([]byte(r.stdout), &ans) != nil {
					t.Errorf("%s: stdout %q, want one JSON object line", what, r.stdout)
					continue
				}
				denied := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) == "deny" || hookStr(hookField(ans, "decision")) == "deny"
				if alwaysDeny[name] && !denied {
					t.Errorf("%s: answer %s, want a deny", what, r.stdout)
				}
				// Auto-edit's rewrite is its own, never full-auto's.
				if mode == "auto-edit" {
					cmd := hookStr(hookField(ans, "hookSpecificOutput", "updatedInput", "command")) + hookStr(hookField(ans, "hookSpecificOutput", "tool_input", "command"))
					if cmd != "" && !strings.Contains(cmd, " --mode auto-edit --project ") {
						t.Errorf("%s: answer %s rewrites to another mode", what, r.stdout)
					}
				}
				// A sandboxed verdict is never a plain allow (an ask, for
				// a tool guard does not know, is no allow).
				asked := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) == "ask"
				if mode == "full-auto" && !denied && !asked && len(ans) != 0 {
					cmd := hookStr(hookField(ans, "hookSpecificOutput", "updatedInput", "command")) + hookStr(hookField(ans, "hookSpecificOutput", "tool_input", "command"))
					if !strings.Contains(cmd, " --mode full-auto --project ") {
						t.Errorf("%s: answer %s allows without the sandbox", what, r.stdout)
					}
				}
			}
		}
	}
}

// TestShAsShell: guard as the $SHELL of a tool that runs `$SHELL -c SCRIPT`
// (Aider: subprocess with shell=True and executable=$SHELL, so argv[0] is
// $SHELL itself).
func TestShAsShell(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	env := hookEnv(t, work)

	// $SHELL -c SCRIPT, with argv[0] the $SHELL path, as Python runs it.
	shell := func(t *testing.T, path, script string, env []string) hookResult {
		t.Helper()
		return hookWait(t, &exec.Cmd{Path: path, Args: []string{path, "-c", script}, Dir: work, Env: env})
	}
	check := func(t *testing.T, path string) {
		t.Helper()
		r := shell(t, path, "echo hello && ls | head -1", env)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "hello\n") || r.stderr != "" {
			t.Errorf("$SHELL -c safe script: %+v, want it run", r)
		}
		r = shell(t, path, "cd . && rm -rf /", env)
		if r.code != 126 || !strings.Contains(r.stderr, "forbidden") {
			t.Errorf("$SHELL -c 'cd . && rm -rf /': %+v, want refused (126, forbidden)", r)
		}
		r = shell(t, path, "echo x > made.txt", env)
		if r.code != 126 || !strings.Contains(r.stderr, "needs approval") {
			t.Errorf("$SHELL -c write in suggest mode: %+v, want refused (126, needs approval)", r)
		}
		if _, err := os.Stat(filepath.Join(work, "made.txt")); err == nil {
			t.Errorf("the refused write happened")
		}
		r = shell(t, path, "echo x > made.txt && cat made.txt", hookWith(env, "GUARD_MODE=auto-edit"))
		if r.code != 0 || r.stdout != "x\n" {
			t.Errorf("$SHELL -c write in auto-edit mode: %+v, want it run", r)
		}
		os.Remove(filepath.Join(work, "made.txt"))
	}

	// guard sh -c SCRIPT, the documented form.
	t.Run("guard sh", func(t *testing.T) {
		r := hookRun(t, work, env, "", guard, "sh", "-c", "echo hello && ls | head -1")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "hello\n") {
			t.Errorf("guard sh -c: %+v", r)
		}
		r = hookRun(t, work, env, "", guard, "sh", "-c", "bash -c 'rm -rf /'")
		if r.code != 126 || !strings.Contains(r.stderr, "forbidden") {
			t.Errorf("guard sh -c forbidden: %+v, want 126", r)
		}
	})

	// A shim named bash: SHELL=~/.local/share/guard/shims/bash.
	t.Run("bash shim as SHELL", func(t *testing.T) {
		dir := t.TempDir()
		r := hookRun(t, work, env, "", guard, "install", "--dir", dir, "bash")
		if r.code != 0 {
			t.Fatalf("guard install bash: %+v", r)
		}
		check(t, filepath.Join(dir, "bash"))
	})

	// A one-line wrapper script: exec guard sh "$@".
	t.Run("wrapper script as SHELL", func(t *testing.T) {
		wrapper := filepath.Join(t.TempDir(), "guard-sh")
		if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nexec "+hook.Quote(guard)+" sh \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		check(t, wrapper)
	})

	// guard itself as SHELL: argv is [guard, -c, SCRIPT].
	t.Run("guard as SHELL", func(t *testing.T) {
		check(t, guard)
	})
}

// TestHookProjectRootInRewrite: with the agent's project known, the sandboxed
// rewrite keeps the project as its writable root even when the agent's shell
// has cd'd elsewhere: a write in that other directory (by a program the
// judge cannot see into) fails, a write in the project works.
func TestHookProjectRootInRewrite(t *testing.T) {
	guard := hookGuard(t)
	project := t.TempDir()
	elsewhere := hookOutsideDir(t)
	env := hookEnv(t, project)
	hookRequireSandbox(t, guard, env)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 writes the files the judge cannot see: not on PATH")
	}
	// python3 is not a known writer: its writes are the sandbox's to stop.
	script := `python3 -c 'open("here.txt", "w")' 2>/dev/null; echo "here=$?"; ` +
		`python3 -c 'open("` + project + `/in-project.txt", "w")'; echo "project=$?"`
	ans := hookAsk(t, guard, "claude-code", elsewhere,
		hookWith(env, "GUARD_MODE=full-auto", "CLAUDE_PROJECT_DIR="+project), hookRequest("claude-code", elsewhere, script))
	input, _ := hookField(ans, "hookSpecificOutput", "updatedInput").(map[string]any)
	rewritten := hookStr(input["command"])
	if want := hook.RewriteIn(guard, project, script); rewritten != want {
		t.Fatalf("rewritten command\n got %q\nwant %q", rewritten, want)
	}
	r := hookRun(t, elsewhere, env, "", "bash", "-c", rewritten)
	if !strings.Contains(r.stdout, "project=0") || strings.Contains(r.stdout, "here=0") {
		t.Errorf("sandboxed run in %s with project %s: stdout %q stderr %q; want the project writable and the cwd not",
			elsewhere, project, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "here.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("here.txt was written outside the project: %v", err)
	}
}

// TestShAsShellOptions: guard as $SHELL takes what tools pass a POSIX shell
// before -c (a login shell, -e, -o NAME, -- before the script), judges the
// script those words leave, and runs it with /bin/sh; `-lc` was refused as
// an unknown flag of guard's. Options /bin/sh would read a script file with
// (-i, -s) or that are not a shell's are not taken.
func TestShAsShellOptions(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	env := hookEnv(t, work)
	run := func(args ...string) hookResult {
		t.Helper()
		return hookWait(t, &exec.Cmd{Path: guard, Args: append([]string{guard}, args...), Dir: work, Env: env})
	}
	for _, args := range [][]string{
		{"-lc", "echo hello"}, {"-l", "-c", "echo hello"}, {"--login", "-c", "echo hello"}, {"-ec", "echo hello"},
		{"-c", "--", "echo hello"}, {"-o", "errexit", "-c", "echo hello"}, {"+e", "-c", "echo hello", "name"},
		{"sh", "-lc", "echo hello"}, {"sh", "-c", "-", "echo hello"},
	} {
		if r := run(args...); r.code != 0 || r.stdout != "hello\n" {
			t.Errorf("guard %q: %+v, want it run", args, r)
		}
	}
	for _, args := range [][]string{
		{"-lc", "cd . && rm -rf /"}, {"--login", "-c", "--", "rm -rf /"}, {"-c", "-", "rm -rf /"},
	} {
		if r := run(args...); r.code != 126 || !strings.Contains(r.stderr, "forbidden") {
			t.Errorf("guard %q: %+v, want refused (126, forbidden)", args, r)
		}
	}
	for _, args := range [][]string{{"-ic", "echo hello"}, {"-s"}, {"-e", "echo hello"}, {"-lc"}, {"sh", "-c"}} {
		if r := run(args...); r.code == 0 || r.stdout != "" {
			t.Errorf("guard %q: %+v, want a usage error and nothing run", args, r)
		}
	}
}

func TestShellArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // nil: not a shell's call
	}{
		{[]string{"-c", "ls"}, []string{"/bin/sh", "-c", "ls"}},
		{[]string{"-lc", "ls", "n", "a"}, []string{"/bin/sh", "-lc", "ls", "n", "a"}},
		{[]string{"--login", "-c", "--", "ls"}, []string{"/bin/sh", "-l", "-c", "--", "ls"}},
		{[]string{"-c", "-", "-x"}, []string{"/bin/sh", "-c", "--", "-x"}},
		{[]string{"+x", "-o", "errexit", "-c", "ls"}, []string{"/bin/sh", "+x", "-o", "errexit", "-c", "ls"}},
		{[]string{"-c"}, nil}, {[]string{"-l", "ls"}, nil}, {[]string{"--", "ls"}, nil}, {[]string{"-ic", "ls"}, nil},
		{[]string{"-h"}, nil}, {[]string{"--mode", "suggest", "--", "ls"}, nil}, {[]string{"+c", "ls"}, nil},
		{[]string{"-o"}, nil}, {[]string{"-c", "--"}, nil},
	} {
		got, ok := shellArgs(tc.args)
		if ok != (tc.want != nil) || !slices.Equal(got, tc.want) {
			t.Errorf("shellArgs(%q) = %q, %v; want %q", tc.args, got, ok, tc.want)
		}
	}
}
