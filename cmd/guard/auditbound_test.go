package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditEntryBounded: a command's entry in the audit log was as long as
// the command, twice (its reason repeats the words): `guard -- true` with a
// megabyte of arguments (well within ARG_MAX) wrote a 2.6 MB line, which
// guard log skipped as "unreadable" (it reads lines up to 1 MiB), so the
// command did not show; and four such commands rotated the log, eight left
// nothing of what ran before them. Each entry is now bounded: the first 16
// KiB of argv and 4 KiB of the reason, with what was left out and the
// SHA-256 of the whole argv in "omitted".
func TestAuditEntryBounded(t *testing.T) {
	w := newWorld(t)
	logPath := filepath.Join(w.home, ".local", "state", "guard", "audit.jsonl")
	// What ran before: the record the flood would push out.
	if r := execute(t, w.guardCmd("--", "echo", "the first command")); r.code != 0 {
		t.Fatalf("guard -- echo: %s", r)
	}
	big := strings.Repeat("a", 120_000)
	argv := []string{"--", "true"}
	for range 11 {
		argv = append(argv, big)
	}
	for i := range 8 {
		if r := execute(t, w.guardCmd(argv...)); r.code != 126 {
			t.Fatalf("guard -- true <1.3 MB> (%d): %s, want refused (126)", i, r)
		}
	}
	if _, err := os.Stat(logPath + ".1"); err == nil {
		t.Errorf("eight commands rotated the audit log")
	}
	r := execute(t, w.guardCmd("log", "-n", "20"))
	if r.code != 0 || !strings.Contains(r.stdout, "9 entries, 9 match") || strings.Contains(r.stdout, "skipped") {
		t.Errorf("guard log: %s, want the 9 entries read, none skipped", r)
	}
	if !strings.Contains(r.stdout, "echo 'the first command'") {
		t.Errorf("guard log: the command before the flood is gone: %s", r.stdout)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 9*64<<10 {
		t.Errorf("audit log of 9 entries is %d bytes", len(b))
	}
	if !strings.Contains(string(b), `"omitted":"argv: 16384 of 1320004 bytes kept, in 2 of 12 words`) {
		t.Errorf("audit log: no omitted note for the long argv")
	}
}
