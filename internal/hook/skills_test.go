package hook_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestSkillHooks: the skill and command files Claude Code may load for a
// Skill call, whose frontmatter declares hooks Claude Code runs unjudged
// while the skill is active.
func TestSkillHooks(t *testing.T) {
	home := t.TempDir()
	repo := filepath.Join(home, "repo")
	project := filepath.Join(repo, "pkg")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "init", "-q", repo).CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	hooks := "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n"
	files := map[string]string{
		filepath.Join(project, ".claude", "skills", "fmt", "SKILL.md"):                                "---\nname: formatter\n" + hooks + "---\nbody\n",
		filepath.Join(project, ".claude", "skills", "plain", "SKILL.md"):                              "---\nname: plain\n---\nhooks: not in the frontmatter\n",
		filepath.Join(repo, ".claude", "commands", "tools", "up.md"):                                  "---\ndescription: up\n\"hooks\": {}\n---\nx\n",
		filepath.Join(project, "web", ".claude", "skills", "nested", "SKILL.md"):                      "---\n" + hooks + "---\n",
		filepath.Join(home, ".claude", "skills", "mine", "SKILL.md"):                                  "---\r\nname: mine\r\n" + hooks + "---\r\n",
		filepath.Join(home, ".claude", "plugins", "cache", "m", "p", "1", "skills", "pl", "SKILL.md"): "---\n" + hooks + "---\n",
	}
	for f, text := range files {
		writeFile(t, f, text)
	}
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project, ClaudeManaged: filepath.Join(home, "managed")}
	for name, want := range map[string]string{
		"fmt":         filepath.Join(project, ".claude", "skills", "fmt", "SKILL.md"),
		"formatter":   filepath.Join(project, ".claude", "skills", "fmt", "SKILL.md"),
		"x:formatter": filepath.Join(project, ".claude", "skills", "fmt", "SKILL.md"),
		"up":          filepath.Join(repo, ".claude", "commands", "tools", "up.md"),
		"tools:up":    filepath.Join(repo, ".claude", "commands", "tools", "up.md"),
		"nested":      filepath.Join(project, "web", ".claude", "skills", "nested", "SKILL.md"),
		"mine":        filepath.Join(home, ".claude", "skills", "mine", "SKILL.md"),
		"p:pl":        filepath.Join(home, ".claude", "plugins", "cache", "m", "p", "1", "skills", "pl", "SKILL.md"),
		"plain":       "",
		"missing":     "",
		"":            "",
	} {
		got := hook.SkillHooks(name, env)
		if (want == "") != (len(got) == 0) || want != "" && !slices.Contains(got, want) {
			t.Errorf("SkillHooks(%q) = %q, want %q", name, got, want)
		}
	}
}

// The Skill tool's request names the skill; SlashCommand's (older Claude
// Code) holds "/name args".
func TestDecodeSkill(t *testing.T) {
	for input, want := range map[string]string{
		`"tool_name":"Skill","tool_input":{"skill":"fmt","args":"a b"}`:       "fmt",
		`"tool_name":"Skill","tool_input":{"skill":"plug:fmt"}`:               "plug:fmt",
		`"tool_name":"SlashCommand","tool_input":{"command":"/fmt src/a.go"}`: "fmt",
	} {
		req, err := hook.Decode(hook.ClaudeCode, strings.NewReader(`{"hook_event_name":"PreToolUse","cwd":"/p",`+input+`}`))
		if err != nil || !req.Skill || req.SkillName != want {
			t.Errorf("%s: Skill %v, name %q (%v), want %q", input, req.Skill, req.SkillName, err, want)
		}
	}
}

