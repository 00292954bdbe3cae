// Package prefault maps, in one system call at start, the heap pages a
// guard run would otherwise fault in one at a time.
//
// A guard process lives a few milliseconds, and on the virtual machines
// agents often run in a page fault is dear: on the project's VM an
// anonymous page fault took 12-24 µs under load, where
// madvise(MADV_POPULATE_WRITE) maps the same pages at about 0.3 µs a page.
// A hook call faulted in some 200 heap pages; with this, some 20 (perf's
// page-faults count, which leaves the populated pages out). Mapping the
// binary's code the same way (MADV_POPULATE_READ) saved its 45 faults too
// but no time measured, for 1 MB more resident: not done.
//
// It is the one piece of guard that works at package initialisation, on
// purpose: it imports only syscall and unsafe, so the runtime initialises
// it before the libraries (Starlark, the shell parser, regexp...), whose
// own initialisation allocates. It allocates 64 bytes.
//
// Limits: Linux 5.14 or later; elsewhere the call fails and nothing
// changes. The heap mapped ahead (heapAhead) counts in the process's
// resident set whether or not the run uses it: about 1 MB more peak RSS
// (a hook call: 4.2 MB against 2.8 MB). So where guard's memory cgroup has
// a limit that leaves less than tightRoom free, nothing is mapped: in a
// cgroup with 2.9 to 3.2 MB left, the kernel's OOM killer ended the hook
// (SIGKILL, which agents take for a go-ahead) that ran without the pages
// mapped ahead; in a shared cgroup it ends the biggest process, the agent.
// Only guard's own cgroup's limit is read (a container's lies there), with
// three more files opened a run (memoryRoom).
package prefault

import (
	"syscall"
	"unsafe"
)

const (
	madvPopulateWrite = 23 // MADV_POPULATE_WRITE, Linux 5.14
	pageSize          = 4 << 10
	// heapChunk is the size and alignment of the runtime's heap mappings
	// (its page allocator's chunks): the heap guard has used so far lies in
	// the chunk holding a fresh object.
	heapChunk = 4 << 20
	// heapAhead is how far past the heap's current top to map: what a hook
	// call's judging and the libraries' initialisation allocate after this
	// (640 KB left 30 faults of a hook call).
	heapAhead = 1 << 20
	// tightRoom is the free memory below which guard's memory cgroup
	// gets nothing mapped ahead.
	tightRoom = 16 << 20
)

// anchor is a heap object: where the heap is.
var anchor *[64]byte

func init() {
	heap()
}

// heap maps the heap pages in use so far that are not yet (the runtime's
// spans are touched page by page as objects fill them) and heapAhead more:
// mincore tells which pages of the heap's chunk are resident, the lowest of
// them is where the heap starts (the runtime leaves a random number of
// pages unused below it).
func heap() {
	anchor = new([64]byte)
	if !memoryRoom() {
		return
	}
	chunk := uintptr(unsafe.Pointer(anchor)) &^ (heapChunk - 1)
	var resident [heapChunk / pageSize]byte
	if _, _, e := syscall.RawSyscall(syscall.SYS_MINCORE, chunk, heapChunk, uintptr(unsafe.Pointer(&resident[0]))); e != 0 {
		return
	}
	first, top := -1, 0
	for i, r := range resident {
		if r&1 != 0 {
			if first < 0 {
				first = i
			}
			top = i + 1
		}
	}
	if first < 0 {
		return
	}
	lo := chunk + uintptr(first)*pageSize
	// Past the chunk's end the runtime may not have mapped the heap yet:
	// the call then maps what it can and fails there.
	syscall.Syscall(syscall.SYS_MADVISE, lo, chunk+uintptr(top)*pageSize+heapAhead-lo, madvPopulateWrite)
}

// memoryRoom reports whether the memory cgroup guard runs in (cgroup v1's
// memory controller, else v2) has no limit, or tightRoom free under it. A
// cgroup whose files cannot be read has room: mapping ahead is what guard
// did before.
func memoryRoom() bool {
	var own [1024]byte
	n := readKernel("/proc/self/cgroup", own[:])
	if n <= 0 {
		return true
	}
	base, limitName, usageName := "/sys/fs/cgroup", "/memory.max", "/memory.current"
	path, v1 := memoryCgroup(own[:n])
	if v1 {
		base, limitName, usageName = "/sys/fs/cgroup/memory", "/memory.limit_in_bytes", "/memory.usage_in_bytes"
	}
	if path == nil {
		return true
	}
	var name [512]byte
	dir := append(append(name[:0], base...), path...)
	if len(dir) > 0 && dir[len(dir)-1] == '/' {
		dir = dir[:len(dir)-1]
	}
	limit, ok := readNumber(name[:], len(dir), limitName)
	if !ok {
		return true // "max", or no limit file: no limit here
	}
	usage, ok := readNumber(name[:], len(dir), usageName)
	return !ok || usage > limit || limit-usage >= tightRoom
}

// memoryCgroup returns guard's cgroup path in the memory hierarchy, from
// /proc/self/cgroup: cgroup v1's memory controller's (v1 true), else v2's.
func memoryCgroup(own []byte) (path []byte, v1 bool) {
	for len(own) > 0 {
		var line, id, ctrls, c []byte
		line, own = cut(own, '\n')
		id, line = cut(line, ':') // ID:controllers:path
		ctrls, line = cut(line, ':')
		if len(line) == 0 {
			continue
		}
		if len(ctrls) == 0 && string(id) == "0" {
			path = line
			continue
		}
		for len(ctrls) > 0 {
			if c, ctrls = cut(ctrls, ','); string(c) == "memory" {
				return line, true
			}
		}
	}
	return path, false
}

// cut returns b before and after the first c (all of b and nothing
// without one): bytes.Cut, for a package that imports no library.
func cut(b []byte, c byte) (before, after []byte) {
	for i, x := range b {
		if x == c {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// readNumber reads a decimal number from the file named file in the
// directory held by the first n bytes of buf (where the path is written).
// ok is false when the file cannot be read or holds no number ("max").
func readNumber(buf []byte, n int, file string) (v uint64, ok bool) {
	if n+len(file) >= len(buf) {
		return 0, false
	}
	copy(buf[n:], file)
	buf[n+len(file)] = 0
	var val [32]byte
	got := readKernelPtr(&buf[0], val[:])
	if got <= 0 {
		return 0, false
	}
	for _, c := range val[:got] {
		if c < '0' || c > '9' {
			break
		}
		v, ok = v*10+uint64(c-'0'), true
	}
	return v, ok
}

// readKernel reads a file named by a constant path.
func readKernel(path string, buf []byte) int {
	var p [64]byte
	copy(p[:], path)
	return readKernelPtr(&p[0], buf)
}

// readKernelPtr is one open, read and close with raw system calls: the
// bytes read, -1 on failure.
func readKernelPtr(path *byte, buf []byte) int {
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(path)), syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
	if e != 0 {
		return -1
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	if e != 0 {
		return -1
	}
	return int(n)
}

// atFDCWD is AT_FDCWD (-100) as a register value.
const atFDCWD = ^uintptr(99)
