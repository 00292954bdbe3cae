package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeLine returns the first line of README.md that starts with prefix.
func readmeLine(t *testing.T, prefix string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("README.md has no line starting with %q", prefix)
	return ""
}

// TestReadmeRefusal: the README's refusal example is what guard prints
// (up to the directory and the rule's line), in one line, and the JSON
// example has the same fields in the same order.
func TestReadmeRefusal(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if err := os.Remove(w.path("home/.config/guard/e2e.policy")); err != nil {
		t.Fatal(err)
	}
	want := readmeLine(t, "guard: refused touch made.txt")
	r := execute(t, w.guardCmd("--", "touch", "made.txt"))
	at := regexp.MustCompile(`default\.policy:\d+:\d+`)
	got := at.ReplaceAllString(strings.ReplaceAll(strings.TrimSuffix(r.stderr, "\n"), w.work, "/src"), "default.policy:L:C")
	if r.code != 126 || got != at.ReplaceAllString(want, "default.policy:L:C") {
		t.Errorf("README refusal example\n  %s\nguard prints (exit %d)\n  %s", want, r.code, got)
	}

	jsonWant := readmeLine(t, "`{\"guard\":\"refused\"")
	jsonWant = strings.Trim(jsonWant, "`")
	r = execute(t, w.guardCmd("--json", "--", "touch", "made.txt"))
	re := regexp.MustCompile(`"([a-z_]+)":`)
	names := func(s string) []string {
		var out []string
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		return out
	}
	if g, wn := strings.Join(names(r.stderr), ","), strings.Join(names(jsonWant), ","); g != wn {
		t.Errorf("README JSON refusal has fields %s, guard prints %s", wn, g)
	}
}

// TestReadmeDoubleDash: `--` may be left out except before a program named
// like a subcommand: guard log is guard's own command, guard -- log a
// program named log.
func TestReadmeDoubleDash(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if r := execute(t, w.guardCmd("--", "log")); r.code != 127 || !strings.Contains(r.stderr, "log: program not found") {
		t.Errorf("guard -- log: %s, want 127 (a program named log)", r)
	}
	if r := execute(t, w.guardCmd("explain", "ls")); r.code != 0 || !strings.Contains(r.stdout, "command:  ls") {
		t.Errorf("guard explain ls: %s, want the explanation", r)
	}
	if r := execute(t, w.guardCmd("pwd")); r.code != 0 || strings.TrimSpace(r.stdout) != w.work {
		t.Errorf("guard pwd (no --): %s, want pwd run", r)
	}
}
