package policy

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDeviceNeverReadable: a device, a FIFO or a socket is never a
// ReadableFile: by name (/dev/pts/3, /dev/watchdog, /dev/tty*,
// /dev/input/*, /proc/PID/fd/N, /dev/stdin), and by what a path leads to
// (a symlink in the project to /dev/tty, a FIFO). The memory devices null,
// zero, full, random and urandom, and directories, stay readable.
func TestDeviceNeverReadable(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/tty", filepath.Join(dir, "tty-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/fd/0", filepath.Join(dir, "in")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	set := Set{def}
	for _, argv := range [][]string{
		{"cat", "/dev/pts/3"}, {"cat", "/dev/pts/0"}, {"cat", "/dev/watchdog"}, {"cat", "/dev/watchdog0"},
		{"cat", "/dev/tty"}, {"cat", "/dev/tty1"}, {"cat", "/dev/ttyS0"}, {"head", "-c", "10", "/dev/input/event0"},
		{"cat", "/dev/stdin"}, {"cat", "/dev/fd/0"}, {"cat", "/proc/self/fd/0"}, {"cat", "/proc/1/fd/3"},
		{"cat", "/dev/sda"}, {"cat", "/dev/mem"}, {"cat", "/dev/kmsg"}, {"cat", "/proc/kmsg"}, {"cat", "/dev//pts/../pts/3"},
		{"wc", "-l", "/dev/ptmx"}, {"cat", "fifo"}, {"cat", "tty-link"}, {"cat", filepath.Join(dir, "fifo")},
		{"bash", "-c", "cat < fifo"}, {"bash", "-c", "cat < /dev/pts/3"}, {"bash", "-c", "cat tty-link | head"},
	} {
		v := set.Judge(argv, dir)
		if v.Class == Safe || v.Class == Match {
			t.Errorf("Judge(%q) = %s, want unverified (a device, not a file)", argv, v.Class)
		}
	}
	for _, argv := range [][]string{
		{"cat", "/dev/null"}, {"head", "-c", "16", "/dev/urandom"}, {"head", "-c", "1", "/dev/zero"},
		{"cat", "plain"}, {"ls", "/dev"}, {"ls", "/dev/shm"},
	} {
		if v := set.Judge(argv, dir); v.Class != Safe {
			t.Errorf("Judge(%q) = %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	// guard check, which has no working directory, judges by name.
	if r := set.Check([]string{"cat", "/dev/pts/3"}); r.Class != Unverified || r.Err == nil || r.Err.Type != ErrDeviceFile {
		t.Errorf("Check(cat /dev/pts/3) = %s %v, want unverified DeviceFile", r.Class, r.Err)
	}
}
