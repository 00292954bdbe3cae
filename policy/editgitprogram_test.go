package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditGitProgramWords (edits-1 E3): git runs a command value of its
// config (core.fsmonitor, core.pager, a textconv, a ! alias) with sh -c at
// the work tree's top, so `bash fsm.sh` runs the file fsm.sh there, and
// `tools/pager.sh` the file of that path once it is executable. The list
// took only ./ paths and existing files with a slash: an agent's edit
// writing fsm.sh (missing, or there already) was allowed in auto-edit, and
// the next git status ran it (shown first with the real git).
func TestEditGitProgramWords(t *testing.T) {
	proj, home, git := scratchRepo(t)
	git("config", "core.fsmonitor", "bash fsm.sh")
	git("config", "core.pager", "tools/pager.sh")
	git("config", "diff.x.textconv", "python3 -B conv.py --strict")
	git("config", "alias.lg", "!sh tools/lg.sh")
	git("config", "alias.mk", "!make -C build test")
	os.WriteFile(filepath.Join(proj, "conv.py"), []byte("print()\n"), 0o644)
	os.MkdirAll(filepath.Join(proj, "build"), 0o755)
	os.WriteFile(filepath.Join(proj, "test"), []byte("a file named like an argument\n"), 0o644)

	marker := filepath.Join(home, "fsmonitor-ran")
	os.WriteFile(filepath.Join(proj, "fsm.sh"), []byte("touch "+marker+"\n"), 0o644)
	cmd := exec.Command("git", "status")
	cmd.Dir, cmd.Env = proj, append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1")
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("premise: git status did not run core.fsmonitor = bash fsm.sh: %v", err)
	}

	roots := []string{proj}
	for _, name := range []string{"fsm.sh", "tools/pager.sh", "conv.py", "tools/lg.sh", "test"} {
		p := filepath.Join(proj, name)
		for _, missing := range []bool{false, true} {
			if missing {
				os.Remove(p)
			}
			for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
				d := policy.DecideEdit([]string{p}, mode, roots, nil, home)
				if d.Action != want || !strings.Contains(d.Reason, "git runs it") {
					t.Errorf("%s: edit of %s (missing: %v): %s (%s); want %s", mode, name, missing, d.Action, d.Reason, want)
				}
			}
			if name == "test" {
				break // an argument's word counts only as an existing file
			}
		}
	}
	for _, name := range []string{"src/main.go", "build/out.txt", "make", "strict", "lg.sh", "x.py"} {
		if d := policy.DecideEdit([]string{filepath.Join(proj, name)}, policy.AutoEdit, roots, nil, home); d.Action != policy.Run {
			t.Errorf("auto-edit: edit of %s: %s (%s); want run", name, d.Action, d.Reason)
		}
	}
}
