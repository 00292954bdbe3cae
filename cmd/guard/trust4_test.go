package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// forgedEntry is a log line a program writes to make `guard log` show a
// command that never ran.
const forgedEntry = `{"time":"2026-01-01T00:00:00Z","cwd":"/","argv":["forged-entry"],"mode":"suggest","class":"safe","decision":"run","pid":1}` + "\n"

// TestRotatedLogIsGuardState: with the audit log moved into a writable root
// ($TMPDIR here; /tmp is the README's own example), its rotated PATH.1,
// which `guard log` reads as the older history, was no state of guard's:
// `cp forged LOG.1` ran unasked in auto-edit, an agent's edit tool could
// write it, and a full-auto program the judge cannot see through made it
// when none was there yet. Now each is refused or kept from the sandbox,
// and `guard log` shows no forged entry.
func TestRotatedLogIsGuardState(t *testing.T) {
	for _, mode := range []string{"auto-edit", "full-auto"} {
		w := newWorld(t)
		needSandbox(t, w, "full-auto")
		log := filepath.Join(w.root, "tmp", "audit.jsonl")
		w.setenv("GUARD_AUDIT_LOG", log)
		forged := w.write("work/forged.jsonl", forgedEntry, 0o644)
		if r := execute(t, w.guardCmd("--", "echo", "first")); r.code != 0 {
			t.Fatalf("guard -- echo first: %s", r)
		}
		if mode == "full-auto" {
			// A name the judge cannot see: the program computes it.
			w.write("work/w.sh", "#!/bin/sh\nlog=$(ls \"$TMPDIR\"/audit.*)\ncat forged.jsonl > \"$log.1\"\nexit 0\n", 0o755)
			if r := execute(t, w.guardCmd("--mode", mode, "--", "./w.sh")); r.code != 0 {
				t.Errorf("guard --mode full-auto -- ./w.sh: %s", r)
			}
			if r := execute(t, w.guardCmd("log", "--json")); strings.Contains(r.stdout, "forged-entry") {
				t.Errorf("guard log after a sandboxed program wrote LOG.1 (none was there): %s; want no forged entry", r)
			}
		}
		if r := execute(t, w.guardCmd("--mode", mode, "--", "cp", forged, log+".1")); r.code != 126 {
			t.Errorf("%s: guard -- cp forged LOG.1: %s; want 126, guard's state", mode, r)
		}
		if r := execute(t, w.guardCmd("explain", "--mode", mode, "--edit", log+".1")); !strings.Contains(r.stdout, "guard's own state") {
			t.Errorf("%s: guard explain --edit LOG.1: %s; want asked, guard's own state", mode, r)
		}
		r := execute(t, w.guardCmd("log", "--json"))
		if strings.Contains(r.stdout, "forged-entry") || !strings.Contains(r.stdout, "first") {
			t.Errorf("%s: guard log after the attempts: %s; want no forged entry", mode, r)
		}
	}
}
