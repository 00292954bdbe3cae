package hook

import (
	"os"
	"path/filepath"
	"testing"
)

// A login-path cache entry is used only when it is guard's own: in a cache
// directory others can write, another user's entry would set the PATH the
// hook judges a command's programs by.
func TestLoginPathEntryMine(t *testing.T) {
	e := filepath.Join(t.TempDir(), "entry")
	write := func(mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(e, []byte("/evil/bin:/usr/bin"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(e, mode); err != nil {
			t.Fatal(err)
		}
	}
	write(0o600)
	if b, ok := readOwnEntry(e); !ok || string(b) != "/evil/bin:/usr/bin" {
		t.Fatalf("guard's own entry: %q %v", b, ok)
	}
	link := e + ".link"
	if err := os.Symlink(e, link); err != nil {
		t.Fatal(err)
	}
	if _, ok := readOwnEntry(link); ok {
		t.Error("a symbolic link at the entry's name was followed")
	}
	write(0o666)
	if _, ok := readOwnEntry(e); ok {
		t.Error("an entry others may write was used")
	}
	write(0o600)
	if err := os.Chown(e, 65534, -1); err != nil {
		t.Skipf("cannot give the entry to another user here: %v", err)
	}
	if _, ok := readOwnEntry(e); ok {
		t.Error("another user's entry was used")
	}
}
