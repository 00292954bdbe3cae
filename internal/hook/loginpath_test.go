package hook_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestLoginPaths: the PATH a login bash makes from the user's start-up
// files (what Codex runs a command with), not the one it was started with;
// cached in the directory given, and read again when a start-up file
// changes.
func TestLoginPaths(t *testing.T) {
	if _, err := os.Stat("/bin/bash"); err != nil {
		t.Skip("no /bin/bash")
	}
	home, dir, cache := t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(home, ".bash_profile"), "echo noise from the profile\nexport PATH=\"./node_modules/.bin:$PATH\"\n")
	env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "ZDOTDIR=" + home}
	bash := func() string {
		for _, lp := range hook.LoginPaths(env, dir, cache) {
			if lp.Shell == "/bin/bash -lc" {
				return lp.PATH
			}
		}
		return ""
	}
	got := bash()
	if !strings.HasPrefix(got, "./node_modules/.bin:") {
		t.Fatalf("login bash PATH = %q, want ./node_modules/.bin first", got)
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "login-path"))
	if len(entries) == 0 {
		t.Errorf("nothing cached in %s", cache)
	}
	if again := bash(); again != got {
		t.Errorf("from the cache: %q, want %q", again, got)
	}
	writeFile(t, filepath.Join(home, ".bash_profile"), "export PATH=\"/opt/x/bin:$PATH\"\n")
	if changed := bash(); !strings.HasPrefix(changed, "/opt/x/bin:") {
		t.Errorf("after the profile changed: %q, want /opt/x/bin first", changed)
	}
}
