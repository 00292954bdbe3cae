//go:build guardfast

package main

// fastBuild is true in bin/guard, built with -tags guardfast: it leaves the
// Starlark interpreter and the shell parser out, and hands the commands that
// need them to guard-full (see handover.go).
const fastBuild = true
