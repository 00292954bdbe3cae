package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditFoldedProtected (edits-2): on a case-insensitive file system
// (macOS's default, exFAT, a casefolded ext4 directory) .GITHOOKS/pre-commit
// is .githooks/pre-commit. The protected paths found by resolving the list
// in the repository (core.hooksPath, the script core.fsmonitor runs, a
// git directory an edit's own writes complete) were compared with the
// written path letter for letter, so an Edit of .GITHOOKS/pre-commit was
// allowed in auto-edit; on an exFAT mount git commit then ran it (shown
// first with the real git there). Names are compared folded now, as the
// built-in list's are; and HFS+'s ignored code points are dropped, as git
// drops them for .git (.g\u200cit is .git there).
func TestEditFoldedProtected(t *testing.T) {
	proj, home, git := scratchRepo(t)
	git("config", "core.hooksPath", ".githooks")
	git("config", "core.fsmonitor", "bash tools/fsm.sh")
	os.MkdirAll(filepath.Join(proj, ".githooks"), 0o755)
	roots := []string{proj}

	for _, rel := range []string{
		".GITHOOKS/pre-commit", ".GitHooks/post-checkout", // core.hooksPath
		"TOOLS/FSM.SH", "tools/Fsm.sh", // what core.fsmonitor runs
		".g\u200cit/hooks/pre-commit", "\ufeff.git/config", // HFS+ drops these code points
	} {
		p := filepath.Join(proj, rel)
		for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
			if d := policy.DecideEdit([]string{p}, mode, roots, nil, home); d.Action != want {
				t.Errorf("%s: edit of %s: %s (%s); want %s", mode, rel, d.Action, d.Reason, want)
			}
		}
	}
	// One edit making a bare repository: head, OBJECTS and Refs are HEAD,
	// objects and refs where case is not told apart.
	bare := filepath.Join(proj, "vendor", "dep")
	var writes []string
	for _, rel := range []string{"head", "OBJECTS/.keep", "Refs/.keep", "config"} {
		writes = append(writes, filepath.Join(bare, rel))
	}
	if d := policy.DecideEdit(writes, policy.AutoEdit, roots, nil, home); d.Action != policy.Ask || !strings.Contains(d.Reason, "git directory") {
		t.Errorf("auto-edit: one edit writing %v: %s (%s); want ask (a git directory)", writes, d.Action, d.Reason)
	}
	// Names that only look alike are still the project's own.
	for _, rel := range []string{"src/Main.go", "docs/githooks.md", "tools/fsm.sh.bak", "gitx/config"} {
		if d := policy.DecideEdit([]string{filepath.Join(proj, rel)}, policy.AutoEdit, roots, nil, home); d.Action != policy.Run {
			t.Errorf("auto-edit: edit of %s: %s (%s); want run", rel, d.Action, d.Reason)
		}
	}
}

// scratchRepo makes a repository (git init) in a new directory, with a
// scratch home, and returns them with a function running git there.
func scratchRepo(t *testing.T) (proj, home string, git func(args ...string)) {
	t.Helper()
	proj, _ = filepath.EvalSymlinks(t.TempDir())
	home, _ = filepath.EvalSymlinks(t.TempDir())
	git = func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = proj, append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	return proj, home, git
}
