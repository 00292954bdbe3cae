package hook

import (
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

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
// it (Claude Code finds nested .claude/skills as the session works there;
// the walk is bounded), in the user's CLAUDE_CONFIG_DIR (~/.claude), in the
// managed directory, and in the installed plugins. A file is the skill when
// its directory (SKILL.md), its name (commands) or its frontmatter name is
// the last part of name.
func SkillHooks(name string, env RuleEnv) []string {
	return definitionHooks(name, env, skillFiles)
}

// definitionHooks returns the files files() finds for name, below the
// .claude directories Claude Code reads definitions from, that declare
// hooks.
func definitionHooks(name string, env RuleEnv, files func(root, want string) []string) []string {
	env = env.defaults()
	want := name
	if i := strings.LastIndexByte(want, ':'); i >= 0 {
		want = want[i+1:]
	}
	want = strings.TrimPrefix(want, "/")
	if want == "" {
		return nil
	}
	var dirs []string // directories holding skills/ and commands/
	if env.Project != "" {
		project := filepath.Clean(env.Project)
		root, _ := roots(project)
		for dir := project; ; dir = filepath.Dir(dir) {
			dirs = append(dirs, filepath.Join(dir, ".claude"))
			if root == "" || dir == root || filepath.Dir(dir) == dir {
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
	dirs = append(dirs, globs(filepath.Join(user, "plugins", "cache"), "*/*/*", "*/*")...)
	var out []string
	seen := map[string]bool{}
	for _, r := range dirs {
		for _, f := range files(r, want) {
			if !seen[f] && declaresHooks(f) {
				seen[f] = true
				out = append(out, f)
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
		if filepath.Base(filepath.Dir(f)) == want || frontmatterName(f) == want {
			out = append(out, f)
		}
	}
	for _, p := range []string{"*.md", "*/*.md", "*/*/*.md"} {
		cmds, _ := filepath.Glob(filepath.Join(root, "commands", p))
		for _, f := range cmds {
			if strings.TrimSuffix(filepath.Base(f), ".md") == want || frontmatterName(f) == want {
				out = append(out, f)
			}
		}
	}
	return out
}

// nestedClaudeDirs returns the .claude directories below project, at most
// four levels down, skipping .git and node_modules, within a bounded walk.
func nestedClaudeDirs(project string) []string {
	var out []string
	n := 0
	filepath.WalkDir(project, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if n++; n > 4000 {
			return filepath.SkipAll
		}
		rel, _ := filepath.Rel(project, p)
		if rel == "." {
			return nil
		}
		switch d.Name() {
		case ".git", "node_modules":
			return filepath.SkipDir
		case ".claude":
			out = append(out, p)
			return filepath.SkipDir
		}
		if strings.Count(rel, string(filepath.Separator)) >= 3 {
			return filepath.SkipDir
		}
		return nil
	})
	return out
}

// frontmatter returns the YAML frontmatter of a skill or command file
// ("" when it has none), read with safefile (a FIFO cannot hold the hook).
func frontmatter(file string) string {
	b, err := safefile.Read(file, 1<<20)
	if err != nil {
		return ""
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "\n---"); i >= 0 {
		return rest[:i+1]
	}
	return ""
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
