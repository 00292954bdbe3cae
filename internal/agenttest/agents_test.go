//go:build linux

package agenttest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// agent is one agent CLI as the tests drive it.
type agent struct {
	name string // as guard setup and guard hook take it
	bin  string // under node_modules
	api  api
	// shell is the model's call of the agent's shell tool; workdir "" is
	// the agent's own choice.
	shell func(cmd, workdir string) call
	// prepare writes the agent's settings into the scratch home before
	// guard setup runs.
	prepare func(s *session)
	// command is the agent's argv and extra environment for one prompt.
	command func(s *session) ([]string, []string)
}

var claude = agent{
	name: "claude-code",
	bin:  "@anthropic-ai/claude-code-linux-x64/claude",
	api:  anthropic{},
	shell: func(cmd, _ string) call {
		return call{Tool: "Bash", Args: map[string]any{"command": cmd, "description": "run it"}}
	},
	prepare: func(s *session) {
		// Claude Code's own rules let every Bash call through, so what
		// is refused is refused by guard.
		settings := `{"permissions": {"allow": ["Bash"]}}`
		if s.c.claudeSettings != "" {
			settings = s.c.claudeSettings
		}
		s.write(filepath.Join(s.claudeDir(), "settings.json"), settings)
	},
	command: func(s *session) ([]string, []string) {
		argv := []string{s.agentBin, "-p", "Do the task.", "--model", "claude-sonnet-4-5"}
		for _, a := range s.c.args {
			argv = append(argv, expand(a, s))
		}
		return argv, []string{
			"CLAUDE_CONFIG_DIR=" + s.claudeDir(),
			"ANTHROPIC_BASE_URL=" + s.model.URL,
			"ANTHROPIC_API_KEY=sk-ant-test-key",
			"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
			"DISABLE_AUTOUPDATER=1", "DISABLE_TELEMETRY=1", "DISABLE_ERROR_REPORTING=1",
			"DISABLE_BUG_COMMAND=1", "CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY=1",
		}
	},
}

var codex = agent{
	name: "codex",
	bin:  "@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex",
	api:  responses{},
	shell: func(cmd, workdir string) call {
		args := map[string]any{"cmd": cmd, "yield_time_ms": 10000}
		if workdir != "" {
			args["workdir"] = workdir
		}
		return call{Tool: "exec_command", Args: args}
	},
	prepare: func(s *session) {
		s.write(filepath.Join(s.codexDir(), "config.toml"), fmt.Sprintf(`model = "gpt-test"
model_provider = "fake"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false

[model_providers.fake]
name = "fake"
base_url = "%s/v1"
env_key = "FAKE_API_KEY"
wire_api = "responses"

[analytics]
enabled = false

[features]
plugins = false
remote_plugin = false
plugin_sharing = false
apps = false
in_app_updates = false
`, s.model.URL))
		if s.c.codexRules != "" {
			s.write(filepath.Join(s.codexDir(), "rules", "default.rules"), s.c.codexRules)
		}
	},
	command: func(s *session) ([]string, []string) {
		return []string{s.agentBin, "exec", "--skip-git-repo-check", "-C", s.project, "Do the task."}, []string{
			"CODEX_HOME=" + s.codexDir(),
			"FAKE_API_KEY=test-key",
		}
	},
}

var geminiCLI = agent{
	name: "gemini",
	bin:  "@google/gemini-cli/bundle/gemini.js",
	api:  gemini{},
	shell: func(cmd, _ string) call {
		return call{Tool: "run_shell_command", Args: map[string]any{"command": cmd, "description": "run it"}}
	},
	prepare: func(s *session) {
		s.write(filepath.Join(s.home, ".gemini", "settings.json"), `{
  "security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": false}},
  "privacy": {"usageStatisticsEnabled": false},
  "telemetry": {"enabled": false},
  "general": {"disableAutoUpdate": true, "disableUpdateNag": true}
}`)
		if s.c.geminiPolicy != "" {
			s.write(filepath.Join(s.home, ".gemini", "policies", "user.toml"), s.c.geminiPolicy)
		}
	},
	command: func(s *session) ([]string, []string) {
		model := "gemini-2.5-flash"
		if s.c.geminiModel != "" {
			model = s.c.geminiModel
		}
		argv := []string{"node", s.agentBin, "-p", "Do the task.", "--yolo", "--skip-trust", "-m", model}
		for _, a := range s.c.args {
			argv = append(argv, expand(a, s))
		}
		return argv, []string{
			"GEMINI_CLI_HOME=" + s.home,
			"GEMINI_API_KEY=test-key",
			"GOOGLE_GEMINI_BASE_URL=" + s.model.URL,
			"GEMINI_CLI_NO_RELAUNCH=true",
		}
	},
}

