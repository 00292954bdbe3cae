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
//     reported as an error; the partial line stays in the log with no
//     newline, and the next entry is appended to it. Read skips the torn
//     part and still reads that entry; a line-by-line reader (a log shipper)
//     sees one line that does not parse.
//   - Strings are encoded by encoding/json: invalid UTF-8 in an argv is
//     replaced by U+FFFD, so the log is not a byte-exact record of argv.
//   - The log is written with the user's rights: it records, it does not
//     protect. A process running as the user can edit or delete it.
//   - The log is rotated by size: past MaxSize, the entry that crosses it
//     renames the file to PATH.1 (replacing the one before), so the log
//     keeps between MaxSize and twice that. The crossing is judged by the
//     offset the write landed at, so one guard renames however many write
//     at once (on systems other than Unix, by the size before the write:
//     two may both rename there, and the first's PATH.1 is lost).
//   - Append only reports errors. What a failed write means is the caller's
//     choice: guard must neither let a command run unlogged silently nor let a
//     broken log block a refusal.
package audit

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"guard/internal/config"
	"guard/internal/jsonw"
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
	// Omitted says what of argv, command and reason was left out of an
	// entry too long to keep whole (bound), with the SHA-256 of each whole.
	Omitted string `json:"omitted,omitempty"`
}

// MaxSize is the size past which the log is rotated.
const MaxSize = 10 << 20

// rotateAt is MaxSize; tests lower it.
var rotateAt int64 = MaxSize

// Append writes e as one line to the log at path. A zero Time is set to now
// (in UTC: no time zone file is read on the run path) and a zero Pid to the
// current process. The file is created with mode 0600 and its missing
// parent directories with 0700.
func Append(path string, e Entry) error {
	if path == "" {
		return fmt.Errorf("audit: no log path")
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if e.Pid == 0 {
		e.Pid = os.Getpid()
	}
	e.bound()
	line := append(e.appendJSON(make([]byte, 0, 512)), '\n')
	at, err := appendLine(path, line)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	// The one write that spans a multiple of the limit may rename the
	// file: writes to it are serialized, so no two do.
	next := max((at+rotateAt-1)/rotateAt*rotateAt, rotateAt) // the first multiple at or after at
	if at <= next && at+int64(len(line)) > next {
		if err := rotate(path); err != nil {
			return fmt.Errorf("audit: rotate: %w", err)
		}
	}
	return nil
}

// keepYoung is how recently rotated a PATH.1 is kept rather than replaced.
const keepYoung = 24 * time.Hour

// rotate renames the log to PATH.1, unless PATH.1 was written within
// keepYoung: then the log grows on, and rotate is asked again at the next
// multiple of the limit. Rotation by size alone let one safe command erase
// the log (`seq 30000000 | xargs echo`, with shims on PATH, logs an entry of
// 16 KiB a batch: two rotations later every earlier entry was gone). A
// flood now costs disk, as any write of the agent's can, and what was
// logged before it stays in PATH and PATH.1; in ordinary use PATH.1 is a
// day old or more when it is replaced.
func rotate(path string) error {
	old := path + ".1"
	if fi, err := os.Lstat(old); err == nil && time.Since(fi.ModTime()) < keepYoung {
		return nil
	}
	return os.Rename(path, old)
}

// appendJSON appends e as the JSON object encoding/json would write for it
// (the log's format), without reflection: this runs before every command.
func (e *Entry) appendJSON(b []byte) []byte {
	o := jsonw.Open(b)
	o.Time("time", e.Time)
	o.String("cwd", e.Cwd)
	o.Strings("argv", e.Argv)
	o.String("mode", e.Mode)
	o.String("class", e.Class)
	o.String("decision", e.Decision)
	o.OmitEmpty("rule", e.Rule)
	o.OmitEmpty("rule_at", e.RuleAt)
	o.OmitEmpty("resolved", e.Resolved)
	o.OmitEmpty("sandbox", e.Sandbox)
	o.Int("pid", e.Pid)
	o.OmitEmpty("reason", e.Reason)
	o.OmitEmpty("agent", e.Agent)
	o.OmitEmpty("tool", e.Tool)
	o.OmitEmpty("command", e.Command)
	o.OmitEmpty("project", e.Project)
	o.OmitEmpty("omitted", e.Omitted)
	return o.Close()
}

// The bytes of an entry's argv, command and reason that are kept.
const (
	maxArgv   = 16 << 10
	maxReason = 4 << 10
)

// bound cuts an entry's argv, hook command and reason to maxArgv, maxArgv
// and maxReason bytes, and says in Omitted what was left out, with the
// SHA-256 of what was whole. A command can be a megabyte (ARG_MAX), and its
// reason repeats its words: one entry of 2.6 MB was more than guard log
// reads as an entry (it skipped the line, so the command did not show),
// and four such commands rotated the log, so eight left no record of what
// ran before them.
func (e *Entry) bound() {
	var notes []string
	if n := argvBytes(e.Argv); n > maxArgv {
		h := sha256.New()
		for _, w := range e.Argv {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		var kept []string
		room := maxArgv
		for _, w := range e.Argv {
			if len(w) > room {
				if c := cutUTF8(w, room); c != "" {
					kept = append(kept, c)
					room -= len(c)
				}
				break
			}
			kept = append(kept, w)
			room -= len(w)
		}
		notes = append(notes, fmt.Sprintf("argv: %d of %d bytes kept, in %d of %d words (the last may be cut); sha256 of the whole, each word ending in NUL: %x",
			maxArgv-room, n, len(kept), len(e.Argv), h.Sum(nil)))
		e.Argv = kept
	}
	if len(e.Command) > maxArgv {
		notes = append(notes, fmt.Sprintf("command: %d of %d bytes kept; sha256 of the whole: %x", maxArgv, len(e.Command), sha256.Sum256([]byte(e.Command))))
		e.Command = cutUTF8(e.Command, maxArgv)
	}
	if len(e.Reason) > maxReason {
		notes = append(notes, fmt.Sprintf("reason: %d of %d bytes kept", maxReason, len(e.Reason)))
		e.Reason = cutUTF8(e.Reason, maxReason)
	}
	if len(notes) > 0 {
		e.Omitted = strings.Join(notes, "; ")
	}
}

func argvBytes(argv []string) int {
	n := 0
	for _, w := range argv {
		n += len(w)
	}
	return n
}

// cutUTF8 is s cut to at most n bytes, not inside a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// mkdirParent makes path's missing parent directories: the owner's of
// the place when root makes them in another user's home (config.MkdirAll).
func mkdirParent(path string) error {
	return config.MkdirAll(filepath.Dir(path), 0o700)
}
