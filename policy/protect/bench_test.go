package protect

import "testing"

// BenchmarkMatch: one secret and one protected lookup of a deep project
// path that no entry covers (the common case in the judge), against the
// default list.
func BenchmarkMatch(b *testing.B) {
	l := Default()
	p := "/home/u/work/project/src/components/widgets/button/index.tsx"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if l.Secret(p, "/home/u") != nil || l.Protected(p, "/home/u") != nil {
			b.Fatal("matched")
		}
	}
}
