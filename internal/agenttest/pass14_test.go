//go:build linux

package agenttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hooks-14: settings outside the project, and the environment, that switch
// the agent's hooks off while guard setup has written guard's hook and
// guard doctor found it. The agent then runs every call unjudged (the
// control: the write outside is made); guard setup and guard doctor must
// say so.
func hooksOffCase(name, agent string, env []string, setup func(t *testing.T, s *session), want string) tc {
	return tc{
		name: name, agents: []string{agent}, mode: "suggest", env: env, setup: setup,
		calls: shellCalls("touch OUTSIDE/off.txt"),
		check: func(t *testing.T, s *session) {
			// The switch is in force: guard was not asked.
			s.mustExist(filepath.Join(s.outside, "off.txt"))
			for _, args := range [][]string{{"doctor"}, {"setup", s.a.name}} {
				cmd := exec.Command(s.guard, args...)
				cmd.Env = append(s.env(), "CLAUDE_CONFIG_DIR="+s.claudeDir(), "CODEX_HOME="+s.codexDir())
				for _, e := range s.c.env {
					cmd.Env = append(cmd.Env, expand(e, s))
				}
				cmd.Dir = s.project
				out, err := cmd.CombinedOutput()
				shown := string(out)
				if i := strings.Index(shown, "agent hooks:"); i >= 0 {
					shown = shown[i:] // doctor's part on the agents
				}
				if !strings.Contains(string(out), want) || !strings.Contains(string(out), "every tool call runs unjudged") {
					s.fail("guard %s does not name %s:\n%s", args[0], want, shown)
				}
				if err == nil {
					s.fail("guard %s exits 0 while the agent runs no hook:\n%s", args[0], shown)
				}
			}
		},
	}
}

func init() {
	cases = append(cases,
		hooksOffCase("Claude Code: the user's disableAllHooks keeps guard out, and guard setup and doctor say so", "claude-code", nil,
			func(t *testing.T, s *session) {
				setJSONKey(t, filepath.Join(s.claudeDir(), "settings.json"), `"disableAllHooks": true`)
			}, `"disableAllHooks": true`),
		hooksOffCase("Claude Code: CLAUDE_CODE_SIMPLE keeps guard out, and guard setup and doctor say so", "claude-code",
			[]string{"CLAUDE_CODE_SIMPLE=1"}, nil, "CLAUDE_CODE_SIMPLE=1"),
		hooksOffCase("Codex: the user's [features] hooks = false keeps guard out, and guard setup and doctor say so", "codex", nil,
			func(t *testing.T, s *session) {
				config := filepath.Join(s.codexDir(), "config.toml")
				b, err := os.ReadFile(config)
				if err != nil {
					t.Fatal(err)
				}
				s.write(config, strings.Replace(string(b), "[features]\n", "[features]\nhooks = false\n", 1))
			}, "[features] hooks = false"),
		hooksOffCase("Codex: a hook switched off in the user's [hooks.state] keeps guard out, and guard setup and doctor say so", "codex", nil,
			func(t *testing.T, s *session) {
				// What Codex's /hooks writes: enabled = false beside the
				// trusted hash guard setup recorded.
				config := filepath.Join(s.codexDir(), "config.toml")
				b, err := os.ReadFile(config)
				if err != nil {
					t.Fatal(err)
				}
				s.write(config, regexp.MustCompile(`(?m)^(trusted_hash = "[^"]*")$`).ReplaceAllString(string(b), "$1\nenabled = false"))
			}, "enabled = false for"),
		hooksOffCase("Gemini CLI: the user's hooksConfig.enabled false keeps guard out, and guard setup and doctor say so", "gemini", nil,
			func(t *testing.T, s *session) {
				setJSONKey(t, filepath.Join(s.home, ".gemini", "settings.json"), `"hooksConfig": {"enabled": false}`)
			}, `"hooksConfig": {"enabled": false}`),
		// hooks-14: Codex runs its hooks with /bin/bash -c, which sources
		// $BASH_ENV first; a line it prints comes before guard's JSON
		// answer, and Codex then runs the command as if no hook had
		// answered (on 7c2f601 both writes outside were made).
		tc{
			name: "Codex: a line BASH_ENV prints cannot hide guard's deny", agents: []string{"codex"}, mode: "suggest",
			files: []string{"hello.txt"}, env: []string{"BASH_ENV=PROJECT/../bashenv.sh"}, setup: noisyBashEnv,
			calls: shellCalls("touch OUTSIDE/noise.txt", "ls"),
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "noise.txt"))
				// The control: an allow still runs.
				if !strings.Contains(s.model.LastTurn(), "hello.txt") {
					s.fail("ls did not run")
				}
			},
		},
		tc{
			name: "Codex: a line BASH_ENV prints cannot undo guard's sandboxed rewrite", agents: []string{"codex"}, mode: "full-auto",
			env: []string{"BASH_ENV=PROJECT/../bashenv.sh"}, setup: noisyBashEnv,
			calls: shellCalls("t=$(echo OUTSIDE); touch in.txt; touch $t/noise.txt", rewriteFollow),
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "noise.txt"))
				s.mustExist(filepath.Join(s.project, "in.txt"))
			},
		},
	)
}

// noisyBashEnv writes the BASH_ENV file of the user's: it prints a line, as
// nvm does when it switches versions.
func noisyBashEnv(t *testing.T, s *session) {
	s.write(filepath.Join(s.home, "bashenv.sh"), "echo 'Now using node v20.11.0 (npm v10.2.4)'\n")
}

// setJSONKey adds a key and value (kv, as JSON text) at the top of the JSON
// object in path.
func setJSONKey(t *testing.T, path, kv string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "{")
	if i < 0 {
		t.Fatalf("%s: no object", path)
	}
	if err := os.WriteFile(path, []byte(s[:i+1]+kv+","+s[i+1:]), 0o644); err != nil {
		t.Fatal(err)
	}
}
