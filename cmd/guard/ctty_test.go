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

// TestSandboxLeavesAgentsTerminal: an agent runs commands with pipes, in the
// session of the terminal a person types into its prompt on; a sandboxed
// program opened /dev/tty there and could read those keys. In full-auto,
// with none of its standard descriptors on a terminal, the program has no
// controlling terminal (ENXIO); started from a terminal, it keeps it. As
// root and as nobody.
func TestSandboxLeavesAgentsTerminal(t *testing.T) {
	guard := guardBinary(t)
	const probe = `import os
try:
    os.open("/dev/tty", os.O_RDWR)
    print("OPENED")
except OSError as e:
    print("REFUSED", e.errno)`
	for _, who := range []struct {
		name string
		cred *syscall.Credential
	}{{"root", nil}, {"nobody", &syscall.Credential{Uid: 65534, Gid: 65534}}} {
		t.Run(who.name, func(t *testing.T) {
			if os.Geteuid() != 0 && who.cred != nil {
				t.Skip("switching to another user needs root; the current user runs the other case")
			}
			sc := newScratch(t, guard, who.cred)
			sc.chown(t)
			// run starts line in sh, the leader of a new session whose
			// controlling terminal is a new pseudo-terminal (sh's stdin);
			// sh forks what line runs.
			run := func(t *testing.T, line string) string {
				t.Helper()
				tm := openTerminal(t)
				cmd := exec.Command("/bin/sh", "-c", line+"; echo rc=$?")
				cmd.Dir = sc.proj
				home := filepath.Join(sc.base, "home")
				cmd.Env = []string{"PATH=" + systemPath, "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
					"TMPDIR=" + filepath.Join(sc.proj, ".tmp"), "LC_ALL=C", "GUARD_AUDIT_LOG=", "PROBE=" + probe}
				cmd.Stdin = tm.slave
				cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0, Credential: who.cred}
				r := execute(t, cmd)
				return r.stdout + r.stderr
			}
			if out := run(t, `python3 -c "$PROBE" </dev/null`); !strings.Contains(out, "OPENED") {
				t.Fatalf("without guard the program could not open /dev/tty (%q): the test proves nothing", out)
			}
			out := run(t, sc.guard+` --mode full-auto -- python3 -c "$PROBE" </dev/null`)
			if strings.Contains(out, "rc=125") {
				sandboxtest.Skipf(t, "this machine cannot sandbox: %s", out)
			}
			if !strings.Contains(out, "REFUSED 6") || !strings.Contains(out, "rc=0") {
				t.Errorf("full-auto with pipes: %q, want /dev/tty refused with ENXIO (6)", out)
			}
			if out := run(t, sc.guard+` --mode full-auto -- python3 -c "$PROBE"`); !strings.Contains(out, "OPENED") {
				t.Errorf("full-auto started from the terminal: %q, want /dev/tty kept", out)
			}
		})
	}
}
