package policy

import (
	"bufio"
	"bytes"
	"errors"
	"guard/internal/safefile"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"guard/policy/protect"
)

// An agent's search tools (Claude Code's Grep, Gemini CLI's grep_search and
// search_file_content) print the matching lines of every file below the
// directory they are given, and Gemini CLI's read_many_files prints every
// file a glob matches: like `grep -r`, they read the secret files the tree
// holds, and a pattern naming a secret-looking variable finds where its
// value is set. DecideSearch judges them so.
//
// Limits: rg's ignore files are read only in their simplest form (a line
// naming the file or a directory above it, in a .gitignore of the
// repository, no "!" line anywhere, no "**"); anything else counts as not
// ignored, which asks more, never less. A tool's file type filter (Grep's
// type) is not read: the tree counts whole.

// TreeRead says how a search tool walks a directory.
type TreeRead struct {
	// Hidden: files and directories whose names start with "." are read
	// (Claude Code's Grep runs rg --hidden; Gemini CLI's grep_search runs
	// rg without it).
	Hidden bool
	// GitIgnore: the files a repository's .gitignore names are skipped (rg
	// and read_many_files respect them; git grep and grep -r do not).
	GitIgnore bool
	// SkipVCS: .git (and the other VCS directories) are not read.
	SkipVCS bool
	// Own is the working directory: a file in its tree is a secret by its
	// name; elsewhere (or with no Own) by what it holds too, as `grep -r`
	// outside the project is judged (contentHow).
	Own string
}

// DecideSearch is DecideRead for a tool that reads every file below the
// directories in paths (absolute; a path holding a glob is a pattern,
// narrowing the files of the directory it sits in), searching for pattern
// ("" for none). A secret in the tree, by name or by content, or a pattern
// naming a secret-looking variable (OPENAI_API_KEY) asks in suggest and
// auto-edit and refuses in full-auto, as DecideRead does.
func DecideSearch(paths []string, pattern string, tr TreeRead, mode Mode, list *protect.List, home string) (Decision, []ReadPath) {
	d, reads := decideRead(paths, mode, list, home, true)
	var why []string
	if tok := secretPatternWord(pattern); tok != "" {
		why = append(why, "searches for "+tok+": the lines found hold its value")
	}
	if _, w := rgConfig(); w != "" {
		why = append(why, w) // the agents' search tools run rg, which reads it too
	}
	// Each directory with the globs that narrow it.
	dirs := map[string][]string{}
	var order []string
	for _, p := range paths {
		dir, glob := filepath.Clean(p), ""
		if i := strings.IndexAny(p, "*?[{"); i >= 0 {
			// The walk covers the tree below the glob's static part; the
			// glob's last part names the files (src/**/*.py: *.py).
			dir, glob = filepath.Dir(p[:i]+"x"), filepath.Base(p)
		}
		if _, ok := dirs[dir]; !ok {
			order = append(order, dir)
			dirs[dir] = nil
		}
		if glob != "" {
			dirs[dir] = append(dirs[dir], glob)
		}
	}
	for _, dir := range order {
		real := Resolve(dir, "/")
		if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
			continue
		}
		f, complete := searchTree(real, dirs[dir], tr)
		if f != "" {
			why = append(why, dir+" holds "+f+" ("+whySecret(f)+")")
		} else if !complete {
			why = append(why, dir+" is too large to check for secret files (over "+strconv.Itoa(maxWalkEntries)+" entries)")
		}
	}
	if len(why) > 0 && d.Action == Run {
		d.Class, d.Action, d.Reason = Match, Ask, "reads a secret: "+strings.Join(why, ", ")
		if mode == FullAuto {
			d.Action = Refuse
		}
	}
	return d, reads
}

// searchTree walks dir as the tool does (hidden entries, .git, the
// directories a .gitignore names: skipped or not, as tr says), bounded like
// the judge's own tree walk, and returns the first secret file it meets
// whose name one of globs (none: any) matches, and whether it saw the whole
// tree. A secret is found by its name, by its content for the configs that
// hold tokens (.npmrc, git configs), or as a link to a secret; outside the
// tree of tr.Own, by any credential its content holds (walkedContent).
func searchTree(dir string, globs []string, tr TreeRead) (string, bool) {
	walkMu.Lock() // readDir's buffer
	defer walkMu.Unlock()
	h := home()
	ign := newIgnoreCache()
	n := 0
	complete := true
	found := ""
	consider := func(p string) bool {
		return (len(globs) == 0 || toolGlobMatches(globs, filepath.Base(p))) && !(tr.GitIgnore && !ign.linked[filepath.Dir(p)] && ign.ignored(p, false))
	}
	if secrets().Secret(dir, h) != nil {
		return dir, true
	}
	// The tools run rg without --follow: what a link leads to is judged by
	// its names only (the walk follows it for those).
	how := walkHow{content: tr.Own == "", own: tr.Own}
	queue := []string{dir}
	seen := map[string]bool{dir: true}
	linked := map[string]bool{} // directories reached through a link
	for len(queue) > 0 && found == "" && complete {
		d := queue[0]
		queue = queue[1:]
		readDir(d, maxWalkEntries-n+1, func(name string, isDir, isLink bool) {
			if found != "" || !complete {
				return
			}
			if n++; n > maxWalkEntries {
				complete = false
				return
			}
			p := entryPath(d, name)
			switch {
			case tr.SkipVCS && (name == ".git" || name == ".svn" || name == ".hg" || name == ".bzr" || name == ".jj"):
				return
			case !tr.Hidden && strings.HasPrefix(name, "."):
				return
			case isDir && tr.GitIgnore && !ign.linked[d] && ign.ignored(p, true):
				return
			}
			secret, target := secretEntry(p, name, h, isLink)
			if !secret && target == "" && !(isDir && !isLink) && consider(p) {
				var spent bool
				if secret, spent = walkedContent(d, p, name, isLink, linked[d], how); spent {
					complete = false
					return
				}
			}
			if secret {
				if consider(p) {
					found = p
				}
				return
			} else if isLink {
				if target != "" && !seen[target] {
					seen[target] = true
					linked[target] = true
					ign.link(target)
					queue = append(queue, target)
				}
				return
			}
			if isDir && !seen[p] {
				seen[p] = true
				linked[p] = linked[d]
				ign.below(d, p)
				queue = append(queue, p)
			}
		})
	}
	return found, complete
}

