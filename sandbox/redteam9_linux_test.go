package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// Ninth red-team pass (docs/redteam/sandbox-9.md).

func init() {
	// reopen-append: chmod a[0] open again (0755), then append to a[1]: an
	// ordinary user's directory made unsearchable by an earlier command.
	attacks["reopen-append"] = func(a []string) error {
		if err := unix.Chmod(a[0], 0o755); err != nil {
			return err
		}
		return writeTo(a[1], unix.O_WRONLY|unix.O_APPEND)
	}
}

// gitInit makes dir a repository as cred's user (nil: the test's).
func gitInit(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("git", "init", "-q", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
}

// TestAttackUnsearchableGitDir: an ordinary user's command made the
// repository's .git unsearchable (chmod 000, which Landlock does not check);
// the next command's plan, made as that user, could not look below it, so
// .git/config and .git/hooks were left off it: that command opened .git again
// and wrote core.fsmonitor into the config, which git runs later outside.
// Now the directory that blocks the look is hidden whole (read-only), and
// where user namespaces are forbidden strict full-auto refuses (protected
// paths in the roots), as it does with .git open.
func TestAttackUnsearchableGitDir(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	for _, tc := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
	}{
		{"root", nil, false},
		{"nobody, child", nobody, false},
		{"nobody, user namespaces forbidden", nobody, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != nil && !tc.forbidden {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			if tc.cred != nil {
				exe = shareWith(t, base, tc.cred)
			}
			setup := func() (*fixture, []string) {
				f := newFixture(t, base)
				gitInit(t, f.root)
				chownFixture(t, f, tc.cred)
				dotgit := filepath.Join(f.root, ".git")
				if err := os.Chmod(dotgit, 0); err != nil {
					t.Fatal(err)
				}
				return f, []string{dotgit, filepath.Join(dotgit, "config")}
			}
			planted := func(f *fixture) bool {
				b, _ := os.ReadFile(filepath.Join(f.root, ".git", "config"))
				return strings.Contains(string(b), "pwned")
			}
			// Unconfined: the owner reopens it and writes the config.
			f, args := setup()
			o := child{attack: &attackSpec{Name: "reopen-append", Args: args}, dir: f.root, exe: exe, cred: tc.cred}.run(t)
			if !o.ok || !planted(f) {
				t.Fatalf("without the sandbox the attack must work: %s", o)
			}
			// Confined, the plan made as the program's user.
			f, args = setup()
			home := filepath.Join(base, "home")
			p := Profile{WritableRoots: []string{f.root}}
			c := child{attack: &attackSpec{Name: "reopen-append", Args: args}, dir: f.root, profile: &p, exe: exe,
				cred: tc.cred, protectHome: &home, noUserNS: tc.forbidden}
			if tc.forbidden {
				// Strict refuses (ErrNotEnforced), as with .git searchable.
				self := exe
				if self == "" {
					self, _ = os.Executable()
				}
				spec := helperSpec{Profile: p, Path: self, Argv: []string{self}, ProtectHome: &home, NoUserNS: true}
				cmd := exec.Command(self)
				cmd.Dir = f.root
				cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(spec),
					envAttack+"="+mustJSON(attackSpec{Name: "reopen-append", Args: args}))
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: tc.cred}
				out, _ := cmd.CombinedOutput()
				if planted(f) || !strings.Contains(string(out), notEnforcedMarker) {
					t.Fatalf("user namespaces forbidden: want a refusal and the config unchanged, got:\n%s", out)
				}
				return
			}
			o = c.run(t)
			if o.ok || planted(f) {
				t.Fatalf("inside: the unsearchable .git was opened and its config written (%s)", o)
			}
			if o.errno != unix.EROFS && o.errno != unix.EACCES && o.errno != unix.EPERM {
				t.Errorf("inside: %s, want EROFS, EACCES or EPERM", o)
			}
		})
	}
}
