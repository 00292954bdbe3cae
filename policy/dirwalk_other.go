//go:build !linux

package policy

import "os"

// readDir calls fn with the name of each entry of dir and whether it is a
// directory, up to max entries, and returns how many it saw.
func readDir(dir string, max int, fn func(name string, isDir, isLink bool)) int {
	f, err := os.Open(dir)
	if err != nil {
		return 0
	}
	defer f.Close()
	entries, _ := f.ReadDir(max)
	for _, e := range entries {
		fn(e.Name(), e.IsDir(), e.Type()&os.ModeSymlink != 0)
	}
	return len(entries)
}
