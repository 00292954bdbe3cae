package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// The look for new protected names below the tops (sixteenth red team,
// S16-1). The names the list matches at any depth (.envrc, .npmrc,
// rust-toolchain.toml, .vscode, .tool-versions...) are kept read-only
// where the scan found them at start; one the command made in a
// subdirectory (crates/foo/rust-toolchain.toml: rustup ran its `path`
// toolchain at the next `cargo build` there, outside) was left, since
// only the tops and the working directory's way were looked at again.
// Now the directories the start's scan listed (protect.Watch.Scanned:
// protect.ScanDirs at most, held open from before the command) are looked
// at again when their change time moved (a name made, renamed or linked
// into a directory changes it), and the directories made in them (or in
// the tops) during the run, breadth first, protect.ScanDirs more at most
// and protect.ScanDepth levels down. There, a protected name that did not
// exist at start (not among the protected paths found then) and was made
// or renamed there during the run (its birth or change time) is moved
// aside as at the tops. Limits, as the scan's: the directories the scan
// did not reach, a made directory past the bounds, a directory renamed
// into place from elsewhere (its own names keep their times: staged in an
// earlier run past the bounds, then moved), what lies below a repository
// directory (.git: a nested repository's hooks; a new one's are looked at
// by newrepos_linux.go). A repository made whole during the run is looked in
// like any directory made: `git clone` of a project that commits a
// .vscode or a rust-toolchain.toml into a root has them moved aside too
// (git init then a commit would pass for a clone).

// deeperLook are the directories below the tops that the start's scan
// listed, held open, and what the look after the command compares with.
type deeperLook struct {
	dirs    []scannedDir
	paths   map[string]bool // dirs by path
	held    map[string]bool // the directories lookForNewNames holds (the tops)
	startRO map[string]bool // the protected paths that existed at start
	// readOnly is the profile's list of them, for a directory the deep
	// look did not hold (lookNewRepos: a repository found at start).
	readOnly []string
	since    time.Time // the command's start, less ctimeRacy
	caches   []string  // not looked in (packageCaches)
}

type scannedDir struct {
	fd   int
	path string
}

// holdScanned opens the directories of scanned that lie in roots below
// the held ones, but not in a repository's directory.
func holdScanned(scanned []string, held map[string]bool, roots []string, readOnly []string, home string) deeperLook {
	d := deeperLook{held: held, since: time.Now().Add(-ctimeRacy), caches: packageCaches(home, os.Getenv), readOnly: readOnly}
	for _, p := range scanned {
		if held[p] || !inRootOutsideRepos(p, roots) || d.inCache(p) {
			continue
		}
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		if d.paths == nil {
			d.paths = make(map[string]bool, len(scanned))
		}
		d.dirs = append(d.dirs, scannedDir{fd, p})
		d.paths[p] = true
	}
	if len(d.dirs) > 0 {
		d.startRO = make(map[string]bool, len(readOnly))
		for _, p := range readOnly {
			d.startRO[p] = true
		}
	}
	return d
}

// inRootOutsideRepos reports whether p lies in one of roots, not in or
// below a repository's directory (.git, .hg, .jj) there.
func inRootOutsideRepos(p string, roots []string) bool {
	for _, r := range roots {
		if p == r || !within(p, r) {
			continue
		}
		rel := strings.TrimPrefix(p, r)
		for c := range strings.SplitSeq(strings.Trim(rel, "/"), "/") {
			if isRepoName(c) {
				return false
			}
		}
		return true
	}
	return false
}

