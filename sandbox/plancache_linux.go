package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// The plan cache keeps Protect's result (the protected paths and secrets
// found for a set of roots) between runs: resolving the lists costs a
// listing of the home, of ~/.config and /etc, a lookup per credential that
// may exist and up to protect.ScanDirs listings in the roots (about 0.7 ms
// of a 2 ms command, cold), where checking that nothing they looked at
// changed costs a stat(2) per directory and file looked at.
//
// An entry is used only when all of this holds, else Protect runs again:
//   - the key matches: a hash of guard's binary (device, inode, size,
//     times), the user and groups, the home, the working directory, the
//     roots, the whole environment and the list's entries;
//   - the file is a regular file of the caller's, written by no one else
//     (neither it nor its directory group- or world-writable), in guard's
//     cache directory, which the gate keeps read-only inside the sandbox
//     (it is guard's own state): a program cannot plant an entry;
//   - stat(2) of every path the result depends on (protect.Watch: each
//     directory listed or looked up in, each file read) gives what it gave
//     then: the same error, or the same device, inode, mode, owner, size
//     and change time. A program cannot set a change time back. A name that
//     did not exist directly in a directory found so is taken as still
//     missing without a look (making, linking or renaming anything into a
//     directory changes its change time).
//
// An entry is written only when its result depends on nothing unwatched
// (no symbolic link followed on the way: protect.Watch.Unsure), every
// path lies on a local file system (a server's clock sets the change
// times of a network one), and none of them changed within planRacy
// before the resolution began: a change in the same clock tick as the
// look would not show in the change time (git's "racily clean" index
// entries), and one made during the resolution shows as too recent.

// planRacy is how recent a change makes an entry not worth trusting (a
// variable for the tests, whose fixtures are new).
var planRacy = 2 * time.Second

// planHits counts the entries used, planSkipped the stats loadPlan did not
// make again (for the tests).
var planHits, planSkipped int

// planMax bounds an entry's size.
const planMax = 1 << 20

// planMagic starts every entry; a new format changes it.
const planMagic = "guard-plan-5\n"

// ProtectCached is Protect with its result kept in dir (guard's cache
// directory, "" for none): see the plan cache above.
func ProtectCached(p *Profile, l *protect.List, home, dir string) {
	if !filepath.IsAbs(dir) {
		Protect(p, l, home)
		return
	}
	key, ok := planKey(p, l, home)
	if !ok {
		Protect(p, l, home)
		return
	}
	file := planFile(dir, key)
	if lists, ok := loadPlan(file, key); ok {
		planHits++
		p.ReadOnly, p.Unreadable, p.ScannedDirs, p.PrivateTemp, p.MissingProtected, p.Checkouts = lists[0], lists[1], lists[2], lists[3], lists[4], lists[5]
		p.SecretEnv, p.SecretEnvAllow = l.SecretEnv, l.SecretEnvAllow
		p.ProtectedNames = l.Literal(protect.Protected)
		p.HomeNames, p.HomeDir = homeNames(l, home, p)
		return
	}
	start := time.Now()
	w := &protect.Watch{}
	protectWatched(p, l, home, w)
	keepFound(p, l, dir, w)
	if !w.Unsure {
		savePlan(file, key, p, w, start)
	}
}

// planFile is the file of dir that keeps the entry for key: one of 4,096,
// by the key's first 12 bits, each holding one entry. 256 files by its
// first byte made two sets of roots (or two guard builds) that guard ran
// by turns share a file (among 40 keys, three pairs on average; 0.2 now),
// and each then missed every run, rewriting the other's entry (a machine's
// projects, and make bench's pairs: a line 1x above itself now and then).
// At most 4,096 entries of a few KB.
func planFile(dir string, key [32]byte) string {
	return filepath.Join(dir, "plans", strconv.FormatUint(uint64(key[0])<<4|uint64(key[1]>>4), 16))
}

