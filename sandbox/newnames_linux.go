package sandbox

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Protected names that do not exist when the command starts (.envrc,
// .vscode, .claude at the top of a project; .git/commondir) have nothing
// for a read-only mount to cover, and Landlock grants by directory, not by
// name: the command can make one. So guard stays the command's parent
// where one is missing (an ordinary user's child in a user namespace,
// rawchild_linux.go; otherwise a confined thread of guard's starts the
// program, applyAndWait, in full-auto and for auto-edit's files-only
// commands alike: sandbox-13 S13-3) and looks again once the command has ended (for
// the ordinary user's child, with every process of its PID namespace):
// each such path that now exists is moved aside in its directory, never
// removed (NAME.guard-blocked-TIME-RANDOM), with the directories the command
// made on the way to it (a directory made on the way to none, go's module
// cache below ~/go/bin's way, stays: madeBelow), said on stderr, and a
// status of 0 becomes 126.
//
// Looked at: the top of each writable root that is not shared (not /tmp
// or $TMPDIR, where other programs' files are), and the working directory
// and the directories above it inside such a root; the list's entries made
// of literal names only (protect.List.Literal), those under .git, .hg or
// .jj only in a repository that exists (git init makes them; a new
// repository's hooks and config are looked at by what they hold instead:
// newrepos_linux.go). Each directory is held open from
// before the command, so that what the command does to the path leading to
// it cannot send the move elsewhere; a directory the command put at that
// path in its place (mv src src.old && mkdir src) is found by the path,
// following no link, and every protected name in it was the command's.
// Below those, the directories the start's scan listed and those made in
// them are looked at too (newnames_deep_linux.go). Not looked at: names
// the list matches by a pattern (*.code-workspace). What the command
// leaves behind is ended before the look (a PID namespace's end, or, as
// root, leftovers_linux.go).

// newNames are the protected paths absent when the command started, by
// directory held open.
type newNames struct {
	dirs     []heldDir
	deep     deeperLook // the directories below, that the start's scan listed
	entries  []protect.Entry
	homeFrom int    // entries from here on are the home's ("~/" cut off)
	homeDir  string // where the home's entries are looked for
	topFrom  int    // entries from here on are upwardTopNames, looked for in tops only
	// extraFrom: entries from here on are Profile.MissingProtected's, each
	// looked for in one directory only (noted in its heldDir's missing).
	extraFrom int
	tops      map[string]bool // the tops of the roots other than the project (otherRootTops)
	// between are the directories between a shared root's top and a root
	// inside it (betweenSharedAndRoots): only their own names are looked
	// at, never what lies below them (other work in /tmp, not the
	// command's: another process's /tmp/work/other/.claude was moved aside).
	between map[string]bool
	// gitDirsSeen are the git directories made during the run looked in
	// (lookNewRepos).
	gitDirsSeen map[string]bool
	roots       []string // the unshared roots: only directories in them are unlocked
	shared      []string // the shared roots (/tmp, $TMPDIR): a .git file may name a git directory there
}

type heldDir struct {
	fd       int
	path     string
	dev, ino uint64 // the directory's, to tell it from one the command put in its place
	missing  []missingPath
	// ctime is the directory's change time at start, when older than
	// ctimeRacy (else zero): a name made, renamed or linked into it, or a
	// chmod of it, changes it, so an equal one after the command means
	// nothing there to look at again (300 roots: no listing each).
	ctime unix.Timespec
	// parents: missingParents(missing), whose change times are looked at
	// when ctime did not move (missingInChanged).
	parents []string
}

// ctimeRacy is how recent a change time is not trusted: a change in the
// same clock tick as the look would not show (the plan cache's rule).
const ctimeRacy = 2 * time.Second

// missingPath is the part of a protected entry that did not exist: rel,
// the shortest missing prefix of the entry's path (.husky for .husky/_
// when there was no .husky), relative to the directory.
type missingPath struct {
	rel string
	at  int // the entry's index in newNames.entries, the order they are said in
}

// lookForNewNames opens the directories to look in and notes which of
// entries are absent there now. The descriptors are close-on-exec.
func lookForNewNames(c *confinement, names, homeNames []protect.Entry, homeDir string) *newNames {
	// The home's entries follow the others: looked for in homeDir only;
	// then the names tools take for theirs at the tops of other roots.
	homeFrom := len(names)
	entries := names
	if len(homeNames) > 0 {
		entries = slices.Concat(names, homeNames)
	}
	topFrom := len(entries)
	between := betweenSharedAndRoots(c.roots)
	tops := slices.Concat(otherRootTops(&c.p, homeDir), between)
	if len(tops) > 0 {
		entries = slices.Concat(entries, upwardTopNames())
	}
	// Then one entry for each path a config names that did not exist
	// (Profile.MissingProtected), looked for in its nearest directory that
	// did only.
	extraFrom := len(entries)
	extra := map[string][]missingPath{} // by that directory
	for _, m := range c.p.MissingProtected {
		dir, rel, ok := nearestExisting(m, c.roots)
		if !ok {
			continue
		}
		entries = append(entries, protect.Entry{Pattern: m, Kind: protect.Protected, Reason: "what was there at start names it (a shell's source, a git include or program, a git directory's commondir, a PATH directory): once made, it runs or is read later, outside the sandbox"})
		extra[dir] = append(extra[dir], missingPath{rel, len(entries) - 1})
	}
	if len(entries) == 0 {
		return nil
	}
	cwd := c.cwd
	if cwd == "" {
		cwd, _ = unix.Getwd()
	}
	var dirs, roots, shared []string
	seen := map[string]bool{}
	for _, r := range c.roots {
		if r.shared {
			shared = append(shared, r.path)
			continue
		}
		for d := cwd; d != r.path && within(d, r.path); d = filepath.Dir(d) {
			if !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
		if !seen[r.path] {
			seen[r.path] = true
			dirs = append(dirs, r.path)
		}
		roots = append(roots, r.path)
	}
	// The directories between a shared root's top and a root inside it
	// (tops, from betweenSharedAndRoots), which tools running in the root
	// look in as they go up.
	for _, d := range tops {
		if !seen[d] && !slices.Contains(roots, d) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	// A home in a shared root (HOME=/tmp/h) is looked at as the home in a
	// root is: its names, absent at start, made by the command ran later.
	if homeDir != "" && !seen[homeDir] && len(homeNames) > 0 {
		seen[homeDir] = true
		dirs = append(dirs, homeDir)
	}
	for d := range extra {
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	// The entries by their first component, in list order: a directory
	// that lacks that component lacks every one of them (300 roots times
	// the list's literal entries, one by one, took 12 ms).
	type group struct {
		first string
		at    []int
	}
	var groups []group
	byFirst := map[string]int{}
	for i, e := range entries {
		first, _, _ := strings.Cut(e.Pattern, "/")
		g, ok := byFirst[first]
		if !ok {
			g = len(groups)
			byFirst[first] = g
			groups = append(groups, group{first: first})
		}
		groups[g].at = append(groups[g].at, i)
	}
	n := &newNames{entries: entries, homeFrom: homeFrom, homeDir: homeDir, topFrom: topFrom, extraFrom: extraFrom, roots: roots,
		shared: shared}
	if len(tops) > 0 {
		n.tops = make(map[string]bool, len(tops))
		for _, t := range tops {
			n.tops[t] = true
		}
	}
	if len(between) > 0 {
		n.between = make(map[string]bool, len(between))
		for _, d := range between {
			n.between[d] = true
		}
	}
	buf := make([]byte, dirNamesBuf) // one for every listing
	for _, d := range dirs {
		fd, err := unix.Open(d, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != nil {
			unix.Close(fd)
			continue
		}
		h := heldDir{fd: fd, path: d, dev: st.Dev, ino: st.Ino, missing: make([]missingPath, 0, len(groups))}
		if time.Since(time.Unix(st.Ctim.Unix())) > ctimeRacy {
			h.ctime = st.Ctim
		}
		names, listed := dirNames(fd, buf)
		noted := map[string]bool{} // each relative path once, with its first entry
		at := n.kindOf(d)
		for _, g := range groups {
			if !slices.ContainsFunc(g.at, func(i int) bool { return n.applies(i, at) }) {
				continue // only the home's or the tops' entries start with this name
			}
			if listed && !names[g.first] {
				// Missing: the first entry that counts is noted under it, but
				// below a repository directory (a new repository: the
				// documented limit).
				for _, i := range g.at {
					if !n.applies(i, at) {
						continue
					}
					if !isRepoName(g.first) || len(entries[i].Pattern) == len(g.first) {
						h.missing = append(h.missing, missingPath{g.first, i})
						break
					}
				}
				continue
			}
			repoDir := !isRepoName(g.first) || isDirAt(fd, g.first)
			for _, i := range g.at {
				if !n.applies(i, at) {
					continue
				}
				e := entries[i]
				if len(e.Pattern) > len(g.first) && !repoDir {
					continue // below a repository directory that is not one
				}
				rel := missingPrefix(fd, e.Pattern, names, listed)
				if rel != "" && !noted[rel] {
					noted[rel] = true
					h.missing = append(h.missing, missingPath{rel, i})
				}
			}
		}
		for _, m := range extra[d] {
			if !slices.ContainsFunc(h.missing, func(x missingPath) bool { return x.rel == m.rel }) {
				h.missing = append(h.missing, m)
			}
		}
		if byAt := func(a, b missingPath) int { return a.at - b.at }; !slices.IsSortedFunc(h.missing, byAt) {
			slices.SortFunc(h.missing, byAt)
		}
		h.parents = missingParents(h.missing)
		n.dirs = append(n.dirs, h) // kept with nothing missing too: the command may put another in its place
	}
	n.deep = holdScanned(c.p.ScannedDirs, seen, roots, c.p.ReadOnly, homeDir)
	if len(n.dirs) == 0 && len(n.deep.dirs) == 0 {
		return nil
	}
	return n
}

// dirKind says which of the entries are looked for in a directory: the
// list's in every one, the home's in the home, upwardTopNames at the tops
// of the roots other than the project. Worked out once a directory (300
// roots: a search of the tops for every entry doubled the look's cost).
type dirKind struct{ home, top bool }

func (n *newNames) kindOf(d string) dirKind { return dirKind{home: d == n.homeDir, top: n.tops[d]} }

// applies reports whether entries[i] is looked for in a directory of kind k.
func (n *newNames) applies(i int, k dirKind) bool {
	switch {
	case i >= n.extraFrom:
		return false
	case i >= n.topFrom:
		return k.top
	case i >= n.homeFrom:
		return k.home
	}
	return true
}

// upwardTopNames are protect.UpwardTop's names as entries: what tools
// running in a directory below a root take for their own (a .cargo with a
// rustc wrapper, a bare repository's HEAD and config, go.work,
// conftest.py, ESLint's and Prettier's configs). Built when a run needs
// them, not when every guard starts.
func upwardTopNames() []protect.Entry {
	names := protect.UpwardTop("")
	out := make([]protect.Entry, 0, len(names))
	for _, n := range names {
		out = append(out, protect.Entry{Pattern: n, Kind: protect.Protected, Reason: protect.WhyUpwardTop})
	}
	return out
}

// nearestExisting is the nearest directory above p that exists, within
// one of roots (not above it), and the first component of p below it.
func nearestExisting(p string, roots []root) (dir, rel string, ok bool) {
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		if !slices.ContainsFunc(roots, func(r root) bool { return within(d, r.path) }) {
			return "", "", false
		}
		var st unix.Stat_t
		if unix.Lstat(d, &st) == nil {
			if st.Mode&unix.S_IFMT != unix.S_IFDIR {
				return "", "", false
			}
			first, _, _ := strings.Cut(strings.TrimPrefix(p, d+"/"), "/")
			return d, first, true
		}
		if d == "/" {
			return "", "", false
		}
	}
}

// otherRootTops are the writable roots other than the project (the
// first), as the decision counts them (the gate's addUpwardTops): not
// shared (their tops keep placeholders), not inside the project, not
// holding the home (home, when it is in a root), not /. A `.cargo/config.toml`
// a command made unseen at the top of a configured ~/scratch ran its
// rustc wrapper at the next cargo build in ~/scratch/other, outside
// (seventeenth red team); what it makes there is moved aside.
func otherRootTops(p *Profile, home string) []string {
	if len(p.WritableRoots) < 2 {
		return nil
	}
	project := filepath.Clean(p.WritableRoots[0])
	var out []string
	for _, r := range p.WritableRoots[1:] {
		r = filepath.Clean(r)
		if r == "/" || within(r, project) || home != "" && within(home, r) || slices.Contains(out, r) ||
			slices.ContainsFunc(p.SharedRoots, func(s string) bool { return filepath.Clean(s) == r }) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// betweenSharedAndRoots are the directories strictly between the top of a
// shared root and a root that is not shared inside it: /tmp/work for a
// project in /tmp/work/proj. The command may write there (it is /tmp),
// and git, cargo, go and pytest run in the project look there as they go
// up, as at /tmp's top, whose placeholders keep their names out: a .git a
// command made in /tmp/work, with a core.fsmonitor in its config, ran at
// the next git status in a project that has no repository of its own
// (twenty-fourth red team, S24-2). They are looked at after the command as
// the tops of the other roots are (upwardTopNames), and with the list's
// names, as the directories on the way to the working directory are.
func betweenSharedAndRoots(roots []root) []string {
	var out []string
	sharedTop := func(d string) bool {
		return slices.ContainsFunc(roots, func(s root) bool { return s.shared && s.path == d })
	}
	for _, s := range roots {
		if !s.shared {
			continue
		}
		for _, r := range roots {
			if r.shared || r.path == s.path || !within(r.path, s.path) {
				continue
			}
			for d := filepath.Dir(r.path); d != s.path && within(d, s.path); d = filepath.Dir(d) {
				// A shared root's own top ($TMPDIR in /tmp) keeps placeholders.
				if !sharedTop(d) && !slices.Contains(out, d) {
					out = append(out, d)
				}
			}
		}
	}
	return out
}

// isRepoName reports whether name is a repository's directory (.git, .hg,
// .jj): protected paths below one that does not exist are a new
// repository's, the documented limit.
func isRepoName(name string) bool { return name == ".git" || name == ".hg" || name == ".jj" }

// unsharedRoots is how many of c's roots lookForNewNames holds a directory
// of (at least: the working directory's way adds more).
func unsharedRoots(c *confinement) int {
	n := 0
	for _, r := range c.roots {
		if !r.shared {
			n++
		}
	}
	return n
}

// missingPrefix returns the shortest prefix of rel that does not exist
// below fd, or "" when rel exists (names: fd's entries, when listed).
func missingPrefix(fd int, rel string, names map[string]bool, listed bool) string {
	for i := 0; ; {
		prefix := rel
		j := strings.IndexByte(rel[i:], '/')
		if j >= 0 {
			prefix = rel[:i+j]
		}
		var st unix.Stat_t
		if i == 0 && listed {
			if !names[prefix] {
				return prefix
			}
		} else if unix.Fstatat(fd, prefix, &st, unix.AT_SYMLINK_NOFOLLOW) == unix.ENOENT {
			return prefix
		}
		if j < 0 {
			return ""
		}
		i += j + 1
	}
}

// dirNamesBuf is dirNames' buffer: four of them hold a few thousand names.
const dirNamesBuf = 16 << 10

// dirNames reads the names in the directory fd (from its start) through buf
// (dirNamesBuf bytes, the caller's, used again for each directory: 300
// roots took 300 of them, twice), for a directory of a few thousand entries
// at most: in a larger one a lookup per name costs less, and ok is false.
func dirNames(fd int, buf []byte) (names map[string]bool, ok bool) {
	if _, err := unix.Seek(fd, 0, io.SeekStart); err != nil {
		return nil, false
	}
	names = map[string]bool{}
	for range 4 {
		n, err := unix.ReadDirent(fd, buf)
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return names, true
		}
		var list []string
		_, _, list = unix.ParseDirent(buf[:n], -1, list)
		for _, x := range list {
			names[x] = true
		}
	}
	return nil, false
}

func isDirAt(fd int, name string) bool {
	var st unix.Stat_t
	return unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}

// moveAside moves each path made since lookForNewNames aside
// (NAME.guard-blocked-TIME-RANDOM beside it), says so on w, and reports how many
// it found. One it cannot move is said too.
func (n *newNames) moveAside(w io.Writer) int {
	if n == nil {
		return 0
	}
	found := 0
	stamp := time.Now().UTC().Format("20060102T150405")
	buf := make([]byte, dirNamesBuf)
	locks := unlocked{roots: n.roots}
	defer locks.restore()
	for _, h := range n.dirs {
		var now unix.Stat_t
		if h.ctime == (unix.Timespec{}) || unix.Fstat(h.fd, &now) != nil || now.Ctim != h.ctime {
			locks.unlock(h.fd)
			found += n.moveMissing(w, h.fd, h.path, h.missing, stamp, buf, &locks)
		} else if deeper := n.missingInChanged(h); len(deeper) > 0 {
			locks.unlock(h.fd)
			found += n.moveMissing(w, h.fd, h.path, deeper, stamp, buf, &locks)
		}
		// A directory the command put in the original's place (mv src
		// src.old && mkdir -p src/app): what it holds was all made by the
		// command, so every protected name there is looked for. An lstat
		// first (one call, not one open per component): the original
		// there is the usual case, and where a link on the way makes it
		// look so, openBeneath would refuse that way all the same.
		var lst unix.Stat_t
		if unix.Lstat(h.path, &lst) == nil && lst.Dev == h.dev && lst.Ino == h.ino {
			continue
		}
		fd, err := openBeneath(-1, h.path[1:], &locks)
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil && (st.Dev != h.dev || st.Ino != h.ino) {
			var all []missingPath
			for i, e := range n.entries {
				first, _, deeper := strings.Cut(e.Pattern, "/")
				if deeper && isRepoName(first) {
					continue // a new repository: the documented limit
				}
				if !slices.ContainsFunc(all, func(m missingPath) bool { return m.rel == first }) {
					all = append(all, missingPath{first, i})
				}
			}
			locks.unlock(fd)
			found += n.moveMissing(w, fd, h.path, all, stamp, buf, &locks)
		}
		unix.Close(fd)
	}
	return found + n.lookDeeper(w, stamp, buf, &locks) + n.lookAdminDirs(w, stamp, buf, &locks)
}

// missingInChanged returns those of h's missing paths that start below
// h (their missing part's parent is a directory that existed: .local/share
// for ~/.local/share/systemd) where that parent changed during the run.
// The held directory's own change time does not show a name made there:
// with the home a root and ~/.local/share there at start (guard's own
// state is in it), ~/.local/share/systemd/user/x.service and
// dbus-1/services made inside stayed (sandbox-18 S18-8). One fstatat per
// such parent.
func (n *newNames) missingInChanged(h heldDir) []missingPath {
	var changed []string
	for _, parent := range h.parents {
		var st unix.Stat_t
		if unix.Fstatat(h.fd, parent, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || !time.Unix(st.Ctim.Unix()).Before(n.deep.since) {
			changed = append(changed, parent)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	var out []missingPath
	for _, m := range h.missing {
		if i := strings.LastIndexByte(m.rel, '/'); i >= 0 && slices.Contains(changed, m.rel[:i]) {
			out = append(out, m)
		}
	}
	return out
}

// missingParents are the distinct directories, relative to the held
// directory, that hold the start of a missing path deeper than its top.
func missingParents(missing []missingPath) []string {
	var out []string
	for _, m := range missing {
		if i := strings.LastIndexByte(m.rel, '/'); i >= 0 && !slices.Contains(out, m.rel[:i]) {
			out = append(out, m.rel[:i])
		}
	}
	return out
}

// moveMissing moves aside those of missing that exist below dirfd (dir is
// its name, for the message) and reports how many it found.
func (n *newNames) moveMissing(w io.Writer, dirfd int, dir string, missing []missingPath, stamp string, buf []byte, locks *unlocked) int {
	found := 0
	names, listed := dirNames(dirfd, buf)
	for _, m := range missing {
		e := &n.entries[m.at]
		pattern := e.Pattern // as the config names it
		if m.at >= n.extraFrom {
			// A path a config names (Profile.MissingProtected): made when
			// it exists now, or cannot be looked at.
			full := strings.TrimPrefix(e.Pattern, dir+"/")
			var st unix.Stat_t
			if j := strings.LastIndexByte(full, '/'); j >= 0 {
				pfd, err := openBeneath(dirfd, full[:j], locks)
				if err == unix.ENOENT || err == unix.ENOTDIR {
					continue
				}
				if err == nil {
					err = unix.Fstatat(pfd, full[j+1:], &st, unix.AT_SYMLINK_NOFOLLOW)
					unix.Close(pfd)
					if err == unix.ENOENT {
						continue
					}
				}
			} else if unix.Fstatat(dirfd, full, &st, unix.AT_SYMLINK_NOFOLLOW) == unix.ENOENT {
				continue
			}
			to, made, err := moveAside(dirfd, m.rel, stamp, locks)
			if made {
				found++
				sayMoved(w, filepath.Join(dir, m.rel), to, e.Reason, "", err)
			}
			continue
		}
		if m.at >= n.topFrom {
			pattern = "" // no entry of the list to unprotect: the decision's (protect.UpwardTop)
		} else if m.at >= n.homeFrom {
			pattern = "~/" + pattern
		}
		if first, _, _ := strings.Cut(m.rel, "/"); listed && !names[first] || !n.madeBelow(dirfd, dir, m.rel, locks) {
			continue
		}
		to, made, err := moveAside(dirfd, m.rel, stamp, locks)
		if !made {
			continue
		}
		found++
		sayMoved(w, filepath.Join(dir, m.rel), to, e.Reason, pattern, err)
	}
	return found
}

// sayMoved tells that the command made path, a protected path of the
// pattern, and that guard moved it to to (a name beside it), or could not.
func sayMoved(w io.Writer, path, to, reason, pattern string, err error) {
	if err != nil {
		fmt.Fprintf(w, "guard: the command made %s, a protected path (%s), and guard could not move it aside: %v\n", path, reason, err)
		return
	}
	if pattern == "" {
		fmt.Fprintf(w, "guard: the command made %s, a protected path (%s); guard moved it to %s (write it from outside the sandbox if it is meant)\n",
			path, reason, filepath.Join(filepath.Dir(path), to))
		return
	}
	fmt.Fprintf(w, "guard: the command made %s, a protected path (%s); guard moved it to %s (protected paths are read-only in the sandbox; to allow this one: unprotected = [%q] in the [protect] table of guard's config)\n",
		path, reason, filepath.Join(filepath.Dir(path), to), pattern)
}

// madeBelow reports whether a protected path exists now at rel below
// dirfd (the directory dir) or below rel: an entry that rel is, or is the
// missing start of (the home's entries in the home only). A directory the
// command made on the way to none (go mod tidy's ~/go/pkg below ~/go/bin's
// way, go's ~/.config/go/telemetry below ~/.config/go/env's) is no
// protected path: moving it aside took the tool's files and made the
// status 126 (fifteenth red team). What cannot be looked at (a link on the
// way, a directory made unsearchable) counts as made.
func (n *newNames) madeBelow(dirfd int, dir, rel string, locks *unlocked) bool {
	at := n.kindOf(dir)
	for i, e := range n.entries {
		rest, ok := strings.CutPrefix(e.Pattern, rel)
		if !ok || rest != "" && rest[0] != '/' || !n.applies(i, at) {
			continue
		}
		if rest == "" {
			return true
		}
		at, name := dirfd, e.Pattern
		if j := strings.LastIndexByte(e.Pattern, '/'); j >= 0 {
			pfd, err := openBeneath(dirfd, e.Pattern[:j], locks)
			if err == unix.ENOENT || err == unix.ENOTDIR && j > len(rel) {
				continue
			}
			if err != nil {
				return true
			}
			defer unix.Close(pfd)
			at, name = pfd, e.Pattern[j+1:]
		}
		var st unix.Stat_t
		if err := unix.Fstatat(at, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != unix.ENOENT {
			return true
		}
	}
	return false
}

// moveAside renames rel below dirfd to NAME.guard-blocked-STAMP-RANDOM
// (nothing is replaced) when it exists, and
// returns the new name. The directories on the way are opened following no
// link: a link the command made there leads nowhere. made reports whether
// rel exists, or could not be looked at.
func moveAside(dirfd int, rel, stamp string, locks *unlocked) (to string, made bool, err error) {
	dir, name := dirfd, rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		pfd, err := openBeneath(dirfd, rel[:i], locks)
		if err == unix.ENOENT {
			return "", false, nil
		}
		if err != nil {
			return "", true, err
		}
		defer unix.Close(pfd)
		locks.unlock(pfd)
		dir, name = pfd, rel[i+1:]
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dir, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", err != unix.ENOENT, err
	}
	// A random part the command cannot foresee: names it made in advance
	// cannot keep the move from happening.
	for range 16 {
		to = name + ".guard-blocked-" + stamp + "-" + strconv.FormatUint(uint64(rand.Uint32()), 36)
		err := unix.Renameat2(dir, name, dir, to, unix.RENAME_NOREPLACE)
		if err == unix.EACCES || err == unix.EPERM {
			// A directory made unwritable (chmod a-w .) after the look
			// began: guard's user's, given back its mode at the end.
			locks.unlock(dir)
			err = unix.Renameat2(dir, name, dir, to, unix.RENAME_NOREPLACE)
		}
		if err != unix.EEXIST {
			return to, true, err
		}
	}
	return "", true, os.ErrExist
}

// unlocked are the directories guard gave itself search and write in
// (its user's, where the command took them away: chmod 000 . after making
// .envrc), with the modes to put back, in the order given.
type unlocked struct {
	fds   []int
	modes []uint32
	roots []string
}

// may reports whether the directory path may be unlocked: it is in one
// of the roots ("": a directory below one held, which is).
func (u *unlocked) may(path string) bool {
	return path == "" || slices.ContainsFunc(u.roots, func(r string) bool { return within(path, r) })
}

// unlock gives guard search and write in the directory fd when it is
// guard's user's and lacks them (root needs none: it has the capability
// to override). fd is duplicated, so the caller may close its own.
func (u *unlocked) unlock(fd int) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || int(st.Uid) != os.Geteuid() || st.Mode&0o300 == 0o300 || os.Geteuid() == 0 {
		return
	}
	mode := st.Mode & 0o7777
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return
	}
	if unix.Fchmod(dup, mode|0o700) != nil {
		unix.Close(dup)
		return
	}
	u.fds, u.modes = append(u.fds, dup), append(u.modes, mode)
}

// chmodFD changes the mode of the file fd, a descriptor opened as a path
// (O_PATH) too.
func chmodFD(fd int, mode uint32) error {
	err := unix.Fchmod(fd, mode)
	if err == unix.EBADF {
		err = unix.Fchmodat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), mode, 0)
	}
	return err
}

// restore puts the modes back, the last given first.
func (u *unlocked) restore() {
	for i := len(u.fds) - 1; i >= 0; i-- {
		chmodFD(u.fds[i], u.modes[i])
		unix.Close(u.fds[i])
	}
	u.fds, u.modes = nil, nil
}

// openBeneath opens the directory rel below dirfd (-1: below /) a
// component at a time, following no link (rel is clean and relative: no
// "..").  A directory on the way that guard's user owns and the command
// made unreadable or unsearchable (chmod 000 src) is unlocked through locks
// (nil: not).
func openBeneath(dirfd int, rel string, locks *unlocked) (int, error) {
	path := "" // the absolute path opened so far, from /; "" below dirfd
	if dirfd < 0 {
		path = "/"
	}
	if dirfd < 0 {
		root, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return -1, err
		}
		defer unix.Close(root)
		dirfd = root
		if rel == "" {
			return unix.FcntlInt(uintptr(root), unix.F_DUPFD_CLOEXEC, 0)
		}
	}
	fd := dirfd
	for _, c := range strings.Split(rel, "/") {
		parent := path
		if path != "" {
			path = filepath.Join(path, c)
		}
		next, err := unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == unix.EACCES && locks != nil && locks.may(path) {
			// Search in fd first, then read in c: through a descriptor
			// of c's own, opened as a path, following no link.
			if locks.may(parent) {
				locks.unlock(fd)
			}
			if p, perr := unix.Openat(fd, c, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0); perr == nil {
				var st unix.Stat_t
				if unix.Fstat(p, &st) == nil && int(st.Uid) == os.Geteuid() && os.Geteuid() != 0 {
					mode := st.Mode & 0o7777
					if chmodFD(p, mode|0o700) == nil {
						next, err = unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
						if err == nil {
							locks.fds, locks.modes = append(locks.fds, p), append(locks.modes, mode)
							p = -1
						} else {
							chmodFD(p, mode)
						}
					}
				}
				if p >= 0 {
					unix.Close(p)
				}
			}
		}
		if fd != dirfd {
			unix.Close(fd)
		}
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

// fds are the directories held.
func (n *newNames) fds() []int {
	if n == nil {
		return nil
	}
	out := make([]int, len(n.dirs), len(n.dirs)+len(n.deep.dirs))
	for i, h := range n.dirs {
		out[i] = h.fd
	}
	for _, d := range n.deep.dirs {
		out = append(out, d.fd)
	}
	return out
}

// close closes the directories held.
func (n *newNames) close() {
	if n == nil {
		return
	}
	for _, h := range n.dirs {
		unix.Close(h.fd)
	}
	for _, d := range n.deep.dirs {
		unix.Close(d.fd)
	}
}

// startScoped starts the program from the confined thread (applyAndWait,
// root's way) one Landlock layer deeper than the thread: a layer that
// scopes signals alone (ABI 6). Landlock lets a process signal only its
// own domain and those nested in it, so the program and every process it
// makes can no longer signal guard, which waits in the layer above: with
// the program in the thread's own domain, `kill -9 $PPID` (or a tgkill of
// the waiting thread, its id in /proc/$PPID/task) ended guard before its
// look, and the protected name the command made stayed. guard still
// signals the program (forwarding). The same layer keeps ptrace, hence
// hidepid's /proc entries, from reaching guard. Without ABI 6 (no signal
// scope anywhere) the program starts in the thread's domain, as before.
// The child is a raw one (rawchild_linux.go): the layer, the parent death
// signal, the signal handlers and mask back, execve.
func startScoped(c *confinement, ruleset int, path string, argv, env []string) (int, error) {
	for _, s := range append(append(slices.Clone(argv), env...), path) {
		if strings.IndexByte(s, 0) >= 0 {
			return 0, fmt.Errorf("a NUL byte in the program, its arguments or its environment")
		}
	}
	// A raw pipe, not os.Pipe: as the runtime's poller would, an os.File
	// made after the thread unshared its descriptor table (many roots)
	// registered a descriptor other threads do not have, and the poller's
	// own, made here, was gone for them (epollwait EBADF: a fatal error).
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return 0, err
	}
	errR, errW := p[0], p[1]
	defer unix.Close(errR)
	wClosed := false
	defer func() {
		if !wClosed {
			unix.Close(errW)
		}
	}()
	b := &rawBuilder{}
	b.c.errFD = uintptr(errW)
	b.op("prctl(PR_SET_PDEATHSIG)", unix.SYS_PRCTL, [6]uintptr{unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL)})
	b.boundTasks(c)
	b.op("landlock_restrict_self (signals)", unix.SYS_LANDLOCK_RESTRICT_SELF, [6]uintptr{uintptr(ruleset)})
	for sig := 1; sig < 65; sig++ {
		if sig == int(unix.SIGKILL) || sig == int(unix.SIGSTOP) {
			continue
		}
		var old [4]uintptr // struct kernel_sigaction: handler, flags, restorer, mask
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old[0])), 8, 0, 0); e != 0 {
			continue
		}
		if old[0] == 0 || old[0] == 1 { // SIG_DFL, SIG_IGN
			continue
		}
		dfl := &[4]uintptr{}
		b.op("rt_sigaction", unix.SYS_RT_SIGACTION, [6]uintptr{uintptr(sig), b.ptr(unsafe.Pointer(dfl), dfl), 0, 8})
	}
	var oldMask, all uint64 = 0, ^uint64(0)
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, 0, uintptr(unsafe.Pointer(&oldMask)), 8, 0, 0); e != 0 {
		return 0, fmt.Errorf("rt_sigprocmask: %w", e)
	}
	mask := &[1]uint64{oldMask}
	b.op("rt_sigprocmask", unix.SYS_RT_SIGPROCMASK, [6]uintptr{unix.SIG_SETMASK, b.ptr(unsafe.Pointer(&mask[0]), mask), 0, 8})
	argvp, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return 0, err
	}
	envp, err := syscall.SlicePtrFromStrings(scrubEnv(c.p, env))
	if err != nil {
		return 0, err
	}
	b.op("execve "+path, unix.SYS_EXECVE, [6]uintptr{b.cstr(path), b.ptr(unsafe.Pointer(&argvp[0]), argvp), b.ptr(unsafe.Pointer(&envp[0]), envp)})
	b.c.results = make([]uintptr, len(b.c.ops))

	syscall.ForkLock.Lock()
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all)), 0, 8, 0, 0)
	pid, errno := rawVfork(vforkFlags | uintptr(unix.SIGCHLD))
	if pid == 0 && errno == 0 {
		runRawChild(&b.c) // never returns
	}
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&oldMask)), 0, 8, 0, 0)
	syscall.ForkLock.Unlock()
	runtime.KeepAlive(b)
	unix.Close(errW)
	wClosed = true
	if errno != 0 {
		return 0, fmt.Errorf("clone: %w", unix.Errno(errno))
	}
	var rep [8]byte
	n := 0
	for {
		var err error
		n, err = unix.Read(errR, rep[:])
		if err != unix.EINTR {
			break
		}
	}
	if n == 8 {
		var ws syscall.WaitStatus
		syscall.Wait4(int(pid), &ws, 0, nil)
		step := int(binary.LittleEndian.Uint16(rep[0:]))
		e := unix.Errno(binary.LittleEndian.Uint16(rep[4:]))
		if step == len(b.c.ops)-1 {
			return 0, &ExecError{Path: path, Err: e}
		}
		name := "?"
		if step < len(b.c.ops) {
			name = b.c.ops[step].name
		}
		return 0, fmt.Errorf("starting the program: %s: %w", name, e)
	}
	return int(pid), nil
}

// signalScope makes the Landlock ruleset of startScoped's layer: signals
// scoped, nothing else handled. -1 without ABI 6.
func signalScope(c *confinement) int {
	if !c.landlock || c.abi < 6 {
		return -1
	}
	attr := unix.LandlockRulesetAttr{Scoped: unix.LANDLOCK_SCOPE_SIGNAL}
	r, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), unsafe.Offsetof(attr.Quiet_access_fs), 0)
	if e != 0 {
		return -1
	}
	return int(r)
}
