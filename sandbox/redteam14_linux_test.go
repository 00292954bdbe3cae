package sandbox

import (
	"path/filepath"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
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

// overlayAt mounts an overlay of lower (upper and work beside it) at
// merged unless one is there already, and returns the upper directory.
// The profile is made before the test's arguments, so both mount it; the
// arguments' t unmounts it.
func overlayAt(lower, merged string) (upper string, err error) {
	upper, work := merged+".upper", merged+".work"
	for _, d := range []string{lower, upper, work, merged} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	var a, b unix.Stat_t
	if unix.Stat(merged, &a) == nil && unix.Stat(filepath.Dir(merged), &b) == nil && a.Dev != b.Dev {
		return upper, nil
	}
	return upper, unix.Mount("overlay", merged, "overlay", 0, "lowerdir="+lower+",upperdir="+upper+",workdir="+work)
}

func overlayForTest(t *testing.T, lower, merged string) string {
	t.Helper()
	upper, err := overlayAt(lower, merged)
	if err != nil {
		sandboxtest.Skipf(t, "mount an overlay at %s: %v", merged, err)
	}
	t.Cleanup(func() { unix.Unmount(merged, unix.MNT_DETACH) })
	return upper
}

// overlaySecretCases (sandbox-14 S14-2): the mount table gives a file of
// an overlay other paths that are not the same file (its lower and upper
// layers: another file system, device and inode), and a file of a layer a
// path in the overlay. A home that is an overlay: its secrets read at
// their lower and upper layers' paths (a file the home changed is copied
// up); a home that is an overlay's lower layer: its secrets read through
// the overlay.
func overlaySecretCases(forbidden bool) []attackCase {
	secrets := []string{".ssh/id_ed25519", ".aws/credentials"}
	plant := func(home string) {
		for _, s := range secrets {
			writeWorld(filepath.Join(home, s), "secret lab14\n")
		}
	}
	var cases []attackCase
	for _, s := range secrets {
		for _, via := range []string{"lower", "upper"} {
			cases = append(cases, attackCase{name: "read ~/" + s + " of an overlay home at its " + via + " layer", attack: "read", want: unreadable,
				root:  "an overlay mount needs root",
				child: func(c *child) { c.noUserNS = forbidden },
				profile: func(p *Profile) {
					dir := filepath.Dir(p.WritableRoots[0])
					plant(filepath.Join(dir, "lower"))
					overlayAt(filepath.Join(dir, "lower"), filepath.Join(dir, "home"))
					Protect(p, protect.Default(), filepath.Join(dir, "home"))
				},
				args: func(t *testing.T, f *fixture) []string {
					dir := filepath.Dir(f.root)
					lower, home := filepath.Join(dir, "lower"), filepath.Join(dir, "home")
					plant(lower)
					upper := overlayForTest(t, lower, home)
					plant(home) // copied up
					os.Chmod(home, 0o777)
					if via == "upper" {
						return []string{filepath.Join(upper, s)}
					}
					return []string{filepath.Join(lower, s)}
				}})
		}
		cases = append(cases, attackCase{name: "read ~/" + s + " through an overlay of the home", attack: "read", want: unreadable,
			root:  "an overlay mount needs root",
			child: func(c *child) { c.noUserNS = forbidden },
			profile: func(p *Profile) {
				dir := filepath.Dir(p.WritableRoots[0])
				plant(filepath.Join(dir, "home"))
				overlayAt(filepath.Join(dir, "home"), filepath.Join(dir, "view"))
				Protect(p, protect.Default(), filepath.Join(dir, "home"))
			},
			args: func(t *testing.T, f *fixture) []string {
				dir := filepath.Dir(f.root)
				home := filepath.Join(dir, "home")
				plant(home)
				overlayForTest(t, home, filepath.Join(dir, "view"))
				return []string{filepath.Join(dir, "view", s)}
			}})
	}
	return cases
}

func TestAttackOverlaySecrets(t *testing.T) {
	requireRoot(t, "an overlay mount needs root")
	runAttackCases(t, overlaySecretCases(false))
}

func TestAttackOverlaySecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, overlaySecretCases)
}