// planKey hashes what Protect's result depends on besides the file system.
func planKey(p *Profile, l *protect.List, home string) (key [32]byte, ok bool) {
	// Hashed through a small buffer: a large one costs more in fresh pages
	// than the hashing itself.
	h := sha256.New()
	b := make([]byte, 0, 1024)
	flush := func() {
		h.Write(b)
		b = b[:0]
	}
	str := func(s string) {
		if len(b)+binary.MaxVarintLen64+len(s) > cap(b) {
			flush()
			if len(s) > cap(b)/2 {
				b = binary.AppendUvarint(b, uint64(len(s)))
				flush()
				h.Write([]byte(s))
				return
			}
		}
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n uint64) {
		if len(b)+binary.MaxVarintLen64 > cap(b) {
			flush()
		}
		b = binary.AppendUvarint(b, n)
	}
	str(planMagic)
	var st unix.Stat_t
	if unix.Stat("/proc/self/exe", &st) != nil {
		return key, false
	}
	num(st.Dev)
	num(st.Ino)
	num(uint64(st.Size))
	num(uint64(st.Mtim.Nano()))
	num(uint64(st.Ctim.Nano()))
	num(uint64(unix.Geteuid()))
	num(uint64(unix.Getegid()))
	groups, err := unix.Getgroups()
	if err != nil {
		return key, false
	}
	num(uint64(len(groups)))
	for _, g := range groups {
		num(uint64(g))
	}
	str(home)
	wd, err := unix.Getwd()
	if err != nil {
		return key, false
	}
	str(wd)
	num(uint64(len(p.WritableRoots)))
	for _, r := range p.WritableRoots {
		str(r)
	}
	// The shared ones get placeholders (tempPlaceholders).
	num(uint64(len(p.SharedRoots)))
	for _, r := range p.SharedRoots {
		str(r)
	}
	env := os.Environ()
	num(uint64(len(env)))
	for _, kv := range env {
		str(kv)
	}
	// The other paths of the home and of the roots (bind mounts): the mount
	// table is no file the plan watches.
	others, inside := rootVia(p.readMounts(), p)
	for _, list := range [][]string{homeVia(p.readMounts(), home, p), others, inside} {
		num(uint64(len(list)))
		for _, v := range list {
			str(v)
		}
	}
	num(uint64(len(l.Entries)))
	for _, e := range l.Entries {
		str(string(e.Kind))
		str(e.Pattern)
		num(uint64(len(e.Except)))
		for _, x := range e.Except {
			str(x)
		}
	}
	flush()
	h.Sum(key[:0])
	return key, true
}

// statOutcome is what stat(2) of a watched path gave: for a directory
// listed or a file read (protect.WatchStat), its identity, mode, owner,
// size and change time; for a name looked up (protect.WatchLstat), its
// identity, type and birth time, which writing it does not change (guard's
// audit log is appended to on every run) but replacing it does.
type statOutcome struct {
	errno               uint64
	dev, ino, mode, uid uint64
	size, sec, nsec     uint64
}

// statOf returns path's outcome, and when it exists the time it last
// changed in a way the outcome shows (zero when the file system does not
// say: never trusted then).
func statOf(path string, how uint8) (statOutcome, time.Time, bool) {
	fail := func(err error) (statOutcome, time.Time, bool) {
		var e unix.Errno
		if !errors.As(err, &e) || e == 0 {
			e = unix.EIO
		}
		return statOutcome{errno: uint64(e)}, time.Time{}, false
	}
	if how == protect.WatchLstat {
		var sx unix.Statx_t
		if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_SYNC_AS_STAT,
			unix.STATX_TYPE|unix.STATX_INO|unix.STATX_BTIME, &sx); err != nil {
			return fail(err)
		}
		o := statOutcome{dev: unix.Mkdev(sx.Dev_major, sx.Dev_minor), ino: sx.Ino, mode: uint64(sx.Mode) & unix.S_IFMT}
		if sx.Mask&unix.STATX_BTIME == 0 {
			return o, time.Time{}, true
		}
		o.sec, o.nsec = uint64(sx.Btime.Sec), uint64(sx.Btime.Nsec)
		return o, time.Unix(sx.Btime.Sec, int64(sx.Btime.Nsec)), true
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fail(err)
	}
	return statOutcome{dev: st.Dev, ino: st.Ino, mode: uint64(st.Mode), uid: uint64(st.Uid), size: uint64(st.Size),
		sec: uint64(st.Ctim.Sec), nsec: uint64(st.Ctim.Nsec)}, time.Unix(st.Ctim.Unix()), true
}

// planDep is a watched path, how it is watched and its outcome.
type planDep struct {
	path string
	how  uint8
	out  statOutcome
}

// savePlan writes the entry for key, unless a watched path is not on a
// local file system or changed within planRacy before start.
func savePlan(file string, key [32]byte, p *Profile, w *protect.Watch, start time.Time) {
	paths := make([]string, 0, len(w.Paths))
	for x := range w.Paths {
		paths = append(paths, x)
	}
	slices.Sort(paths)
	deps := make([]planDep, 0, len(paths))
	limit := start.Add(-planRacy)
	local := map[uint64]bool{} // by device: one statfs(2) each
	for _, x := range paths {
		for _, how := range []uint8{protect.WatchStat, protect.WatchLstat} {
			if w.Paths[x]&how == 0 {
				continue
			}
			out, changed, exists := statOf(x, how)
			if exists {
				if changed.IsZero() || changed.After(limit) {
					return
				}
				isLocal, known := local[out.dev]
				if !known {
					// A symbolic link is on its directory's file system;
					// statfs(2) would follow it (a placeholder at the top of
					// /tmp leads nowhere: no entry was ever written).
					fsPath := x
					if out.mode&unix.S_IFMT == unix.S_IFLNK {
						fsPath = filepath.Dir(x)
					}
					isLocal = localFS(fsPath)
					local[out.dev] = isLocal
				}
				if !isLocal {
					return
				}
			} else if out.errno != uint64(unix.ENOENT) && out.errno != uint64(unix.ENOTDIR) && out.errno != uint64(unix.EACCES) {
				return // an error that may not last
			}
			deps = append(deps, planDep{x, how, out})
		}
	}
	b := []byte(planMagic)
	b = append(b, key[:]...)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n uint64) { b = binary.AppendUvarint(b, n) }
	for _, list := range [][]string{p.ReadOnly, p.Unreadable, p.ScannedDirs, p.PrivateTemp, p.MissingProtected, p.Checkouts} {
		num(uint64(len(list)))
		for _, x := range list {
			str(x)
		}
	}
	num(uint64(len(deps)))
	for _, d := range deps {
		str(d.path)
		num(uint64(d.how))
		for _, n := range d.out.fields() {
			num(n)
		}
	}
	if len(b) > planMax {
		return
	}
	writeCache(file, ".plan-*", b)
}

