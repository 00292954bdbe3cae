package sandbox

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"guard/sandbox/sandboxtest"
)

// TestLeftoversSpareOutside (sandbox-14 S14-1): guard exec'd in place by a
// process that had children (`server & exec guard -- make test`, a shell's
// last command through a PATH shim) has children the command did not
// start, and, as the child subreaper, gets their orphans too. The end of
// the command's leftovers (leftovers_linux.go) waited for them: the kill
// from the confined thread is refused outside the program's Landlock
// domain, and guard blocked until they ended on their own (a server: for
// ever), then made the command's status of 0 into 126 with "kept forking
// faster than guard could end them". Now they are left alone, and what the
// command left is ended still.
func TestLeftoversSpareOutside(t *testing.T) {
	requireChild(t)
	requireSandbox(t)
	for _, who := range []struct {
		name     string
		root     bool
		noUserNS bool
	}{{"root", true, false}, {"nobody", false, false}, {"nobody, user namespaces forbidden", false, true}} {
		t.Run(who.name, func(t *testing.T) {
			cred := nobody
			if who.root {
				if os.Getuid() != 0 {
					sandboxtest.Skip(t, "the root case needs root")
				}
				cred = nil
			} else if !who.noUserNS {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := shareWith(t, base, cred)
			f := newFixture(t, base)
			chownFixture(t, f, cred)
			tag := strconv.Itoa(os.Getpid()) + "-" + strings.NewReplacer(" ", "-", ",", "").Replace(who.name)
			outside, left := "guard-outside-"+tag, "guard-left-"+tag
			t.Cleanup(func() { endHoppers(outside); endHoppers(left) })
			quiet := " </dev/null >/dev/null 2>&1"
			// Two outside: a child of the process that becomes guard, and
			// an orphan that comes to guard while the command runs.
			before := "(exec -a " + outside + " sleep 300)" + quiet +
				" & (bash -c '(exec -a " + outside + " sleep 300)" + quiet + " & sleep 1')" + quiet
			script := "setsid bash -c 'exec -a " + left + " sleep 300'" + quiet + " & sleep 2"
			c := child{path: "/bin/bash", argv: []string{"bash", "-c", script}, dir: f.root, cred: cred, exe: exe,
				profile: &Profile{WritableRoots: []string{f.root}, BestEffort: who.noUserNS}, noUserNS: who.noUserNS,
				before: before, timeout: 30e9}
			o := c.run(t)
			if !o.ok || strings.Contains(o.stderr, "left processes") {
				t.Errorf("with children from before guard, the command's status 0 became %s\n%s", o, o.stderr)
			}
			if pids := findByArgv0(outside); len(pids) != 2 {
				t.Errorf("processes outside the command: %d alive after it, want both (pids %v)", len(pids), pids)
			}
			if pids := findByArgv0(left); len(pids) > 0 {
				t.Errorf("the command's setsid leftover outlived it (pids %v)", pids)
			}
		})
	}
}
