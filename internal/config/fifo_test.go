package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesFIFO: GUARD_CONFIG naming a FIFO is refused at once; guard
// used to wait forever for a writer.
func TestLoadRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "config.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(env(map[string]string{"GUARD_CONFIG": fifo}))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Load(GUARD_CONFIG=FIFO) error = %v, want not a regular file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load(GUARD_CONFIG=FIFO) blocked")
	}
}
