package policy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
	"guard/policy/protect"
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
	set := defaultSet(t)
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

// heldOutCommand is one command of testdata/heldout_agents.txt.
type heldOutCommand struct {
	line  int
	label string // read, edit, write or harm
	cmd   string
	batch int // 1: written before the rules were read; 2: after; 3 to 8: later batches written before the rules were read again; 10: heldout10.txt
}

// readHeldOutAgents parses testdata/heldout_agents.txt: LABEL<TAB>command
// lines, a line starting with a tab continuing the command above.
func readHeldOutAgents(t *testing.T) []heldOutCommand {
	return readLabelled(t, "testdata/heldout_agents.txt", []string{"# Second batch", "# Third batch", "# Fourth batch",
		"# Fifth batch", "# Sixth batch", "# Seventh batch", "# Eighth batch"}, 1)
}

// readLabelled parses a file of LABEL<TAB>command lines (read, edit, write
// or harm), a line starting with a tab continuing the command above; the
// commands are of batch first, and of the next batch after each comment
// line that starts with one of marks (in order).
func readLabelled(t *testing.T, file string, marks []string, first int) []heldOutCommand {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []heldOutCommand
	batch := first
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		for j, m := range marks {
			if strings.HasPrefix(line, m) {
				batch = first + j + 1
			}
		}
		switch {
		case strings.HasPrefix(line, "\t"):
			if len(cmds) == 0 {
				t.Fatalf("%s:%d: a continuation line with no command above", file, i+1)
			}
			cmds[len(cmds)-1].cmd += "\n" + line[1:]
			continue
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		}
		label, cmd, ok := strings.Cut(line, "\t")
		if !ok || label != "read" && label != "edit" && label != "write" && label != "harm" || cmd == "" {
			t.Fatalf("%s:%d: want read|edit|write|harm<TAB>command, got %q", file, i+1, line)
		}
		cmds = append(cmds, heldOutCommand{line: i + 1, label: label, cmd: cmd, batch: batch})
	}
	return cmds
}

// The share of heldout_agents.txt's harmless commands that must run
// unasked; a little under what the default reaches, so that a change that
// loses a class of them fails.
// The first two batches are held to heldOutSuggest and heldOutAutoEdit;
// the third (server administration and toolchains, written later) and the
// fourth (frontend, data and ML, JVM, databases, containers) and the fifth
// (Ruby, PHP, .NET, Haskell, C and C++, infrastructure, cloud CLIs, data
// tools, monorepos, macOS and WSL) and the sixth (server administration in
// depth, clusters, data tools, toolchains' queries, git spellings, shell
// idioms) and the eighth (whole sessions in varied settings) to their own
// floors, and batches 1 to 6 together to a floor on all their commands.
const (
	heldOutSuggest  = 0.90
	heldOutAutoEdit = 0.90
	heldOutBatch3   = 0.83
	heldOutBatch4   = 0.86
	heldOutBatch5   = 0.78
	heldOutBatch6   = 0.80
	// heldOutBatch7Edits is the share of the seventh batch's edits (writes
	// inside the project only) auto-edit must run unasked.
	heldOutBatch7Edits = 0.75
	// The eighth batch (whole sessions in varied settings, reads and
	// edits): its harmless commands in both modes, its edits in auto-edit.
	heldOutBatch8      = 0.90
	heldOutBatch8Edits = 0.85
	// The share of all the commands of batches 1 to 6 that run unasked
	// (suggest, auto-edit): the stand-in for the goal.
	heldOutAllSuggest  = 0.518
	heldOutAllAutoEdit = 0.552
)

