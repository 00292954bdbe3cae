package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// The scan of a root is bounded (protect.ScanDirs directories, breadth
// first), and a program inside the sandbox can spend that budget for the
// commands after it: 41 empty directories made at the top of the root by one
// command pushed services/api/.env, hidden from that command, out of the next
// command's scan, which printed it. So what a scan found is remembered, per
// scanned root, in guard's cache directory beside the plan cache (read-only
// inside the sandbox like it): a protected path or secret found once stays
// protected while it is there, whatever a later scan reaches. Only the
// order of the directories the program made can change, not what was found
// before it ran; what lies beyond the budget of a tree as the user made it
// is the documented limit it was.

// foundMagic starts every remembered list; a new format changes it.
const foundMagic = "guard-found-1\n"

// foundMax bounds the paths remembered per root and list.
const foundMax = 512

// keepFound adds to p what earlier scans of its scanned roots found and
// still exists, then remembers p's paths in each scanned root. dir is
// guard's cache directory; w watches each path added (by lstat: replacing
// or removing it changes the plan).
func keepFound(p *Profile, l *protect.List, dir string, w *protect.Watch) {
	digest := listDigest(l)
	for _, r := range scannedRoots(p.WritableRoots) {
		file := filepath.Join(dir, "found", foundName(r, digest))
		old, ok := readOwn(file, 1<<20)
		var lists [2][]string
		if len(old) > len(foundMagic) && string(old[:len(foundMagic)]) == foundMagic {
			sections := bytes.SplitN(old[len(foundMagic):], []byte{0, 0}, 2)
			for i, s := range sections {
				if i < 2 && len(s) > 0 {
					for _, x := range bytes.Split(s, []byte{0}) {
						lists[i] = append(lists[i], string(x))
					}
				}
			}
		}
		p.ReadOnly = addFound(p.ReadOnly, lists[0], r, w)
		p.Unreadable = addFound(p.Unreadable, lists[1], r, w)
		saveFound(file, r, p, old, ok)
	}
	hideBlocked(p)
}

// addFound appends to have the remembered paths that lie in root, exist
// (not as a symbolic link) and overlap nothing in have.
func addFound(have, remembered []string, root string, w *protect.Watch) []string {
	for _, x := range remembered {
		if !filepath.IsAbs(x) || filepath.Clean(x) != x || x == root || !within(x, root) {
			continue
		}
		if slices.ContainsFunc(have, func(h string) bool { return within(x, h) || within(h, x) }) {
			continue
		}
		// EACCES: a directory on the way was made unsearchable since (chmod
		// 000 .git): kept, and hidden whole by the sandbox (hideBlocked).
		var st unix.Stat_t
		if err := unix.Lstat(x, &st); err != nil && err != unix.EACCES || err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
			continue
		}
		w.AddEntry(x)
		have = append(have, x)
	}
	return have
}

// saveFound remembers p's protected paths and secrets within root, when
// they differ from what the file held (old, when read was true).
func saveFound(file, root string, p *Profile, old []byte, read bool) {
	b := []byte(foundMagic)
	total := 0
	for i, list := range [][]string{p.ReadOnly, p.Unreadable} {
		if i > 0 {
			b = append(b, 0, 0)
		}
		n := 0
		for _, x := range list {
			if x == root || !within(x, root) || bytes.IndexByte([]byte(x), 0) >= 0 || n == foundMax {
				continue
			}
			if n > 0 {
				b = append(b, 0)
			}
			b = append(b, x...)
			n++
		}
		total += n
	}
	if total == 0 {
		// Nothing to remember (what was remembered and still exists is in p
		// again): no file, so that a root with nothing in it costs one
		// failed open a run, not a read (300 roots: 300 reads).
		if read {
			os.Remove(file)
		}
		return
	}
	if read && bytes.Equal(old, b) {
		return
	}
	writeCache(file, ".found-*", b)
}

// foundName names a root's file: the user, the root and the list (a pattern
// removed from the list is no longer remembered either).
func foundName(root string, digest [32]byte) string {
	h := sha256.New()
	h.Write([]byte(foundMagic))
	h.Write(binary.AppendUvarint(nil, uint64(unix.Geteuid())))
	h.Write([]byte(root))
	h.Write([]byte{0})
	h.Write(digest[:])
	return strconv.FormatUint(binary.BigEndian.Uint64(h.Sum(nil)), 16)
}

// listDigest hashes the list's entries.
func listDigest(l *protect.List) (d [32]byte) {
	h := sha256.New()
	for _, e := range l.Entries {
		h.Write([]byte(string(e.Kind) + "\x00" + e.Pattern + "\x00"))
		for _, x := range e.Except {
			h.Write([]byte(x + "\x00"))
		}
		h.Write([]byte{1})
	}
	h.Sum(d[:0])
	return d
}

// readOwn reads file when it is a regular file of the caller's that no one
// else can write, in such a directory, and at most max bytes long.
func readOwn(file string, max int64) ([]byte, bool) {
	fd, err := unix.Open(file, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false // the usual case of a missing file costs this call alone
	}
	defer unix.Close(fd)
	if !safeDir(filepath.Dir(file)) {
		return nil, false
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Uid != uint32(unix.Geteuid()) ||
		st.Mode&0o022 != 0 || st.Size > max {
		return nil, false
	}
	b := make([]byte, st.Size)
	for n := 0; n < len(b); {
		m, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || m <= 0 {
			return nil, false
		}
		n += m
	}
	return b, true
}
