package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"guard/policy/shell"
)

// pipedSecret says why `SOURCE | xargs READER` in a script (or a lone
// `xargs READER`, cmds holding only it) may print a secret, or "". xargs
// hands READER (cat, head, grep, ...) the names its input holds, which can
// be any file: `find ~/.ssh | xargs cat` prints a private key though no
// secret is below the working directory. So the names' source is followed
// back through the pipe, past filters that only drop or reorder lines (grep
// without file operands, sort, uniq, head, tail, cat without operands), to
// the command that makes them: find (its starting points, narrowed by its
// -name tests as for find -exec when READER does not recurse), ls and tree
// (their operands), grep -r/-l, rg and fd (their paths), git (the
// repository, below the working directory). Those trees are walked as for `grep -r`; echo's words are the
// names themselves. Any other source (a file read, a program not known
// here, a group or a loop, a lone xargs's input) can name any file, and the
// command is a secret read with that reason. A READER that prints only
// names, counts or its status (grep -l/-c/-q) is judged so too, but for the
// secrets in the tree of its working directory, as recursiveSecret judges
// grep -rl.
func pipedSecret(cmds []shell.Command, i int, d shell.Dialect, cwd string) string {
	c := &cmds[i]
	inner, _, ok := xargsInner(unSudo(c.Argv))
	if !ok || c.Dynamic != "" {
		return ""
	}
	prog := filepath.Base(inner[0])
	if !contentReaders(prog) {
		return ""
	}
	// A reader that prints only names, counts or its status (grep -l, -c,
	// -q) is an oracle on what the files hold, as recursiveSecret says of
	// grep -rl: the secrets outside the working directory count, a
	// project's own (.env) do not. The working directory is the one the
	// script starts in (cwd), not one a cd inside it entered.
	names := namesOnly(prog, inner, nil)
	from := c.PipeFrom
	for hops := 0; hops < 16; hops++ {
		if from <= 0 || from > len(cmds) {
			return "xargs " + prog + " reads the files its input names, which can be any file"
		}
		u := &cmds[from-1]
		if u.OutputMixed {
			return "xargs " + prog + " reads the files named in the output of " + quoteArgv(u.Argv) + ", which its redirections mix with other output (2>&1: error messages' words)"
		}
		if len(u.Argv) > 0 && !isFilter(u.Argv) && !slices.Equal(srcDirs(u, cwd), srcDirs(c, cwd)) {
			// `ls src | (cd ~/.aws && xargs cat)`: src's names, read in
			// another directory, are other files.
			return "xargs " + prog + " reads the names " + quoteArgv(u.Argv) + " prints in another directory than the one it listed them in"
		}
		argv := u.Argv
		dirs := srcDirs(u, cwd)
		dir := dirs[0]
		if u.Dynamic != "" {
			exp, _, _, ok := expandArgv(u, u.Dialect, dir, false)
			if !ok || len(dirs) > 1 {
				return "xargs " + prog + " reads the files named by " + quoteArgv(u.Argv) + ", known only at run time"
			}
			argv = exp
		}
		if len(argv) == 0 {
			return "xargs " + prog + " reads the files its input names, which can be any file"
		}
		var roots []string
		filter := false
		if filepath.Base(argv[0]) == "echo" {
			// The names are echo's words; each may be a tree (grep -r). xargs
			// removes quotes and backslashes, and echo -e (dash's echo always)
			// decodes escapes: such a word names what the judge cannot see.
			for _, w := range argv[1:] {
				if strings.ContainsAny(w, `\'"`) || strings.HasPrefix(w, "-") && strings.Trim(w, "-neE") == "" && strings.ContainsRune(w, 'e') {
					return "xargs " + prog + " reads the files named by " + quoteArgv(u.Argv) + ", which xargs or echo decode first"
				}
				for _, name := range strings.Fields(w) {
					for _, dir := range dirs {
						if why := secretPath(name, dir); why != "" && !(names && ownTree(absolute(homeWord(name), dir), cwd)) {
							return "xargs " + prog + " " + why
						}
					}
					if !strings.HasPrefix(name, "-") {
						roots = append(roots, name)
					}
				}
			}
			if len(roots) == 0 {
				return ""
			}
		} else {
			roots, filter = nameSource(argv)
			if gitStatusShort(argv) {
				// `git status -s` in a subdirectory names the repository's
				// other files from there (../.env): its tree is the work
				// tree's top (judge-23 J23-4).
				for _, dir := range dirs {
					if top := repoTop(absolute(homeWord(roots[0]), dir)); top != "" {
						roots = append(roots, top)
					}
				}
			}
		}
		if filter {
			from = u.PipeFrom
			continue
		}
		if roots == nil {
			return "xargs " + prog + " reads the files named by " + quoteArgv(argv) + ", which can be any file"
		}
		// find prints only the files its -name tests select.
		var include []string
		if filepath.Base(argv[0]) == "find" && !readerRecurses(inner) {
			_, i := findStarts(argv)
			var secretName string
			if include, secretName = findNames(argv, i, nil); secretName != "" {
				return "xargs " + prog + " reads the files " + quoteArgv(argv) + " names, and " + secretName
			}
		}
		if filepath.Base(argv[0]) == "git" && !readerRecurses(inner) {
			include = lsFilesGlobs(argv)
		}
		ways := xargsRenaming(unSudo(c.Argv))
		for _, rd := range rootsIn(roots, dirs) {
			r, root := rd[0], rd[1]
			if strings.ContainsAny(r, "*?[") {
				root = filepath.Dir(root) // a glob: the directory it lists
			}
			w := walkTree(root, contentHow(walkHow{hidden: true, include: include, linksRead: true}, prog, cwd))
			// xargs cuts a name with a blank or quote into other names,
			// relative to where it runs (`src/x cfg.txt` is src/x and
			// ./cfg.txt), or joins its parts (`src/.'.'/f` is src/../f).
			split := ""
			if xargsRenames(r)&ways != 0 {
				split = r
			}
			for k, name := range w.renamed {
				if split == "" && name != "" && ways&(1<<k) != 0 {
					split = name
				}
			}
			if split != "" {
				return "xargs " + prog + " reads the files " + quoteArgv(argv) + " names, and xargs reads " + split +
					" as other names (it splits names at blanks and removes quotes and backslashes)"
			}
			found, complete := w.found, w.complete
			for _, f := range found {
				if names && ownTree(f, cwd) || len(include) > 0 && !matchesAny(include, filepath.Base(f)) {
					continue
				}
				return "xargs " + prog + " reads the files " + quoteArgv(argv) + " names, and " + r + " holds " + f +
					" (" + whySecret(f) + ")"
			}
			if !complete && !(names && ownTree(root, cwd)) {
				return "xargs " + prog + " reads the files " + quoteArgv(argv) + " names, in " + r +
					", " + walkTooLarge()
			}
		}
		return ""
	}
	return "xargs " + prog + " reads the files its input names, which can be any file"
}

