//go:build unix

package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"guard/internal/safefile"
)

// Own returns nil when path, one of guard's own files, may be taken as this
// account's: a missing file, or one with a single name (see OneName), owned
// by this account or root and writable by no other, reached through
// directories of the same kind (a directory writable by all with the
// sticky bit, as /tmp, lets no one else rename what is in it). Links on
// the way are followed, and the directories they lead through checked too.
// A *LinkedError or *ForeignError otherwise. Cost: one lstat for a missing
// file; else one lstat a component, the directories once a process.
func Own(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil // nothing there to read; the reader reports what it finds
	}
	return walkOwn(path, fi)
}

// OwnPlace is Own for a file guard writes: the file when it exists, else
// the nearest directory above it that does (what guard would make the
// rest in), with every directory on the way checked as Own checks them.
func OwnPlace(path string) error {
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		if fi, err := os.Lstat(p); err == nil {
			return walkOwn(p, fi)
		}
		if p == "/" || p == "." {
			return nil
		}
	}
}

// homeOf returns the home directory /etc/passwd gives uid, "" when none.
func homeOf(uid uint32) string {
	for _, e := range passwdEntries() {
		if e.uid == uid && filepath.IsAbs(e.home) {
			return e.home
		}
	}
	return ""
}

// checkedDirs are the directories walkOwn found safe, by their path as
// written, so that a second file in the configuration directory costs one
// lstat.
var checkedDirs struct {
	sync.Mutex
	m map[string]bool
}

// walkOwn resolves path one component at a time, as the kernel does, and
// checks each directory it enters and the file it ends at.
func walkOwn(path string, last os.FileInfo) error {
	if !filepath.IsAbs(path) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil
		}
		path = abs
	}
	path = filepath.Clean(path)
	dir := filepath.Dir(path)
	checkedDirs.Lock()
	known := checkedDirs.m[dir]
	checkedDirs.Unlock()
	if known && last.Mode()&os.ModeSymlink == 0 {
		return ownFile(path, last)
	}
	cur := "/"
	fi, err := os.Lstat(cur)
	if err != nil {
		return nil
	}
	if err := ownEntry(cur, fi, path); err != nil {
		return err
	}
	rest := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for links := 0; len(rest) > 0; {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		if err != nil {
			return nil // missing on the way: the reader reports it
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			if links++; links > 40 {
				return nil // a loop: the reader's open fails with ELOOP
			}
			target, err := os.Readlink(next)
			if err != nil {
				return nil
			}
			if filepath.IsAbs(target) {
				cur = "/"
			}
			rest = append(strings.Split(target, "/"), rest...)
			continue
		}
		if !fi.IsDir() {
			if len(rest) > 0 {
				return nil // not a directory on the way: the reader's open fails
			}
			if err := ownFile(path, fi); err != nil {
				return err
			}
			break
		}
		if err := ownEntry(next, fi, path); err != nil {
			return err
		}
		cur = next
	}
	checkedDirs.Lock()
	if checkedDirs.m == nil {
		checkedDirs.m = map[string]bool{}
	}
	checkedDirs.m[dir] = true
	checkedDirs.Unlock()
	return nil
}

// ownFile checks the file guard reads, reached as fi (no link): a regular
// file with one name (see OneName), of this account or root, writable by
// no other. Anything else (a device: /dev/null switches a file off; a
// FIFO) is the reader's to refuse.
func ownFile(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return nil
	}
	if hardLinked(fi) {
		return &LinkedError{Path: path, Names: uint64(fi.Sys().(*syscall.Stat_t).Nlink)}
	}
	return ownEntry(path, fi, path)
}

// ownEntry checks one file or directory met on the way to file.
func ownEntry(p string, fi os.FileInfo, file string) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	euid := uint32(os.Geteuid())
	if st.Uid != euid && st.Uid != 0 && !unmappedOwner(st.Uid) {
		fix := "run guard with this account's own configuration (sudo -H, su -, runuser -l, or XDG_CONFIG_HOME naming a directory of its own)"
		if p == file {
			fix += fmt.Sprintf(", or, if the file is meant for this account, make it its own (chown %d %s)", euid, p)
		}
		return &ForeignError{Path: p, File: file,
			Why: fmt.Sprintf("belongs to %s, not to %s", account(st.Uid), runner(euid)),
			Fix: fix}
	}
	perm := fi.Mode().Perm()
	sticky := fi.IsDir() && fi.Mode()&os.ModeSticky != 0
	if perm&0o002 != 0 && !sticky {
		return &ForeignError{Path: p, File: file,
			Why: fmt.Sprintf("is writable by every account (mode %04o)", perm),
			Fix: "chmod o-w " + p}
	}
	if perm&0o020 != 0 && !sticky && !groupOfOne(st.Gid, st.Uid) {
		return &ForeignError{Path: p, File: file,
			Why: fmt.Sprintf("is writable by group %s (mode %04o), which has members other than its owner", group(st.Gid), perm),
			Fix: "chmod g-w " + p}
	}
	return nil
}

