package protect

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func paths(fs []Found) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestResolve(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(tmp, "home")
	p := filepath.Join(tmp, "p")
	write(t, filepath.Join(home, ".ssh", "id_ed25519"), "k")
	write(t, filepath.Join(home, ".ssh", "id_ed25519.pub"), "k")
	write(t, filepath.Join(home, ".ssh", "known_hosts"), "k")
	write(t, filepath.Join(home, ".aws", "credentials"), "k")
	write(t, filepath.Join(home, ".bashrc"), "")
	git(t, tmp, "init", "-q", p)
	git(t, p, "config", "core.hooksPath", "tools/githooks")
	write(t, filepath.Join(p, "tools", "githooks", "pre-commit"), "")
	write(t, filepath.Join(p, ".env"), "K=1")
	write(t, filepath.Join(p, ".env.example"), "K=")
	write(t, filepath.Join(p, "app", ".env.local"), "K=1")
	write(t, filepath.Join(p, "app", "deep", "x", ".env"), "K=1")
	deepest := filepath.Join(p, "a", "b", "c", "d", "e", "f", "g", "h", ".env") // beyond ScanDepth
	write(t, deepest, "K=1")
	write(t, filepath.Join(p, ".vscode", "tasks.json"), "{}")
	write(t, filepath.Join(p, "main.go"), "")
	git(t, p, "init", "-q", "--bare", "docs")
	// A worktree elsewhere in the roots: its .git file names the gitdir.
	git(t, p, "commit", "-q", "--allow-empty", "-m", "x")
	wt := filepath.Join(tmp, "wt")
	git(t, p, "worktree", "add", "-q", wt)

	l := Default()
	prot, sec := l.Resolve([]string{p, wt}, []string{p, wt}, home)
	gotP, gotS := paths(prot), paths(sec)
	for _, want := range []string{
		filepath.Join(p, ".git", "hooks"), filepath.Join(p, ".git", "config"), filepath.Join(p, "tools", "githooks"),
		filepath.Join(p, ".vscode"), filepath.Join(p, "docs", "config"), filepath.Join(p, "docs", "hooks"),
	} {
		if !slices.Contains(gotP, want) {
			t.Errorf("protected: %s missing from %v", want, gotP)
		}
	}
	for _, bad := range []string{filepath.Join(p, ".git"), filepath.Join(p, ".git", "index"), filepath.Join(home, ".bashrc"), filepath.Join(p, "main.go")} {
		if slices.Contains(gotP, bad) {
			t.Errorf("protected: %s should not be in %v", bad, gotP)
		}
	}
	for _, want := range []string{
		filepath.Join(home, ".ssh", "id_ed25519"), filepath.Join(home, ".aws", "credentials"),
		filepath.Join(p, ".env"), filepath.Join(p, "app", ".env.local"), filepath.Join(p, "app", "deep", "x", ".env"),
	} {
		if !slices.Contains(gotS, want) {
			t.Errorf("secrets: %s missing from %v", want, gotS)
		}
	}
	for _, bad := range []string{filepath.Join(home, ".ssh", "id_ed25519.pub"), filepath.Join(home, ".ssh", "known_hosts"),
		filepath.Join(p, ".env.example"), deepest} {
		if slices.Contains(gotS, bad) {
			t.Errorf("secrets: %s should not be in %v", bad, gotS)
		}
	}

	// The worktree's root holds the main repository's hooks through its .git
	// file only when they lie in the roots: with the worktree alone they do
	// not, and only the .git file itself is protected (rewritten, it would
	// point git at a git directory of the program's choosing), with the
	// relative core.hooksPath the shared config names, made empty in the
	// worktree so that it can be kept read-only.
	prot, _ = l.Resolve([]string{wt}, []string{wt}, home)
	if got := paths(prot); !slices.Equal(got, []string{filepath.Join(wt, ".git"), filepath.Join(wt, "tools", "githooks")}) {
		t.Errorf("worktree alone: protected %v, want only its .git file and hooks path (its git directory is outside the roots)", got)
	}
	if ents, err := os.ReadDir(filepath.Join(wt, "tools", "githooks")); err != nil || len(ents) != 0 {
		t.Errorf("the worktree's missing hooks path: %v, %d entries; want it made empty", err, len(ents))
	}
	// With the main repository's .git as a root too, the worktree's gitdir is resolved.
	prot, _ = l.Resolve([]string{wt, filepath.Join(p, ".git")}, []string{wt}, home)
	if got := paths(prot); !slices.Contains(got, filepath.Join(p, ".git", "hooks")) || !slices.Contains(got, filepath.Join(p, ".git", "config")) {
		t.Errorf("worktree with its common dir in the roots: protected %v, want the common hooks and config", got)
	}

	// Home as a root: its shell start-up files are protected.
	prot, _ = l.Resolve([]string{home}, nil, home)
	if got := paths(prot); !slices.Contains(got, filepath.Join(home, ".bashrc")) {
		t.Errorf("home as a root: protected %v, want ~/.bashrc", got)
	}
}

