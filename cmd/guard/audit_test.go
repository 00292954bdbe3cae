package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAuditConcurrentGuards starts 200 real guard processes at once against
// one audit log, each with a long argv, and checks that the log holds 200
// whole lines that parse, one per process.
func TestAuditConcurrentGuards(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs 200 guard processes")
	}
	w := newWorld(t)
	log := filepath.Join(w.root, "audit", "audit.jsonl")
	w.setenv("GUARD_AUDIT_LOG", log)
	const n = 200
	long := strings.Repeat("x", 4000)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			// Refused (no terminal in suggest mode): a decision is logged,
			// nothing runs.
			r := execute(t, w.guardCmd("--mode", "suggest", "--", "touch", long, "f"+string(rune('a'+i%26))))
			if r.code != 126 {
				errs <- r.String()
			}
		}(i)
	}
	close(start)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("guard: %s, want exit 126", e)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("audit log has %d lines, want %d", len(lines), n)
	}
	pids := map[int]bool{}
	for i, line := range lines {
		var e struct {
			Argv     []string `json:"argv"`
			Decision string   `json:"decision"`
			Pid      int      `json:"pid"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d does not parse (%v): %.120q", i+1, err, line)
		}
		if len(e.Argv) != 3 || e.Argv[1] != long || e.Decision != "refuse" {
			t.Errorf("line %d: argv of %d words, decision %q", i+1, len(e.Argv), e.Decision)
		}
		pids[e.Pid] = true
	}
	if len(pids) != n {
		t.Errorf("%d distinct pids in the log, want %d", len(pids), n)
	}
}
