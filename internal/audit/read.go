package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"

	"guard/internal/safefile"
)

// entryStart begins every entry guard writes. It cannot occur inside a
// JSON string (a quote there is escaped), so in a line that does not parse
// it marks where an entry appended after a torn one begins.
var entryStart = []byte(`{"time":"`)

// glued returns the whole entries in a line that does not parse: the
// pieces that begin with entryStart, each up to the next.
func glued(line []byte) []Entry {
	var out []Entry
	for i := bytes.Index(line, entryStart); i >= 0; {
		next := bytes.Index(line[i+1:], entryStart)
		end := len(line)
		if next >= 0 {
			end = i + 1 + next
		}
		var e Entry
		if json.Unmarshal(line[i:end], &e) == nil {
			out = append(out, e)
		}
		if next < 0 {
			break
		}
		i = end
	}
	return out
}

// Read returns the entries of the log at path, oldest first: the rotated
// PATH.1, then PATH. Lines that do not parse (a write cut short) are
// skipped and counted; an entry appended to a torn line is read all the
// same. A missing log has no entries.
func Read(path string) (entries []Entry, skipped int, err error) {
	for _, p := range []string{path + ".1", path} {
		// Without waiting on a FIFO (os.Open waited for a writer for
		// ever); anything but a regular file is refused.
		f, _, err := safefile.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		r := bufio.NewReaderSize(f, 1<<20)
		for {
			line, err := r.ReadSlice('\n')
			long := false
			for errors.Is(err, bufio.ErrBufferFull) { // a line over 1 MiB: not an entry guard wrote
				long = true
				_, err = r.ReadSlice('\n')
			}
			if len(line) > 0 {
				var e Entry
				switch {
				case long:
					skipped++
				case json.Unmarshal(line, &e) == nil:
					entries = append(entries, e)
				default:
					skipped++
					// A write cut short (a full disk) leaves a line with no
					// newline, and the next entry is appended to it: that
					// entry is still whole after it.
					entries = append(entries, glued(line)...)
				}
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				f.Close()
				return nil, 0, &fs.PathError{Op: "read", Path: p, Err: err}
			}
		}
		f.Close()
	}
	return entries, skipped, nil
}
