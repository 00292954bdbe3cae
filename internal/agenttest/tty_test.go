//go:build linux

package agenttest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ttyIdle is how long runTTY waits with no output from the agent before it
// ends the run: the agent then waits for a person (its next prompt once the
// script is done). ttyLimit ends it in any case: a permission prompt keeps
// redrawing while it waits for a person who never comes.
const (
	ttyIdle  = 10 * time.Second
	ttyLimit = 45 * time.Second
)

// runTTY runs Claude Code interactively: on a new pseudo-terminal, with the
// prompt as its argument and not -p, its onboarding done and the project's
// trust dialog accepted (as for any project a person has used it in). Nobody
// answers a prompt: the run ends once the agent has printed nothing for
// ttyIdle, or after ttyLimit, so what ran, ran without a person.
func (s *session) runTTY() {
	s.t.Helper()
	if s.a.name != "claude-code" {
		s.t.Fatalf("runTTY drives Claude Code only, not %s", s.a.name)
	}
	cfg := filepath.Join(s.claudeDir(), ".claude.json")
	if !exists(cfg) {
		s.write(cfg, `{"hasCompletedOnboarding": true, "theme": "dark", "numStartups": 3,
  "customApiKeyResponses": {"approved": ["sk-ant-test-key"], "rejected": []},
  "projects": {`+strconv.Quote(s.project)+`: {"hasTrustDialogAccepted": true, "hasCompletedProjectOnboarding": true}}}`)
	}
	argv, extra := s.a.command(s)
	// The same command without -p and its prompt: the prompt as the
	// first argument starts the interactive session with it.
	var args []string
	for i := 1; i < len(argv); i++ {
		if argv[i] == "-p" {
			i++
			continue
		}
		args = append(args, argv[i])
	}
	args = append([]string{"Do the task."}, args...)

	master, slave, err := openPTY()
	if err != nil {
		s.t.Fatalf("a pseudo-terminal: %v", err)
	}
	defer master.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], args...)
	cmd.Env = append(s.env(), extra...)
	for i, e := range cmd.Env {
		if e == "TERM=dumb" {
			cmd.Env[i] = "TERM=xterm-256color"
		}
	}
	for _, e := range s.c.env {
		cmd.Env = append(cmd.Env, expand(e, s))
	}
	cmd.Dir = s.project
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		slave.Close()
		s.t.Fatal(err)
	}
	slave.Close()

	var (
		mu   sync.Mutex
		out  bytes.Buffer
		last = time.Now()
	)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				mu.Lock()
				out.Write(buf[:n])
				last = time.Now()
				mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case err := <-done:
			if err != nil {
				s.t.Logf("%s exited: %v", s.a.name, err)
			}
			break loop
		case <-tick.C:
			mu.Lock()
			idle := time.Since(last)
			mu.Unlock()
			if idle > ttyIdle || time.Since(start) > ttyLimit {
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				break loop
			}
		}
	}
	mu.Lock()
	s.out = out.String()
	mu.Unlock()
	if ctx.Err() != nil {
		s.t.Fatalf("%s did not finish in time; output:\n%s", s.a.name, tail(s.out))
	}
}

// openPTY opens a new pseudo-terminal pair, 50 rows by 160 columns.
func openPTY() (master, slave *os.File, err error) {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 50, Col: 160})
	sfd, err := unix.Open("/dev/pts/"+strconv.Itoa(n), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, os.NewFile(uintptr(sfd), "/dev/pts/"+strconv.Itoa(n)), nil
}
