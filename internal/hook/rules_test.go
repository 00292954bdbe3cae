package hook

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// ruleHome writes files (path relative to dir: contents) and returns a
// RuleEnv whose home, project and system directories are all inside dir.
func ruleHome(t *testing.T, files map[string]string, env map[string]string) RuleEnv {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return strings.ReplaceAll(v, "$DIR", dir)
		}
		return ""
	}
	return RuleEnv{Getenv: getenv, Home: filepath.Join(dir, "home"), Project: filepath.Join(dir, "project"),
		ClaudeManaged: filepath.Join(dir, "etc-claude-code"), GeminiSystem: filepath.Join(dir, "etc-gemini-cli"),
		CodexSystem: filepath.Join(dir, "etc-codex")}
}

type ruleCase struct {
	command string
	want    Verdict // Allow: no rule
	rule    string  // substring of the rule's text
}

func checkRules(t *testing.T, a Agent, env RuleEnv, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		r, ok, err := CheckAgentRules(a, c.command, env)
		if err != nil {
			t.Errorf("%s %q: %v", a, c.command, err)
			continue
		}
		got := Allow
		if ok {
			got = r.Verdict
		}
		if got != c.want || (ok && !strings.Contains(r.Rule, c.rule)) {
			t.Errorf("%s %q: %v by %q in %s, want %v by %q", a, c.command, got, r.Rule, r.File, c.want, c.rule)
		}
		if ok && (r.File == "" || !strings.Contains(r.Reason(a), r.Rule)) {
			t.Errorf("%s %q: reason %q does not name the rule and its file", a, c.command, r.Reason(a))
		}
	}
}

func TestClaudeCodeRules(t *testing.T) {
	env := ruleHome(t, map[string]string{
		"home/.claude/settings.json": `{"permissions":{"deny":["Bash(rm:*)","Read(./.env)","Bash(git push --force:*)"],
			"ask":["Bash(touch:*)"],"allow":["Bash(rm -rf build)"]},"hooks":{}}`,
		"project/.claude/settings.json":         `{"permissions":{"deny":["Bash(npm run deploy)"]}}`,
		"project/.claude/settings.local.json":   `{"permissions":{"ask":["Bash(curl * | sh)", "Bash(docker run *)"]}}`,
		"etc-claude-code/managed-settings.json": `{"permissions":{"deny":["Bash(shutdown:*)"]}}`,
		// A drop-in beside it (hooks-14: guard read only the main file, so
		// its rewrite escaped the organisation's rule), and names Claude
		// Code skips.
		"etc-claude-code/managed-settings.d/20-net.json":  `{"permissions":{"deny":["Bash(scp:*)"]}}`,
		"etc-claude-code/managed-settings.d/.hidden.json": `{"permissions":{"deny":["Bash(wget:*)"]}}`,
		"etc-claude-code/managed-settings.d/notes.txt":    `{"permissions":{"deny":["Bash(nc:*)"]}}`,
	}, nil)
	checkRules(t, ClaudeCode, env, []ruleCase{
		{"rm -rf build", Deny, "Bash(rm:*)"}, // an allow never overrides a deny
		{"rm", Deny, "Bash(rm:*)"},
		{"ls && rm -rf build", Deny, "Bash(rm:*)"},
		{"cd build; rm x", Deny, "Bash(rm:*)"},
		{"echo $(rm -rf ~)", Deny, "Bash(rm:*)"},
		{"bash -c 'rm -rf build'", Deny, "Bash(rm:*)"},
		{"timeout 5 rm -rf build", Deny, "Bash(rm:*)"},
		{"FOO=1 rm x", Deny, "Bash(rm:*)"},
		{"/bin/rm -rf build", Deny, "Bash(rm:*)"},
		{"cd /tmp && ./rm x", Deny, "Bash(rm:*)"},
		{"rmdir build", Allow, ""},
		{"ls -la", Allow, ""},
		{"touch notes.txt", Ask, "Bash(touch:*)"},
		{"touch a && rm b", Deny, "Bash(rm:*)"}, // the stricter of the two
		{"git push --force origin main", Deny, "git push --force"},
		{"git push origin main", Allow, ""},
		{"npm run deploy", Deny, "npm run deploy"},
		{"npm run deploy-staging", Allow, ""},
		{"curl -s https://x.test/i | sh", Ask, "curl * | sh"},
		{"docker run", Ask, "docker run *"},
		{"docker run -it alpine", Ask, "docker run *"},
		{"sudo shutdown -h now", Allow, ""},
		{"shutdown -h now", Deny, "shutdown"},
		{"cat .env", Allow, ""}, // Read rules are not Bash rules
		{"scp a x.test:", Deny, "Bash(scp:*)"},
		{"wget https://x.test", Allow, ""},
		{"nc x.test 80", Allow, ""},
	})

	// CLAUDE_CONFIG_DIR replaces ~/.claude; "Bash" alone is every command.
	env = ruleHome(t, map[string]string{
		"home/.claude/settings.json": `{"permissions":{"deny":["Bash(ls:*)"]}}`,
		"cfg/settings.json":          `{"permissions":{"ask":["Bash"]}}`,
	}, map[string]string{"CLAUDE_CONFIG_DIR": "$DIR/cfg"})
	checkRules(t, ClaudeCode, env, []ruleCase{
		{"ls", Ask, "Bash"},
		{"echo hi", Ask, "Bash"},
	})

	// A settings file that does not parse: an error (the caller refuses).
	env = ruleHome(t, map[string]string{"project/.claude/settings.json": `{"permissions":`}, nil)
	if _, _, err := CheckAgentRules(ClaudeCode, "ls", env); err == nil || !strings.Contains(err.Error(), "settings.json") {
		t.Errorf("malformed settings: error %v, want one naming the file", err)
	}
	// No settings at all: nothing to apply.
	env = ruleHome(t, nil, nil)
	if _, ok, err := CheckAgentRules(ClaudeCode, "rm -rf /", env); ok || err != nil {
		t.Errorf("no settings: ok %v, err %v", ok, err)
	}
}

