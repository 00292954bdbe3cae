package protect

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unsafe"

	"guard/internal/gitconfig"

	"golang.org/x/sys/unix"
)

// Found is a path that exists now and the entry that covers it; or, with
// Missing, one a config names that does not exist yet (a git include's
// target), which a command could make and which is read as that config
// once it exists.
type Found struct {
	Path    string
	Entry   *Entry
	Missing bool
	// Checkout: Path is no protected path but an agent's checkout
	// (CheckoutTop) that a protected path found holds (Claude Code's
	// .claude/worktrees/NAME): writable where the roots reach it, with its
	// own protected paths, found as in a root, read-only inside it.
	Checkout bool
}

// Scan bounds: how far Resolve looks into a root for the entries that match at
// any depth (".env", "*.pem", ".vscode", a nested repository's .git/hooks, an
// embedded bare repository). Reading a directory costs a few microseconds, and
// Resolve runs before every sandboxed command: a name deeper than ScanDepth
// below a root, or beyond the first ScanDirs directories read (breadth
// first), is not found. The depth costs nothing in a small tree; the budget
// bounds a large one (32 listings took about 0.2 ms on a 2-core VM).
const (
	ScanDepth = 8
	ScanDirs  = 32
)

// scanSkip are directories the scan never enters: large, and written by tools.
var scanSkip = []string{"node_modules", "vendor", "target", "dist", "build", "__pycache__", ".venv", "venv", ".tox", ".cache"}

// ScanSkipped reports whether the scan never enters a directory of this name.
func ScanSkipped(name string) bool { return slices.Contains(scanSkip, name) }

// Resolve applies the list to the writable roots, as they are at start. It
// returns the protected paths that exist inside roots and the secrets that
// exist anywhere, each once, a path never below another one returned.
//
//   - "~/" and "/" entries: the paths they name; a pattern with a glob is
//     expanded (filepath.Glob), except under /proc (Landlock's ptrace check
//     refuses other processes' environ already).
//   - Entries that match at any depth: the names found in the first ScanDepth
//     levels of each root in scan (bounded by ScanDirs, skipping
//     node_modules, vendor...).
//   - A repository at a root's top, above a root (the nearest one) or found
//     by the scan: its resolved git directory (a worktree's .git file names
//     it; commondir), whose hooks, config and modules are matched as
//     ".git/..." entries; from the repository's config and the user's
//     (~/.gitconfig, ~/.config/git/config, $XDG_CONFIG_HOME/git/config,
//     $GIT_CONFIG_GLOBAL, /etc/gitconfig, read for every resolution, a
//     repository or not), core.hooksPath, init.templateDir, included files
//     and the files that command values name (core.fsmonitor, textconv,
//     filters, aliases...).
//   - An embedded bare repository (a directory with HEAD, config, objects and
//     refs) found by the scan: its config and hooks.
//
// Protected paths are returned when they lie inside a root or hold one (a
// root in .git/hooks, below .vscode: the sandbox drops such a root); the
// directories above each root are matched by name against the protected
// entries that match at any depth.
//
// A directory in a scanned root that the caller owns but cannot list (chmod
// 000) is returned as a secret whole: its owner can open it, and the scan
// cannot see what it holds. Files created after Resolve are not covered. Resolve makes one thing: a
// repository's missing hooks directory (the common git directory's, or
// core.hooksPath's) inside a root, empty, so that it can be kept read-only.
// A hooks path that lies inside a directory a protected entry names (.husky/_)
// makes that directory exist too (.husky), found by the scan only if the
// root's scan comes after.
func (l *List) Resolve(roots, scan []string, home string) (protected, secrets []Found) {
	return l.ResolveWatched(roots, scan, home, nil)
}

// Watch collects, for a cache of Resolve's result, the paths whose state
// the result depends on: each directory Resolve listed (by stat(2), which
// follows links as the listing did), each name it looked up with lstat(2)
// (by lstat: its decisions depend on that outcome alone), each file it
// read (by stat: the file the content came from). A later Resolve with
// the same inputs finds the same paths if each gives the same outcome (the
// same error, or the same device, inode and change time: creating,
// removing or renaming an entry changes its directory's ctime, writing a
// file its own, and neither can be set back by a program). Unsure is set
// where that does not hold (a symbolic link Resolve followed, whose
// target's directories are not watched): such a result must not be cached.
type Watch struct {
	// Paths maps each watched path to WatchStat, WatchLstat or both.
	Paths  map[string]uint8
	Unsure bool
	// Scanned are the directories the scan for names at any depth listed,
	// in the order it listed them (the sandbox looks in them again after a
	// command for protected names it made there).
	Scanned []string
}

// The ways a path is watched.
const (
	WatchStat  = 1 << iota // stat(2): a directory listed, a file read
	WatchLstat             // lstat(2): a name looked up
)

// Add watches p by stat(2).
func (w *Watch) Add(p string) { w.add(p, WatchStat) }

// AddEntry watches p by lstat(2).
func (w *Watch) AddEntry(p string) { w.add(p, WatchLstat) }

func (w *Watch) add(p string, how uint8) {
	if w == nil {
		return
	}
	if w.Paths == nil {
		w.Paths = map[string]uint8{}
	}
	w.Paths[p] |= how
}

// addScanned records a directory the scan listed.
func (w *Watch) addScanned(p string) {
	if w != nil {
		w.Scanned = append(w.Scanned, p)
	}
}

// MarkUnsure records that the result depends on more than the watched paths.
func (w *Watch) MarkUnsure() {
	if w != nil {
		w.Unsure = true
	}
}

// ResolveWatched is Resolve, recording in w (when not nil) what its result
// depends on.
func (l *List) ResolveWatched(roots, scan []string, home string, w *Watch) (protected, secrets []Found) {
	return l.resolve(roots, scan, home, w, false)
}

// ResolveHome is ResolveWatched for another account's home that is in use
// (it holds a root, the working directory or a path the environment names),
// after ResolveWatched for the user's own: the "~/" entries applied to it,
// and the roots' git directories with its git config (core.hooksPath of a
// git run later with that home). The absolute entries are the same for
// every home and are not looked at again.
func (l *List) ResolveHome(roots []string, home string, w *Watch) (protected, secrets []Found) {
	return l.resolve(roots, nil, home, w, true)
}

