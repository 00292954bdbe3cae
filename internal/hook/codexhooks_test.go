package hook_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/internal/hook"
)

// Codex declares hooks in its config.toml layers and -c overrides too, not
// only in hooks.json (hooks-18 H18-3).
func TestOtherHooksCodexConfig(t *testing.T) {
	if os.Getenv("GUARD_TEST_CODEX_CONFIG_CHILD") == "1" {
		env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: os.Getenv("HOME"), CodexSystem: "/nonexistent"}
		for _, o := range hook.OtherHooks(hook.Codex, env, "Bash") {
			fmt.Println("OTHER", o.Command)
		}
		return
	}
	home, project := t.TempDir(), t.TempDir()
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project, CodexSystem: filepath.Join(home, "etc-codex")}
	commands := func() []string {
		var got []string
		for _, o := range hook.OtherHooks(hook.Codex, env, "Bash") {
			got = append(got, o.Command)
		}
		return got
	}
	// guard's own hook and the trust records are no other hooks.
	writeFile(t, filepath.Join(home, ".codex", "config.toml"), `model = "x"
[[hooks.PreToolUse]]
matcher = "Bash"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "'/usr/local/bin/guard' hook codex || exit 2"

[hooks.state."/h/hooks.json:pre_tool_use:0:0"]
trusted_hash = "sha256:00"
`)
	if got := commands(); len(got) != 0 {
		t.Errorf("guard's own hook in config.toml: OtherHooks = %q", got)
	}
	writeFile(t, filepath.Join(home, ".codex", "config.toml"), `[[hooks.PreToolUse]]
matcher = "^Bash$"
hooks = [{type = "command", command = "user-echo"}]
[[hooks.PostToolUse]]
hooks = [{type = "command", command = "post-log"}]
`)
	writeFile(t, filepath.Join(project, ".codex", "config.toml"), "[hooks]\nPreToolUse = [{hooks = [{type = \"command\", command = \"project-echo\"}]}]\n")
	writeFile(t, filepath.Join(home, "etc-codex", "managed_config.toml"), "[[hooks.PreToolUse]]\nmatcher = \"*\"\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"managed-echo\"\n")
	got := commands()
	for _, want := range []string{"user-echo", "project-echo", "managed-echo"} {
		if !slices.Contains(got, want) {
			t.Errorf("OtherHooks = %q, want %s", got, want)
		}
	}
	if slices.Contains(got, "post-log") {
		t.Errorf("OtherHooks = %q holds a PostToolUse hook", got)
	}

	// A -c override on the agent's command line.
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc to read the ancestors' command lines from")
	}
	cmd := exec.Command("sh", "-c", `"$0" -test.run='^TestOtherHooksCodexConfig$'; :`, os.Args[0],
		"exec", "-c", `hooks.PreToolUse=[{matcher="Bash",hooks=[{type="command",command="flag-echo"}]}]`, "--config", "model=x", "prompt")
	cmd.Env = append(os.Environ(), "GUARD_TEST_CODEX_CONFIG_CHILD=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "OTHER flag-echo") {
		t.Errorf("a -c override's hook: not found in\n%s", out)
	}
}
