package gate

import (
	"path/filepath"
	"strings"

	"guard/policy"
)

// checkGitPlaced adds to a match verdict's writes the work-tree files its
// git commands write from commits: a branch switched to (checkout, switch),
// merged or rebased onto (merge, rebase), the commits cherry-picked or
// reverted, a stash popped or applied. The verdict's writes held the
// repository's top only, which is inside the root, while such a command
// writes whatever the commits hold, protected names included: in auto-edit
// `git merge --no-edit feature` created .envrc (direnv runs it) and
// .vscode/tasks.json (a folderOpen task) from a branch, where `cp x .envrc`
// is asked about. Listed from git (the names that differ between HEAD and
// each revision the command names, or that the commits or stash change),
// every one is then decided as any written path is (protected, outside the
// roots through a link). A list git cannot give, or one over the bound,
// makes the command unverified.
//
// Limits: a revision made by an earlier command of the same script (a
// fetch, a commit) is listed as it is now; words are taken as revisions
// when git resolves them to a commit (a branch to be created is none).
func (g *Gate) checkGitPlaced(v *policy.Verdict) {
	if v.Class != policy.Match {
		return
	}
	dirs := v.Dirs
	if len(dirs) == 0 {
		dirs = []string{g.Cwd}
	}
	done := map[string]bool{}
	for _, c := range v.Commands {
		if len(c) < 2 || filepath.Base(c[0]) != "git" {
			continue
		}
		sub, words := gitPlacingWords(c[1:])
		if sub == "" {
			continue
		}
		globals := gitGlobals(c[1:])
		for _, dir := range dirs {
			dir, globals := gitWhere(dir, globals)
			key := dir + "\x00" + strings.Join(globals, "\x00") + "\x00" + sub + "\x00" + strings.Join(words, "\x00")
			if done[key] {
				continue
			}
			done[key] = true
			names, why := g.gitPlacedNames(globals, dir, sub, words)
			if why != "" {
				v.Class, v.Unknown = policy.Unverified, true
				v.Reason = why
				return
			}
			if len(names) == 0 {
				continue
			}
			top, _, _, err := g.runGit(dir, append(append([]string{}, globals...), "rev-parse", "--show-toplevel"), nil)
			if top = strings.TrimSuffix(top, "\n"); err != nil || !filepath.IsAbs(top) {
				v.Class, v.Unknown = policy.Unverified, true
				v.Reason = "git " + sub + " writes files from commits, and git cannot say where its work tree is"
				return
			}
			for _, n := range names {
				v.Writes = append(v.Writes, filepath.Join(top, n))
			}
		}
	}
}

// maxPlacedNames bounds the names one command's listing may give.
const maxPlacedNames = 20000

// gitPlacingWords returns the subcommand of git's args when it writes
// work-tree files from commits (checkout, switch, merge, rebase,
// cherry-pick, revert, stash pop/apply), with the words after it that are
// no options ("" when the subcommand is none of those).
func gitPlacingWords(args []string) (string, []string) {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		if args[i] == "-C" || args[i] == "-c" {
			i++
		}
		i++
	}
	if i >= len(args) {
		return "", nil
	}
	sub := args[i]
	switch sub {
	case "checkout", "switch", "merge", "rebase", "cherry-pick", "revert", "stash":
	default:
		return "", nil
	}
	var words []string
	for _, a := range args[i+1:] {
		if a == "--" {
			break
		}
		switch {
		case a == "-":
			words = append(words, "@{-1}") // the branch before: `git checkout -`, `git merge -`
		case !strings.HasPrefix(a, "-"):
			words = append(words, a)
		}
	}
	if sub == "stash" {
		if len(words) == 0 || words[0] != "pop" && words[0] != "apply" {
			return "", nil
		}
		return "stash " + words[0], words[1:]
	}
	return sub, words
}

// gitPlacedNames lists the work-tree names (relative to the top) the
// command may write, or why it cannot be listed.
func (g *Gate) gitPlacedNames(globals []string, dir, sub string, words []string) ([]string, string) {
	run := func(args ...string) (string, bool) {
		out, over, _, err := g.runGit(dir, append(append([]string{}, globals...), args...), nil)
		return out, err == nil && !over
	}
	cantList := "git " + sub + " writes files from commits, which guard cannot list to judge them"
	var lists []string
	switch sub {
	case "stash pop", "stash apply":
		ref := "stash@{0}"
		if len(words) > 0 {
			ref = words[0]
		}
		out, ok := run("stash", "show", "-z", "--name-only", "--no-renames", "--include-untracked", ref)
		if !ok {
			return nil, "" // no such stash: git fails, writing nothing
		}
		lists = append(lists, out)
	default:
		head, headOK := run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
		head = strings.TrimSpace(head)
		for _, w := range words {
			if strings.Contains(w, "..") && (sub == "cherry-pick" || sub == "revert") {
				out, ok := run("log", "-z", "--format=", "--name-only", "--no-renames", "-m", w, "--")
				if !ok {
					return nil, cantList
				}
				lists = append(lists, out)
				continue
			}
			rev, ok := run("rev-parse", "--verify", "--quiet", "--end-of-options", w+"^{commit}")
			if rev = strings.TrimSpace(rev); !ok || rev == "" {
				continue // no revision (a branch to create, a message, a path): nothing placed from it
			}
			var out string
			switch {
			case sub == "cherry-pick" || sub == "revert":
				out, ok = run("diff-tree", "-z", "-r", "-m", "--root", "--no-commit-id", "--name-only", "--no-renames", rev)
			case headOK && head != "":
				out, ok = run("diff", "-z", "--name-only", "--no-renames", head, rev, "--")
			default:
				out, ok = run("ls-tree", "-z", "-r", "--name-only", "--full-tree", rev)
			}
			if !ok {
				return nil, cantList
			}
			lists = append(lists, out)
		}
	}
	seen := map[string]bool{}
	var names []string
	for _, l := range lists {
		for _, n := range strings.Split(l, "\x00") {
			if n = strings.Trim(n, "\n"); n == "" || seen[n] {
				continue
			}
			seen[n] = true
			names = append(names, n)
			if len(names) > maxPlacedNames {
				return nil, "git " + sub + " writes more files from commits than guard lists to judge them"
			}
		}
	}
	return names, ""
}