// tc is one case: a mode, files made first, the model's tool calls, and
// what must hold after.
type tc struct {
	name   string
	agents []string // "" = every agent
	mode   string   // GUARD_MODE
	// files to make in the project ("dir/" for a directory) before the run.
	files []string
	// links to make in the project before the run: name -> target, OUTSIDE
	// in the target replaced by the outside directory.
	links map[string]string
	// calls builds the script from the session (paths are known then).
	calls func(a agent, s *session) []call
	// check runs after the agent exits.
	check func(t *testing.T, s *session)
	// setup, when set, runs after guard setup (break guard, and so on).
	setup func(t *testing.T, s *session)

	guardConfig    string // guard's config.toml
	claudeSettings string
	codexRules     string
	geminiPolicy   string
	// geminiModel, when set, is the model Gemini CLI is started with
	// (gemini-2.5-flash otherwise): some of its behaviour depends on it.
	geminiModel string
	// env is extra environment for the agent (OUTSIDE and PROJECT expanded).
	env []string
	// args are extra arguments for Claude Code and Gemini CLI (OUTSIDE and
	// PROJECT expanded).
	args []string
	// noHook: a control run without guard, to show the agent's own rule
	// holds on its own (so the case with guard tests what it claims).
	noHook bool
	// needs names the fix the case checks; see pending.
	needs string
	// agentDir, when set, is where Claude Code's CLAUDE_CONFIG_DIR and
	// Codex's CODEX_HOME are, relative to the scratch home, in place of
	// .claude and .codex.
	agentDir string
	// between, when set, runs before the fake model answers the main
	// conversation's request that carries n tool results: a change made
	// while the session runs, from outside the agent's tools.
	between func(s *session, n int)
	// in, when set, is a subdirectory of the project directory (files and
	// links are made relative to the latter) where the session starts: a
	// package of a repository. PROJECT is then that subdirectory.
	in string
	// sub is the script of a subagent the case's calls start: requests
	// whose conversation holds subMarker and not the main prompt get it.
	sub func(a agent, s *session) []call
	// interactive runs Claude Code on a terminal, as a person starts it
	// (no -p), with nobody at the keyboard: see runTTY.
	interactive bool
	// ordinaryUser runs the agent (and so its hooks and commands) as the
	// user nobody, who owns the scratch home and the outside directory:
	// what root's capabilities would hide (a directory's mode) then holds.
	ordinaryUser bool
}

// subMarker is the task a case gives a subagent; the fake model tells the
// subagent's requests from the main conversation's by it.
const subMarker = "SUBAGENT-TASK-7f3a"

// session is one agent run in scratch directories.
type session struct {
	t        *testing.T
	c        tc
	a        agent
	agentBin string
	home     string // HOME and every config dir
	project  string // the agent's working directory
	outside  string // a directory outside every writable root (not under /tmp)
	guard    string // the guard binary the hooks run
	model    *fakeModel
	out      string // the agent's stdout and stderr
}

// claudeDir is Claude Code's CLAUDE_CONFIG_DIR.
func (s *session) claudeDir() string {
	if s.c.agentDir != "" {
		return filepath.Join(s.home, s.c.agentDir)
	}
	return filepath.Join(s.home, ".claude")
}

// codexDir is Codex's CODEX_HOME.
func (s *session) codexDir() string {
	if s.c.agentDir != "" {
		return filepath.Join(s.home, s.c.agentDir)
	}
	return filepath.Join(s.home, ".codex")
}

