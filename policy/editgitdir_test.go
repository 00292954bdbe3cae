package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditEmbeddedGitDir (edits-1 E1): git takes a directory holding HEAD,
// objects and refs for a repository, config or not, and runs what a config
// written there later names. An agent's file tool writes unsandboxed, and
// protect.List.Resolve knew a bare repository only by its config: an Edit
// of bare/config beside bare/HEAD, objects and refs, and one apply_patch
// adding all four, were allowed in auto-edit; `git fetch` there then ran
// core.sshCommand (shown first with the real git).
func TestEditEmbeddedGitDir(t *testing.T) {
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	home, _ := filepath.EvalSymlinks(t.TempDir())
	in := func(p string) string { return filepath.Join(proj, p) }
	mkBare := func(dir string, common bool) {
		os.MkdirAll(in(dir), 0o755)
		os.WriteFile(in(dir+"/HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
		if common {
			os.WriteFile(in(dir+"/commondir"), []byte("../real\n"), 0o644)
			return
		}
		os.MkdirAll(in(dir+"/objects"), 0o755)
		os.MkdirAll(in(dir+"/refs"), 0o755)
	}
	mkBare("bare", false)
	mkBare("deep/b", false)
	os.MkdirAll(in("real/objects"), 0o755)
	os.MkdirAll(in("real/refs"), 0o755)
	os.WriteFile(in("real/HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
	mkBare("wt", true)
	// Half a repository: objects and refs only; config beside them.
	os.MkdirAll(in("half/objects"), 0o755)
	os.MkdirAll(in("half/refs"), 0o755)
	os.WriteFile(in("half/config"), []byte("[core]\n"), 0o644)

	// The premise, with the real git: the config written after HEAD,
	// objects and refs is the repository's, and git fetch runs its
	// core.sshCommand.
	premise, _ := filepath.EvalSymlinks(t.TempDir())
	os.MkdirAll(filepath.Join(premise, "objects"), 0o755)
	os.MkdirAll(filepath.Join(premise, "refs"), 0o755)
	os.WriteFile(filepath.Join(premise, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
	marker := filepath.Join(home, "ssh-ran")
	os.WriteFile(filepath.Join(premise, "config"), []byte("[core]\n\tsshCommand = touch "+marker+"; false\n[remote \"origin\"]\n\turl = ssh://example.invalid/x\n"), 0o644)
	cmd := exec.Command("git", "fetch", "-q", "origin")
	cmd.Dir, cmd.Env = premise, append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1")
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("premise: git fetch in a directory of HEAD, objects, refs and config did not run core.sshCommand: %v", err)
	}

	roots := []string{proj}
	asked := [][]string{
		{"bare/config"},
		{"bare/hooks/pre-push"},
		{"bare/HEAD"},
		{"deep/b/config"},
		{"wt/config.worktree"},
		{"half/HEAD"}, // completes it; the config is there
		{"new/HEAD", "new/objects/.keep", "new/refs/.keep", "new/config"}, // one patch making all four
		{"half2/HEAD", "half2/objects/x", "half2/refs/x"},
	}
	for _, paths := range asked {
		var abs []string
		for _, p := range paths {
			abs = append(abs, in(p))
		}
		for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
			d := policy.DecideEdit(abs, mode, roots, nil, home)
			if d.Action != want || !strings.Contains(d.Reason, "git directory") {
				t.Errorf("%s: edit of %v: %s (%s); want %s", mode, paths, d.Action, d.Reason, want)
			}
		}
	}
	for _, paths := range [][]string{
		{"src/main.go"},
		{"half/objects.txt"},
		{"bare2/HEAD"},                      // a file named HEAD alone
		{"x/objects/a", "x/refs/b"},         // no HEAD
		{"docs/HEAD", "docs/objects/a.png"}, // no refs
	} {
		var abs []string
		for _, p := range paths {
			abs = append(abs, in(p))
		}
		if d := policy.DecideEdit(abs, policy.AutoEdit, roots, nil, home); d.Action != policy.Run {
			t.Errorf("auto-edit: edit of %v: %s (%s); want run", paths, d.Action, d.Reason)
		}
	}
}
