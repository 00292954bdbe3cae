package main

import (
	"os"
	"os/exec"
	"strconv"
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

// TestNoWorkAtInit: guard's own packages do no work when the program
// starts, before it knows what it was asked (issue: one binary, fast on
// every path). A regexp compiled into a package variable, a table built by
// a function call or a file read at init is paid by every hook call and
// every shim, whether it is used or not; build it on first use instead
// (sync.OnceValue). Read from the runtime's own init trace: each guard
// package's initialisation may allocate a few small maps and errors, no
// more (a single regexp is some 10 KB and 80 allocations).
func TestNoWorkAtInit(t *testing.T) {
	bin := guardBinary(t)
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("guard --version: %v\n%s", err, stderr.String())
	}
	const maxBytes, maxAllocs = 8 << 10, 80
	seen := 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		// init guard/internal/hook @1.9 ms, 0.098 ms clock, 32952 bytes, 251 allocs
		f := strings.Fields(line)
		if len(f) != 11 || f[0] != "init" || f[8] != "bytes," || f[10] != "allocs" {
			continue
		}
		if f[1] != "main" && !strings.HasPrefix(f[1], "guard/") {
			continue
		}
		seen++
		bytes, err1 := strconv.Atoi(f[7])
		allocs, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			t.Fatalf("unreadable init trace line %q", line)
		}
		if bytes > maxBytes || allocs > maxAllocs {
			t.Errorf("package %s allocates %d bytes in %d allocations when guard starts (at most %d bytes, %d allocations): build what it needs on first use", f[1], bytes, allocs, maxBytes, maxAllocs)
		}
	}
	if seen < 5 {
		t.Fatalf("the init trace named %d of guard's packages; GODEBUG=inittrace=1 output changed?\n%s", seen, stderr.String())
	}
}
