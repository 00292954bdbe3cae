package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// A secret is hidden where its path leads: a mount over that path, or
// Landlock read rules granted around it. The same directory can be reached
// by another path when its file system is mounted more than once: a bind
// mount (a container's volumes, `mount --bind ~/src /srv/src`, a second
// mount of a btrfs volume, /home bound elsewhere). Through that one the
// secret was readable (sandbox-13 S13-1), as root and as an ordinary user,
// mounts or not: a mount covers one path, and the Landlock rule on the
// other mount's mount point, a directory beside the way down to the
// secret, granted read beneath it.
//
// mountAliases finds, for each hole, the other paths of the mount table
// that name the same file (the same file system, a mount whose root lies
// above the hole's place in it, and the same device and inode when looked
// up there), so that each is hidden the same way. It reads
// /proc/self/mountinfo once, and looks further only when a file system is
// mounted more than once.

// mountEntry is one line of /proc/self/mountinfo.
type mountEntry struct {
	id    uint64
	dev   string // major:minor
	root  string // the mount's root within its file system
	point string // where it is mounted
	// layers: an overlay's lower, upper and data directories, where
	// the files of its tree are found under other paths (sandbox-14 S14-2),
	// or the directories a FUSE file system passes through (fuseLayers)
	layers []string
	view   bool // a FUSE file system's: its files are its layers' (writes go through)
}

// readMountInfo parses /proc/self/mountinfo; nil when it cannot be read.
func readMountInfo() []mountEntry {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var out []mountEntry
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		f := strings.Fields(string(line))
		if len(f) < 5 {
			continue
		}
		id, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			continue
		}
		e := mountEntry{id: id, dev: f[2], root: unescapeMount(f[3]), point: unescapeMount(f[4])}
		if i := slices.Index(f, "-"); i > 4 && i+3 < len(f) {
			switch fstype := f[i+1]; {
			case fstype == "overlay":
				e.layers = overlayLayers(f[i+3])
			case fstype == "fuse" || strings.HasPrefix(fstype, "fuse."):
				e.layers = fuseLayers(f[i+2])
				e.view = len(e.layers) > 0
			}
		}
		out = append(out, e)
	}
	return out
}

// overlayLayers returns the directories an overlay's super options name:
// lowerdir (colon-separated, "\:" a colon in a name), lowerdir+, datadir+
// and upperdir.
func overlayLayers(opts string) []string {
	var out []string
	for o := range strings.SplitSeq(opts, ",") {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			continue
		}
		v = unescapeMount(v)
		switch k {
		case "upperdir", "lowerdir+", "datadir+":
			out = append(out, v)
		case "lowerdir":
			var b strings.Builder
			for i := 0; i < len(v); i++ {
				switch {
				case v[i] == '\\' && i+1 < len(v):
					i++
					b.WriteByte(v[i])
				case v[i] == ':':
					out = append(out, b.String())
					b.Reset()
				default:
					b.WriteByte(v[i])
				}
			}
			out = append(out, b.String())
		}
	}
	return slices.DeleteFunc(out, func(d string) bool { return !filepath.IsAbs(d) })
}

