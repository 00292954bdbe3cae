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
// resident set whether or not the run uses it: about 1 MB more peak RSS.
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
