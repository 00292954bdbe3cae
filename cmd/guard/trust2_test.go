package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// An "always" answer holds the command the person saw, with every word of
// it: "always this exact command" and "[s]hape" for `make -n deploy` (a dry
// run: make prints the recipe) do not run `make deploy` (the recipe) later,
// with no one asked; the remembered command itself still runs unasked.
func TestAlwaysKeepsEveryOption(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	for _, answers := range [][]string{{"a\n", "e\n"}, {"a\n", "p\n"}, {"s\n", "e\n"}} {
		w := newWorld(t)
		marker := filepath.Join(w.root, "DEPLOYED")
		w.write("work/Makefile", "deploy:\n\ttouch "+marker+"\n", 0o644)
		tm := openTerminal(t)
		cmd := w.guardCmd("--mode", "suggest", "--", "make", "-n", "deploy")
		tm.start(cmd)
		tm.waitFor(promptText)
		tm.typeIn(answers[0])
		tm.waitFor(scopeText)
		tm.typeIn(answers[1])
		if r := waitExit(t, cmd); r.code != 0 || fileExists(marker) {
			t.Fatalf("answers %q to make -n deploy: %s (a dry run: nothing made); terminal %q", answers, r, tm.text())
		}
		if !strings.Contains(tm.drain(), "remembered in ") {
			t.Fatalf("answers %q: nothing remembered; terminal %q", answers, tm.text())
		}
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "make", "-n", "deploy")); r.code != 0 {
			t.Errorf("answers %q, make -n deploy again, no terminal: %s, want it run (remembered)", answers, r)
		}
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "make", "deploy")); r.code != 126 || fileExists(marker) {
			t.Errorf("answers %q to make -n deploy, then make deploy with no terminal: %s, made %v; want 126 and nothing run",
				answers, r, fileExists(marker))
		}
	}
}
