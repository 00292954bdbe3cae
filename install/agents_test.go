package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeGuard writes an executable script named guard into dir that runs body.
func fakeGuard(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "guard")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func configFor(t *testing.T, agent string) (HookConfig, string) {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	c, err := HookConfigFor(agent, "", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return c, home
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o640); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keysInOrder returns the top-level keys of a JSON object in file order.
func keysInOrder(t *testing.T, data string) []string {
	t.Helper()
	o, err := parseObject([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return o.keys
}

func TestHookConfigFor(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	getenv := func(k string) string { return env[k] }
	for _, tt := range []struct {
		agent, project, env, val string
		path, codex              string
	}{
		{agent: ClaudeCode, path: "/home/u/.claude/settings.json"},
		{agent: ClaudeCode, env: "CLAUDE_CONFIG_DIR", val: "/c", path: "/c/settings.json"},
		{agent: ClaudeCode, project: "/p", env: "CLAUDE_CONFIG_DIR", val: "/c", path: "/p/.claude/settings.json"},
		{agent: Codex, path: "/home/u/.codex/hooks.json", codex: "/home/u/.codex/config.toml"},
		{agent: Codex, env: "CODEX_HOME", val: "/x/", path: "/x/hooks.json", codex: "/x/config.toml"},
		{agent: Codex, project: "/p", env: "CODEX_HOME", val: "/x", path: "/p/.codex/hooks.json", codex: "/x/config.toml"},
		{agent: Gemini, path: "/home/u/.gemini/settings.json"},
		{agent: Gemini, env: "GEMINI_CLI_HOME", val: "/g", path: "/g/.gemini/settings.json"},
		{agent: Gemini, project: "/p", path: "/p/.gemini/settings.json"},
	} {
		clear(env)
		env["HOME"] = "/home/u"
		if tt.env != "" {
			env[tt.env] = tt.val
		}
		c, err := HookConfigFor(tt.agent, tt.project, getenv)
		if err != nil {
			t.Fatalf("HookConfigFor(%s, %q): %v", tt.agent, tt.project, err)
		}
		if c.Path != tt.path || c.CodexConfig != tt.codex {
			t.Errorf("HookConfigFor(%s, %q) with %s=%s = %s, %s; want %s, %s", tt.agent, tt.project, tt.env, tt.val, c.Path, c.CodexConfig, tt.path, tt.codex)
		}
	}
	if _, err := HookConfigFor("aider", "", getenv); err == nil {
		t.Error("HookConfigFor(aider) succeeded")
	}
	if _, err := HookConfigFor(ClaudeCode, "rel", getenv); err == nil {
		t.Error("HookConfigFor with a relative project succeeded")
	}
	env["CLAUDE_CONFIG_DIR"] = "rel"
	if _, err := HookConfigFor(ClaudeCode, "", getenv); err == nil {
		t.Error("HookConfigFor with a relative CLAUDE_CONFIG_DIR succeeded")
	}
}

// TestHookCommandFailsClosed runs the hook command with a real sh: a guard
// that answers passes its answer through; a guard that is missing, fails or
// crashes makes the command exit 2 with a reason on stderr.
func TestHookCommandFailsClosed(t *testing.T) {
	dir := t.TempDir()
	okGuard := fakeGuard(t, filepath.Join(dir), `cat >/dev/null; echo '{"decision":"allow"}'`)
	for _, tt := range []struct {
		name, guard string
		code        int
		stdout      string
	}{
		{name: "answers", guard: okGuard, code: 0, stdout: `{"decision":"allow"}` + "\n"},
		{name: "missing", guard: filepath.Join(dir, "gone", "guard"), code: 2},
		{name: "exit 1", guard: fakeGuard(t, mkdir(t, dir, "one"), "exit 1"), code: 2},
		{name: "killed", guard: fakeGuard(t, mkdir(t, dir, "kill"), "kill -9 $$"), code: 2},
		{name: "not executable", guard: notExec(t, mkdir(t, dir, "noexec")), code: 2},
		{name: "quote in path", guard: fakeGuard(t, mkdir(t, dir, "it's"), `echo '{}'`), code: 0, stdout: "{}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("sh", "-c", HookCommand(ClaudeCode, tt.guard))
			cmd.Stdin = strings.NewReader(`{"tool_name":"Bash"}`)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errb.String())
			}
			if tt.code == 2 && !strings.Contains(errb.String(), "guard hook failed") {
				t.Errorf("stderr %q does not say guard failed", errb.String())
			}
			if tt.stdout != "" && out.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", out.String(), tt.stdout)
			}
		})
	}
}

