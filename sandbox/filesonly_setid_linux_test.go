package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFilesOnlySetID: the files-only profile (auto-edit's confined runs)
// refuses set-user-ID and set-group-ID modes however they are set (chmod,
// fchmod, fchmodat2, open with O_CREAT, chmod u+s and g+s, cp -p of a
// set-user-ID program, install -m 4755), and root cannot give a program a
// file capability instead: each shown to work without the sandbox first, as
// root and as nobody.
func TestFilesOnlySetID(t *testing.T) {
	filesOnly := func(p *Profile) { p.FilesOnly = true }
	cases := func(t *testing.T, cred *syscall.Credential) []attackCase {
		var out []attackCase
		for _, c := range neighbourAttacks(t, cred) {
			if strings.Contains(c.name, "4755") || strings.Contains(c.name, "2755") ||
				strings.Contains(c.name, "set-user-ID") || strings.Contains(c.name, "file capability") {
				out = append(out, c)
			}
		}
		if len(out) != 7-map[bool]int{true: 1}[cred != nil] {
			t.Fatalf("the set-id cases of neighbourAttacks changed: %d found", len(out))
		}
		// chmod's symbolic modes, on a program planted in the root.
		for _, mode := range []string{"u+s", "g+s", "a=rwxs", "6755"} {
			var planted string
			out = append(out, attackCase{name: "chmod " + mode + " on a program in the root", attack: "run",
				args: func(t *testing.T, f *fixture) []string {
					planted = filepath.Join(f.root, "prog")
					b, err := os.ReadFile("/bin/true")
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(planted, b, 0o755); err != nil {
						t.Fatal(err)
					}
					if cred != nil {
						os.Chown(planted, int(cred.Uid), int(cred.Gid))
					}
					return tool("chmod", mode, planted)(t, f)
				},
				effect: func(*fixture) bool {
					var st unix.Stat_t
					return unix.Stat(planted, &st) == nil && st.Mode&(unix.S_ISUID|unix.S_ISGID) != 0
				}})
		}
		for i := range out {
			out[i].profile = filesOnly
		}
		return out
	}
	t.Run("root", func(t *testing.T) {
		requireRoot(t, "the root run of the set-id attacks")
		runAttackCasesAs(t, nil, cases(t, nil))
	})
	t.Run("nobody", func(t *testing.T) {
		requireRoot(t, "switching to an ordinary user needs root (run as one, the root case is this test)")
		cred := &syscall.Credential{Uid: 65534, Gid: 65534}
		runAttackCasesAs(t, cred, cases(t, cred))
	})
}

// TestFilesOnlyTools: what auto-edit's writing commands do keeps working in
// the files-only profile with its seccomp filter and, as root, the dropped
// capabilities: ordinary modes, chown, cp -a, install -m 755, the sticky
// bit, mkfifo; a set-group-ID directory is refused (a documented limit).
func TestFilesOnlyTools(t *testing.T) {
	requireSandbox(t)
	f := newFixture(t, t.TempDir())
	p := &Profile{WritableRoots: []string{f.root}, FilesOnly: true}
	script := `set -e; cd "$1"; echo x > a; chmod 755 a; chmod u+x,g-w a; chmod -R go-w .; cp -a a b; cp -p a c
install -m 755 a d; mkdir -m 1777 sticky; mkfifo fifo; chown "$(id -u):$(id -g)" a
ls -l d | grep -q '^-rwxr-xr-x'
# A documented limit: the filter cannot tell a directory from a program, so a
# set-group-ID directory is refused too.
if mkdir -m 2775 shared 2>/dev/null; then echo setgid-dir-made; fi
echo tools-ok`
	o := child{profile: p, path: "/bin/sh", argv: []string{"sh", "-c", script, "sh", f.root}}.run(t)
	if !o.ok || !strings.Contains(o.stdout, "tools-ok") || strings.Contains(o.stdout, "setgid-dir-made") {
		t.Errorf("tools in the files-only profile: %s\nstdout: %s\nstderr: %s", o, o.stdout, o.stderr)
	}
}

func init() {
	// open_by_handle_at opens a file by its handle, not its path: a write
	// open of a file outside the roots, with CAP_DAC_READ_SEARCH (root).
	attacks["open-by-handle-write"] = func(a []string) error {
		h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, a[0], 0)
		if err != nil {
			return fmt.Errorf("name_to_handle_at: %w", err)
		}
		dir, err := unix.Open(filepath.Dir(a[0]), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(dir)
		fd, err := unix.OpenByHandleAt(dir, h, unix.O_WRONLY|unix.O_APPEND|unix.O_CLOEXEC)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		_, err = unix.Write(fd, []byte("pwned"))
		return err
	}
}

// TestFilesOnlyOpenByHandle: root's open_by_handle_at, which names a file by
// its handle rather than its path, writes nothing outside the roots in the
// files-only profile (refused by its seccomp program, as in full-auto).
func TestFilesOnlyOpenByHandle(t *testing.T) {
	runAttackCases(t, []attackCase{{
		name: "open_by_handle_at for writing a file outside", attack: "open-by-handle-write", root: "needs CAP_DAC_READ_SEARCH",
		args:    func(_ *testing.T, f *fixture) []string { return []string{f.file} },
		effect:  func(f *fixture) bool { return readString(f.file) != original },
		profile: func(p *Profile) { p.FilesOnly = true },
		want:    []unix.Errno{unix.EPERM},
	}})
}

// TestFilesOnlyInsideFullAuto: a guard --mode auto-edit run inside a full-auto
// sandbox (root without CAP_SETPCAP there, SECBIT_NOROOT set, nothing to drop
// that execve could give back) confines its writes and runs; set-id modes stay
// refused.
func TestFilesOnlyInsideFullAuto(t *testing.T) {
	requireSandbox(t)
	f := newFixture(t, t.TempDir())
	inner := filepath.Join(f.root, "sub")
	if err := os.Mkdir(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	outer := &Profile{WritableRoots: []string{f.root}}
	nested := &Profile{WritableRoots: []string{inner}, FilesOnly: true}
	for _, tt := range []struct {
		attack string
		args   []string
		works  bool
	}{
		{"create", []string{filepath.Join(inner, "new")}, true},
		{"create", []string{filepath.Join(f.root, "new")}, false},
		{"chmod-setuid", []string{filepath.Join(inner, "new")}, false},
	} {
		o := child{attack: &attackSpec{Name: tt.attack, Args: tt.args}, profile: outer, nested: nested}.run(t)
		if o.ok != tt.works {
			t.Errorf("files only inside full-auto: %s %v: %s, want ok=%v\n%s", tt.attack, tt.args, o, tt.works, o.stderr)
		}
	}
}

// TestPlanFilesOnlyCapabilities: what the files-only plan is for each kind of
// thread. The bounding set is this process's: the cases that need one of the
// dropped capabilities in it skip where it is not.
func TestPlanFilesOnlyCapabilities(t *testing.T) {
	inBounding, _ := unix.PrctlRetInt(unix.PR_CAPBSET_READ, unix.CAP_SETFCAP, 0, 0, 0)
	all := uint64(1)<<(unix.CAP_LAST_CAP+1) - 1
	for _, tt := range []struct {
		name     string
		euid     int
		cs       capSets
		plan     capsPlan
		why      bool
		bounding bool // needs CAP_SETFCAP in the bounding set
	}{
		{"an ordinary user", 1000, capSets{}, capsNone, false, false},
		{"root with CAP_SETPCAP", 0, capSets{effective: all, permitted: all}, capsBounding, false, true},
		{"root without CAP_SETPCAP", 0, capSets{effective: all &^ (1 << unix.CAP_SETPCAP), permitted: all &^ (1 << unix.CAP_SETPCAP)}, capsNone, true, true},
		{"root under SECBIT_NOROOT with the kept ones (inside full-auto)", 0,
			capSets{effective: keptSet(), permitted: keptSet(), inheritable: keptSet(), securebits: secbitNoRoot | secbitNoRootLocked}, capsNone, false, false},
		{"root under SECBIT_NOROOT still holding CAP_SETFCAP, without CAP_SETPCAP", 0,
			capSets{effective: 1 << unix.CAP_SETFCAP, permitted: 1 << unix.CAP_SETFCAP, securebits: secbitNoRoot}, capsNone, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bounding && inBounding != 1 {
				t.Skip("CAP_SETFCAP is not in this process's bounding set")
			}
			plan, why := planFilesOnlyCapabilities(tt.euid, tt.cs)
			if plan != tt.plan || (why != "") != tt.why {
				t.Errorf("plan %d (%q), want %d (a reason: %v)", plan, why, tt.plan, tt.why)
			}
		})
	}
}

// BenchmarkConfineFilesOnly is the in-process cost of the files-only profile
// (auto-edit's confined runs), with and without its set-id filter and root's
// capability drop, without the execve.
func BenchmarkConfineFilesOnly(b *testing.B) {
	requireSandbox(b)
	roots := []string{b.TempDir()}
	for _, bb := range []struct {
		name string
		keep func(c *confinement)
	}{
		{"files", func(c *confinement) { c.seccomp, c.caps = false, false }},
		{"files+setid-filter", func(c *confinement) { c.caps = false }},
		{"files+setid-filter+caps", func(c *confinement) {}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if err := confineOnce(Profile{WritableRoots: roots, FilesOnly: true}, bb.keep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
