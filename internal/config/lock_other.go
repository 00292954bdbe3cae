//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package config

// LockDir does nothing where flock(2) is missing: concurrent AppendPolicyRule
// calls may then lose a rule.
func LockDir(dir string) (unlock func(), err error) {
	return func() {}, nil
}