func mkdir(t *testing.T, dir, name string) string {
	p := filepath.Join(dir, name)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func notExec(t *testing.T, dir string) string {
	p := fakeGuard(t, dir, "exit 0")
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSetupMergesIdempotentRemoves(t *testing.T) {
	for _, agent := range Agents {
		t.Run(agent, func(t *testing.T) {
			c, home := configFor(t, agent)
			guard := fakeGuard(t, home, "exit 0")
			event := hookSpecs[agent].event
			orig := `{
  "zeta": {"keep": [1, 2.50, "x<y>&z"]},
  "hooks": {
    "` + event + `": [
      {"matcher": "Bash", "hooks": [{"type": "command", "command": "my-own-hook", "timeout": 5}]},
      {"matcher": "Bash", "hooks": [{"type": "command", "command": "guard hook ` + agent + `"}]}
    ],
    "PostToolUse": [{"hooks": [{"type": "command", "command": "log"}]}]
  },
  "alpha": true
}`
			write(t, c.Path, orig)
			rep, err := SetupHook(c, guard)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Changed || rep.Backup != c.Path+BackupSuffix {
				t.Fatalf("first setup: %+v", rep)
			}
			if got := read(t, rep.Backup); got != orig {
				t.Errorf("backup holds %q, want the original", got)
			}
			got := read(t, c.Path)
			want := "zeta,hooks,alpha"
			if agent == Gemini {
				want += ",advanced" // excludedEnvVars (TestSetupGeminiExcludedEnv)
			}
			if k := keysInOrder(t, got); strings.Join(k, ",") != want {
				t.Errorf("top-level keys %v, want %s in that order", k, want)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(got), &doc); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, `"x<y>&z"`) || !strings.Contains(got, "2.50") {
				t.Errorf("other values changed:\n%s", got)
			}
			groups := doc["hooks"].(map[string]any)[event].([]any)
			if len(groups) != 2 {
				t.Fatalf("%d groups, want 2 (the user's, then guard's replacing the old snippet):\n%s", len(groups), got)
			}
			if cmd := groups[0].(map[string]any)["hooks"].([]any)[0].(map[string]any)["command"]; cmd != "my-own-hook" {
				t.Errorf("user's hook is now %v", cmd)
			}
			g := groups[1].(map[string]any)
			if g["matcher"] != hookSpecs[agent].matcher {
				t.Errorf("matcher %v", g["matcher"])
			}
			h := g["hooks"].([]any)
			if len(h) != 1 || h[0].(map[string]any)["command"] != HookCommand(agent, guard) {
				t.Errorf("guard's group holds %v", h)
			}
			if _, ok := doc["hooks"].(map[string]any)["PostToolUse"]; !ok {
				t.Error("PostToolUse lost")
			}
			st := InspectHook(c)
			if !st.Installed || !st.GuardOK || !st.FailsClosed || st.Guard != guard {
				t.Errorf("InspectHook = %+v", st)
			}
			if agent == Codex && (!st.Trusted || rep.TrustStep != "") {
				t.Errorf("Codex hook not trusted: %+v / %+v", st, rep)
			}

			// Idempotent: nothing written the second time.
			rep2, err := SetupHook(c, guard)
			if err != nil || rep2.Changed || rep2.TrustChanged {
				t.Errorf("second setup: %+v, %v", rep2, err)
			}
			if read(t, c.Path) != got {
				t.Error("second setup changed the file")
			}

			// Remove: guard's group goes, the rest stays.
			rep3, err := RemoveHook(c)
			if err != nil || !rep3.Changed {
				t.Fatalf("remove: %+v, %v", rep3, err)
			}
			after := read(t, c.Path)
			if strings.Contains(after, "hook "+agent) || !strings.Contains(after, "my-own-hook") || !strings.Contains(after, `"log"`) {
				t.Errorf("after remove:\n%s", after)
			}
			if st := InspectHook(c); st.Installed {
				t.Errorf("InspectHook after remove = %+v", st)
			}
			if agent == Codex {
				if h, _ := codexTrustedHash(c.CodexConfig, rep.TrustKey); h != "" {
					t.Errorf("trust still recorded after remove: %s", h)
				}
			}
			rep4, err := RemoveHook(c)
			if err != nil || rep4.Changed {
				t.Errorf("second remove: %+v, %v", rep4, err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(c.Path)); len(entries) > 4 {
				t.Errorf("left-over files: %v", entries)
			}
			for _, e := range mustReadDir(t, filepath.Dir(c.Path)) {
				if strings.Contains(e, ".guard-") && !strings.HasSuffix(e, BackupSuffix) {
					t.Errorf("temporary file left: %s", e)
				}
			}
		})
	}
}

func mustReadDir(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestSetupNewFileAndRemoveNothing(t *testing.T) {
	c, home := configFor(t, ClaudeCode)
	rep, err := RemoveHook(c)
	if err != nil || rep.Changed {
		t.Fatalf("remove with no file: %+v, %v", rep, err)
	}
	if _, err := os.Stat(c.Path); !os.IsNotExist(err) {
		t.Fatalf("remove created %s", c.Path)
	}
	guard := fakeGuard(t, home, "exit 0")
	rep, err = SetupHook(c, guard)
	if err != nil || !rep.Changed || rep.Backup != "" {
		t.Fatalf("setup on no file: %+v, %v", rep, err)
	}
	fi, err := os.Stat(c.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new settings file: %v, %v", fi, err)
	}
	if _, err := RemoveHook(c); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(read(t, c.Path)); got != "{}" {
		t.Errorf("after remove: %q, want {}", got)
	}
}

// TestSetupRefusesBadSettings: a file guard cannot parse, or whose hooks are
// not what the agent reads, is an error and nothing is written.
func TestSetupProjectFileMode(t *testing.T) {
	proj := t.TempDir()
	c, err := HookConfigFor(ClaudeCode, proj, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SetupHook(c, fakeGuard(t, t.TempDir(), "exit 0")); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{c.Path: 0o644, filepath.Dir(c.Path): 0o755 | os.ModeDir} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode(), err, want)
		}
	}
}

func TestSetupRefusesBadSettings(t *testing.T) {
	for _, src := range []string{
		"{ not json",
		`{"a": 1} {"b": 2}`,
		"[1, 2]",
		`{"hooks": []}`,
		`{"hooks": {"PreToolUse": {"matcher": "Bash"}}}`,
		"// comment\n{}",
	} {
		c, home := configFor(t, ClaudeCode)
		write(t, c.Path, src)
		_, err := SetupHook(c, fakeGuard(t, home, "exit 0"))
		if err == nil || !strings.Contains(err.Error(), c.Path) {
			t.Errorf("SetupHook on %q: err = %v, want an error naming the file", src, err)
		}
		if got := read(t, c.Path); got != src {
			t.Errorf("SetupHook on %q rewrote it: %q", src, got)
		}
		if _, err := os.Stat(c.Path + BackupSuffix); err == nil {
			t.Errorf("SetupHook on %q left a backup", src)
		}
		if _, err := RemoveHook(c); err == nil {
			t.Errorf("RemoveHook on %q succeeded", src)
		}
	}
}

// TestSetupKeepsSymlink: a settings file that is a symlink (a dotfiles
// checkout) stays one; its target is updated.
func TestSetupKeepsSymlink(t *testing.T) {
	c, home := configFor(t, Gemini)
	target := filepath.Join(home, "dotfiles", "gemini.json")
	write(t, target, `{"ui": {"theme": "x"}}`)
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, c.Path); err != nil {
		t.Fatal(err)
	}
	if _, err := SetupHook(c, fakeGuard(t, home, "exit 0")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(c.Path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("settings is no longer a symlink: %v %v", fi, err)
	}
	if got := read(t, target); !strings.Contains(got, "hook gemini") || !strings.Contains(got, "theme") {
		t.Errorf("target:\n%s", got)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want the original 0640", fi.Mode().Perm())
	}
}

func TestInspectOldSnippet(t *testing.T) {
	c, _ := configFor(t, ClaudeCode)
	write(t, c.Path, `{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"guard hook claude-code"}]}]}}`)
	st := InspectHook(c)
	if !st.Installed || st.GuardOK || st.FailsClosed {
		t.Errorf("InspectHook(old snippet) = %+v; want installed, not an absolute guard, not failing closed", st)
	}
	write(t, c.Path, "{oops")
	if st := InspectHook(c); st.Err == nil {
		t.Error("InspectHook on a broken file reported no error")
	}
}

func TestGuardHookPath(t *testing.T) {
	for _, tt := range []struct {
		cmd, agent, path string
		ok               bool
	}{
		{"guard hook codex", Codex, "guard", true},
		{"'/opt/my guard/guard' hook codex || exit 2", Codex, "/opt/my guard/guard", true},
		{`'/it'\''s/guard' hook gemini`, Gemini, "/it's/guard", true},
		{`"/usr/bin/guard-full" hook claude-code`, ClaudeCode, "/usr/bin/guard-full", true},
		{"/usr/bin/guard hook claude-code;", ClaudeCode, "/usr/bin/guard", true},
		{"guard hook codex", ClaudeCode, "", false},
		{"guard hook codex-x", Codex, "", false},
		{"/opt/bin/guard_linux_amd64 hook codex", Codex, "/opt/bin/guard_linux_amd64", true},
		{HookCommand(Codex, "/opt/bin/g"), Codex, "/opt/bin/g", true},
		{"/opt/bin/g hook codex", Codex, "", false},
		{"/opt/bin/myguard hook codex", Codex, "", false},
		{"echo guard hook codex", Codex, "", false},
		{"guard", Codex, "", false},
		{"'unterminated hook codex", Codex, "", false},
	} {
		path, ok := guardHookPath(tt.cmd, tt.agent)
		if ok != tt.ok || path != tt.path {
			t.Errorf("guardHookPath(%q, %s) = %q, %v; want %q, %v", tt.cmd, tt.agent, path, ok, tt.path, tt.ok)
		}
	}
}

// TestCodexHookHash: the hash Codex 0.169's `codex app-server` reported
// (hooks/list, currentHash) for this hook.
func TestCodexHookHash(t *testing.T) {
	e := newObject()
	e.set("type", "command")
	e.set("command", "'/usr/bin/guard' hook codex || { echo x >&2; exit 2; }")
	e.set("timeout", json.Number("30"))
	const want = "sha256:0c4ca349a37206398f7af53898e7038533d4581e3175d30b25b5ff4edb3dfa7c"
	if got := codexHookHash("Bash|apply_patch", e); got != want {
		t.Errorf("codexHookHash = %s, want %s", got, want)
	}
}

func TestCodexTrustEdits(t *testing.T) {
	c, home := configFor(t, Codex)
	guard := fakeGuard(t, home, "exit 0")
	// The user's own hook comes first: guard's group is index 1.
	write(t, c.Path, `{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"mine"}]}]}}`)
	orig := "# my settings\nmodel = \"o3\"\n\n[hooks.state.\"" + c.Path + ":pre_tool_use:0:0\"]\ntrusted_hash = \"sha256:mine\"\n\n[features]\nplugins = false # off\n"
	write(t, c.CodexConfig, orig)
	rep, err := SetupHook(c, guard)
	if err != nil || rep.TrustStep != "" || !rep.TrustChanged {
		t.Fatalf("setup: %+v, %v", rep, err)
	}
	if rep.TrustKey != c.Path+":pre_tool_use:1:0" {
		t.Errorf("trust key %s", rep.TrustKey)
	}
	got := read(t, c.CodexConfig)
	if !strings.HasPrefix(got, orig) {
		t.Errorf("config.toml's own content changed:\n%s", got)
	}
	if h, _ := codexTrustedHash(c.CodexConfig, c.Path+":pre_tool_use:0:0"); h != "sha256:mine" {
		t.Errorf("the user's trust became %q", h)
	}
	if st := InspectHook(c); !st.Trusted {
		t.Errorf("not trusted: %+v", st)
	}
	// A changed hash is replaced in place.
	stale := strings.Replace(got, rep.TrustHash, "sha256:old", 1)
	write(t, c.CodexConfig, stale)
	if st := InspectHook(c); st.Trusted {
		t.Error("a stale hash reads as trusted")
	}
	if rep, err := SetupHook(c, guard); err != nil || !rep.TrustChanged {
		t.Fatalf("re-setup: %+v, %v", rep, err)
	}
	if read(t, c.CodexConfig) != got {
		t.Errorf("re-setup did not restore the hash in place:\n%s", read(t, c.CodexConfig))
	}
	// A hook switched off in Codex's /hooks (enabled = false beside its
	// hash): Codex runs no guard (hooks-14), whatever the hash says.
	write(t, c.CodexConfig, strings.Replace(got, "trusted_hash = "+tomlString(rep.TrustHash), "trusted_hash = "+tomlString(rep.TrustHash)+"\nenabled = false", 1))
	if st := InspectHook(c); st.Trusted || !strings.Contains(st.TrustDetail, "enabled = false") {
		t.Errorf("a hook switched off reads as trusted: %+v", st)
	}
	write(t, c.CodexConfig, got)
	// Trust written some other way: guard does not edit it and says what to do.
	inline := "hooks.state = { \"" + c.Path + ":pre_tool_use:1:0\" = { trusted_hash = \"sha256:x\" } }\n"
	write(t, c.CodexConfig, inline)
	rep, err = SetupHook(c, guard)
	if err != nil || !strings.Contains(rep.TrustStep, "trusted_hash = \""+rep.TrustHash+"\"") {
		t.Errorf("inline trust: %+v, %v", rep, err)
	}
	if read(t, c.CodexConfig) != inline {
		t.Error("inline trust was rewritten")
	}
	write(t, c.CodexConfig, "model = \n")
	if rep, _ := SetupHook(c, guard); rep.TrustStep == "" {
		t.Error("a config.toml that does not parse gave no step")
	}
}

// TestCodexTrustFollowsMovedHooks: taking guard's hook out moves the hooks
// after it (Codex keys trust on positions); their trust moves with them.
func TestCodexTrustFollowsMovedHooks(t *testing.T) {
	c, home := configFor(t, Codex)
	guard := fakeGuard(t, home, "exit 0")
	h := func(cmd string) string { return `{"type":"command","command":"` + cmd + `"}` }
	write(t, c.Path, `{"hooks":{"PreToolUse":[`+
		`{"matcher":"Bash","hooks":[`+h("a")+`]},`+
		`{"matcher":"Bash","hooks":[`+h("guard hook codex")+`,`+h("c")+`]},`+
		`{"matcher":"Bash","hooks":[`+h("guard hook codex")+`]},`+
		`{"matcher":"Bash","hooks":[`+h("d1")+`,`+h("d2")+`]}]}}`)
	key := func(g, i int) string { return fmt.Sprintf("%s:pre_tool_use:%d:%d", c.Path, g, i) }
	var cfg strings.Builder
	cfg.WriteString("# mine\nmodel = \"o3\"\n")
	for _, k := range []struct{ g, i int }{{0, 0}, {1, 0}, {1, 1}, {2, 0}, {3, 0}, {3, 1}} {
		fmt.Fprintf(&cfg, "\n[hooks.state.%s]\ntrusted_hash = \"sha256:%d%d\"\nenabled = true\n", tomlString(key(k.g, k.i)), k.g, k.i)
	}
	write(t, c.CodexConfig, cfg.String())

	// Setup: guard's old handler in group 1 goes, c moves to 1:0; guard's
	// own group 2 is replaced in place with the new hook.
	rep, err := SetupHook(c, guard)
	if err != nil || rep.TrustStep != "" || rep.TrustKey != key(2, 0) {
		t.Fatalf("setup: %+v, %v", rep, err)
	}
	for k, want := range map[string]string{key(0, 0): "sha256:00", key(1, 0): "sha256:11", key(1, 1): "", key(2, 0): rep.TrustHash, key(3, 0): "sha256:30", key(3, 1): "sha256:31"} {
		if got, _ := codexTrustedHash(c.CodexConfig, k); got != want {
			t.Errorf("after setup, trust of %s = %q, want %q", k, got, want)
		}
	}
	if got := read(t, c.CodexConfig); !strings.HasPrefix(got, "# mine\nmodel = \"o3\"\n") {
		t.Errorf("config.toml's own lines changed:\n%s", got)
	}

	// Remove: group 3 (d1, d2) becomes group 2.
	if _, err := RemoveHook(c); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{key(0, 0): "sha256:00", key(1, 0): "sha256:11", key(2, 0): "sha256:30", key(2, 1): "sha256:31", key(3, 0): "", key(3, 1): ""} {
		if got, _ := codexTrustedHash(c.CodexConfig, k); got != want {
			t.Errorf("after remove, trust of %s = %q, want %q", k, got, want)
		}
	}
	if got := read(t, c.CodexConfig); strings.Count(got, "enabled = true") != 4 {
		t.Errorf("the other fields of the trust tables did not follow:\n%s", got)
	}
}

// Claude Code runs a skill's inline shell commands with no PreToolUse call:
// guard setup answers its PreSkillShellCommand event too, and remove takes
// that group out with the other.
func TestSetupClaudeSkillShell(t *testing.T) {
	c, home := configFor(t, ClaudeCode)
	guard := fakeGuard(t, home, "exit 0")
	if _, err := SetupHook(c, guard); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Hooks map[string][]struct {
			Matcher string `json:"matcher"`
			Hooks   []struct {
				Command string `json:"command"`
			} `json:"hooks"`
		} `json:"hooks"`
	}
	if err := json.Unmarshal([]byte(read(t, c.Path)), &doc); err != nil {
		t.Fatal(err)
	}
	groups := doc.Hooks["PreSkillShellCommand"]
	if len(groups) != 1 || groups[0].Matcher != "Bash|PowerShell" || len(groups[0].Hooks) != 1 ||
		groups[0].Hooks[0].Command != HookCommand(ClaudeCode, guard) {
		t.Fatalf("PreSkillShellCommand groups = %+v", groups)
	}
	if rep, err := SetupHook(c, guard); err != nil || rep.Changed {
		t.Errorf("second setup: %+v, %v", rep, err)
	}
	if st := InspectHook(c); !st.Installed || st.Missing != "" {
		t.Errorf("InspectHook after setup: %+v", st)
	}
	// A settings file from an older guard setup: PreToolUse only.
	var full map[string]any
	if err := json.Unmarshal([]byte(read(t, c.Path)), &full); err != nil {
		t.Fatal(err)
	}
	delete(full["hooks"].(map[string]any), "PreSkillShellCommand")
	b, _ := json.Marshal(full)
	write(t, c.Path, string(b))
	if st := InspectHook(c); !st.Installed || !strings.Contains(st.Missing, "PreSkillShellCommand") {
		t.Errorf("InspectHook without the skill shell event: %+v", st)
	}
	if _, err := SetupHook(c, guard); err != nil {
		t.Fatal(err)
	}
	if _, err := RemoveHook(c); err != nil {
		t.Fatal(err)
	}
	if after := read(t, c.Path); strings.Contains(after, "PreSkillShellCommand") {
		t.Errorf("after remove:\n%s", after)
	}
}

