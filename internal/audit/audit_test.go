package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the helper process of TestConcurrentAppend, as
// os/exec's tests do: with GUARD_AUDIT_HELPER set it appends one entry and
// exits instead of running the tests.
func TestMain(m *testing.M) {
	if os.Getenv("GUARD_AUDIT_HELPER") == "1" {
		os.Exit(helper())
	}
	os.Exit(m.Run())
}

// helperArgv is the argv that helper i logs: 2 to 8 KiB, made of one letter
// so that a line spliced from two writers cannot parse as a valid entry.
func helperArgv(i int) []string {
	size := 2048 + (i*1543)%(6*1024)
	return []string{"helper", strconv.Itoa(i), strings.Repeat(string(rune('a'+i%26)), size)}
}

func helper() int {
	i, err := strconv.Atoi(os.Getenv("GUARD_AUDIT_INDEX"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	// Wait for the parent to close the shared stdin pipe, so that all helpers
	// write at about the same moment.
	io.Copy(io.Discard, os.Stdin)
	if err := Append(os.Getenv("GUARD_AUDIT_LOG"), Entry{
		Cwd: "/w", Argv: helperArgv(i), Mode: "suggest", Class: "safe", Decision: "run",
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestConcurrentAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 200 processes; skipped in -short mode")
	}
	const n = 200
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	log := filepath.Join(t.TempDir(), "state", "audit.jsonl")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()

	cmds := make([]*exec.Cmd, n)
	stderr := make([]bytes.Buffer, n)
	for i := range cmds {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(),
			"GUARD_AUDIT_HELPER=1", "GUARD_AUDIT_LOG="+log, "GUARD_AUDIT_INDEX="+strconv.Itoa(i))
		cmd.Stdin = r
		cmd.Stderr = &stderr[i]
		if err := cmd.Start(); err != nil {
			w.Close()
			for _, c := range cmds[:i] {
				c.Wait()
			}
			t.Fatalf("start helper %d: %v", i, err)
		}
		cmds[i] = cmd
	}
	w.Close() // all helpers see EOF and write
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v: %s", i, err, stderr[i].String())
		}
	}

	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		t.Fatalf("log does not end in a newline")
	}
	seen := make(map[int]bool)
	pids := make(map[int]bool)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d does not parse: %v: %.100q...", lines, err, sc.Bytes())
		}
		if len(e.Argv) != 3 {
			t.Fatalf("line %d: argv has %d words, want 3", lines, len(e.Argv))
		}
		i, err := strconv.Atoi(e.Argv[1])
		if err != nil || i < 0 || i >= n || seen[i] {
			t.Fatalf("line %d: bad or repeated helper index %q", lines, e.Argv[1])
		}
		seen[i] = true
		if !reflect.DeepEqual(e.Argv, helperArgv(i)) {
			t.Errorf("line %d: argv of helper %d corrupted", lines, i)
		}
		if pids[e.Pid] || e.Pid == os.Getpid() || e.Pid == 0 {
			t.Errorf("line %d: pid %d repeated or not the helper's", lines, e.Pid)
		}
		pids[e.Pid] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines != n {
		t.Errorf("%d lines, want %d", lines, n)
	}
}

func TestAppend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	log := filepath.Join(dir, "audit.jsonl")
	when := time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC)
	first := Entry{
		Time: when, Cwd: "/w", Argv: []string{"rm", "-rf", "line\nbreak", "\xff"}, Mode: "suggest",
		Class: "forbidden", Decision: "refuse", Rule: "rm", RuleAt: "default.policy:12",
		Resolved: "/bin/rm", Sandbox: "none", Pid: 42, Reason: "rm -rf",
	}
	if err := Append(log, first); err != nil {
		t.Fatal(err)
	}
	if err := Append(log, Entry{Argv: []string{"ls"}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) != 3 || lines[2] != "" {
		t.Fatalf("log = %q, want two lines", data)
	}
	var got Entry
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	first.Argv[3] = "\ufffd" // encoding/json's replacement
	if !reflect.DeepEqual(got, first) {
		t.Errorf("entry = %+v, want %+v", got, first)
	}
	// Zero Time and Pid are filled; empty optional fields are left out.
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rule", "rule_at", "resolved", "sandbox", "reason"} {
		if _, ok := m[k]; ok {
			t.Errorf("empty %q written", k)
		}
	}
	if m["pid"] != float64(os.Getpid()) {
		t.Errorf("pid = %v, want %d", m["pid"], os.Getpid())
	}
	if ts, _ := time.Parse(time.RFC3339Nano, m["time"].(string)); time.Since(ts) > time.Minute || time.Since(ts) < 0 {
		t.Errorf("time = %v, want about now", m["time"])
	}

	if fi, err := os.Stat(log); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v %v, want 0600", fi.Mode(), err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v %v, want 0700", fi.Mode(), err)
	}
}

func BenchmarkAppend(b *testing.B) {
	log := filepath.Join(b.TempDir(), "audit.jsonl")
	e := Entry{
		Time: time.Now(), Cwd: "/home/u/src/guard", Argv: []string{"git", "status", "--short"},
		Mode: "suggest", Class: "safe", Decision: "run", Rule: "git", RuleAt: "default.policy:120",
		Resolved: "/usr/bin/git", Pid: 1234,
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Append(log, e); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRotate: the entry that takes the log past MaxSize renames it to
// PATH.1; Read returns both, oldest first.
func TestRotate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := Append(path, Entry{Argv: []string{"first"}}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	// Pad with a line of spaces up to just below the limit.
	pad := make([]byte, MaxSize-fi.Size()-10)
	for i := range pad {
		pad[i] = ' '
	}
	pad[len(pad)-1] = '\n'
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(pad)
	f.Close()
	if err := Append(path, Entry{Argv: []string{"second"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("after crossing MaxSize, %s still exists (%v)", path, err)
	}
	if err := Append(path, Entry{Argv: []string{"third"}}); err != nil {
		t.Fatal(err)
	}
	entries, skipped, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var argv []string
	for _, e := range entries {
		argv = append(argv, e.Argv...)
	}
	if strings.Join(argv, " ") != "first second third" || skipped != 1 {
		t.Errorf("Read = %v (skipped %d), want first second third and the padding skipped", argv, skipped)
	}
}

// The hand-written encoding is the one encoding/json writes for Entry (with
// HTML escaping off), field for field.
func TestEntryEncodingMatchesJSON(t *testing.T) {
	at := time.Date(2026, 12, 6, 1, 2, 3, 4000, time.UTC)
	for _, e := range []Entry{
		{Time: at, Cwd: "/p", Argv: []string{"ls", "-l"}, Mode: "suggest", Class: "safe", Decision: "run", Pid: 7},
		{Time: at, Argv: nil, Pid: 1},
		{Time: at.Add(time.Hour), Cwd: "/\xff<&>", Argv: []string{"a\nb", "\x1b[31m", "\u2028", ""}, Mode: "full-auto",
			Class: "unverified", Decision: "sandbox", Rule: "r", RuleAt: "x.policy:3", Resolved: "/bin/ls",
			Sandbox: "full", Pid: 42, Reason: "why \"so\"", Agent: "codex", Tool: "Bash", Command: "ls\t|", Project: "/p"},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
		got := append(e.appendJSON(nil), '\n')
		if string(got) != want.String() {
			t.Errorf("got  %s\nwant %s", got, want.String())
		}
	}
}
