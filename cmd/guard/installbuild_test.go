package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallFromABuild: `./bin/guard install` after `make build` (the
// Quickstart's first step) made shims leading to the checkout's bin/guard,
// without a word; after a make clean, or with the checkout deleted, each
// shim dangled, and the shell skipped it and ran the real rm, unguarded.
// guard install now warns when no guard on PATH is the binary the shims
// lead to; run with the installed one, it says nothing.
func TestInstallFromABuild(t *testing.T) {
	w := newWorld(t)
	build := filepath.Join(w.root, "checkout", "bin")
	if err := os.MkdirAll(build, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(w.guard)
	if err != nil {
		t.Fatal(err)
	}
	built := w.write(filepath.Join(build, "guard"), string(b), 0o755)
	shims := filepath.Join(w.root, "shims")
	r := execute(t, w.command(built, "install", "--dir", shims, "rm"))
	if r.code != 0 || !strings.Contains(r.stderr, "guard install: warning: the shims lead to "+built+", and no guard is on PATH: if that file is removed or moved") {
		t.Errorf("./bin/guard install rm, no guard on PATH: %s, want a warning that the shims dangle when it goes", r)
	}
	// Installed: the guard on PATH is this very file.
	w.setenv("PATH", build+":"+systemPath)
	r = execute(t, w.command(built, "install", "--dir", shims, "rm"))
	if r.code != 0 || strings.Contains(r.stderr, "warning") {
		t.Errorf("guard install rm with guard on PATH: %s, want no warning", r)
	}
}