// lsFilesGlobs returns, for `git ls-files` whose every operand is a
// pathspec of the form [DIR/]*SUFFIX (`'*.tf'`, `'infra/k8s/*.yaml'`), the
// globs *SUFFIX its files' names match, or nil. Git matches such a
// pathspec against the whole path with * crossing '/', so a listed path
// ends in SUFFIX, and so does its name (SUFFIX holds no '/'): the names
// are a superset of what git lists. Any other pathspec (a directory, a
// glob elsewhere, magic, `**`), none, or an option that takes a value or
// changes what is listed (-x, --exclude, --directory, --with-tree) gives
// nil: not narrowed.
func lsFilesGlobs(argv []string) []string {
	j := gitSubcommand(argv)
	if j == 0 || argv[j] != "ls-files" {
		return nil
	}
	var globs []string
	dashes := false
	for _, a := range argv[j+1:] {
		switch {
		case !dashes && a == "--":
			dashes = true
			continue
		case !dashes && strings.HasPrefix(a, "-"):
			switch a {
			case "-c", "--cached", "-m", "--modified", "-o", "--others", "-d", "--deleted", "--exclude-standard", "-z":
				continue
			}
			return nil
		}
		dir, file := "", a
		if i := strings.LastIndexByte(a, '/'); i >= 0 {
			dir, file = a[:i], a[i+1:]
		}
		suffix, ok := strings.CutPrefix(file, "*")
		if !ok || suffix == "" || strings.HasPrefix(a, ":") || strings.ContainsAny(dir, "*?[]\\") ||
			strings.ContainsAny(suffix, "*?[]\\") {
			return nil
		}
		globs = append(globs, "*"+suffix)
	}
	return globs
}