// groupOfOne reports whether the group gid has exactly one member, the
// account uid (a user private group: umask 002 makes files writable by
// it), counting those whose primary group it is (/etc/passwd) and those
// /etc/group lists. OpenSSH applies the same rule to ~/.ssh/config. A
// group /etc/group does not list (one from a directory service) is not
// taken for one.
func groupOfOne(gid, uid uint32) bool {
	_, members, ok := groupEntry(gid)
	if !ok {
		return false
	}
	owner, primary := "", false
	for _, e := range passwdEntries() {
		if e.uid == uid {
			owner = e.name
		}
		if e.gid == gid {
			if e.uid != uid {
				return false
			}
			primary = true
		}
	}
	for _, m := range members {
		if m != owner {
			return false
		}
	}
	return owner != "" && (primary || len(members) > 0)
}

type passwdEntry struct {
	name     string
	uid, gid uint32
	home     string
}

// passwdEntries is /etc/passwd's name, uid, gid and home fields, read when a
// check needs them (a group-writable file, an error's account names).
var passwdEntries = sync.OnceValue(func() []passwdEntry {
	data, _ := safefile.Read("/etc/passwd", 4<<20)
	var out []passwdEntry
	for _, line := range bytes.Split(data, []byte("\n")) {
		f := strings.Split(string(line), ":")
		if len(f) < 4 {
			continue
		}
		uid, err1 := strconv.ParseUint(f[2], 10, 32)
		gid, err2 := strconv.ParseUint(f[3], 10, 32)
		if err1 == nil && err2 == nil {
			e := passwdEntry{name: f[0], uid: uint32(uid), gid: uint32(gid)}
			if len(f) > 5 {
				e.home = f[5]
			}
			out = append(out, e)
		}
	}
	return out
})

// groupEntry returns the name and listed members of gid in /etc/group.
func groupEntry(gid uint32) (name string, members []string, ok bool) {
	data, _ := safefile.Read("/etc/group", 4<<20)
	for _, line := range bytes.Split(data, []byte("\n")) {
		f := strings.Split(string(line), ":")
		if len(f) < 4 || f[2] != strconv.FormatUint(uint64(gid), 10) {
			continue
		}
		for _, m := range strings.Split(f[3], ",") {
			if m = strings.TrimSpace(m); m != "" {
				members = append(members, m)
			}
		}
		return f[0], members, true
	}
	return "", nil, false
}

// account names uid for an error: "alice (uid 1001)".
func account(uid uint32) string {
	for _, e := range passwdEntries() {
		if e.uid == uid {
			return fmt.Sprintf("%s (uid %d)", e.name, uid)
		}
	}
	return fmt.Sprintf("uid %d", uid)
}

// runner names the account guard runs as, for ForeignError: root, or
// this account and root.
func runner(euid uint32) string {
	if euid == 0 {
		return "root, the account guard runs as"
	}
	return "this account (" + account(euid) + ") or root"
}

// group names gid for an error: "staff (gid 50)".
func group(gid uint32) string {
	if name, _, ok := groupEntry(gid); ok {
		return fmt.Sprintf("%s (gid %d)", name, gid)
	}
	return fmt.Sprintf("gid %d", gid)
}

// unmappedOwner reports whether uid is the kernel's overflow uid seen
// inside a user namespace (bubblewrap, a rootless container): there root's
// files, unmapped, show as owned by it. Outside one it is an account like
// any other.
func unmappedOwner(uid uint32) bool {
	b, err := safefile.ReadProc("/proc/sys/kernel/overflowuid")
	if err != nil || strings.TrimSpace(string(b)) != strconv.FormatUint(uint64(uid), 10) {
		return false
	}
	m, err := safefile.ReadProc("/proc/self/uid_map")
	if err != nil {
		return false
	}
	f := strings.Fields(string(m))
	return !(len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295")
}
