package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock has no deny rule: a right granted on a directory holds for everything
// beneath it. To keep a secret unreadable, read (READ_FILE, EXECUTE) is granted
// not on / but on each entry of each directory on the way down to the secret,
// except the entry that leads there: the siblings of /home, then of /home/u, then
// of /home/u/.ssh... Listing (READ_DIR) stays granted on /, so a secret's name
// shows, not its content. A directory that cannot be listed on the way (no read
// permission) gets no read rule at all: fail closed. Each rule's descriptor is
// closed as soon as the rule is added (the ruleset holds the inode), so the rule
// count costs no descriptors.
//
// Renaming or linking a secret into a readable place is refused by Landlock
// itself (EXDEV: a file may not gain rights by moving, ABI 2).

const llReadFile = unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_EXECUTE

// holeTree is the paths to keep unreadable, as a tree of path components.
type holeTree struct {
	kids map[string]*holeTree
	hole bool
	// devices: in this directory (/dev), read is granted only to the entries
	// of deviceReadableNames; every other node stays unreadable.
	devices bool
}

// deviceReadableNames are the entries of /dev that stay readable in full-auto: the
// data sources and sinks every program uses, the terminal, and the
// directories of ptys, POSIX shared memory and message queues. Every other
// node is not: root (CAP_DAC_OVERRIDE) read the raw disk and the swap device
// (/dev/vda, /dev/zram0: every secret on them, past the mounts that hide
// them), the consoles' screens and input (/dev/vcs*, /dev/tty1, /dev/console,
// /dev/ttyS0), and a desktop user given access to a device (hidraw keyboards,
// cameras, microphones) reads it as well.
var deviceReadableNames = []string{"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue",
	"hugepages"}

// withDevices marks /dev in t for the device filter, unless /dev is a hole.
func (t *holeTree) withDevices() *holeTree {
	if t.kids == nil {
		t.kids = map[string]*holeTree{}
	}
	d := t.kids["dev"]
	if d == nil {
		d = &holeTree{}
		t.kids["dev"] = d
	}
	if !d.hole {
		d.devices = true
	}
	return t
}

func newHoleTree(paths []string) *holeTree {
	t := &holeTree{}
	for _, p := range paths {
		n := t
		for _, c := range strings.Split(strings.Trim(filepath.Clean(p), "/"), "/") {
			if c == "" {
				continue
			}
			if n.kids == nil {
				n.kids = map[string]*holeTree{}
			}
			k := n.kids[c]
			if k == nil {
				k = &holeTree{}
				n.kids[c] = k
			}
			n = k
		}
		n.hole, n.kids = true, nil
	}
	return t
}

// readableHoles returns the paths of unreadable that exist and that this
// process could read now: the others need no rule (the kernel's own
// permissions refuse them already). A path through a symbolic link is
// replaced by the path it resolves to, which is where the content lies: the
// walk of addReadRules skips links, and a mount follows them (~/.gnupg as a
// dotfile manager's link to ~/dotfiles/gnupg was readable through the
// target). files are the holes that are regular files, dirs those that
// are directories (by the same lstat); other types stay holes of neither.
func readableHoles(unreadable []string) (out []string, files, dirs map[string]bool, ids map[string]fileID) {
	seen := make(map[string]bool, len(unreadable))
	euid := uint32(unix.Geteuid())
	for _, p := range unreadable {
		if !filepath.IsAbs(p) {
			continue
		}
		var st unix.Stat_t
		r, known, gone := lookNoLinks(p, &st)
		switch {
		case gone:
			continue // not there: nothing to read
		case known:
			// st is r's, looked at without following any link.
		default:
			var err error
			r, err = filepath.EvalSymlinks(p)
			if errors.Is(err, unix.EACCES) {
				// A directory on the way that the caller cannot search: if it is
				// the caller's, chmod opens it (Landlock does not check modes),
				// so it is hidden whole; another's keeps the secret out.
				r = ownBlocker(p, euid)
				if r == "" || unix.Lstat(r, &st) != nil {
					continue
				}
			} else if err != nil || unix.Lstat(r, &st) != nil {
				continue // gone, or a dangling link: nothing to read
			}
		}
		p = r
		if st.Mode&unix.S_IFMT == unix.S_IFCHR || seen[p] {
			continue // /dev/null over it already (an enclosing sandbox), or listed twice
		}
		if st.Uid != euid && unix.Faccessat(unix.AT_FDCWD, p, unix.R_OK, unix.AT_EACCESS) != nil {
			// Another's, and its permissions refuse it already. The caller's
			// own unreadable secret (chmod 000 .env) is a hole all the same:
			// the program can chmod it back.
			continue
		}
		seen[p] = true
		out = append(out, p)
		if ids == nil {
			ids = make(map[string]fileID, len(unreadable))
		}
		ids[p] = fileID{uint64(st.Dev), st.Ino}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			if files == nil {
				files = make(map[string]bool, len(unreadable))
			}
			files[p] = true
		case unix.S_IFDIR:
			if dirs == nil {
				dirs = make(map[string]bool)
			}
			dirs[p] = true
		}
	}
	return out, files, dirs, ids
}