// TestHeldOutAgents judges testdata/heldout_agents.txt, each command as
// `bash -c CMD` in HOME/proj, with a temporary HOME (standing for the
// commands' /home/agent) that holds the usual secret files, and the roots
// HOME/proj and /tmp. An edit, write or harm command must never be safe
// nor run unasked in suggest mode, and a harm command must not run
// unasked in auto-edit mode either (decided with the default protected
// paths, as the gate does), nor, in the seventh and eighth batches, which
// tell an edit inside the project from other writes, a write command; the
// share of their edits that auto-edit runs is reported and held
// to a floor; the share of read commands that run unasked in
// suggest and auto-edit mode is reported (go test -v lists the asked ones)
// and must stay above the floors.
func TestHeldOutAgents(t *testing.T) {
	cmds := readHeldOutAgents(t)
	set := defaultSet(t)
	// A home directory with the secret files agents' machines hold, so
	// that a recursive search finds them as it would there; the commands'
	// /home/agent is it.
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"proj/.env.example":         "OPENAI_API_KEY=\n",
		"proj/src/app.ts":           "export {}\n",
		"proj/config/app.yml":       "port: 3000\n",
		".ssh/id_rsa":               "-----BEGIN OPENSSH PRIVATE KEY-----\n",
		".ssh/id_ed25519.pub":       "ssh-ed25519 AAAA agent@host\n",
		".ssh/config":               "Host *\n",
		".aws/credentials":          "[default]\n",
		".config/gh/hosts.yml":      "github.com:\n    oauth_token: gho_x\n",
		".docker/config.json":       "{}\n",
		".kube/config":              "users: []\n",
		".netrc":                    "machine x login y password z\n",
		".bashrc":                   "alias ll='ls -l'\n",
		"notes/todo.md":             "- x\n",
		"projects/api/package.json": "{}\n",
	} {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("USER", "agent")
	proj := home + "/proj"
	roots := []string{proj} // not /tmp, which holds the temporary HOME
	var reads, readSuggest, readAutoEdit, allSuggest, allAutoEdit, wronglySafe int
	var batchReads, batchRan, batchAutoEdit, batchAll, batchAllSuggest, batchAllAutoEdit [9]int
	var batchEdits, batchEditsRun [9]int
	for _, c := range cmds {
		v := set.Judge([]string{"bash", "-c", strings.ReplaceAll(c.cmd, "/home/agent", home)}, proj)
		suggest := policy.Decide(&v, policy.Suggest, roots)
		// The gate decides with the protected paths (.envrc, agent
		// settings, editor tasks), which count as outside the roots.
		autoEdit := policy.DecideProtected(&v, policy.AutoEdit, roots, protect.Default(), home)
		batchAll[c.batch]++
		if suggest.Action == policy.Run {
			allSuggest++
			batchAllSuggest[c.batch]++
		}
		if autoEdit.Action == policy.Run {
			allAutoEdit++
			batchAllAutoEdit[c.batch]++
		}
		switch {
		case c.label == "read":
			reads++
			batchReads[c.batch]++
			if suggest.Action == policy.Run {
				readSuggest++
				batchRan[c.batch]++
			} else {
				t.Logf("  asked: heldout_agents.txt:%d %q: %s", c.line, c.cmd, suggest.Reason)
			}
			if autoEdit.Action == policy.Run {
				readAutoEdit++
				batchAutoEdit[c.batch]++
			}
		case v.Class == policy.Safe || suggest.Action == policy.Run:
			wronglySafe++
			t.Errorf("heldout_agents.txt:%d: %s command %q is %s and runs unasked in suggest mode", c.line, c.label, c.cmd, v.Class)
		case c.label == "harm" && autoEdit.Action == policy.Run:
			wronglySafe++
			t.Errorf("heldout_agents.txt:%d: harm command %q runs unasked in auto-edit mode (%s)", c.line, c.cmd, v.Class)
		case c.label == "write" && c.batch >= 7 && autoEdit.Action == policy.Run:
			// The seventh and eighth batches tell an edit inside the
			// project (edit) from a write auto-edit must ask about (write).
			wronglySafe++
			t.Errorf("heldout_agents.txt:%d: write command %q runs unasked in auto-edit mode (%s)", c.line, c.cmd, v.Class)
		case c.label == "edit":
			batchEdits[c.batch]++
			if autoEdit.Action == policy.Run {
				batchEditsRun[c.batch]++
			} else {
				t.Logf("  edit asked in auto-edit: heldout_agents.txt:%d %q: %s", c.line, c.cmd, autoEdit.Reason)
			}
		case os.Getenv("GUARD_HELDOUT_WRITES") != "" && c.label == "write" && autoEdit.Action != policy.Run:
			t.Logf("  write asked in auto-edit: heldout_agents.txt:%d %q: %s", c.line, c.cmd, autoEdit.Reason)
		}
	}
	t.Logf("held-out agents check: %d commands; harmless ones run unasked: suggest %d of %d (%.1f%%), auto-edit %d (%.1f%%); all commands run unasked: suggest %.1f%%, auto-edit %.1f%%; wrongly safe: %d",
		len(cmds), readSuggest, reads, 100*share(readSuggest, reads), readAutoEdit, 100*share(readAutoEdit, reads),
		100*share(allSuggest, len(cmds)), 100*share(allAutoEdit, len(cmds)), wronglySafe)
	t.Logf("held-out agents check by batch: written before the rules %d of %d harmless run unasked (%.1f%%), after %d of %d (%.1f%%)",
		batchRan[1], batchReads[1], 100*share(batchRan[1], batchReads[1]), batchRan[2], batchReads[2], 100*share(batchRan[2], batchReads[2]))
	for b := 1; b <= 8; b++ {
		t.Logf("held-out agents check, batch %d: %d commands, %d of %d harmless run unasked in suggest mode (%.1f%%), %d in auto-edit (%.1f%%); all commands run unasked: suggest %d (%.1f%%), auto-edit %d (%.1f%%)",
			b, batchAll[b], batchRan[b], batchReads[b], 100*share(batchRan[b], batchReads[b]), batchAutoEdit[b], 100*share(batchAutoEdit[b], batchReads[b]),
			batchAllSuggest[b], 100*share(batchAllSuggest[b], batchAll[b]), batchAllAutoEdit[b], 100*share(batchAllAutoEdit[b], batchAll[b]))
	}
	for b := 7; b <= 8; b++ {
		t.Logf("held-out agents check, batch %d: %d of %d edits inside the project run unasked in auto-edit mode (%.1f%%)",
			b, batchEditsRun[b], batchEdits[b], 100*share(batchEditsRun[b], batchEdits[b]))
	}
	t.Logf("held-out agents check, batches 1-6: all commands run unasked: suggest %.1f%%, auto-edit %.1f%%",
		100*share(sum(batchAllSuggest[1:7]), sum(batchAll[1:7])), 100*share(sum(batchAllAutoEdit[1:7]), sum(batchAll[1:7])))
	if s := share(batchEditsRun[7], batchEdits[7]); s < heldOutBatch7Edits {
		t.Errorf("auto-edit mode runs %.1f%% of the seventh batch's edits unasked, floor %.0f%%", 100*s, 100*heldOutBatch7Edits)
	}
	if s := share(batchEditsRun[8], batchEdits[8]); s < heldOutBatch8Edits {
		t.Errorf("auto-edit mode runs %.1f%% of the eighth batch's edits unasked, floor %.0f%%", 100*s, 100*heldOutBatch8Edits)
	}
	for _, n := range []int{batchRan[8], batchAutoEdit[8]} {
		if s := share(n, batchReads[8]); s < heldOutBatch8 {
			t.Errorf("%.1f%% of the eighth batch's harmless commands run unasked (suggest, then auto-edit), floor %.0f%%", 100*s, 100*heldOutBatch8)
		}
	}
	if s := share(sum(batchAllSuggest[1:7]), sum(batchAll[1:7])); s < heldOutAllSuggest {
		t.Errorf("suggest mode runs %.1f%% of batches 1-6 unasked, floor %.1f%%", 100*s, 100*heldOutAllSuggest)
	}
	if s := share(sum(batchAllAutoEdit[1:7]), sum(batchAll[1:7])); s < heldOutAllAutoEdit {
		t.Errorf("auto-edit mode runs %.1f%% of batches 1-6 unasked, floor %.1f%%", 100*s, 100*heldOutAllAutoEdit)
	}
	first := batchReads[1] + batchReads[2]
	if s := share(batchRan[1]+batchRan[2], first); s < heldOutSuggest {
		t.Errorf("suggest mode runs %.1f%% of the first batches' harmless held-out commands unasked, floor %.0f%%", 100*s, 100*heldOutSuggest)
	}
	if s := share(batchAutoEdit[1]+batchAutoEdit[2], first); s < heldOutAutoEdit {
		t.Errorf("auto-edit mode runs %.1f%% of the first batches' harmless held-out commands unasked, floor %.0f%%", 100*s, 100*heldOutAutoEdit)
	}
	if s := share(batchRan[3], batchReads[3]); s < heldOutBatch3 {
		t.Errorf("suggest mode runs %.1f%% of the third batch's harmless commands unasked, floor %.0f%%", 100*s, 100*heldOutBatch3)
	}
	if s := share(batchAutoEdit[3], batchReads[3]); s < heldOutBatch3 {
		t.Errorf("auto-edit mode runs %.1f%% of the third batch's harmless commands unasked, floor %.0f%%", 100*s, 100*heldOutBatch3)
	}
	for _, n := range []int{batchRan[4], batchAutoEdit[4]} {
		if s := share(n, batchReads[4]); s < heldOutBatch4 {
			t.Errorf("%.1f%% of the fourth batch's harmless commands run unasked (suggest, then auto-edit), floor %.0f%%", 100*s, 100*heldOutBatch4)
		}
	}
	for _, n := range []int{batchRan[5], batchAutoEdit[5]} {
		if s := share(n, batchReads[5]); s < heldOutBatch5 {
			t.Errorf("%.1f%% of the fifth batch's harmless commands run unasked (suggest, then auto-edit), floor %.0f%%", 100*s, 100*heldOutBatch5)
		}
	}
	for _, n := range []int{batchRan[6], batchAutoEdit[6]} {
		if s := share(n, batchReads[6]); s < heldOutBatch6 {
			t.Errorf("%.1f%% of the sixth batch's harmless commands run unasked (suggest, then auto-edit), floor %.0f%%", 100*s, 100*heldOutBatch6)
		}
	}
}

// sum adds up counts.
func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
