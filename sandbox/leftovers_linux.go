package sandbox

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"guard/internal/safefile"
)

// Processes a command leaves behind (setsid, a double fork) when guard,
// not a PID namespace, is the program's parent (applyAndWait: root, whose
// confined thread starts the program, and an ordinary user where user
// namespaces are forbidden, best-effort). The ordinary user's child is the first
// process of a PID namespace of its own, which the kernel empties when it
// exits; root's program has no such namespace (a procfs of the new namespace
// can be mounted only from inside it, past Landlock), so guard does the
// same by hand: it is the child subreaper, so that a process whose parent
// has gone becomes guard's child, not init's, and once the program has
// exited every child left is killed and waited for, round after round,
// until none is left, before guard looks for new protected names. Limits:
// a leftover outlives a guard killed with SIGKILL (nothing is left to end
// it); a process that hops (forks and exits, again and again) is its child
// one round later each time, and one that hops faster than guard kills for
// two seconds is left, said on stderr, and the status becomes 126.
// Children guard had before the command (exec'd in place by a process
// with children) and their orphans are not the command's and are left to
// run (endLeftovers); where the kernel has neither Landlock's signal scope
// (6.12) nor Seccomp_filters in /proc (5.9), they are ended with the rest.

// becomeSubreaper makes guard the parent of what the program orphans.
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// leftoverRounds bounds how long endLeftovers keeps at it: a chain that
// forks faster than guard kills (each process forks the next and exits)
// could keep it busy for ever.
const leftoverRounds = 2 * time.Second

// endLeftovers kills and reaps every child guard still has that the command
// started, and reports whether it ended them all within leftoverRounds.
//
// guard may have children the command did not start: exec'd in place by a
// process that had some (`server & exec guard -- make test`, a shell's
// last command), their own orphans come to guard as the subreaper. Those
// are not the command's to end (sandbox-14 S14-1: they were killed, or,
// where the kill was refused, waited for as long as they ran, and the
// command's status of 0 became 126). A child is the command's when it is
// in the program's Landlock domain, which is where guard's kill reaches
// (LANDLOCK_SCOPE_SIGNAL: outside it the kill fails with EPERM), and has
// at least the seccomp filters of this thread (a process never loses a
// filter; one forked before guard confined itself has fewer). The
// rounds end when no child is left but such outside ones, in two rounds
// in a row, each of a thread's children files and then the whole of /proc.
func endLeftovers() bool {
	mine := seccompFilters("/proc/thread-self/status")
	outside := map[int]bool{}
	onlyOutside := 0
	deadline := time.Now().Add(leftoverRounds)
	for time.Now().Before(deadline) {
		// One call in the usual case: no child at all (ECHILD). A zombie
		// is reaped on the way; only live ones are looked for.
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, unix.WNOHANG|unix.WALL, nil)
		if err == unix.EINTR || err == nil && pid > 0 {
			delete(outside, pid) // its number may be the command's next
			continue
		}
		if err != nil {
			return true // ECHILD: none left
		}
		ours := commandsChildren(children(), outside, mine)
		if len(ours) == 0 {
			// A child the kernel has but the list missed, or only
			// outside ones: the whole of /proc says which.
			ours = commandsChildren(childrenByStat(), outside, mine)
		}
		if len(ours) == 0 {
			if len(outside) == 0 {
				return false // none to be found, yet the kernel has one
			}
			// Only children that are not the command's: so twice in a
			// row, a child of the command's born during a list aside.
			if onlyOutside++; onlyOutside == 2 {
				return true
			}
			continue
		}
		onlyOutside = 0
		for _, pid := range ours {
			for {
				_, err := syscall.Wait4(pid, &ws, unix.WALL, nil)
				if err != unix.EINTR {
					break
				}
			}
		}
	}
	return false
}

// commandsChildren kills the children in pids that are the command's and
// returns them, to be waited for; the others are added to outside.
func commandsChildren(pids []int, outside map[int]bool, mine int) []int {
	var ours []int
	for _, pid := range pids {
		if outside[pid] {
			continue
		}
		if n := seccompFilters("/proc/" + strconv.Itoa(pid) + "/status"); n >= 0 && n < mine {
			outside[pid] = true // forked before guard confined itself
			continue
		}
		switch unix.Kill(pid, unix.SIGKILL) {
		case nil:
			ours = append(ours, pid)
		case unix.EPERM:
			outside[pid] = true // outside the program's Landlock domain
		}
	}
	return ours
}

// seccompFilters is the Seccomp_filters count of a /proc status file, -1
// where the kernel does not give it (before 5.9) or the file is gone.
func seccompFilters(path string) int {
	b, err := safefile.ReadProc(path)
	if err != nil {
		return -1
	}
	_, v, ok := strings.Cut(string(b), "\nSeccomp_filters:")
	if !ok {
		return -1
	}
	v, _, _ = strings.Cut(v, "\n")
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return n
}

// children lists guard's children, from each thread's children file, or,
// where the kernel has none (CONFIG_PROC_CHILDREN), from every process's
// parent in its stat. Raw system calls only: this runs on the confined
// thread, whose descriptor table may be its own (many roots), where an
// os.File would start the runtime's poller for this table alone (a fatal
// error on the next poll from another thread).
func children() []int {
	if pids, ok := childrenByTask(); ok {
		return pids
	}
	return childrenByStat()
}

func childrenByTask() ([]int, bool) {
	if unix.Access("/proc/thread-self/children", unix.R_OK) != nil {
		return nil, false
	}
	tasks, ok := listDirRaw("/proc/self/task")
	if !ok {
		return nil, false
	}
	var pids []int
	for _, t := range tasks {
		b, _ := safefile.ReadProc("/proc/self/task/" + t + "/children") // a thread gone since: none
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids, true
}

func childrenByStat() []int {
	self := strconv.Itoa(os.Getpid())
	procs, _ := listDirRaw("/proc")
	var pids []int
	for _, p := range procs {
		pid, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		b, err := safefile.ReadProc("/proc/" + p + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 {
			if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == self {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// listDirRaw lists the names in the directory path.
func listDirRaw(path string) ([]string, bool) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := unix.ReadDirent(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return names, true
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
}
