package hook

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"guard/internal/safefile"
)

// SkillTool is Claude Code's tool that loads a skill or custom command
// (tool_input.skill names it; older versions called the tool SlashCommand).
const SkillTool = "Skill"

// SkillHooks returns the skill and command files Claude Code may load for
// the skill named name (as the Skill tool names it: "fmt", "plugin:fmt",
// "dir:cmd") whose frontmatter declares hooks of their own. Claude Code
// runs those hooks, commands the skill's file names, while the skill is
// active: no hook of guard's judges them (measured with 2.1.332: a project
// skill's PreToolUse hook ran `touch` outside the project at the next Bash
// call, in suggest mode). Its inline shell commands are judged one by one
// (SkillShellEvent); its hooks cannot be.
//
// Every file that could be the skill counts (the stricter reading): in the
// skills and commands directories of .claude in the project, in the
// directories above it up to the repository's root and in the ones below
// it (Claude Code finds nested .claude/skills as the session works there:
// nestedClaudeDirs; a tree too large to walk is NestedSkillsUnseen), in
// the user's CLAUDE_CONFIG_DIR (~/.claude), in the managed directory, and
// in the plugins (claudePluginRoots: the cache, the install paths,
// CLAUDE_CODE_PLUGIN_DIRS). A file is the skill when its directory
// (SKILL.md), its name (commands) or its frontmatter name is the last part
// of name.
//
// A skill that runs in a subagent (context: fork, agent: NAME) counts when
// that subagent's definition makes Claude Code run commands (SubagentCode):
// measured, a skill with `context: fork` and `agent: helper` started the
// helper's MCP server at its load; so does one whose frontmatter configures
// a MCP server itself (not seen to start, counted as the stricter reading).
func SkillHooks(name string, env RuleEnv) []string {
	return skillCode(name, env, 0)
}

// maxDefinitionDepth bounds the chain of definitions guard follows (a
// subagent preloading a skill that forks a subagent...): deeper counts as
// running code.
const maxDefinitionDepth = 4

func skillCode(name string, env RuleEnv, depth int) []string {
	want := definitionName(name)
	if want == "" {
		return nil
	}
	return definitionFiles(want, env, skillFiles, func(f string) bool {
		return skillRunsCode(f, env, depth)
	})
}

// skillRunsCode reports whether a skill or command file makes Claude Code
// run commands of the definitions while it is active.
func skillRunsCode(file string, env RuleEnv, depth int) bool {
	fm := frontmatter(file)
	if declaresHooks(file) || hasKey(fm, "hooks") || mcpConfigured(fm) {
		return true
	}
	if !hasKey(fm, "context") && !hasKey(fm, "agent") {
		return false
	}
	if depth >= maxDefinitionDepth {
		return true
	}
	agent, ok := frontmatterValue(fm, "agent")
	if !ok {
		if hasKey(fm, "agent") {
			return true // where the line reading cannot place it
		}
		return len(subagentCode("", false, env, depth+1)) > 0
	}
	agent = strings.Trim(strings.TrimSpace(agent), `"'`)
	if !plainName(agent) {
		return len(subagentCode("", true, env, depth+1)) > 0
	}
	return len(subagentCode(agent, false, env, depth+1)) > 0
}

// definitionName is the last part of a skill's or agent's name as a tool
// names it ("plugin:fmt", "/fmt": "fmt").
func definitionName(name string) string {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimPrefix(name, "/")
}

