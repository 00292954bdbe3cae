package sandbox

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestFilesOnly: the profile auto-edit runs its writing commands with confines
// the file system and nothing else: writes outside the roots fail (through a
// symlink too), while the network, Unix sockets and every syscall stay as they
// are, and no seccomp filter is loaded.
func TestFilesOnly(t *testing.T) {
	requireSandbox(t)
	f := newFixture(t, t.TempDir())
	p := &Profile{WritableRoots: []string{f.root}, FilesOnly: true}
	for _, tt := range []struct {
		attack string
		args   []string
		works  bool
	}{
		{"write", []string{f.file}, false},
		{"create", []string{f.outside + "/new"}, false},
		{"symlink-write", []string{f.file, f.root + "/link"}, false},
		{"create", []string{f.root + "/new"}, true},
		{"tcp-listen", nil, true},
		{"netlink-socket", nil, true},
		{"dgram-socketpair-sendto", []string{f.root + "/nobody-listens"}, false}, // ECONNREFUSED, not EPERM
	} {
		o := child{attack: &attackSpec{Name: tt.attack, Args: tt.args}, profile: p}.run(t)
		if o.ok != tt.works {
			t.Errorf("files only: %s %v: %s, want ok=%v", tt.attack, tt.args, o, tt.works)
		}
		if tt.attack == "dgram-socketpair-sendto" && strings.Contains(o.msg, "socketpair") {
			t.Errorf("files only: socketpair refused (%s): no seccomp filter should be loaded", o)
		}
	}
	if readString(f.file) != original {
		t.Error("the file outside the roots changed")
	}
	o := child{profile: p, path: "/bin/cat", argv: []string{"cat", "/proc/self/status"}}.run(t)
	if !strings.Contains(o.stdout, "Seccomp:\t0") || !strings.Contains(o.stdout, "NoNewPrivs:\t1") {
		t.Errorf("files only: want no seccomp filter and no_new_privs:\n%s%s", o.stdout, o.stderr)
	}
}

// TestUnreachableRoot: a writable root the user cannot reach (under a directory
// it may not search) grants nothing and stops nothing: the other roots work.
func TestUnreachableRoot(t *testing.T) {
	requireSandbox(t)
	requireRoot(t, "switching to an ordinary user needs root")
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	chownFixture(t, f, cred)
	locked := filepath.Join(base, "locked")
	if err := os.MkdirAll(filepath.Join(locked, "root"), 0o700); err != nil {
		t.Fatal(err)
	}
	p := &Profile{WritableRoots: []string{filepath.Join(locked, "root"), f.root}}
	o := child{attack: &attackSpec{Name: "create", Args: []string{filepath.Join(f.root, "new")}}, profile: p, exe: exe, cred: cred, dir: f.root}.run(t)
	if !o.ok {
		t.Errorf("create in the reachable root, with an unreachable one beside it: %s\n%s", o, o.stderr)
	}
}

// TestManyRoots: with more roots than the thread's descriptor table is shared
// for (each a mount copy as root), every root is writable and nothing else is.
func TestManyRoots(t *testing.T) {
	requireSandbox(t)
	f := newFixture(t, t.TempDir())
	roots := []string{f.root}
	for i := 0; i < 40; i++ {
		r := filepath.Join(filepath.Dir(f.root), "r"+strconv.Itoa(i))
		if err := os.Mkdir(r, 0o755); err != nil {
			t.Fatal(err)
		}
		roots = append(roots, r)
	}
	p := &Profile{WritableRoots: roots}
	for _, tt := range []struct {
		attack string
		path   string
		works  bool
	}{
		{"create", filepath.Join(roots[1], "new"), true},
		{"create", filepath.Join(roots[40], "new"), true},
		{"create", filepath.Join(f.root, "new"), true},
		{"create", filepath.Join(f.outside, "new"), false},
		{"write", f.file, false},
		{"chmod", f.file, os.Geteuid() != 0}, // an ordinary user's own file: the documented limit
	} {
		o := child{attack: &attackSpec{Name: tt.attack, Args: []string{tt.path}}, profile: p}.run(t)
		if o.ok != tt.works {
			t.Errorf("41 roots: %s %s: %s, want ok=%v", tt.attack, tt.path, o, tt.works)
		}
	}
	if readString(f.file) != original {
		t.Error("the file outside the roots changed")
	}
}
