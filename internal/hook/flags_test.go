package hook_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/hook"
)

// Claude Code's command line gives settings of its own (hooks-18 H18-2):
// --settings (a file or JSON) and --managed-settings with rules and hooks,
// and --disallowedTools deny rules. The test binary runs under a shell whose
// command line holds them, as a hook runs under Claude Code.
func TestClaudeFlagSettings(t *testing.T) {
	if os.Getenv("GUARD_TEST_FLAGS_CHILD") == "1" {
		env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: os.Getenv("HOME"), Project: os.Getenv("HOME"),
			ClaudeManaged: "/nonexistent"}
		for _, cmd := range []string{"rm -rf build", "git push origin main", "curl example.com", "npm test", "ls"} {
			if r, ok, err := hook.CheckAgentRules(hook.ClaudeCode, cmd, env); err != nil {
				fmt.Println("ERROR", err)
			} else if ok {
				fmt.Printf("RULE %s %s %s in %s\n", cmd, r.Verdict, r.Rule, r.File)
			}
		}
		for _, o := range hook.OtherHooks(hook.ClaudeCode, env, "Bash") {
			fmt.Println("OTHER", o.Command, "in", o.File)
		}
		for _, o := range hook.PermissionHooks(env, "Bash") {
			fmt.Println("APPROVER", o.Command)
		}
		return
	}
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc to read the ancestors' command lines from")
	}
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "cfg", "extra.json"), `{"permissions": {"ask": ["Bash(npm test)"]},
	  "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "file-hook"}]}]}}`)
	cmd := exec.Command("sh", "-c", `"$0" -test.run='^TestClaudeFlagSettings$'; :`, os.Args[0],
		"--settings", `{"permissions": {"deny": ["Bash(rm:*)"]}, "hooks": {"PermissionRequest": [{"hooks": [{"type": "command", "command": "json-approver"}]}]}}`,
		"--settings=cfg/extra.json",
		"--managed-settings", `{"permissions": {"deny": ["Bash(curl:*)"]}}`,
		"--disallowedTools", "Edit,Bash(git push:*)", "Bash(chmod:*) Write", "-p", "prompt")
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "GUARD_TEST_FLAGS_CHILD=1", "HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"RULE rm -rf build deny Bash(rm:*) in --settings",
		"RULE git push origin main deny Bash(git push:*) in the --disallowedTools flag",
		"RULE curl example.com deny Bash(curl:*) in --managed-settings",
		"RULE npm test ask Bash(npm test) in " + filepath.Join(home, "cfg", "extra.json") + " (the --settings flag's file)",
		"OTHER file-hook in " + filepath.Join(home, "cfg", "extra.json"),
		"APPROVER json-approver",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "RULE ls") || strings.Contains(string(out), "ERROR") {
		t.Errorf("ls matched a rule, or an error:\n%s", out)
	}
}

// Gemini CLI's --policy and --admin-policy flags add policy files (hooks-18
// H18-2).
func TestGeminiPolicyFlags(t *testing.T) {
	if os.Getenv("GUARD_TEST_GEMINI_POLICY_CHILD") == "1" {
		env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: os.Getenv("HOME"), GeminiSystem: "/nonexistent"}
		for _, cmd := range []string{"rm -rf build", "curl example.com", "ls"} {
			if r, ok, err := hook.CheckAgentRules(hook.Gemini, cmd, env); err != nil {
				fmt.Println("ERROR", err)
			} else if ok {
				fmt.Printf("RULE %s %s\n", cmd, r.Verdict)
			}
		}
		return
	}
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc to read the ancestors' command lines from")
	}
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "pol", "rm.toml"), "[[rule]]\ntoolName = \"run_shell_command\"\ncommandPrefix = \"rm\"\ndecision = \"deny\"\npriority = 900\n")
	writeFile(t, filepath.Join(home, "admin.toml"), "[[rule]]\ntoolName = \"run_shell_command\"\ncommandPrefix = \"curl\"\ndecision = \"deny\"\npriority = 900\n")
	cmd := exec.Command("sh", "-c", `"$0" -test.run='^TestGeminiPolicyFlags$'; :`, os.Args[0], "-p", "x", "--policy", "pol", "--admin-policy="+filepath.Join(home, "admin.toml"))
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "GUARD_TEST_GEMINI_POLICY_CHILD=1", "HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"RULE rm -rf build deny", "RULE curl example.com deny"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "RULE ls") || strings.Contains(string(out), "ERROR") {
		t.Errorf("ls matched a rule, or an error:\n%s", out)
	}
}

// Claude Code's --agents flag defines subagents, JSON or a file holding it
// (hooks-18 H18-4): one with hooks, a configured MCP server or a preloaded
// skill with hooks runs code of its own; a plain one, or one naming a
// server only, does not.
func TestClaudeFlagAgents(t *testing.T) {
	if os.Getenv("GUARD_TEST_AGENTS_CHILD") == "1" {
		env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: os.Getenv("HOME"), Project: os.Getenv("HOME"),
			ClaudeManaged: "/nonexistent"}
		for _, name := range []string{"hooked", "served", "named", "plain", "skilled", "filed"} {
			fmt.Println("AGENT", name, len(hook.SubagentCode(name, false, env)))
		}
		fmt.Println("EVERY", len(hook.SubagentCode("", true, env)))
		return
	}
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc to read the ancestors' command lines from")
	}
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".claude", "skills", "fmt", "SKILL.md"), "---\nname: fmt\nhooks:\n  PreToolUse:\n    - hooks: [{type: command, command: x}]\n---\nbody\n")
	writeFile(t, filepath.Join(home, "agents.json"), `{"filed": {"description": "d", "prompt": "p", "hooks": {"Stop": []}}}`)
	cmd := exec.Command("sh", "-c", `"$0" -test.run='^TestClaudeFlagAgents$'; :`, os.Args[0], "-p", "x",
		"--agents", `{"hooked": {"description": "d", "prompt": "p", "hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "x"}]}]}},
		  "served": {"description": "d", "prompt": "p", "mcpServers": [{"s": {"command": "/bin/sh"}}]},
		  "named": {"description": "d", "prompt": "p", "mcpServers": ["github"]},
		  "plain": {"description": "d", "prompt": "p"},
		  "skilled": {"description": "d", "prompt": "p", "skills": ["fmt"]}}`,
		"--agents", "agents.json")
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "GUARD_TEST_AGENTS_CHILD=1", "HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"AGENT hooked 1", "AGENT served 1", "AGENT named 0", "AGENT plain 0", "AGENT skilled 1", "AGENT filed 1", "EVERY 4"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}
