package policy_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"guard/policy"
)

// TestHeldOut judges testdata/heldout.txt, commands written by hand that
// are not in the shared corpus the default was tuned on: no `ask` command
// may run in suggest mode, and the share of harmless (`run`) commands that
// do run is reported (and must stay high). The home directory is fixed, as
// the shell would expand ~ to it.
func TestHeldOut(t *testing.T) {
	data, err := os.ReadFile("testdata/heldout.txt")
	if err != nil {
		t.Fatal(err)
	}
	def, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	set := policy.Set{def}
	t.Setenv("HOME", "/home/agent")
	var harmless, ran, total, runs int
	var missed []string
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, cmd, ok := strings.Cut(line, "\t")
		if !ok || want != "run" && want != "ask" {
			t.Fatalf("heldout.txt:%d: want run|ask<TAB>command, got %q", i+1, line)
		}
		v := set.Judge([]string{"bash", "-c", cmd}, "/home/agent/proj")
		d := policy.Decide(&v, policy.Suggest, []string{"/home/agent/proj", "/tmp"})
		total++
		if d.Action == policy.Run {
			runs++
		}
		switch {
		case want == "ask" && d.Action == policy.Run:
			t.Errorf("heldout.txt:%d: %q runs unasked (%s), want asked", i+1, cmd, v.Class)
		case want == "run":
			harmless++
			if d.Action == policy.Run {
				ran++
			} else {
				missed = append(missed, fmt.Sprintf("%q: %s", cmd, d.Reason))
			}
		}
	}
	t.Logf("held-out check: %d of %d harmless commands run unasked (%.1f%%); %d of %d commands run in all",
		ran, harmless, 100*share(ran, harmless), runs, total)
	for _, m := range missed {
		t.Logf("  asked: %s", m)
	}
	if share(ran, harmless) < 0.9 {
		t.Errorf("only %d of %d harmless held-out commands run unasked", ran, harmless)
	}
}