// lookNoLinks looks p up in one system call, following no symbolic link
// on the way (openat2 with RESOLVE_NO_SYMLINKS): most secrets' paths hold
// none, and most do not exist, where filepath.EvalSymlinks took an lstat
// per component. known: p, clean, is the resolved path and st its lstat.
// gone: p does not exist (a missing component before any link is missing
// whatever the links ahead). Otherwise (a link on the way or at the end, a
// directory that cannot be searched, no openat2 in a nested sandbox) the
// caller resolves it the long way.
func lookNoLinks(p string, st *unix.Stat_t) (r string, known, gone bool) {
	if noOpenat2 {
		return "", false, false
	}
	fd, err := unix.Openat2(unix.AT_FDCWD, p, &unix.OpenHow{Flags: unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS})
	switch err {
	case nil:
	case unix.ENOENT, unix.ENOTDIR:
		return "", false, true
	case unix.ENOSYS:
		noOpenat2 = true // seccomp's answer inside a sandbox: not asked again
		return "", false, false
	default:
		return "", false, false
	}
	err = unix.Fstat(fd, st)
	unix.Close(fd)
	if err != nil || st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return "", false, false // the last component is a link (O_PATH|O_NOFOLLOW opened it)
	}
	return filepath.Clean(p), true, false
}

// noOpenat2 records that openat2 answered ENOSYS.
var noOpenat2 bool

// ownBlocker returns the directory on p's way (p is absolute, not
// resolved) that the caller cannot search and owns, or "" when the first one
// it cannot search is another's, or a symbolic link is on the way.
func ownBlocker(p string, euid uint32) string {
	dir := "/"
	for _, c := range strings.Split(strings.Trim(filepath.Clean(p), "/"), "/") {
		var st unix.Stat_t
		if unix.Lstat(dir, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return ""
		}
		if unix.Faccessat(unix.AT_FDCWD, dir, unix.X_OK, unix.AT_EACCESS) != nil {
			if st.Uid == euid {
				return dir
			}
			return ""
		}
		dir = filepath.Join(dir, c)
	}
	return ""
}

