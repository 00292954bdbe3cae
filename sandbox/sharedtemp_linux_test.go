package sandbox

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The temporary directories every process shares (Profile.SharedRoots): a
// program outside the sandbox writes there after the command, unconfined
// (Claude Code's command wrapper runs `pwd -P >| $TMPDIR/claude-XXXX-cwd`
// once the command is done, Gemini CLI's writes gemini-shell-*/bgpids.tmp).
// A link planted at such a name sent that write to any file of the user's;
// a FIFO there would block it. Inside the sandbox no link or FIFO can be
// made in a shared root; everything else stays as in any root.

func init() {
	attacks["symlink"] = func(a []string) error { return unix.Symlink(a[0], a[1]) }
	attacks["mkfifo"] = func(a []string) error { return unix.Mkfifo(a[0], 0o600) }
	// A link made in the root, then moved into the shared directory.
	attacks["symlink-move"] = func(a []string) error {
		if err := unix.Symlink(a[0], a[1]); err != nil {
			return err
		}
		return unix.Rename(a[1], a[2])
	}
}

// sharedDir is the shared root of the fixture: a directory beside the
// writable root, made writable for every user, as /tmp is.
func sharedDir(t *testing.T, f *fixture) string {
	t.Helper()
	d := filepath.Join(filepath.Dir(f.root), "shared")
	if err := os.MkdirAll(d, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o1777); err != nil {
		t.Fatal(err)
	}
	return d
}

// withShared adds the fixture's shared directory (beside its root, the
// first writable root) as a shared root.
func withShared(p *Profile) {
	d := filepath.Join(filepath.Dir(p.WritableRoots[0]), "shared")
	p.WritableRoots = append(p.WritableRoots, d)
	p.SharedRoots = append(p.SharedRoots, d)
}

func sharedTempCases() []attackCase {
	var cases []attackCase
	for _, files := range []bool{false, true} {
		prefix := ""
		if files {
			prefix = "auto-edit's profile: "
		}
		prof := func(p *Profile) {
			withShared(p)
			p.FilesOnly = files
		}
		cases = append(cases,
			attackCase{name: prefix + "a link in the shared directory to a file outside", attack: "symlink", profile: prof,
				args: func(t *testing.T, f *fixture) []string {
					return []string{f.file, filepath.Join(sharedDir(t, f), "claude-1a2b-cwd")}
				},
				want: []unix.Errno{unix.EACCES}},
			attackCase{name: prefix + "a FIFO in the shared directory", attack: "mkfifo", profile: prof,
				args: func(t *testing.T, f *fixture) []string {
					return []string{filepath.Join(sharedDir(t, f), "bgpids.tmp")}
				},
				want: []unix.Errno{unix.EACCES}},
			attackCase{name: prefix + "a link made in the root, moved into the shared directory", attack: "symlink-move", profile: prof,
				args: func(t *testing.T, f *fixture) []string {
					return []string{f.file, filepath.Join(f.root, "lnk"), filepath.Join(sharedDir(t, f), "claude-1a2b-cwd")}
				},
				want: []unix.Errno{unix.EACCES, unix.EXDEV}},
			attackCase{name: prefix + "a link in a new directory of the shared directory", attack: "symlink", profile: prof,
				args: func(t *testing.T, f *fixture) []string {
					d := filepath.Join(sharedDir(t, f), "gemini-shell-x")
					if err := os.MkdirAll(d, 0o777); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(d, 0o777); err != nil { // past the umask: another user's, as Gemini's is
						t.Fatal(err)
					}
					return []string{f.file, filepath.Join(d, "bgpids.tmp")}
				},
				want: []unix.Errno{unix.EACCES}},
		)
	}
	return cases
}

func TestAttackSharedTempLinks(t *testing.T) {
	runAttackCases(t, sharedTempCases())
}

func TestAttackSharedTempLinksUnprivileged(t *testing.T) {
	requireRoot(t, "runs the attacks as nobody")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, sharedTempCases())
}

// TestSharedTempProjectInside: a root that is not shared inside a shared one
// (a project in /tmp) keeps its links and FIFOs, and the shared directory
// its plain files.
func TestSharedTempProjectInside(t *testing.T) {
	requireSandbox(t)
	f := newFixture(t, t.TempDir())
	shared := sharedDir(t, f)
	project := filepath.Join(shared, "project")
	if err := os.Mkdir(project, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &Profile{WritableRoots: []string{shared, project}, SharedRoots: []string{shared}}
	for _, tc := range []struct {
		attack string
		args   []string
	}{
		{"symlink", []string{"target", filepath.Join(project, "lnk")}},
		{"mkfifo", []string{filepath.Join(project, "fifo")}},
		{"create", []string{filepath.Join(shared, "plain")}},
		{"mkdir", []string{filepath.Join(shared, "dir")}},
	} {
		c := child{attack: &attackSpec{Name: tc.attack, Args: tc.args}, dir: project, profile: p}
		if o := c.run(t); !o.ok {
			t.Errorf("%s %v inside the sandbox: %s, want it to work", tc.attack, tc.args, o)
		}
	}
}
