package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHookEditUpwardTop (docs/redteam/trust-1.md T1-1): an agent's file
// tool writes unsandboxed, so the read-only placeholders the sandbox keeps
// at the top of /tmp and $TMPDIR do not stop it. What tools running in any
// directory below take for their own there (a bare repository's HEAD, a
// conftest.py, .cargo, go.work, ESLint's and Prettier's configs, tsx's
// and node's caches) is protected for the edit too: asked, refused in
// full-auto; so at the top of a root of the configuration (~/scratch),
// whose other projects cargo, go, pytest and git search up from. Deeper,
// and in the project, they are ordinary files.
func TestHookEditUpwardTop(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	env := hookEnv(t, base)
	tmp := filepath.Join(base, "tmp") // $TMPDIR, a shared root
	scratch := filepath.Join(base, "scratch")
	config := filepath.Join(base, "home", ".config", "guard")
	for _, d := range []string{config, scratch} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(config, "config.toml"), []byte("writable_roots = [\""+scratch+"\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := [3]string{"ask", "ask", "deny"}
	inside := [3]string{"ask", "allow", "allow"}
	patch := func(path string) map[string]any {
		return map[string]any{"command": "*** Begin Patch\n*** Add File: " + path + "\n+x\n*** End Patch\n"}
	}
	cases := []struct {
		name  string
		agent string
		tool  string
		input map[string]any
		want  [3]string
	}{
		{"bare repository HEAD", "claude-code", "Write", map[string]any{"file_path": tmp + "/HEAD", "content": "ref: refs/heads/main\n"}, out},
		{"conftest", "claude-code", "Write", map[string]any{"file_path": tmp + "/conftest.py", "content": "x"}, out},
		{"cargo config", "gemini", "write_file", map[string]any{"file_path": tmp + "/.cargo/config.toml", "content": "x"}, out},
		{"workspace manifest", "claude-code", "Edit", map[string]any{"file_path": tmp + "/Cargo.toml", "old_string": "a", "new_string": "b"}, out},
		{"go.work", "codex", "apply_patch", patch(tmp + "/go.work"), out},
		{"eslint config", "claude-code", "Write", map[string]any{"file_path": tmp + "/eslint.config.js", "content": "x"}, out},
		{"prettier config", "gemini", "write_file", map[string]any{"file_path": tmp + "/.prettierrc.js", "content": "x"}, out},
		{"tsx cache", "claude-code", "Write", map[string]any{"file_path": tmp + "/tsx-" + strconv.Itoa(os.Geteuid()) + "/a.json", "content": "x"}, out},
		{"node compile cache", "claude-code", "Write", map[string]any{"file_path": tmp + "/node-compile-cache/x", "content": "x"}, out},
		{"configured root's cargo config", "claude-code", "Write", map[string]any{"file_path": scratch + "/.cargo/config.toml", "content": "x"}, out},
		{"configured root's go.work", "gemini", "write_file", map[string]any{"file_path": scratch + "/go.work", "content": "x"}, out},
		{"configured root's project", "claude-code", "Write", map[string]any{"file_path": scratch + "/q/src/main.rs", "content": "x"}, inside},
		{"deeper", "claude-code", "Write", map[string]any{"file_path": tmp + "/scratch/conftest.py", "content": "x"}, inside},
		{"ordinary file", "claude-code", "Write", map[string]any{"file_path": tmp + "/notes.txt", "content": "x"}, inside},
		{"project's own", "claude-code", "Write", map[string]any{"file_path": project + "/conftest.py", "content": "x"}, inside},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			for i, mode := range editModes {
				ans := hookAsk(t, guard, tt.agent, project, hookWith(env, "GUARD_MODE="+mode), fileRequest(tt.agent, project, tt.tool, tt.input))
				if got, want := hookOutcome(ans), agentSays[tt.agent][tt.want[i]]; got != want {
					t.Errorf("%s: %s, want %s: %v", mode, got, want, ans)
				}
			}
		})
	}
}

