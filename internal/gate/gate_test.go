package gate

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// newGate builds a gate in dir with env (KEY=value entries) and flags.
func newGate(t *testing.T, dir string, opts Options, env ...string) *Gate {
	t.Helper()
	t.Chdir(dir)
	base := []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache"), "XDG_DATA_HOME=" + filepath.Join(dir, ".local/share"), "TMPDIR=" + dir}
	g, err := New(opts, append(base, env...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// goTelemetryOff turns the go command's telemetry off in a home a test
// gives it: go keeps counters under $HOME/.config/go/telemetry, and what it
// left writing there raced t.TempDir's removal ("directory not empty",
// TestPlantedGoVCS in CI).
func goTelemetryOff(t *testing.T, home string) {
	t.Helper()
	d := filepath.Join(home, ".config", "go", "telemetry")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGuardStateProtected: guard's configuration, policy layers,
// user.policy, cache, audit log and shims count as outside every writable
// root, even when the project is the home directory that holds them.
func TestGuardStateProtected(t *testing.T) {
	home, _ := filepath.EvalSymlinks(t.TempDir())
	if err := os.MkdirAll(filepath.Join(home, ".config/guard"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config/guard/config.toml"), []byte("audit_log = \""+home+"/audit.jsonl\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := newGate(t, home, Options{Mode: "auto-edit"})
	for _, target := range []string{
		".config/guard/user.policy",
		".config/guard/config.toml",
		".config/guard/extra.policy",
		".cache/guard/policies/x.json",
		".local/share/guard/shims/rm",
		"audit.jsonl",
	} {
		argv := []string{"cp", "x", filepath.Join(home, target)}
		v, d := g.Judge(argv)
		if d.Action == policy.Run {
			t.Errorf("auto-edit %s = %s (class %s), want it asked about (guard's own state)", strings.Join(argv, " "), d.Action, v.Class)
			continue
		}
		if !strings.Contains(d.Reason, "guard's own state") {
			t.Errorf("auto-edit %s: reason %q, want it to name guard's own state", strings.Join(argv, " "), d.Reason)
		}
	}
	// Full-auto refuses them, and a script's redirection is caught too.
	g = newGate(t, home, Options{Mode: "full-auto"})
	for _, argv := range [][]string{
		{"bash", "-c", "echo 'prefix_rule([\"curl\"], decision=\"allow\")' >> .config/guard/user.policy"},
		{"tee", filepath.Join(home, ".config/guard/config.toml")},
	} {
		if _, d := g.Judge(argv); d.Action != policy.Refuse {
			t.Errorf("full-auto %q = %s, want refuse (guard's own state)", argv, d.Action)
		}
	}
	// Removing or moving a directory that holds guard's state reaches it.
	g = newGate(t, home, Options{Mode: "auto-edit"})
	for _, argv := range [][]string{{"rm", "-rf", filepath.Join(home, ".config")}, {"mv", filepath.Join(home, ".config"), filepath.Join(home, "old")}} {
		if _, d := g.Judge(argv); d.Action == policy.Run {
			t.Errorf("auto-edit %q = %s, want it asked about (guard's state is below)", argv, d.Action)
		}
	}
	g = newGate(t, home, Options{Mode: "full-auto"})
	// An ordinary file in the same root still runs.
	if _, d := g.Judge([]string{"cp", "x", filepath.Join(home, "y")}); d.Action != policy.RunSandboxed {
		t.Errorf("full-auto cp x y = %s, want sandbox", d.Action)
	}
}

// TestGitPinsWin: with PinGit's environment, git reads the pinned values
// whatever the environment already says, and GIT_PAGER is cat.
func TestGitPinsWin(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	for _, env := range [][]string{
		nil,
		{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.fsmonitor", "GIT_CONFIG_VALUE_0=./evil"},
		{"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=core.pager", "GIT_CONFIG_VALUE_0=./evil", "GIT_CONFIG_KEY_1=core.fsmonitor", "GIT_CONFIG_VALUE_1=./evil"},
		{"GIT_CONFIG_PARAMETERS='core.fsmonitor'='./evil' 'core.pager'='./evil'"},
		{"GIT_PAGER=./evil", "GIT_EXTERNAL_DIFF=./evil"},
	} {
		pinned := PinGit(append([]string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}, env...))
		for key, want := range map[string]string{"core.fsmonitor": "false", "core.hooksPath": "/dev/null",
			"safe.bareRepository": "explicit", "gpg.program": "/dev/null/guard-pinned-no-gpg", "core.pager": "cat"} {
			cmd := exec.Command(git, "config", "--get", key)
			cmd.Env = pinned
			out, err := cmd.Output()
			if got := strings.TrimSpace(string(out)); err != nil || got != want {
				t.Errorf("env %q: git config --get %s = %q (%v), want %q", env, key, got, err, want)
			}
		}
		cmd := exec.Command(git, "var", "GIT_PAGER")
		cmd.Env = pinned
		if out, err := cmd.Output(); err != nil || strings.TrimSpace(string(out)) != "cat" {
			t.Errorf("env %q: git var GIT_PAGER = %q (%v), want cat", env, out, err)
		}
		if Getenv(pinned, "GIT_EXTERNAL_DIFF") != "" {
			t.Errorf("env %q: GIT_EXTERNAL_DIFF kept", env)
		}
	}
}

// TestGitRunsElsewhere: for a command that a hook allows and the agent's
// shell runs (no pins), a repository config that sets core.fsmonitor,
// core.hooksPath or a pager makes a git read unverified; booleans do not;
// guard's own runs (pinned) stay safe.
func TestGitRunsElsewhere(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	run := func(args ...string) {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	run("init", "-q", ".")
	for _, tt := range []struct {
		key, value string
		elsewhere  policy.Class
	}{
		{"core.fsmonitor", "./x", policy.Unverified},
		{"core.fsmonitor", "false", policy.Safe},
		{"core.hooksPath", ".husky/_", policy.Unverified},
		{"core.pager", "./x", policy.Unverified},
		{"pager.log", "false", policy.Safe},
		{"pager.log", "./x", policy.Unverified},
		{"gpg.program", "./x", policy.Unverified},
	} {
		run("config", tt.key, tt.value)
		for _, elsewhere := range []bool{false, true} {
			g := newGate(t, dir, Options{RunsElsewhere: elsewhere})
			v, _ := g.Judge([]string{"git", "status"})
			want := policy.Safe
			if elsewhere {
				want = tt.elsewhere
			}
			if v.Class != want {
				t.Errorf("%s=%s, runs elsewhere %v: git status = %s (%s), want %s", tt.key, tt.value, elsewhere, v.Class, v.Why(), want)
			}
		}
		run("config", "--unset", tt.key)
	}
}

// The [protect] table's secrets are the judge's too: a file named there is
// never safe to print, and a built-in secret named in not_secret is.
func TestConfigSecretsJudged(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"prod.json": "{}", ".env": "K=v", "notes.txt": "x",
		".config/guard/config.toml": "[protect]\nsecrets = [\"prod.json\"]\nnot_secret = [\".env\"]\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { policy.UseSecrets(nil) })
	g := newGate(t, dir, Options{})
	for argv, want := range map[string]policy.Class{"cat prod.json": policy.Unverified, "cat .env": policy.Safe, "cat notes.txt": policy.Safe} {
		if v, _ := g.Judge(strings.Fields(argv)); v.Class != want {
			t.Errorf("%s with secrets = [prod.json], not_secret = [.env]: %s (%s), want %s", argv, v.Class, v.Why(), want)
		}
	}
}