// A Claude Code settings file from an older guard setup, whose matcher
// names tools (a tool it leaves out runs unjudged: hooks-16 H16-1), is
// reported; a matcher of every tool is not.
func TestInspectOlderMatcher(t *testing.T) {
	c, home := configFor(t, ClaudeCode)
	guard := fakeGuard(t, home, "exit 0")
	if _, err := SetupHook(c, guard); err != nil {
		t.Fatal(err)
	}
	if st := InspectHook(c); st.Missing != "" {
		t.Fatalf("InspectHook after setup: %+v", st)
	}
	text := read(t, c.Path)
	for _, m := range []struct {
		matcher string
		missing bool
	}{
		{"Bash|Write|Edit|MultiEdit|NotebookEdit|Read|Grep|Glob|Skill|SlashCommand|PowerShell|Agent|Task|Workflow", true},
		{"Bash.*|Write", true},
		{"*", false},
		{"", false},
		{".*", false},
	} {
		write(t, c.Path, strings.Replace(text, `"matcher": "`+HookMatcher(ClaudeCode)+`"`, `"matcher": "`+m.matcher+`"`, 1))
		st := InspectHook(c)
		if got := strings.Contains(st.Missing, "does not take every tool"); got != m.missing {
			t.Errorf("matcher %q: Missing = %q, want it reported: %v", m.matcher, st.Missing, m.missing)
		}
	}
}

