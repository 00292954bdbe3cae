package shell

import "testing"

// typical are agent commands of the most common shapes in the corpus.
var typical = []string{
	`grep -rn "def _line_type" /testbed/astropy/io/ascii/qdp.py`,
	`cd /testbed && python reproduce_issue.py 2>&1 | head -50`,
	`nl -ba django/db/models/query.py | sed -n '1200,1260p'`,
	"cat <<'EOF' > /testbed/reproduce.py\nimport sys\nfrom astropy.table import Table\nprint(Table.read('x.qdp', format='ascii.qdp'))\nEOF\npython /testbed/reproduce.py",
	`bash -lc "cd web && rg -n 'fetch\(' app | head -n 40"`,
}

func BenchmarkParse(b *testing.B) {
	for _, src := range typical {
		b.Run(firstWord(src), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(src, Bash); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func firstWord(s string) string {
	for i, ch := range s {
		if ch == ' ' {
			return s[:i]
		}
	}
	return s
}
