package install_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guard/install"
)

// newGuard writes a stand-in guard binary and returns its path.
func newGuard(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "guard")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

type fileState struct {
	ino   uint64
	mtime time.Time
	link  string
}

// snapshot records every entry of dir: inode, mtime and symlink target.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]fileState{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fileState{ino: fi.Sys().(*syscall.Stat_t).Ino, mtime: fi.ModTime()}
		if fi.Mode()&fs.ModeSymlink != 0 {
			st.link, _ = os.Readlink(p)
		}
		out[e.Name()] = st
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	out["."] = fileState{ino: fi.Sys().(*syscall.Stat_t).Ino, mtime: fi.ModTime()}
	return out
}

func statuses(rep install.Report) string {
	var b strings.Builder
	for _, r := range rep.Results {
		fmt.Fprintf(&b, "%s:%v ", r.Name, r.Status)
	}
	return strings.TrimSpace(b.String())
}

func TestShimsCreateAndRepeat(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/bin")
	dir := root + "/data/guard/shims" // parents missing too

	rep, err := install.Shims(dir, guard, []string{"rm", "git", "rm", "curl"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(rep), "curl:created git:created rm:created"; got != want {
		t.Errorf("first Shims = %s, want %s", got, want)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&^0o755 != 0 {
		t.Errorf("shim dir mode %v, want at most 0755", fi.Mode().Perm())
	}
	for _, name := range []string{"rm", "git", "curl"} {
		if target, err := os.Readlink(filepath.Join(dir, name)); err != nil || target != guard {
			t.Errorf("%s -> %q (%v), want -> %s", name, target, err, guard)
		}
	}

	before := snapshot(t, dir)
	time.Sleep(10 * time.Millisecond) // so that any rewrite would show in mtimes
	rep, err = install.Shims(dir, guard, []string{"curl", "git", "rm"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(rep), "curl:present git:present rm:present"; got != want {
		t.Errorf("second Shims = %s, want %s", got, want)
	}
	if after := snapshot(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("second Shims changed the directory:\nbefore %v\nafter  %v", before, after)
	}
}

func TestShimsNeverReplaceForeignFiles(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/bin")
	dir := root + "/shims"
	if err := os.MkdirAll(dir+"/cp", 0o755); err != nil { // a directory
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/rm", []byte("my own rm\n"), 0o755); err != nil { // a regular file
		t.Fatal(err)
	}
	if err := os.WriteFile(root+"/bin/tool", nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root+"/bin/tool", dir+"/mv"); err != nil { // a symlink elsewhere
		t.Fatal(err)
	}
	if err := os.Symlink(root+"/nowhere", dir+"/ln"); err != nil { // a dangling symlink, not to guard
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	rep, err := install.Shims(dir, guard, []string{"rm", "cp", "mv", "ln", "git"})
	if err != nil {
		t.Fatal(err)
	}
	want := "cp:not ours, left alone git:created ln:not ours, left alone mv:not ours, left alone rm:not ours, left alone"
	if got := statuses(rep); got != want {
		t.Errorf("Shims = %s, want %s", got, want)
	}
	var conflicts []string
	for _, c := range rep.Conflicts() {
		conflicts = append(conflicts, c.Name+" ("+c.Detail+")")
	}
	wantConflicts := []string{"cp (a directory)", "ln (a symlink to " + root + "/nowhere)", "mv (a symlink to " + root + "/bin/tool)", "rm (a regular file)"}
	if !slices.Equal(conflicts, wantConflicts) {
		t.Errorf("Conflicts = %q, want %q", conflicts, wantConflicts)
	}
	after := snapshot(t, dir)
	for name, st := range before {
		if name != "." && after[name] != st {
			t.Errorf("%s changed: %v -> %v", name, st, after[name])
		}
	}
	if b, _ := os.ReadFile(dir + "/rm"); string(b) != "my own rm\n" {
		t.Errorf("rm content = %q", b)
	}
}

func TestShimsUpdateStaleShims(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/new")
	old := newGuard(t, root+"/old")
	dir := root + "/shims"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"rm":   old,                     // another guard binary
		"mv":   root + "/gone/guard",    // a guard binary that was removed
		"cp":   "../new/../new/guard",   // this guard, spelled another way: leave it
		"curl": root + "/link-to-guard", // a symlink chain ending at another guard
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(old, root+"/link-to-guard"); err != nil {
		t.Fatal(err)
	}

	rep, err := install.Shims(dir, guard, []string{"rm", "mv", "cp", "curl"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(rep), "cp:present curl:updated mv:updated rm:updated"; got != want {
		t.Errorf("Shims = %s, want %s", got, want)
	}
	for name, want := range map[string]string{"rm": guard, "mv": guard, "curl": guard, "cp": "../new/../new/guard"} {
		if got, _ := os.Readlink(filepath.Join(dir, name)); got != want {
			t.Errorf("%s -> %s, want -> %s", name, got, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("shim dir holds %d entries, want 4 (no temporary files left)", len(entries))
	}
}

func TestShimsRefuse(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/bin")
	dir := root + "/shims"
	for _, tt := range []struct {
		name  string
		guard string
		names []string
	}{
		{"relative guard path", "bin/guard", []string{"rm"}},
		{"missing guard", root + "/nope/guard", []string{"rm"}},
		{"guard is a directory", root + "/bin", []string{"rm"}},
		{"slash in name", guard, []string{"rm", "a/b"}},
		{"empty name", guard, []string{""}},
		{"dot name", guard, []string{".."}},
		{"hidden name", guard, []string{".rm"}},
		{"guard's own name", guard, []string{"guard"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := install.Shims(dir, tt.guard, tt.names); err == nil {
				t.Errorf("Shims(%s, %q) succeeded, want an error", tt.guard, tt.names)
			}
			if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Shims(%s, %q) touched the disk: %v", tt.guard, tt.names, err)
			}
		})
	}
	if _, err := install.Shims(dir, guard, []string{"a/b"}); !errors.Is(err, install.ErrName) {
		t.Errorf("Shims with a bad name: error %v, want ErrName", err)
	}
}

func TestShimsConcurrent(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/bin")
	old := newGuard(t, root+"/old")
	dir := root + "/shims"
	names := install.CommonDangerous()
	// Half the names start as stale shims, so racers also meet in the
	// replace path; one is a foreign file that must survive every racer.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		if i%2 == 0 {
			if err := os.Symlink(old, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, "rm")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rm"), []byte("mine"), 0o755); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			rep, err := install.Shims(dir, guard, names)
			if err != nil {
				errs <- err
				return
			}
			for _, r := range rep.Results {
				if (r.Name == "rm") != (r.Status == install.NotOurs) {
					errs <- fmt.Errorf("%s: %v", r.Name, r.Status)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(names) {
		t.Errorf("shim dir holds %d entries, want %d (no temporary files left)", len(entries), len(names))
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if name == "rm" {
			if b, _ := os.ReadFile(p); string(b) != "mine" {
				t.Errorf("rm was replaced: %q", b)
			}
			continue
		}
		if target, err := os.Readlink(p); err != nil || target != guard {
			t.Errorf("%s -> %q (%v), want -> %s", name, target, err, guard)
		}
	}
}

func TestRemove(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/bin")
	dir := root + "/shims"
	if _, err := install.Shims(dir, guard, []string{"rm", "git"}); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"mv":                     root + "/old/guard", // a stale shim
		".cp.guard-tmp-0123abcd": guard,               // left by an interrupted install
		"ls":                     "/bin/ls",           // foreign
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(dir+"/notes.txt", []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir+"/sub", 0o755); err != nil {
		t.Fatal(err)
	}

	rep, err := install.Remove(dir, guard)
	if err != nil {
		t.Fatal(err)
	}
	want := ".cp.guard-tmp-0123abcd:removed git:removed ls:not ours, left alone mv:removed notes.txt:not ours, left alone rm:removed sub:not ours, left alone"
	if got := statuses(rep); got != want {
		t.Errorf("Remove = %s\nwant %s", got, want)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"ls", "notes.txt", "sub"}; !slices.Equal(left, want) {
		t.Errorf("left in dir: %q, want %q", left, want)
	}

	before := snapshot(t, dir)
	rep, err = install.Remove(dir, guard)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(install.Removed) != 0 || fmt.Sprint(snapshot(t, dir)) != fmt.Sprint(before) {
		t.Errorf("second Remove changed something: %s", statuses(rep))
	}

	if rep, err := install.Remove(root+"/missing", guard); err != nil || len(rep.Results) != 0 {
		t.Errorf("Remove of a missing dir = %v, %v; want nothing and no error", rep, err)
	}
	if _, err := install.Remove(dir, "bin/guard"); err == nil {
		t.Errorf("Remove with a relative guard path succeeded")
	}
}

// After the guard binary is gone, its shims dangle; Remove still knows them.
func TestRemoveAfterGuardIsGone(t *testing.T) {
	root := t.TempDir()
	guard := newGuard(t, root+"/bin")
	dir := root + "/shims"
	if _, err := install.Shims(dir, guard, []string{"rm"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root+"/elsewhere", dir+"/ls"); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(guard); err != nil {
		t.Fatal(err)
	}
	rep, err := install.Remove(dir, guard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(rep), "ls:not ours, left alone rm:removed"; got != want {
		t.Errorf("Remove = %s, want %s", got, want)
	}
}

func TestDefaultDir(t *testing.T) {
	for _, tt := range []struct {
		env     map[string]string
		want    string
		wantErr bool
	}{
		{map[string]string{"XDG_DATA_HOME": "/x/data", "HOME": "/home/u"}, "/x/data/guard/shims", false},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.local/share/guard/shims", false},
		{map[string]string{"XDG_DATA_HOME": "rel/data", "HOME": "/home/u"}, "/home/u/.local/share/guard/shims", false},
		{map[string]string{}, "", true},
		{map[string]string{"HOME": "relative"}, "", true},
	} {
		got, err := install.DefaultDir(func(k string) string { return tt.env[k] })
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("DefaultDir(%v) = %q, %v; want %q (error %v)", tt.env, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestCommonDangerous(t *testing.T) {
	names := install.CommonDangerous()
	for _, must := range []string{"rm", "mv", "chmod", "chown", "dd", "curl", "wget", "git", "sudo", "python3", "npm"} {
		if !slices.Contains(names, must) {
			t.Errorf("CommonDangerous lacks %s", must)
		}
	}
	for _, name := range names {
		if err := install.ValidName(name); err != nil {
			t.Errorf("CommonDangerous holds an invalid name: %v", err)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("CommonDangerous is not sorted")
	}
	names[0] = "changed"
	if install.CommonDangerous()[0] == "changed" {
		t.Errorf("CommonDangerous shares its slice with the caller")
	}
}

// The line must put the directory first on PATH when a shell evaluates it,
// whatever characters the directory holds.
func TestPathLine(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH to evaluate the line with")
	}
	for _, dir := range []string{
		"/home/u/.local/share/guard/shims",
		`/tmp/a b"c$HOME` + "`id`" + `\n'd`,
	} {
		line := install.PathLine(dir)
		out, err := exec.Command(sh, "-c", line+`; printf %s "$PATH"`).Output()
		if err != nil {
			t.Fatalf("sh -c %q: %v", line, err)
		}
		if want := dir + ":" + os.Getenv("PATH"); string(out) != want {
			t.Errorf("after %s PATH = %q, want %q", line, out, want)
		}
	}
	if got, want := install.PathLine("/d"), `export PATH="/d:$PATH"`; got != want {
		t.Errorf("PathLine(/d) = %s, want %s", got, want)
	}
	if advice := install.PathAdvice("/d"); !strings.Contains(advice, install.PathLine("/d")) || !strings.Contains(advice, ".profile") {
		t.Errorf("PathAdvice lacks the line or where to put it:\n%s", advice)
	}
}

func TestPathIndex(t *testing.T) {
	root := t.TempDir()
	dir := root + "/shims"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, root+"/link"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	for _, tt := range []struct {
		path string
		want int
	}{
		{dir + ":/usr/bin", 0},
		{"/usr/bin:" + dir + "/", 1},
		{"/usr/bin::" + root + "//shims/.", 2},
		{"/usr/bin:" + root + "/link", 1},
		{"shims:/usr/bin", -1}, // relative entries never count
		{"/usr/bin:/bin", -1},
	} {
		if got := install.PathIndex(dir, tt.path); got != tt.want {
			t.Errorf("PathIndex(%s, %q) = %d, want %d", dir, tt.path, got, tt.want)
		}
	}
	if got := install.PathIndex(root+"/missing", root+"/missing"); got != -1 {
		t.Errorf("PathIndex of a missing dir = %d, want -1", got)
	}
}
