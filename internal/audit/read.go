package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
)

// Read returns the entries of the log at path, oldest first: the rotated
// PATH.1, then PATH. Lines that do not parse (a write cut short) are
// skipped and counted. A missing log has no entries.
func Read(path string) (entries []Entry, skipped int, err error) {
	for _, p := range []string{path + ".1", path} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err == nil && !fi.Mode().IsRegular() {
			err = &fs.PathError{Op: "read", Path: p, Err: errors.New("not a regular file")}
		}
		if err != nil {
			f.Close()
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
				if long || json.Unmarshal(line, &e) != nil {
					skipped++
				} else {
					entries = append(entries, e)
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
