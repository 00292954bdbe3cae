//go:build !linux

// Package prefault maps at start the pages of guard's code and heap that a
// run would otherwise fault in one at a time; on Linux only.
package prefault
