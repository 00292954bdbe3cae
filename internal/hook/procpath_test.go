package hook

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestThroughProcLink: paths an agent's file tool opens in its own process
// through its working directory or descriptors in /proc, reached directly,
// through /dev/fd, through a symlink to /proc/self, or with .. after the
// link (hooks-6 H6-2); and paths that go through none.
func TestThroughProcLink(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self", filepath.Join(dir, "me")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "plain")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop", filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"/proc/self/cwd/key", "/proc/self/cwd", "/proc/thread-self/cwd/key", "/proc/self/cwd/../../x",
		"/proc/self/task/" + strconv.Itoa(os.Getpid()) + "/cwd/x", "/proc/" + strconv.Itoa(os.Getpid()) + "/cwd/x",
		"/dev/fd/3", "/dev/stdin", "/dev/fd/../cwd/x", "/proc/self/fd/0", "/proc/self/map_files/x",
		"/proc/self/root/proc/self/cwd/x", dir + "/me/cwd/x", dir + "/me/cwd/../../../" + dir + "/x",
		dir + "/./me/../self/cwd", // me/.. is /proc
	} {
		if got := ThroughProcLink(p); !strings.HasPrefix(got, "/proc/") {
			t.Errorf("ThroughProcLink(%q) = %q, want a /proc link", p, got)
		}
	}
	for _, p := range []string{
		"/etc/hostname", dir + "/plain", dir + "/missing/../x", "/proc/self/status", "/proc/cpuinfo",
		"/proc/self/root/etc/hostname", "relative/path", dir + "/loop/x", "/proc/self/cwdx",
	} {
		if got := ThroughProcLink(p); got != "" && !(p == dir+"/loop/x" && got == dir+"/loop") {
			t.Errorf("ThroughProcLink(%q) = %q, want none", p, got)
		}
	}
}

// TestProcMagicMatchesPattern holds the written-out matcher to the pattern
// it stands for, /proc/PID[/task/TID]/{cwd,fd,map_files}, on near misses.
func TestProcMagicMatchesPattern(t *testing.T) {
	want := regexp.MustCompile(`^/proc/[0-9]+(/task/[0-9]+)?/(cwd|fd|map_files)$`)
	parts := []string{"", "/", "/proc", "/proc/", "1", "12", "x", "/task", "/task/", "/cwd", "/fd", "/fd/", "/map_files", "/cwdx", "self", "/exe", "//"}
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		if got := procMagic(prefix); got != want.MatchString(prefix) {
			t.Errorf("procMagic(%q) = %v, the pattern says %v", prefix, got, !got)
		}
		if depth == 0 {
			return
		}
		for _, p := range parts {
			walk(prefix+p, depth-1)
		}
	}
	walk("", 5)
}
