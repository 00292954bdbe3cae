package sandbox

import (
	"os"
	"syscall"
	"testing"

	"guard/policy/protect"
)

// failOpenAttacks: what the caller's environment or the tree's own
// permissions made guard miss at start.
func failOpenAttacks(t *testing.T) []attackCase {
	return []attackCase{
		// TMPDIR=$PWD made the project a temporary directory, which the
		// scan for .env and *.pem skipped.
		{name: "TMPDIR names the root", attack: "read", args: inRoot(".env"), want: unreadable,
			profile: func(p *Profile) {
				home := protectFixture(t, p.WritableRoots[0])
				old, had := os.LookupEnv("TMPDIR")
				os.Setenv("TMPDIR", p.WritableRoots[0])
				defer func() {
					if had {
						os.Setenv("TMPDIR", old)
					} else {
						os.Unsetenv("TMPDIR")
					}
				}()
				Protect(p, protect.Default(), home)
			}},
	}
}

func TestAttackFailOpen(t *testing.T) {
	runAttackCases(t, failOpenAttacks(t))
}

func TestAttackFailOpenUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root (run as one, TestAttackFailOpen is this test)")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, failOpenAttacks(t))
}

