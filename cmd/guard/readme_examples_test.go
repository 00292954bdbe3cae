package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readme returns the project's README.
func readmeText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pattern makes an example line a regular expression: "..." stands for
// anything, the rest is literal.
func pattern(example string) *regexp.Regexp {
	parts := strings.Split(example, "...")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// TestReadmeCheckExamples runs every `$ guard check ...` example of the
// README and compares the output with the line under it.
func TestReadmeCheckExamples(t *testing.T) {
	w := newWorld(t)
	os.Remove(filepath.Join(w.configDir(), "e2e.policy"))
	lines := strings.Split(readmeText(t), "\n")
	n := 0
	for i, line := range lines {
		cmdline, ok := strings.CutPrefix(line, "$ guard ")
		if !ok || i+1 >= len(lines) {
			continue
		}
		n++
		args := strings.Fields(cmdline)
		r := execute(t, w.guardCmd(args...))
		got := strings.TrimSpace(r.stdout)
		if !pattern(lines[i+1]).MatchString(got) {
			t.Errorf("README line %d: guard %s\n got: %s\nwant: %s", i+1, cmdline, got, lines[i+1])
		}
	}
	if n < 4 {
		t.Errorf("found %d `$ guard` examples in the README, want at least 4", n)
	}
}

// TestReadmeExitCodes checks each row of the README's exit-code table with
// a real run, and the refusal line's shape.
func TestReadmeExitCodes(t *testing.T) {
	w := newWorld(t)
	os.Remove(filepath.Join(w.configDir(), "e2e.policy"))
	notExec := w.write("data.txt", "hello\n", 0o644)
	scenarios := map[int][][]string{
		125: {{"--mode", "fast", "--", "ls"}},
		126: {{"--", "touch", "made.txt"}, {"--mode", "auto-edit", "--", "rm", "-rf", "/"}, {"--mode", "full-auto", "--", notExec}},
		127: {{"--", "no-such-program-anywhere"}, {"--mode", "full-auto", "--", "no-such-program-anywhere"}},
	}
	table := regexp.MustCompile(`(?m)^\| (\d{3}) \| `)
	text := readmeText(t)
	_, after, _ := strings.Cut(text, "### Exit codes")
	rows := table.FindAllStringSubmatch(after[:strings.Index(after, "\n\n")+1+strings.Index(after[strings.Index(after, "\n\n")+2:], "\n\n")+2], -1)
	if len(rows) < 3 {
		t.Fatalf("the exit-code table has %d numbered rows, want 125, 126, 127", len(rows))
	}
	for _, row := range rows {
		code, _ := strconv.Atoi(row[1])
		runs, ok := scenarios[code]
		if !ok {
			t.Errorf("README exit code %d has no scenario in this test", code)
			continue
		}
		for _, args := range runs {
			r := execute(t, w.guardCmd(args...))
			if r.code != code {
				t.Errorf("guard %s: %s, want exit %d as the README says", strings.Join(args, " "), r, code)
			}
			if lines := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n"); r.code >= 125 && lines != 0 {
				t.Errorf("guard %s: stderr has %d lines, want the one line the README promises:\n%s", strings.Join(args, " "), lines+1, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(w.work, "made.txt")); err == nil {
				t.Fatalf("guard %s created made.txt", strings.Join(args, " "))
			}
		}
	}
	// The refusal example's shape: what, class and mode, why, rule and
	// place, what would allow it.
	_, ex, _ := strings.Cut(text, "A refusal is one line on stderr")
	_, ex, _ = strings.Cut(ex, "```\n")
	ex, _, _ = strings.Cut(ex, "\n")
	r := execute(t, w.guardCmd("--", "touch", "made.txt"))
	shape := regexp.MustCompile(`^guard: refused (\S+ \S+) \((\w+), (\w+) mode\): .*; rule define_program\("touch"\) at default\.policy:\d+:\d+; to allow: `)
	m1, m2 := shape.FindStringSubmatch(ex), shape.FindStringSubmatch(strings.TrimSpace(r.stderr))
	if m1 == nil || m2 == nil || m1[1] != m2[1] || m1[2] != m2[2] || m1[3] != m2[3] {
		t.Errorf("README refusal example and guard disagree:\nREADME: %s\nguard:  %s", ex, r.stderr)
	}
}

// TestReadmeQuickstart: the quickstart's make targets exist.
func TestReadmeQuickstart(t *testing.T) {
	_, quick, _ := strings.Cut(readmeText(t), "## Quickstart")
	quick, _, _ = strings.Cut(quick, "\n## ")
	targets := regexp.MustCompile(`(?m)^make (\w+)`).FindAllStringSubmatch(quick, -1)
	if len(targets) < 2 {
		t.Fatalf("quickstart names %d make targets, want make demo and make test", len(targets))
	}
	for _, m := range targets {
		if out, err := exec.Command("make", "-C", "../..", "-n", m[1]).CombinedOutput(); err != nil {
			t.Errorf("quickstart's make %s: %v\n%s", m[1], err, out)
		}
	}
}
