package prefault

import (
	"fmt"
	"os"
	"strconv"
	"strings"
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

// code maps the whole code mapping: its page table entries dropped first
// (MADV_DONTNEED; the pages stay in the page cache), all are back after it,
// though the test has run in part of them only.
func TestCodeMapped(t *testing.T) {
	populateSupported(t)
	f := TestCodeMapped
	pc := **(**uintptr)(unsafe.Pointer(&f))
	lo, hi := mapping(pc)
	if lo == 0 || lo > pc || pc >= hi {
		t.Fatalf("mapping(%#x) = %#x-%#x, want the one holding it", pc, lo, hi)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, syscall.MADV_DONTNEED); e != 0 {
		t.Fatalf("madvise(MADV_DONTNEED): %v", e)
	}
	size := int(hi-lo) >> 10
	if rss := mappedKB(t, lo); rss == size {
		t.Fatalf("all %d KB of code mapped again right after MADV_DONTNEED: the check below would prove nothing", size)
	}
	code()
	if rss := mappedKB(t, lo); rss != size {
		t.Errorf("%d of the code mapping's %d KB mapped after code(), want all", rss, size)
	}
}

// mappedKB returns the Rss of /proc/self/smaps for the mapping that starts
// at lo: the KB this process has mapped (mincore would tell the page
// cache's, for a file).
func mappedKB(t *testing.T, lo uintptr) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("%08x-", lo)
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			in = strings.HasPrefix(line, head)
			continue
		}
		if in && strings.HasPrefix(line, "Rss:") {
			kb, err := strconv.Atoi(strings.Fields(line)[1])
			if err != nil {
				t.Fatalf("unreadable %q", line)
			}
			return kb
		}
	}
	t.Fatalf("no mapping at %#x in /proc/self/smaps", lo)
	return 0
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

func TestBounds(t *testing.T) {
	for _, c := range []struct {
		line   string
		lo, hi uintptr
		ok     bool
	}{
		{"00400000-008ab000 r-xp 00000000 fe:00 10225162   /work/guard", 0x400000, 0x8ab000, true},
		{"7ffd9e437000-7ffd9e458000 rw-p 00000000 00:00 0  [stack]", 0x7ffd9e437000, 0x7ffd9e458000, true},
		{"", 0, 0, false},
		{"00400000 r-xp", 0, 0, false},
		{"-1000 r-xp", 0, 0, false},
		{"1000-", 0, 0, false},
	} {
		lo, hi, ok := bounds([]byte(c.line))
		if lo != c.lo || hi != c.hi || ok != c.ok {
			t.Errorf("bounds(%q) = %#x, %#x, %v; want %#x, %#x, %v", c.line, lo, hi, ok, c.lo, c.hi, c.ok)
		}
	}
}