// writeCache replaces file, in guard's cache directory, with b at once (a
// temporary file renamed over it), when the directory is guard's own
// (safeDir); a failure leaves the old file and is not an error: the cache
// is made again next time.
func writeCache(file, pattern string, b []byte) {
	dir := filepath.Dir(file)
	if os.MkdirAll(dir, 0o700) != nil || !safeDir(dir) {
		return
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), file) != nil {
		os.Remove(f.Name())
	}
}

func (o statOutcome) fields() [8]uint64 {
	return [8]uint64{o.errno, o.dev, o.ino, o.mode, o.uid, o.size, o.sec, o.nsec}
}

// planLists are a plan's ReadOnly, Unreadable, ScannedDirs, PrivateTemp,
// MissingProtected and Checkouts.
type planLists [6][]string

// loadPlan returns the entry for key when it is the caller's own and every
// watched path is as it was.
func loadPlan(file string, key [32]byte) (lists planLists, ok bool) {
	b, ok := readOwn(file, planMax)
	if !ok || len(b) < len(planMagic)+len(key) {
		return lists, false
	}
	if string(b[:len(planMagic)]) != planMagic || string(b[len(planMagic):len(planMagic)+len(key)]) != string(key[:]) {
		return lists, false
	}
	d := planDecoder{b: b[len(planMagic)+len(key):]}
	for i := range lists {
		n := d.num()
		if n > uint64(len(d.b)) {
			return lists, false
		}
		lists[i] = make([]string, 0, n)
		for j := uint64(0); j < n; j++ {
			lists[i] = append(lists[i], d.str())
		}
	}
	n := d.num()
	if n > uint64(len(d.b)) {
		return lists, false
	}
	// The directories found as they were (stat(2), same change time): a
	// name that did not exist in one still does not, since making,
	// linking or renaming anything into a directory changes its change
	// time. Its stat is not made again (savePlan writes the paths sorted:
	// a directory comes before the names in it).
	var same map[string]bool
	for j := uint64(0); j < n; j++ {
		path := d.str()
		how := d.num()
		var want [8]uint64
		for k := range want {
			want[k] = d.num()
		}
		if d.bad || how != protect.WatchStat && how != protect.WatchLstat {
			return lists, false
		}
		if want[0] == uint64(unix.ENOENT) && same[filepath.Dir(path)] {
			planSkipped++
			continue
		}
		got, _, _ := statOf(path, uint8(how))
		if got.fields() != want {
			return lists, false
		}
		if how == protect.WatchStat && want[0] == 0 && want[3]&unix.S_IFMT == unix.S_IFDIR {
			if same == nil {
				same = make(map[string]bool, 16)
			}
			same[path] = true
		}
	}
	if d.bad || len(d.b) != 0 {
		return lists, false
	}
	return lists, true
}

// planDecoder reads what savePlan wrote; bad is set on malformed input.
type planDecoder struct {
	b   []byte
	bad bool
}

func (d *planDecoder) num() uint64 {
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *planDecoder) str() string {
	n := d.num()
	if n > uint64(len(d.b)) {
		d.bad, d.b = true, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// safeDir reports whether dir is a directory of the caller's that no one
// else can write.
func safeDir(dir string) bool {
	var st unix.Stat_t
	return unix.Lstat(dir, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR &&
		st.Uid == uint32(unix.Geteuid()) && st.Mode&0o022 == 0
}

// localFS reports whether path lies on a file system whose change times
// come from this machine's clock.
func localFS(path string) bool {
	var sf unix.Statfs_t
	if unix.Statfs(path, &sf) != nil {
		return false
	}
	switch uint32(sf.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.TMPFS_MAGIC,
		unix.OVERLAYFS_SUPER_MAGIC, unix.F2FS_SUPER_MAGIC, 0x2fc12fc1 /* zfs */, 0xca451a4e /* bcachefs */ :
		return true
	}
	return false
}
