package policy

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestBoundedGlobIsGlob: within its budget boundedGlob answers as
// filepath.Glob does, matches and order; past it, errGlobBudget.
func TestBoundedGlobIsGlob(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"a/x.go", "a/y.txt", "a/.h", "b/x.go", "b/c/x.go", "[k]/z", "-v", "d e/f"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, pat := range []string{"*", "*/*", "*/*.go", "*/*/*", "a/*", "a/.*", "[ab]/x.go", `\[k\]/*`, "nope/*",
		"*/nope", "a/x.go", "a", "d e/*", "*/c", "[", "a/[", "?/*.go"} {
		resetGlobBudget()
		p := filepath.Join(root, pat)
		want, werr := filepath.Glob(p)
		got, gerr := boundedGlob(p)
		if (werr == nil) != (gerr == nil) || !slices.Equal(got, want) {
			t.Errorf("%s: boundedGlob = %q, %v; filepath.Glob = %q, %v", pat, got, gerr, want, werr)
		}
		if again, _ := boundedGlob(p); !slices.Equal(again, got) {
			t.Errorf("%s: the memo answered %q, then %q", pat, got, again)
		}
	}
	resetGlobBudget()
	globEntries.Store(maxGlobEntries - 2)
	if _, err := boundedGlob(filepath.Join(root, "*/*")); err != errGlobBudget {
		t.Errorf("past the budget: %v, want errGlobBudget", err)
	}
	resetGlobBudget()
}