// nameSource returns the trees whose file names argv prints, or filter
// when it only passes on (some of) the lines it reads; nil roots when it
// is neither.
func nameSource(argv []string) (roots []string, filter bool) {
	roots, filter = listedTrees(argv)
	if filter && !linesIntact(argv) {
		return nil, false
	}
	return roots, filter
}

// isFilter reports whether argv only passes on (some of) the lines it reads.
func isFilter(argv []string) bool {
	_, filter := nameSource(argv)
	return filter
}

// lineChanging are, for each filter nameSource passes lines through, the
// short options and long ones (GNU's abbreviations of them included) that
// change or add to the lines it prints: counts, line numbers and byte
// offsets (cat -n, uniq -c, grep -c/-n/-b: the number is a word, a name in
// the working directory the judge never walked), parts of lines (grep -o,
// head -c: a/b.go's b.go), headers and labels, shown characters. cat and
// tac take only the options listed as harmless (-s, -u).
var lineChanging = map[string]struct{ short, long string }{
	"grep":  {"cnobHTZzulL", "count line-number only-matching byte-offset with-filename label initial-tab null null-data unix-byte-offsets files-with-matches files-without-match color colour"},
	"egrep": {"cnobHTZzulL", "count line-number only-matching byte-offset with-filename label initial-tab null null-data unix-byte-offsets files-with-matches files-without-match color colour"},
	"fgrep": {"cnobHTZzulL", "count line-number only-matching byte-offset with-filename label initial-tab null null-data unix-byte-offsets files-with-matches files-without-match color colour"},
	"uniq":  {"cz", "count zero-terminated"},
	"head":  {"cvz", "bytes verbose zero-terminated"},
	"tail":  {"cvz", "bytes verbose zero-terminated"},
	"sort":  {"", ""},
}

// linesIntact reports whether the filter argv prints some of its input's
// lines as they are (lineChanging).
func linesIntact(argv []string) bool {
	prog := filepath.Base(argv[0])
	bad, known := lineChanging[prog]
	for _, a := range argv[1:] {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		if !known {
			// cat, tac: only squeezing blank lines and unbuffered output
			if a != "-s" && a != "-u" && a != "--squeeze-blank" && a != "-su" && a != "-us" {
				return false
			}
			continue
		}
		if a[1] != '-' {
			if strings.ContainsAny(a[1:], bad.short) {
				return false
			}
			continue
		}
		name, value, _ := strings.Cut(a[2:], "=")
		for _, l := range strings.Fields(bad.long) {
			if len(name) >= 2 && strings.HasPrefix(l, name) && !((l == "color" || l == "colour") && value == "never") {
				return false
			}
		}
	}
	return true
}

