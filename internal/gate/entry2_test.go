//go:build linux

package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestReadProcOddName: a process's name is the agent's to choose (the file
// it runs); one holding ") 1 2 (" does not shift the fields guard reads
// after it (parent, terminal).
func TestReadProcOddName(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a) 1 2 (b")
	if err := os.Symlink("/bin/sleep", name); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, "5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	p, ok := readProc(cmd.Process.Pid)
	if !ok {
		t.Fatal("readProc failed")
	}
	if p.ppid != os.Getpid() || p.comm != "a) 1 2 (b" || p.tty != controllingTerminal() {
		t.Errorf("readProc = %+v, want parent %d, name %q, terminal %d", p, os.Getpid(), "a) 1 2 (b", controllingTerminal())
	}
}
