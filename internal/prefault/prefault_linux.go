// Package prefault maps, in two system calls at start, the pages of guard's
// code and of its heap that a run would otherwise fault in one at a time.
//
// A guard process lives a few milliseconds, and on the virtual machines
// agents often run in a page fault is the dearest thing it does: on the
// project's VM an anonymous page fault took 12-24 µs and a fault on the
// binary's code 34-67 µs (the kernel maps 64 KB around it), where
// madvise(MADV_POPULATE_*) maps the same pages at about 0.3 µs a page. A
// hook call took some 510 faults (the exec-only floor 272); about 190 of
// them are gone with this (measured with perf's page-faults count, which
// leaves the populated pages out).
//
// It is the one piece of guard that works at package initialisation, on
// purpose: it has no imports but syscall and unsafe, so the runtime
// initialises it before the libraries (Starlark, the shell parser,
// regexp...), whose own initialisation allocates and runs code across the
// binary. It allocates 64 bytes.
//
// Limits: Linux 5.14 or later (MADV_POPULATE_READ/WRITE); elsewhere the
// calls fail and nothing changes. The code pages mapped count in the
// process's resident set (they are the page cache's, shared with every
// other guard process), as do the heap pages mapped ahead (heapAhead).
package prefault

import (
	"syscall"
	"unsafe"
)

const (
	madvPopulateRead  = 22 // MADV_POPULATE_READ, Linux 5.14
	madvPopulateWrite = 23 // MADV_POPULATE_WRITE
	pageSize          = 4 << 10
	// heapChunk is the size and alignment of the runtime's heap mappings
	// (its page allocator's chunks): the heap guard has used so far lies in
	// the chunk holding a fresh object.
	heapChunk = 4 << 20
	// heapAhead is how far past the heap's current top to map: what a hook
	// call's judging and the libraries' initialisation allocate after this.
	heapAhead = 1 << 20
)

var (
	// anchor is a heap object: where the heap is.
	anchor *[64]byte
	// maps holds /proc/self/maps (about 3 KB at start), off the stack.
	maps [16 << 10]byte
)

func init() {
	code()
	heap()
}

// code maps the binary's executable segment, found in /proc/self/maps as
// the mapping that holds this function's code. A run touches code in
// nearly every 64 KB block of it.
func code() {
	f := code
	pc := **(**uintptr)(unsafe.Pointer(&f))
	lo, hi := mapping(pc)
	if lo < hi {
		madvise(lo, hi-lo, madvPopulateRead)
	}
}

// heap maps the heap pages in use so far that are not yet (the runtime's
// spans are touched page by page as objects fill them) and heapAhead more:
// mincore tells which pages of the heap's chunk are resident, the lowest of
// them is where the heap starts (the runtime leaves a random number of
// pages unused below it).
func heap() {
	anchor = new([64]byte)
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
	madvise(lo, chunk+uintptr(top)*pageSize+heapAhead-lo, madvPopulateWrite)
}

func madvise(addr, n uintptr, advice int) {
	syscall.Syscall(syscall.SYS_MADVISE, addr, n, uintptr(advice))
}

// mapping returns the bounds of the mapping of /proc/self/maps that holds
// addr, or 0, 0.
func mapping(addr uintptr) (lo, hi uintptr) {
	fd, err := syscall.Open("/proc/self/maps", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, 0
	}
	defer syscall.Close(fd)
	n := 0
	for n < len(maps) {
		m, err := syscall.Read(fd, maps[n:])
		if err != nil || m <= 0 {
			break
		}
		n += m
	}
	// Each line: "start-end perms offset dev inode path", hexadecimal.
	for line := maps[:n]; len(line) > 0; {
		end := 0
		for end < len(line) && line[end] != '\n' {
			end++
		}
		if lo, hi, ok := bounds(line[:end]); ok && lo <= addr && addr < hi {
			return lo, hi
		}
		if end == len(line) {
			break
		}
		line = line[end+1:]
	}
	return 0, 0
}

// bounds reads the "start-end" at the head of a line of /proc/self/maps.
func bounds(line []byte) (lo, hi uintptr, ok bool) {
	i := 0
	hex := func() (uintptr, bool) {
		var v uintptr
		start := i
		for ; i < len(line); i++ {
			c := line[i]
			switch {
			case '0' <= c && c <= '9':
				v = v<<4 | uintptr(c-'0')
			case 'a' <= c && c <= 'f':
				v = v<<4 | uintptr(c-'a'+10)
			default:
				return v, i > start
			}
		}
		return v, i > start
	}
	lo, ok = hex()
	if !ok || i >= len(line) || line[i] != '-' {
		return 0, 0, false
	}
	i++
	if hi, ok = hex(); !ok {
		return 0, 0, false
	}
	return lo, hi, true
}
