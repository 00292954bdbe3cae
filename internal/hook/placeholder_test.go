package hook

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy/protect"
)

// TestGitRootPlaceholder: the sandbox's placeholder .git at the top of /tmp
// is no repository root (Claude Code's and Codex's settings are not looked
// for there).
func TestGitRootPlaceholder(t *testing.T) {
	tmp := t.TempDir()
	if err := os.Symlink(protect.Placeholder, filepath.Join(tmp, ".git")); err != nil {
		t.Fatal(err)
	}
	x := filepath.Join(tmp, "x")
	os.Mkdir(x, 0o755)
	if got := gitRoot(x); got == tmp {
		t.Errorf("gitRoot(%s) = %s: the placeholder taken for a repository", x, got)
	}
}