// packageCaches are where package managers unpack whole projects, as
// their variables or their defaults in home ("": none) name them: the Go
// module cache, cargo's registry and git checkouts, the packages of bun,
// NuGet, Julia, RubyGems, pub, Deno, Maven, Gradle, Conan, opam, Stack,
// Cabal, Nimble, CPAN, pnpm, npm and Yarn. A project there keeps its own .vscode or .envrc; moved
// aside, it was a corrupt module (`go build` in a home that is a root,
// filling ~/go/pkg/mod, moved a module's .envrc aside: status 126, and go
// refuses a module whose files changed).
func packageCaches(home string, getenv func(string) string) []string {
	var out []string
	add := func(p string) {
		if filepath.IsAbs(p) {
			out = append(out, filepath.Clean(p))
		}
	}
	inHome := func(rel string) {
		if home != "" {
			add(filepath.Join(home, rel))
		}
	}
	switch gopath, _, _ := strings.Cut(getenv("GOPATH"), ":"); {
	case getenv("GOMODCACHE") != "":
		add(getenv("GOMODCACHE"))
	case gopath != "":
		add(filepath.Join(gopath, "pkg", "mod"))
	default:
		inHome("go/pkg/mod")
	}
	if c := getenv("CARGO_HOME"); c != "" {
		add(filepath.Join(c, "registry"))
		add(filepath.Join(c, "git"))
	} else {
		inHome(".cargo/registry")
		inHome(".cargo/git")
	}
	for _, v := range []struct{ env, rel string }{
		{"BUN_INSTALL_CACHE_DIR", ".bun/install/cache"}, {"NUGET_PACKAGES", ".nuget/packages"}, {"", ".julia/packages"},
		{"GEM_HOME", ".gem"}, {"", ".local/share/gem"}, {"PUB_CACHE", ".pub-cache"}, {"DENO_DIR", ".deno"},
		{"", ".m2/repository"}, {"", ".gradle/caches"}, {"", ".conan2"}, {"OPAMROOT", ".opam"}, {"STACK_ROOT", ".stack"},
		{"", ".cabal/packages"}, {"", ".nimble"}, {"", ".cpan"}, {"", ".local/share/pnpm"}, {"", ".npm"},
		{"", ".yarn/berry/cache"},
	} {
		if x := getenv(v.env); v.env != "" && x != "" {
			add(x)
		} else {
			inHome(v.rel)
		}
	}
	return out
}

// inCache reports whether p is or lies in one of the package caches.
func (d *deeperLook) inCache(p string) bool {
	for _, c := range d.caches {
		if within(p, c) {
			return true
		}
	}
	return false
}

// deepDir is a directory the look goes through: made during the run (all
// its protected names are the command's), or one that was there (only
// those not there at start and made or renamed during the run are).
type deepDir struct {
	fd    int // owned: closed once looked at
	path  string
	made  bool
	names bool // look at its own names (not at a top: done there)
	depth int  // below the directory the look started from
}

// lookDeeper moves aside the protected names the command made below the
// tops (see above) and reports how many it found.
func (n *newNames) lookDeeper(w io.Writer, stamp string, buf []byte, locks *unlocked) int {
	if n == nil || len(n.entries) == 0 {
		return 0
	}
	var queue []deepDir
	changed := func(fd int) bool {
		var st unix.Stat_t
		return unix.Fstat(fd, &st) != nil || !time.Unix(st.Ctim.Unix()).Before(n.deep.since)
	}
	dup := func(fd int) int {
		d, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return -1
		}
		return d
	}
	for _, h := range n.dirs {
		if h.ctime != (unix.Timespec{}) && !changed(h.fd) || n.between[h.path] {
			continue
		}
		if fd := dup(h.fd); fd >= 0 {
			queue = append(queue, deepDir{fd: fd, path: h.path})
		}
	}
	for _, d := range n.deep.dirs {
		if !changed(d.fd) {
			continue
		}
		if fd := dup(d.fd); fd >= 0 {
			queue = append(queue, deepDir{fd: fd, path: d.path, names: true})
		}
	}
	found, budget := 0, protect.ScanDirs // the directories made, listed at most
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		locks.unlock(d.fd)
		ents, _ := dirTypes(d.fd, buf)
		moved := map[string]bool{}
		if d.names {
			found += n.moveDeepNames(w, d, ents, moved, stamp, locks)
		}
		found += n.lookNewRepos(w, d, ents, stamp, locks)
		for name, typ := range ents {
			if typ != unix.DT_DIR && typ != unix.DT_UNKNOWN || moved[name] || isRepoName(name) || protect.ScanSkipped(name) ||
				d.depth+1 >= protect.ScanDepth {
				continue
			}
			p := filepath.Join(d.path, name)
			if n.deep.held[p] || n.deep.paths[p] || n.deep.inCache(p) {
				continue // looked at in its own right, or a package cache
			}
			made, recent := n.madeDuring(d.fd, name)
			if !recent {
				continue
			}
			if budget == 0 {
				break
			}
			budget--
			fd, err := openBeneath(d.fd, name, locks)
			if err == unix.ENOTDIR || err == unix.ENOENT {
				continue
			}
			if err != nil {
				// A directory made and then made unreadable: what cannot be
				// looked at counts as made, as at the tops.
				if made {
					to, _, merr := moveAside(d.fd, name, stamp, locks)
					found++
					sayMoved(w, p, to, "made during the run and unreadable to guard's look for protected names", name, merr)
				}
				continue
			}
			queue = append(queue, deepDir{fd: fd, path: p, made: made, names: true, depth: d.depth + 1})
		}
		unix.Close(d.fd)
	}
	return found
}