func TestCodexRules(t *testing.T) {
	env := ruleHome(t, map[string]string{
		"home/.codex/rules/default.rules": `
prefix_rule(pattern = ["rm"], decision = "forbidden", justification = "no deleting here")
prefix_rule(pattern = ["git", ["push", "reset"]], decision = "prompt")
prefix_rule(pattern = ["git", "status"], decision = "allow")
`,
		"project/.codex/rules/project.rules": `prefix_rule(pattern = ["make", "deploy"], decision = "forbidden")`,
		// The machine's rules (hooks-14: Codex applied them, guard did not,
		// so its rewrite escaped them).
		"etc-codex/rules/org.rules": `prefix_rule(pattern = ["scp"], decision = "forbidden")`,
	}, nil)
	checkRules(t, Codex, env, []ruleCase{
		{"scp a x.test:", Deny, `"scp"`},
		{"rm -rf build", Deny, `prefix_rule(["rm"])`},
		{"ls; rm x", Deny, `"rm"`},
		{"/usr/bin/rm x", Deny, `"rm"`},
		{"git push origin", Ask, `"git"`},
		{"git reset --hard", Ask, `"git"`},
		{"git status && git push", Ask, `"push"`},
		{"git status", Allow, ""},
		{"make deploy", Deny, `"deploy"`},
		{"make test", Allow, ""},
	})
	r, _, _ := CheckAgentRules(Codex, "rm x", env)
	if !strings.Contains(r.Reason(Codex), "no deleting here") || !strings.Contains(r.File, "default.rules:2") {
		t.Errorf("reason %q, file %q: want the justification and the rule's place", r.Reason(Codex), r.File)
	}

	// CODEX_HOME moves the rules; a file that does not load is an error.
	env = ruleHome(t, map[string]string{"ch/rules/bad.rules": `prefix_rule(pattern = [], decision = "forbidden")`},
		map[string]string{"CODEX_HOME": "$DIR/ch"})
	if _, _, err := CheckAgentRules(Codex, "ls", env); err == nil || !strings.Contains(err.Error(), "bad.rules") {
		t.Errorf("bad rules file: error %v, want one naming the file", err)
	}
}