func (s *session) write(path, data string) {
	s.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) env() []string {
	env := []string{
		"HOME=" + s.home,
		"PATH=" + filepath.Join(s.home, "bin") + ":/usr/local/bin:/usr/bin:/bin",
		"TMPDIR=" + filepath.Join(s.home, "tmp"),
		"XDG_CONFIG_HOME=" + filepath.Join(s.home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(s.home, ".cache"),
		"XDG_STATE_HOME=" + filepath.Join(s.home, ".local", "state"),
		"XDG_DATA_HOME=" + filepath.Join(s.home, ".local", "share"),
		"LANG=C.UTF-8", "TERM=dumb", "NO_COLOR=1", "CI=1",
	}
	if s.c.mode != "" {
		env = append(env, "GUARD_MODE="+s.c.mode)
	}
	return env
}

func newSession(t *testing.T, a agent, c tc) *session {
	s := &session{t: t, c: c, a: a, agentBin: agentBin(t, a.bin)}
	s.home = t.TempDir()
	s.project = filepath.Join(s.home, "project")
	outside, err := os.MkdirTemp("/var/tmp", "guard-agenttest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(outside) })
	s.outside = outside
	for _, d := range []string{s.project, filepath.Join(s.home, "tmp"), filepath.Join(s.home, "bin")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range c.files {
		p := filepath.Join(s.project, f)
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(filepath.Join(p, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			s.write(filepath.Join(p, "sub", "file.txt"), "keep\n")
			continue
		}
		s.write(p, "hello\n")
	}
	for name, target := range c.links {
		if err := os.Symlink(strings.ReplaceAll(target, "OUTSIDE", s.outside), filepath.Join(s.project, name)); err != nil {
			t.Fatal(err)
		}
	}
	if c.in != "" {
		s.project = filepath.Join(s.project, c.in)
		if err := os.MkdirAll(s.project, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The hooks run a copy of guard in the scratch home, so a case can
	// remove it.
	s.guard = filepath.Join(s.home, "bin", "guard")
	linkOrCopy(t, guardBin, s.guard)
	if c.guardConfig != "" {
		s.write(filepath.Join(s.home, ".config", "guard", "config.toml"), c.guardConfig)
	}
	return s
}

// linkOrCopy puts the file from at to: a hard link where it can, since
// writing an executable while other tests fork makes its exec fail with
// ETXTBSY (a child holds the write descriptor until it execs).
func linkOrCopy(t *testing.T, from, to string) {
	t.Helper()
	if os.Link(from, to) == nil {
		return
	}
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// guardSetup runs the real `guard setup AGENT` with the scratch home.
func (s *session) guardSetup() {
	s.t.Helper()
	cmd := exec.Command(s.guard, "setup", s.a.name)
	cmd.Env = s.env()
	if s.a.name == "codex" {
		cmd.Env = append(cmd.Env, "CODEX_HOME="+s.codexDir())
	}
	if s.a.name == "claude-code" {
		cmd.Env = append(cmd.Env, "CLAUDE_CONFIG_DIR="+s.claudeDir())
	}
	cmd.Dir = s.project
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("guard setup %s: %v\n%s", s.a.name, err, out)
	}
}

// guardSetupTrustOnly records Codex's trust for the hooks.json as it is
// now, with the hash guard setup computes, keeping the file.
func (s *session) guardSetupTrustOnly() {
	s.t.Helper()
	hooks := filepath.Join(s.codexDir(), "hooks.json")
	b, err := os.ReadFile(hooks)
	if err != nil {
		s.t.Fatal(err)
	}
	// guard setup would replace the bare command: ask Codex for the hash.
	list := hooksList(s.t, s)
	if len(list) != 1 {
		s.t.Fatalf("hooks/list: %v", list)
	}
	config := filepath.Join(s.codexDir(), "config.toml")
	c, err := os.ReadFile(config)
	if err != nil {
		s.t.Fatal(err)
	}
	re := regexp.MustCompile(`trusted_hash = "[^"]*"`)
	c = re.ReplaceAll(c, []byte(fmt.Sprintf("trusted_hash = %q", list[0]["currentHash"])))
	s.write(config, string(c))
	s.write(hooks, string(b))
}

// runAgent runs the agent once on the script, with a time limit. Gemini
// CLI 0.61 under load now and then exits 41, "Invalid auth method
// selected", before its first request to the model, so before any tool and
// any hook (seen twice in a loaded run of the suite, a different case each
// time): such a start is run again, once.
func (s *session) runAgent() {
	s.t.Helper()
	if s.c.interactive {
		s.runTTY()
		return
	}
	s.runAgentOnce()
	if len(s.model.Requests()) == 0 && strings.Contains(s.out, "Invalid auth method selected") {
		s.t.Logf("%s failed to start before any model request; running it again", s.a.name)
		s.runAgentOnce()
	}
}

func (s *session) runAgentOnce() {
	s.t.Helper()
	argv, extra := s.a.command(s)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(s.env(), extra...)
	for _, e := range s.c.env {
		cmd.Env = append(cmd.Env, expand(e, s))
	}
	cmd.Dir = s.project
	cmd.Stdin = strings.NewReader("")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if s.c.ordinaryUser {
		s.runAsNobody(cmd)
	}
	err := cmd.Run()
	s.out = out.String()
	if ctx.Err() != nil {
		s.t.Fatalf("%s did not finish in time; output:\n%s\nrequests:\n%s", s.a.name, tail(s.out), strings.Join(s.model.Requests(), "\n---\n"))
	}
	if err != nil {
		s.t.Logf("%s exited: %v", s.a.name, err)
	}
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// report fails the test with the agent's output and the last turn.
func (s *session) fail(format string, args ...any) {
	s.t.Helper()
	s.t.Errorf("%s: %s\nagent output:\n%s\nlast turn sent to the model:\n%s", s.a.name, fmt.Sprintf(format, args...), tail(s.out), tail(s.model.LastTurn()))
}

// sawGuard checks that the model was told guard's reason (or the failing
// hook's): the tool result names guard.
func (s *session) sawGuard(what string) {
	s.t.Helper()
	if !strings.Contains(s.model.LastTurn(), what) {
		s.fail("the model was not told %q", what)
	}
}

func (s *session) mustExist(path string) {
	s.t.Helper()
	if !exists(path) {
		s.fail("%s does not exist", path)
	}
}

func (s *session) mustNotExist(path string) {
	s.t.Helper()
	if exists(path) {
		s.fail("%s exists: the command ran", path)
	}
}

func (s *session) content(path, want string) {
	s.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != want {
		s.fail("%s holds %q (%v), want %q", path, b, err, want)
	}
}

func shellCalls(cmds ...string) func(a agent, s *session) []call {
	return func(a agent, s *session) []call {
		var out []call
		for _, c := range cmds {
			out = append(out, a.shell(expand(c, s), ""))
		}
		return out
	}
}

// expand replaces OUTSIDE and PROJECT in a command.
func expand(cmd string, s *session) string {
	return strings.NewReplacer("OUTSIDE", s.outside, "PROJECT", s.project).Replace(cmd)
}

// rewriteFollow is a placeholder call: when guard denied the previous call
// naming the exact sandboxed command to run instead (Codex before it applied
// rewrites), the fake model runs that command, as a model following the
// reason would; otherwise the call is skipped.
const rewriteFollow = "@follow-rewrite"

var cases = []tc{
	{
		name: "suggest/ls runs", mode: "suggest", files: []string{"hello.txt"},
		calls: shellCalls("ls -la"),
		check: func(t *testing.T, s *session) {
			if !strings.Contains(s.model.LastTurn(), "hello.txt") {
				s.fail("the model did not get ls's output")
			}
		},
	},
	{
		name: "suggest/rm -rf build refused", mode: "suggest", files: []string{"build/"},
		calls: shellCalls("rm -rf build"),
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
			s.sawGuard("guard: ")
		},
	},
	{
		name: "auto-edit/write inside runs", mode: "auto-edit",
		calls: shellCalls("echo hi > inside.txt"),
		check: func(t *testing.T, s *session) {
			s.content(filepath.Join(s.project, "inside.txt"), "hi\n")
		},
	},
	{
		name: "auto-edit/write outside refused", mode: "auto-edit",
		calls: shellCalls("echo hi > OUTSIDE/out.txt"),
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.outside, "out.txt"))
			s.sawGuard("guard: ")
		},
	},
	{
		// The decision judges copy/escaped.txt inside (copy does not exist
		// yet); the symlink cp -P makes sends it outside at run time. The hook
		// answers with the auto-edit rewrite, which confines the writes.
		name: "auto-edit/a symlink the script copies cannot send a write outside", agents: []string{"claude-code"}, mode: "auto-edit",
		links: map[string]string{"lnk": "OUTSIDE"},
		calls: shellCalls("cp -P lnk copy && echo x >> copy/escaped.txt"),
		check: func(t *testing.T, s *session) {
			if _, err := os.Lstat(filepath.Join(s.project, "copy")); err != nil {
				s.fail("cp -P did not run: %v", err)
			}
			s.mustNotExist(filepath.Join(s.outside, "escaped.txt"))
		},
	},
	{
		name: "full-auto/rewrite runs confined, quoting survives", mode: "full-auto",
		calls: func(a agent, s *session) []call {
			return []call{
				a.shell(`printf '%s|' "it's" 'a "b"' '$HOME' > quoted.txt; touch OUTSIDE/escaped 2>/dev/null; echo end >> quoted.txt`, ""),
				a.shell(rewriteFollow, ""),
			}
		},
		check: func(t *testing.T, s *session) {
			s.content(filepath.Join(s.project, "quoted.txt"), `it's|a "b"|$HOME|end`+"\n")
			s.mustNotExist(filepath.Join(s.outside, "escaped"))
		},
	},
	{
		name: "full-auto/write outside fails", mode: "full-auto",
		calls: func(a agent, s *session) []call {
			return []call{a.shell(expand("touch OUTSIDE/fa.txt", s), ""), a.shell(rewriteFollow, "")}
		},
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.outside, "fa.txt"))
		},
	},
	{
		name: "broken guard config blocks", mode: "auto-edit",
		guardConfig: "mode = \"auto-edit\"\nthis is not toml\n",
		calls:       shellCalls("echo hi > broken.txt"),
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "broken.txt"))
			s.sawGuard("guard: ")
		},
	},
	{
		name: "guard binary removed blocks", mode: "auto-edit",
		setup: func(t *testing.T, s *session) {
			os.Remove(s.guard)
		},
		calls: shellCalls("echo hi > removed.txt"),
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "removed.txt"))
			s.sawGuard("guard hook failed")
		},
	},
	{
		// Why guard setup writes a command that fails closed: the bare
		// command, with guard not on the hook's PATH, exits 127, and
		// Claude Code and Codex run the tool call anyway.
		name: "control: a bare guard hook command not on PATH fails open", mode: "auto-edit",
		setup: func(t *testing.T, s *session) {
			os.Remove(s.guard)
			for _, p := range []string{".claude/settings.json", ".codex/hooks.json", ".gemini/settings.json"} {
				p = filepath.Join(s.home, p)
				b, err := os.ReadFile(p)
				if err != nil {
					continue
				}
				cmd := regexp.MustCompile(`"command": "[^\n]*hook ([a-z-]+) \|\|[^\n]*"`)
				s.write(p, cmd.ReplaceAllString(string(b), `"command": "guard hook $1"`))
			}
			if s.a.name == "codex" {
				// The edit changed the hook: trust it again.
				s.guardSetupTrustOnly()
			}
		},
		calls: shellCalls("echo hi > bare.txt"),
		check: func(t *testing.T, s *session) {
			if s.a.name == "gemini" {
				s.mustNotExist(filepath.Join(s.project, "bare.txt"))
				return
			}
			s.mustExist(filepath.Join(s.project, "bare.txt"))
		},
	},
	{
		name: "guard failing (exit 1, no answer) blocks", mode: "auto-edit",
		setup: func(t *testing.T, s *session) {
			os.Remove(s.guard) // a link to the shared build
			s.write(s.guard, "#!/bin/sh\ncat >/dev/null\nexit 1\n")
			if err := os.Chmod(s.guard, 0o755); err != nil {
				t.Fatal(err)
			}
		},
		calls: shellCalls("echo hi > crashed.txt"),
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "crashed.txt"))
			s.sawGuard("guard hook failed (exit 1)")
		},
	},
	{
		name: "broken user policy blocks", mode: "auto-edit",
		setup: func(t *testing.T, s *session) {
			s.write(filepath.Join(s.home, ".config", "guard", "user.policy"), "define_program(\n")
		},
		calls: shellCalls("echo hi > policy.txt"),
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "policy.txt"))
			s.sawGuard("guard: ")
		},
	},
	{
		name: "every hook decision is in the audit log", mode: "auto-edit", files: []string{"build/"},
		calls: shellCalls("echo hi > logged.txt", "rm -rf build"),
		needs: "issue 12 point 6 (every hook decision in the audit log)",
		check: func(t *testing.T, s *session) {
			s.content(filepath.Join(s.project, "logged.txt"), "hi\n")
			b, err := os.ReadFile(filepath.Join(s.home, ".local", "state", "guard", "audit.jsonl"))
			if err != nil {
				s.fail("no audit log: %v", err)
				return
			}
			for _, want := range []string{"echo hi > logged.txt", "rm -rf build"} {
				if !strings.Contains(string(b), want) && !strings.Contains(string(b), strings.ReplaceAll(want, ">", `\u003e`)) {
					s.fail("the audit log has no line for %q:\n%s", want, b)
				}
			}
		},
	},
	{
		name: "Claude Code deny rule holds after the rewrite", agents: []string{"claude-code"}, mode: "full-auto",
		files:          []string{"build/"},
		claudeSettings: `{"permissions": {"deny": ["Bash(rm:*)"]}}`,
		calls:          shellCalls("rm -rf build"),
		needs:          "issue 12 point 2 (agent's own deny rules before the rewrite)",
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
		},
	},
	{
		name: "Claude Code ask rule holds after the rewrite", agents: []string{"claude-code"}, mode: "full-auto",
		claudeSettings: `{"permissions": {"ask": ["Bash(touch:*)"]}}`,
		calls:          shellCalls("touch asked.txt"),
		needs:          "issue 12 point 2 (agent's own ask rules before the rewrite)",
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "asked.txt"))
		},
	},
	{
		// bypassPermissions skips Claude Code's own prompts, not its hooks;
		// an ask there is answered deny (Claude Code has let a hook's ask
		// through unasked in such modes), with the way to be asked.
		name: "Claude Code in bypassPermissions: guard's asks and refusals hold", agents: []string{"claude-code"}, mode: "suggest",
		files:          []string{"build/"},
		env:            []string{"IS_SANDBOX=1"}, // bypassPermissions as root
		claudeSettings: `{"permissions": {"allow": ["Bash"], "defaultMode": "bypassPermissions"}, "skipDangerousModePermissionPrompt": true}`,
		calls:          shellCalls("rm -rf build", "touch asked.txt"),
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "asked.txt"))
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
			s.sawGuard("default permission mode to be asked")
		},
	},
	{
		name: "Codex rules forbid holds after the rewrite", agents: []string{"codex"}, mode: "full-auto",
		files:      []string{"build/"},
		codexRules: `prefix_rule(pattern = ["rm"], decision = "forbidden")` + "\n",
		calls: func(a agent, s *session) []call {
			return []call{a.shell("rm -rf build", ""), a.shell(rewriteFollow, "")}
		},
		needs: "issue 12 point 2 (Codex .rules before the rewrite)",
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
		},
	},
	{
		name: "Gemini CLI policy deny holds after the rewrite", agents: []string{"gemini"}, mode: "full-auto",
		files:        []string{"build/"},
		geminiPolicy: "[[rule]]\ntoolName = \"run_shell_command\"\ncommandPrefix = \"rm\"\ndecision = \"deny\"\npriority = 900\n",
		calls:        shellCalls("rm -rf build"),
		needs:        "issue 12 point 2 (Gemini CLI policy deny rules before the rewrite)",
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
		},
	},
	{
		name: "control: Claude Code deny rule without guard", agents: []string{"claude-code"}, noHook: true,
		files:          []string{"build/"},
		claudeSettings: `{"permissions": {"deny": ["Bash(rm:*)"], "allow": ["Bash"]}}`,
		calls:          shellCalls("rm -rf build"),
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
		},
	},
	{
		name: "control: Codex rules forbid without guard", agents: []string{"codex"}, noHook: true,
		files:      []string{"build/"},
		codexRules: `prefix_rule(pattern = ["rm"], decision = "forbidden")` + "\n",
		calls:      shellCalls("rm -rf build"),
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
		},
	},
	{
		name: "control: Gemini CLI policy deny without guard", agents: []string{"gemini"}, noHook: true,
		files:        []string{"build/"},
		geminiPolicy: "[[rule]]\ntoolName = \"run_shell_command\"\ncommandPrefix = \"rm\"\ndecision = \"deny\"\npriority = 900\n",
		calls:        shellCalls("rm -rf build"),
		check: func(t *testing.T, s *session) {
			s.mustExist(filepath.Join(s.project, "build", "sub", "file.txt"))
		},
	},
	{
		name: "Codex workdir outside the project is not writable (auto-edit)", agents: []string{"codex"}, mode: "auto-edit",
		calls: func(a agent, s *session) []call {
			return []call{a.shell("touch x", s.outside)}
		},
		needs: "issue 12 point 3 (the project, not the model's workdir, is the writable root)",
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.outside, "x"))
		},
	},
	{
		name: "an inherited CLAUDE_PROJECT_DIR is not Codex's writable root", agents: []string{"codex"}, mode: "auto-edit",
		env:   []string{"CLAUDE_PROJECT_DIR=OUTSIDE"},
		calls: shellCalls("touch OUTSIDE/inherited"),
		// Codex 0.169 does not pass CLAUDE_PROJECT_DIR on to its hooks (seen
		// in the hook's environment), so this holds today; it guards the
		// case of a Codex that does.
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.outside, "inherited"))
		},
	},
	{
		name: "Codex workdir outside the project is not writable (full-auto)", agents: []string{"codex"}, mode: "full-auto",
		calls: func(a agent, s *session) []call {
			return []call{a.shell("touch y", s.outside), a.shell(rewriteFollow, s.outside)}
		},
		needs: "issue 12 point 3 (the project, not the model's workdir, is the writable root)",
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.outside, "y"))
		},
	},
}

