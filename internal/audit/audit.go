// Package audit appends guard's decisions to a log, one JSON object per line
// (JSON Lines), and reads it back (Read, for `guard log`).
//
// Each entry is written with a single write(2) on a file opened with O_APPEND,
// so entries from concurrent guard processes never interleave: the kernel
// appends each write whole to a regular file on a local file system.
//
// Limits:
//   - The guarantee needs a regular file on a local file system; NFS does not
//     honour O_APPEND atomically, and Append refuses FIFOs, devices and other
//     non-regular files (a FIFO without a reader would hang guard). On systems
//     other than Unix the entry is written with an ordinary Write.
//   - A write that the kernel cuts short (a full disk, a file size limit) is
//     reported as an error; the partial line stays in the log, and a reader
//     should skip lines that do not parse.
//   - Strings are encoded by encoding/json: invalid UTF-8 in an argv is
//     replaced by U+FFFD, so the log is not a byte-exact record of argv.
//   - The log is written with the user's rights: it records, it does not
//     protect. A process running as the user can edit or delete it.
//   - The log is rotated by size: past MaxSize, the entry that crosses it
//     renames the file to PATH.1 (replacing the one before), so the log
//     keeps between MaxSize and twice that. Two guards crossing at once may
//     both rename; the second moves the first's few new lines to PATH.1.
//   - Append only reports errors. What a failed write means is the caller's
//     choice: guard must neither let a command run unlogged silently nor let a
//     broken log block a refusal.
package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Entry is one decision. Field names are the JSON keys of the log format.
type Entry struct {
	Time     time.Time `json:"time"`
	Cwd      string    `json:"cwd"`
	Argv     []string  `json:"argv"`
	Mode     string    `json:"mode"`
	Class    string    `json:"class"`
	Decision string    `json:"decision"`
	Rule     string    `json:"rule,omitempty"`
	RuleAt   string    `json:"rule_at,omitempty"` // file:line of the rule
	Resolved string    `json:"resolved,omitempty"`
	Sandbox  string    `json:"sandbox,omitempty"`
	Pid      int       `json:"pid"`
	Reason   string    `json:"reason,omitempty"`
	// Hook decisions: the agent, its tool, the command string as the agent
	// sent it, and the agent's project.
	Agent   string `json:"agent,omitempty"`
	Tool    string `json:"tool,omitempty"`
	Command string `json:"command,omitempty"`
	Project string `json:"project,omitempty"`
}

// MaxSize is the size past which the log is rotated.
const MaxSize = 10 << 20

// Append writes e as one line to the log at path. A zero Time is set to now
// and a zero Pid to the current process. The file is created with mode 0600
// and its missing parent directories with 0700.
func Append(path string, e Entry) error {
	if path == "" {
		return fmt.Errorf("audit: no log path")
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if e.Pid == 0 {
		e.Pid = os.Getpid()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit: encode entry: %w", err)
	}
	line = append(line, '\n')

	f, err := open(path)
	if err != nil {
		return fmt.Errorf("audit: %w", err) // a *PathError naming mkdir or open
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("audit: open %s: not a regular file (%s)", path, fi.Mode().Type())
	}
	n, err := writeOnce(f, line)
	if err != nil {
		return fmt.Errorf("audit: %w", &fs.PathError{Op: "write", Path: path, Err: err})
	}
	if n != len(line) {
		return fmt.Errorf("audit: write %s: %w (%d of %d bytes)", path, io.ErrShortWrite, n, len(line))
	}
	if fi.Size() <= MaxSize && fi.Size()+int64(n) > MaxSize {
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("audit: rotate: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// open opens the log for appending, creating it and, when they are missing,
// its parent directories. The directories are only looked at when the open
// fails, which keeps the usual case to one system call.
func open(path string) (*os.File, error) {
	const flags = os.O_WRONLY | os.O_APPEND | os.O_CREATE | openFlags
	f, err := os.OpenFile(path, flags, 0o600)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(path, flags, 0o600)
}