// fuseLayers returns the directories a FUSE file system's mount source
// names: a file system that passes another directory through (bindfs,
// mergerfs's colon-separated branches, rclone or any FUSE program given a
// local path) shows that directory's files under its mount point, on a
// device of its own, so the same-device look above does not see it. A
// bindfs mirror of the home made before guard read ~/.ssh/id_ed25519 inside
// (sandbox-22 S22-2). A source that is not an absolute path (sshfs's
// host:path, a program's name) names none; one that only shares names
// (an encrypted view) gives aliases that do not exist, and nothing is hidden.
func fuseLayers(source string) []string {
	source = unescapeMount(source)
	if !filepath.IsAbs(source) {
		return nil
	}
	var out []string
	for d := range strings.SplitSeq(source, ":") {
		if filepath.IsAbs(d) {
			out = append(out, filepath.Clean(d))
		}
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountTable is the mount table, for the file systems mounted more than
// once only.
type mountTable struct {
	mounts []mountEntry
	byDev  map[string]int
	byID   map[uint64]*mountEntry
	// overlays: some mount is an overlay or a FUSE view of a directory,
	// whose files have paths in its layers too (its own device), and the
	// layers' in it
	overlays bool
}

// loadMountTable reads the mount table; nil when no file system is mounted
// more than once (the usual case: then no file has another path).
func loadMountTable() *mountTable {
	mounts := readMountInfo()
	byDev := make(map[string]int, len(mounts))
	twice := false
	for _, m := range mounts {
		byDev[m.dev]++
		twice = twice || byDev[m.dev] > 1 || len(m.layers) > 0
	}
	if !twice {
		return nil
	}
	t := &mountTable{mounts: mounts, byDev: byDev, byID: make(map[uint64]*mountEntry, len(mounts))}
	for i := range mounts {
		t.byID[mounts[i].id] = &mounts[i]
		t.overlays = t.overlays || len(mounts[i].layers) > 0
	}
	return t
}

// aliases returns the other paths of the mount table that name the file
// at path (want: its device and inode), path not among them.
func (t *mountTable) aliases(path string, want fileID) []string {
	if t == nil {
		return nil
	}
	var sx unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_NO_AUTOMOUNT, unix.STATX_MNT_ID, &sx) != nil ||
		sx.Mask&unix.STATX_MNT_ID == 0 {
		return nil
	}
	m := t.byID[sx.Mnt_id]
	if m == nil || t.byDev[m.dev] < 2 && !t.overlays {
		return nil
	}
	// Where path lies within its file system.
	rel, ok := strings.CutPrefix(path, m.point)
	if !ok || m.point != "/" && rel != "" && rel[0] != '/' {
		return nil
	}
	inFS := filepath.Join(m.root, rel)
	var out []string
	// An overlay's file is also where its layers hold it (a file of
	// another file system, with a device and inode of its own), and the
	// other way, a layer's file is also in every mount of the overlay
	// where no upper layer covers it (sandbox-14 S14-2).
	for i := range t.mounts {
		o := &t.mounts[i]
		for _, l := range o.layers {
			var alias string
			if o.id == m.id {
				alias = filepath.Join(l, inFS)
			} else if within(path, l) {
				sub := filepath.Join("/", strings.TrimPrefix(path, l))
				below, ok := strings.CutPrefix(sub, o.root)
				if !ok || o.root != "/" && below != "" && below[0] != '/' {
					continue
				}
				alias = filepath.Join(o.point, below)
			}
			if alias != "" && alias != path && !slices.Contains(out, alias) && unix.Lstat(alias, new(unix.Stat_t)) == nil {
				out = append(out, alias)
			}
		}
	}
	for i := range t.mounts {
		o := &t.mounts[i]
		if o.id == m.id || o.dev != m.dev {
			continue
		}
		below, ok := strings.CutPrefix(inFS, o.root)
		if !ok || o.root != "/" && below != "" && below[0] != '/' {
			continue
		}
		alias := filepath.Join(o.point, below)
		if alias == path || slices.Contains(out, alias) {
			continue
		}
		var st unix.Stat_t
		if unix.Lstat(alias, &st) != nil || uint64(st.Dev) != want.dev || st.Ino != want.ino {
			continue // covered by another mount there, or not the same file
		}
		out = append(out, alias)
	}
	return out
}

// mountAliases returns the other paths of holes (see above), each recorded
// in files, dirs and ids as its original is.
func mountAliases(t *mountTable, holes []string, files, dirs *map[string]bool, ids map[string]fileID) []string {
	if t == nil {
		return nil
	}
	seen := make(map[string]bool, len(holes))
	for _, h := range holes {
		seen[h] = true
	}
	var out []string
	for _, h := range holes {
		for _, alias := range t.aliases(h, ids[h]) {
			if seen[alias] {
				continue
			}
			seen[alias] = true
			out = append(out, alias)
			ids[alias] = ids[h]
			var st unix.Stat_t
			if unix.Lstat(alias, &st) == nil && (uint64(st.Dev) != ids[h].dev || st.Ino != ids[h].ino) {
				ids[alias] = fileID{uint64(st.Dev), st.Ino} // an overlay's layer
			}
			for _, set := range []*map[string]bool{files, dirs} {
				if (*set)[h] {
					(*set)[alias] = true // not nil: it holds h
				}
			}
		}
	}
	return out
}

// homeVia returns the other paths of the home directory that lie inside a
// writable root that is not shared, when the home itself lies in none: a
// root that is another mount of the home or of a directory above it (a bind
// mount). The "~/" protected entries are then resolved there too
// (protectWatched): ~/.bashrc was read-only at its own path and written
// through the root's (sandbox-13 S13-4). t is the mount table (nil: none
// mounted twice).
func homeVia(t *mountTable, home string, p *Profile) []string {
	if t == nil || home == "" || !filepath.IsAbs(home) {
		return nil
	}
	home = filepath.Clean(home)
	inRoot := func(x string) bool { return inUnsharedRoot(p, x) }
	if inRoot(home) {
		return nil
	}
	if r, err := filepath.EvalSymlinks(home); err == nil {
		home = r
	}
	var st unix.Stat_t
	if unix.Stat(home, &st) != nil {
		return nil
	}
	return slices.DeleteFunc(t.aliases(home, fileID{uint64(st.Dev), st.Ino}), func(a string) bool { return !inRoot(a) })
}

// inUnsharedRoot reports whether x lies in a writable root that is not
// shared, the deepest root holding x deciding: a project in /tmp is a root of
// its own inside the shared /tmp, and a mount inside it (`mount --bind ~
// /tmp/proj/hm`) is the project's, not the shared directory's. Taking any
// shared root above x for "shared" left such a mount out of rootVia, and a
// command wrote ~/.profile and guard's own config.toml through it.
func inUnsharedRoot(p *Profile, x string) bool {
	deepest, shared := "", false
	for _, r := range p.WritableRoots {
		if r = filepath.Clean(r); within(x, r) && len(r) > len(deepest) {
			deepest = r
			shared = slices.ContainsFunc(p.SharedRoots, func(s string) bool { return filepath.Clean(s) == r })
		}
	}
	if deepest == "" {
		return false
	}
	// A shared root not listed among the writable ones, deeper still.
	return !shared && !slices.ContainsFunc(p.SharedRoots, func(s string) bool {
		s = filepath.Clean(s)
		return within(x, s) && len(s) > len(deepest)
	})
}

// rootVia returns, for the directories inside the writable roots (not the
// shared ones) that are also reached by another path outside them (a root
// that is a bind mount of another directory, or a mount inside a root), each
// such other path and the path inside the root it is, in order. Every
// protected path below the other path is writable through the root: the
// list is resolved there too and its findings kept read-only where the root
// reaches them (protectWatched). ~/.bashrc and guard's own cache and audit
// log were written through a root that was a bind mount of the home
// (sandbox-13 S13-4).
func rootVia(t *mountTable, p *Profile) (others, inside []string) {
	if t == nil {
		return nil, nil
	}
	inRoot := func(x string) bool { return inUnsharedRoot(p, x) }
	var dirs []string
	for _, r := range p.WritableRoots {
		if r = filepath.Clean(r); inRoot(r) && !slices.Contains(dirs, r) {
			dirs = append(dirs, r)
		}
	}
	// A FUSE view inside a root writes through to what it shows: a bindfs
	// of the home in the project wrote ~/.bashrc (sandbox-22 S22-2). A view
	// outside the roots is no other path to resolve the list at: what it
	// shows is found at its source (and a FUSE path would keep the plan out
	// of the cache, which trusts local file systems only).
	for _, m := range t.mounts {
		if (t.byDev[m.dev] > 1 || m.view) && inRoot(m.point) && !slices.Contains(dirs, m.point) {
			dirs = append(dirs, m.point)
		}
	}
	for _, d := range dirs {
		var st unix.Stat_t
		if unix.Stat(d, &st) != nil {
			continue
		}
		for _, a := range t.aliases(d, fileID{uint64(st.Dev), st.Ino}) {
			if !inRoot(a) && !t.inView(a) && !slices.Contains(others, a) {
				others, inside = append(others, a), append(inside, d)
			}
		}
	}
	return others, inside
}

// inView reports whether path lies in a FUSE view (mountEntry.view).
func (t *mountTable) inView(path string) bool {
	return slices.ContainsFunc(t.mounts, func(m mountEntry) bool { return m.view && within(path, m.point) })
}

// OtherPaths returns the other paths at which the mount table reaches the
// file each of paths (absolute, resolved through symbolic links) names,
// or would name once made: a file of a directory bind-mounted inside a
// project (`mount --bind ~ project/home`, a container's volume) is the
// same file at its original place, where it may be protected or outside
// every root (an agent's Write of project/home/.profile wrote ~/.profile).
// For a path that does not exist yet, the aliases of its deepest existing
// directory are taken, with the rest appended. nil when no file system is
// mounted more than once (the usual case: one read of the mount table).
func OtherPaths(paths []string) []string {
	t := loadMountTable()
	if t == nil {
		return nil
	}
	var out []string
	for _, p := range paths {
		dir, rest := filepath.Clean(p), ""
		var st unix.Stat_t
		for unix.Lstat(dir, &st) != nil && dir != "/" {
			rest = filepath.Join(filepath.Base(dir), rest)
			dir = filepath.Dir(dir)
		}
		for _, a := range t.aliases(dir, fileID{uint64(st.Dev), st.Ino}) {
			if a = filepath.Join(a, rest); !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}
