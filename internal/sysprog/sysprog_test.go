package sysprog

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIs(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	if !Is("/bin/sh") {
		t.Error(`Is("/bin/sh") = false`)
	}
	if p, ok := Find("sh"); !ok || !Is(p) {
		t.Errorf(`Find("sh") = %q, %v`, p, ok)
	}
	dir := t.TempDir()
	own := filepath.Join(dir, "sh")
	if err := os.Symlink("/bin/sh", own); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{own, "sh", "./sh", "/bin/../bin/sh", "/usr/bin/", "/bin/nosuch", ""} {
		if Is(p) {
			t.Errorf("Is(%q) = true", p)
		}
	}
	for _, n := range []string{"", "../sh", "bin/sh", "nosuch-program-x"} {
		if p, ok := Find(n); ok {
			t.Errorf("Find(%q) = %q", n, p)
		}
	}
}
