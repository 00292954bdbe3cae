package protect

import (
	"os"
	"path/filepath"
	"testing"
)

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

// BenchmarkResolve: the default list resolved for make bench's fixture (a
// repository with hooks, config, .env and .vscode inside a writable temporary
// directory, and a home with SSH, AWS, npm and gh credentials), as a
// full-auto start does once.
func BenchmarkResolve(b *testing.B) {
	tmp := b.TempDir()
	for name, content := range map[string]string{
		"repo/.git/HEAD": "ref: refs/heads/main\n", "repo/.git/config": "[core]\n\tbare = false\n", "repo/.git/hooks/pre-commit.sample": "",
		"repo/.git/objects/.keep": "", "repo/.git/refs/heads/.keep": "", "repo/.env": "K=1\n", "repo/main.go": "package main\n",
		"repo/.vscode/settings.json": "{}\n", "home/.ssh/id_ed25519": "k", "home/.aws/credentials": "k", "home/.npmrc": "k",
		"home/.config/gh/hosts.yml": "k", "home/.bashrc": "",
	} {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	repo, home := filepath.Join(tmp, "repo"), filepath.Join(tmp, "home")
	l := Default()
	b.ReportAllocs()
	for b.Loop() {
		prot, sec := l.Resolve([]string{repo, tmp}, []string{repo}, home)
		if len(prot) < 3 || len(sec) < 4 {
			b.Fatalf("found %v and %v", paths(prot), paths(sec))
		}
	}
}