// listedTrees is nameSource without the check of a filter's options.
func listedTrees(argv []string) (roots []string, filter bool) {
	prog := filepath.Base(argv[0])
	var ops []string // operands, after options (a rough split: enough for these programs)
	for _, a := range argv[1:] {
		if a == "--" || len(a) > 1 && a[0] == '-' {
			continue
		}
		ops = append(ops, a)
	}
	switch prog {
	case "find":
		var rest int
		roots, rest = findStarts(argv)
		for i, a := range argv[rest:] {
			switch a {
			case "-exec", "-execdir":
				// -exec grep -l PATTERN {} prints the names found too
				in := argv[rest+i+1:]
				for j, w := range in {
					if w == ";" || w == "+" {
						in = in[:j]
						break
					}
				}
				if len(in) > 0 && namesOnly(filepath.Base(in[0]), in, nil) {
					continue
				}
				return nil, false
			case "-printf", "-fprintf", "-ls", "-fls", "-fprint", "-fprint0", "-ok", "-okdir":
				// what it prints is not (only) the names found
				return nil, false
			}
		}
	case "ls", "tree", "du":
		if prog == "tree" {
			// tree prints each link with its target (`l -> ../home/tok.txt`):
			// a path written for the link's directory, which xargs's program
			// reads from the working one.
			return nil, false
		}
		for _, a := range argv[1:] {
			// A long listing prints modes, owners and link targets too:
			// not names only.
			if prog == "ls" && !lsNamesOnly(a) {
				return nil, false
			}
		}
		roots = append(ops, ".")
	case "git":
		roots = []string{"."}
		j := 1
		for ; j < len(argv) && strings.HasPrefix(argv[j], "-"); j++ {
			if (argv[j] == "-C" || argv[j] == "-c") && j+1 < len(argv) {
				if argv[j] == "-C" {
					// names relative to -C's directory, read from the working one
					roots = []string{argv[j+1], "."}
				}
				j++
			}
		}
		if j >= len(argv) || !gitListsPaths(argv[j], argv[j+1:]) {
			// a log, a diff, a blob: what the repository holds, any words
			return nil, false
		}
		// Its path operands choose what it lists: `git ls-files ..` and
		// `git grep -l x ..` list the files of the directory above, with
		// names xargs's program reads from here. Each that leaves the
		// trees above (absolute, or climbing with ..) is a tree to walk
		// (from -C's directory too); pathspec magic (`:/`, `:(top)`) starts
		// at the top of the repository, wherever that is.
		base := roots
		for _, a := range argv[j+1:] {
			switch {
			case a == "--" || len(a) > 1 && a[0] == '-':
			case strings.HasPrefix(a, ":"):
				return nil, false
			case filepath.IsAbs(a):
				roots = append(roots, a)
			case a == ".." || strings.HasPrefix(filepath.Clean(a), "../"):
				// A pathspec below here (`'*.py'`, src) stays in the trees
				// walked already.
				roots = append(roots, a)
				if len(base) > 1 {
					roots = append(roots, filepath.Join(base[0], a))
				}
			}
		}
		return roots, false
	case "grep", "egrep", "fgrep", "rg", "fd", "fdfind", "ag":
		if namesDecorated(argv) {
			return nil, false
		}
		recursive := prog != "grep" && prog != "egrep" && prog != "fgrep"
		for _, a := range argv[1:] {
			if a == "-r" || a == "-R" || a == "--recursive" || len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a, "rR") {
				recursive = true
			}
		}
		if len(ops) <= 1 && !recursive {
			return nil, true // a filter of its standard input
		}
		if prog != "fd" && prog != "fdfind" && !(prog == "rg" && hasWord(argv, "--files")) && !namesOnly(prog, argv, nil) {
			// It prints the lines it finds: whatever the files hold,
			// any path or option among them.
			return nil, false
		}
		if len(ops) > 1 {
			roots = ops[1:]
		}
		if prog == "fd" || prog == "fdfind" || prog == "rg" && hasWord(argv, "--files") {
			roots = ops
			if len(ops) > 0 && prog != "rg" {
				roots = ops[1:]
			}
		}
	case "sort", "uniq", "head", "tail", "cat", "tac":
		if len(ops) == 0 || prog == "head" || prog == "tail" {
			// head/tail -n N: N is an operand by this split; a file operand
			// is rare after a pipe, and its lines would be names too.
			if len(ops) == 0 || len(ops) == 1 && isDigits(ops[0]) {
				return nil, true
			}
		}
		return nil, false
	default:
		return nil, false
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	return roots, false
}

