//go:build !linux

package sandbox

import "guard/policy/protect"

// ProtectCached is Protect: the plan cache is Linux's.
func ProtectCached(p *Profile, l *protect.List, home, dir string) {
	Protect(p, l, home)
}
