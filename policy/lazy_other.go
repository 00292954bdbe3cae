//go:build !unix

package policy

import "os"

func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }
