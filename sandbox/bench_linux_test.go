package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkConfine is the in-process cost of confining a thread to the default
// profile (mount namespace and capabilities as root, Landlock, seccomp), without
// the execve. Each iteration confines a fresh thread, whose creation is included.
func BenchmarkConfine(b *testing.B) {
	requireSandbox(b)
	roots := []string{b.TempDir()}
	for _, bb := range []struct {
		name string
		keep func(c *confinement)
	}{
		// The private terminals need the mount namespace: off with it.
		{"thread-only", func(c *confinement) {
			c.mounts, c.pts, c.caps, c.landlock, c.seccomp = false, false, false, false, false
		}},
		{"mounts", func(c *confinement) { c.caps, c.landlock, c.seccomp = false, false, false }},
		{"caps", func(c *confinement) { c.mounts, c.pts, c.landlock, c.seccomp = false, false, false, false }},
		{"landlock", func(c *confinement) { c.mounts, c.pts, c.caps, c.seccomp = false, false, false, false }},
		{"seccomp", func(c *confinement) { c.mounts, c.pts, c.caps, c.landlock = false, false, false, false }},
		{"all", func(c *confinement) {}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if err := confineOnce(Profile{WritableRoots: roots}, bb.keep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// confineOnce confines a throwaway thread to p, with keep's changes to the
// plan, and returns the error of a step. The error is returned, not
// reported from that thread: b.Fatal there would end the thread's goroutine
// and leave the benchmark waiting for it.
func confineOnce(p Profile, keep func(c *confinement)) (err error) {
	onThrowawayThread(func() {
		var c *confinement
		if c, err = newConfinement(p, io.Discard); err != nil {
			return
		}
		keep(c)
		err = c.apply(false)
		c.release()
	})
	return err
}

// BenchmarkExec times a whole process that execs /bin/true, plainly and confined:
// the difference is what Exec adds to every command. The helper is this test
// binary; a real guard binary adds its own start-up to both.
func BenchmarkExec(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, bb := range []struct {
		name  string
		plain bool
	}{{"plain", true}, {"confined", false}} {
		b.Run(bb.name, func(b *testing.B) {
			spec, _ := json.Marshal(helperSpec{Profile: Profile{WritableRoots: []string{dir}}, Path: "/bin/true", Argv: []string{"true"}, Plain: bb.plain})
			env := append(os.Environ(), envHelper+"="+string(spec))
			for b.Loop() {
				cmd := exec.Command(exe)
				cmd.Env = env
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
	}
}

// BenchmarkConfineRoots is BenchmarkConfine with many sibling writable roots
// outside one another (each its own mount copy as root, its own Landlock rule):
// the curve that issue 13's cliff was on.
func BenchmarkConfineRoots(b *testing.B) {
	requireSandbox(b)
	base := b.TempDir()
	for _, n := range []int{1, 10, 100, 300} {
		roots := make([]string, n)
		for i := range roots {
			roots[i] = filepath.Join(base, fmt.Sprintf("n%d-r%d", n, i))
			if err := os.Mkdir(roots[i], 0o755); err != nil {
				b.Fatal(err)
			}
		}
		for _, part := range []struct {
			name string
			keep func(c *confinement)
		}{
			{"mounts", func(c *confinement) { c.caps, c.landlock, c.seccomp = false, false, false }},
			{"landlock", func(c *confinement) { c.mounts, c.pts, c.caps, c.seccomp = false, false, false, false }},
			{"all", func(c *confinement) {}},
		} {
			b.Run(fmt.Sprintf("%d/%s", n, part.name), func(b *testing.B) {
				for b.Loop() {
					if err := confineOnce(Profile{WritableRoots: roots}, part.keep); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
