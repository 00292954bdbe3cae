//go:build !unix

package config

import "os"

// Owner: what guard makes is its own user's.
func Owner(path string) (uid, gid int, ok bool) { return 0, 0, false }

// MkdirAll is os.MkdirAll.
func MkdirAll(dir string, perm os.FileMode) error { return os.MkdirAll(dir, perm) }

// hardLinked: not told here.
func hardLinked(fi os.FileInfo) bool { return false }

// OneName: not told here.
func OneName(path string) error { return nil }

// ownMode: not told here.
func ownMode(path string) (mode os.FileMode, ok bool) { return 0, false }

// Own: one name is not told here, nor owners.
func Own(path string) error { return nil }

// OwnPlace: owners are not told here.
func OwnPlace(path string) error { return nil }

// homeOf: not told here.
func homeOf(uid uint32) string { return "" }
