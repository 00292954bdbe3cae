package policy

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// Globs are expanded by reading directories, and a short pattern can name a
// great many of them: `cat /*/*/*/*/*/*/x` (19 bytes) reads every directory
// six levels down, /proc's tasks among them, which took filepath.Glob over
// two minutes and a gigabyte; `grep x big/*/*` over 15,000 files, repeated
// in a script, a second per command. boundedGlob is filepath.Glob with a
// budget: one judgement (resetTokenBudget starts one) reads at most
// maxGlobEntries directory entries for its globs, each pattern is expanded
// once (later uses of it are answered from a memo), and a glob past the
// budget is errGlobBudget, which every caller takes as a glob it cannot
// know: the command is unverified.

// maxGlobEntries bounds the directory entries read to expand the globs of
// one judgement.
const maxGlobEntries = 20000

// maxGlobNames bounds the names the globs of one judgement give in all,
// memo answers included: `cat src/*/*.go` over 2,000 files, repeated 9,000
// times in a megabyte, read each directory once but gave 18 million names
// to judge, which ran the hook out of its time. A single glob past
// maxGlobEntries is unknown already; this bound is met only by a script
// naming the same tens of thousands of files again and again.
const maxGlobNames = 200000

// errGlobBudget is boundedGlob's answer past maxGlobEntries.
var errGlobBudget = errors.New("the glob names more files than guard reads to judge a command")

var (
	globEntries atomic.Int64
	globNamed   atomic.Int64
	// globMemo holds each pattern's expansion in a judgement.
	globMemo sync.Map
)

type globAnswer struct {
	matches []string
	err     error
}

// resetGlobBudget starts a judgement's glob and walk budgets and memos (a
// tree walked by an earlier judgement in the same process may have changed
// since).
func resetGlobBudget() {
	globEntries.Store(0)
	globNamed.Store(0)
	walkSpent.Store(0)
	walkContentSpent.Store(0)
	globMemo.Clear()
	realDirs.Clear()
	archiveWordMemo.Clear()
	secretPathMemo.Clear()
	secretGlobMemo.Clear()
	walkMu.Lock()
	walkCache = nil
	walkMu.Unlock()
}

// memoInDir is f(word, dir), answered from m when the judgement asked it
// before (m is one of the memos resetGlobBudget clears).
func memoInDir(m *sync.Map, word, dir string, f func(word, dir string) string) string {
	key := word + "\x00" + dir
	if why, ok := m.Load(key); ok {
		return why.(string)
	}
	why := f(word, dir)
	m.Store(key, why)
	return why
}

// boundedGlob is filepath.Glob (same pattern syntax, same matches, in the
// same order) within the judgement's budget, but for . and .., which a
// pattern starting with a dot matches too (as in dash and older bash), and
// for a name with a byte beyond ASCII, which it matches byte by byte as
// well (see glob.go).
func boundedGlob(pattern string) ([]string, error) { return boundedGlobs(pattern, latin1(pattern)) }

// boundedGlobs is boundedGlob for a pattern read two ways (globPatterns):
// a name matches when it matches chars, or when latin1 of it matches
// bytes.
func boundedGlobs(chars, bytes string) ([]string, error) {
	key := chars + "\x00" + bytes
	if a, ok := globMemo.Load(key); ok {
		ans := a.(globAnswer)
		return countNames(ans.matches, ans.err)
	}
	m, err := globLevels(chars, bytes, 0)
	if err != nil {
		m = nil
	}
	globMemo.Store(key, globAnswer{m, err})
	return countNames(m, err)
}

// countNames counts a glob's names against the judgement's maxGlobNames.
func countNames(m []string, err error) ([]string, error) {
	if err == nil && globNamed.Add(int64(len(m))) > maxGlobNames {
		return nil, errGlobBudget
	}
	return m, err
}

// globMeta reports whether p holds a character filepath.Match treats
// specially.
func globMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

// globLevels expands pattern (bytes is its other reading, element for
// element): its last element within every directory the pattern's
// directory part names.
func globLevels(pattern, bytes string, depth int) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	if _, err := filepath.Match(bytes, ""); err != nil {
		return nil, err
	}
	if depth > 4096 || strings.Count(pattern, "/") != strings.Count(bytes, "/") {
		return nil, filepath.ErrBadPattern
	}
	if !globMeta(pattern) {
		if _, err := os.Lstat(pattern); err != nil {
			return nil, nil
		}
		return []string{pattern}, nil
	}
	if strings.HasSuffix(pattern, "/") {
		return globDirs(pattern, bytes, depth)
	}
	dir, last := filepath.Split(pattern)
	bdir, blast := filepath.Split(bytes)
	if !globMeta(dir) {
		// A directory part with no pattern in it stays as written,
		// slashes and all, as the shells keep it (`d//*` names d//f).
		if dir == "" {
			dir = "."
		}
		return globIn(dir, last, blast, nil)
	}
	// One with a pattern names each match with one slash after it, a
	// run of slashes read as one (`**//*` names d/f).
	dir = strings.TrimRight(dir, "/")
	if dir == pattern {
		return nil, filepath.ErrBadPattern
	}
	parents, err := globLevels(dir, strings.TrimRight(bdir, "/"), depth+1)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range parents {
		if out, err = globIn(p, last, blast, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// globDirs expands a pattern that ends in a slash as the shells do: the
// directories (or links to directories) its part before the slashes names,
// each with one slash after it (`d*/` names d/).
func globDirs(pattern, bytes string, depth int) ([]string, error) {
	stem, bstem := strings.TrimRight(pattern, "/"), strings.TrimRight(bytes, "/")
	if stem == "" {
		return []string{"/"}, nil
	}
	m, err := globLevels(stem, bstem, depth+1)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range m {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			out = append(out, p+"/")
		}
	}
	return out, nil
}

// globIn appends to out the entries of directory dir whose names match
// pattern (or, byte by byte, bytes), in sorted order, counting what it
// reads against the budget.
func globIn(dir, pattern, bytes string, out []string) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return out, nil
	}
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY, 0) // a FIFO swapped in fails, not waits
	if err != nil {
		return out, nil
	}
	defer f.Close()
	var names []string
	for {
		batch, err := f.Readdirnames(512)
		if globEntries.Add(int64(len(batch))+1) > maxGlobEntries {
			return nil, errGlobBudget
		}
		names = append(names, batch...)
		if err != nil || len(batch) == 0 {
			break
		}
	}
	if strings.HasPrefix(pattern, ".") {
		// dash, and bash before 5.2 (macOS's 3.2), match . and .. with a
		// pattern that starts with a dot: `sh -c 'grep -r x .*'` read the
		// parent directory. The judge takes them as matches too.
		names = append(names, ".", "..")
	}
	sort.Strings(names)
	for _, n := range names {
		ok, err := matchEither(pattern, bytes, n)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, globJoin(dir, n))
		}
	}
	return out, nil
}

// globJoin names entry n of directory dir as the kernel will find it: not
// cleaned (filepath.Join would make link/../x into x, where the kernel
// climbs out of the link's target: a glob through `link/..` was judged
// as files of the project while cat read the home directory's).
func globJoin(dir, n string) string {
	switch {
	case dir == ".":
		return n
	case strings.HasSuffix(dir, "/"):
		return dir + n
	}
	return dir + "/" + n
}
