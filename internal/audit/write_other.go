//go:build !unix

package audit

import "os"

const openFlags = 0

// writeOnce writes b with one Write call.
func writeOnce(f *os.File, b []byte) (int, error) {
	return f.Write(b)
}