func TestApply(t *testing.T) {
	l := Default()
	err := l.Apply(Adjust{Unprotected: []string{".git/hooks", "/p/.vscode/settings.json"}, Protected: []string{"Makefile"},
		NotSecret: []string{"~/.npmrc", "/p/test.pem"}, Secrets: []string{"*.secret"}, SecretEnvAllow: []string{"MY_TOKEN"}, SecretEnv: []string{"*_AUTH"}})
	if err != nil {
		t.Fatal(err)
	}
	const home = "/home/u"
	for _, tt := range []struct {
		kind Kind
		path string
		want bool
	}{
		{Protected, "/p/.git/hooks/pre-commit", false},
		{Protected, "/p/.git/config", true},
		{Protected, "/p/.vscode/settings.json", false},
		{Protected, "/p/.vscode/tasks.json", true},
		{Protected, "/p/Makefile", true},
		{Secret, "/home/u/.npmrc", false},
		{Secret, "/p/test.pem", false},
		{Secret, "/p/other.pem", true},
		{Secret, "/p/x.secret", true},
	} {
		if got := l.Match(tt.kind, tt.path, home) != nil; got != tt.want {
			t.Errorf("after Apply: Match(%s, %s) = %v, want %v", tt.kind, tt.path, got, tt.want)
		}
	}
	if l.SecretEnvName("MY_TOKEN") || !l.SecretEnvName("GIT_AUTH") {
		t.Errorf("secret_env_allow / secret_env not applied")
	}
	if err := Default().Apply(Adjust{Secrets: []string{"[x"}}); err == nil {
		t.Errorf("Apply with a malformed pattern: no error")
	}
	if err := Default().Apply(Adjust{Protected: []string{" "}}); err == nil {
		t.Errorf("Apply with an empty pattern: no error")
	}
}

func TestScrubEnv(t *testing.T) {
	got := Default().ScrubEnv([]string{"PATH=/bin", "OPENAI_API_KEY=sk", "HOME=/h", "GITHUB_TOKEN=x", "KEYTIMEOUT=1", "BAD"})
	want := []string{"PATH=/bin", "HOME=/h", "KEYTIMEOUT=1", "BAD"}
	if !slices.Equal(got, want) {
		t.Errorf("ScrubEnv = %v, want %v", got, want)
	}
}

// The home secrets are found through the listings of home and ~/.config
// (where the list looks for many names), those absent are skipped, and the
// account's home, given as absolute entries, is listed the same way.
func TestResolveListedDirectories(t *testing.T) {
	home := t.TempDir()
	other := t.TempDir()
	for _, p := range []string{".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc", ".aws/credentials", ".config/unrelated"} {
		write(t, filepath.Join(home, p), "k")
		write(t, filepath.Join(other, p), "k")
	}
	l := Default()
	for _, e := range Default().Entries {
		if rest, ok := strings.CutPrefix(e.Pattern, "~/"); ok {
			l.Add(e.Kind, e.Reason, filepath.Join(other, rest))
		}
	}
	_, sec := l.Resolve(nil, nil, home)
	got := paths(sec)
	for _, h := range []string{home, other} {
		for _, p := range []string{".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc", ".aws/credentials"} {
			if !slices.Contains(got, filepath.Join(h, p)) {
				t.Errorf("%s not found: %v", filepath.Join(h, p), got)
			}
		}
	}
}

// A directory that cannot be listed proves nothing: the entry is looked up.
func TestMissingUnlistable(t *testing.T) {
	r := &resolver{below: map[string]int{"/h": listBelow, "/h/.config": listBelow}, names: map[string][]string{
		"/h": nil, "/h/.config": {"gh"}}}
	if r.missing("/h/.ssh/id_rsa") {
		t.Error("an unlistable directory hid an entry")
	}
	if !r.missing("/h/.config/hub/hosts") {
		t.Error("a name absent from a listing was not skipped")
	}
	if r.missing("/h/.config/gh/hosts.yml") {
		t.Error("a listed name was skipped")
	}
	if r.missing("/h/.config/*/x") {
		t.Error("a glob on the way was skipped")
	}
}

// A directory that does not exist proves that nothing below it does (an
// account's home of /nonexistent): no lstat per entry.
func TestMissingAbsentDir(t *testing.T) {
	dir := t.TempDir()
	r := &resolver{below: map[string]int{dir + "/gone": listBelow, dir + "/file": listBelow}, names: map[string][]string{}}
	write(t, filepath.Join(dir, "file"), "")
	for _, p := range []string{dir + "/gone/.ssh/id_rsa", dir + "/file/x"} {
		if !r.missing(p) {
			t.Errorf("%s: below a path that is not a directory, not found missing", p)
		}
	}
}

// A directory closed to this process hides nothing it could reach; one it
// may search but not list proves nothing.
func TestMissingClosedDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root searches every directory")
	}
	dir := t.TempDir()
	closed, searchOnly := filepath.Join(dir, "closed"), filepath.Join(dir, "x")
	for d, mode := range map[string]os.FileMode{closed: 0, searchOnly: 0o100} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(d, 0o700) })
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
	}
	r := &resolver{below: map[string]int{closed: listBelow, searchOnly: listBelow}, names: map[string][]string{}}
	if !r.missing(closed + "/.ssh/id_rsa") {
		t.Error("below a directory closed to this process, not found missing")
	}
	if r.missing(searchOnly + "/.ssh/id_rsa") {
		t.Error("below a directory this process may search, found missing")
	}
}

// TestResolveBreadthFirst: the scan's budget of ScanDirs directories goes to
// the levels nearest the root first: a directory with many subdirectories
// does not take it all before a .env next to it is seen.
func TestResolveBreadthFirst(t *testing.T) {
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	p := filepath.Join(tmp, "p")
	for i := range 2 * ScanDirs {
		if err := os.MkdirAll(filepath.Join(p, "a", fmt.Sprintf("s%d", i), "x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"b", "c", "z"} {
		write(t, filepath.Join(p, d, ".env"), "K=1")
	}
	_, sec := Default().Resolve([]string{p}, []string{p}, "")
	got := paths(sec)
	for _, d := range []string{"b", "c", "z"} {
		if want := filepath.Join(p, d, ".env"); !slices.Contains(got, want) {
			t.Errorf("%s missing from %v", want, got)
		}
	}
}
