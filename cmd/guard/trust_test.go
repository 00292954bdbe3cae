package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandEnvCannotLoosen: what an agent's command can set (GUARD_MODE,
// GUARD_CONFIG, XDG_CONFIG_HOME, HOME for one command, guard's own flags)
// does not loosen the mode the user's configuration sets, through a shim,
// or a guard above that judges the command; and the refusal does not tell
// the agent to raise the mode. (The e2e policy calls any `sh -c` safe, so
// the guard above is given `bash -c`, judged by the default policy.)
func TestCommandEnvCannotLoosen(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	w.write(filepath.Join(w.configDir(), "config.toml"), "mode = \"suggest\"\n", 0o644)
	evil := w.write("evil/guard/config.toml", "mode = \"full-auto\"\nwritable_roots = [\"/\"]\nsandbox = \"best-effort\"\n", 0o644)
	evilHome := filepath.Dir(filepath.Dir(evil))
	for _, script := range []string{
		"GUARD_MODE=auto-edit rm -f victim",
		"GUARD_MODE=full-auto rm -f victim",
		"export GUARD_MODE=auto-edit; rm -f victim",
		"env GUARD_MODE=auto-edit rm -f victim",
		"GUARD_MODE=auto-edit bash -c 'rm -f victim; true'",
		"GUARD_CONFIG=" + evil + " GUARD_MODE=auto-edit rm -f victim",
		"XDG_CONFIG_HOME=" + evilHome + " GUARD_MODE=auto-edit rm -f victim",
		"XDG_CONFIG_HOME=" + evilHome + " rm -f victim",
		"GUARD_CONFIG=" + evil + " rm -f victim",
		"export XDG_CONFIG_HOME=" + evilHome + "; rm -f victim",
		"guard --mode auto-edit -- rm -f victim",
		"GUARD_MODE=auto-edit guard -- rm -f victim",
	} {
		for _, how := range []string{"shim", "guard -- bash -c"} {
			w.write("work/victim", "keep me\n", 0o644)
			var r outcome
			if how == "shim" {
				cmd := w.command("bash", "--noprofile", "--norc", "-c", script)
				cmd.Env = append(cmd.Env, "PATH="+w.shims+":"+filepath.Dir(w.guard)+":"+systemPath)
				r = execute(t, cmd)
			} else {
				cmd := w.guardCmd("--", "bash", "-c", script)
				cmd.Env = append(cmd.Env, "PATH="+w.shims+":"+filepath.Dir(w.guard)+":"+systemPath)
				r = execute(t, cmd)
			}
			if _, err := os.Stat(w.path("work/victim")); err != nil {
				t.Errorf("%s %q: victim removed (%s); the user's config says suggest", how, script, r)
			}
			if _, allow, ok := strings.Cut(r.stderr, "to allow:"); ok && strings.Contains(allow, "mode") {
				t.Errorf("%s %q: the refusal coaches the agent: %q", how, script, r.stderr)
			}
		}
	}
}

// TestAgentEnvMayLoosen: the environment the agent was started with
// chooses the mode when the configuration sets none.
func TestAgentEnvMayLoosen(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	cmd := w.command("bash", "--noprofile", "--norc", "-c", "rm -f victim")
	cmd.Env = append(cmd.Env, "PATH="+w.shims+":"+systemPath, "GUARD_MODE=auto-edit")
	if r := execute(t, cmd); r.code != 0 {
		t.Errorf("GUARD_MODE=auto-edit in the agent's environment, no mode in the config: rm -f victim: %s, want it run", r)
	}
}
