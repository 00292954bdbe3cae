//go:build !guardfast

package main

// fastBuild is false in guard-full (and in `go build ./cmd/guard`): every
// command runs here.
const fastBuild = false

// fromInit: run is called from main (and from the tests).
const fromInit = false
