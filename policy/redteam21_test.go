package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// judgeAs judges script as `sh -c script` and reports whether guard lets it
// run unasked in suggest or auto-edit mode.
func judgeAs(set policy.Set, sh, script, dir string) (policy.Verdict, bool) {
	v := set.Judge([]string{sh, "-c", script}, dir)
	s := policy.Decide(&v, policy.Suggest, []string{dir})
	a := policy.Decide(&v, policy.AutoEdit, []string{dir})
	return v, v.Class == policy.Safe || s.Action == policy.Run || a.Action == policy.Run
}

// Judge-21 Z1-Z3: zsh reads a script otherwise than bash where the judge
// read it as bash. Z1: zsh's time takes no options, so `time -p cat a.txt`
// runs the program -p (one the agent put in node_modules/.bin), and `time
// time -o f ls` runs the program time. Z2: zsh has no descriptor move, so
// `ls 2>&1-` writes the file 1-. Z3: zsh decodes $'...' as print does:
// `\s` is s (bash keeps `\s`), so `cat $'note\s.txt'` printed notes.txt,
// which holds a token, while the judge saw `note\s.txt`, which is not there.
// Z4: zsh reads $~, $= and $^ as flags of the parameter after them, and
// with none there as nothing: `cat $~'notes.txt'` read notes.txt, judged as
// the file `$~notes.txt`. Z7: zsh's MULTIOS gives a command every input it
// is given, in turn: `cat run.txt | sh <<'E' ... E` ran run.txt's commands
// too, where bash reads the here-document only.
func TestRedTeam21ZshReadsOtherwise(t *testing.T) {
	set, home, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, "notes.txt"), "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	mustWrite(t, filepath.Join(proj, "a.txt"), "harmless\n")
	mustWrite(t, filepath.Join(proj, "run.txt"), "cat notes.txt\n")
	_ = home

	if zsh, err := exec.LookPath("zsh"); err != nil {
		t.Log("zsh is not installed: the judgements are checked without running it")
	} else {
		// The premises, in the real zsh.
		bin := filepath.Join(t.TempDir(), "bin")
		mustWrite(t, filepath.Join(bin, "-p"), "#!/bin/sh\necho planted-ran\n")
		if err := os.Chmod(filepath.Join(bin, "-p"), 0o755); err != nil {
			t.Fatal(err)
		}
		run := func(script string) string {
			cmd := exec.Command(zsh, "-f", "-c", script)
			cmd.Dir = t.TempDir()
			mustWrite(t, filepath.Join(cmd.Dir, "notes.txt"), "ghp_token\n")
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
			out, _ := cmd.CombinedOutput()
			if _, err := os.Stat(filepath.Join(cmd.Dir, "1-")); err == nil {
				out = append(out, "wrote 1-"...)
			}
			return string(out)
		}
		for script, want := range map[string]string{
			"time -p true":                           "planted-ran",
			"ls 2>&1-":                               "wrote 1-",
			`cat $'note\s.txt'`:                      "ghp_token",
			`cat $'\n'otes.txt`:                      "",
			"time time -o 1- true":                   "wrote 1-",
			`cat $~'notes.txt'`:                      "ghp_token",
			"echo cat notes.txt | sh <<'E'\ntrue\nE": "ghp_token",
			`cat $'notes\x2etxt'`:                    "ghp_token",
			`cat $'note\cs.txt' ||:`:                 "",
		} {
			if got := run(script); want != "" && !strings.Contains(got, want) {
				t.Errorf("zsh -c %q printed %q, want %q: the premise does not hold here", script, got, want)
			}
		}
	}

	for _, script := range []string{
		"time -p cat a.txt",
		"ls | time -p cat a.txt",
		"! time -p ls",
		"time time -o out.txt ls",
		"ls 2>&1-",
		"ls >&1-",
		"cat <&0-",
		`cat $'note\s.txt'`,
		`cat $'note\cs.txt'`,
		`cat $'\q'notes.txt`,
		`cat $'notes.txt\x'`,
		`cat $'notes.txt\u'`,
		`cat $'notes.txt\0x'`,
		`cat $'notes.txt\x00'`,
		`cat $~'notes.txt'`,
		`cat $~"notes.txt"`,
		`cat $=''notes.txt`,
		`cat $^'notes.txt'`,
		`cat notes$~'.txt'`,
		"cat $~\\\n'notes.txt'",
		`head -1 "$~notes.txt"`,
		"cat run.txt | sh <<'E'\nls\nE",
		"sh < run.txt <<'E'\nls\nE",
		"cat run.txt | python3 <<'E'\nprint(1)\nE",
		"sh 0< run.txt <<< ls",
	} {
		for _, outer := range []struct{ sh, script string }{
			{"zsh", script},
			{"bash", "zsh -c '" + strings.ReplaceAll(script, "'", `'\''`) + "'"},
		} {
			if v, runs := judgeAs(set, outer.sh, outer.script, proj); runs {
				t.Errorf("%s -c %q: %s, runs unasked; want asked (zsh reads it otherwise than bash)", outer.sh, outer.script, v.Class)
			}
		}
	}
	// What zsh and bash read alike still runs.
	for _, script := range []string{
		"time cat a.txt",
		"ls 2>&1",
		"ls >&-",
		"ls 2>&-",
		"echo hi >&2",
		`cat $'a\x2etxt'`,
		`cat $'a.txt\n'x || true`,
		`cat 'a$~'.txt a\$~.txt || true`,
		"cat < a.txt | wc -l",
		"ls | wc -l <&-",
	} {
		if v, runs := judgeAs(set, "zsh", script, proj); !runs {
			t.Errorf("zsh -c %q: %s, asked; want run", script, v.Class)
		}
	}
	// After |, bash's time is the program: `time -p time ls` runs the
	// program time twice (the judge saw one).
	if v, runs := judgeAs(set, "bash", "ls | time -p time ls", proj); runs {
		t.Errorf("bash -c %q: %s, runs unasked; want asked (the second time is a program too)", "ls | time -p time ls", v.Class)
	}
	// bash moves a descriptor with 2>&1-, and its time takes -p.
	for _, script := range []string{"time -p cat a.txt", "ls 2>&1-", `cat $'a\.txt' || true`} {
		if v, runs := judgeAs(set, "bash", script, proj); !runs {
			t.Errorf("bash -c %q: %s, asked; want run", script, v.Class)
		}
	}
}
