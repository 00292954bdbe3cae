package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/policy"
)

// TestRedTeam25CdStartupOptions: where a cd lands depends on options of
// the agent's shell that the user's start-up files set and the agents'
// shell snapshots carry: cdable_vars (zsh: CDABLE_VARS, set by prezto)
// sends a cd to a name that is no directory to $NAME or ~NAME, and set -P
// (zsh: CHASE_LINKS, CHASE_DOTS) resolves a link before its .. . Each
// attack is run in the real shells first, with the option, and prints the
// token of ~/tok.txt, which the judge took for a read of a file that is not
// there.
func TestRedTeam25CdStartupOptions(t *testing.T) {
	set, home, proj := tokenLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, "sub", "x"): "x\n"})
	mustLink(t, "../home/sub", filepath.Join(proj, "s"))

	options := map[string][]string{
		"bash": {"", "shopt -s cdable_vars", "set -P"},
		"zsh":  {"", "setopt cdable_vars", "setopt chase_links", "setopt chase_dots"},
	}
	// The options under which each prints the token; "" is the shells'
	// default: bash's and zsh's logical cd check that the directory before
	// each .. is there, and else chdir to the path as written.
	attacks := map[string][]string{
		`cd HOME && cat tok.txt`:                   {"shopt -s cdable_vars", "setopt cdable_vars"},
		`pushd HOME >/dev/null && head -1 tok.txt`: {"shopt -s cdable_vars", "setopt cdable_vars"},
		`cd HOME; cat tok.txt`:                     {"shopt -s cdable_vars", "setopt cdable_vars"},
		`cd HOME/sub && cat ../tok.txt`:            {"setopt cdable_vars"},
		`ls ~ >/dev/null; cd _ && cat tok.txt`:     {"shopt -s cdable_vars"},
		`cd HOME; mkdir -p x; cat tok.txt`:         {"shopt -s cdable_vars", "setopt cdable_vars"},
		`cd s/.. && cat tok.txt`:                   {"set -P", "setopt chase_links", "setopt chase_dots"},
		`cd s && cd .. && cat tok.txt`:             {"set -P", "setopt chase_links", "setopt chase_dots"},
		`cd ./s/../sub/.. && cat tok.txt`:          {"", "shopt -s cdable_vars", "set -P", "setopt cdable_vars", "setopt chase_links", "setopt chase_dots"},
		`cd s && cd ../sub/.. && cat tok.txt`:      {"", "shopt -s cdable_vars", "set -P", "setopt cdable_vars", "setopt chase_links", "setopt chase_dots"},
		`cd src; cd ../s; cd ..; head -3 tok.txt`:  {"set -P", "setopt chase_links", "setopt chase_dots"},
	}
	for script, want := range attacks {
		for sh, opts := range options {
			bin, err := exec.LookPath(sh)
			if err != nil {
				t.Logf("%s not installed: %q not run in it", sh, script)
				continue
			}
			for _, opt := range opts {
				cmd := exec.Command(bin, "-c", opt+"\n"+script)
				if sh == "zsh" {
					cmd.Args = []string{bin, "-f", "-c", opt + "\n" + script}
				}
				cmd.Dir = proj
				out, _ := cmd.CombinedOutput()
				if printed, wanted := strings.Contains(string(out), "ghp_"), slices.Contains(want, opt); printed != wanted {
					t.Errorf("%s with %q: %q printed the token: %v, want %v (%q)", sh, opt, script, printed, wanted, out)
				}
			}
		}
	}
	for script := range attacks {
		rtNotSafe(t, set, proj, script)
	}
	rtSafe(t, set, proj, `cd src && ls`, `cd src/.. && cat a.txt`, `cd src && cd .. && cat a.txt`, `cd frontend && ls`,
		`cd nosuch; cat a.txt`, `cd s && ls`, `cd s && cat x`, `cd "$HOME/sub" && ls`, `cd ~/sub/.. && ls`)
	// A directory an earlier command makes is no lookup.
	for _, script := range []string{`mkdir -p HOME && cd HOME && ls`, `mkdir -p HOME/x && cd HOME && ls`} {
		v := set.Judge([]string{"bash", "-c", script}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Ask {
			t.Errorf("%q: auto-edit %s (%s); want it run", script, d.Action, d.Reason)
		}
	}
	// Started in a link to a project (the agent's $PWD), a cd .. goes to
	// the link's parent, and with set -P to the project's.
	rtWrite(t, map[string]string{filepath.Join(home, "w", "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		filepath.Join(home, "w", "proj2", "a.txt"): "a\n"})
	start := filepath.Join(filepath.Dir(proj), "plink")
	mustLink(t, filepath.Join(home, "w", "proj2"), start)
	if bash, err := exec.LookPath("bash"); err == nil {
		for opt, want := range map[string]bool{"": false, "set -P\n": true} {
			cmd := exec.Command(bash, "-c", opt+`cd .. && cat tok.txt`)
			cmd.Dir, cmd.Env = start, []string{"PWD=" + start, "PATH=/usr/bin:/bin"}
			if out, _ := cmd.CombinedOutput(); strings.Contains(string(out), "ghp_") != want {
				t.Errorf("bash -c %q in %s printed the token: %v, want %v (%q)", opt+`cd .. && cat tok.txt`, start, !want, want, out)
			}
		}
	}
	// And when the directory named from the link's parent is not there,
	// bash's logical cd chdirs through the link: `cd ../proj2` entered
	// the project, whatever the options.
	rtWrite(t, map[string]string{filepath.Join(home, "w", "proj2", "cfg.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", `cd ../proj2 && cat cfg.txt`)
		cmd.Dir, cmd.Env = start, []string{"PWD=" + start, "PATH=/usr/bin:/bin"}
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash -c %q in %s did not print the token (%q)", `cd ../proj2 && cat cfg.txt`, start, out)
		}
	}
	rtNotSafe(t, set, start, `cd .. && cat tok.txt`, `cd ../proj2/.. && head -1 tok.txt`, `cd ../proj2 && cat cfg.txt`)
	rtSafe(t, set, start, `cat a.txt`, `cd ../nosuch && cat cfg.txt`)
	rtSafe(t, set, proj, `cd .. && ls`, `cd ../proj && cat a.txt`)

	// A link the script makes is not there when it is judged: `ln -s a/b l
	// && cd l/../q/..` entered a in default bash (no ./q: the path as
	// written), whose tok.txt (a token: asked for as `cat a/tok.txt`) cat
	// printed; auto-edit ran it confined, which stops writes only.
	rtWrite(t, map[string]string{filepath.Join(proj, "a", "tok.txt"): "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		filepath.Join(proj, "a", "b", "x"): "x\n", filepath.Join(proj, "a", "q", "x"): "x\n"})
	made := []string{`ln -s a/b l && cd l/../q/.. && cat tok.txt`, `ln -s a/b l && cd l && cd .. && cat tok.txt`,
		`ln -s a/b l; cd l/..; head -1 tok.txt`}
	if bash, err := exec.LookPath("bash"); err == nil {
		for i, script := range made {
			prefix := ""
			if i > 0 {
				prefix = "set -P\n"
			}
			cmd := exec.Command(bash, "-c", prefix+script)
			cmd.Dir = proj
			out, _ := cmd.CombinedOutput()
			os.Remove(filepath.Join(proj, "l"))
			if !strings.Contains(string(out), "ghp_") {
				t.Errorf("bash -c %q did not print the token (%q)", prefix+script, out)
			}
		}
	}
	rtNotSafe(t, set, proj, made...)
	v := set.Judge([]string{"bash", "-c", `mkdir -p x && cd x && cd .. && cat a.txt`}, proj)
	if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Ask {
		t.Errorf("mkdir -p x && cd x && cd ..: auto-edit %s (%s); want it run", d.Action, d.Reason)
	}

	// dash has neither option.
	for _, script := range []string{`cd HOME && cat tok.txt`, `cd s/.. && cat tok.txt`} {
		v := set.Judge([]string{"sh", "-c", script}, proj)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action != policy.Run {
			t.Errorf("sh -c %q: %s (%s); want it run", script, d.Action, d.Reason)
		}
	}
}