// definitionFiles returns the files files() finds for want (every
// definition when want is ""), below the .claude directories Claude Code
// reads definitions from, for which pred holds.
func definitionFiles(want string, env RuleEnv, files func(root, want string) []string, pred func(file string) bool) []string {
	env = env.defaults()
	var dirs []string // directories holding skills/ and commands/
	if env.Project != "" {
		project := filepath.Clean(env.Project)
		// Claude Code 2.1.332 reads the directories up to the repository's
		// root, and outside a repository every directory up to the home
		// directory (measured: a project's parent's agents and skills ran
		// their hooks and MCP servers). guard reads up to the home
		// directory (or / for a project outside it) in both cases: a .git
		// the project plants, which git would not take, must not end the
		// walk early.
		stop := "/"
		if home := filepath.Clean(env.Home); within(project, home) {
			stop = home
		}
		for dir := project; ; dir = filepath.Dir(dir) {
			dirs = append(dirs, filepath.Join(dir, ".claude"))
			if dir == stop || filepath.Dir(dir) == dir {
				break
			}
		}
		dirs = append(dirs, nestedClaudeDirs(project)...)
	}
	user := env.Getenv("CLAUDE_CONFIG_DIR")
	if user == "" {
		user = filepath.Join(env.Home, ".claude")
	}
	dirs = append(dirs, user, filepath.Join(env.ClaudeManaged, ".claude"))
	plugins := claudePluginRoots(env)
	dirs = append(dirs, plugins...)
	var out []string
	seen := map[string]bool{}
	for _, r := range dirs {
		for _, f := range files(r, want) {
			if !seen[f] && pred(f) {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	for _, f := range manifestDefinitions(plugins, claudeMarketplaceEntries(env)) {
		named := strings.TrimSuffix(filepath.Base(f), ".md")
		if filepath.Base(f) == "SKILL.md" {
			named = filepath.Base(filepath.Dir(f))
		}
		if !seen[f] && (want == "" || named == want || mayBeNamed(f, want)) && pred(f) {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// manifestDefinitions returns the definition files Claude Code's plugins
// in roots name in their manifests (.claude-plugin/plugin.json), and the
// marketplaces' entries name (claudeMarketplaceEntries): "skills",
// "commands", "agents", a path relative to the plugin's root, or a list of
// them, of a file or a directory (2.1.332 loads them besides skills/ and
// agents/, or in place of commands/). Skills, commands and agents are not
// told apart (the stricter reading: each is judged as each).
func manifestDefinitions(roots []string, entries []pluginManifest) []string {
	manifests := entries
	for _, root := range roots {
		file := filepath.Join(root, ".claude-plugin", "plugin.json")
		if top, err := settingsObject(file, false); err == nil && top != nil {
			manifests = append(manifests, pluginManifest{root: root, file: file, top: top})
		}
	}
	var out []string
	for _, m := range manifests {
		root := m.root
		for _, key := range []string{"skills", "commands", "agents"} {
			raw, ok := m.top[key]
			if !ok || isNull(raw) {
				continue
			}
			items, err := arrayElems(raw)
			if err != nil {
				items = []json.RawMessage{raw}
			}
			for _, item := range items {
				p, err := decodeString(item)
				if err != nil || p == "" {
					continue
				}
				if !filepath.IsAbs(p) {
					p = filepath.Join(root, p)
				}
				if strings.HasSuffix(p, ".md") {
					out = append(out, p)
					continue
				}
				out = append(out, globs(p, "SKILL.md", "*/SKILL.md", "*.md", "*/*.md", "*/*/*.md")...)
			}
		}
	}
	return out
}

// skillFiles returns the files under root that may be the skill want:
// skills/*/SKILL.md and commands/**.md (three levels), by directory, file
// or frontmatter name.
func skillFiles(root, want string) []string {
	var out []string
	skills, _ := filepath.Glob(filepath.Join(root, "skills", "*", "SKILL.md"))
	for _, f := range skills {
		if filepath.Base(filepath.Dir(f)) == want || mayBeNamed(f, want) {
			out = append(out, f)
		}
	}
	for _, p := range []string{"*.md", "*/*.md", "*/*/*.md"} {
		cmds, _ := filepath.Glob(filepath.Join(root, "commands", p))
		for _, f := range cmds {
			if strings.TrimSuffix(filepath.Base(f), ".md") == want || mayBeNamed(f, want) {
				out = append(out, f)
			}
		}
	}
	return out
}

// maxNestedEntries bounds the walk for the .claude directories below a
// project: a tree larger than that is not all looked at (NestedSkillsUnseen).
// (A variable for the tests.)
var maxNestedEntries = 50000

// nestedWalk is one walk's result: the .claude directories found and why
// some of the tree was not looked at ("" when all of it was).
type nestedWalk struct {
	dirs   []string
	unseen string
}

var (
	nestedMu    sync.Mutex
	nestedWalks = map[string]nestedWalk{} // by project: a hook call walks once
)

// nestedClaudeDirs returns the .claude directories below project, as
// Claude Code 2.1.332 may find them: when a tool touches a file, it looks
// for .claude/skills in every directory from the file's up to the session's
// (read in the binary; measured: a skill in a/b/c/d/.claude, in
// node_modules/pkg/.claude and behind a project link to a directory outside
// ran its hooks once the model had read a file there). So the walk has no
// depth limit, enters node_modules and follows links to directories (each
// directory once); only .git is skipped, which no repository ships and the
// agent cannot write. It stops after maxNestedEntries entries: the rest is
// unseen (NestedSkillsUnseen), not taken as empty.
func nestedClaudeDirs(project string) []string {
	return walkNested(project).dirs
}

// NestedSkillsUnseen returns why the walk for skills below project could
// not look at all of it (a tree of more than maxNestedEntries entries), ""
// when it did: a skill there may declare hooks guard has not read.
func NestedSkillsUnseen(project string) string {
	return walkNested(filepath.Clean(project)).unseen
}

func walkNested(project string) nestedWalk {
	nestedMu.Lock()
	defer nestedMu.Unlock()
	if w, ok := nestedWalks[project]; ok {
		return w
	}
	var w nestedWalk
	seen := map[[2]uint64]bool{}
	mark := func(dir string) bool { // false when dir was walked already
		fi, err := os.Stat(dir)
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return true
		}
		k := [2]uint64{uint64(st.Dev), uint64(st.Ino)}
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	n := 0
	stack := []string{project}
	mark(project)
	for len(stack) > 0 && w.unseen == "" {
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // unreadable to guard is unreadable to the agent
		}
		for _, e := range entries {
			if n++; n > maxNestedEntries {
				w.unseen = fmt.Sprintf("the tree below %s holds more than %d files and directories, too many for guard to look through for the .claude/skills directories Claude Code loads from wherever the session touches a file", project, maxNestedEntries)
				break
			}
			p := filepath.Join(dir, e.Name())
			isDir := e.IsDir()
			if e.Type()&fs.ModeSymlink != 0 {
				fi, err := os.Stat(p) // a link to a directory is one to Claude Code
				isDir = err == nil && fi.IsDir()
			}
			if !isDir || e.Name() == ".git" || !mark(p) {
				continue
			}
			if e.Name() == ".claude" {
				w.dirs = append(w.dirs, p)
			}
			stack = append(stack, p)
		}
	}
	nestedWalks[project] = w
	return w
}

// frontmatter returns the YAML frontmatter of a skill, command or agent
// file ("" when it has none), read with safefile (a FIFO cannot hold the
// hook), as Claude Code 2.1.332 finds it: a byte order mark dropped, then
// /^---\s*\n([\s\S]*?)---/ (blanks after the opening "---", JavaScript's
// \s; the frontmatter ends at the first "---" after it, wherever it is).
// Measured: a skill whose opening line was "---   ", or that began with a
// byte order mark, had its hooks run by Claude Code while guard read no
// frontmatter.
func frontmatter(file string) string {
	b, err := safefile.Read(file, 1<<20)
	if err != nil {
		return ""
	}
	s := strings.TrimPrefix(string(b), "\ufeff")
	rest, ok := strings.CutPrefix(s, "---")
	if !ok {
		return ""
	}
	blank := len(rest) - len(strings.TrimLeftFunc(rest, isJSSpace))
	nl := strings.LastIndexByte(rest[:blank], '\n')
	if nl < 0 {
		return ""
	}
	rest = rest[nl+1:]
	if i := strings.Index(rest, "---"); i >= 0 {
		return strings.ReplaceAll(rest[:i], "\r\n", "\n")
	}
	return ""
}

// isJSSpace reports whether r is white space to a JavaScript regular
// expression's \s (the set jsSpace and jsTrim spell).
func isJSSpace(r rune) bool {
	return jsTrim(string(r)) == ""
}

// mayBeNamed reports whether a skill's or agent's file may carry the name
// want in its frontmatter: its name key reads want, or the frontmatter has
// a name key guard's line reading does not take as a plain name (a flow
// mapping, an escape, a tag, an anchor, a block scalar), which YAML may
// read as any name.
func mayBeNamed(file, want string) bool {
	name := frontmatterName(file)
	if name == want {
		return true
	}
	if name == "" {
		return hasKey(frontmatter(file), "name")
	}
	return !plainName(name)
}

// plainName reports whether a name read from a frontmatter line is one
// YAML reads as written: letters, digits, '-', '_', '.', ':'.
func plainName(name string) bool {
	return strings.IndexFunc(name, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}

// The frontmatter keys, compiled on first use (not at start: most runs of
// guard never read a skill).
var (
	hooksKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^["']?hooks["']?[ \t]*:`) })
	nameKey  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^["']?name["']?[ \t]*:[ \t]*["']?([^"'\n#]*?)["']?[ \t]*(#.*)?$`)
	})
)

// declaresHooks reports whether a skill or command file's frontmatter has a
// hooks key.
func declaresHooks(file string) bool {
	return hooksKey().MatchString(frontmatter(file))
}

// frontmatterName is the name a skill's frontmatter gives it, "" if none.
func frontmatterName(file string) string {
	m := nameKey().FindStringSubmatch(frontmatter(file))
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// within reports whether path is dir or below it (both clean and
// absolute).
func within(path, dir string) bool {
	return path == dir || dir == "/" || strings.HasPrefix(path, dir+"/")
}

// DefinitionTexts returns every file Claude Code may read into the model's
// context for a Skill call naming skill (skill != ""), or an Agent call
// starting the subagent agentType (the default subagents when ""): the
// skill's or command's file, or the subagent's definition, whose text
// becomes the model's instructions. The caller judges them as reads: a
// definition that is a link to a secret sends the secret (measured with
// Claude Code 2.1.332: a project skill whose SKILL.md linked to a private
// key, with or without frontmatter, sent the key to the model at its load).
func DefinitionTexts(skill, agentType string, env RuleEnv) []string {
	all := func(string) bool { return true }
	if skill != "" {
		if want := definitionName(skill); want != "" {
			return definitionFiles(want, env, skillFiles, all)
		}
		return nil
	}
	if want := definitionName(agentType); want != "" {
		return definitionFiles(want, env, agentFiles, all)
	}
	var out []string
	for _, d := range defaultSubagents {
		out = append(out, definitionFiles(d, env, agentFiles, all)...)
	}
	return out
}
