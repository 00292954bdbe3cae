// Package safefile reads small configuration files without being stalled
// or flooded by what stands at their path.
//
// A FIFO would block an open until a writer comes; a device such as
// /dev/zero never ends, and opening some devices acts (a watchdog arms, a
// tape rewinds). Read therefore refuses anything but a regular file before
// opening it, opens with O_NONBLOCK (a FIFO swapped in between the check
// and the open opens at once and is then refused), checks again on the
// open file, and reads at most the given number of bytes. A regular file
// whose size is 0 once open reads as empty, unread: a file of the kernel's
// (/proc, tracefs) says 0 and may then give what it likes, or wait
// (/proc/kmsg waits for the kernel's next message; a link to it in a
// project held the judge's `grep -r x .` for good), and a real file of
// size 0 has nothing to read.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is returned for a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file larger than the limit.
var ErrTooLarge = errors.New("file too large")

// Read returns the contents of the regular file at path, which must hold
// at most max bytes. /dev/null, by that name, reads as empty: it is how a
// file is switched off. Errors are *fs.PathError; a missing file matches
// fs.ErrNotExist.
func Read(path string, max int64) ([]byte, error) {
	if path == os.DevNull {
		return []byte{}, nil
	}
	return read(path, max, true)
}

// ReadNoFollow is Read for a path whose last element must not be a
// symbolic link (a link is refused as not a regular file), and without the
// /dev/null exception.
func ReadNoFollow(path string, max int64) ([]byte, error) {
	return read(path, max, false)
}

// ReadHead is Read for a file of any size: it returns at most its first
// max bytes.
func ReadHead(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, fi.Size()); err != nil {
		return nil, err
	}
	f, fi, err := open(path, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := check(path, fi, fi.Size()); err != nil {
		return nil, err
	}
	if fi.Size() == 0 {
		return []byte{}, nil // size 0: see the package comment
	}
	data, err := io.ReadAll(io.LimitReader(f, max))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return data, nil
}

// Open opens path for reading without waiting on a FIFO and without
// making a terminal the caller's (O_NONBLOCK, O_NOCTTY), and returns the
// file and what it is once open: anything but a regular file is closed and
// refused with ErrNotRegular. For the callers that read a file their own
// way (a head, a tail, a stream, a mapping).
func Open(path string) (*os.File, fs.FileInfo, error) {
	return open(path, 0)
}

// open opens path for reading with flags added, without waiting on a FIFO
// or taking a terminal, and returns it only when it is a regular file. The
// descriptor is handed to os.NewFile in blocking mode: a file opened
// O_NONBLOCK through os.OpenFile makes the runtime start its poller (an
// epoll instance and an eventfd), which a regular file never uses.
func open(path string, flags int) (*os.File, fs.FileInfo, error) {
	fd, err := openNoWait(path, flags)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(fi.Mode()))}
	}
	return f, fi, nil
}

func openNoWait(path string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(path, flags|syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func read(path string, max int64, follow bool) ([]byte, error) {
	stat, flags := os.Stat, 0
	if !follow {
		stat, flags = os.Lstat, syscall.O_NOFOLLOW
	}
	fi, err := stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // as an open that fails says it
		}
		return nil, err
	}
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	f, fi, err := open(path, flags)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	if fi.Size() == 0 {
		return []byte{}, nil // size 0: see the package comment
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)}
	}
	return data, nil
}

func check(path string, fi fs.FileInfo, max int64) error {
	if !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(fi.Mode()))}
	}
	if fi.Size() > max {
		return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, fi.Size(), max)}
	}
	return nil
}

// Kind names what stands at a path by its mode, for errors: "a directory",
// "a FIFO", "a symbolic link", "a file"...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return m.Type().String()
}

// ErrNotMine is OpenMine's error for a file another user owns or may write.
var ErrNotMine = errors.New("not a file of this user's that no one else may write")

// OpenMine is Open for a file guard wrote for itself (a cache entry): its
// last element may not be a symbolic link, and it must be a regular file of
// guard's user that no one else may write. Where a cache lies in a
// directory others can write (XDG_CACHE_HOME in /tmp), an entry another
// user put there, or a link they put there to a file of guard's user, is
// not taken for guard's own.
func OpenMine(path string) (*os.File, fs.FileInfo, error) {
	f, fi, err := open(path, syscall.O_NOFOLLOW)
	if err != nil {
		return nil, nil, err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != uint32(os.Geteuid()) || fi.Mode().Perm()&0o022 != 0 {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotMine}
	}
	return f, fi, nil
}
