package protect

import "testing"

func BenchmarkDefaultCompile(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l := Default()
		l.compile(Secret)
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Default()
	}
}