// TestLogShowsControlsEscaped (docs/redteam/trust-1.md T1-2): guard log
// prints what the agent chose (the command, the paths of an edit, the
// reason quoting them) to a person's terminal. It turned C0 controls into
// spaces but printed C1 controls (U+009B is CSI to a terminal that reads
// them: U+009B 2J clears it), bidirectional overrides (U+202E shows a
// command reversed) and separators as they were. Every such character is
// shown as an escape now, as guard doctor and the prompts show them. Also:
// a forbidden entry whose rule has no file:line no longer ends "at ", and
// an edit tool's entry is not offered a policy rule, which cannot allow an
// edit.
func TestLogShowsControlsEscaped(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	lines := []string{
		`{"time":"2026-12-06T23:00:00Z","cwd":"/p","argv":["bash","-c","ls \u009b2J\u202e"],"mode":"auto-edit","class":"unverified","decision":"ask","pid":1,"reason":"not known to be safe: ls \u009b2J\u202e","agent":"claude-code","tool":"Bash","command":"ls \u009b2J\u202e\u2028x","project":"/p"}`,
		`{"time":"2026-12-06T23:00:01Z","cwd":"/p","argv":["Write","/p/\u202etxt.hs\u009b31m"],"mode":"auto-edit","class":"","decision":"ask","pid":1,"reason":"writes outside the writable roots: /p/\u202etxt.hs\u009b31m","agent":"claude-code","tool":"Write","project":"/p"}`,
		`{"time":"2026-12-06T23:00:02Z","cwd":"/p","argv":["guard","trust"],"mode":"auto-edit","class":"forbidden","decision":"refuse","rule":"guard administration","pid":1,"reason":"forbidden"}`,
	}
	if err := os.WriteFile(log, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(hookEnv(t, dir), "GUARD_AUDIT_LOG="+log)
	code, out, se := newcomerRun(t, env, dir, nil, "log")
	if code != 0 {
		t.Fatalf("guard log: exit %d, stderr %q", code, se)
	}
	for _, r := range out {
		if r != '\n' && (r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x202e || r == 0x2028) {
			t.Errorf("guard log printed %U as it is:\n%s", r, out)
		}
	}
	for _, want := range []string{`\u009b2J`, `\u202e`, "forbidden by guard administration\n", "judged by its paths, not by rules"} {
		if !strings.Contains(out, want) {
			t.Errorf("guard log output does not hold %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `prefix_rule(pattern=["Write"`) {
		t.Errorf("guard log offers a policy rule for an edit tool:\n%s", out)
	}
}

// TestTrustShowsEffect (docs/redteam/trust-1.md T1-3): `guard trust` asked
// a person to trust a project's .guard files showing only their names and
// sizes, though the agent that asks the person to run it may have written
// them: a mode, a writable root out of the project, the network, a
// best-effort sandbox and a rule allowing `bash -c` went unseen. The
// prompt now says what the files would change. Run on a real terminal
// (script(1)), answered no: nothing is trusted.
func TestTrustShowsEffect(t *testing.T) {
	out, base := trustAnsweredNo(t, func(base string) map[string]string {
		return map[string]string{
			"config.toml":  "mode = \"full-auto\"\nwritable_roots = [\"" + filepath.Join(base, "elsewhere") + "\"]\nallow_network = true\nsandbox = \"best-effort\"\n",
			"build.policy": "prefix_rule(pattern=[\"bash\", \"-c\"], decision=\"allow\")\n",
		}
	})
	elsewhere := filepath.Join(base, "elsewhere")
	for _, want := range []string{"mode full-auto", "writable root " + elsewhere + " (outside the project)", "allow_network",
		"sandbox best-effort", `prefix_rule(["bash", "-c"])`} {
		if !strings.Contains(out, want) {
			t.Errorf("guard trust's question does not say %q:\n%s", want, out)
		}
	}
}

// trustAnsweredNo runs `guard trust` in base/project, whose .guard holds
// files(base), at script(1)'s terminal, answers no, and returns what it
// printed and base; nothing may be trusted after. It skips where script(1)
// is missing or guard finds no person at its terminal.
func trustAnsweredNo(t *testing.T, files func(base string) map[string]string) (out, base string) {
	t.Helper()
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) (util-linux) is needed for a terminal")
	}
	guard := guardBinary(t)
	base, err = filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(filepath.Join(project, ".guard"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files(base) {
		if err := os.WriteFile(filepath.Join(project, ".guard", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(script, "-qec", guard+" trust", "/dev/null")
	cmd.Dir, cmd.Env = project, hookEnv(t, base)
	cmd.Stdin = strings.NewReader("n\n")
	r := hookWait(t, cmd)
	out = r.stdout + r.stderr
	if !strings.Contains(out, "trust them [y/N]") {
		t.Skipf("guard trust did not find a person at script's terminal here: %q", out)
	}
	if _, err := os.Stat(filepath.Join(base, "home", ".config", "guard", "trusted.json")); err == nil {
		t.Errorf("answered no, but trusted.json was written")
	}
	return out, base
}

// TestHookEditREPLStartup (docs/redteam/trust-1.md T1-4): the perl
// debugger, IEx, OCaml's toplevel and Octave read a start-up file from the
// directory they start in, before the home's, and run it (`perl -d
// script.pl` in the project ran a .perldb a Write put there), as R, irb,
// pry, ghci and pdb do theirs, which were protected in any directory; these
// four were protected in the home only. Where perl is installed, the test
// first shows that perl -d runs the project's .perldb.
func TestHookEditREPLStartup(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	if err := os.MkdirAll(filepath.Join(project, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if perl, err := exec.LookPath("perl"); err == nil {
		ran := filepath.Join(base, "ran")
		if err := os.WriteFile(filepath.Join(project, ".perldb"), []byte("system('touch', '"+ran+"');\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(perl, "-d", "-e", "1")
		cmd.Dir, cmd.Env, cmd.Stdin = project, hookEnv(t, base), strings.NewReader("q\n")
		_ = cmd.Run()
		if _, err := os.Stat(ran); err != nil {
			t.Logf("perl -d did not run the project's .perldb here: %v", err)
		}
		if err := os.Remove(filepath.Join(project, ".perldb")); err != nil {
			t.Fatal(err)
		}
	}
	env := hookEnv(t, base)
	out := [3]string{"ask", "ask", "deny"}
	for _, name := range []string{".perldb", ".iex.exs", ".ocamlinit", ".octaverc", "sub/.perldb"} {
		for _, at := range []struct{ agent, tool, key string }{
			{"claude-code", "Write", "file_path"},
			{"gemini", "write_file", "file_path"},
		} {
			t.Run(name+" "+at.tool, func(t *testing.T) {
				for i, mode := range editModes {
					req := fileRequest(at.agent, project, at.tool, map[string]any{at.key: filepath.Join(project, name), "content": "x"})
					ans := hookAsk(t, guard, at.agent, project, hookWith(env, "GUARD_MODE="+mode), req)
					if got, want := hookOutcome(ans), agentSays[at.agent][out[i]]; got != want {
						t.Errorf("%s: %s, want %s: %v", mode, got, want, ans)
					}
				}
			})
		}
	}
}

// TestExplainEditAsTheHook (docs/redteam/trust-1.md T1-5): `guard explain
// --edit PATH`, which the README gives for learning what an agent's edit
// tool may write, answered "run" for a file in a directory on PATH inside
// the project (an activated virtual environment's bin), where the hook asks:
// the edit would put a program where the next commands find it. Both now
// make the one decision.
func TestExplainEditAsTheHook(t *testing.T) {
	guard := hookGuard(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(base, "project")
	bin := filepath.Join(project, ".venv", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range hookEnv(t, base) {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			kv = "PATH=" + bin + ":" + v
		}
		env = append(env, kv)
	}
	env = append(env, "GUARD_MODE=auto-edit")
	target := filepath.Join(bin, "pip")
	ans := hookAsk(t, guard, "claude-code", project, env, fileRequest("claude-code", project, "Write", map[string]any{"file_path": target, "content": "x"}))
	if got := hookOutcome(ans); got != "ask" {
		t.Fatalf("hook: %s, want ask: %v", got, ans)
	}
	r := hookRun(t, project, env, "", guard, "explain", "--edit", target)
	if r.code != 0 || !strings.Contains(r.stdout, "decision: ask (writes "+target+" into "+bin+", a directory on PATH") {
		t.Errorf("guard explain --edit %s: exit %d, want the hook's ask:\n%s%s", target, r.code, r.stdout, r.stderr)
	}
}