// TestSetupGeminiExcludedEnv: guard setup gemini adds the variables Gemini
// CLI acts on itself to its advanced.excludedEnvVars (a project's .env
// cannot set them then), keeping the user's entries and settings; --remove
// takes guard's out again; a non-object "advanced" is refused
// (docs/redteam/hooks-20.md).
func TestSetupGeminiExcludedEnv(t *testing.T) {
	c, home := configFor(t, Gemini)
	guard := fakeGuard(t, home, "exit 0")
	write(t, c.Path, `{"advanced": {"excludedEnvVars": ["MY_VAR", "DEBUG"], "dnsResolutionOrder": "ipv4first"}, "theme": "x"}`)
	if _, err := SetupHook(c, guard); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Advanced map[string]any `json:"advanced"`
	}
	if err := json.Unmarshal([]byte(read(t, c.Path)), &doc); err != nil {
		t.Fatal(err)
	}
	list, _ := doc.Advanced["excludedEnvVars"].([]any)
	if len(list) < 3 || list[0] != "MY_VAR" || list[1] != "DEBUG" || doc.Advanced["dnsResolutionOrder"] != "ipv4first" {
		t.Errorf("advanced after setup: %v", doc.Advanced)
	}
	for _, n := range []string{"GEMINI_SYSTEM_MD", "GEMINI_WRITE_SYSTEM_MD", "GOOGLE_GEMINI_BASE_URL", "DEBUG_MODE"} {
		if !slices.Contains(list, any(n)) {
			t.Errorf("%s not excluded: %v", n, list)
		}
	}
	// Something else changed since: --remove edits, not restores.
	write(t, c.Path, strings.Replace(read(t, c.Path), `"theme": "x"`, `"theme": "y"`, 1))
	if _, err := RemoveHook(c); err != nil {
		t.Fatal(err)
	}
	after := read(t, c.Path)
	if strings.Contains(after, "GEMINI_SYSTEM_MD") || !strings.Contains(after, "MY_VAR") || !strings.Contains(after, "ipv4first") {
		t.Errorf("after remove:\n%s", after)
	}
	// No advanced before: none after the round trip.
	write(t, c.Path, `{"theme": "x"}`)
	SetupHook(c, guard)
	write(t, c.Path, strings.Replace(read(t, c.Path), `"theme": "x"`, `"theme": "y"`, 1))
	RemoveHook(c)
	if after := read(t, c.Path); strings.Contains(after, "advanced") {
		t.Errorf("after remove, advanced left:\n%s", after)
	}
	write(t, c.Path, `{"advanced": ["x"]}`)
	if _, err := SetupHook(c, guard); err == nil || !strings.Contains(err.Error(), "advanced") {
		t.Errorf("a non-object advanced: %v", err)
	}
}