// writeFile is the model's call of the agent's file-writing tool: Claude
// Code's Write, Gemini CLI's write_file, and for Codex (whose apply_patch
// tool is not offered to an unknown model) apply_patch through its shell
// tool, which Codex intercepts.
func writeFile(a agent, path, content string) call {
	switch a.name {
	case "claude-code":
		return call{Tool: "Write", Args: map[string]any{"file_path": path, "content": content}}
	case "gemini":
		return call{Tool: "write_file", Args: map[string]any{"file_path": path, "content": content}}
	}
	patch := "*** Begin Patch\n*** Add File: " + path + "\n+" + strings.TrimSuffix(content, "\n") + "\n*** End Patch\n"
	return a.shell("apply_patch <<'EOF'\n"+patch+"EOF\n", "")
}

// editCases are the cases for the agents' file-editing tools (issue 15).
var editCases = []tc{
	{
		name: "edit/auto-edit write inside runs", mode: "auto-edit",
		calls: func(a agent, s *session) []call {
			return []call{writeFile(a, filepath.Join(s.project, "edit.txt"), "hi\n")}
		},
		needs: "issue 15 (edit tools judged)",
		check: func(t *testing.T, s *session) {
			s.content(filepath.Join(s.project, "edit.txt"), "hi\n")
		},
	},
	{
		name: "edit/auto-edit write outside refused", mode: "auto-edit",
		calls: func(a agent, s *session) []call {
			return []call{writeFile(a, filepath.Join(s.outside, "edit.txt"), "hi\n")}
		},
		needs: "issue 15 (edit tools judged)",
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.outside, "edit.txt"))
		},
	},
	{
		name: "edit/suggest write refused", mode: "suggest",
		calls: func(a agent, s *session) []call {
			return []call{writeFile(a, filepath.Join(s.project, "edit.txt"), "hi\n")}
		},
		needs: "issue 15 (edit tools judged)",
		check: func(t *testing.T, s *session) {
			s.mustNotExist(filepath.Join(s.project, "edit.txt"))
		},
	},
}

