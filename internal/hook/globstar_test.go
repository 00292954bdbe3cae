package hook

import (
	"os"
	"os/exec"
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

// TestGlobStarShort: zsh's GLOB_STAR_SHORT, which a user's start-up files
// set and the agents' shell snapshots carry, reads a component **x as
// **/*x: `cat **.txt` reads the .txt files at every depth (judge-25),
// where bash, and zsh without it, read *.txt.
func TestGlobStarShort(t *testing.T) {
	dir := t.TempDir()
	rtFiles := map[string]string{"a.txt": "a\n", "src/deep/tok.txt": "ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"}
	for name, body := range rtFiles {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if zsh, err := exec.LookPath("zsh"); err == nil {
		cmd := exec.Command(zsh, "-f", "-c", "setopt glob_star_short\ncat **.txt")
		cmd.Dir = dir
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("zsh with GLOB_STAR_SHORT: `cat **.txt` did not read src/deep/tok.txt (%q)", out)
		}
	}
	for script, want := range map[string]string{
		"cat **.txt":       "cat **.txt *.txt */*.txt */*/*.txt",
		"cat src/**.txt":   "cat src/**.txt src/*.txt src/*/*.txt",
		"head -1 ***.txt":  "head -1 ***.txt *.txt */*.txt */*/*.txt",
		"cat src/**":       "cat src/** src/* src/*/*",
		"cat a**.txt *.go": "",
	} {
		got, _, why := GlobstarReading(script, dir, dir)
		if got != want || why != "" {
			t.Errorf("GlobstarReading(%q) = %q (why %q), want %q", script, got, why, want)
		}
	}
}
