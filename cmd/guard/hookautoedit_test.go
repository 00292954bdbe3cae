package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/hook"
)

// Auto-edit through a hook: a script auto-edit lets run because every write it
// was judged to make is inside the roots runs where the agent runs it, so the
// hook answers with the rewrite that runs it under guard --mode auto-edit,
// which confines its writes to the roots at run time. These tests run the real
// guard binary as the hook and then the answer, with real bash, in a scratch
// project holding a symlink to a directory outside it.

// autoEditEscapes are scripts whose writes the decision judges inside the
// project, but which write outside through the symlink lnk (to the outside
// directory) that an earlier command of the script copies into the project.
var autoEditEscapes = []string{
	"cp -P lnk copy && echo x >> copy/escape.txt",
	"cp -r lnk d && echo x > d/escape.txt",
	"cp -a lnk e && echo x > e/escape.txt",
}

// autoEditProject makes a project with lnk pointing at a new directory outside
// the roots, and returns both.
func autoEditProject(t *testing.T) (work, outside string) {
	t.Helper()
	work, outside = t.TempDir(), hookOutsideDir(t)
	if err := os.Symlink(outside, filepath.Join(work, "lnk")); err != nil {
		t.Fatal(err)
	}
	return work, outside
}

// autoEditRewrite returns the command the answer tells agent to run, "" when
// the answer is not an allow with a rewrite.
func autoEditRewrite(agent string, ans map[string]any) string {
	if agent == "gemini" {
		if hookStr(hookField(ans, "decision")) != "allow" {
			return ""
		}
		return hookStr(hookField(ans, "hookSpecificOutput", "tool_input", "command"))
	}
	if hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) != "allow" {
		return ""
	}
	return hookStr(hookField(ans, "hookSpecificOutput", "updatedInput", "command"))
}

