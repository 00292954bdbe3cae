//go:build !unix

package audit

import (
	"errors"
	"io/fs"
	"os"
)

// appendLine appends b with one Write call and returns the file's size
// before it.
func appendLine(path string, b []byte) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		if err := mkdirParent(path); err != nil {
			return 0, err
		}
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if _, err := f.Write(b); err != nil {
		return 0, err
	}
	return fi.Size(), f.Close()
}
