package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// gitDirWhy is the reason a write into a directory git takes for a
// repository is protected.
const gitDirWhy = "a git directory (HEAD, with objects and refs or a commondir, config or not): git run there later runs its config and hooks (git fetch ran core.sshCommand)"

// embeddedGitDirs marks as protected (outside the roots) each write that
// lies in a directory which is, or which the edit's writes together make,
// a git directory by git's own test (is_git_directory): a HEAD, and
// objects and refs (or a commondir file naming where they are); config is
// not needed. protect.List.Resolve finds a bare repository only when its
// config exists already, and the sandbox looks for new ones after a
// command; an agent's file tool writes unsandboxed, so an Edit of
// bare/config beside bare/HEAD, objects and refs, or one patch adding all
// four, made a repository whose core.sshCommand `git fetch` ran there.
// Every directory from the write's own up to the root holding it counts;
// a name counts when it exists (followed through links, as git stats it)
// or when one of the writes makes it. Limits: HEAD's content is not read
// (any HEAD counts), and a config reached only through another
// directory's commondir is not looked for. It reports whether it marked
// any.
func embeddedGitDirs(writes []WrittenPath, roots []string) bool {
	resolved := ResolveRoots(roots)
	made := func(dir, name string) bool {
		p := dir + "/" + name
		for _, w := range writes {
			if InsideFolded(w.Resolved, p) { // x/head makes x/HEAD where case is not told apart
				return true
			}
		}
		return false
	}
	has := func(dir, name string, isDir bool) bool {
		if made(dir, name) {
			return true
		}
		fi, err := os.Stat(dir + "/" + name)
		return err == nil && (!isDir || fi.IsDir())
	}
	gitDir := map[string]bool{} // by directory, once looked at
	isGitDir := func(dir string) bool {
		g, ok := gitDir[dir]
		if !ok {
			g = gitDirectory(func(name string, isDir bool) bool { return has(dir, name, isDir) })
			gitDir[dir] = g
		}
		return g
	}
	marked := false
	for i := range writes {
		w := &writes[i]
		if !w.Inside {
			continue
		}
		root := ""
		for _, r := range resolved {
			if Inside(w.Resolved, r) && len(r) > len(root) {
				root = r
			}
		}
		if root == "" {
			continue
		}
		for dir := filepath.Dir(w.Resolved); Inside(dir, root); dir = filepath.Dir(dir) {
			if isGitDir(dir) {
				w.Inside, w.Protected, marked = false, gitDirWhy+", at "+dir, true
				break
			}
			if dir == root || dir == "/" || !strings.HasPrefix(dir, "/") {
				break
			}
		}
	}
	return marked
}
