package sandbox

import (
	"os"
	"testing"

	"guard/policy/protect"
)

// BenchmarkProtect is what the default protected and secret lists add to a
// full-auto start: resolving them for a root (Protect), then confining with
// them (Landlock read rules around the secrets, read-only binds as root).
func BenchmarkProtect(b *testing.B) {
	requireSandbox(b)
	root := b.TempDir()
	protectFixture(b, root)
	home, _ := os.UserHomeDir()
	p := Profile{WritableRoots: []string{root}}
	b.Run("resolve", func(b *testing.B) {
		for b.Loop() {
			q := p
			Protect(&q, protect.Default(), home)
		}
	})
	q := p
	Protect(&q, protect.Default(), home)
	b.Logf("%d read-only, %d unreadable: %v", len(q.ReadOnly), len(q.Unreadable), q.Unreadable)
	for _, bb := range []struct {
		name string
		prof Profile
	}{{"confine-plain", p}, {"confine-protected", q}} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if err := confineOnce(bb.prof, func(*confinement) {}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
