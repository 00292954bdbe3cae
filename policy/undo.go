package policy

import (
	"path/filepath"
	"slices"
	"strings"

	"guard/policy/shell"
)

// The destructive classes (issue 16 point 4, and its red-team pass): a
// command that can destroy uncommitted work or history inside the
// writable roots, where the sandbox allows writes, is asked about in every
// mode (Verdict.Prompt), whatever the policy's prompt rules matched:
//
//   - rm -r/-R whose target is known only at run time (`"$X"`, `~+`,
//     `$(git rev-parse --show-toplevel)`), reaches a parent (`../proj`,
//     `../*`), or is a glob or brace that covers every entry of the
//     directory it runs in (`*`, `.*`, `{*,.*}`; rm without -r, shred,
//     truncate and unlink too); a glob with a fixed part or below a named
//     subdirectory (`*.pyc`, `./tmp/*`) is an ordinary write. Every rm -r
//     target is also listed in Verdict.Removes, so that the decision asks
//     when one resolves to a writable root, an ancestor of one or a
//     repository's work tree (`cd .. && rm -rf proj`), or when the targets
//     name every entry of one (a shell's expansion of `*`);
//   - find with -delete, or -exec/-execdir/-ok/-okdir running a remover,
//     git, or a shell script that runs one;
//   - xargs feeding a remover or git (directly or through `sh -c`);
//   - git subcommands that discard work or history: switch/checkout -f,
//     --discard-changes, -C/-B, checkout-index -f, rm -f (not --cached),
//     read-tree -u/--reset, update-ref, push with --force/--mirror/
//     --delete/--prune or a `+ref`/`:ref` refspec, stash drop/clear, reset
//     --hard, clean -f (not -n), branch -D/-M/-C/-f, reflog expire/delete,
//     gc --prune, prune, worktree remove -f, filter-branch, filter-repo;
//     and an alias defined on the command line (`-c alias.x=...`).
//
// Limits: what a program named at run time (`eval "$S"`, `$CMD`, `bash -c
// "$(...)"`) or an interpreter (`python -c 'shutil.rmtree(".")'`) does is
// not read; such commands stay unverified and run sandboxed in full-auto.

// removers are the programs whose arguments are deleted or emptied.
func removers(s string) bool {
	switch s {
	case "rm", "rmdir", "unlink", "shred", "truncate", "git":
		return true
	}
	return false
}

// destructive returns why argv can destroy work that cannot be recovered,
// or "". dyn holds the shell layer's per-word reasons (nil: every word is
// literal).
func destructive(argv []string, dyn [][]string) string {
	if len(argv) == 0 {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "sudo":
		if in, inDyn, ok := sudoDyn(argv, dyn); ok {
			return destructive(in, inDyn)
		}
	case "rm":
		return rmDestructive(argv, dyn)
	case "shred", "truncate", "unlink":
		for i := 1; i < len(argv) && i < len(dyn); i++ {
			if len(dyn[i]) > 0 && coversAllAlt(argv[i]) {
				return filepath.Base(argv[0]) + " of " + argv[i] + " destroys every file of the directory: uncommitted work cannot be recovered"
			}
		}
	case "find":
		for i := 1; i < len(argv); i++ {
			switch argv[i] {
			case "-delete":
				return "find -delete removes every file it finds: uncommitted work cannot be recovered"
			case "-exec", "-execdir", "-ok", "-okdir":
				if i+1 < len(argv) && removers(filepath.Base(argv[i+1])) {
					return "find " + argv[i] + " " + filepath.Base(argv[i+1]) + " removes or rewrites every file it finds: uncommitted work cannot be recovered"
				}
				if i+1 < len(argv) {
					if prog := shellRemover(argv[i+1:]); prog != "" {
						return "find " + argv[i] + " runs a shell that runs " + prog + " on every file it finds: uncommitted work cannot be recovered"
					}
				}
			}
		}
	case "xargs":
		prog := ""
		if in, _, ok := xargsInner(argv); ok {
			prog = filepath.Base(in[0])
			if p := shellRemover(in); p != "" {
				prog = p
			}
		} else {
			for _, a := range argv[1:] {
				if removers(filepath.Base(a)) {
					prog = filepath.Base(a)
					break
				}
			}
		}
		if removers(prog) {
			return "xargs runs " + prog + " on names known only at run time: uncommitted work or history cannot be recovered"
		}
	case "git":
		return gitDestructive(argv[1:])
	}
	return ""
}

// sudoDyn is sudoInner with dyn (the shell layer's per-word reasons) cut
// to the words of the command sudo runs.
func sudoDyn(argv []string, dyn [][]string) ([]string, [][]string, bool) {
	in, ok := sudoInner(argv)
	if !ok {
		return nil, nil, false
	}
	if off := len(argv) - len(in); len(dyn) > off {
		return in, dyn[off:], true
	}
	return in, nil, true
}

