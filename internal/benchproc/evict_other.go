//go:build !linux

package main

import "os"

// evict does nothing here: the binaries run in whatever state the copy left.
func evict(*os.File) error { return nil }
