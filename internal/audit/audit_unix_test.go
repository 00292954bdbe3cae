//go:build unix

package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAppendFIFO checks that a FIFO as log path fails at once instead of
// blocking guard until a reader appears.
func TestAppendFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- Append(fifo, Entry{Argv: []string{"true"}}) }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("Append(FIFO) succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Append(FIFO) blocked")
	}

	// With a reader the open succeeds; the file type check refuses it.
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := Append(fifo, Entry{Argv: []string{"true"}}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Append(FIFO with reader) error = %v, want not a regular file", err)
	}
}

func TestAppendErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path, want string
	}{
		{"empty path", "", "audit: no log path"},
		{"parent is a file", filepath.Join(file, "audit.jsonl"), "open " + file + "/audit.jsonl: not a directory"},
		{"deeper under a file", filepath.Join(file, "x", "audit.jsonl"), "open " + file + "/x/audit.jsonl: not a directory"},
		{"a directory", dir, "open " + dir + ": is a directory"},
		{"missing parent under /dev/null", "/dev/null/x/audit.jsonl", "not a directory"},
		{"mkdir in /proc", "/proc/self/guard-audit/audit.jsonl", "mkdir /proc/self/guard-audit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.path, "/proc/") && runtime.GOOS != "linux" {
				t.Skip("/proc is Linux's")
			}
			err := Append(tt.path, Entry{Argv: []string{"true"}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Append(%q) error = %v, want one containing %q", tt.path, err, tt.want)
			}
		})
	}
}

// TestAppendProc checks a path where even root cannot create a file.
func TestAppendProc(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
	path := "/proc/self/guard-audit.jsonl"
	if err := Append(path, Entry{Argv: []string{"true"}}); err == nil || !strings.Contains(err.Error(), "open "+path) {
		t.Errorf("Append(%s) error = %v, want an open error", path, err)
	}
}

// TestReadAfterTornLine: a write the kernel cut short (a full disk, a file
// size limit) leaves part of a line with no newline, and the next guard's
// entry is appended to it. Read skips the torn part and still returns the
// entry after it; before, that entry was lost with the torn line.
func TestReadAfterTornLine(t *testing.T) {
	whole := func(argv ...string) []byte {
		e := Entry{Time: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC), Argv: argv, Cwd: "/p", Decision: "run", Pid: 7}
		return append(e.appendJSON(nil), '\n')
	}
	for name, torn := range map[string][]byte{
		"cut in a string":         whole("echo", `a"b\c {"time":"x`)[:40],
		"cut after an escape":     whole("echo", `a\"`)[:len(whole("echo", `a\"`))-70],
		"cut at the start":        []byte(`{"ti`),
		"two torn":                append(whole("one")[:30], whole("two")[:50]...),
		"a string holding a key":  whole("echo", `{"time":"2026-12-06T10:00:00Z"}`)[:90],
		"cut right before the NL": bytes.TrimSuffix(whole("echo", "x"), []byte("\n")),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			data := append(append(whole("before"), torn...), whole("after")...)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := Append(path, Entry{Argv: []string{"appended"}, Decision: "refuse"}); err != nil {
				t.Fatal(err)
			}
			entries, skipped, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Argv[0])
			}
			want := []string{"before", "after", "appended"}
			if name == "cut right before the NL" {
				// the torn line's own entry is whole, and the next is
				// glued to it: both are read.
				want = []string{"before", "echo", "after", "appended"}
			}
			if !reflect.DeepEqual(got, want) || skipped != 1 {
				t.Errorf("read %q, %d skipped; want %q, 1 skipped\n%s", got, skipped, want, data)
			}
		})
	}
}

// TestRotateOnce: of the guards that append at once around the size limit,
// exactly one renames the log, so the entries before it stay in PATH.1.
// Before, each judged the crossing by the size its fstat saw before its
// write; a guard whose fstat came before another's write and whose write
// came after it crossed too, renamed the new log over PATH.1, and the
// whole previous log was lost.
func TestRotateOnce(t *testing.T) {
	defer func(old int64) { rotateAt = old }(rotateAt)
	rotateAt = 16 << 10
	const writers = 16
	for round := 0; round < 60; round++ {
		path := filepath.Join(t.TempDir(), "audit.jsonl")
		before := 0
		for {
			fi, err := os.Stat(path)
			if err == nil && fi.Size() > rotateAt-1500 {
				break
			}
			if err := Append(path, Entry{Argv: []string{"before", strings.Repeat("b", 100)}}); err != nil {
				t.Fatal(err)
			}
			before++
		}
		start := make(chan struct{})
		errs := make(chan error, writers)
		for i := 0; i < writers; i++ {
			go func() {
				<-start
				errs <- Append(path, Entry{Argv: []string{"at once", strings.Repeat("a", 200)}})
			}()
		}
		close(start)
		for i := 0; i < writers; i++ {
			if err := <-errs; err != nil && !strings.Contains(err.Error(), "rotate") {
				t.Fatal(err)
			}
		}
		entries, skipped, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != before+writers || skipped != 0 {
			t.Fatalf("round %d: %d entries (%d skipped), want %d before and %d at once: a second rotation replaced %s.1", round, len(entries), skipped, before, writers, path)
		}
	}
}