// rmArgs reports whether rm's options ask for a recursive removal,
// and returns its targets.
func rmArgs(argv []string) (recursive bool, targets []int) {
	opts := true
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case opts && a == "--":
			opts = false
		case opts && a == "--recursive":
			recursive = true
		case opts && strings.HasPrefix(a, "--"):
		case opts && len(a) > 1 && a[0] == '-':
			if strings.ContainsAny(a[1:], "rR") {
				recursive = true
			}
		default:
			targets = append(targets, i)
		}
	}
	return recursive, targets
}

func rmDestructive(argv []string, dyn [][]string) string {
	recursive, targets := rmArgs(argv)
	if !recursive {
		// Without -r only files go, but a glob over every entry of the
		// directory (or of one above it) still takes all of them.
		for _, i := range targets {
			if i < len(dyn) && len(dyn[i]) > 0 && coversAllAlt(argv[i]) {
				return "rm of " + argv[i] + " deletes every file of the directory: uncommitted work cannot be recovered"
			}
		}
		return ""
	}
	for _, i := range targets {
		w := argv[i]
		if i < len(dyn) && len(dyn[i]) > 0 {
			for _, why := range dyn[i] {
				if !strings.HasPrefix(why, "glob ") && !strings.HasPrefix(why, "brace expansion ") {
					return "rm -r of a path known only at run time (" + why + "): it may be the project itself"
				}
			}
			if coversAllAlt(w) {
				return "rm -r of " + w + " deletes every entry of the directory, .git included: uncommitted work cannot be recovered"
			}
		}
		for _, part := range strings.Split(w, "/") {
			if part == ".." {
				return "rm -r of " + w + " reaches above the directory it runs in: it may be the project itself"
			}
		}
	}
	return ""
}

// braceAlternatives expands one level of a brace list ("{*,.*}" gives "*"
// and ".*"; "a{b,c}" gives "ab" and "ac"); a word without one is itself.
func braceAlternatives(w string) []string {
	open := strings.IndexByte(w, '{')
	end := strings.LastIndexByte(w, '}')
	if open < 0 || end < open || !strings.Contains(w[open:end], ",") {
		return []string{w}
	}
	var out []string
	for _, alt := range strings.Split(w[open+1:end], ",") {
		out = append(out, braceAlternatives(w[:open]+alt+w[end+1:])...)
	}
	return out
}

// coversAllAlt reports whether one of w's brace alternatives covers every
// entry of a directory (coversAll).
func coversAllAlt(w string) bool {
	return slices.ContainsFunc(braceAlternatives(w), coversAll)
}

