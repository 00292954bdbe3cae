package policy

import (
	"fmt"
	"testing"
)

// mix is a spread of what agents run: reads, writes, unknowns, forbidden.
var mix = [][]string{
	{"ls", "-la"},
	{"cat", "README.md"},
	{"grep", "-rn", "TODO", "."},
	{"sed", "-n", "1,80p", "main.go"},
	{"git", "status"},
	{"git", "log", "--oneline", "-n", "5"},
	{"find", ".", "-name", "*.go"},
	{"rm", "-rf", "build"},
	{"cp", "a", "b"},
	{"python3", "x.py"},
	{"rm", "-rf", "/"},
	{"curl", "https://example.com"},
}

func BenchmarkLoadDefault(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Load(DefaultFile, []byte(defaultSource)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	set := defaultSet(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		set.Check(mix[i%len(mix)])
	}
}

func BenchmarkJudgeScript(b *testing.B) {
	set := defaultSet(b)
	argv := []string{"bash", "-lc", "cd src && grep -rn 'func main' . | head -20 && git status"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		set.Judge(argv, "/work")
	}
}

// BenchmarkJudgeWords shows the cost of an argv by its length: judging must
// stay linear up to 100,000 words (ns/op divided by words stays flat).
func BenchmarkJudgeWords(b *testing.B) {
	set := defaultSet(b)
	for _, n := range []int{100, 1000, 10000, 100000} {
		for _, prog := range []string{"echo", "cat", "rm"} {
			argv := make([]string, n+1)
			argv[0] = prog
			for i := 1; i <= n; i++ {
				argv[i] = "word"
			}
			b.Run(fmt.Sprintf("%s/words=%d", prog, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					set.Judge(argv, "/work")
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/word")
			})
		}
	}
}
