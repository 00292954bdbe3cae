package gate

import (
	"guard/internal/safefile"
	"path/filepath"
	"strings"

	"guard/policy"
	"guard/shim"
)

// goCompilerVars are the programs the go command runs by the name a
// variable gives, from the environment or the user's go env file (`go env
// -w CC=...`): `go env`, `go env GOGCCFLAGS` and `go list -json` of a cgo
// package run $CC (and $CXX, $PKG_CONFIG) to learn their flags. judge-10
// Q4 looked up the default names (gcc, pkg-config) through PATH; a CC that
// names a program in the project (CC=./tools/cc, CC=/p/bin/zcc) ran it
// (judge-11 R5).
var goCompilerVars = []string{"CC", "CXX", "PKG_CONFIG"}

// goCompilerReach says why a compiler or helper the go command would run
// for cgo lies in a writable root or is found from the directory it runs
// in, or "". The value's first word is the program (go splits the rest off
// as arguments). Looked up from each directory in dirs, as go would.
func (g *Gate) goCompilerReach(dirs []string) string {
	_, self, _ := shim.Self()
	for _, name := range goCompilerVars {
		val, from := g.Getenv(name), "the environment"
		if val == "" {
			val, from = g.goEnvFileValue(name)
		}
		words := strings.Fields(strings.Trim(val, `"'`))
		if len(words) == 0 {
			continue
		}
		prog := words[0]
		if strings.Contains(prog, "/") && !filepath.IsAbs(prog) {
			return "go runs " + name + "=" + val + " (set in " + from + ") for cgo, a path taken from the directory it runs in"
		}
		if filepath.IsAbs(prog) {
			real := policy.Resolve(prog, "/")
			for _, rr := range g.resolvedRoots() {
				if policy.Inside(real, rr) {
					return "go runs " + name + "=" + val + " (set in " + from + ") for cgo, inside the writable root " + rr + ": a program written there runs"
				}
			}
		}
		for _, dir := range append([]string{g.Cwd}, dirs...) {
			bin, real := g.lookupIn(prog, self, dir)
			if bin == "" {
				continue
			}
			if why := g.plantedAt(prog, bin, real, nil); why != "" {
				return "go runs " + name + "=" + val + " (set in " + from + ") for cgo, and " + why
			}
			if !g.relativeLookup(prog) {
				break
			}
		}
	}
	return ""
}

// goEnvFileValue returns name's value in the user's go env file ($GOENV,
// else go/env in the user configuration directory) and where it was read.
func (g *Gate) goEnvFileValue(name string) (string, string) {
	file := g.Getenv("GOENV")
	switch {
	case file == "off":
		return "", ""
	case file == "":
		dir := g.Getenv("XDG_CONFIG_HOME")
		if !filepath.IsAbs(dir) {
			h := g.Getenv("HOME")
			if h == "" {
				return "", ""
			}
			dir = filepath.Join(h, ".config")
		}
		file = filepath.Join(dir, "go", "env")
	}
	b, err := safefile.Read(file, 1<<20) // not waiting on a FIFO
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), file
		}
	}
	return "", ""
}
