package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoCgo: guard links no package that needs the C library. One that
// does (os/user, which archive/tar imports, or net) makes the go tool link
// guard dynamically against libc whenever a C compiler is present, and the
// dynamic loader then costs every run of guard about 0.3 ms and 2 MB of
// memory (measured: suggest pwd 1.66x -> 1.40x the floor, 8.3 -> 6.6 MB).
func TestNoCgo(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to list guard's packages")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		switch p {
		case "runtime/cgo", "os/user", "net", "plugin":
			t.Errorf("guard's dependencies include %s, which links the C library when cgo is on (find the importer: go list -deps -f '{{.ImportPath}} {{.Imports}}' .)", p)
		}
	}
}