// TestNestedSkills: Claude Code 2.1.332 loads a .claude/skills directory
// from any directory between a file the session touches and the session's
// own (hooks-15 H15-2): deeper than four levels, in node_modules, behind a
// project link to a directory outside. A tree too large to look through is
// said to be so, not taken as holding none.
func TestNestedSkills(t *testing.T) {
	home := t.TempDir()
	project := filepath.Join(home, "project")
	outside := t.TempDir()
	hooks := "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n"
	for _, f := range []string{
		filepath.Join(project, "a", "b", "c", "d", "e", ".claude", "skills", "deep", "SKILL.md"),
		filepath.Join(project, "node_modules", "pkg", ".claude", "skills", "nm", "SKILL.md"),
		filepath.Join(outside, "ext", "in", ".claude", "skills", "linked", "SKILL.md"),
		filepath.Join(project, ".git", "x", ".claude", "skills", "ingit", "SKILL.md"),
	} {
		writeFile(t, f, "---\n"+hooks+"---\nbody\n")
	}
	if err := os.Symlink(filepath.Join(outside, "ext"), filepath.Join(project, "lnk")); err != nil {
		t.Fatal(err)
	}
	// A link back up makes a loop, walked once.
	if err := os.Symlink(project, filepath.Join(project, "a", "up")); err != nil {
		t.Fatal(err)
	}
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: project, ClaudeManaged: filepath.Join(home, "managed")}
	for name, found := range map[string]bool{"deep": true, "nm": true, "linked": true, "ingit": false, "missing": false} {
		if got := hook.SkillHooks(name, env); (len(got) > 0) != found {
			t.Errorf("SkillHooks(%q) = %q, want found %v", name, got, found)
		}
	}
	if why := hook.NestedSkillsUnseen(project); why != "" {
		t.Errorf("NestedSkillsUnseen of a small tree = %q", why)
	}

	big := filepath.Join(t.TempDir(), "big")
	many := filepath.Join(big, "many")
	if err := os.MkdirAll(many, 0o755); err != nil {
		t.Fatal(err)
	}
	defer hook.SetMaxNestedEntries(100)()
	for i := range 101 {
		f, err := os.Create(filepath.Join(many, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if why := hook.NestedSkillsUnseen(big); !strings.Contains(why, "more than 100 files") {
		t.Errorf("NestedSkillsUnseen of a tree of 102 entries, the bound 100 = %q", why)
	}
}

// Claude Code's plugins outside the cache (hooks-17 H17-1): the folders
// CLAUDE_CODE_PLUGIN_DIRS lists and the install paths of
// installed_plugins.json hold skills and agents as the cache's plugins do.
func TestDefinitionsInPluginRoots(t *testing.T) {
	home := t.TempDir()
	hooks := "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n"
	writeFile(t, filepath.Join(home, "dev", "plug", "skills", "fmt", "SKILL.md"), "---\nname: fmt\n"+hooks+"---\nbody\n")
	writeFile(t, filepath.Join(home, "src", "echo", "agents", "helper.md"), "---\nname: helper\n"+hooks+"---\nbody\n")
	writeFile(t, filepath.Join(home, ".claude", "plugins", "installed_plugins.json"), `{"version": 2, "plugins": {"echo@m": [{"installPath": "`+filepath.Join(home, "src", "echo")+`"}]}}`)
	vars := map[string]string{"CLAUDE_CODE_PLUGIN_DIRS": filepath.Join(home, "dev", "plug")}
	env := hook.RuleEnv{Getenv: func(k string) string { return vars[k] }, Home: home, Project: t.TempDir(), ClaudeManaged: filepath.Join(home, "managed")}
	if got := hook.SkillHooks("plug:fmt", env); len(got) != 1 {
		t.Errorf("SkillHooks(plug:fmt) = %q, want the CLAUDE_CODE_PLUGIN_DIRS plugin's skill", got)
	}
	if got := hook.SubagentCode("echo:helper", false, env); len(got) != 1 {
		t.Errorf("SubagentCode(echo:helper) = %q, want the installed plugin's agent", got)
	}
}

// A plugin's manifest names skill, command and agent paths of its own
// (hooks-17 H17-1).
func TestDefinitionsInPluginManifests(t *testing.T) {
	home := t.TempDir()
	hooks := "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks: [{type: command, command: 'touch /tmp/x'}]\n"
	root := filepath.Join(home, ".claude", "plugins", "cache", "m", "p", "1")
	writeFile(t, filepath.Join(root, ".claude-plugin", "plugin.json"), `{"name": "p", "skills": ["./extra/fmt"], "commands": "./cmds", "agents": ["./team/helper.md"]}`)
	writeFile(t, filepath.Join(root, "extra", "fmt", "SKILL.md"), "---\nname: fmt\n"+hooks+"---\nbody\n")
	writeFile(t, filepath.Join(root, "cmds", "up.md"), "---\ndescription: up\n"+hooks+"---\nbody\n")
	writeFile(t, filepath.Join(root, "team", "helper.md"), "---\nname: helper\n"+hooks+"---\nbody\n")
	env := hook.RuleEnv{Getenv: func(string) string { return "" }, Home: home, Project: t.TempDir(), ClaudeManaged: filepath.Join(home, "managed")}
	for _, name := range []string{"p:fmt", "p:up"} {
		if got := hook.SkillHooks(name, env); len(got) != 1 {
			t.Errorf("SkillHooks(%s) = %q, want the manifest's file", name, got)
		}
	}
	if got := hook.SubagentCode("p:helper", false, env); len(got) != 1 {
		t.Errorf("SubagentCode(p:helper) = %q, want the manifest's agent", got)
	}
	if got := hook.SkillHooks("p:other", env); len(got) != 0 {
		t.Errorf("SkillHooks(p:other) = %q, want none", got)
	}
}