// namesDecorated reports whether a search tool's argv changes how it prints
// the names it finds: colours forced on (`--color=always` wraps each name in
// escape sequences: rg -l printed `\e[0m\e[35msrc/a.go\e[0m`, a path below
// a directory of that name in the working directory, which is not walked),
// or rg's and fd's --path-separator (a blank one splits `src/cfg.txt/b.go`
// into the words src, cfg.txt and b.go, each read where xargs runs: judge-23
// J23-3). Any value but the plain "/" counts; a -c/--color given as two
// words is an operand of listedTrees' rough split already.
func namesDecorated(argv []string) bool {
	for i, a := range argv[1:] {
		name, value, hasValue := strings.Cut(a, "=")
		if !hasValue && i+2 < len(argv) {
			value = argv[i+2]
		}
		switch name {
		case "--color", "--colour", "-c":
			if name == "-c" && filepath.Base(argv[0]) != "fd" && filepath.Base(argv[0]) != "fdfind" {
				continue // grep -c counts
			}
			if value == "always" || value == "ansi" {
				return true
			}
		case "--path-separator":
			if value != "/" {
				return true
			}
		case "-p", "--pretty":
			if filepath.Base(argv[0]) == "rg" {
				return true // --color always --heading --line-number
			}
		}
	}
	return false
}

// lsNamesOnly reports whether ls's word a leaves its output the names
// alone: an operand, a bundle of short options without a long listing's
// (-l, -g, -o, -n), or a long option on a list of those that change only
// which names and in which order, their quoting or an indicator. A long
// listing shows each link's target (`l -> ../home/tok.txt`), a path written
// for the link's directory that xargs's program reads from the working one;
// --full-time is one, and GNU ls takes any unambiguous abbreviation of a
// long option (`--fu`), so only the whole names listed count.
func lsNamesOnly(a string) bool {
	switch {
	case len(a) < 2 || a[0] != '-' || a == "--":
		return true
	case a[1] != '-':
		return !strings.ContainsAny(a, "lgon")
	}
	name, _, _ := strings.Cut(a[2:], "=")
	switch name {
	case "all", "almost-all", "directory", "recursive", "reverse", "classify", "file-type", "human-readable", "si",
		"size", "inode", "quote-name", "escape", "literal", "color", "group-directories-first", "dereference",
		"dereference-command-line", "dereference-command-line-symlink-to-dir", "ignore", "hide", "ignore-backups",
		"indicator-style", "quoting-style", "sort", "time", "width", "tabsize", "zero", "show-control-chars",
		"hide-control-chars", "kibibytes", "block-size":
		return true
	}
	return false
}

