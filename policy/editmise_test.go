package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestEditMiseLoads (edits-4 E2): mise trusts a config, not the files it
// names, and at each prompt of a shell with `mise activate` runs [env]'s
// _.source scripts, reads _.file dotenvs into the shell (PROMPT_COMMAND
// runs at the next prompt) and runs [hooks] scripts, changed or not (shown
// with the real mise 2026.9 when GUARD_TEST_MISE names it). mise.toml was
// protected, what it names was not: a Write of scripts/env.sh was allowed in
// auto-edit, and a full-auto command appended to it. Its tasks are the
// project's code, run when asked, and stay writable.
func TestEditMiseLoads(t *testing.T) {
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	home, _ := filepath.EvalSymlinks(t.TempDir())
	write := func(rel, text string) {
		p := filepath.Join(proj, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	write("mise.toml", `[env]
_.source = "./scripts/env.sh"
_.file = [".env.mise", { path = "{{config_root}}/conf/.env.extra" }]

[hooks]
enter = "bash ./scripts/enter.sh"
cd = [{ script = "./scripts/cd.sh" }]

[[watch_files]]
patterns = ["src/**/*.rs"]
run = "./scripts/watch.sh"

[tasks.build]
run = "./scripts/build.sh"
`)
	write(".mise/config.toml", "[env]\n_.source = \"tools/env-b.sh\"\n")
	write(".config/mise/conf.d/x.toml", "[[env]]\n_.source = [\"tools/env-c.sh\"]\n")
	for _, rel := range []string{"scripts/env.sh", ".env.mise", "scripts/enter.sh", "scripts/build.sh", "tools/env-b.sh", "tools/env-c.sh", "README"} {
		write(rel, "# x\n")
	}
	if mise := os.Getenv("GUARD_TEST_MISE"); mise != "" {
		env := append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+home+"/state", "XDG_CONFIG_HOME="+home+"/config",
			"XDG_DATA_HOME="+home+"/data", "XDG_CACHE_HOME="+home+"/cache")
		cmd := exec.Command(mise, "trust", filepath.Join(proj, "mise.toml"))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mise trust: %v\n%s", err, out)
		}
		write("scripts/env.sh", "touch "+filepath.Join(home, "ran")+"\n")
		cmd = exec.Command(mise, "env")
		cmd.Dir, cmd.Env = proj, env
		cmd.CombinedOutput()
		if _, err := os.Stat(filepath.Join(home, "ran")); err != nil {
			t.Fatalf("premise: mise did not run the changed _.source script: %v", err)
		}
	}
	wantProtectedEdits(t, proj, home, "mise", map[string]bool{
		"scripts/env.sh": true, ".env.mise": true, "conf/.env.extra": true, "scripts/enter.sh": true,
		"scripts/cd.sh": true, "scripts/watch.sh": true, "tools/env-b.sh": true, "tools/env-c.sh": true,
		"scripts/build.sh": false, "README": false, "src/main.rs": false,
	})
}