// coversAll reports whether a glob target names every entry (or every
// hidden entry) of the directory it runs in or of one above it: its last
// component has no fixed character but a leading dot, and its directory
// part is empty, ".", a parent or absolute.
func coversAll(w string) bool {
	w = strings.TrimRight(w, "/")
	dir, last := "", w
	if i := strings.LastIndexByte(w, '/'); i >= 0 {
		dir, last = w[:i], w[i+1:]
	}
	if !strings.ContainsAny(last, "*?[") {
		return false
	}
	fixed := strings.TrimLeft(last, ".")
	inClass := false
	for _, r := range fixed {
		switch {
		case r == '[':
			inClass = true
		case r == ']':
			inClass = false
		case inClass, r == '*', r == '?', r == '!', r == '^':
		default:
			return false
		}
	}
	switch {
	case dir == "" || dir == "." || strings.HasPrefix(w, "/"):
		return true
	}
	for _, part := range strings.Split(dir, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// gitDestructive looks at git's arguments (global options first).
func gitDestructive(args []string) string {
	i := 0
	for ; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		a, val := args[i], ""
		switch a {
		case "-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env":
			if i+1 < len(args) {
				val = args[i+1]
			}
			i++
		}
		if strings.HasPrefix(a, "--config-env=") {
			a, val = "--config-env", strings.TrimPrefix(a, "--config-env=")
		}
		// An alias set on the command line runs what no rule judged
		// (`git -c alias.x='!rm -rf .' x`, `-c alias.x='reset --hard'`).
		if (a == "-c" || a == "--config-env") && strings.HasPrefix(strings.ToLower(val), "alias.") {
			return "git " + a + " " + val + " defines an alias on the command line: what it runs is not judged"
		}
	}
	if i >= len(args) {
		return ""
	}
	sub, rest := args[i], args[i+1:]
	has := func(names ...string) bool {
		for _, a := range rest {
			if a == "--" {
				return false
			}
			for _, n := range names {
				if a == n || strings.HasPrefix(n, "--") && strings.HasPrefix(a, n+"=") {
					return true
				}
				// a bundle of single-letter options: -fd, -xdf
				if len(n) == 2 && n[0] == '-' && len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a[1:], rune(n[1])) {
					return true
				}
			}
		}
		return false
	}
	lose := "discards uncommitted changes in the work tree: they cannot be recovered"
	switch sub {
	case "switch", "checkout":
		if has("-f", "--force", "--discard-changes") {
			return "git " + sub + " " + lose
		}
		if has("-C", "-B", "--force-create") {
			return "git " + sub + " -C/-B resets an existing branch: commits only it had can be lost"
		}
	case "checkout-index":
		if has("-f", "--force") {
			return "git checkout-index -f " + lose
		}
	case "worktree":
		if len(rest) > 0 && rest[0] == "remove" && has("-f", "--force") {
			return "git worktree remove --force deletes a work tree with its uncommitted changes"
		}
	case "rm":
		if has("-f", "--force") && !has("--cached") {
			return "git rm -f " + lose
		}
	case "read-tree":
		if has("-u", "--reset") {
			return "git read-tree -u/--reset " + lose
		}
	case "update-ref":
		return "git update-ref moves or deletes a ref directly: commits only it reached can be lost"
	case "push":
		if has("-f", "--force", "--mirror", "--delete", "-d", "--prune") {
			return "git push rewrites or deletes remote branches: commits only the remote has are lost"
		}
		for _, a := range rest {
			if !strings.HasPrefix(a, "-") && (strings.HasPrefix(a, "+") || strings.HasPrefix(a, ":")) {
				return "git push " + a + " force-updates or deletes a remote branch: commits only the remote has are lost"
			}
		}
	case "stash":
		if len(rest) > 0 && (rest[0] == "drop" || rest[0] == "clear") {
			return "git stash " + rest[0] + " drops stashed changes: they cannot be recovered without the reflog's dangling commits"
		}
	case "reset":
		if has("--hard") {
			return "git reset " + lose
		}
	case "clean":
		if has("-f", "--force") && !has("-n", "--dry-run") {
			return "git clean deletes untracked files, which are in no commit: they cannot be recovered"
		}
	case "branch":
		if has("-D", "-M", "-C", "-f", "--force") {
			return "git branch -D/-M deletes or overwrites a branch that may hold commits no other branch has"
		}
	case "reflog":
		if len(rest) > 0 && (rest[0] == "expire" || rest[0] == "delete") {
			return "git reflog " + rest[0] + " drops reflog entries: commits only the reflog still reaches can then be lost"
		}
	case "gc", "prune":
		if sub == "prune" || has("--prune") {
			return "git " + sub + " deletes unreachable commits: work only the reflog or a dropped stash held is lost"
		}
	case "filter-branch", "filter-repo":
		return "git " + sub + " rewrites history"
	}
	return ""
}

// removes returns what a recursive rm deletes, made absolute against dir:
// each literal target, and for a glob that covers every entry of a
// directory, that directory. The decision asks when one of them is a
// writable root, an ancestor of one, or a repository's work tree.
func removes(argv []string, dyn [][]string, dir string) []string {
	if len(argv) > 0 && filepath.Base(argv[0]) == "sudo" {
		in, inDyn, ok := sudoDyn(argv, dyn)
		if !ok {
			return nil
		}
		argv, dyn = in, inDyn
	}
	if len(argv) == 0 || filepath.Base(argv[0]) != "rm" {
		return nil
	}
	recursive, targets := rmArgs(argv)
	if !recursive {
		return nil
	}
	var out []string
	for _, i := range targets {
		w := argv[i]
		if i < len(dyn) && len(dyn[i]) > 0 {
			for _, alt := range braceAlternatives(w) {
				if coversAll(alt) {
					d := "."
					if j := strings.LastIndexByte(strings.TrimRight(alt, "/"), '/'); j >= 0 {
						d = alt[:j]
						if d == "" {
							d = "/"
						}
					}
					out = append(out, absolute(d, dir))
				}
			}
			continue
		}
		out = append(out, absolute(w, dir))
	}
	return out
}

// shellRemover returns the remover or git that a shell given a script
// (`sh -c 'rm "$1"' _ {}`, `bash -c "git checkout -- $0"`) runs, or "".
func shellRemover(argv []string) string {
	src, d, ok := ShellScript(argv)
	if !ok {
		return ""
	}
	script, err := shell.Parse(src, d)
	if err != nil {
		return "a script guard cannot parse"
	}
	for _, c := range script.Commands {
		if len(c.Argv) > 0 && removers(filepath.Base(c.Argv[0])) {
			return filepath.Base(c.Argv[0])
		}
	}
	return ""
}
