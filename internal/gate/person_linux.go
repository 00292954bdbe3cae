package gate

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// insideSandbox reports whether this process runs with no_new_privs set,
// as everything guard's sandbox runs does (and so does anything an agent
// started from there). A terminal seen from there is one the sandboxed
// command may have made itself (script(1), a pty library) and can answer,
// so guard does not take it for a person: it refuses instead of asking.
// A person who runs guard by hand inside another no_new_privs sandbox gets
// the same answer; the README says so.
func insideSandbox() bool {
	nnp, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	return err == nil && nnp == 1
}

// controllingTerminal is this process's controlling terminal as the kernel
// numbers it (tty_nr in /proc/self/stat), 0 for none.
func controllingTerminal() int {
	p, ok := readProc(os.Getpid())
	if !ok {
		return 0
	}
	return p.tty
}

// procInfo is what guard reads of a process in /proc/PID/stat: its
// parent, its controlling terminal (0: none) and its command name.
type procInfo struct {
	ppid, tty int
	comm      string
}

func readProc(pid int) (procInfo, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procInfo{}, false
	}
	// The name sits in parentheses and may hold anything, ")" included:
	// the fields follow the last one (state, ppid, pgrp, session, tty_nr).
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return procInfo{}, false
	}
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 5 {
		return procInfo{}, false
	}
	var p procInfo
	var err1, err2 error
	p.ppid, err1 = strconv.Atoi(f[1])
	p.tty, err2 = strconv.Atoi(f[4])
	if err1 != nil || err2 != nil {
		return procInfo{}, false
	}
	p.comm = string(b[open+1 : end])
	return p, true
}

// madeInsideTerminal says why terminal tty (this process's controlling
// terminal) may be driven by a program rather than typed on by a person,
// "" when it is not. Walking up from guard, the first process on another
// terminal (or none) is the one that made this terminal. A terminal
// emulator, sshd, tmux's or screen's server and a container runtime run in
// no terminal themselves. A program that makes a terminal while it runs in
// another one (script(1), expect, unbuffer, a pty library, an agent's own
// "tty" tool such as Codex's exec_command, started from the person's
// terminal) types there what it is given, so guard does not take its
// terminal for a person's. A maker running as another user, or from a
// set-user-ID program (sudo's use_pty, su --pty), is not one the agent,
// running as guard's user, can start or drive. Where the walk cannot read a
// process (another user's under hidepid, the edge of a PID namespace), it
// stops: what it saw counts. (A program that gives up its own terminal
// first, setsid or TIOCNOTTY, is code that already runs unjudged: from
// below a guard it is still caught by TerminalEnv.)
func madeInsideTerminal(tty int) string {
	uid := os.Getuid()
	pid := os.Getpid()
	for range 4096 {
		p, ok := readProc(pid)
		if !ok {
			return ""
		}
		if p.tty != tty {
			if p.tty == 0 || privileged(pid, uid) {
				return ""
			}
			return fmt.Sprintf("the terminal was made by %s (pid %d), which runs in another terminal", Visible(p.comm), pid)
		}
		if p.ppid <= 0 {
			return ""
		}
		pid = p.ppid
	}
	return "the process tree above guard is too deep to read"
}

// privileged reports whether process pid runs as another user than guard
// (any of its user IDs: real, effective, saved, file system), or from a
// set-user-ID file of another user's (root's sudo, for a guard run as root
// too: a program set-user-ID to guard's own user, which anyone can make of
// a copy of script(1), gives nothing).
func privileged(pid, uid int) bool {
	if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status"); err == nil {
		for _, line := range strings.Split(string(st), "\n") {
			if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
				for _, u := range strings.Fields(rest) {
					if n, err := strconv.Atoi(u); err == nil && n != uid {
						return true
					}
				}
			}
		}
	}
	fi, err := os.Stat("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil || fi.Mode()&os.ModeSetuid == 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && (int(st.Uid) != uid || uid == 0)
}
