package policy

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Reads returns the values typed ReadableFile, in argv order.
func (r *Result) Reads() []string { return r.valuesOf(TypeReadableFile) }

// urlRead says why a file a rule types as read is a URL, or "": a word
// `scheme://...` is a relative path to the kernel, but the programs that
// take it as a file often take it as a URL first and fetch it: `openssl
// x509 -in http://HOST/PATH` sent an HTTP GET of PATH (whatever the agent
// put there) to HOST, judged a read of a file that does not exist; xmllint,
// pandoc, ImageMagick, ffprobe, kubectl -f, helm -f and compose -f do the
// same. Such a word is never a read of a local file here.
func urlRead(path string) string {
	i := strings.Index(path, "://")
	if i <= 0 {
		return ""
	}
	for j, c := range path[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return path + " is a URL: the program may fetch it over the network rather than read a file"
}

// harmlessDevices are the character devices (major 1, the memory devices)
// a read of which only returns bytes: null, zero, full, random, urandom.
// /dev/mem, /dev/kmem and /dev/port share the major and are not here.
func harmlessDevices(minor uint32) bool {
	switch minor {
	case 3, 5, 7, 8, 9:
		return true
	}
	return false
}

// deviceRead says why reading path (made absolute against dir) is more
// than reading a file, or "": a character or block device (another
// terminal's keystrokes on /dev/pts/N, a watchdog that reboots when
// opened and closed, raw disks, input devices), a FIFO (opening one blocks
// or steals another reader's data) or a socket, after following symlinks
// (/dev/stdin, /proc/self/fd/N, /proc/PID/fd/N). The memory devices null,
// zero, full, random and urandom are reads like any other.
func deviceRead(path, dir string) string {
	if path == "" {
		return ""
	}
	p := absolute(path, dir)
	if devicePath(p) {
		return fmt.Sprintf("%s names a device, not a file", path)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return ""
	}
	m := fi.Mode()
	switch {
	case m&os.ModeCharDevice != 0:
		var st unix.Stat_t
		if unix.Stat(p, &st) == nil && unix.Major(uint64(st.Rdev)) == 1 && harmlessDevices(unix.Minor(uint64(st.Rdev))) {
			return ""
		}
		return fmt.Sprintf("%s is a character device: reading it is not reading a file (a terminal's keystrokes, a watchdog, input events)", path)
	case m&os.ModeDevice != 0:
		return fmt.Sprintf("%s is a block device: reading it reads a raw disk", path)
	case m&os.ModeNamedPipe != 0:
		return fmt.Sprintf("%s is a FIFO: opening it blocks or takes another reader's data", path)
	case m&os.ModeSocket != 0:
		return fmt.Sprintf("%s is a socket", path)
	}
	return ""
}

// devicePath reports whether p names a device by its name alone, whether
// or not it exists here: anything under /dev (but the memory devices null,
// zero, full, random and urandom, and directories) and a process's
// descriptors (/proc/PID/fd/N, /dev/fd/N, /dev/stdin), and gawk's network
// special files (/inet/tcp/..., /inet4/..., /inet6/...: an operand or
// redirection target there opens a connection; no real file lives there). The
// judgement of a command also stats each file (deviceRead), for a symlink
// elsewhere that leads to one.
func devicePath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	p = path.Clean(p)
	switch p {
	case "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom":
		return false
	}
	for _, inet := range []string{"/inet", "/inet4", "/inet6"} {
		if p == inet || strings.HasPrefix(p, inet+"/") {
			return true
		}
	}
	if p == "/proc/kmsg" {
		return true // a read takes the kernel's messages from every other reader
	}
	if strings.HasPrefix(p, "/dev/") {
		// A directory (/dev/shm, /dev/pts) is listed, not opened as a file.
		fi, err := os.Stat(p)
		return err != nil || !fi.IsDir()
	}
	parts := strings.Split(p, "/")
	// /proc/PID/fd/N, /proc/PID/task/TID/fd/N
	return len(parts) >= 5 && parts[1] == "proc" && slices.Contains(parts[3:], "fd")
}
