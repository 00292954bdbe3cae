package rules

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy/protect"
)

// TestProjectRootPlaceholder: the sandbox's placeholder .git at the top of
// /tmp (a link to protect.Placeholder) makes no project of /tmp: a rule
// remembered in /tmp/x stays /tmp/x's, as before the placeholders.
func TestProjectRootPlaceholder(t *testing.T) {
	tmp := t.TempDir()
	if err := os.Symlink(protect.Placeholder, filepath.Join(tmp, ".git")); err != nil {
		t.Fatal(err)
	}
	x := filepath.Join(tmp, "x")
	os.Mkdir(x, 0o755)
	if got := ProjectRoot(x); got != x {
		t.Errorf("ProjectRoot(%s) = %s, want %s", x, got, x)
	}
	os.Mkdir(filepath.Join(x, ".git"), 0o755)
	if got := ProjectRoot(filepath.Join(x)); got != x {
		t.Errorf("a real repository: ProjectRoot = %s, want %s", got, x)
	}
}