// addReadRules grants access (file rights) on everything below the directory
// dirfd (at path, for messages) but the holes of n. It returns the number of
// rules added.
func addReadRules(add func(path string, fd int, access uint64) error, dirfd int, path string, n *holeTree, access uint64, cl *fdBatch) (int, error) {
	if n.hole {
		return 0, nil
	}
	if n.devices {
		return addDeviceRules(add, dirfd, path, n, access, cl)
	}
	if len(n.kids) == 0 {
		return 1, add(path, dirfd, access)
	}
	// O_PATH descriptors cannot be read: list through a real one.
	lfd, err := unix.Openat(dirfd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, nil // cannot list it: nothing below is granted (fail closed)
	}
	defer unix.Close(lfd)
	rules := 0
	buf := make([]byte, 8192)
	for {
		nb, err := unix.Getdents(lfd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return rules, fmt.Errorf("getdents %s: %w", path, err)
		}
		if nb <= 0 {
			return rules, nil
		}
		for off := 0; off < nb; {
			d := (*unix.Dirent)(unsafe.Pointer(&buf[off]))
			nameb := buf[off+int(unsafe.Offsetof(d.Name)) : off+int(d.Reclen)]
			off += int(d.Reclen)
			if i := bytes.IndexByte(nameb, 0); i >= 0 {
				nameb = nameb[:i]
			}
			name := string(nameb)
			if name == "." || name == ".." || d.Type == unix.DT_LNK {
				continue // a symlink's target is judged where it lies
			}
			k := n.kids[name]
			if k != nil && k.hole {
				continue
			}
			fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				continue // gone since listed
			}
			var r int
			child := path + "/" + name
			if path == "/" {
				child = "/" + name
			}
			a := access
			typ := d.Type
			if typ == unix.DT_UNKNOWN {
				var st unix.Stat_t
				if unix.Fstat(fd, &st) == nil {
					typ = map[uint32]uint8{unix.S_IFDIR: unix.DT_DIR, unix.S_IFLNK: unix.DT_LNK}[st.Mode&unix.S_IFMT]
				}
			}
			if typ == unix.DT_LNK {
				unix.Close(fd)
				continue
			}
			if typ != unix.DT_DIR {
				a &= llFileRights
			}
			if k != nil {
				r, err = addReadRules(add, fd, child, k, a, cl)
			} else {
				r, err = 1, add(child, fd, a)
			}
			cl.close(fd)
			rules += r
			if err != nil {
				return rules, err
			}
		}
	}
}

// addDeviceRules grants access in the directory dirfd (/dev) to the entries
// of deviceReadable alone, opened by name: /dev is not listed (a devtmpfs
// of a hundred nodes took 20 us to read), and a regular file there (a
// container's /dev/termination-log) stays unreadable too. A hole below one
// of them (a secret in /dev/shm) is kept out as anywhere else.
func addDeviceRules(add func(path string, fd int, access uint64) error, dirfd int, path string, n *holeTree, access uint64, cl *fdBatch) (int, error) {
	rules := 0
	for _, name := range deviceReadableNames {
		k := n.kids[name]
		if k != nil && k.hole {
			continue
		}
		fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue // not on this machine
		}
		var r int
		if k != nil {
			r, err = addReadRules(add, fd, path+"/"+name, k, access, cl)
		} else {
			// llReadFile's rights apply to files and directories alike.
			r, err = 1, add(path+"/"+name, fd, access&llFileRights)
		}
		cl.close(fd)
		rules += r
		if err != nil {
			return rules, err
		}
	}
	return rules, nil
}

// fdBatch closes descriptors a few at a time (the read rules', the mounts'):
// each run of consecutive numbers (the usual case: each open takes the
// lowest free one) is one close_range(2) instead of a close(2) each. At most
// fdBatchSize are held, so that the descriptor table never grows (past 64,
// a multi-threaded process waits for an RCU grace period: issue 13).
type fdBatch struct {
	fds [fdBatchSize]int
	n   int
}

const fdBatchSize = 16

func (b *fdBatch) close(fd int) {
	b.fds[b.n] = fd
	b.n++
	if b.n == fdBatchSize {
		b.flush()
	}
}

func (b *fdBatch) flush() {
	fds := b.fds[:b.n]
	b.n = 0
	closeRuns(fds)
}

// closeRuns closes fds (sorting them): each run of consecutive numbers is
// one close_range(2).
func closeRuns(fds []int) {
	slices.Sort(fds)
	for i := 0; i < len(fds); {
		j := i + 1
		for j < len(fds) && fds[j] == fds[j-1]+1 {
			j++
		}
		// fds[i:j] are consecutive, each open until now.
		if j-i == 1 || unix.CloseRange(uint(fds[i]), uint(fds[j-1]), 0) != nil {
			for _, fd := range fds[i:j] {
				unix.Close(fd)
			}
		}
		i = j
	}
}
