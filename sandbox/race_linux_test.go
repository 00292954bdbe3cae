package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy/protect"
)

// TestMountRace: between guard's look at the tree (newConfinement) and its
// mounts (apply), a program running beside it (a parallel command, or one a
// command left behind) moves the directory that holds a secret away and puts
// a link to a decoy, or a new directory, in its place. The mounts went by
// path: /dev/null covered the decoy, and the secret, moved, was read. Now
// the mount refuses a path that no longer leads to the file seen, and the
// confinement fails (closed).
func TestMountRace(t *testing.T) {
	requireRoot(t, "the mounts of the calling thread need root (an ordinary user's are made by a child, where the swap cannot be timed)")
	requireSandbox(t)
	for _, swap := range []struct {
		name string
		do   func(root string) error
	}{
		{"a link to a decoy", func(root string) error { return os.Symlink("decoy", filepath.Join(root, "config")) }},
		{"a new directory", func(root string) error {
			if err := os.Mkdir(filepath.Join(root, "config"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, "config", ".env"), []byte("decoy\n"), 0o644)
		}},
	} {
		t.Run(swap.name, func(t *testing.T) {
			root := t.TempDir()
			writeWorld(filepath.Join(root, "config", ".env"), "API_KEY=sk-race\n")
			writeWorld(filepath.Join(root, "decoy", ".env"), "decoy\n")
			p := Profile{WritableRoots: []string{root}}
			Protect(&p, protect.Default(), "")
			var applyErr, readErr error
			var read []byte
			onThrowawayThread(func() {
				c, err := newConfinement(p, io.Discard)
				if err != nil {
					applyErr = err
					return
				}
				defer c.release()
				if err := os.Rename(filepath.Join(root, "config"), filepath.Join(root, "moved")); err != nil {
					applyErr = err
					return
				}
				if err := swap.do(root); err != nil {
					applyErr = err
					return
				}
				if applyErr = c.apply(false); applyErr == nil {
					read, readErr = os.ReadFile(filepath.Join(root, "moved", ".env"))
				}
			})
			if applyErr == nil && readErr == nil && strings.Contains(string(read), "sk-race") {
				t.Fatalf("the secret, moved between guard's look and its mounts, was read: %q", read)
			}
			t.Logf("apply: %v; read: %v", applyErr, readErr)
		})
	}
}
