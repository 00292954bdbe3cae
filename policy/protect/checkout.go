package protect

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// An agent's checkout is a linked git worktree of a project's own repository
// that an agent made at a place inside a protected directory of that project:
// Claude Code's `claude --worktree NAME` and its subagents' `isolation:
// worktree` check out into PROJECT/.claude/worktrees/NAME. The protected
// directory stays protected, but the checkout is a work tree of its own: the
// entries that match at any depth (.git, .claude, .envrc, .vscode...) are
// matched from its top down, as in any project, and what lies above it
// (the parent's .claude) does not cover it.
//
// Only a checkout the project's repository lists counts: the checkout's .git
// is a file naming PROJECT's common git directory's worktrees/ID, whose
// gitdir names that .git file back and whose commondir leads to that common
// directory (what `git worktree list` reads). A directory an agent makes
// there is none: making one takes writing inside .claude and inside .git,
// both protected.

// checkoutDirs are where agents make their checkouts, relative to the
// project's top: each holds one checkout per name.
var checkoutDirs = [...][2]string{{".claude", "worktrees"}}

// CheckoutTop returns the top of the innermost agent's checkout that holds
// p (p itself, or a directory above it), or "". p is absolute, clean and
// resolved through symbolic links. Only paths naming a place of
// checkoutDirs are looked at on disk (a few lstats and two small reads).
func CheckoutTop(p string) string {
	if !strings.Contains(p, "/"+checkoutDirs[0][0]+"/") {
		return ""
	}
	comps := split(p)
	for i := len(comps) - 3; i >= 0; i-- {
		for _, d := range checkoutDirs {
			if comps[i] != d[0] || comps[i+1] != d[1] {
				continue
			}
			project := "/" + strings.Join(comps[:i], "/")
			top := filepath.Join(project, d[0], d[1], comps[i+2])
			if IsCheckout(project, top) {
				return top
			}
		}
	}
	return ""
}

// IsCheckout reports whether top is a linked worktree that project's own
// repository lists: top/.git a regular file naming a directory G that lies
// in worktrees/ of project's common git directory, G/gitdir naming
// top/.git back, and G/commondir leading to that common directory.
func IsCheckout(project, top string) bool {
	if fi, err := os.Lstat(top); err != nil || !fi.IsDir() {
		return false
	}
	common := commonGitDir(project)
	if common == "" {
		return false
	}
	g, ok := gitdirFile(top + "/.git")
	if !ok || filepath.Dir(g) != common+"/worktrees" {
		return false
	}
	if fi, err := os.Lstat(g); err != nil || !fi.IsDir() {
		return false
	}
	back, err := readSmall(g + "/gitdir")
	if err != nil {
		return false
	}
	b := strings.TrimSpace(string(back))
	if !filepath.IsAbs(b) {
		b = filepath.Join(g, b) // worktree.useRelativePaths
	}
	if filepath.Clean(b) != top+"/.git" {
		return false
	}
	c, err := readSmall(g + "/commondir")
	if err != nil {
		return false
	}
	cd := strings.TrimSpace(string(c))
	if !filepath.IsAbs(cd) {
		cd = filepath.Join(g, cd)
	}
	return filepath.Clean(cd) == common
}

// commonGitDir is the common git directory of the work tree at top: its
// .git directory, or, for a linked worktree, the commondir of the git
// directory its .git file names; "" when top holds no repository (a .git
// that is a symbolic link does not count).
func commonGitDir(top string) string {
	fi, err := os.Lstat(top + "/.git")
	switch {
	case err != nil:
		return ""
	case fi.IsDir():
		return top + "/.git"
	case !fi.Mode().IsRegular():
		return ""
	}
	g, ok := gitdirFile(top + "/.git")
	if !ok {
		return ""
	}
	c, err := readSmall(g + "/commondir")
	if err != nil {
		return ""
	}
	cd := strings.TrimSpace(string(c))
	if !filepath.IsAbs(cd) {
		cd = filepath.Join(g, cd)
	}
	if fi, err := os.Lstat(cd); err != nil || !fi.IsDir() {
		return ""
	}
	return filepath.Clean(cd)
}

// gitdirFile reads a .git file (a regular file, not followed): the
// directory its "gitdir:" line names, absolute and clean.
func gitdirFile(dotgit string) (string, bool) {
	var st syscall.Stat_t
	if syscall.Lstat(dotgit, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return "", false
	}
	b, err := readSmall(dotgit)
	if err != nil {
		return "", false
	}
	s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", false
	}
	g := strings.TrimSpace(s)
	if !filepath.IsAbs(g) {
		g = filepath.Join(filepath.Dir(dotgit), g)
	}
	return filepath.Clean(g), true
}
