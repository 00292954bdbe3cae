package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// boundSizes are the input sizes the bound benchmarks measure: time and
// memory should grow linearly with them.
var boundSizes = []int{1 << 10, 10 << 10, 100 << 10, 1<<20 - 64}

func sizeLabel(n int) string {
	switch {
	case n >= 1<<20-64:
		return "1MB"
	case n >= 100<<10:
		return "100KB"
	case n >= 10<<10:
		return "10KB"
	}
	return "1KB"
}

// policyInputs build policy files of about n bytes, by class: plain rules,
// program definitions with examples, a long comment, a data list, and
// attempts to allocate more than the bound.
var policyInputs = map[string]func(n int) string{
	"prefix_rules": func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n-80; i++ {
			fmt.Fprintf(&b, "prefix_rule(pattern = [\"tool%d\", \"run\"], decision = \"allow\")\n", i)
		}
		return b.String()
	},
	"define_program": func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n-200; i++ {
			fmt.Fprintf(&b, "define_program(program = \"p%d\", options = [flag(\"-v\")], args = [ARG_RFILES], should_match = [[\"f\"]], should_not_match = [[]])\n", i)
		}
		return b.String()
	},
	"comment": func(n int) string { return "# " + strings.Repeat("x", n-4) + "\n" },
	"data_list": func(n int) string {
		return "L = [" + strings.Repeat("\"abcdef\", ", (n-10)/10) + "]\n"
	},
	"repeat_attack": func(n int) string {
		return strings.Repeat("L = [0] * 200000000\n", max(1, n/20))[:20]
	},
}

func BenchmarkPolicyBounds(b *testing.B) {
	for _, name := range sortedKeys(policyInputs) {
		for _, n := range boundSizes {
			src := []byte(policyInputs[name](n))
			b.Run(name+"/"+sizeLabel(n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				var peak uint64
				for b.Loop() {
					Load("bench.policy", src)
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// scriptInputs are hook scripts of about n bytes, by class, including the
// shapes that used to take seconds or gigabytes.
var scriptInputs = map[string]func(n int) string{
	"cd_ls_lines":        func(n int) string { return strings.Repeat("cd d; ls\n", n/9) },
	"and_chain":          func(n int) string { return strings.Repeat("ls && ", n/6) + "ls" },
	"nested_subst":       func(n int) string { return strings.Repeat("echo $(", n/8) + strings.Repeat(")", n/8) },
	"semicolons":         func(n int) string { return strings.Repeat("ls;", n/3) },
	"words":              func(n int) string { return "echo " + strings.Repeat("a ", n/2) },
	"heredoc":            func(n int) string { return "cat > f.py <<'EOF'\n" + strings.Repeat("print((1, 2))\n", n/14) + "EOF\n" },
	"syntax_error_lines": func(n int) string { return strings.Repeat("ls x\n", n/5-1) + "fi\n" },
	"agent_mix": func(n int) string {
		line := "cd src && grep -rn 'func main' . | head -20 && git status > /tmp/out.txt 2>&1\n"
		return strings.Repeat(line, max(1, n/len(line)))
	},
}

// BenchmarkHookBounds judges `bash -c SCRIPT` as the hook does.
func BenchmarkHookBounds(b *testing.B) {
	set := defaultSet(b)
	for _, name := range sortedKeys(scriptInputs) {
		for _, n := range boundSizes {
			src := scriptInputs[name](n)
			b.Run(name+"/"+sizeLabel(n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				var peak uint64
				for b.Loop() {
					v := set.Judge([]string{"bash", "-c", src}, "/work")
					Decide(&v, Suggest, []string{"/work"})
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// treeScripts are hook scripts of about n bytes that name the files of a
// project tree (treeFiles files), each shape repeated: a glob over every
// file, a recursive search of one, a loop over find's output. A glob's
// names and a tree's walk are each looked at once a judgement, so time
// should grow with the script, not with the script times the tree.
var treeScripts = map[string]string{
	"glob_cat":       "cat src/*/*.go | wc -l\n",
	"glob_grep_r":    "grep -rn foo src/*/*.go | head\n",
	"for_find":       "for f in $(find . -name '*.go'); do cat $f; done\n",
	"find_while":     "find . -name '*.go' | while read -r f; do grep -n x \"$f\"; done\n",
	"find_xargs_cat": "find src -name '*.go' | xargs cat | wc -l\n",
}

// treeFiles is the size of BenchmarkHookBoundsTree's project.
const treeFiles = 2000

// BenchmarkHookBoundsTree judges treeScripts in a project of treeFiles
// files.
func BenchmarkHookBoundsTree(b *testing.B) {
	set := defaultSet(b)
	dir := b.TempDir()
	for i := range treeFiles {
		d := filepath.Join(dir, "src", fmt.Sprintf("d%d", i/50))
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("f%d.go", i)), []byte("package x\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range sortedKeys(treeScripts) {
		for _, n := range boundSizes {
			src := strings.Repeat(treeScripts[name], max(1, n/len(treeScripts[name])))
			b.Run(name+"/"+sizeLabel(n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					v := set.Judge([]string{"bash", "-c", src}, dir)
					Decide(&v, Suggest, []string{dir})
				}
			})
		}
	}
}
