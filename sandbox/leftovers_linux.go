package sandbox

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
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

// becomeSubreaper makes guard the parent of what the program orphans.
func becomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// leftoverRounds bounds how long endLeftovers keeps at it: a chain that
// forks faster than guard kills (each process forks the next and exits)
// could keep it busy for ever.
const leftoverRounds = 2 * time.Second

// endLeftovers kills and reaps every child guard still has, and reports
// whether it ended them all within leftoverRounds.
func endLeftovers() bool {
	deadline := time.Now().Add(leftoverRounds)
	for time.Now().Before(deadline) {
		// One call in the usual case: no child at all (ECHILD). A zombie
		// is reaped on the way; only live ones are looked for.
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, unix.WNOHANG|unix.WALL, nil)
		if err == unix.EINTR || err == nil && pid > 0 {
			continue
		}
		if err != nil {
			return true // ECHILD: none left
		}
		pids := children()
		if len(pids) == 0 {
			pids = childrenByStat() // a child the kernel has but the list missed
		}
		if len(pids) == 0 {
			return false // none to be found, yet the kernel has one
		}
		for _, pid := range pids {
			unix.Kill(pid, unix.SIGKILL)
		}
		for _, pid := range pids {
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
		b, _ := readProc("/proc/self/task/" + t + "/children") // a thread gone since: none
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
		b, err := readProc("/proc/" + p + "/stat")
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

// readProc reads a small /proc file whole.
func readProc(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var out []byte
	buf := make([]byte, 4096)
	for len(out) < 1<<20 {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		out = append(out, buf[:n]...)
	}
	return out, nil
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
