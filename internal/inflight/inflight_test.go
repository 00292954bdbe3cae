//go:build unix

package inflight

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHoldLive: a record held by a live process is seen with its roots,
// from another process; once that process exits the record is stale and
// removed. A record that cannot be read counts as a run of unknown roots.
func TestHoldLive(t *testing.T) {
	if dir := os.Getenv("INFLIGHT_HOLD_DIR"); dir != "" {
		// The child: hold a record, say so, and wait to be killed.
		if err := Hold(dir, strings.Split(os.Getenv("INFLIGHT_HOLD_ROOTS"), ",")); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "..", "held"), nil, 0o644)
		time.Sleep(time.Minute)
		return
	}
	base := t.TempDir()
	dir := filepath.Join(base, "running")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldLive$")
	cmd.Env = append(os.Environ(), "INFLIGHT_HOLD_DIR="+dir, "INFLIGHT_HOLD_ROOTS=/p/a,/p/b c")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(base, "held")); err == nil {
			break
		}
		if i > 500 {
			t.Fatal("the child never held its record")
		}
		time.Sleep(10 * time.Millisecond)
	}
	runs, err := Live(dir)
	if err != nil || len(runs) != 1 || runs[0].Pid != cmd.Process.Pid || !slices.Equal(runs[0].Roots, []string{"/p/a", "/p/b c"}) {
		t.Fatalf("Live = %v, %v; want the child's run with /p/a and /p/b c", runs, err)
	}
	if os.Geteuid() != 0 {
		rec := filepath.Join(dir, runsName(runs[0]))
		os.Chmod(rec, 0)
		if runs, _ := Live(dir); len(runs) != 1 || !slices.Equal(runs[0].Roots, []string{"/"}) {
			t.Errorf("an unreadable record: Live = %v; want a run of unknown roots", runs)
		}
		os.Chmod(rec, 0o600)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if runs, err := Live(dir); err != nil || len(runs) != 0 {
		t.Fatalf("after the child exited: Live = %v, %v; want none", runs, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the stale record was not removed: %v", ents)
	}
	if runs, err := Live(filepath.Join(base, "missing")); err != nil || runs != nil {
		t.Errorf("a missing directory: Live = %v, %v; want none", runs, err)
	}
}

func runsName(r Run) string { return strconv.Itoa(r.Pid) }

// TestHoldClearsEnded: nothing removes a run's record when its guard ends
// (it exits from inside the sandbox's wait), so each Hold clears those of
// the guards that have ended: after five runs one after the other the
// directory holds the last one's record, not five (it held one file for
// every full-auto run ever made).
func TestHoldClearsEnded(t *testing.T) {
	if dir := os.Getenv("INFLIGHT_HOLD_ONCE"); dir != "" {
		if err := Hold(dir, []string{"/p"}); err != nil {
			t.Fatal(err)
		}
		return // the process ends holding it
	}
	dir := t.TempDir()
	for range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHoldClearsEnded$")
		cmd.Env = append(os.Environ(), "INFLIGHT_HOLD_ONCE="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("a run: %v\n%s", err, out)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("after five runs that ended the directory holds %d records, want the last one's: %v", len(ents), ents)
	}
}
