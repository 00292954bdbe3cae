package policy_test

import (
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestNestedShellJudgedAsInner: an agent's command line that is one shell
// command (Codex's `bash -lc '...'`, which a hook or a harness runs as bash
// -c's script) was judged as a nested script, where -l made it unverified
// ("bash -l runs startup files"), while the same argv given to guard
// itself is judged by its script and the login shell is asked for its
// start-up state (cmd/guard's startupShell, which unwraps the same way).
// The nested form is now judged as the inner argv is. Anything more than
// the one static command, an outer shell that reads start-up files itself,
// and an inner shell guard does not read as a script still ask.
func TestNestedShellJudgedAsInner(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/src/a.go": "package a\n", "proj/README.md": "# p\n", "proj/.env": "API_KEY=x\n",
	})
	run := func(script string) bool {
		v := set.Judge([]string{"bash", "-c", script}, proj)
		return policy.Decide(&v, policy.Suggest, []string{proj}).Action == policy.Run
	}
	for _, s := range []string{
		`bash -lc "rg -n 'package' src"`,
		`bash -lc 'sed -n "1,20p" README.md'`,
		`bash -lc "ls -la src && cat README.md"`,
		`bash -lc 'nl -ba src/a.go | sed -n "1,80p"'`,
		`bash -l -c 'git status --short'`,
		`bash --login -c 'head -5 README.md'`,
		`sh -lc 'wc -l src/a.go'`,
		`/bin/bash -lc "grep -rn package src | head -50"`,
		`bash -c 'bash -lc "cat README.md"'`,
	} {
		if !run(s) {
			v := set.Judge([]string{"bash", "-c", s}, proj)
			t.Errorf("bash -c %q: %s (%s), want it run as the inner shell's argv is", s, v.Class, v.Reason)
		}
	}
	for _, s := range []string{
		`bash -lc 'cat .env'`,
		`bash -lc "head -3 .env"`,
		`bash -lc 'rm -rf src'`,
		`bash -lc "cat README.md" > out.txt`,
		`X=1 bash -lc "cat README.md"`,
		`bash -lc "cat README.md"; cat .env`,
		`bash -lc "$CMD"`,
		`bash -lc "cat $(echo .env)"`,
		`bash -lc 'cat README.md' &`,
		`bash -ilc 'cat README.md'`,
		`bash --rcfile x -c 'cat README.md'`,
		`zsh -lc 'cat README.md'`,
		`bash -lc 'shopt -s dotglob; head -3 ?env'`,
	} {
		if run(s) {
			t.Errorf("bash -c %q runs unasked, want it asked", s)
		}
	}
	// The outer shell must read no start-up files itself, for its PATH
	// finds the inner one: a login or zsh outer shell is not unwrapped.
	for _, argv := range [][]string{
		{"bash", "-lc", `bash -lc 'cat README.md'`},
		{"bash", "--login", "-c", `bash -lc 'cat README.md'`},
		{"bash", "-o", "errexit", "-l", "-c", `bash -lc 'cat README.md'`},
		{"zsh", "-c", `bash -lc 'cat README.md'`},
		{"bash", "-c", `bash -lc 'cat README.md'; ls`},
	} {
		if _, ok := policy.NestedShell(argv); ok {
			t.Errorf("NestedShell(%q) unwraps, want not", argv)
		}
	}
	if inner, ok := policy.NestedShell([]string{"bash", "-c", `bash -lc 'cat README.md'`}); !ok || len(inner) != 3 || inner[2] != "cat README.md" {
		t.Errorf("NestedShell(bash -c \"bash -lc 'cat README.md'\") = %q, %v", inner, ok)
	}
}