// moveDeepNames moves aside the protected names in d (ents: its entries)
// that the command made, and reports how many it found; moved gets the
// names moved whole.
func (n *newNames) moveDeepNames(w io.Writer, d deepDir, ents map[string]uint8, moved map[string]bool, stamp string, locks *unlocked) int {
	found := 0
	for _, e := range n.entries[:n.homeFrom] {
		first, _, deeper := strings.Cut(e.Pattern, "/")
		if ents[first] == 0 || moved[first] || deeper && isRepoName(first) {
			continue
		}
		if !d.made && n.deep.startRO[filepath.Join(d.path, e.Pattern)] {
			continue // there at start, read-only
		}
		// What is moved: the entry's path (.config/mise, not the .config
		// it is in), or its first name where the way there cannot be
		// followed (a link, a directory guard cannot open).
		target, at, name, pfd := e.Pattern, d.fd, first, -1
		if deeper {
			dir, base := filepath.Split(e.Pattern)
			fd, err := openBeneath(d.fd, strings.TrimSuffix(dir, "/"), locks)
			switch {
			case err == unix.ENOENT || err == unix.ENOTDIR:
				continue
			case err != nil:
				target = first
			default:
				var st unix.Stat_t
				if unix.Fstatat(fd, base, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
					unix.Close(fd)
					continue
				}
				pfd, at, name = fd, fd, base
			}
		}
		recent := d.made
		if !recent {
			_, recent = n.madeDuring(at, name)
		}
		if pfd >= 0 {
			unix.Close(pfd)
		}
		if !recent {
			continue
		}
		to, made, err := moveAside(d.fd, target, stamp, locks)
		if !made {
			continue
		}
		if target == first {
			moved[first] = true
		}
		found++
		sayMoved(w, filepath.Join(d.path, target), to, e.Reason, e.Pattern, err)
	}
	return found
}

// madeDuring reports whether name in the directory dirfd was made during
// the run (its birth time, where the file system keeps one), and whether
// it was made or changed then (its change time too: a rename into the
// directory sets it).
func (n *newNames) madeDuring(dirfd int, name string) (made, recent bool) {
	var sx unix.Statx_t
	if unix.Statx(dirfd, name, unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_SYNC_AS_STAT, unix.STATX_BTIME|unix.STATX_CTIME, &sx) != nil {
		return false, false
	}
	since := n.deep.since
	if sx.Mask&unix.STATX_BTIME != 0 && !time.Unix(sx.Btime.Sec, int64(sx.Btime.Nsec)).Before(since) {
		return true, true
	}
	return false, !time.Unix(sx.Ctime.Sec, int64(sx.Ctime.Nsec)).Before(since)
}

// dirTypes reads the entries of the directory fd (from its start) with
// their types (DT_*, DT_UNKNOWN where the file system does not say),
// through buf; ok is false when it could not read them all.
func dirTypes(fd int, buf []byte) (ents map[string]uint8, ok bool) {
	ents = map[string]uint8{}
	if _, err := unix.Seek(fd, 0, io.SeekStart); err != nil {
		return ents, false
	}
	for range 64 {
		n, err := unix.ReadDirent(fd, buf)
		if err != nil {
			return ents, false
		}
		if n == 0 {
			return ents, true
		}
		for b := buf[:n]; len(b) >= 19; {
			// struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name.
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 19 || reclen > len(b) {
				return ents, false
			}
			name := b[19:reclen]
			if i := strings.IndexByte(string(name), 0); i >= 0 {
				name = name[:i]
			}
			if s := string(name); s != "." && s != ".." {
				typ := b[18]
				if typ == unix.DT_UNKNOWN {
					var st unix.Stat_t
					if unix.Fstatat(fd, s, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
						typ = unix.DT_DIR
					}
				}
				if typ == 0 {
					typ = 255 // present, of an unknown type: a nonzero mark
				}
				ents[s] = typ
			}
			b = b[reclen:]
		}
	}
	return ents, false
}
