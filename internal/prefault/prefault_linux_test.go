package prefault

import (
	"syscall"
	"testing"
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
