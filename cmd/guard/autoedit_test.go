package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/sandbox/sandboxtest"
)

// Auto-edit runs a match because its writes are inside the roots, as judged
// before it runs; a script whose earlier command makes a symlink that a later
// command writes through would land outside. The run is confined to the roots
// (sandbox.Profile.FilesOnly), so that write fails. Each script is first run
// with bash alone, where it must write outside, then through guard; as root and
// as nobody.

func TestAutoEditWritesConfined(t *testing.T) {
	guard := guardBinary(t)
	scripts := []struct {
		name, script string
		setup        func(t *testing.T, proj, out string)
		target       string // below out: what the script would write
	}{
		{"cp -r then write through the copied symlink", `cp -r src dst && echo x > dst/lnk/target`,
			func(t *testing.T, proj, out string) {
				mkdirAll(t, filepath.Join(proj, "src"))
				symlink(t, out, filepath.Join(proj, "src", "lnk"))
			}, "target"},
		{"cp -P then append to the copied symlink", `cp -P lnk copy && echo x >> copy`,
			func(t *testing.T, proj, out string) {
				writeFile(t, filepath.Join(out, "file"), "")
				symlink(t, filepath.Join(out, "file"), filepath.Join(proj, "lnk"))
			}, "file"},
		{"mv then write through the moved symlink", `mv s d && echo x > d/l/target`,
			func(t *testing.T, proj, out string) {
				mkdirAll(t, filepath.Join(proj, "s"))
				symlink(t, out, filepath.Join(proj, "s", "l"))
			}, "target"},
	}
	for _, who := range []struct {
		name string
		cred *syscall.Credential
	}{{"root", nil}, {"nobody", &syscall.Credential{Uid: 65534, Gid: 65534}}} {
		t.Run(who.name, func(t *testing.T) {
			if os.Geteuid() != 0 {
				if who.cred != nil {
					t.Skip("switching to another user needs root; the current user runs the other case")
				}
				who.cred = nil
			}
			for _, s := range scripts {
				t.Run(s.name, func(t *testing.T) {
					// Without guard: the write lands outside.
					sc := newScratch(t, guard, who.cred)
					s.setup(t, sc.proj, sc.out)
					sc.chown(t)
					r := sc.run(t, "bash", "-c", s.script)
					if got := readFileOr(filepath.Join(sc.out, s.target)); got != "x\n" {
						t.Fatalf("without guard the script did not write outside (%s; %s holds %q): the test proves nothing", r, s.target, got)
					}

					sc = newScratch(t, guard, who.cred)
					s.setup(t, sc.proj, sc.out)
					sc.chown(t)
					r = sc.run(t, sc.guard, "--mode", "auto-edit", "--", "bash", "-c", s.script)
					if r.code == 125 && strings.Contains(r.stderr, "cannot here") {
						sandboxtest.Skipf(t, "this machine cannot confine writes: %s", r.stderr)
					}
					if got := readFileOr(filepath.Join(sc.out, s.target)); got != "" {
						t.Fatalf("guard --mode auto-edit: the script wrote outside the roots (%s)", r)
					}
					if r.code == 0 || !strings.Contains(r.stderr, "Read-only file system") && !strings.Contains(r.stderr, "Permission denied") {
						t.Fatalf("guard --mode auto-edit: %s, want the write refused (EROFS or EACCES) and a failure", r)
					}
				})
			}
			t.Run("a script writing inside keeps working", func(t *testing.T) {
				sc := newScratch(t, guard, who.cred)
				sc.chown(t)
				// It reads what it wrote, not what it moved or linked: a read of a
				// file an earlier command moved, copied or linked there is asked
				// about (ln -s .env notes.txt && cat notes.txt).
				script := `mkdir -p build/out && echo hi > build/out/a && cp build/out/a build/b && mv build/b build/c && ln -s c build/l && cat build/out/a && rm build/out/a`
				r := sc.run(t, sc.guard, "--mode", "auto-edit", "--", "bash", "-c", script)
				if r.code != 0 || r.stdout != "hi\n" {
					t.Fatalf("guard --mode auto-edit -- bash -c %q: %s", script, r)
				}
			})
			t.Run("a command through a shim inside a confined script", func(t *testing.T) {
				// The shim's guard confines again, inside the first confinement,
				// which keeps root's capabilities but refuses it every mount.
				sc := newScratch(t, guard, who.cred)
				shims := filepath.Join(sc.base, "shims")
				mkdirAll(t, shims)
				symlink(t, sc.guard, filepath.Join(shims, "touch"))
				sc.chown(t)
				sc.path = shims + ":" + systemPath
				r := sc.run(t, sc.guard, "--mode", "auto-edit", "--", "bash", "-c", `mkdir -p d && touch d/x && echo nested-ok`)
				if r.code != 0 || r.stdout != "nested-ok\n" {
					t.Fatalf("a shim inside: %s", r)
				}
			})
		})
	}
}

// scratch is a project (the working directory, hence a root) and a directory
// outside every root (not below /tmp, which is one), owned by the user a test
// runs as, with a copy of guard that user can run.
type scratch struct {
	base, proj, out, guard string
	path                   string // PATH; "": the system's
	cred                   *syscall.Credential
}

func newScratch(t *testing.T, guard string, cred *syscall.Credential) *scratch {
	t.Helper()
	base, err := os.MkdirTemp("/var/tmp", "guard-autoedit-")
	if err != nil {
		t.Skipf("no directory outside /tmp to write to: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	sc := &scratch{base: base, proj: filepath.Join(base, "proj"), out: filepath.Join(base, "out"), cred: cred}
	for _, d := range []string{sc.proj, sc.out, filepath.Join(base, "home", ".config"), filepath.Join(sc.proj, ".tmp")} {
		mkdirAll(t, d)
	}
	b, err := os.ReadFile(guard)
	if err != nil {
		t.Fatal(err)
	}
	sc.guard = filepath.Join(base, "guard")
	if err := os.WriteFile(sc.guard, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return sc
}

func (sc *scratch) chown(t *testing.T) {
	t.Helper()
	if sc.cred == nil {
		return
	}
	err := filepath.Walk(sc.base, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(sc.cred.Uid), int(sc.cred.Gid))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (sc *scratch) run(t *testing.T, argv ...string) outcome {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = sc.proj
	home := filepath.Join(sc.base, "home")
	path := sc.path
	if path == "" {
		path = systemPath
	}
	cmd.Env = []string{"PATH=" + path, "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"TMPDIR=" + filepath.Join(sc.proj, ".tmp"), "LC_ALL=C", "GUARD_AUDIT_LOG="}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: sc.cred}
	return execute(t, cmd)
}

func mkdirAll(t *testing.T, d string) {
	t.Helper()
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFileOr(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}
