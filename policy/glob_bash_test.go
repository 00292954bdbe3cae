package policy

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestShellGlobMatchesBash: the judge's glob expansion names the files
// bash's does, for bracket expressions whose reading differs between the
// shells and Go (escapes, ] first, ranges, classes, a lone [), or is
// unknown (then the command is unverified). Classes are widened beyond ASCII
// on purpose (a UTF-8 locale's [[:upper:]] has é): not compared here.
func TestShellGlobMatchesBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot compare globs with it")
	}
	dir := t.TempDir()
	for _, n := range []string{"]x", `\x`, "ax", "-x", "zx", "^x", "!x", "bx", "[x", "Ax", "éx", ".x", "*x", "?x", "x", "aax", "a]x", "a-x", "{x", ",x"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pats := []string{`[\]a]x`, `[a\-z]x`, `[]a]x`, `[!]a]x`, `[^]a]x`, `[a-]x`, `[\\]x`, `[!!]x`, `[^!]x`, `[a-z]x`, `[[]x`, `[z-a]x`, `[]-a]x`, `[^a]x`, `[!^]x`, `[A-z]x`, `[[:alpha:][:digit:]]x`, `[a-c-e]x`, `[!a-]x`, `[--0]x`, `[\-]x`, `[*]x`, `[?]x`, `*[`, `[`, `\*x`, `\\x`, `[a]]x`, `[]]x`, `[!]]x`, `[]x`, `[!]x`, `*]x`, `[[:alpha:]x`, `[:alpha:]x`, `[[:foo:]]x`, `[\a]x`, `[a\]]x`, `?`, `??`, `*x*`, `[.]x`, `[!.]x`, `.*`, `*`, `[é]x`, `[^é]x`, `[a-é]x`, `[[:alpha:]]x`, `[x-]`, `[,{]x`}
	for _, p := range pats {
		out, err := exec.Command(bash, "-c", "cd "+dir+" && for f in "+p+"; do printf '%s\\0' \"$f\"; done").Output()
		if err != nil {
			continue
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		got, ok := shellGlob(globAbsolute(p, dir))
		var names []string
		for _, m := range got {
			b := filepath.Base(m)
			if strings.HasPrefix(b, ".") && !strings.HasPrefix(p, ".") {
				continue
			}
			if strings.HasSuffix(m, "/.") || strings.HasSuffix(m, "/..") {
				continue // taken as matches on purpose (dash, bash before 5.2); bash 5.2 skips them
			}
			names = append(names, b)
		}
		if len(names) == 0 {
			names = []string{p} // no match: the word as written (quote removal aside)
		}
		slices.Sort(names)
		slices.Sort(want)
		if !ok {
			t.Logf("%-16s guard: unknown (fail closed); bash %q", p, want)
			continue
		}
		if !slices.Equal(names, want) {
			t.Errorf("%-16s guard %q, bash %q", p, names, want)
		}
	}
}

// TestShellGlobSlashesMatchBash: runs of slashes and a trailing slash in a
// glob expand as bash expands them: a directory part with a pattern names
// each match with one slash after it (`**//*` is d/f, which the judge took
// for the word as written), one without stays as written (`d//*` is d//f),
// and a pattern ending in a slash names directories, each with a slash.
func TestShellGlobSlashesMatchBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot compare globs with it")
	}
	dir := t.TempDir()
	for _, d := range []string{"d/e", "dd"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"d/f", "d/e/g", "df", ".env"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("d", filepath.Join(dir, "dl")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, p := range []string{`**//*`, `*//*`, `d*//*`, `*///e//*`, `d//*`, `d///e//g*`, `.//.e*`, `d*/`, `*//`, `d*//`, `*/*/`, `d//e*/`, `**/`} {
		out, err := exec.Command(bash, "-c", "cd "+dir+" && for f in "+p+"; do printf '%s\\0' \"$f\"; done").Output()
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		got, ok := shellGlob(p)
		if !ok {
			t.Errorf("%-12s guard: unknown; bash %q", p, want)
			continue
		}
		if len(got) == 0 {
			got = []string{p}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%-12s guard %q, bash %q", p, got, want)
		}
	}
}
