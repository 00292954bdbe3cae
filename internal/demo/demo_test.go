package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestDemoLeavesUserStateAlone: make demo's commands, run for real in each
// mode, write nothing under the user's home: before, each run appended its
// decision to the user's audit log (~/.local/state/guard/audit.jsonl) and
// full-auto made ~/.local/share/guard/shims and ~/.cache/guard.
func TestDemoLeavesUserStateAlone(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("builds guard and runs it (Linux)")
	}
	bin := filepath.Join(t.TempDir(), "guard")
	if out, err := exec.Command("go", "build", "-o", bin, "guard/cmd/guard").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	userHome := t.TempDir()
	t.Setenv("HOME", userHome)
	for _, v := range []string{"XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"} {
		t.Setenv(v, "")
	}
	project, home := t.TempDir(), t.TempDir()
	env := setup(project, home)
	for _, mode := range modes {
		live(bin, env, project, mode, "ls && touch made.txt")
	}
	hookRoundTrip(bin, env, project)
	entries, err := os.ReadDir(userHome)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the demo wrote %s in the user's home", filepath.Join(userHome, e.Name()))
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "state", "guard", "audit.jsonl")); err != nil {
		t.Errorf("the demo's own audit log: %v", err)
	}
}
