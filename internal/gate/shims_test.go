package gate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestVersionShims: a program found as a version manager's shim runs the
// binary a version file chooses, and a version file in the project is the
// project's say (mise and asdf take `path:DIR`). Red-team: with mise's
// shim for node on PATH and `nodejs path:/tmp/x` in the project's
// .tool-versions, `node -v` was safe and ran /tmp/x/bin/node.
func TestVersionShims(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	proj := filepath.Join(dir, "proj")
	if err := os.MkdirAll(filepath.Join(proj, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	g := newGate(t, proj, Options{})
	for _, bin := range []string{"/home/u/.asdf/shims/node", "/home/u/.local/share/mise/shims/python3",
		"/home/u/.pyenv/shims/pip", "/home/u/.rbenv/shims/ruby", "/home/u/.volta/bin/node"} {
		if g.shimmed("x", bin, []string{proj}) != "" {
			t.Errorf("%s with no version file: asked", bin)
		}
		for _, f := range []string{".tool-versions", "mise.toml", ".python-version", ".node-version", "src/.ruby-version"} {
			p := filepath.Join(proj, f)
			if err := os.WriteFile(p, []byte("x path:/tmp/x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			at := proj
			if strings.HasPrefix(f, "src/") {
				at = filepath.Join(proj, "src")
			}
			if why := g.shimmed("x", bin, []string{at}); !strings.Contains(why, p) {
				t.Errorf("%s with %s: %q, want it named", bin, f, why)
			}
			os.Remove(p)
		}
	}
	// A plain release is the manager's to install: no objection.
	for f, body := range map[string]string{".tool-versions": "nodejs 20.11.0 # lts\npython 3.12.1\n", ".python-version": "3.12.1\n",
		".nvmrc": "lts/iron\n", "package.json": `{"volta":{"node":"20.11.0"}}`} {
		p := filepath.Join(proj, f)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if why := g.shimmed("node", "/home/u/.asdf/shims/node", []string{proj}); why != "" {
			t.Errorf("%s %q: %q, want no objection", f, body, why)
		}
		os.Remove(p)
	}
	if err := os.WriteFile(filepath.Join(proj, ".python-version"), []byte("../../../tmp/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if why := g.shimmed("python", "/home/u/.pyenv/shims/python", []string{proj}); why == "" {
		t.Errorf(".python-version naming ../../../tmp/x: no objection, want one")
	}
	os.Remove(filepath.Join(proj, ".python-version"))
	if err := os.WriteFile(filepath.Join(proj, ".tool-versions"), []byte("nodejs path:/tmp/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if why := g.shimmed("node", "/usr/bin/node", []string{proj}); why != "" {
		t.Errorf("a system node: %q, want no objection", why)
	}
	// Through the judge: a shim outside every writable root (/tmp is one).
	shims, err := os.MkdirTemp("/var/tmp", "guard-shims-")
	if err != nil {
		t.Skipf("no directory outside the writable roots: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shims) })
	shims = filepath.Join(shims, ".asdf", "shims")
	if err := os.MkdirAll(shims, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shims, "node"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	g = newGate(t, proj, Options{RunsElsewhere: true}, "PATH="+shims+":/usr/bin:/bin")
	for _, c := range []string{"node -v", "cd src && node --version", "node --version | head -1"} {
		if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Unverified {
			t.Errorf("%s with a shim and .tool-versions: %s, want unverified", c, v.Class)
		}
	}
	os.Remove(filepath.Join(proj, ".tool-versions"))
	g = newGate(t, proj, Options{RunsElsewhere: true}, "PATH="+shims+":/usr/bin:/bin")
	if v, _ := g.Judge([]string{"bash", "-c", "node -v"}); v.Class != policy.Safe {
		t.Errorf("node -v with a shim and no version file: %s (%s), want safe", v.Class, v.Why())
	}
}
