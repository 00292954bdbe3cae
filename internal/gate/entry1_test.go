package gate

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBuiltinRest: the words `command`, `exec` and `time` take before the
// command they run, as the shells read them; anything else runs nothing.
func TestBuiltinRest(t *testing.T) {
	for _, tt := range []struct {
		argv        string
		rest        string
		defaultPath bool
		ok          bool
	}{
		{"exec ls -l", "ls -l", false, true},
		{"exec -- ls", "ls", false, true},
		{"exec -- -x", "-x", false, true},
		{"command ls", "ls", false, true},
		{"command -p ls", "ls", true, true},
		{"command -pp -- ls", "ls", true, true},
		{"command -- -p", "-p", false, true},
		{"time -p ls", "ls", false, true},
		{"time ls", "ls", false, true},
		{"exec bash -c x y", "bash -c x y", false, true},
		{"command exec ls", "exec ls", false, true},
		{"exec -a x ls", "", false, false},
		{"exec -c ls", "", false, false},
		{"exec -l ls", "", false, false},
		{"command -v ls", "", false, false},
		{"command -V ls", "", false, false},
		{"command -pv ls", "", false, false},
		{"time -o f ls", "", false, false},
		{"time -v ls", "", false, false},
		{"exec", "", false, false},
		{"exec --", "", false, false},
		{"command -p", "", false, false},
		{"timeout 5 ls", "", false, false},
		{"ls", "", false, false},
	} {
		rest, dp, ok := builtinRest(strings.Fields(tt.argv))
		if ok != tt.ok || dp != tt.defaultPath || strings.Join(rest, " ") != tt.rest {
			t.Errorf("builtinRest(%s) = %q, %v, %v; want %q, %v, %v", tt.argv, rest, dp, ok, tt.rest, tt.defaultPath, tt.ok)
		}
	}
}

// TestEntryDirs: a PATH entry names what every shell reads it as: bash
// expands a leading tilde (~, ~/x, ~user, ~+, ~-), the others take the
// entry below the working directory.
func TestEntryDirs(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	g := newGate(t, dir, Options{}, "HOME="+home, "OLDPWD=/old")
	root := passwdHomeOf("root")
	if root == "" {
		t.Skip("no root entry in /etc/passwd")
	}
	for _, tt := range []struct {
		entry string
		want  []string
	}{
		{"/usr/bin", []string{"/usr/bin"}},
		{"", []string{"/w"}},
		{"bin", []string{"/w/bin"}},
		{".", []string{"/w/."}}, // joined as the shell joins it, not cleaned
		{"~", []string{"/w/~", home}},
		{"~/.yarn/bin", []string{"/w/~/.yarn/bin", filepath.Join(home, ".yarn/bin")}},
		{"~/bin/", []string{"/w/~/bin/", filepath.Join(home, "bin")}},
		{"~+/bin", []string{"/w/~+/bin", "/w/bin"}},
		{"~-/bin", []string{"/w/~-/bin", "/old/bin"}},
		{"~root/bin", []string{"/w/~root/bin", filepath.Join(root, "bin")}},
		{"~no-such-user-e1/bin", []string{"/w/~no-such-user-e1/bin"}},
		{"x/~/bin", []string{"/w/x/~/bin"}},
	} {
		if got := g.entryDirs(tt.entry, "/w"); !slices.Equal(got, tt.want) {
			t.Errorf("entryDirs(%q) = %q, want %q", tt.entry, got, tt.want)
		}
	}
}

