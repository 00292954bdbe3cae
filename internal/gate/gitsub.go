package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"guard/policy"
)

// A repository's submodules are repositories of their own, with their own
// config: git status and git diff run `git status` inside each gitlink
// whose directory holds a .git, and a read there refreshes that
// repository's index through the clean filter its config names. The pins
// reach those gits (git passes its config parameters on), but filters and
// diff drivers cannot be pinned, and the superproject's config says
// nothing of the submodule's: `git status` in a repository with a nested
// one (a gitlink, committed or added) whose config sets filter.x.clean and
// whose .gitattributes selects it ran that program. diff.ignoreSubmodules
// cannot be pinned instead: a .gitmodules `ignore = none` wins over it.
// So every populated gitlink is asked about, as the repository itself is,
// and so are its own, maxSubmoduleDepth deep and maxSubmodules in all.

const (
	maxSubmodules     = 64
	maxSubmoduleDepth = 4
)

// gitlinkWriter keeps the paths of the gitlinks (mode 160000) in the
// output of `git ls-files -s -z` as it streams by.
type gitlinkWriter struct {
	partial []byte
	paths   []string
	over    bool
}

func (w *gitlinkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, 0)
		if i < 0 {
			if len(w.partial)+len(p) > 1<<16 {
				w.over = true // no path is this long
			} else {
				w.partial = append(w.partial, p...)
			}
			break
		}
		rec := append(w.partial, p[:i]...)
		p = p[i+1:]
		if bytes.HasPrefix(rec, []byte("160000 ")) {
			if tab := bytes.IndexByte(rec, '\t'); tab >= 0 {
				w.paths = append(w.paths, string(rec[tab+1:]))
				if len(w.paths) > maxSubmodules {
					w.over = true
				}
			}
		}
		w.partial = rec[:0]
	}
	return n, nil
}

// submoduleDrivers returns why a populated submodule of the repository git
// finds in dir (with globals) would run programs on a read, or "".
func (g *Gate) submoduleDrivers(globals []string, dir string, depth int, left *int) string {
	git, err := g.gitBinary()
	if err != nil {
		return ""
	}
	const slow = "git took too long to list this repository's submodules, whose config guard must check"
	if g.gitStalled {
		return slow
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitCheckTimeout)
	defer cancel()
	args := append(append([]string{}, globals...), "ls-files", "-s", "-z", "--full-name", "--", ":/")
	cmd := exec.CommandContext(ctx, git, args...)
	cmd.Dir = dir
	cmd.Env = PinGit(g.Env)
	w := &gitlinkWriter{}
	cmd.Stdout = w
	err = cmd.Run()
	switch {
	case ctx.Err() != nil:
		g.gitStalled = true
		return slow
	case err != nil:
		return "" // no repository, or git refused it: gitDriversSet answers for that
	case w.over:
		return fmt.Sprintf("the repository has more than %d submodules: too many to check their git config", maxSubmodules)
	case len(w.paths) == 0:
		return ""
	}
	out, _, timedOut, err := g.runGit(dir, append(append([]string{}, globals...), "rev-parse", "--show-toplevel"), nil)
	top := strings.TrimSuffix(out, "\n")
	if timedOut || err != nil || !filepath.IsAbs(top) {
		return "git cannot say where this repository's submodules are, whose config guard must check"
	}
	for _, p := range w.paths {
		sub := filepath.Join(top, p)
		if _, err := os.Lstat(filepath.Join(sub, ".git")); err != nil {
			continue // not populated: git does not enter it
		}
		if *left--; *left < 0 || depth >= maxSubmoduleDepth {
			return "the repository's submodules are nested too deep or too many to check their git config"
		}
		if why := g.gitDriversSet(nil, sub, ""); why != "" {
			return "in the submodule " + p + ", which git status and diff enter: " + why
		}
		if why := g.submoduleDrivers(nil, sub, depth+1, left); why != "" {
			return why
		}
	}
	return ""
}

// gitFileKeys name files a git read opens and prints a line of when the
// line is not an object name: `git blame` with blame.ignoreRevsFile and
// `git fsck` with fsck.skipList answer "fatal: invalid object name: LINE".
// Named by a repository's config (or, relative, by the user's config and
// then a link in the work tree) a token file's first line was printed.
//
// core.worktree is asked with them: a repository that moves its work tree
// (to the home directory, with an index that lists tok.txt) made `git
// diff` print ~/tok.txt as the work tree's side of the diff.
const gitFileKeys = `^(blame\.ignorerevsfile|fsck\.skiplist|core\.worktree)$`

// gitFileKey reports whether key (as git config prints it, lower case)
// is one of gitFileKeys.
func gitFileKey(key string) bool {
	switch key {
	case "blame.ignorerevsfile", "fsck.skiplist", "core.worktree":
		return true
	}
	return false
}

// gitFilesRead returns why a file that git's config names for a read is
// one guard would not let a command print, or "": lines are the
// gitFileKeys settings of `git config --show-scope --get-regexp`.
func (g *Gate) gitFilesRead(globals []string, dir string, lines []string) string {
	top := ""
	for _, line := range lines {
		scope, setting, _ := strings.Cut(line, "\t")
		key, val, _ := strings.Cut(setting, " ")
		switch {
		case key == "core.worktree" && !trustedGitScope(scope):
			return "the repository's git config moves its work tree (" + key + " " + val + "): git prints files there"
		case key == "core.worktree":
			continue
		case !trustedGitScope(scope):
			return "the repository's git config names a file git reads and prints a line of (" + key + " " + val + ")"
		}
		p := val
		switch {
		case p == "~" || strings.HasPrefix(p, "~/"):
			p = g.Home + p[1:]
		case !filepath.IsAbs(p):
			if top == "" {
				o, _, _, err := g.runGit(dir, append(append([]string{}, globals...), "rev-parse", "--show-toplevel"), nil)
				if top = strings.TrimSuffix(o, "\n"); err != nil || !filepath.IsAbs(top) {
					return "git cannot say where " + key + " " + val + " is, a file git reads and prints a line of"
				}
			}
			p = filepath.Join(top, p)
		}
		if d, _ := policy.DecideRead([]string{p}, policy.Suggest, g.ProtectList(), g.Home); d.Action != policy.Run {
			return "git reads " + p + " (" + key + ") and prints a line of it: " + d.Reason
		}
	}
	return ""
}