// TestHookAutoEditEscapeRunsConfined: each escape, run as it stands, writes
// outside (shown first); through the hook of each agent it is answered with
// the auto-edit rewrite, and the rewrite, run with bash as the agent runs it,
// writes inside but not outside.
func TestHookAutoEditEscapeRunsConfined(t *testing.T) {
	guard := hookGuard(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for i, script := range autoEditEscapes {
		// Unconfined, the script writes outside: the attack works.
		work, outside := autoEditProject(t)
		if r := hookRun(t, work, hookEnv(t, work), "", bash, "-c", script); r.code != 0 {
			t.Fatalf("%q unconfined: exit %d, %s", script, r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(outside, "escape.txt")); err != nil {
			t.Fatalf("%q unconfined did not write outside (%v): the test shows nothing", script, err)
		}

		for _, agent := range []string{"claude-code", "gemini", "codex"} {
			t.Run(agent+"/"+strings.Fields(script)[1], func(t *testing.T) {
				work, outside := autoEditProject(t)
				env := hookEnv(t, work, "GUARD_MODE=auto-edit", "CLAUDE_PROJECT_DIR="+work, "GEMINI_PROJECT_DIR="+work)
				hookRequireSandbox(t, guard, env)
				full := "echo in > inside.txt && " + script
				want := hook.RewriteMode(guard, hook.AutoEdit, work, full)
				var rewritten string
				if agent == "codex" {
					rewritten = autoEditCodex(t, guard, sh, work, env, full, i)
				} else {
					ans := hookAsk(t, guard, agent, work, env, hookRequest(agent, work, full))
					rewritten = autoEditRewrite(agent, ans)
				}
				if rewritten != want {
					t.Fatalf("rewrite\n got %q\nwant %q", rewritten, want)
				}
				// The agent's environment may say another mode: the
				// rewrite's --mode decides.
				r := hookRun(t, work, hookWith(env, "GUARD_MODE=suggest"), "", bash, "-c", rewritten)
				if _, err := os.Stat(filepath.Join(outside, "escape.txt")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the rewrite wrote outside through the symlink (err %v); exit %d, stderr %s", err, r.code, r.stderr)
				}
				if r.code == 0 {
					t.Errorf("the rewrite: exit 0, want the failed write's exit status")
				}
				if b, err := os.ReadFile(filepath.Join(work, "inside.txt")); err != nil || string(b) != "in\n" {
					t.Errorf("write inside: %q, %v; want it written (stderr %s)", b, err, r.stderr)
				}
			})
		}
	}
}

// autoEditCodex returns the rewrite Codex runs: an old Codex gets a deny that
// names it (and, sending it back, no objection), a Codex 0.169 or later an
// allow with updatedInput. Both are checked; the one returned is the named
// command.
func autoEditCodex(t *testing.T, guard, sh, work string, env []string, script string, i int) string {
	t.Helper()
	ans := hookAsk(t, guard, "codex", work, env, hookRequest("codex", work, script))
	reason := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecisionReason"))
	const marker = "Run exactly this instead: "
	k := strings.Index(reason, marker)
	if hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) != "deny" || k < 0 ||
		!strings.Contains(reason, "only with its writes confined to the roots") {
		t.Fatalf("old Codex: answer %v, want a deny naming the auto-edit rewrite", ans)
	}
	named := reason[k+len(marker):]
	// Sent back exactly: no objection.
	if back := hookAsk(t, guard, "codex", work, env, hookRequest("codex", work, named)); len(back) != 0 {
		t.Errorf("old Codex sending the rewrite back: answer %v, want {}", back)
	}

	// A Codex that applies updatedInput: sh under the name codex, with the
	// package file npm installs beside its bin directory, outside the
	// writable roots (/tmp is one: a package file there is not read).
	dir := filepath.Join(outsideTmp(t), "codex")
	codex := filepath.Join(dir, "bin", "codex")
	cpSh(t, sh, codex)
	if err := os.WriteFile(filepath.Join(dir, "codex-package.json"), []byte(`{"version":"0.169.1"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	req := filepath.Join(t.TempDir(), "req.json")
	if err := os.WriteFile(req, []byte(hookBody(t, "codex", work, script)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := hookRun(t, work, hookWith(env, "GUARD="+guard, "REQ="+req), "", codex, "-c", `"$GUARD" hook codex <"$REQ"`)
	var got map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil {
		t.Fatalf("Codex 0.169.1: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if rw := autoEditRewrite("codex", got); rw != named {
		t.Errorf("Codex 0.169.1: answer %v, want allow with updatedInput.command %q", got, named)
	}
	return named
}

// TestHookAutoEditUnwrap: the auto-edit rewrite, sent back to the hook (an old
// Codex runs what the deny named), is judged by the script inside, and only
// guard's exact rewrite for this mode and project is: one an agent writes for
// another project or mode, or with anything around it, is judged as it stands,
// so that it cannot skip a question. Safe scripts stay plain allows, and the
// audit log says each decision.
func TestHookAutoEditUnwrap(t *testing.T) {
	guard := hookGuard(t)
	work := t.TempDir()
	other := t.TempDir()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	env := hookEnv(t, work, "GUARD_MODE=auto-edit", "CLAUDE_PROJECT_DIR="+work, "GUARD_AUDIT_LOG="+audit)
	decision := func(agent, command string) (string, map[string]any) {
		ans := hookAsk(t, guard, agent, work, env, hookRequest(agent, work, command))
		if len(ans) == 0 {
			return "none", ans
		}
		d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision"))
		if autoEditRewrite(agent, ans) != "" {
			d += "+rewrite"
		}
		return d, ans
	}
	for _, tt := range []struct {
		name, command string
		claude, codex string // Claude Code's and Codex's answers
	}{
		{"safe", "ls -la && git status", "allow", "none"},
		{"a write inside", "touch made.txt", "allow+rewrite", "deny"},
		{"the rewrite", hook.RewriteMode(guard, hook.AutoEdit, work, "touch made.txt"), "allow", "none"},
		{"the rewrite of a safe script", hook.RewriteMode(guard, hook.AutoEdit, work, "ls"), "allow", "none"},
		{"the rewrite, forbidden inside", hook.RewriteMode(guard, hook.AutoEdit, work, "echo $(rm -rf /)"), "deny", "deny"},
		{"the rewrite, a write outside inside", hook.RewriteMode(guard, hook.AutoEdit, work, "touch /etc/guard-x"), "ask", "deny"},
		{"the rewrite for another project", hook.RewriteMode(guard, hook.AutoEdit, other, "touch made.txt"), "ask", "deny"},
		{"the full-auto rewrite", hook.RewriteIn(guard, work, "touch made.txt"), "ask", "deny"},
		{"the rewrite with more after it", hook.RewriteMode(guard, hook.AutoEdit, work, "true") + "; touch /etc/guard-x", "ask", "deny"},
		{"the rewrite with another guard", hook.RewriteMode("/usr/local/bin/guard", hook.AutoEdit, work, "touch made.txt"), "ask", "deny"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if d, ans := decision("claude-code", tt.command); d != tt.claude {
				t.Errorf("Claude Code: %s (%v), want %s", d, ans, tt.claude)
			}
			if d, ans := decision("codex", tt.command); d != tt.codex {
				t.Errorf("Codex: %s (%v), want %s", d, ans, tt.codex)
			}
		})
	}

	// The audit log: one line per decision, the confined ones as guard --
	// logs them (run, sandbox "files").
	f, err := os.Open(audit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e struct{ Decision, Sandbox, Command, Agent string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		found[e.Agent+" "+e.Command+" "+e.Decision+" "+e.Sandbox] = true
	}
	for _, want := range []string{
		"claude-code touch made.txt run files",
		"claude-code ls -la && git status run ",
		"codex touch made.txt refuse ",
	} {
		if !found[want] {
			t.Errorf("audit log lacks %q; has %v", want, found)
		}
	}
}
