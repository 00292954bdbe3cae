package gate

import (
	"bytes"
	"guard/internal/safefile"
	"os"
	"path/filepath"
	"strings"

	"guard/policy"
)

// Notes: `git notes add -F .env`, or a deploy key pasted into a note,
// puts a blob beside a commit that git log, git show and git notes show
// print by default (refs/notes/commits, or the refs core.notesRef,
// notes.displayRef, GIT_NOTES_REF and GIT_NOTES_DISPLAY_REF name). The
// history check judges files by name, and a note has none: its content is
// scanned as cat's read is (policy.TokenKind), every note of every notes
// ref at once, within maxNotesScan bytes (more is unverified). A repository
// with no notes costs no git run: a look at its refs and config decides.
// Commit and tag messages, which the same commands print, are not scanned
// (documented limit).

// maxNotesScan bounds the notes text read back from git.
const maxNotesScan = 256 << 10

// notesPrinter reports whether git's subcommand sub (c, sub at index at)
// can print notes: the log family with its default or a %N format, and
// git notes show.
func notesPrinter(c []string, at int) bool {
	switch c[at] {
	case "log", "show", "whatchanged", "reflog", "rev-list", "shortlog", "range-diff", "format-patch", "cherry":
		return true
	case "notes":
		// list prints ids; show (and a bare word after --ref) prints text.
		for i := at + 1; i < len(c); i++ {
			if c[i] == "--ref" {
				i++ // its value
				continue
			}
			if !strings.HasPrefix(c[i], "-") {
				return c[i] == "show"
			}
		}
	}
	return false
}

// mayHaveNotes reports whether the repository that git runs on from dir
// (with globals) may hold notes, by its files alone: a refs/notes
// directory, a packed notes ref, notes config, or a layout this does not
// read (a .git file, reftable, GIT_DIR, GIT_NOTES_*): then git is asked.
func (g *Gate) mayHaveNotes(dir string, globals []string) bool {
	for _, k := range []string{"GIT_DIR", "GIT_COMMON_DIR", "GIT_NOTES_REF", "GIT_NOTES_DISPLAY_REF", "GIT_CONFIG_PARAMETERS",
		"GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"} {
		if g.Getenv(k) != "" {
			return true
		}
	}
	for i, a := range globals {
		if a == "--bare" || a == "-c" || i > 0 && globals[i-1] == "-c" {
			return true
		}
	}
	top, ok := g.workTreeTop(dir, globals)
	if !ok {
		return true
	}
	gd := filepath.Join(top, ".git")
	if fi, err := os.Stat(gd); err != nil || !fi.IsDir() {
		return true // a linked worktree or submodule: its common dir is elsewhere
	}
	if _, err := os.Lstat(filepath.Join(gd, "refs", "notes")); err == nil {
		return true
	}
	if _, err := os.Lstat(filepath.Join(gd, "reftable")); err == nil {
		return true
	}
	if _, err := os.Lstat(filepath.Join(gd, "commondir")); err == nil {
		return true
	}
	if b, err := readHead(filepath.Join(gd, "packed-refs")); err == nil && bytes.Contains(b, []byte("refs/notes/")) {
		return true
	}
	// core.notesRef and notes.displayRef may name any ref, in the
	// repository's config or the user's.
	for _, f := range []string{filepath.Join(gd, "config"), filepath.Join(g.Getenv("HOME"), ".gitconfig"),
		filepath.Join(g.xdgConfig(), "git", "config"), "/etc/gitconfig"} {
		if b, err := readHead(f); err == nil && bytes.Contains(bytes.ToLower(b), []byte("notes")) {
			return true
		}
	}
	return false
}

// xdgConfig is $XDG_CONFIG_HOME or ~/.config.
func (g *Gate) xdgConfig() string {
	if x := g.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return x
	}
	return filepath.Join(g.Getenv("HOME"), ".config")
}

// readHead reads at most 1 MiB of a file (a config or packed-refs
// larger than that is taken as holding what is looked for).
func readHead(path string) ([]byte, error) {
	f, _, err := safefile.Open(path) // not waiting on a FIFO
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 1<<20)
	n, err := f.Read(b)
	if n == len(b) {
		return []byte("notes"), nil
	}
	if err != nil && n == 0 {
		return nil, err
	}
	return b[:n], nil
}

// gitNotesToken says why git command c (subcommand at index at) run in
// dir may print a note that holds what looks like a credential, or "".
func (g *Gate) gitNotesToken(c []string, at int, dir string) string {
	if !notesPrinter(c, at) || !g.mayHaveNotes(dir, c[1:at]) {
		return ""
	}
	globals := c[1:at]
	if !g.gitRunAllowed() {
		return ""
	}
	refs, over, _, err := g.runGitMax(dir, append(append([]string{}, globals...), "for-each-ref", "--format=%(refname)", "refs/notes/"), nil, 64<<10)
	if err != nil || over {
		return "" // not a repository (git fails the command too), or checked below by the budget
	}
	names := strings.Fields(refs)
	if !g.gitRunAllowed() {
		return ""
	}
	// Refs the config or the environment names for notes, wherever they are.
	conf, _, _, _ := g.runGitMax(dir, append(append([]string{}, globals...), "config", "--get-regexp", `^(core\.notesref|notes\.displayref)$`), nil, 64<<10)
	for _, line := range strings.Split(conf, "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			names = append(names, f[1])
		}
	}
	for _, k := range []string{"GIT_NOTES_REF", "GIT_NOTES_DISPLAY_REF"} {
		for _, r := range strings.Split(g.Getenv(k), ":") {
			if r != "" {
				names = append(names, r)
			}
		}
	}
	// A ref named by the command (--notes=REF, --ref REF) is under
	// refs/notes/ (git expands it there), so listed already.
	var trees []string
	for _, n := range names {
		if strings.ContainsAny(n, "*?[") {
			if !strings.HasPrefix(n, "refs/notes/") {
				return "git may print notes from " + n + ", which guard does not read"
			}
			continue // a glob under refs/notes: those refs are listed
		}
		if strings.HasPrefix(n, "-") {
			return "git may print notes from " + n + ", which guard does not read"
		}
		trees = append(trees, n)
	}
	if len(trees) == 0 {
		return ""
	}
	if !g.gitRunAllowed() {
		return ""
	}
	// Every line of every blob in the notes trees; a ref that names no
	// tree makes git fail, and the notes are then not known.
	args := append(append([]string{}, globals...), "-c", "grep.fallbackToNoIndex=false", "grep", "-a", "-h", "--no-color",
		"--no-textconv", "-e", "")
	args = append(args, trees...)
	out, over, timedOut, err := g.runGitMax(dir, args, nil, maxNotesScan)
	switch {
	case over:
		return "the repository's notes, which git prints beside commits, are larger than guard scans for credentials"
	case timedOut:
		return "git takes too long to read the repository's notes, to scan them for credentials"
	case err != nil && !strings.Contains(err.Error(), "exit status 1"):
		return "git cannot read the notes " + strings.Join(trees, " ") + ", to scan them for credentials"
	}
	if kind := policy.TokenKind([]byte(out)); kind != "" {
		return "git " + c[at] + " may print a note that holds what looks like " + kind
	}
	return ""
}
