package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/sandbox/sandboxtest"
)

// Auto-edit and set-id modes: a script that plants a set-user-ID program in
// the project (as root: a root shell for whoever runs it later) is not a plain
// write inside the roots. What the decision sees (chmod 4755, u+s, cp -p of a
// set-id program) is asked about, hence refused with no one to ask, and
// nothing runs; what it cannot see (cp -rp of a directory holding one) runs
// confined, where the files-only profile's seccomp filter refuses the bits.
// Each shown to plant the bit without guard first; as root and as nobody.

func setIDBits(p string) bool {
	var st unix.Stat_t
	return unix.Stat(p, &st) == nil && st.Mode&(unix.S_ISUID|unix.S_ISGID) != 0
}

func TestAutoEditSetID(t *testing.T) {
	guard := guardBinary(t)
	// setup makes a set-user-ID program, d/suid, inside the project, and
	// another, suid, outside, both of the user the test runs as.
	setup := func(t *testing.T, sc *scratch) {
		for _, p := range []string{filepath.Join(sc.proj, "d", "suid"), filepath.Join(sc.out, "suid")} {
			mkdirAll(t, filepath.Dir(p))
			b, err := os.ReadFile("/bin/true")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		sc.chown(t)
		for _, p := range []string{filepath.Join(sc.proj, "d", "suid"), filepath.Join(sc.out, "suid")} {
			if err := unix.Chmod(p, 0o4755); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, who := range []struct {
		name string
		cred *syscall.Credential
	}{{"root", nil}, {"nobody", &syscall.Credential{Uid: 65534, Gid: 65534}}} {
		t.Run(who.name, func(t *testing.T) {
			if os.Geteuid() != 0 && who.cred != nil {
				t.Skip("switching to another user needs root; the current user runs the other case")
			}
			for _, s := range []struct {
				name, script, planted string
				decided               bool // the decision sees it: refused before anything runs
			}{
				{"cp a shell in and chmod 4755", `cp /bin/sh ./rootsh && chmod 4755 ./rootsh`, "rootsh", true},
				{"chmod u+s", `cp /bin/sh ./rootsh && chmod u+s ./rootsh`, "rootsh", true},
				{"chmod g+s", `cp /bin/sh ./rootsh && chmod g+s ./rootsh`, "rootsh", true},
				{"cp -p of a set-id program outside", `cp -p ../out/suid ./copy`, "copy", true},
				{"cp -rp of a directory holding one", `cp -rp d copy`, "copy/suid", false},
				{"cp -a of a directory holding one", `cp -a d copy`, "copy/suid", false},
			} {
				t.Run(s.name, func(t *testing.T) {
					sc := newScratch(t, guard, who.cred)
					setup(t, sc)
					r := sc.run(t, "bash", "-c", s.script)
					if !setIDBits(filepath.Join(sc.proj, s.planted)) {
						t.Fatalf("without guard the script planted no set-id program (%s): the test proves nothing", r)
					}

					sc = newScratch(t, guard, who.cred)
					setup(t, sc)
					r = sc.run(t, sc.guard, "--mode", "auto-edit", "--", "bash", "-c", s.script)
					if r.code == 125 && strings.Contains(r.stderr, "cannot here") {
						sandboxtest.Skipf(t, "this machine cannot confine writes: %s", r.stderr)
					}
					if setIDBits(filepath.Join(sc.proj, s.planted)) {
						t.Fatalf("guard --mode auto-edit planted a set-id program (%s)", r)
					}
					if s.decided {
						if r.code != 126 || !strings.Contains(r.stderr, "set-user-ID or set-group-ID") {
							t.Fatalf("guard --mode auto-edit: %s, want refused (126) naming the set-id mode", r)
						}
						if _, err := os.Lstat(filepath.Join(sc.proj, s.planted)); err == nil {
							t.Errorf("%s exists: something ran", s.planted)
						}
					} else if r.code == 0 || !strings.Contains(r.stderr, "Operation not permitted") {
						t.Fatalf("guard --mode auto-edit: %s, want the mode refused (EPERM) and a failure", r)
					}
				})
			}
		})
	}
}