func hasWord(argv []string, w string) bool {
	for _, a := range argv {
		if a == w {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoteArgv is argv joined for a reason.
func quoteArgv(argv []string) string {
	s := strings.Join(argv, " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return "`" + s + "`"
}

// optionImmune are the programs xargs may hand any word, an option
// included, without harm: none of their options reads another file, writes
// or recurses into contents (which files they read is pipedSecret's
// question). grep (-f FILE, -r), wc and du (--files0-from=F), file (-C
// writes, -m and -f read), diff (--from-file, -r) are not: for them the
// input must be known to hold only plain names (xargsInput).
func optionImmune(s string) bool {
	switch s {
	case "cat", "head", "tail", "ls", "stat", "nl", "basename", "dirname", "realpath", "readlink", "echo",
		"md5sum", "sha1sum", "sha256sum", "sha512sum", "cksum", "cmp":
		return true
	}
	return false
}

// xargsInput says why the words xargs reads make argv (xargs and the
// command it runs, in script command i, or alone when cmds is nil) more
// than the command as written, or "": a word made from the replacement
// string and more (`-I{} cat {}/credentials` reads a path the judge cannot
// see), or input words that may be options of a program that is not
// optionImmune. The input is known to hold only plain names when it comes,
// through filters that only drop lines, from echo's words or from find,
// ls, tree, du, grep -r/-l, rg, fd or git over trees whose every name is
// plain (no leading '-', no blank, quote or backslash: xargs splits on
// those), or when the inner command puts the input after `--`.
func xargsInput(argv []string, cmds []shell.Command, i int, d shell.Dialect, cwd string) string {
	argv = unSudo(argv)
	inner, _, ok := xargsInner(argv)
	if !ok {
		if len(argv) > 0 && filepath.Base(argv[0]) == "xargs" {
			if cutsNames(argv) {
				return "xargs -d cuts the names it reads into pieces, each read as a file where xargs runs: any file"
			}
			return "xargs: options not read here; its input words may be options or any path"
		}
		return ""
	}
	prog := filepath.Base(inner[0])
	for _, w := range inner[1:] {
		// (echo only prints the word it makes; metadataOnly programs
		// read no content)
		if w != "xargs-input" && strings.Contains(w, "xargs-input") && !metadataOnly(prog) && prog != "echo" {
			return "xargs puts its input inside the word " + strings.ReplaceAll(w, "xargs-input", "{}") +
				": the path it makes is known only at run time"
		}
	}
	if optionImmune(prog) || !injectionSafe(prog) {
		return ""
	}
	// After --, every input word is an operand, whatever it is.
	dashes, exposed := false, false
	for _, w := range inner[1:] {
		if w == "--" {
			dashes = true
		}
		if w == "xargs-input" && !dashes {
			exposed = true
		}
	}
	if dashes && !exposed {
		return ""
	}
	unknown := "xargs " + prog + ": its input words may be options (" + prog + " has options that read or write other files) or any path"
	return inputNames(unknown, "xargs "+prog, cmds, i, cwd, false)
}

// inputNames follows the input of command i (cmds[i].PipeFrom) to its
// source, as xargsInput does, and says why the words it gives who (xargs
// and its program, a loop's variable) are more than plain names (no
// leading -, blank, quote, backslash or glob character), or "": unknown
// when the source is not one whose names are known. With listed, a tree
// of the source that is not there (nothing to walk) is not known either.
func inputNames(unknown, who string, cmds []shell.Command, i int, cwd string, listed bool) string {
	if cmds == nil || i < 0 || i >= len(cmds) {
		return unknown
	}
	from := cmds[i].PipeFrom
	for hops := 0; hops < 16; hops++ {
		if from <= 0 || from > len(cmds) {
			return unknown
		}
		u := &cmds[from-1]
		if u.OutputMixed {
			return unknown
		}
		src := u.Argv
		dirs := srcDirs(u, cwd)
		dir := dirs[0]
		if u.Dynamic != "" {
			exp, _, _, ok := expandArgv(u, u.Dialect, dir, false)
			if !ok || len(dirs) > 1 {
				return unknown
			}
			src = exp
		}
		if len(src) == 0 {
			return unknown
		}
		if filepath.Base(src[0]) == "echo" {
			for _, w := range src[1:] {
				for _, name := range strings.Fields(w) {
					if !plainName(name) {
						return who + ": its input word " + name + " is an option or not one plain name"
					}
				}
			}
			return ""
		}
		roots, filter := nameSource(src)
		if filter {
			from = u.PipeFrom
			continue
		}
		if roots == nil {
			return unknown
		}
		if filepath.Base(src[0]) == "git" {
			var tops []string
			for _, dir := range dirs {
				if top := repoTop(absolute(homeWord(roots[0]), dir)); top != "" {
					tops = append(tops, top)
				}
			}
			if len(tops) > 0 {
				roots = tops
			}
		}
		for _, rd := range rootsIn(roots, dirs) {
			r := rd[0]
			if strings.HasPrefix(r, "-") || strings.ContainsAny(r, " \t\n'\"\\*?[") {
				return unknown
			}
			if _, err := os.Lstat(rd[1]); err != nil && listed {
				return who + ": its input names files below " + r + ", which is not there to check"
			}
			odd, complete := oddName(rd[1])
			if odd != "" {
				return who + ": its input names files below " + r + ", and " + odd + " would be split, globbed or read as an option"
			}
			if !complete {
				return who + ": its input names files below " + r + ", too large to check (over " + strconv.Itoa(maxWalkEntries) + " entries)"
			}
		}
		return ""
	}
	return unknown
}

// repoTop is the work tree that holds dir (the nearest ancestor with a
// .git git would use: a directory or a file, through a link), or "". A
// .git that leads nowhere is none: guard's sandbox plants
// /tmp/.git -> /dev/null/guard-placeholder, and a project below /tmp was
// then judged to write all of /tmp (its "repository").
func repoTop(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d + "/.git"); err == nil && (fi.IsDir() || fi.Mode().IsRegular()) {
			return d
		}
		if d == "/" || d == "." {
			return ""
		}
	}
}

// srcDirs are the absolute directories command u may run in: its Dir
// first, then those an earlier failed or skipped cd may leave.
func srcDirs(u *shell.Command, cwd string) []string {
	dirs := []string{cdDir(u.Dir, cwd)}
	for _, o := range u.OtherDirs {
		dirs = append(dirs, cdDir(o, cwd))
	}
	return dirs
}

// rootsIn pairs each root as written with its absolute path in each of
// dirs (once, for an absolute root).
func rootsIn(roots, dirs []string) [][2]string {
	var out [][2]string
	for _, r := range roots {
		for _, dir := range dirs {
			out = append(out, [2]string{r, absolute(homeWord(r), dir)})
			if filepath.IsAbs(homeWord(r)) {
				break
			}
		}
	}
	return out
}

// unSudo returns what `sudo [-n] [-u USER] CMD` runs (nested too), or argv.
func unSudo(argv []string) []string {
	for i := 0; i < 4; i++ {
		in, ok := sudoInner(argv)
		if !ok {
			break
		}
		argv = in
	}
	return argv
}

// gitListsPaths reports whether git SUB ARGS prints only paths (one a
// line, perhaps after a status code): ls-files, ls-tree --name-only,
// diff and diff-tree with --name-only or --name-status, status --short or
// --porcelain, grep -l.
func gitListsPaths(sub string, args []string) bool {
	has := func(ws ...string) bool {
		for _, w := range ws {
			if hasWord(args, w) {
				return true
			}
		}
		return false
	}
	switch sub {
	case "ls-files":
		return !has("-s", "--stage", "--debug", "--format", "--eol") && !gitReformatsNames(args)
	case "ls-tree":
		return has("--name-only", "--name-status") && !gitReformatsNames(args)
	case "diff", "diff-tree", "diff-index", "diff-files":
		return has("--name-only", "--name-status") && !has("-p", "--patch", "--stat") && !gitReformatsNames(args)
	case "status":
		return has("-s", "--short", "--porcelain", "--porcelain=v1")
	case "grep":
		return has("-l", "--name-only", "--files-with-matches", "-L", "--files-without-match") && !gitReformatsNames(args)
	}
	return false
}

// gitStatusShort reports whether argv is a git status that lists names
// relative to the working directory (-s, --short: status.relativePaths;
// not --porcelain, relative to the top), which climb out of it with ../ for
// the rest of the work tree.
func gitStatusShort(argv []string) bool {
	if len(argv) < 2 || filepath.Base(argv[0]) != "git" {
		return false
	}
	j := 1
	for ; j < len(argv) && strings.HasPrefix(argv[j], "-"); j++ {
		if argv[j] == "-C" || argv[j] == "-c" {
			j++
		}
	}
	if j >= len(argv) || argv[j] != "status" {
		return false
	}
	for _, a := range argv[j+1:] {
		if strings.HasPrefix(a, "--porcelain") {
			return false // relative to the top, whatever the directory
		}
	}
	return true
}

// gitReformatsNames reports whether git's words change the names it prints:
// --line-prefix=../ (diff's, ls-tree's) and ls-files --format='../%(path)'
// put any text before each, so `git diff --name-only --line-prefix=../ |
// xargs cat` read ../cfg.txt for the repository's cfg.txt (judge-23 J23-4).
// Only the attached form is looked for: a separate value is an operand the
// rules read as a path.
func gitReformatsNames(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "--line-prefix") || strings.HasPrefix(a, "--format") {
			return true
		}
	}
	return false
}
