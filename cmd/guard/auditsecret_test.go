package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditLogUnreadableInFullAuto: guard's audit log holds every command's
// argv, tokens typed on a command line among them; a script run in full-auto
// read it (its path is the user's, outside the roots). It reads as empty now,
// while guard still writes it; in a root, where the guards run inside append
// to it, it stays readable.
func TestAuditLogUnreadableInFullAuto(t *testing.T) {
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	// Outside /tmp (a writable root, as the world's home is in it).
	dir, err := os.MkdirTemp("/var/tmp", "guard-audit-")
	if err != nil {
		t.Skipf("no directory outside the roots: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	log := filepath.Join(dir, "audit.jsonl")
	w.setenv("GUARD_AUDIT_LOG", log)
	// A command with a token in its argv, refused in suggest mode: logged.
	if r := execute(t, w.guardCmd("--mode", "suggest", "--", "curl", "-H", "Authorization: Bearer sk-guard-test-token", "https://example.invalid")); r.code != 126 {
		t.Fatalf("suggest curl: %s, want 126", r)
	}
	w.write(filepath.Join(w.work, "show.sh"), "cat \"$1\"\n", 0o644)
	r := execute(t, w.guardCmd("--mode", "full-auto", "--", "sh", "show.sh", log))
	if strings.Contains(r.stdout, "sk-guard-test-token") {
		t.Fatalf("full-auto read the audit log: %s", r)
	}
	if data := readFileOr(log); !strings.Contains(data, "sk-guard-test-token") || !strings.Contains(data, "show.sh") {
		t.Fatalf("the audit log lacks the commands:\n%s", data)
	}
}
