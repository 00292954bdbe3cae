package gate

import (
	"strings"

	"guard/policy"
)

// Commit and tag messages are text anyone who can commit wrote: a token
// pasted into a commit message (`git commit -m 'deploy with ghp_...'`) or a
// tag's annotation is printed by a plain `git log -1`, `git show -s`,
// `git tag -n`, `git branch -v`, `git stash list`, `git blame
// --porcelain`, `git cat-file -p HEAD`, where `cat` of a
// file holding the same bytes is asked about. The history check judged
// the files such commands print, by name and by content (judge-7 H1), not
// the messages (judge-8 J1).
//
// gitMessageToken scans what a message printer prints as cat's read is
// (policy.TokenKind): the read-only printers of the log family are run
// again (pinned, at most maxPatchScan bytes, without --output); the ref
// listers (tag -n, branch -v, for-each-ref with a message field) are
// answered by one `git for-each-ref` of every ref's message; cat-file of a
// commit or tag reads that object. Limits: a printer whose output is over
// maxPatchScan or takes longer than gitCheckTimeout is unverified (`git
// log` of a large history without a limit is asked about); `git cat-file
// --batch` reads its names from stdin, which guard does not see.

// messageFormatFields are the ref format fields that print a message.
var messageFormatFields = []string{"%(contents", "%(subject", "%(body", "%(trailers", "%(*contents", "%(*subject", "%(*body", "%(*trailers"}

// gitMessageCmd returns the git arguments (without "git") whose output
// holds every message c (its subcommand at index at) prints, or nil when
// c prints none.
func gitMessageCmd(c []string, at int) []string {
	sub, rest := c[at], c[at+1:]
	globals := append([]string{"-c", "core.quotePath=false"}, c[1:at]...)
	switch sub {
	case "stash":
		// git stash list: each stash's message, by default "WIP on
		// BRANCH: ID SUBJECT" of the commit it was made on.
		if len(rest) == 0 || rest[0] != "list" {
			return nil
		}
		sub, rest = "stash list", rest[1:]
		fallthrough
	case "log", "reflog", "whatchanged", "show", "rev-list", "shortlog", "cherry", "show-branch", "blame", "annotate":
		args := append(globals, strings.Fields(sub)...)
		for i, a := range rest {
			if a == "--" {
				args = append(args, rest[i:]...)
				break
			}
			if strings.HasPrefix(a, "--output") {
				continue // the check writes no file
			}
			args = append(args, a)
		}
		switch sub {
		case "log", "reflog", "whatchanged", "show", "stash list":
			// Before any "--": git reads options there only.
			args = insertBeforeDashes(args, len(globals)+1, "--no-ext-diff", "--no-textconv", "--no-color")
		case "blame", "annotate":
			// The porcelain forms print each commit's summary line (and
			// every form the file's lines, as cat does).
			args = insertBeforeDashes(args, len(globals)+1, "--no-textconv")
		}
		return args
	case "tag", "branch", "for-each-ref":
		prints, format := false, false
		for i := 0; i < len(rest) && rest[i] != "--"; i++ {
			a := rest[i]
			v, isFormat := strings.CutPrefix(a, "--format=")
			if a == "--format" && i+1 < len(rest) {
				v, isFormat = rest[i+1], true
				i++
			}
			switch {
			case isFormat:
				format = true
				prints = false
				for _, f := range messageFormatFields {
					prints = prints || strings.Contains(v, f)
				}
			case format:
			case sub == "tag" && strings.HasPrefix(a, "-n"):
				prints = true
			case sub == "branch" && (a == "--verbose" || len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a, 'v')):
				prints = true
			}
		}
		if !prints {
			return nil
		}
		return append(globals, "for-each-ref", "--format=%(contents)%0a%(*contents)")
	}
	return nil
}

// insertBeforeDashes inserts words into args at the first "--" at or
// after from, or at the end.
func insertBeforeDashes(args []string, from int, words ...string) []string {
	at := len(args)
	for i := from; i < len(args); i++ {
		if args[i] == "--" {
			at = i
			break
		}
	}
	return append(append(append([]string{}, args[:at]...), words...), args[at:]...)
}

// gitMessageToken: see above.
func (g *Gate) gitMessageToken(c []string, at int, dir string) string {
	args := gitMessageCmd(c, at)
	if args == nil {
		return ""
	}
	return g.gitOutputToken(dir, args, "the messages", "git "+c[at]+" prints a commit or tag message that")
}

// gitObjectMessageToken says why the commit or tag w that git cat-file
// prints holds a credential in its message, or "".
func (g *Gate) gitObjectMessageToken(dir string, globals []string, w string) string {
	if !g.gitRunAllowed() {
		return ""
	}
	out, over, _, err := g.runGitMax(dir, append(append([]string{}, globals...), "cat-file", "-p", w), nil, 256<<10)
	if err != nil && !over {
		return ""
	}
	if kind := policy.TokenKind([]byte(out)); kind != "" {
		return "git cat-file prints " + w + ", whose message holds what looks like " + kind
	}
	return ""
}

// gitGrepToken says why the lines git grep (c, grep at index at) prints
// hold a credential, or "" (judge-8 J3): `git grep token= HEAD~1` printed
// a token committed in a file with a harmless name and removed since, and
// the check judged the revision's files by name only. The search is run
// again (pinned, no color, at most maxPatchScan bytes: more is
// unverified) and its output scanned as cat's read is. The forms that
// print names, counts or a status only, and one that opens a pager, are
// left alone.
func (g *Gate) gitGrepToken(c []string, at int, dir string) string {
	for _, a := range c[at+1:] {
		if a == "--" {
			break
		}
		switch {
		case a == "-l" || a == "-L" || a == "-c" || a == "-q" || a == "--name-only" || a == "--files-with-matches" ||
			a == "--files-without-match" || a == "--count" || a == "--quiet":
			return ""
		case strings.HasPrefix(a, "-O") || strings.HasPrefix(a, "--open-files-in-pager"):
			return "" // the policy judges the pager; guard runs none
		}
	}
	args := append(append([]string{"-c", "core.quotePath=false"}, c[1:at]...), "grep", "--no-color")
	args = append(args, c[at+1:]...)
	return g.gitOutputToken(dir, args, "git grep's lines", "git grep prints a line that")
}
