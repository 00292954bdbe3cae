package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFullAutoPlanCacheReadOnly: the plan cache (the protected paths and
// secrets full-auto found, sandbox.ProtectCached) lies in guard's policy
// cache directory, which a sandboxed program cannot write even when the
// home holding it is the project: a planted entry saying "no secrets here"
// would open the next run. Without the sandbox, the same program writes it.
func TestFullAutoPlanCacheReadOnly(t *testing.T) {
	w := newWorld(t)
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	plans := filepath.Join(w.home, ".cache", "guard", "policies", "plans")
	if err := os.MkdirAll(plans, 0o700); err != nil {
		t.Fatal(err)
	}
	// Names built at run time: the judge cannot see where it writes, the
	// sandbox must stop it.
	plant := `import os, sys
d = os.path.join(os.path.expanduser("~"), ".cache", "guard", "pol" + "icies", "pla" + "ns")
for name in ("00", "ff"):
    with open(os.path.join(d, name), "w") as f:
        f.write("guard-plan-1\n")
os.rename(d, d + ".old")
`
	for _, c := range []struct {
		name string
		cmd  *exec.Cmd
	}{
		{"full-auto", w.guardCmd("--mode", "full-auto", "--", python, "-c", plant)},
		{"plain", w.command(python, "-c", plant)},
	} {
		c.cmd.Dir = w.home
		r := execute(t, c.cmd)
		if strings.Contains(r.stderr, "not enforced") {
			t.Skipf("full-auto cannot run here: %s", r.stderr)
		}
		_, err00 := os.Stat(filepath.Join(plans, "00"))
		_, errDir := os.Stat(plans)
		if c.name == "plain" {
			if _, err := os.Stat(filepath.Join(plans+".old", "00")); err != nil || r.code != 0 {
				t.Fatalf("without the sandbox the plant did not work (the test proves nothing): %s", r)
			}
			continue
		}
		if err00 == nil || errDir != nil {
			t.Fatalf("full-auto wrote or moved the plan cache: %s", r)
		}
		if r.code == 0 {
			t.Fatalf("full-auto: the plant reported success: %s", r)
		}
	}
}
