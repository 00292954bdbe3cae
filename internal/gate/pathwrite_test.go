package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestPathWrites: with an activated virtual environment's bin on PATH, a
// script that writes .venv/bin/ls and then runs ls ran the planted program
// as a write inside the project in auto-edit (confined for writes only: it
// printed ~/.aws/credentials). A write into a PATH directory, or of one,
// is unverified; other writes in the project stay matches.
func TestPathWrites(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	bin := filepath.Join(dir, ".venv", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	g := newGate(t, dir, Options{Mode: string(policy.AutoEdit)}, "PATH="+bin+":/usr/bin:/bin")
	if p := g.Getenv("PATH"); !strings.HasPrefix(p, bin) {
		t.Skipf("the gate's PATH is %q, not the one given", p)
	}
	for _, c := range []string{
		`printf '#!/bin/sh\necho planted\n' > .venv/bin/ls && chmod +x .venv/bin/ls && ls`,
		`cp /bin/true .venv/bin/grep`, `ln -s /bin/true .venv/bin/cat`, `mv .venv .old && mkdir -p .venv/bin`,
		`touch .venv/bin/git; git status`,
	} {
		v, d := g.Judge([]string{"bash", "-c", c})
		if v.Class != policy.Unverified || d.Action == policy.Run {
			t.Errorf("%s: %s, %s; want unverified and asked", c, v.Class, d.Action)
		}
	}
	for _, c := range []string{`echo x > notes.txt && ls`, `mkdir -p src && touch src/a.go`} {
		if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Match {
			t.Errorf("%s: %s (%s), want match", c, v.Class, v.Why())
		}
	}
	// What bash does: the script's own ls is the planted one.
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	cmd := exec.Command("bash", "-c", `printf '#!/bin/sh\necho planted\n' > .venv/bin/ls && chmod +x .venv/bin/ls && ls`)
	cmd.Dir, cmd.Env = dir, []string{"PATH=" + bin + ":/usr/bin:/bin"}
	if out, err := cmd.Output(); err != nil || string(out) != "planted\n" {
		t.Errorf("bash ran %q (%v), want the planted ls", out, err)
	}
}
