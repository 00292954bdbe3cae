package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
		if pat == "a/.*" {
			// . and .., as dash matches them (filepath.Glob does not).
			want = append([]string{filepath.Join(root, "a") + "/.", filepath.Join(root, "a") + "/.."}, want...)
		}
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

// TestWalkBudget: a tree is walked once however it is spelled (big/a/..,
// big/b/.. are big), and the walks of one judgement stop at maxWalkTotal
// entries: past it a tree is not known to be free of secrets. A script of
// `grep -r x big/dN/..` over a 15,000-entry tree walked it once a command
// (18 ms each; 10,000 commands, three minutes).
func TestWalkBudget(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b", "c"} {
		for i := range 50 {
			p := filepath.Join(root, "big", d, "f"+strconv.Itoa(i))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	resetGlobBudget()
	walkMu.Lock()
	walkCache = nil
	walkMu.Unlock()
	first := walkTree(filepath.Join(root, "big", "a", ".."), walkHow{})
	spent := walkSpent.Load()
	if !first.complete || spent < 150 {
		t.Fatalf("walk of big: complete %v, %d entries", first.complete, spent)
	}
	for _, d := range []string{"b", "c"} {
		walkTree(filepath.Join(root, "big", d, ".."), walkHow{})
	}
	if walkSpent.Load() != spent {
		t.Errorf("big walked again under another spelling: %d entries, then %d", spent, walkSpent.Load())
	}
	walkSpent.Store(maxWalkTotal)
	if r := walkTree(filepath.Join(root, "big", "c"), walkHow{}); r.complete {
		t.Errorf("past the judgement's budget a new tree was walked: %+v", r)
	}
	resetGlobBudget()
	if r := walkTree(filepath.Join(root, "big", "c"), walkHow{}); !r.complete {
		t.Errorf("a new judgement could not walk a small tree: %+v", r)
	}
}
