package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers fails the test if dir holds temporary files.
func leftovers(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")

	if err := WriteFileAtomic(path, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "one" {
		t.Errorf("content = %q, want %q", got, "one")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&^0o640 != 0 {
		t.Errorf("perm = %v, want at most 0640", perm)
	}

	// Replacing makes a new inode: a reader holding the old one sees old data.
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := WriteFileAtomic(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "two" {
		t.Errorf("content = %q, want %q", got, "two")
	}
	buf := make([]byte, 8)
	n, _ := old.Read(buf)
	if string(buf[:n]) != "one" {
		t.Errorf("old reader saw %q, want %q", buf[:n], "one")
	}

	// Through a symlink: the target changes, the link stays.
	target := filepath.Join(dir, "real")
	if err := os.WriteFile(target, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, []byte("via link"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced: %v %v", fi, err)
	}
	if got := readString(t, target); got != "via link" {
		t.Errorf("target content = %q, want %q", got, "via link")
	}

	// Not regular files: refused, untouched.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(sub, []byte("x"), 0o600); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("WriteFileAtomic(directory) error = %v, want not a regular file", err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink("nowhere", dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dangling, []byte("x"), 0o600); err == nil {
		t.Errorf("WriteFileAtomic(dangling symlink) succeeded")
	}
	// A missing directory.
	if err := WriteFileAtomic(filepath.Join(dir, "nodir", "f"), []byte("x"), 0o600); err == nil {
		t.Errorf("WriteFileAtomic(missing dir) succeeded")
	}
	leftovers(t, dir)
}

func TestAppendPolicyRule(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "user.policy")

	if err := AppendPolicyRule(path, `prefix_rule(["git", "push"])`); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(dir, "a"), filepath.Join(dir, "a", "b")} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("dir %s: %v %v, want mode 0700", d, fi.Mode(), err)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&^0o600 != 0 {
		t.Errorf("file mode %v %v, want 0600", fi.Mode(), err)
	}
	if err := AppendPolicyRule(path, "prefix_rule([\"make\"])\n"); err != nil {
		t.Fatal(err)
	}
	want := "prefix_rule([\"git\", \"push\"])\nprefix_rule([\"make\"])\n"
	if got := readString(t, path); got != want {
		t.Errorf("content = %q, want %q", got, want)
	}

	// An old file without a final newline keeps its content and mode.
	old := filepath.Join(dir, "old.policy")
	if err := os.WriteFile(old, []byte("# mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := AppendPolicyRule(old, "r()"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, old); got != "# mine\nr()\n" {
		t.Errorf("content = %q", got)
	}
	if fi, err := os.Stat(old); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v %v, want 0644 kept", fi.Mode(), err)
	}

	for _, tt := range []struct{ path, rule string }{
		{"", "r()"},
		{path, " \n"},
		{filepath.Join(old, "x.policy"), "r()"}, // parent is a file
	} {
		if err := AppendPolicyRule(tt.path, tt.rule); err == nil {
			t.Errorf("AppendPolicyRule(%q, %q) succeeded, want error", tt.path, tt.rule)
		}
	}
	leftovers(t, filepath.Join(dir, "a", "b"))
	leftovers(t, dir)
}

// TestAppendPolicyRuleConcurrent checks that simultaneous appends lose no rule.
func TestAppendPolicyRuleConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "user.policy")
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- AppendPolicyRule(path, fmt.Sprintf("rule(%d)", i))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := readString(t, path)
	for i := range n {
		if !strings.Contains(got, fmt.Sprintf("rule(%d)\n", i)) {
			t.Errorf("rule(%d) lost", i)
		}
	}
	if lines := strings.Count(got, "\n"); lines != n {
		t.Errorf("%d lines, want %d", lines, n)
	}
}