// TestReadFIFO: a log, or its rotated PATH.1, that is a FIFO is refused at
// once: guard log waited for a writer for ever.
func TestReadFIFO(t *testing.T) {
	for _, which := range []string{"", ".1"} {
		path := filepath.Join(t.TempDir(), "audit.jsonl")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(path + which)
		if err := syscall.Mkfifo(path+which, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		done := make(chan error, 1)
		go func() { _, _, err := Read(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("Read with PATH%s a FIFO: %v, want not a regular file", which, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read with PATH%s a FIFO still waits after 5 s", which)
		}
	}
}

// The log is this account's own: in a directory every account writes (a
// sticky /tmp, where the README lets the log be), another account's
// symbolic link at its name (to the user's ~/.bashrc, where a logged
// `$(...)` runs at the next shell) and another account's file (which
// collects every command's tokens) are not written; the user's own log,
// and as root a log its directory's owner owns (sudo -E), are.
func TestAppendNotAnotherAccounts(t *testing.T) {
	const other = 65534 // nobody
	shared := t.TempDir()
	if err := os.Chmod(shared, 0o1777); err != nil {
		t.Fatal(err)
	}
	bashrc := filepath.Join(t.TempDir(), ".bashrc")
	if err := os.WriteFile(bashrc, []byte("# rc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := Entry{Argv: []string{"echo", "$(touch /tmp/pwned)"}}
	link := filepath.Join(shared, "audit.jsonl")
	if err := os.Symlink(bashrc, link); err != nil {
		t.Fatal(err)
	}
	if err := Append(link, e); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Append through a link at the log's name: %v, want refused", err)
	}
	if b, _ := os.ReadFile(bashrc); string(b) != "# rc\n" {
		t.Errorf("the link's target was written: %q", b)
	}
	if os.Geteuid() != 0 {
		t.Skip("another account's file needs root to make")
	}
	theirs := filepath.Join(shared, "theirs.jsonl")
	if err := os.WriteFile(theirs, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, other, other); err != nil {
		t.Skipf("chown: %v", err)
	}
	if err := Append(theirs, e); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("Append to another account's file in a shared directory: %v, want refused", err)
	}
	if fi, _ := os.Stat(theirs); fi.Size() != 0 {
		t.Errorf("another account's file was written: %d bytes", fi.Size())
	}
	// A user's log in the user's directory, written by root (sudo -E).
	home := t.TempDir()
	if err := os.Chown(home, other, other); err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(home, "audit.jsonl")
	if err := os.WriteFile(users, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(users, other, other); err != nil {
		t.Fatal(err)
	}
	if err := Append(users, e); err != nil {
		t.Errorf("root appending to a user's log in the user's directory: %v", err)
	}
	mine := filepath.Join(shared, "mine.jsonl")
	if err := Append(mine, e); err != nil {
		t.Errorf("Append to a new log of this account's in a shared directory: %v", err)
	}
}

// A flood of entries does not erase what was logged before it: PATH.1
// written in the last day is not replaced, the log grows on, and the first
// entry is still there after many times the limit; a day-old PATH.1 is
// replaced as before.
func TestRotateKeepsRecent(t *testing.T) {
	defer func(old int64) { rotateAt = old }(rotateAt)
	rotateAt = 8 << 10
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	if err := Append(path, Entry{Argv: []string{"rm", "-rf", "the-evidence"}}); err != nil {
		t.Fatal(err)
	}
	flood := func(n int) {
		for i := 0; i < n; i++ {
			if err := Append(path, Entry{Argv: []string{"echo", strings.Repeat("x", 500)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	flood(400)
	found := false
	for _, f := range []string{path, path + ".1"} {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("the-evidence")) {
			found = true
		}
	}
	if !found {
		t.Errorf("after %d bytes of entries, the first entry is in neither %s nor its .1", 400*550, path)
	}
	// A day-old PATH.1 is replaced at the next multiple of the limit.
	old := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(path+".1", old, old); err != nil {
		t.Fatal(err)
	}
	flood(40)
	if fi, err := os.Stat(path + ".1"); err != nil || time.Since(fi.ModTime()) > time.Hour {
		t.Errorf("a day-old %s.1 was not replaced: %v", path, err)
	}
}
