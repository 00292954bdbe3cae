package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// readSoon is Read with a deadline: a Read that blocks fails the test
// instead of hanging it.
func readSoon(t *testing.T, path string, max int64) ([]byte, error) {
	t.Helper()
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := Read(path, max)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("Read(%s) blocked", path)
		return nil, nil
	}
}

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.policy")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"fifo": fifo, "directory": dir}
	for _, dev := range []string{"/dev/zero", "/dev/urandom", "/dev/tty"} {
		if _, err := os.Stat(dev); err == nil {
			cases[dev] = dev
		}
	}
	// A symbolic link to a FIFO is followed, then refused.
	link := filepath.Join(dir, "link.policy")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	cases["link to fifo"] = link
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := readSoon(t, path, 1<<20)
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("Read(%s) = %v, want ErrNotRegular", path, err)
			}
		})
	}
}

func TestReadLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 1025), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readSoon(t, big, 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read(1025 bytes, max 1024) = %v, want ErrTooLarge", err)
	}
	if b, err := readSoon(t, big, 1025); err != nil || len(b) != 1025 {
		t.Errorf("Read(1025 bytes, max 1025) = %d bytes, %v", len(b), err)
	}
	if _, err := readSoon(t, filepath.Join(dir, "missing"), 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want fs.ErrNotExist", err)
	}
	if b, err := readSoon(t, os.DevNull, 1); err != nil || len(b) != 0 {
		t.Errorf("Read(/dev/null) = %q, %v, want empty", b, err)
	}
}

// TestReadHead: the first bytes of a file of any size, and still nothing
// but a regular file (a FIFO is refused at once, never waited on).
func TestReadHead(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadHead(big, 4); err != nil || string(b) != "0123" {
		t.Errorf("ReadHead(10 bytes, 4) = %q, %v, want 0123", b, err)
	}
	if b, err := ReadHead(big, 100); err != nil || string(b) != "0123456789" {
		t.Errorf("ReadHead(10 bytes, 100) = %q, %v", b, err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadHead(fifo, 4); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadHead(fifo) = %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadHead(fifo) blocked")
	}
}

// TestOpen: a regular file opens, with what it is; a FIFO with no writer is
// refused at once (no wait), as are a directory and a device.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	file, fifo := filepath.Join(dir, "f"), filepath.Join(dir, "p")
	if err := os.WriteFile(file, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f, fi, err := Open(file)
	if err != nil || fi.Size() != 3 {
		t.Fatalf("Open(regular) = %v, %v", fi, err)
	}
	f.Close()
	for _, p := range []string{fifo, dir, "/dev/zero"} {
		if f, _, err := Open(p); !errors.Is(err, ErrNotRegular) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open(%s) = %v, want ErrNotRegular", p, err)
		}
	}
	if _, _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want not exist", err)
	}
}
