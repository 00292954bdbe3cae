//go:build unix

package audit

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"guard/internal/config"
)

// appendLine appends b to the file at path with exactly one write(2) and
// returns the offset it was written at: the file's offset after the write
// (lseek), less its length. An fstat before the write could be stale: a
// write of another guard's between the two would not be counted, and two
// guards would each take theirs for the one that crossed the rotation size.
// It uses the system calls directly: an os.File would register the
// descriptor with Go's network poller (three more system calls), and its
// Write loops on short writes, which could split a line between two
// appends. O_NONBLOCK makes opening a FIFO without a reader
// fail (ENXIO) instead of blocking; it does nothing to regular files.
//
// The log is this account's own: a symbolic link at its name is not
// followed (O_NOFOLLOW), and a file another account owns is not written.
// With audit_log in /tmp (a place the README offers), another account's
// link there to ~/.bashrc had every command's arguments appended to it,
// `$(...)` included, run by the next interactive shell; its own file would
// have collected every command's tokens.
func appendLine(path string, b []byte) (int64, error) {
	const flags = syscall.O_WRONLY | syscall.O_APPEND | syscall.O_CREAT | syscall.O_NONBLOCK | syscall.O_CLOEXEC | syscall.O_NOFOLLOW
	fd, err := syscall.Open(path, flags, 0o600)
	if errors.Is(err, syscall.ENOENT) {
		if err := mkdirParent(path); err != nil {
			return 0, err
		}
		fd, err = syscall.Open(path, flags, 0o600)
	}
	if errors.Is(err, syscall.ELOOP) {
		return 0, fmt.Errorf("open %s: a symbolic link, which guard does not follow at the log's name (another account, or a command, could point it at a file that is run later); give audit_log the file itself", path)
	}
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return 0, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return 0, fmt.Errorf("open %s: not a regular file", path)
	}
	if euid := os.Geteuid(); st.Uid != uint32(euid) && !ownersPlace(path, st.Uid) {
		syscall.Close(fd)
		return 0, fmt.Errorf("open %s: owned by uid %d, not by this account (uid %d): that account reads every command's arguments there and changes what guard logged; give the log a place of this account's own", path, st.Uid, euid)
	}
	if st.Nlink > 1 {
		// Another name may be in a writable root: the argv of every
		// command, tokens included, readable and forgeable there.
		syscall.Close(fd)
		return 0, &config.LinkedError{Path: path, Names: uint64(st.Nlink)}
	}
	if st.Size == 0 && st.Uid == 0 && os.Geteuid() == 0 {
		// A log root has just made in another user's place (sudo -E):
		// theirs, or their own guards could not append to it.
		if uid, gid, ok := config.Owner(filepath.Dir(path)); ok {
			syscall.Fchown(fd, uid, gid)
		}
	}
	var n int
	for {
		n, err = syscall.Write(fd, b)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		syscall.Close(fd)
		return 0, &fs.PathError{Op: "write", Path: path, Err: err}
	}
	if n != len(b) {
		syscall.Close(fd)
		return 0, fmt.Errorf("write %s: %w (%d of %d bytes)", path, io.ErrShortWrite, n, len(b))
	}
	at := st.Size
	if end, err := syscall.Seek(fd, 0, io.SeekCurrent); err == nil && end >= int64(n) {
		at = end - int64(n)
	}
	// Closed once, here: a second close could close a descriptor another
	// thread has opened since.
	if err := syscall.Close(fd); err != nil {
		return 0, &fs.PathError{Op: "close", Path: path, Err: err}
	}
	return at, nil
}

// ownersPlace reports whether root may append to a log that uid owns: uid
// owns the directory it is in (a user's log that root writes with the
// user's HOME, sudo -E, and made theirs: see appendLine).
func ownersPlace(path string, uid uint32) bool {
	owner, _, ok := config.Owner(filepath.Dir(path))
	return ok && uint32(owner) == uid
}
