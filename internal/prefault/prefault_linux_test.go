package prefault

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
	"unsafe"
)

// residentPages counts the pages of [lo, hi) that are mapped in this
// process (mincore), and the pages in all.
func residentPages(t *testing.T, lo, hi uintptr) (resident, pages int) {
	t.Helper()
	lo &^= pageSize - 1
	vec := make([]byte, (hi-lo+pageSize-1)/pageSize)
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, lo, hi-lo, uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatalf("mincore: %v", e)
	}
	for _, v := range vec {
		if v&1 != 0 {
			resident++
		}
	}
	return resident, len(vec)
}

func populateSupported(t *testing.T) {
	t.Helper()
	p, err := syscall.Mmap(-1, 0, pageSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(p)
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(&p[0])), pageSize, madvPopulateWrite); e != 0 {
		t.Skipf("this kernel has no MADV_POPULATE_WRITE (%v): prefault does nothing here", e)
	}
}

// heap maps heapAhead past the heap's top (within its chunk), where nothing
// has been allocated yet.
func TestHeapMapped(t *testing.T) {
	populateSupported(t)
	p := new([64]byte)
	chunk := uintptr(unsafe.Pointer(p)) &^ (heapChunk - 1)
	top := chunk
	for a := chunk; a < chunk+heapChunk; a += pageSize {
		if r, _ := residentPages(t, a, a+pageSize); r == 1 {
			top = a + pageSize
		}
	}
	end := min(top+heapAhead, chunk+heapChunk)
	if end-top < 16*pageSize {
		t.Skip("the heap's top is at its chunk's end: nothing to look at")
	}
	if r, n := residentPages(t, top, end); r == n {
		t.Fatalf("all %d pages past the heap's top are resident already: the check below would prove nothing", n)
	}
	heap()
	if r, n := residentPages(t, top, end); r != n {
		t.Errorf("%d of the %d pages past the heap's top are resident after heap(), want all", r, n)
	}
}

// TestMemoryCgroup: guard's path in the memory hierarchy, v1's controller
// first, else v2's.
func TestMemoryCgroup(t *testing.T) {
	for _, tc := range []struct {
		in, path string
		v1       bool
	}{
		{"9:name=systemd:/\n4:memory:/process_api/x\n0::/\n", "/process_api/x", true},
		{"3:cpu,memory:/a\n", "/a", true},
		{"0::/user.slice/u.scope\n", "/user.slice/u.scope", false},
		{"8:pids:/p\n", "", false},
	} {
		p, v1 := memoryCgroup([]byte(tc.in))
		if string(p) != tc.path || v1 != tc.v1 {
			t.Errorf("memoryCgroup(%q) = %q, %v; want %q, %v", tc.in, p, v1, tc.path, tc.v1)
		}
	}
}

// TestNoHeapAheadNearMemoryLimit (S23-2): in a memory cgroup with a few MB
// left, the pages mapped ahead got guard's hook OOM-killed where it ran
// without them. A process of the test's, moved into a cgroup whose limit
// is its usage and 4 MB more, finds no room; with 64 MB more, room.
func TestNoHeapAheadNearMemoryLimit(t *testing.T) {
	if os.Getenv("PREFAULT_ROOM_PROBE") != "" {
		fmt.Println("room", memoryRoom())
		os.Exit(0)
	}
	if os.Geteuid() != 0 {
		t.Skip("making a memory cgroup needs root")
	}
	var own [1024]byte
	n := readKernel("/proc/self/cgroup", own[:])
	path, v1 := memoryCgroup(own[:max(n, 0)])
	base, limitName, procs := "/sys/fs/cgroup", "memory.max", "cgroup.procs"
	if v1 {
		base, limitName = "/sys/fs/cgroup/memory", "memory.limit_in_bytes"
	}
	dir := filepath.Join(base, string(path), fmt.Sprintf("prefault-test-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot make a memory cgroup here: %v", err)
	}
	defer os.Remove(dir)
	if _, err := os.Stat(filepath.Join(dir, limitName)); err != nil {
		t.Skipf("no memory controller in a cgroup made here: %v", err)
	}
	for _, tc := range []struct {
		room int64
		want string
	}{{4 << 20, "room false"}, {64 << 20, "room true"}} {
		exe, _ := os.Executable()
		r, w, _ := os.Pipe()
		var out strings.Builder
		// The cgroup's limit is set against the probe's own usage: a shell
		// joins it, waits for the limit, then execs the probe.
		sh := exec.Command("/bin/sh", "-c", `echo $$ > "$1/`+procs+`"; read x; exec "$2" -test.run='^TestNoHeapAheadNearMemoryLimit$'`, "sh", dir, exe)
		sh.Env, sh.Stdin, sh.Stdout = append(os.Environ(), "PREFAULT_ROOM_PROBE=1"), r, &out
		if err := sh.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if b, _ := os.ReadFile(filepath.Join(dir, procs)); len(b) > 0 {
				break
			}
		}
		usage := readInt(t, dir, "memory.current", "memory.usage_in_bytes", v1)
		// The probe's start adds a few MB of its own over the shell's.
		if err := os.WriteFile(filepath.Join(dir, limitName), []byte(strconv.FormatInt(usage+tc.room+(8<<20), 10)), 0); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("go\n"))
		w.Close()
		if err := sh.Wait(); err != nil {
			t.Fatalf("the probe: %v (%s)", err, out.String())
		}
		r.Close()
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("with %d MB over the usage: %q, want %q", tc.room>>20, out.String(), tc.want)
		}
	}
}

func readInt(t *testing.T, dir, v2, v1name string, v1 bool) int64 {
	name := v2
	if v1 {
		name = v1name
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}