func (l *List) resolve(roots, scan []string, home string, w *Watch, homeOnly bool) (protected, secrets []Found) {
	r := &resolver{l: l, home: home, roots: roots, seen: make(map[string]bool, 32), budget: ScanDirs,
		byLast: make(map[string][]int, 64), comp: map[int]*compiled{}, below: make(map[string]int, 64),
		names: map[string][]string{}, gitDone: map[string]bool{}, gitDirDone: map[string]bool{}, above: map[string]int{}, w: w}
	// Each entry's absolute path, once ("" for the entries that match at any
	// depth, and for "~/" ones without a home).
	abss := make([]string, len(l.Entries))
	for i := range l.Entries {
		if homeOnly && !strings.HasPrefix(l.Entries[i].Pattern, "~/") {
			continue // "" : not looked up, nor counted below
		}
		abss[i], _ = Anchored(l.Entries[i].Pattern, home)
	}
	// How many names the anchored entries look for in each directory: one
	// listing of a directory where they look for many (home, ~/.config)
	// spares a failed lstat for each tool that is not installed. The paths
	// are clean: their directories are prefixes of them, not allocated.
	seen := make(map[string]bool, 2*len(l.Entries))
	for _, p := range abss {
		for {
			j := strings.LastIndexByte(p, '/')
			if j <= 0 || seen[p] {
				break // "/" is never listed; a path seen had its directories counted
			}
			seen[p] = true
			r.below[p[:j]]++
			p = p[:j]
		}
	}
	for i := range l.Entries {
		e := &l.Entries[i]
		abs := abss[i]
		if abs == "" {
			// Another account's home (homeOnly) is not scanned, but its top
			// and ~/.config are listed, where the secrets matching at any
			// depth are looked for (secretsListed): its ~/.env, ~/server.pem
			// and shell histories were readable to root working in
			// /home/alice/proj.
			if strings.HasPrefix(e.Pattern, "~/") || homeOnly && e.Kind != Secret {
				continue
			}
			// Matches at any depth: the scan looks at names matching its last component.
			comps := split(e.Pattern)
			if last := comps[len(comps)-1]; strings.ContainsAny(last, `*?[\`) {
				var one []part
				compileInto(&one, last, "")
				r.globLast = append(r.globLast, globLast{i, one[0]})
			} else {
				r.byLast[last] = append(r.byLast[last], i)
			}
			continue
		}
		if strings.HasPrefix(abs, "/proc/") || abs == "/proc" {
			continue
		}
		if r.missing(abs) {
			continue
		}
		if !strings.ContainsAny(abs, "*?[") {
			r.addEntry(e, abs)
			continue
		}
		for _, m := range r.glob(abs) {
			r.addEntry(e, m)
		}
	}
	for _, root := range roots {
		if !homeOnly {
			r.checkoutAt(CheckoutTop(filepath.Clean(root)))
			r.checkoutsIn(filepath.Clean(root))
		}
		r.gitDir(root)
		if !homeOnly {
			r.enclosing(root)
			r.envrcAt(root)
		}
	}
	if !homeOnly && home != "" {
		// The user's own git config applies to every repository, those
		// with no .git at a root's top and those made later: its
		// core.hooksPath (~/.githooks) inside a root ran a planted hook at
		// the next commit anywhere.
		r.followConfigs("", userGitConfigs(home))
		// What the shell's start-up files source (~/.cargo/env, a dotfiles
		// repository's aliases.sh) runs at the next shell.
		r.followShellRCs(shellStartupFiles(home))
		// What the user's ssh config includes (~/dotfiles/ssh/*.conf).
		r.followSSHIncludes()
	}
	for _, root := range scan {
		r.scan(filepath.Clean(root)) // clean: names are joined to it with a slash
	}
	// Each agent's checkout found is scanned as a root of its own, with a
	// budget of its own: what it protects must not depend on how much of
	// the project's scan was left for it.
	for i := 0; i < len(r.checkouts) && !homeOnly; i++ {
		if c := r.checkouts[i]; !slices.Contains(scan, c) {
			r.budget = max(r.budget, ScanDirs)
			r.scan(c)
			r.envrcAt(c)
		}
	}
	if home != "" {
		r.secretsListed(scan)
	}
	r.followEnvrcs()
	r.followMiseConfigs()
	r.followYarnrcs()
	r.followAgentConfigs()
	r.followHookScripts()
	for _, c := range r.checkouts {
		if slices.ContainsFunc(r.prot, func(f Found) bool { return !f.Missing && within(c, f.Path) }) {
			r.prot = append(r.prot, Found{Path: c, Entry: &checkoutEntry, Checkout: true})
		}
	}
	return prune(r.prot), prune(r.secret)
}

// checkoutEntry is the entry of an agent's checkout Resolve returns.
var checkoutEntry = Entry{Kind: Protected, Reason: "an agent's checkout of the project's repository inside a protected directory: writable, its own protected paths kept"}

// checkoutsIn notes the agents' checkouts at root's top (Claude Code's
// .claude/worktrees/*), whether or not the scan's budget reaches them: a
// command run in one with the project as its root.
func (r *resolver) checkoutsIn(root string) {
	for _, d := range checkoutDirs {
		dir := filepath.Join(root, d[0], d[1])
		r.w.AddEntry(dir)
		if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
			continue
		}
		for i, name := range r.listed(dir) {
			if i == 32 {
				break
			}
			if IsCheckout(root, filepath.Join(dir, name)) {
				r.checkoutAt(filepath.Join(dir, name))
			}
		}
	}
}

// checkoutAt notes top, an agent's checkout (CheckoutTop; "" for none),
// once, watching what made it one.
func (r *resolver) checkoutAt(top string) {
	if top == "" || slices.Contains(r.checkouts, top) {
		return
	}
	r.checkouts = append(r.checkouts, top)
	r.w.AddEntry(top)
	r.w.Add(top + "/.git")
	if g, ok := gitdirFile(top + "/.git"); ok {
		r.w.Add(g + "/gitdir")
		r.w.Add(g + "/commondir")
	}
}

// secretsListed matches the names of the home's directories that the
// resolution listed already (the home itself, ~/.config...) against the
// secrets that match at any depth: ~/.env, ~/server.key, ~/client_secret_*.json,
// ~/.config/x/.env were readable, since names at any depth were looked for
// in the roots only. No directory is listed for it; those in a scanned root
// were seen by the scan.
func (r *resolver) secretsListed(scan []string) {
	dirs := make([]string, 0, len(r.names))
	for dir, names := range r.names {
		if len(names) > 0 && within(dir, r.home) && !slices.ContainsFunc(scan, func(root string) bool { return within(dir, root) }) {
			dirs = append(dirs, dir)
		}
	}
	slices.Sort(dirs)
	for _, dir := range dirs {
		for _, name := range r.names[dir] {
			idx := r.entriesNamed(name)
			if len(idx) == 0 {
				continue
			}
			p := dir + "/" + name
			comps := split(p)
			for _, i := range idx {
				e := &r.l.Entries[i]
				if e.Kind != Secret || strings.HasPrefix(e.Pattern, "~/") || strings.HasPrefix(e.Pattern, "/") {
					continue
				}
				if c := r.compiled(i); c.covers(comps) && !c.excepted(comps) {
					r.addEntry(e, p)
					break
				}
			}
		}
	}
}

type resolver struct {
	l            *List
	home         string
	roots        []string
	prot, secret []Found
	seen         map[string]bool
	budget       int
	// The entries that match at any depth (indexes), by their last
	// component: literal names, and globs.
	byLast   map[string][]int
	globLast []globLast
	// below counts the names the anchored entries look for in each
	// directory; names are the directories listed (sorted names, nil when
	// a directory could not be listed), by missing and glob.
	below map[string]int
	names map[string][]string
	comp  map[int]*compiled
	// gitDone: the work trees whose git directory was looked at.
	gitDone map[string]bool
	// gitDirDone: the git directories looked at, with their work tree.
	gitDirDone map[string]bool
	// above: the directories above a root that enclosing has looked at,
	// aboveNames when only their names were matched (a .git was found
	// below them), aboveAll when their .git was looked for too.
	above map[string]int
	// configs: the git config files read (readConfig).
	configs map[string]readConfig
	// checkouts: the agents' checkouts met (CheckoutTop).
	checkouts []string
	w         *Watch // nil unless a cache records the dependencies
}

// globLast is an entry matching at any depth whose last component is a glob,
// compiled ("*.pem" a suffix): the scan tries each on every name it lists.
type globLast struct {
	entry int
	last  part
}

// expandHome makes "~/x" the home's x.
func (r *resolver) expandHome(p string) string {
	if strings.HasPrefix(p, "~/") && r.home != "" {
		return filepath.Join(r.home, p[2:])
	}
	return p
}

// realPath resolves p through symbolic links; when a link was followed,
// the resolution is unsure (where it leads is not watched). ok is false
// when p does not resolve.
func (r *resolver) realPath(p string) (string, bool) {
	res, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p, false
	}
	if res != filepath.Clean(p) {
		r.w.MarkUnsure()
	}
	return res, true
}

// entriesNamed are the entries, in list order, whose last component can be
// name: by its literal, or by a glob.
func (r *resolver) entriesNamed(name string) []int {
	idx := r.byLast[name]
	for _, g := range r.globLast {
		if g.last.match(name) {
			idx = append(slices.Clip(idx), g.entry)
		}
	}
	slices.Sort(idx)
	return idx
}

// matchName records p, found by the scan, under the first entry of each kind
// that names it: only the entries whose last component matches its name are
// tried.
func (r *resolver) matchName(p, name string) {
	idx := r.entriesNamed(name)
	if len(idx) == 0 {
		return
	}
	comps := split(p)
	done := map[Kind]bool{}
	for _, i := range idx {
		e := &r.l.Entries[i]
		if done[e.Kind] {
			continue
		}
		if c := r.compiled(i); !c.covers(comps) || c.excepted(comps) {
			continue
		}
		done[e.Kind] = true
		r.addEntry(e, p)
	}
}

// listBelow is the number of names looked for in a directory from which
// missing lists it rather than let each entry's lstat fail: listing costs
// about as much as a few lstats (open, getdents, close).
const listBelow = 8

// missing reports whether abs (an anchored path, maybe a glob) surely does
// not exist: a directory on its way where at least listBelow names are looked
// for was listed and lacks the next component. A directory that cannot be listed
// proves nothing (it may still be searchable): the lstat decides.
func (r *resolver) missing(abs string) bool {
	// abs is clean (Anchored cleans it): walk its directories as slices of
	// it, without allocating, up to the component that holds a glob.
	glob := strings.IndexAny(abs, `*?[\`)
	if glob < 0 {
		glob = len(abs)
	}
	for i := 1; i < len(abs); {
		j := strings.IndexByte(abs[i:], '/')
		if j < 0 {
			return false
		}
		dir, start := abs[:i+j], i+j+1
		end := strings.IndexByte(abs[start:], '/')
		if end < 0 {
			end = len(abs)
		} else {
			end += start
		}
		if glob < end {
			return false // a glob on the way or next: glob decides
		}
		i = start
		if r.below[dir] < listBelow {
			continue
		}
		if names := r.listed(dir); names != nil && !has(names, abs[start:end]) {
			return true
		}
	}
	return false
}

// listed returns dir's names, sorted, listing it on first use; nil when it
// cannot be listed.
func (r *resolver) listed(dir string) []string {
	names, done := r.names[dir]
	if !done {
		names = listNames(dir)
		r.names[dir] = names
		r.w.Add(dir)
	}
	return names
}

// has reports whether the sorted names hold name.
func has(names []string, name string) bool {
	_, ok := slices.BinarySearch(names, name)
	return ok
}

// listNames returns the names in dir, sorted, or nil when it cannot be read
// (an empty directory is an empty, non-nil slice, and so is a dir that does
// not exist or is not a directory: nothing is below it; one that cannot be
// read may still be searchable). Plain system calls: os.Open would also try
// to register the descriptor with the poller (four more calls).
func listNames(dir string) []string {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err == syscall.ENOENT || err == syscall.ENOTDIR ||
		err == syscall.EACCES && !searchable(dir) {
		// Nothing below it, or nothing this process (and the program it
		// runs, with the same rights) can reach: an account's home that does
		// not exist or is closed to it (nobody's /nonexistent).
		return []string{}
	}
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var buf [8192]byte
	names := []string{}
	for {
		n, err := syscall.ReadDirent(fd, buf[:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil
		}
		if n <= 0 {
			slices.Sort(names)
			return names
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
}

// globDirs expands abs (absolute, clean) as filepath.Glob does, each
// directory listed once per Resolve (listed): the git directory's patterns
// (.git/modules/*/hooks, .git/worktrees/*/commondir...) share theirs.
func (r *resolver) globDirs(abs string) []string {
	cands := []string{""}
	for _, c := range strings.Split(strings.TrimPrefix(abs, "/"), "/") {
		if !strings.ContainsAny(c, `*?[\`) {
			for i := range cands {
				cands[i] += "/" + c
			}
			continue
		}
		var next []string
		for _, d := range cands {
			dir := d
			if dir == "" {
				dir = "/"
			}
			for _, n := range r.listed(dir) {
				if ok, _ := path.Match(c, n); ok {
					next = append(next, d+"/"+n)
				}
			}
		}
		if cands = next; len(cands) == 0 {
			return nil
		}
	}
	out := cands[:0]
	for _, c := range cands {
		r.w.AddEntry(c)
		if _, err := os.Lstat(c); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// searchable reports whether this process may look up names in dir.
func searchable(dir string) bool {
	return unix.Faccessat(unix.AT_FDCWD, dir, unix.X_OK, unix.AT_EACCESS) == nil
}

// glob expands abs, an anchored path with a glob, as filepath.Glob does.
// When only its last component is a glob (~/.ssh/id_*), the directory is
// listed once for every entry that looks in it.
func (r *resolver) glob(abs string) []string {
	dir, last := path.Split(abs)
	dir = path.Clean(dir)
	if strings.ContainsAny(dir, `*?[\`) {
		return r.globDirs(abs)
	}
	if _, err := path.Match(last, ""); err != nil {
		return nil // malformed: filepath.Glob finds nothing either
	}
	var out []string
	for _, name := range r.listed(dir) {
		if ok, _ := path.Match(last, name); ok {
			out = append(out, path.Join(dir, name))
		}
	}
	return out
}

// compiled is entry i's pattern compiled, on first use: a start resolves a
// handful of the list's entries by pattern, and compiling all of them (the
// List's own cache) cost more than the rest of the matching.
func (r *resolver) compiled(i int) *compiled {
	c := r.comp[i]
	if c == nil {
		e := &r.l.Entries[i]
		x := compilePattern(e.Pattern, r.home)
		x.entry = i
		for _, p := range e.Except {
			x.except = append(x.except, compilePattern(p, r.home))
		}
		c = &x
		r.comp[i] = c
	}
	return c
}

// index is e's position in the list, or -1.
func (r *resolver) index(e *Entry) int {
	for i := range r.l.Entries {
		if &r.l.Entries[i] == e {
			return i
		}
	}
	return -1
}

// addEntry records p, named by the anchored entry e, unless e excepts it.
func (r *resolver) addEntry(e *Entry, p string) {
	p = filepath.Clean(p)
	if len(e.Except) > 0 {
		if i := r.index(e); i >= 0 && r.compiled(i).excepted(split(p)) {
			return
		}
	}
	if e.Kind == Protected && !r.reaches(p) {
		return
	}
	if r.seen[string(e.Kind)+p] {
		return
	}
	if !r.inListing(p) {
		r.w.AddEntry(p)
		// EACCES: a directory on the way cannot be searched, and its owner
		// may open it; the sandbox decides (it hides that directory).
		if _, err := os.Lstat(p); err != nil && !errors.Is(err, syscall.EACCES) {
			return
		}
	}
	r.seen[string(e.Kind)+p] = true
	if e.Kind == Protected {
		r.prot = append(r.prot, Found{Path: p, Entry: e})
	} else {
		r.secret = append(r.secret, Found{Path: p, Entry: e})
	}
}

// reaches reports whether a protected path p matters for the roots: it lies
// inside one, or holds one (a root inside .git/hooks, .vscode or ~/.claude
// is no writable root: the sandbox drops it).
func (r *resolver) reaches(p string) bool {
	return slices.ContainsFunc(r.roots, func(root string) bool { return within(p, root) || within(filepath.Clean(root), p) })
}

// enclosing finds the protected paths that hold root: the nearest work tree
// above it gets its git directory resolved (a root in .git/hooks, in a
// linked worktree's git directory or in core.hooksPath's .husky/_ made the
// hooks writable), and each directory above it is matched by name against
// the protected entries that match at any depth (.vscode/tasks, .git/hooks).
// Protected entries only: a root below a directory named like a secret is
// not hidden whole. Names only, and one lstat of .git per level. Roots
// side by side share what lies above them: a level an earlier root's walk
// looked at as this one would (its .git too, or this walk has found one)
// ends the walk, so that 300 roots in one directory cost 300 lstats, not
// 300 times the depth.
func (r *resolver) enclosing(root string) {
	const aboveNames, aboveAll = 1, 2
	root = filepath.Clean(root)
	work := false
	for d := root; d != "/" && d != "."; { // "." ends a relative root (TMPDIR=rel) that would loop
		child := d
		d = filepath.Dir(d)
		if filepath.Base(child) == "hooks" {
			r.gitDirAbove(d) // depends on the level below, which is this walk's own
		}
		if seen := r.above[d]; seen == aboveAll || seen == aboveNames && work {
			return // the rest of the way up was walked as this walk would
		}
		if d != "/" {
			r.matchProtected(d, filepath.Base(d))
		}
		if work {
			r.above[d] = aboveNames
			continue
		}
		r.above[d] = aboveAll
		dotgit := filepath.Join(d, ".git")
		r.w.AddEntry(dotgit)
		if _, err := os.Lstat(dotgit); err == nil {
			work = true
			r.gitDir(d)
		}
	}
}

// envrcAt protects dir's .envrc, so that followEnvrcs follows it, whether
// or not the scan reaches dir: a root the caller names for the .envrc it
// holds (an edit's directory behind the scan's budget, whose .envrc sources
// or loads the file edited).
func (r *resolver) envrcAt(dir string) {
	p := filepath.Join(dir, ".envrc")
	r.w.AddEntry(p)
	if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
		r.matchProtected(p, ".envrc")
	}
}

// gitDirAbove protects d's config and hooks when d, the directory above a
// "hooks" directory that holds a root, is a git directory whatever its name:
// one kept apart from its work tree (`git init --separate-git-dir`, a
// .git file naming it) or a bare repository, which no .git above the root
// and no ".git" name reveal (a working directory in /store/x.git/hooks
// planted hooks git runs at the next commit in the work tree).
func (r *resolver) gitDirAbove(d string) {
	for _, name := range []string{"HEAD", "config", "objects", "refs"} {
		p := filepath.Join(d, name)
		r.w.AddEntry(p)
		if _, err := os.Lstat(p); err != nil {
			return
		}
	}
	const why = "a git directory: git run with it later runs its config and hooks"
	r.addGit(filepath.Join(d, "config"), why)
	r.addGit(filepath.Join(d, "hooks"), why)
}

// matchProtected is matchName for the protected entries alone.
func (r *resolver) matchProtected(p, name string) {
	idx := r.entriesNamed(name)
	if len(idx) == 0 {
		return
	}
	comps := split(p)
	for _, i := range idx {
		e := &r.l.Entries[i]
		if e.Kind != Protected {
			continue
		}
		if c := r.compiled(i); !c.covers(comps) || c.excepted(comps) {
			continue
		}
		r.addEntry(e, p)
		return
	}
}

// inListing reports whether p's directory was listed and holds p's name:
// it exists, no lstat needed.
func (r *resolver) inListing(p string) bool {
	dir, name := path.Split(p)
	if len(dir) > 1 {
		dir = dir[:len(dir)-1]
	}
	names := r.names[dir]
	return names != nil && has(names, name)
}

// addGit records a path of a git directory that git runs code from later;
// found is false where it does not exist (and lies where a root reaches).
func (r *resolver) addGit(p, why string) (found bool) {
	p = filepath.Clean(p)
	if r.seen["protected"+p] || !r.reaches(p) {
		return true
	}
	r.w.AddEntry(p)
	// EACCES: a directory on the way cannot be searched (chmod 000 .git by
	// an earlier command), and its owner may open it again: kept, as
	// addEntry keeps it; the sandbox hides that directory whole.
	if _, err := os.Lstat(p); err != nil && !errors.Is(err, syscall.EACCES) {
		return false
	}
	r.seen["protected"+p] = true
	r.prot = append(r.prot, Found{Path: p, Entry: &Entry{Pattern: p, Kind: Protected, Reason: why}})
	return true
}

// addMissing notes p, protected for why, when it does not exist and lies
// in a root (Found.Missing): an include.path an optional local file was
// meant for (~/.gitconfig.local) made by a command ran its core.fsmonitor
// at the next git status (sandbox-18 S18-6).
func (r *resolver) addMissing(p, why string) {
	p = filepath.Clean(p)
	if r.seen["missing"+p] || !slices.ContainsFunc(r.roots, func(root string) bool { return within(p, root) && p != root }) {
		return
	}
	if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
		return
	}
	r.seen["missing"+p] = true
	r.w.AddEntry(p)
	r.prot = append(r.prot, Found{Path: p, Entry: &Entry{Pattern: p, Kind: Protected, Reason: why}, Missing: true})
}

// Placeholder is where the sandbox's placeholders for names tools look for
// in every directory above them (a .git at the top of /tmp) lead: a path
// that cannot exist (/dev/null is no directory), so that git, go, cargo and
// the rest find nothing there, as if the name were absent.
const Placeholder = "/dev/null/guard-placeholder"

// IsPlaceholder reports whether p is a link to Placeholder: what stands at
// the top of /tmp for a name tools look for above them (a .git there is no
// repository, and /tmp no project).
func IsPlaceholder(p string) bool {
	t, err := os.Readlink(p)
	return err == nil && t == Placeholder
}

// makeMissingDir makes p, a hooks directory git would run hooks from, empty
// and 0755, when it lies inside a root and does not exist: only what exists
// can be kept read-only, and a hook planted in a hooks directory made during
// the run would run later, outside the sandbox. git makes .git/hooks itself
// at init; an empty directory does not show in git status.
func (r *resolver) makeMissingDir(p string) {
	p = filepath.Clean(p)
	if !slices.ContainsFunc(r.roots, func(root string) bool { return root != "/" && within(p, root) }) {
		return
	}
	r.w.AddEntry(p)
	if _, err := os.Lstat(p); err == nil {
		return
	}
	os.MkdirAll(p, 0o755) // best effort: what guard cannot make, the program cannot either
}

// scan matches the names in root against the entries, down to ScanDepth,
// breadth first: the budget of ScanDirs directories goes to the levels
// nearest the root before any deeper one (depth first, the first
// directories listed took it all, and a .env next to the 17th missed it).
func (r *resolver) scan(root string) {
	type dir struct {
		path  string
		depth int
	}
	queue := []dir{{root, 0}}
	for len(queue) > 0 && r.budget > 0 {
		d := queue[0]
		queue = queue[1:]
		r.budget--
		r.w.Add(d.path)
		ents, err := readDirTypes(d.path) // unsorted
		if err == syscall.EACCES && ownedByCaller(d.path) {
			// Its owner can chmod it open and read what it holds, which the scan
			// cannot see: hidden whole (chmod 000 locked/ hid locked/.env).
			r.secret = append(r.secret, Found{Path: d.path, Entry: &unlistedDir})
			continue
		}
		if err == nil {
			r.w.addScanned(d.path)
		}
		bare := 0
		for _, de := range ents {
			name := de.name
			p := d.path + "/" + name
			if d.path == "/" {
				p = "/" + name
			}
			switch name {
			case "HEAD", "config", "objects", "refs":
				bare++
			}
			r.matchName(p, name)
			if name == ".git" {
				r.gitDir(d.path)
				continue
			}
			if de.dir && d.depth+1 < ScanDepth && !slices.Contains(scanSkip, name) {
				queue = append(queue, dir{p, d.depth + 1})
			}
		}
		if bare == 4 && filepath.Base(d.path) != ".git" {
			if fi, err := os.Lstat(filepath.Join(d.path, "objects")); err == nil && fi.Mode()&os.ModeSymlink != 0 {
				r.w.MarkUnsure() // followed below: where it leads is not watched
			}
			if fi, err := os.Stat(filepath.Join(d.path, "objects")); err == nil && fi.IsDir() {
				const why = "an embedded bare repository: git run in it later runs its config and hooks"
				r.addGit(filepath.Join(d.path, "config"), why)
				r.addGit(filepath.Join(d.path, "hooks"), why)
			}
		}
	}
}

// dirEntry is a name in a directory and whether it is a directory (not
// following a symlink).
type dirEntry struct {
	name string
	dir  bool
}

// unlistedDir is the entry of a directory the scan could not list.
var unlistedDir = Entry{Kind: Secret, Reason: "a directory of the caller's that guard could not list at start: its owner can open it, and what it holds is unknown"}

// ownedByCaller reports whether p (not followed) belongs to the effective
// user, who may change its mode.
func ownedByCaller(p string) bool {
	var st syscall.Stat_t
	return syscall.Lstat(p, &st) == nil && int(st.Uid) == os.Geteuid()
}

// readDirTypes lists dir with plain system calls, types from the
// directory entries (an lstat only where the file system gives none); nil
// and the error when it cannot be opened.
func readDirTypes(dir string) ([]dirEntry, error) {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var out []dirEntry
	var buf [8192]byte
	for {
		n, err := syscall.ReadDirent(fd, buf[:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return out, nil
		}
		for b := buf[:n]; len(b) > 0; {
			d := (*syscall.Dirent)(unsafe.Pointer(&b[0]))
			if d.Reclen == 0 || int(d.Reclen) > len(b) {
				break
			}
			nameb := b[unsafe.Offsetof(d.Name):d.Reclen]
			b = b[d.Reclen:]
			if i := bytes.IndexByte(nameb, 0); i >= 0 {
				nameb = nameb[:i]
			}
			if d.Ino == 0 || string(nameb) == "." || string(nameb) == ".." {
				continue
			}
			e := dirEntry{name: string(nameb), dir: d.Type == syscall.DT_DIR}
			if d.Type == syscall.DT_UNKNOWN {
				var st syscall.Stat_t
				e.dir = syscall.Lstat(dir+"/"+e.name, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR
			}
			out = append(out, e)
		}
	}
}

// gitDir protects the git directory of a repository whose work tree is top:
// the ".git/..." entries applied to the resolved git and common directories,
// and core.hooksPath.
func (r *resolver) gitDir(top string) {
	if r.gitDone[top] {
		return // a root that the scan of another root finds again
	}
	r.gitDone[top] = true
	if CheckoutTop(top) == top {
		r.checkoutAt(top)
	}
	dotgit := filepath.Join(top, ".git")
	r.w.AddEntry(dotgit)
	fi, err := os.Lstat(dotgit)
	if err != nil {
		return
	}
	gitdir := dotgit
	if fi.Mode()&os.ModeSymlink != 0 {
		if t, err := os.Readlink(dotgit); err == nil && t == Placeholder {
			return // the sandbox's placeholder at a shared root's top: it leads nowhere, ever
		}
		// git follows a .git that is a symbolic link (to a git directory
		// kept elsewhere, or to a .git file): its hooks and config are where
		// the link leads (a .git -> /tmp/p3git had them writable).
		r.w.MarkUnsure()
		res, err := filepath.EvalSymlinks(dotgit)
		if err != nil {
			return
		}
		if fi, err = os.Stat(res); err != nil {
			return
		}
		if fi.IsDir() {
			dotgit = res
		}
		gitdir = res
	}
	if fi.Mode().IsRegular() {
		// A worktree's or submodule's .git file: rewritten, it points git at
		// a new git directory with a config of the program's choosing.
		r.addGit(dotgit, "the .git file names the git directory, whose config and hooks git runs later")
		r.w.Add(dotgit)
		b, err := readSmall(dotgit)
		if err != nil {
			return
		}
		s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
		if !ok {
			return
		}
		gitdir = strings.TrimSpace(s)
		if !filepath.IsAbs(gitdir) {
			gitdir = filepath.Join(top, gitdir)
		}
		gitdir, _ = r.realPath(gitdir)
	} else if !fi.IsDir() {
		return
	}
	r.gitDirAt(top, gitdir)
}

// gitDirAt protects gitdir, the git directory of the work tree top ("" when
// not known): the ".git/..." entries applied to it and to its common
// directory, the names among them missing watched, the config followed,
// and the git directories of the submodules kept in it (submodules).
func (r *resolver) gitDirAt(top, gitdir string) {
	if r.gitDirDone[gitdir+"\x00"+top] {
		return
	}
	r.gitDirDone[gitdir+"\x00"+top] = true
	common := gitdir
	r.w.Add(filepath.Join(gitdir, "commondir"))
	if b, err := readSmall(filepath.Join(gitdir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitdir, c)
		}
		common = filepath.Clean(c)
	}
	bases := []string{gitdir}
	if common != gitdir {
		bases = append(bases, common)
	}
	for i := range r.l.Entries {
		e := &r.l.Entries[i]
		rest, ok := strings.CutPrefix(e.Pattern, ".git/")
		if e.Kind != Protected || !ok {
			continue
		}
		for _, base := range bases {
			p := filepath.Join(base, rest)
			if rest == "hooks" && base == common {
				r.makeMissingDir(p)
			}
			if !strings.ContainsAny(rest, `*?[\`) {
				// Made by a command (a submodule's commondir, pointing git
				// at a config of its choosing), it is moved aside.
				if !r.addGit(p, e.Reason) {
					r.addMissing(p, e.Reason)
				}
				continue
			}
			for _, m := range r.globDirs(p) {
				r.addGit(m, e.Reason)
			}
		}
	}
	configs := []string{filepath.Join(common, "config"), filepath.Join(gitdir, "config.worktree")}
	if r.home != "" {
		configs = append(configs, userGitConfigs(r.home)...)
	}
	r.followConfigs(top, configs)
	r.submodules(filepath.Join(common, "modules"))
}

// submodules protects the git directories of the submodules kept below
// modules, a git directory's: git keeps a submodule's at modules/NAME,
// and NAME is the submodule's path by default, slashes and all
// (.git/modules/libs/foo), which the list's .git/modules/*/... entries do
// not reach. Where the scan did not find the submodule's work tree (its
// budget spent on the directories before it) a command appended a
// core.fsmonitor to .git/modules/zz/deep/foo/config, run by the next git
// status at the top. A directory holding HEAD is a git directory; any other
// is a part of a name, looked into; past the budget, modules is protected
// whole.
func (r *resolver) submodules(modules string) {
	r.w.AddEntry(modules)
	if fi, err := os.Lstat(modules); err != nil || !fi.IsDir() {
		return
	}
	dirs, budget := []string{modules}, ScanDirs
	for len(dirs) > 0 {
		d := dirs[0]
		dirs = dirs[1:]
		if budget--; budget < 0 {
			r.addGit(modules, "git keeps its submodules' git directories (config and hooks) there; too many to look at one by one")
			return
		}
		for _, name := range r.listed(d) {
			p := filepath.Join(d, name)
			r.w.AddEntry(p)
			if fi, err := os.Lstat(p); err != nil || !fi.IsDir() {
				continue
			}
			r.w.AddEntry(filepath.Join(p, "HEAD"))
			if _, err := os.Lstat(filepath.Join(p, "HEAD")); err != nil {
				dirs = append(dirs, p)
				continue
			}
			r.gitDirAt(r.submoduleTop(p), p)
		}
	}
}

// submoduleTop is the work tree of a submodule's git directory: its
// core.worktree, relative to the git directory; "" when it names none.
func (r *resolver) submoduleTop(gitdir string) string {
	wt := r.readConfig(filepath.Join(gitdir, "config")).worktree
	if wt == "" {
		return ""
	}
	if !filepath.IsAbs(wt) {
		wt = filepath.Join(gitdir, wt)
	}
	wt, _ = r.realPath(wt)
	return wt
}

// userGitConfigs are the git config files that apply to every repository
// of the user's: ~/.gitconfig, ~/.config/git/config, and those the
// environment guard runs in names ($XDG_CONFIG_HOME/git/config,
// $GIT_CONFIG_GLOBAL), which git run later from the same environment reads
// (the sandbox's plan cache is keyed by the whole environment), and the
// system's (/etc/gitconfig, $GIT_CONFIG_SYSTEM): a core.hooksPath,
// init.templateDir or program named in any of them runs later.
func userGitConfigs(home string) []string {
	out := []string{filepath.Join(home, ".gitconfig"), filepath.Join(home, ".config", "git", "config"), "/etc/gitconfig"}
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		if c := filepath.Join(x, "git", "config"); c != out[1] {
			out = append(out, c)
		}
	}
	for _, v := range []string{"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"} {
		if x := os.Getenv(v); filepath.IsAbs(x) {
			out = append(out, filepath.Clean(x))
		}
	}
	return out
}

// followConfigs reads git config files (and what they include, 16 files at
// most) for core.hooksPath and includes, protecting both where they reach a
// root. A relative hooks path is the work tree top's; without a top (the
// user's own config, read once for every repository, one made later
// included) it is skipped.
func (r *resolver) followConfigs(top string, configs []string) {
	for i := 0; i < len(configs) && i < 16; i++ {
		c := configs[i]
		r.w.Add(c)
		rc := r.readConfig(c)
		hp, includes := rc.hooksPath, rc.includes
		// The files a command value names (core.fsmonitor =
		// ./tools/fsmon.sh, diff.x.textconv = ~/bin/tc): git runs them later,
		// outside the sandbox. Relative ones are the work tree's (git runs
		// them there); only existing regular files, so that a directory
		// word (a root) is never taken for one.
		for _, v := range rc.programs {
			for _, cw := range commandWords(v) {
				f := r.expandHome(cw.word)
				// A path for sure, not an argument with a slash (sed's s/a/b/).
				path := cw.sure || filepath.IsAbs(f) || strings.HasPrefix(f, "./") || strings.HasPrefix(f, "../")
				if !filepath.IsAbs(f) {
					if top == "" {
						continue
					}
					f = filepath.Join(top, f)
				}
				f, _ = r.realPath(f)
				r.w.AddEntry(f)
				if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
					r.addGit(f, "git runs it: "+v)
				} else if path {
					r.addMissing(f, "git runs it once it exists: "+v)
				}
			}
		}
		// init.templateDir: git init and git clone copy its hooks into
		// every repository made later (a post-checkout planted there ran at
		// the next clone, outside the sandbox).
		if td := rc.templateDir; td != "" {
			td = r.expandHome(td)
			if filepath.IsAbs(td) {
				td, _ = r.realPath(td)
				r.addGit(td, "init.templateDir: git init and clone copy its hooks into new repositories")
			}
		}
		// An included file is config as well (a project's shared
		// .gitconfig in the work tree, named by include.path: its
		// core.fsmonitor runs at the next git status), and may include more.
		for _, inc := range includes {
			inc = r.expandHome(inc)
			if !filepath.IsAbs(inc) {
				inc = filepath.Join(filepath.Dir(c), inc)
			}
			inc, _ = r.realPath(inc)
			r.addGit(inc, "git reads it as config, included by "+c)
			r.addMissing(inc, "git reads it as config once it exists, included by "+c)
			configs = append(configs, inc)
		}
		if hp == "" {
			continue
		}
		hp = r.expandHome(hp)
		if !filepath.IsAbs(hp) {
			if top == "" {
				continue
			}
			hp = filepath.Join(top, hp)
		}
		if res, ok := r.realPath(hp); ok {
			hp = res
		} else {
			r.makeMissingDir(hp)
		}
		r.addGit(hp, "core.hooksPath: git runs these hooks later, outside the sandbox")
	}
}

// readConfig is gitConfig, once per file for a resolution.
func (r *resolver) readConfig(c string) readConfig {
	if got, ok := r.configs[c]; ok {
		return got
	}
	var got readConfig
	got.hooksPath, got.templateDir, got.worktree, got.includes, got.programs = gitConfig(c)
	if r.configs == nil {
		r.configs = map[string]readConfig{}
	}
	r.configs[c] = got
	return got
}

// readConfig is what gitConfig found in one file.
type readConfig struct {
	hooksPath, templateDir, worktree string
	includes, programs               []string
}

// gitConfig reads a git config file as git does (internal/gitconfig: a
// key on its section's header line, a value continued over lines or quoted
// in part, a comment after a quoted value) for core.hooksPath (the last one
// winning), init.templateDir, the files that include.path and
// includeIf.*.path name (every condition taken as true; gitDir follows
// them), core.worktree and the values git runs as commands (commandKey). A line-by-line
// reading missed `hooksPath = ".githooks" ; team hooks` and an alias
// `lg = "!sh tools/lg.sh"`, whose hook and script an edit then planted.
func gitConfig(file string) (hooksPath, templateDir, worktree string, includes, programs []string) {
	b, err := readSmall(file)
	if err != nil {
		return "", "", "", nil, nil
	}
	gitconfig.Parse(b, func(v gitconfig.Var) bool {
		if v.NoValue {
			return true
		}
		if commandKey(v.Section, v.Key, v.Value) {
			programs = append(programs, v.Value)
		}
		switch {
		case v.Section == "core" && v.Key == "hookspath":
			hooksPath = v.Value
		case v.Section == "init" && v.Key == "templatedir":
			templateDir = v.Value
		case v.Section == "core" && v.Key == "worktree":
			worktree = v.Value
		case (v.Section == "include" || v.Section == "includeif") && v.Key == "path" && v.Value != "":
			includes = append(includes, v.Value)
		}
		return true
	})
	return hooksPath, templateDir, worktree, includes, programs
}

// commandKey reports whether git runs the value of key in section sec as a
// command (core.fsmonitor, diff.*.textconv, filter.*.clean, alias.x = !...).
func commandKey(sec, key, v string) bool {
	switch sec {
	case "core":
		return key == "fsmonitor" || key == "editor" || key == "pager" || key == "sshcommand" || key == "askpass"
	case "sequence":
		return key == "editor"
	case "diff":
		return key == "external" || key == "textconv" || key == "command"
	case "filter":
		return key == "clean" || key == "smudge" || key == "process"
	case "merge":
		return key == "driver"
	case "credential":
		return key == "helper"
	case "gpg":
		return key == "program"
	case "difftool", "mergetool":
		return key == "cmd" || key == "path"
	case "interactive":
		return key == "difffilter"
	case "pager":
		return true
	case "alias":
		return strings.HasPrefix(v, "!")
	}
	return false
}

// commandWord is a word of a git command value that may name a file: sure
// when it names one whatever is there now.
type commandWord struct {
	word string
	sure bool
}

// commandWords are the words of a git command value that may name a file
// git runs, eight at most. git runs the value with sh -c at the work tree's
// top, so besides the paths commandFiles finds, a bare file name there is
// one (core.fsmonitor = bash fsmon.sh ran fsmon.sh, which an agent's edit
// had written: edits-1 E3). Sure are the program when it holds a slash (the
// shell runs it as a path, once made and marked executable) and the first
// operand of a shell or an interpreter (bash tools/fsmon.sh, python3 x.py:
// the script it reads); any other word (sed's s/a/b/, a branch name) counts
// only when it is an existing file. Words holding shell syntax are skipped.
func commandWords(v string) []commandWord {
	var out []commandWord
	script := false // the next operand is the script of an interpreter
	for i, w := range strings.Fields(strings.TrimPrefix(strings.TrimSpace(v), "!")) {
		w = strings.Trim(w, `"'`)
		if len(out) == 8 {
			break
		}
		switch {
		case w == "" || strings.Contains(w, "://") || strings.ContainsAny(w, "$`(){}|&<>;*?[=\\"):
			script = false
		case i == 0:
			script = interpreter(filepath.Base(w))
			if strings.Contains(w, "/") {
				out = append(out, commandWord{w, true})
			}
		case strings.HasPrefix(w, "-"):
			if w == "-c" || w == "-e" || w == "-m" || w == "--eval" {
				script = false // the program is in the next word, or a module
			}
		default:
			out = append(out, commandWord{w, script})
			script = false
		}
	}
	return out
}

// interpreter reports whether a program of this name runs the script file
// its first operand names.
func interpreter(name string) bool {
	switch name {
	case "sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "node", "nodejs", "deno", "bun", "perl", "ruby",
		"php", "lua", "tclsh", "pwsh", "Rscript", "osascript":
		return true
	}
	return strings.HasPrefix(name, "python")
}

// commandFiles are the words of a command value that name a file by path
// (./tools/textconv.sh, ~/bin/fsmon, python3 ~/scripts/x.py), eight at most.
func commandFiles(v string) []string {
	var out []string
	for _, w := range strings.Fields(strings.TrimPrefix(v, "!")) {
		w = strings.Trim(w, `"'`)
		if strings.Contains(w, "/") && !strings.Contains(w, "://") && len(out) < 8 {
			out = append(out, w)
		}
	}
	return out
}

// readSmall reads the first 64 KiB of p at most, with plain system calls
// (os.Open would register the descriptor with the poller).
func readSmall(p string) ([]byte, error) {
	fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var out []byte
	var buf [4096]byte
	for len(out) < 64<<10 {
		n, err := syscall.Read(fd, buf[:min(len(buf), 64<<10-len(out))])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		out = append(out, buf[:n]...)
	}
	return out, nil
}

// prune drops paths below another one found, keeping the outer one; but
// not those in an agent's checkout (Found.Checkout) below it: the checkout
// is writable, its own protected paths are not.
func prune(fs []Found) []Found {
	slices.SortFunc(fs, func(a, b Found) int { return strings.Compare(a.Path, b.Path) })
	var out []Found
	for _, f := range fs {
		if !f.Checkout && slices.ContainsFunc(out, func(o Found) bool {
			return !o.Checkout && within(f.Path, o.Path) && !slices.ContainsFunc(out, func(c Found) bool {
				return c.Checkout && c.Path != o.Path && within(c.Path, o.Path) && within(f.Path, c.Path) && f.Path != c.Path
			})
		}) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return dir == "/" || p == dir || strings.HasPrefix(p, dir+"/")
}
