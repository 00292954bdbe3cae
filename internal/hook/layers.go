package hook

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"guard/internal/safefile"
	"guard/policy/protect"
)

// Where each agent reads a project's own settings for a session started in a
// directory, as measured with the real agents (Claude Code 2.1.332, Codex
// 0.171.0, Gemini CLI 0.61.0): not only in that directory. A session started
// in a subdirectory of a repository (a package of a monorepo) takes settings
// from above it too, which a repository can ship and which guard must read
// as the agent does:
//
//   - Claude Code: .claude/settings.json and .claude/settings.local.json in
//     the session's directory, and .claude/settings.local.json at the root of
//     its git repository (seen: "disableAllHooks" and "env" from there
//     applied to a session started in a subdirectory; the root's
//     settings.json did not) and, for a linked worktree, at the root of the
//     main worktree, where Claude Code keeps its worktrees' local settings.
//   - Codex: .codex/ in every directory from the repository root (the
//     nearest directory above holding .git) down to the session's directory
//     (seen: a trusted root's shell_environment_policy reached a session
//     started in a subdirectory).
//   - Gemini CLI: the first .gemini/.env or .env from the session's
//     directory up to / (see geminiEnvFiles).

// gitRoot returns the nearest directory at or above dir that holds a .git
// entry (a directory, or the file of a linked worktree or submodule), ""
// when there is none. The full-auto sandbox's placeholder (a .git link to
// /dev/null/guard-placeholder at the top of /tmp) is not a repository.
func gitRoot(dir string) string {
	dir = filepath.Clean(dir)
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil && !protect.IsPlaceholder(filepath.Join(dir, ".git")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// mainWorktree returns the root of the main worktree of the linked worktree
// whose root is root (its .git a file "gitdir: DIR" whose DIR/commondir
// names the repository's .git), "" when root is no linked worktree.
func mainWorktree(root string) string {
	// safefile: a .git that is a FIFO must not hold the hook up.
	b, err := safefile.Read(filepath.Join(root, ".git"), 4096)
	if err != nil {
		return "" // a directory, or unreadable
	}
	gitdir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return ""
	}
	gitdir = strings.TrimSpace(gitdir)
	if !filepath.IsAbs(gitdir) {
		gitdir = filepath.Join(root, gitdir)
	}
	c, err := safefile.Read(filepath.Join(gitdir, "commondir"), 4096)
	if err != nil {
		return ""
	}
	common := strings.TrimSpace(string(c))
	if !filepath.IsAbs(common) {
		common = filepath.Join(gitdir, common)
	}
	common = filepath.Clean(common)
	if filepath.Base(common) != ".git" {
		return "" // a bare repository: no main worktree
	}
	return filepath.Dir(common)
}

// repoRoots memoizes gitRoot and mainWorktree by directory: a hook call
// asks for them for each check (hooks off, variables, rules).
var repoRoots sync.Map // string -> [2]string

// roots returns gitRoot(dir) and the main worktree of that root.
func roots(dir string) (root, main string) {
	if v, ok := repoRoots.Load(dir); ok {
		r := v.([2]string)
		return r[0], r[1]
	}
	root = gitRoot(dir)
	if root != "" {
		main = mainWorktree(root)
	}
	repoRoots.Store(dir, [2]string{root, main})
	return root, main
}

// claudeSettingsFiles returns the project settings files Claude Code reads
// for a session started in project, in the order it reads them.
func claudeSettingsFiles(project string) []string {
	project = filepath.Clean(project)
	files := []string{
		filepath.Join(project, ".claude", "settings.json"),
		filepath.Join(project, ".claude", "settings.local.json"),
	}
	seen := map[string]bool{project: true}
	root, main := roots(project)
	for _, dir := range []string{root, main} {
		if dir != "" && !seen[dir] {
			seen[dir] = true
			files = append(files, filepath.Join(dir, ".claude", "settings.local.json"))
		}
	}
	return files
}

// codexProjectDirs returns the directories whose .codex/ Codex reads for a
// session started in project: from the repository root down to project,
// project alone outside a repository.
func codexProjectDirs(project string) []string {
	project = filepath.Clean(project)
	root, _ := roots(project)
	if root == "" {
		return []string{project}
	}
	var dirs []string
	for dir := project; ; dir = filepath.Dir(dir) {
		dirs = append([]string{dir}, dirs...)
		if dir == root || filepath.Dir(dir) == dir {
			break
		}
	}
	return dirs
}

// geminiEnvFiles returns the env file Gemini CLI loads for a session started
// in project, when it is not the user's own: Gemini CLI loads the first
// .gemini/.env or .env it finds from project up to /, then ~/.gemini/.env or
// ~/.env (in a folder it does not trust it skips .gemini/.env and takes only
// its API key variables from a .env); nothing when that file is in home,
// whose files are the user's. A directory above
// the project is not the user's: a repository's root above the package a
// session starts in, or a directory inside a writable root (/tmp above a
// project in /tmp) that the agent could write.
func geminiEnvFiles(project, home string) []string {
	dir := filepath.Clean(project)
	home = filepath.Clean(home)
	for {
		for _, f := range []string{filepath.Join(dir, ".gemini", ".env"), filepath.Join(dir, ".env")} {
			if _, err := os.Stat(f); err == nil {
				if home != "." && dir == home {
					return nil
				}
				return []string{f}
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}