// TestTildeEntryLookup: with PATH="~/.yarn/bin:/usr/bin", a program in
// HOME/.yarn/bin is what bash runs, so lookup finds it; and where both the
// expanded and the literal directory hold one, the one in a writable root
// is the answer.
func TestTildeEntryLookup(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	if err := os.MkdirAll(filepath.Join(dir, ".yarn/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".yarn/bin/ls"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	g := newGate(t, dir, Options{}, "PATH=~/.yarn/bin:/usr/bin:/bin")
	bin, _ := g.lookup("ls", nil)
	if bin != filepath.Join(dir, ".yarn/bin/ls") {
		t.Fatalf("lookup(ls) = %q, want the file bash runs, %s/.yarn/bin/ls", bin, dir)
	}
	if why := g.PathWrite([]string{filepath.Join(dir, ".yarn/bin/cat")}); why == "" {
		t.Errorf("PathWrite(.yarn/bin/cat) = \"\", want it named a write into a directory on PATH")
	}
}

// TestPathEntries: PATH as the shells read it: an empty PATH is one empty
// entry (the working directory), no PATH at all bash's default (ending in
// "."), the last PATH entry of the environment the one that counts.
func TestPathEntries(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		want []string
	}{
		{[]string{"PATH=/a:/b"}, []string{"/a", "/b"}},
		{[]string{"PATH="}, []string{""}},
		{[]string{"PATH=/a::/b"}, []string{"/a", "", "/b"}},
		{[]string{"PATH=/a:"}, []string{"/a", ""}},
		{[]string{"HOME=/h"}, strings.Split(bashDefaultPath, ":")},
		{[]string{"PATH=/x", "PATH=/y"}, []string{"/y"}},
	} {
		g := &Gate{Env: tt.env}
		if got := g.pathEntries(); !slices.Equal(got, tt.want) {
			t.Errorf("pathEntries(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
	if !strings.HasSuffix(bashDefaultPath, ":.") {
		t.Errorf("bashDefaultPath %q: bash's default ends in the working directory", bashDefaultPath)
	}
}

// TestLookupMatchesShells: for PATH shapes that bash and dash read their own
// way (a leading tilde, empty and relative entries, an empty PATH, none at
// all), a program either shell would run from a writable root is one guard's
// lookup finds in a writable root too (so a rule's verdict becomes
// unverified): real bash (`type -P`), dash (`command -v`) and zsh (`whence
// -p`, where installed) answer.
func TestLookupMatchesShells(t *testing.T) {
	for _, sh := range []string{"bash", "dash"} { // and zsh where installed
		if _, err := exec.LookPath(sh); err != nil {
			t.Skipf("%s is not installed", sh)
		}
	}
	paths := []string{"~/bin:/usr/bin:/bin", "~/.yarn/bin/:/usr/bin", "~+/bin:/usr/bin", "~:/usr/bin", "",
		":", ":/usr/bin", "/usr/bin:", ".", "bin", "./bin:/usr/bin", "/usr/bin::/bin", "unset"}
	places := []string{"home/bin", "home/.yarn/bin", "home", "work/bin", "work"}
	for _, pathEnv := range paths {
		for _, place := range places {
			dir, _ := filepath.EvalSymlinks(t.TempDir()) // the TMPDIR guard is given: a writable root
			home, work := filepath.Join(dir, "home"), filepath.Join(dir, "work")
			if err := os.MkdirAll(filepath.Join(dir, place), 0o755); err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(work, 0o755)
			if err := os.WriteFile(filepath.Join(dir, place, "e1prog"), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			env := []string{"HOME=" + home, "PWD=" + work, "XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"), "TMPDIR=" + dir}
			if pathEnv != "unset" {
				env = append(env, "PATH="+pathEnv)
			}
			t.Chdir(work)
			g, err := New(Options{}, env, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			bin, real := g.lookup("e1prog", nil)
			for _, q := range [][]string{{"bash", "-c", "type -P e1prog"}, {"dash", "-c", "command -v e1prog"}, {"zsh", "-f", "-c", "whence -p e1prog"}} {
				sh, err := exec.LookPath(q[0])
				if err != nil {
					continue // zsh is optional
				}
				cmd := exec.Command(sh, q[1:]...)
				cmd.Env, cmd.Dir = env, work
				out, _ := cmd.Output()
				found := strings.TrimSpace(string(out))
				if found == "" {
					continue
				}
				if !filepath.IsAbs(found) {
					found = filepath.Join(work, found)
				}
				if bin == "" || !g.insideRoot(real) {
					t.Errorf("PATH %q, e1prog in %s: %s runs %s (in a writable root), guard's lookup found %q", pathEnv, place, q[0], found, bin)
				}
			}
		}
	}
}