var agents = []agent{claude, codex, geminiCLI}

func TestAgents(t *testing.T) {
	need(t)
	for _, a := range agents {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range append(append([]tc(nil), cases...), editCases...) {
				if len(c.agents) > 0 && !contains(c.agents, a.name) {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					runCase(t, a, c)
				})
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func runCase(t *testing.T, a agent, c tc) {
	if pending[a.name+"/"+c.name] {
		t.Skip("needs hook fix: " + c.needs)
	}
	s := newSession(t, a, c)
	var script []call
	// The model's script is known once the session's paths are: start the
	// server with a placeholder and fill it in.
	s.model = startModel(t, followingAPI{a.api, a, s}, nil)
	script = c.calls(a, s)
	s.model.script = script
	a.prepare(s)
	if !c.noHook {
		s.guardSetup()
	}
	if c.setup != nil {
		c.setup(t, s)
	}
	s.runAgent()
	if len(s.model.Requests()) == 0 {
		s.fail("the agent never called the model")
		return
	}
	c.check(t, s)
	if d := os.Getenv("AGENTTEST_DUMP"); d != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		os.WriteFile(filepath.Join(d, name+".txt"), []byte(strings.Join(s.model.Requests(), "\n---\n")), 0o644)
	}
	if os.Getenv("AGENTTEST_DEBUG") != "" {
		t.Logf("last turn:\n%s\noutput:\n%s", tail(s.model.LastTurn()), tail(s.out))
	}
	if t.Failed() && testing.Verbose() {
		t.Logf("requests:\n%s", strings.Join(s.model.Requests(), "\n---\n"))
	}
}

// pending lists the cases ("agent/case name") that wait for a fix on
// another branch (the case's needs): they skip with that reason until it
// lands, and are taken out of this list then.
var pending = map[string]bool{}

// followingAPI replaces a rewriteFollow call with the command guard named in
// its last answer, or with the final text when there is none.
type followingAPI struct {
	api
	a agent
	s *session
}

func (f followingAPI) serve(w http.ResponseWriter, r *http.Request, body map[string]any, c *call, id string) {
	if f.s.c.between != nil && isMainLoop(body) && !isSubagent(body) {
		f.s.c.between(f.s, f.api.results(body))
	}
	if f.s.c.sub != nil && isMainLoop(body) && isSubagent(body) {
		c = nil
		if n, sub := f.api.results(body), f.s.c.sub(f.a, f.s); n < len(sub) {
			c = &sub[n]
		}
	}
	if c != nil && c.Args["session_id"] == sessionFollow {
		// Codex's write_stdin to the session the last exec_command left
		// running.
		nc := call{Tool: c.Tool, Args: map[string]any{}}
		for k, v := range c.Args {
			nc.Args[k] = v
		}
		nc.Args["session_id"] = lastSession(body)
		c = &nc
	}
	if c != nil && isFollow(c) {
		if rw := namedRewrite(body); rw != "" {
			nc := f.a.shell(rw, workdirOf(c))
			c = &nc
		} else {
			c = nil
		}
	}
	f.api.serve(w, r, body, c, id)
}

// sessionFollow, as write_stdin's session_id, stands for the session of
// the last exec_command that is still running.
const sessionFollow = "@session"

var sessionRE = regexp.MustCompile(`session ID (\d+)`)

// lastSession finds the last running session's id in a request.
func lastSession(body map[string]any) int {
	var b strings.Builder
	collectStrings(&b, body["input"])
	m := sessionRE.FindAllStringSubmatch(b.String(), -1)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

// isSubagent reports whether a request is a subagent's: its conversation
// holds the subagent's task and not the main prompt.
func isSubagent(body map[string]any) bool {
	var b strings.Builder
	collectStrings(&b, body["input"])
	collectStrings(&b, body["messages"])
	collectStrings(&b, body["contents"])
	text := b.String()
	return strings.Contains(text, subMarker) && !strings.Contains(text, "Do the task.")
}

func isFollow(c *call) bool {
	for _, k := range []string{"cmd", "command"} {
		if v, _ := c.Args[k].(string); v == rewriteFollow {
			return true
		}
	}
	return false
}

func workdirOf(c *call) string {
	w, _ := c.Args["workdir"].(string)
	return w
}

// namedRewrite finds "Run exactly this instead: CMD" in the last tool
// result of the request.
func namedRewrite(body map[string]any) string {
	var b strings.Builder
	collectStrings(&b, body["input"])
	collectStrings(&b, body["messages"])
	collectStrings(&b, body["contents"])
	text := b.String()
	const marker = "Run exactly this instead: "
	i := strings.LastIndex(text, marker)
	if i < 0 {
		return ""
	}
	rest := text[i+len(marker):]
	if j := strings.Index(rest, ". Command: "); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest)
}
