package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"guard/policy/protect"
)

// TestAgentCheckoutWritable: Claude Code's worktrees (`claude --worktree
// NAME`, a subagent's `isolation: worktree`) are checkouts of the project's
// repository in PROJECT/.claude/worktrees/NAME, inside the protected
// .claude. The sandbox dropped a root there and kept the whole .claude
// read-only, so no command could write a checkout's sources. The checkout
// the repository lists is writable now, with the project or the checkout
// as the root, as root and as an ordinary user, full-auto and files-only;
// its own .claude, .envrc and .git file stay read-only, and so does the
// rest of the project's .claude (its settings.json, a new file there, a new
// checkout beside).
func TestAgentCheckoutWritable(t *testing.T) {
	requireSandbox(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		proj := f.root
		wt := filepath.Join(proj, ".claude", "worktrees", "feat")
		gitIn(t, proj, "init", "-q")
		writeWorld(filepath.Join(proj, ".claude", "settings.json"), "{}\n")
		writeWorld(filepath.Join(proj, ".envrc"), "# envrc\n")
		writeWorld(filepath.Join(proj, "README"), "readme\n")
		gitIn(t, proj, "add", "-A")
		gitIn(t, proj, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
		gitIn(t, proj, "worktree", "add", "-q", wt, "-b", "feat")
		// More directories than the scan lists (protect.ScanDirs) before it
		// would reach the checkout.
		for i := range 40 {
			os.MkdirAll(filepath.Join(proj, "pkg", fmt.Sprint(i), "src"), 0o755)
			os.MkdirAll(filepath.Join(proj, fmt.Sprintf("a%02d", i)), 0o755)
		}
		chownFixture(t, f, cred)
		script := `echo made > x.txt; echo more >> README; mkdir -p src && echo go > src/main.go
echo PLANT >> .claude/settings.json; echo PLANT >> .envrc; echo PLANT >> .git
echo PLANT >> ../../settings.json; echo PLANT > ../../agents.md; mkdir ../other; true`
		for _, tc := range []struct {
			name      string
			roots     []string
			filesOnly bool
		}{
			{"the project as the root", []string{proj}, false},
			{"the checkout as the root", []string{wt}, false},
			{"files-only, the project as the root", []string{proj}, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := Profile{WritableRoots: tc.roots, FilesOnly: tc.filesOnly}
				Protect(&p, protect.Default(), filepath.Join(base, "home"))
				o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: wt, exe: exe, cred: cred}.run(t)
				if readString(filepath.Join(wt, "x.txt")) != "made\n" || readString(filepath.Join(wt, "README")) != "readme\nmore\n" ||
					!exists(filepath.Join(wt, "src", "main.go")) {
					t.Errorf("the checkout's files were not written (%s)\n%s", o.msg, o.stderr)
				}
				for file, want := range map[string]string{
					".claude/settings.json": "{}\n", ".envrc": "# envrc\n", ".git": "gitdir: " + filepath.Join(proj, ".git", "worktrees", "feat") + "\n",
				} {
					if got := readString(filepath.Join(wt, file)); got != want {
						t.Errorf("the checkout's own %s written: %q", file, got)
					}
				}
				if got := readString(filepath.Join(proj, ".claude", "settings.json")); got != "{}\n" {
					t.Errorf("the project's .claude/settings.json written: %q", got)
				}
				if exists(filepath.Join(proj, ".claude", "agents.md")) || exists(filepath.Join(proj, ".claude", "worktrees", "other")) {
					t.Errorf("a file made in the project's .claude")
				}
				os.Remove(filepath.Join(wt, "x.txt"))
				os.RemoveAll(filepath.Join(wt, "src"))
				writeWorld(filepath.Join(wt, "README"), "readme\n")
			})
		}
	})
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestMiseLoadsReadOnly (edits-4 E2): what a mise config has mise run or
// load at the next prompt ([env]'s _.source and _.file, [hooks] scripts) is
// read-only to a sandboxed command, as the config is, and one missing at
// start is moved aside once made; the config's tasks stay the project's to
// write.
func TestMiseLoadsReadOnly(t *testing.T) {
	requireSandbox(t)
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		writeWorld(filepath.Join(f.root, "mise.toml"), "[env]\n_.source = \"./scripts/env.sh\"\n_.file = \".env.mise\"\n"+
			"[hooks]\nenter = \"bash ./scripts/enter.sh\"\n[tasks.build]\nrun = \"./scripts/build.sh\"\n")
		for _, rel := range []string{"scripts/env.sh", "scripts/build.sh", ".env.mise"} {
			writeWorld(filepath.Join(f.root, rel), "# x\n")
		}
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{f.root}}
		Protect(&p, protect.Default(), filepath.Join(base, "home"))
		script := `echo PLANT >> scripts/env.sh; echo PLANT >> .env.mise; echo PLANT >> scripts/build.sh; true`
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred}.run(t)
		for _, rel := range []string{"scripts/env.sh", ".env.mise"} {
			if got := readString(filepath.Join(f.root, rel)); got != "# x\n" {
				t.Errorf("%s written: %q (%s)\n%s", rel, got, o.msg, o.stderr)
			}
		}
		if got := readString(filepath.Join(f.root, "scripts/build.sh")); got != "# x\nPLANT\n" {
			t.Errorf("a task's script not written: %q", got)
		}
		if !slices.Contains(p.MissingProtected, filepath.Join(f.root, "scripts", "enter.sh")) {
			t.Errorf("the missing enter hook is not watched: %v", p.MissingProtected)
		}
	})
}
