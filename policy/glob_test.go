package policy

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestShellGlobAgainstBash expands patterns with shellGlob and with the real
// bash in the same directory: bracket expressions ([!x], [^x], [[:alpha:]],
// []x], a [ with no ]) must name the same files (the leading-dot rule, which
// callers apply themselves, is applied here to both). A POSIX class may
// match more names beyond ASCII than bash does in its locale, never fewer.
func TestShellGlobAgainstBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	for _, f := range []string{".env", ".envrc", "a.txt", "b.txt", "B.txt", "]x", "!e", "[a", "-x", "e-", "é.txt", "a^b", "x\\y", "9z"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{
		".[!.]*", ".[^.]*", ".[[:alpha:]]nv", ".[[:lower:]]*", ".e[!x]v", ".[]e]nv", "[]]x", "[!]]x", "[[]a", "[a", "[a-]*",
		"[-e]*", "[!a-z]*", "[[:upper:]].txt", "[[:digit:]]z", "[[:alpha:][:digit:]]*", "[é].txt", "a[\\^]b", "x\\\\y",
		"[[:punct:]]*", "[!.]*", ".[e-f]nv", "[a-c].txt", ".??*", ".e[n]v*", "[[:space:]]*", "*[[:alnum:]]",
	} {
		script := "cd " + dir + " && shopt -s nullglob && for f in " + p + "; do printf '%s\\n' \"$f\"; done"
		out, err := exec.Command(bash, "-c", script).Output()
		if err != nil {
			t.Fatalf("bash %q: %v", p, err)
		}
		want := strings.Fields(string(out))
		if want == nil {
			want = []string{}
		}
		matches, ok := shellGlob(globAbsolute(p, dir))
		if !ok {
			t.Errorf("%q: shellGlob cannot read it; bash: %q", p, want)
			continue
		}
		got := []string{}
		for _, m := range matches {
			if b := filepath.Base(m); !strings.HasPrefix(b, ".") || strings.HasPrefix(p, ".") {
				got = append(got, b)
			}
		}
		// The classes a locale may widen take in every non-ASCII name:
		// more than bash in the C locale, never less.
		got = slices.DeleteFunc(got, func(n string) bool {
			return !slices.Contains(want, n) && strings.IndexFunc(n, func(r rune) bool { return r > 127 }) >= 0
		})
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: shellGlob %q, bash %q", p, got, want)
		}
	}
	if _, ok := shellPattern("[[=a=]]"); ok {
		t.Error("[[=a=]] (an equivalence class) was rewritten")
	}
}
