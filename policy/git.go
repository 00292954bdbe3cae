package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// gitSafeGlobals are the global options (before git's subcommand) that
// leave a read a read. Everything else there changes what git runs or
// reads: -p/--paginate starts a pager (-P is --no-pager), -c and --config-env set
// config (core.pager, core.fsmonitor, alias.*), --exec-path picks the
// programs, --git-dir/--work-tree/--namespace another repository,
// --super-prefix, --list-cmds and --attr-source other meanings, --help a
// browser or man.
func gitSafeGlobals(s string) bool {
	switch s {
	case "--no-pager", "-P", "--no-optional-locks", "--no-replace-objects", "--literal-pathspecs",
		"--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--bare", "--no-lazy-fetch",
		"--no-advice", "--version", "--exec-path", "--html-path", "--man-path", "--info-path":
		return true
	}
	return false
}

// gitUnsafe returns the word that stops a git command line that a rule
// matched from being a plain read, or "": a global option before the
// subcommand other than -C DIR and gitSafeGlobals (a rule's options may sit
// anywhere, so `git -p log` would otherwise match log's -p), a request
// to verify signatures (--show-signature, a %G format), which runs
// gpg.program, or a ref format's %(raw), which prints a blob a tag names.
func gitUnsafe(args []string) string {
	i := 0
	for ; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		switch a := args[i]; {
		case a == "-C":
			i++
		case !gitSafeGlobals(a):
			return a
		}
	}
	// `git config WORD`: a key has a dot (user.name); a word without one
	// is a subcommand in git 2.46 and later (edit opens an editor).
	if i < len(args) && args[i] == "config" {
		var words []string
		for _, a := range args[i+1:] {
			if !strings.HasPrefix(a, "-") {
				words = append(words, a)
			}
		}
		if len(words) == 1 && !strings.Contains(words[0], ".") && words[0] != "list" && !slicesContains(args[i+1:], "--get") &&
			!slicesContains(args[i+1:], "--get-regexp") {
			return words[0]
		}
	}
	// `git tag -a NAME` with no message opens the user's editor on
	// .git/TAG_EDITMSG (core.editor, GIT_EDITOR, VISUAL, EDITOR, vi), in the
	// agent's shell or with no terminal at all: writers that open an editor
	// are asked about.
	if i < len(args) && args[i] == "tag" && tagOpensEditor(args[i+1:]) {
		return "-a (with no -m, git opens an editor for the message)"
	}
	// Any word with %G is taken as a format: it may be the value of
	// --format or --pretty given as the next word, or a -c value.
	for _, a := range args[i:] {
		if a == "--show-signature" || strings.HasPrefix(a, "--show-signature=") || strings.Contains(a, "%G") {
			return a
		}
		// A ref format's %(raw) (and %(*raw), the tag's target) prints
		// the object a ref names whole: a tag may name a blob, a file's
		// content, as `git cat-file -p ID` prints it (refused there).
		if strings.Contains(a, "%(raw") || strings.Contains(a, "%(*raw") {
			return a
		}
	}
	return ""
}

// gitCheck turns a safe or match verdict for git into unverified when
// gitUnsafe finds a word that makes it more than the rule says.
func gitCheck(program string, args []string, r Result) Result {
	if (r.Class != Safe && r.Class != Match) || filepath.Base(program) != "git" {
		return r
	}
	if w := gitUnsafe(args); w != "" {
		return Result{Class: Unverified, Err: &MatchError{Type: ErrUnknownOption, Program: program, Option: w}}
	}
	return r
}

