package audit

import (
	"bufio"
	"encoding/json"
	"errors"
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
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var e Entry
			if json.Unmarshal(sc.Bytes(), &e) != nil {
				skipped++
				continue
			}
			entries = append(entries, e)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, 0, &fs.PathError{Op: "read", Path: p, Err: err}
		}
	}
	return entries, skipped, nil
}
