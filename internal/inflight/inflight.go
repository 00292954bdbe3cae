//go:build unix

// Package inflight records the commands guard is running confined or
// sandboxed, while they run, so that the hook judging an agent's own edit
// can tell that one of them may be changing the tree under the path judged.
//
// An agent's file tool writes after guard's hook has answered, outside any
// sandbox: a command still running (started in the background, or a Codex
// session left running) can put a symbolic link where the judged path had
// a directory between the two, and the write lands where the link leads.
//
// A record is a file named by guard's process id in a directory of guard's
// own state, which sandboxed commands cannot write. It holds the run's
// writable roots, NUL-separated, and is locked (flock) through a descriptor
// guard keeps open, close-on-exec, until it exits: guard stays the parent
// of what it runs confined, so the lock lasts as long as the run, and the
// command cannot release it. A record nobody holds is stale and removed by
// the next Live. Limits: only guard's runs are seen (a command a person
// approved runs as the agent's own), and a run that starts after the hook
// looked (an agent that runs tools in parallel) is not.
package inflight

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Run is a guard run in flight.
type Run struct {
	Pid   int
	Roots []string
}

// Hold records this process as a run whose writes reach roots, in dir
// (which the caller makes, as guard makes its state directories), for the rest of the process's life, and
// removes the records nobody holds. The record is written and locked
// under a temporary name, then renamed into place, so that Live never
// takes a record being made for a stale one.
func Hold(dir string, roots []string) error {
	name := strconv.Itoa(os.Getpid())
	tmp := filepath.Join(dir, "."+name)
	fd, err := unix.Open(tmp, unix.O_CREAT|unix.O_TRUNC|unix.O_WRONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		unix.Close(fd)
		return err
	}
	data := []byte(strings.Join(roots, "\x00"))
	if _, err := unix.Write(fd, data); err != nil {
		unix.Close(fd)
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		unix.Close(fd)
		os.Remove(tmp)
		return err
	}
	// fd stays open, and locked, until the process exits. Nothing removes
	// the record then (guard exits from inside the sandbox's wait, or execs
	// in place): each Hold clears those of the guards that have ended, so
	// that the directory holds the runs in flight and the few since the
	// last one, not one file for every run ever made.
	_, err = Live(dir)
	return err
}

// Live returns the runs recorded in dir whose guard still holds its
// record, and removes the records nobody holds. A missing dir has none.
func Live(dir string) ([]Run, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !e.Type().IsRegular() {
			continue // a record being made (.PID), or not a record
		}
		p := filepath.Join(dir, e.Name())
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
		if err == unix.ENOENT {
			continue // removed meanwhile
		}
		if err != nil {
			// Unreadable (a chmod, which no sandbox stops outside the
			// roots): a run whose roots are unknown.
			runs = append(runs, Run{Pid: pid, Roots: []string{"/"}})
			continue
		}
		if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err == nil {
			os.Remove(p) // stale: its guard has exited
			unix.Close(fd)
			continue
		}
		var buf bytes.Buffer
		chunk := make([]byte, 4096)
		for {
			n, err := unix.Read(fd, chunk)
			if n <= 0 || err != nil {
				break
			}
			buf.Write(chunk[:n])
		}
		unix.Close(fd)
		r := Run{Pid: pid}
		for _, root := range strings.Split(buf.String(), "\x00") {
			if root != "" {
				r.Roots = append(r.Roots, root)
			}
		}
		runs = append(runs, r)
	}
	return runs, nil
}