// tagOpensEditor reports whether git tag's words make an annotated tag
// with no message given (-a or --annotate without -m, --message, -F,
// --file), for which git opens an editor.
func tagOpensEditor(words []string) bool {
	annotate, message := false, false
	for _, a := range words {
		if a == "--" {
			break
		}
		switch {
		case a == "-a" || a == "--annotate" || a == "-s" || a == "--sign" || strings.HasPrefix(a, "-u") || strings.HasPrefix(a, "--local-user"):
			annotate = true
		case a == "-m" || a == "--message" || strings.HasPrefix(a, "--message=") || len(a) > 2 && strings.HasPrefix(a, "-m"),
			a == "-F" || a == "--file" || strings.HasPrefix(a, "--file=") || len(a) > 2 && strings.HasPrefix(a, "-F"):
			message = true
		case a == "-e" || a == "--edit":
			return true
		}
	}
	return annotate && !message
}

// gitChdir returns the directory a git command line names its files
// from: cwd after each -C DIR among git's options before the subcommand
// (git changes into each in turn, a relative one from the last), cwd for
// another program. `git -C ~/.aws diff --no-index credentials /dev/null`
// printed ~/.aws/credentials, and `git -C /tmp diff --output=x` wrote
// /tmp/x, both judged as files of the working directory.
func gitChdir(argv []string, cwd string) string {
	if len(argv) == 0 || filepath.Base(argv[0]) != "git" {
		return cwd
	}
	at := cwd
	for i := 1; i < len(argv) && strings.HasPrefix(argv[i], "-"); i++ {
		switch argv[i] {
		case "-C":
			if i+1 < len(argv) {
				at = absolute(homeWord(argv[i+1]), at)
			}
			i++
		case "-c", "--config-env", "--git-dir", "--work-tree", "--namespace", "--attr-source":
			i++
		}
	}
	return at
}

// embeddedRepoWhy says why a git command would use a repository the
// working tree carries, or "". git finds its repository by walking up from
// the directory it runs in (after -C), taking at each level a .git there,
// or else the directory itself when it is a git directory (a bare
// repository: HEAD, with objects and refs or a commondir). A clone carries
// one as plain files (test/fixtures/repo.git/HEAD, config, objects, refs),
// and its config applies to every git command run in it or below:
// core.fsmonitor ran at `git -C test/fixtures/repo.git status`, and
// diff.external at `git diff` there (git 2.39). guard pins
// safe.bareRepository=explicit for the git it runs itself, but an agent
// under a hook runs its own git, whose config lookup (run pinned) finds no
// repository there and so no driver. A directory that is or lies in a .git
// (the repository's own, its worktrees' and submodules') is git's own, and
// protected: not the tree's. Cost: one lstat for a command run at a
// repository's top; otherwise the directory's path resolved and two a
// level up to the repository.
func embeddedRepoWhy(argv []string, cwd string) string {
	if len(argv) < 2 || filepath.Base(argv[0]) != "git" {
		return ""
	}
	d := gitChdir(argv, cwd)
	if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
		return "" // the usual case, a repository's top: no walk
	}
	// git walks up the directory it finds itself in, links resolved.
	for d = Resolve(d, "/"); ; d = filepath.Dir(d) {
		if inDotGit(d) {
			return ""
		}
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return ""
		}
		if gitDirectory(func(name string, isDir bool) bool {
			fi, err := os.Stat(filepath.Join(d, name))
			return err == nil && (!isDir || fi.IsDir())
		}) {
			return "git would use " + d + ", a git directory (HEAD, objects and refs) in the tree, not under a .git: " +
				"a clone can carry one, and git runs what its config names (core.fsmonitor, diff.external, core.pager)"
		}
		if d == filepath.Dir(d) || !filepath.IsAbs(d) {
			return ""
		}
	}
}

// gitDirectory is git's test for a git directory (is_git_directory): a
// HEAD, and objects and refs directories or a commondir file naming where
// they are; has reports whether the directory has a name (a directory when
// isDir). HEAD's content is not read: any HEAD counts.
func gitDirectory(has func(name string, isDir bool) bool) bool {
	return has("HEAD", false) && (has("commondir", false) || has("objects", true) && has("refs", true))
}

// inDotGit reports whether any component of p is .git (in any case, as a
// case-insensitive file system takes it).
func inDotGit(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.EqualFold(part, ".git") || Folded(part) == ".git" {
			return true
		}
	}
	return false
}