// toolGlobMatches is matchesAny for a tool's glob, which may also hold
// braces (*.{ts,tsx}): those count as matching.
func toolGlobMatches(globs []string, name string) bool {
	for _, g := range globs {
		if strings.Contains(g, "{") || matchesAny([]string{g}, name) {
			return true
		}
	}
	return false
}

// secretPatternWord returns a word of a search pattern that names a
// secret-looking environment variable in its UPPER_CASE spelling, or "".
func secretPatternWord(v string) string {
	for _, tok := range strings.FieldsFunc(v, func(c rune) bool {
		return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
	}) {
		if len(tok) >= 3 && strings.ToUpper(tok) == tok && tok[0] > '9' && secrets().SecretEnvName(tok) {
			return tok
		}
	}
	return ""
}

// ignoreCache holds the ignore files read during one walk, by path, and
// the directories the walk entered through a symbolic link (and those
// below them), to which no ignore file counts: rg -L applies the ignore
// files of the tree it walks, not of the repository a link leads into,
// where guard would have looked for them.
type ignoreCache struct {
	files  map[string]ignoreFile
	linked map[string]bool
}

func newIgnoreCache() ignoreCache {
	return ignoreCache{files: map[string]ignoreFile{}, linked: map[string]bool{}}
}

// link marks dir as entered through a link.
func (c ignoreCache) link(dir string) { c.linked[dir] = true }

// below marks dir, a directory in parent, as linked when parent is.
func (c ignoreCache) below(parent, dir string) {
	if c.linked[parent] {
		c.linked[dir] = true
	}
}

type ignoreFile struct {
	lines []string
	ok    bool
}

func (c ignoreCache) read(p string) ([]string, bool) {
	if f, ok := c.files[p]; ok {
		return f.lines, f.ok
	}
	lines, ok := ignoreLines(p)
	c.files[p] = ignoreFile{lines, ok}
	return lines, ok
}

// ignored reports whether rg skips f (a directory when dir is set), met
// in its walk, for a plain .gitignore line of the repository f is in: a
// line without "/" (or only a trailing one) naming f's name, or a line
// anchored at that .gitignore's directory naming f's path from there. Only
// f itself counts, not a directory above it: rg's walk checks each entry
// as it meets it and never enters one it skips, and a directory it is
// given, or starts in, is read although .gitignore names it (`rg --hidden
// KEY node_modules` printed node_modules/.env, which guard, reading the
// line as covering everything below, had left out). When in doubt (no
// repository, a "!" line in any ignore file on the way, "**", a
// backslash, an unreadable file, an .ignore or .rgignore file) it is not.
func (c ignoreCache) ignored(f string, dir bool) bool {
	var dirs []string
	repo := ""
	for d := filepath.Dir(f); ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			// rg's test (the path exists, through a link): a .git that
			// leads nowhere (guard's sandbox's /tmp/.git placeholder) is
			// no repository, and rg then reads what .gitignore names.
			repo = d
			break
		}
		if d == "/" || d == "." {
			break
		}
	}
	if repo == "" {
		return false
	}
	ignored := false
	for _, d := range dirs {
		for _, name := range []string{".ignore", ".rgignore"} {
			if lines, ok := c.read(filepath.Join(d, name)); !ok || len(lines) > 0 {
				return false // another ignore file may whitelist it
			}
		}
		lines, ok := c.read(filepath.Join(d, ".gitignore"))
		if !ok {
			return false
		}
		rel, err := filepath.Rel(d, f)
		if err != nil {
			return false
		}
		for _, l := range lines {
			if strings.HasPrefix(l, "!") || strings.Contains(l, "**") || strings.Contains(l, `\`) {
				return false
			}
			if ignoreLineMatches(l, rel, dir) {
				ignored = true
			}
		}
	}
	lines, ok := c.read(filepath.Join(repo, ".git", "info", "exclude"))
	if !ok {
		return false
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "!") {
			return false
		}
	}
	return ignored
}

// ignoreLines returns the pattern lines of an ignore file (none when it
// does not exist); ok is false when it cannot be read whole.
func ignoreLines(p string) ([]string, bool) {
	// Without waiting: a FIFO named .gitignore had stalled guard for good.
	b, err := safefile.Read(p, 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, true
	}
	if err != nil {
		return nil, false
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), " \t\r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines = append(lines, l)
	}
	return lines, sc.Err() == nil
}

// ignoreLineMatches reports whether a .gitignore line l names rel (a path
// below the .gitignore's directory; a directory when dir is set) itself.
func ignoreLineMatches(l, rel string, dir bool) bool {
	dirOnly := strings.HasSuffix(l, "/")
	if dirOnly && !dir {
		return false
	}
	l = strings.TrimSuffix(l, "/")
	if strings.Contains(l, "/") {
		// Anchored at the .gitignore's directory: the whole path.
		ok, _ := shellMatch(strings.TrimPrefix(l, "/"), rel)
		return ok && strings.Count(strings.TrimPrefix(l, "/"), "/") == strings.Count(rel, "/")
	}
	ok, _ := shellMatch(l, filepath.Base(rel))
	return ok
}
