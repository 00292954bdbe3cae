package hook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGlobstarReading: a `**` component is read at every depth the tree
// below its directory has (judge-21 Z6); what cannot be bounded is a why.
func TestGlobstarReading(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"src/a/b", "lib"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "src")
	// lib/s is a link to src (three levels); loop/l a link to loop.
	if err := os.Symlink("../src", filepath.Join(dir, "lib", "s")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "loop"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".", filepath.Join(dir, "loop", "l")); err != nil {
		t.Fatal(err)
	}
	for script, want := range map[string]string{
		"cat **/x":       "cat **/x x */x */*/x */*/*/x",
		"ls src/**/*.ts": "ls src/**/*.ts src/*.ts src/*/*.ts src/*/*/*.ts",
		"ls src/**":      "ls src/** src/* src/*/* src/*/*/*",
		"ls ~/**/y":      "ls ~/**/y ~/y ~/*/y ~/*/*/y",
		"ls lib/**/y -r": "ls lib/**/y lib/y -r",
		"ls '**/x' a**b": "",
		"ls --x=**/y":    "",
		"cat lib/***/y":  "cat lib/***/y lib/y lib/*/y lib/*/*/y lib/*/*/*/y",
	} {
		got, _, why := GlobstarReading(script, dir, home)
		if got != want || why != "" {
			t.Errorf("GlobstarReading(%q) = %q (why %q), want %q", script, got, why, want)
		}
	}
	for _, script := range []string{"cat **/x/**/y", "cat */**/x", `cat "a"**/x`, "cat $D/**/x", "cat ~root/**/x", `cat \**/x`} {
		if _, _, why := GlobstarReading(script, dir, home); why == "" {
			t.Errorf("GlobstarReading(%q): no why, want one", script)
		}
	}
	if _, _, why := GlobstarReading("cat loop/***/x", dir, home); why == "" {
		t.Error("***/ through a loop of links: no why, want one")
	}
	if _, _, why := GlobstarReading("ls"+strings.Repeat(" src/**/x", maxGlobstarWords+1), dir, home); why == "" {
		t.Error("more words with ** than the bound: no why, want one")
	}
	deep := filepath.Join(dir, "deep", strings.Repeat("d/", maxGlobstarDepth+1))
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, why := GlobstarReading("cat deep/**/x", dir, home); why == "" {
		t.Error("a tree deeper than the bound: no why, want one")
	}
}