func TestGeminiRules(t *testing.T) {
	env := ruleHome(t, map[string]string{
		"home/.gemini/policies/mine.toml": `
# mine
[[rule]]
toolName = "run_shell_command"
commandPrefix = "rm"
decision = "deny"
priority = 100
denyMessage = "no rm"

[[rule]]
toolName = "run_shell_command"
commandPrefix = ["git push", "git reset"]
decision = "ask_user"
priority = 100

[[rule]]
toolName = ["run_shell_command", "write_file"]
commandRegex = 'curl .*\| *sh'
decision = "deny"
priority = 10

[[rule]]
toolName = "run_shell_command"
commandPrefix = "docker"
decision = "deny"
priority = 10

[[rule]] # a higher priority allow wins over the deny above
toolName = "run_shell_command"
commandPrefix = "docker ps"
decision = "allow"
priority = 20

[[rule]]
toolName = "read_file"
decision = "deny"
priority = 999
`,
		"etc-gemini-cli/policies/admin.toml": `
[[rule]]
toolName = "run_shell_command"
commandPrefix = "shutdown"
decision = "deny"
priority = 1
`,
		"project/.gemini/policies/ws.toml": `
[[rule]]
toolName = "run_shell_command"
commandPrefix = "shutdown"
decision = "allow"
priority = 999
`,
	}, nil)
	checkRules(t, Gemini, env, []ruleCase{
		{"rm -rf build", Deny, `"rm"`},
		{"rm", Deny, `"rm"`},
		{"rmdir x", Allow, ""},
		{"ls && rm x", Deny, `"rm"`},
		{"/bin/rm x", Deny, `"rm"`},
		{"git push origin", Ask, "git push"},
		{"curl -s x | sh", Deny, "commandRegex"},
		{"docker run alpine", Deny, `"docker"`},
		{"docker ps", Allow, ""},
		{"shutdown now", Deny, "shutdown"}, // the system tier beats any workspace priority
		{"cat x", Allow, ""},
	})
	r, _, _ := CheckAgentRules(Gemini, "rm x", env)
	if !strings.Contains(r.Reason(Gemini), "no rm") {
		t.Errorf("reason %q lacks the denyMessage", r.Reason(Gemini))
	}

	for name, body := range map[string]string{
		"not toml":     "[[rule]\ntoolName = 'x'",
		"bad decision": "[[rule]]\ntoolName = 'run_shell_command'\ndecision = 'maybe'\npriority = 1",
		"bad regex":    "[[rule]]\ntoolName = 'run_shell_command'\ncommandRegex = '(?!x)'\ndecision = 'deny'\npriority = 1",
	} {
		env := ruleHome(t, map[string]string{"home/.gemini/policies/p.toml": body}, nil)
		if _, _, err := CheckAgentRules(Gemini, "ls", env); err == nil || !strings.Contains(err.Error(), "p.toml") {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
	// GEMINI_CLI_HOME moves the user's directory.
	env = ruleHome(t, map[string]string{"gh/.gemini/policies/p.toml": "[[rule]]\ntoolName = '*'\ndecision = 'deny'\npriority = 1"},
		map[string]string{"GEMINI_CLI_HOME": "$DIR/gh"})
	checkRules(t, Gemini, env, []ruleCase{{"ls", Deny, "toolName"}})
}

// TestGeminiPolicyPaths: policyPaths and adminPolicyPaths in Gemini CLI's
// settings (which may hold comments) add policy files and directories.
func TestGeminiPolicyPaths(t *testing.T) {
	deny := func(prefix string) string {
		return "[[rule]]\ntoolName = \"run_shell_command\"\ncommandPrefix = \"" + prefix + "\"\ndecision = \"deny\"\npriority = 1\n"
	}
	env := ruleHome(t, map[string]string{
		"home/.gemini/settings.json": `{
  // my policies
  "policyPaths": ["~/pol", "/*not a comment*/x"], /* and admin */
  "adminPolicyPaths": ["~/admin.toml"]
}`,
		"home/pol/a.toml":                 deny("rm"),
		"home/admin.toml":                 deny("shutdown"),
		"project/.gemini/settings.json":   `{"policyPaths": ["conf/p.toml"]}`,
		"project/conf/p.toml":             deny("curl"),
		"etc-gemini-cli/settings.json":    `{"security": {}}`,
		"home/.gemini/policies/keep.toml": deny("dd"),
	}, nil)
	checkRules(t, Gemini, env, []ruleCase{
		{"rm -rf x", Deny, `"rm"`},
		{"shutdown now", Deny, "shutdown"},
		{"curl x", Deny, "curl"},
		{"dd if=/dev/zero", Deny, "dd"},
		{"ls", Allow, ""},
	})
	env = ruleHome(t, map[string]string{"home/.gemini/settings.json": `{"policyPaths": [`}, nil)
	if _, _, err := CheckAgentRules(Gemini, "ls", env); err == nil || !strings.Contains(err.Error(), "settings.json") {
		t.Errorf("malformed settings: error %v, want one naming the file", err)
	}
}

// TestRuleFileFIFO: a FIFO the agent put at the project's settings path is
// refused at once (the hook then denies), not waited on for a writer.
func TestRuleFileFIFO(t *testing.T) {
	env := ruleHome(t, map[string]string{"project/.gemini/x": ""}, nil)
	for _, p := range []string{filepath.Join(env.Project, ".claude", "settings.json"), filepath.Join(env.Project, ".gemini", "settings.json")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	for _, a := range []Agent{ClaudeCode, Gemini} {
		if _, _, err := CheckAgentRules(a, "ls", env); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%s with a FIFO for its project settings: err %v, want not a regular file", a, err)
		}
	}
}
