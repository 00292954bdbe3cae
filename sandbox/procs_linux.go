package sandbox

import (
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A full-auto command may not use up the processes and threads (tasks) its
// account may start: one left running in the background did, and then the
// agent's next hook could not start (fork: EAGAIN, or guard's runtime dying
// for want of a thread) and Codex reads a hook that cannot start as a
// go-ahead; guard's own wait for the command needs threads too. The
// sandboxed commands together get the limit less a reserve (taskReserve),
// which stays for everything else the account runs.
//
// An ordinary user: RLIMIT_NPROC, which the kernel compares with the count
// of all the user's tasks. The program gets the reduced limit as its soft
// and hard limit (it cannot raise a hard limit again). In the user-namespace
// child the kernel compares the user's count outside the namespace with the
// limit its creator had when it was made, so guard holds its own soft limit
// at the reduced value for that clone only (runRawUserNS). An account with
// no limit (RLIM_INFINITY) gets none.
//
// Root: the kernel does not enforce RLIMIT_NPROC on uid 0. Where guard's
// cgroup or one above it has a pids.max (a container's pids limit, a
// systemd slice's TasksMax), root's program joins a pids cgroup,
// guard-sandbox, made beside guard in the pids hierarchy (cgroup v1's pids
// controller, or v2 where guard's cgroup hands the pids controller to its
// children), whose pids.max is that limit less the reserve; it is shared by
// every sandboxed command there, and kept. Elsewhere root's commands are
// not bounded: the kernel's own limits (kernel.pid_max, threads-max) are
// the machine's, and joining a cgroup costs each run a cgroup migration
// (the kernel waits for an RCU grace period: 0.4 to 27 ms, median 6, on a
// loaded 2-core VM).

// taskReserve is the part of a limit of tasks that sandboxed commands leave
// to the rest: an eighth, at least 64 (an agent's hook is guard, a Go
// program, with a few threads, and the shell that runs it), at most half.
func taskReserve(limit uint64) uint64 {
	r := max(limit/8, 64)
	return min(r, limit/2)
}

// nprocBound returns the RLIMIT_NPROC an ordinary user's program gets, its
// soft limit less the reserve, and the limit it was taken from. 0 when the
// account has no limit.
func nprocBound() (bound uint64, was unix.Rlimit) {
	if unix.Getrlimit(unix.RLIMIT_NPROC, &was) != nil || was.Cur == unix.RLIM_INFINITY || was.Cur == 0 {
		return 0, was
	}
	return was.Cur - taskReserve(was.Cur), was
}

// boundTasks adds the child's ops that bound the program's tasks: root's
// joining of the pids cgroup (optional: a cgroup that refuses leaves the
// program as it was before), an ordinary user's RLIMIT_NPROC, soft and hard.
func (b *rawBuilder) boundTasks(c *confinement) {
	if c.tasksFD >= 0 {
		zero := []byte("0")
		i := b.op("join the pids cgroup", unix.SYS_WRITE, [6]uintptr{uintptr(c.tasksFD), b.ptr(unsafe.Pointer(&zero[0]), zero), 1})
		b.c.ops[i].optional = true
	}
	if c.nproc > 0 {
		lim := &unix.Rlimit{Cur: c.nproc, Max: c.nproc}
		b.op("prlimit64(RLIMIT_NPROC)", unix.SYS_PRLIMIT64, [6]uintptr{0, unix.RLIMIT_NPROC, b.ptr(unsafe.Pointer(lim), lim), 0})
	}
}

// nprocSpent says why a clone under bound failed (EAGAIN).
func nprocSpent(bound uint64) string {
	return "the user's processes and threads are at the " + strconv.FormatUint(bound, 10) +
		" sandboxed commands may reach (the process limit, ulimit -u, less a reserve for the agent and guard): a command still running (one left in the background) holds them; end it, or raise the limit"
}

// holdNproc sets this process's soft RLIMIT_NPROC to the bound (0: leaves
// it) and returns a function that puts the limit it had back.
func holdNproc(bound uint64, was unix.Rlimit) (restore func()) {
	if bound == 0 || unix.Setrlimit(unix.RLIMIT_NPROC, &unix.Rlimit{Cur: bound, Max: was.Max}) != nil {
		return func() {}
	}
	return func() { unix.Setrlimit(unix.RLIMIT_NPROC, &was) }
}

// sandboxCgroupName is root's pids cgroup for sandboxed commands, beside
// guard's own.
const sandboxCgroupName = "guard-sandbox"

// tasksCgroup opens, for writing, cgroup.procs of root's pids cgroup for
// sandboxed commands (made, and its pids.max set, where missing or not the
// limit less the reserve), for the child to join before its execve. -1
// where no cgroup at or above guard's has a pids.max, or no pids hierarchy
// lets guard make one.
func tasksCgroup() int {
	var buf [4096]byte
	base, rel, ok := pidsCgroup(readKernelFile("/proc/self/cgroup", buf[:]))
	if !ok {
		return -1
	}
	limit := cgroupTasksLimit(base, rel)
	if limit == 0 {
		return -1
	}
	dir := base + strings.TrimSuffix(rel, "/") + "/" + sandboxCgroupName
	err := unix.Mkdir(dir, 0o755)
	if err != nil && err != unix.EEXIST {
		return -1
	}
	want := strconv.FormatUint(limit-taskReserve(limit), 10)
	switch readSysctl(dir + "/pids.max") {
	case want:
	case "":
		if err == nil {
			unix.Rmdir(dir) // no pids controller handed down here (v2): made for nothing
		}
		return -1
	default:
		if !writeSmall(dir+"/pids.max", want) {
			return -1
		}
	}
	fd, err := unix.Open(dir+"/cgroup.procs", unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
}

// pidsCgroup finds, in /proc/self/cgroup, the pids hierarchy's mount point
// and guard's cgroup in it: cgroup v1's pids controller at
// /sys/fs/cgroup/pids, else the v2 hierarchy at /sys/fs/cgroup.
func pidsCgroup(own string) (base, rel string, ok bool) {
	var v2 string
	for line := range strings.SplitSeq(own, "\n") {
		id, rest, _ := strings.Cut(line, ":")
		ctrls, path, found := strings.Cut(rest, ":")
		if !found || !strings.HasPrefix(path, "/") {
			continue
		}
		if id == "0" && ctrls == "" {
			v2 = path
			continue
		}
		for c := range strings.SplitSeq(ctrls, ",") {
			if c == "pids" {
				return "/sys/fs/cgroup/pids", path, true
			}
		}
	}
	if v2 == "" {
		return "", "", false
	}
	return "/sys/fs/cgroup", v2, true
}

// cgroupTasksLimit is the smallest pids.max of guard's cgroup and those
// above it, 0 when none has one.
func cgroupTasksLimit(base, rel string) uint64 {
	var limit uint64
	for p := strings.TrimSuffix(rel, "/"); p != ""; p = p[:strings.LastIndexByte(p, '/')] {
		if n, err := strconv.ParseUint(readSysctl(base+p+"/pids.max"), 10, 64); err == nil && (limit == 0 || n < limit) {
			limit = n
		}
	}
	return limit
}

// writeSmall writes s to a file of the kernel's.
func writeSmall(path, s string) bool {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	_, err = unix.Write(fd, []byte(s))
	return err == nil
}
