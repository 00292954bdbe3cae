package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Red team of the sandbox, twenty-third pass (docs/redteam/sandbox-23.md).

// taskBomb forks sleepers until the kernel refuses (at most 400), counting
// them in ./count, then says so in ./full and holds them until ./release
// (a FIFO) is written: a command left running in the background.
const taskBomb = `( i=0; while [ $i -lt 400 ]; do sleep 60 & i=$((i+1)); echo $i > count; done ) 2>/dev/null
: > full
read x < release
`

// TestTasksBounded (S23-1): a full-auto command used up its account's
// processes (RLIMIT_NPROC for an ordinary user; a container's pids.max for
// root), and while it held them the agent's next hook could not start
// (fork: EAGAIN), which Codex reads as a go-ahead. Each case runs the bomb
// confined and, while it holds its tasks, forks as the same user from
// outside, in the same cgroup, with the same limit.
func TestTasksBounded(t *testing.T) {
	requireRoot(t, "lowering a user's process limit and making a cgroup need root")
	requireSandbox(t)
	const limit = 200
	// An account of the test's own: nobody's count holds other programs'.
	user := &syscall.Credential{Uid: 4000023, Gid: 4000023}
	run := func(t *testing.T, cred *syscall.Credential, forbidden bool) {
		base := t.TempDir()
		exe := shareWith(t, base, cred)
		f := newFixture(t, base)
		if err := unix.Mkfifo(filepath.Join(f.root, "release"), 0o600); err != nil {
			t.Fatal(err)
		}
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{f.root}}
		done := make(chan outcome, 1)
		go func() {
			done <- child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", taskBomb}, dir: f.root, exe: exe, cred: cred,
				env: []string{"HOME=" + base, "PATH=/usr/bin:/bin"}, noUserNS: forbidden}.run(t)
		}()
		deadline := time.Now().Add(30 * time.Second)
		for !exists(filepath.Join(f.root, "full")) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		// The agent's next hook: a process of the user's that forks.
		hook := exec.Command("/bin/sh", "-c", "/bin/true && echo forked")
		hook.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := hook.CombinedOutput()
		os.WriteFile(filepath.Join(f.root, "release"), []byte("go\n"), 0)
		o := <-done
		made, _ := strconv.Atoi(strings.TrimSpace(readString(filepath.Join(f.root, "count"))))
		if made < 20 {
			t.Fatalf("the command made %d processes: %s\nstderr: %s", made, o.msg, o.stderr)
		}
		if err != nil || !strings.Contains(string(out), "forked") {
			t.Errorf("while the command held %d processes the user could not start one: %v %s", made, err, out)
		}
		if bound := limit - taskReserve(limit); made > int(bound) {
			t.Errorf("the command made %d processes, more than %d", made, bound)
		}
	}
	t.Run("root in a cgroup with pids.max", func(t *testing.T) {
		intoPidsCgroup(t, limit)
		run(t, nil, false)
	})
	for _, forbidden := range []bool{false, true} {
		t.Run(fmt.Sprintf("an ordinary user, user namespaces forbidden %v", forbidden), func(t *testing.T) {
			if !forbidden {
				requireUserNS(t)
			} else if err := forbidUserNS(t); err != nil {
				t.Logf("user.max_user_namespaces cannot be set here (%v): the helper behaves as if it were 0", err)
			}
			// Root's own limit is not enforced: the test goes on; the
			// user's processes inherit it.
			var old unix.Rlimit
			if err := unix.Getrlimit(unix.RLIMIT_NPROC, &old); err != nil {
				t.Fatal(err)
			}
			if err := unix.Setrlimit(unix.RLIMIT_NPROC, &unix.Rlimit{Cur: limit, Max: limit}); err != nil {
				t.Fatal(err)
			}
			defer unix.Setrlimit(unix.RLIMIT_NPROC, &old)
			run(t, user, forbidden)
		})
	}
}

// intoPidsCgroup moves the test's process into a new pids cgroup, below its
// own, with pids.max n, until t ends (and removes it and the cgroup guard
// made in it then). Skips where no pids hierarchy allows one.
func intoPidsCgroup(t *testing.T, n int) {
	t.Helper()
	var buf [4096]byte
	base, rel, ok := pidsCgroup(readKernelFile("/proc/self/cgroup", buf[:]))
	if !ok {
		t.Skip("no pids cgroup hierarchy here")
	}
	own := base + strings.TrimSuffix(rel, "/")
	dir := filepath.Join(own, fmt.Sprintf("guard-test-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot make a pids cgroup here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pids.max"), []byte(strconv.Itoa(n)), 0); err != nil {
		os.Remove(dir)
		t.Skipf("cannot limit a pids cgroup here (cgroup v2 whose processes keep controllers from their children?): %v", err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), pid, 0); err != nil {
		os.Remove(dir)
		t.Skipf("cannot join a pids cgroup here: %v", err)
	}
	t.Cleanup(func() {
		if err := os.WriteFile(filepath.Join(own, "cgroup.procs"), pid, 0); err != nil {
			t.Errorf("back to %s: %v", own, err)
		}
		for range 50 { // the leftovers' exits
			os.Remove(filepath.Join(dir, sandboxCgroupName))
			if os.Remove(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("%s left behind", dir)
	})
}

// TestPidsCgroup: the pids hierarchy and guard's cgroup in it, from
// /proc/self/cgroup: cgroup v1's pids controller first, else v2's.
func TestPidsCgroup(t *testing.T) {
	for _, tc := range []struct{ in, base, rel string }{
		{"9:name=systemd:/\n8:pids:/agent\n0::/\n", "/sys/fs/cgroup/pids", "/agent"},
		{"5:cpu,pids,memory:/a/b\n", "/sys/fs/cgroup/pids", "/a/b"},
		{"0::/user.slice/user-1000.slice/session-2.scope\n", "/sys/fs/cgroup", "/user.slice/user-1000.slice/session-2.scope"},
		{"4:memory:/x\n", "", ""},
		{"", "", ""},
	} {
		base, rel, ok := pidsCgroup(tc.in)
		if base != tc.base || rel != tc.rel || ok != (tc.base != "") {
			t.Errorf("pidsCgroup(%q) = %q, %q, %v; want %q, %q", tc.in, base, rel, ok, tc.base, tc.rel)
		}
	}
	if r := taskReserve(96367); r != 12045 {
		t.Errorf("taskReserve(96367) = %d", r)
	}
	if r := taskReserve(100); r != 50 {
		t.Errorf("taskReserve(100) = %d", r)
	}
}
