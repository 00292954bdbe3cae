package policy

import "testing"

// TestAllocatedCounts: the budget's allocation count (runtime/metrics)
// sees what the evaluation allocates, without waiting for a collection.
func TestAllocatedCounts(t *testing.T) {
	before := allocated()
	var keep [][]byte
	for range 64 {
		keep = append(keep, make([]byte, 64<<10))
	}
	if got := allocated() - before; got < 4<<20 {
		t.Fatalf("allocated() grew by %d bytes after 4 MiB were allocated", got)
	}
	_ = keep
}
