package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a repository in the world's working directory with one
// commit of a.txt, and a marker script that records that it ran. It
// returns the script's path and the marker's.
func gitRepo(t *testing.T, w *world) (script, marker string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	marker = filepath.Join(w.root, "MARKER")
	script = w.write("evil.sh", "#!/bin/sh\necho \"$0 $*\" >> "+marker+"\ncat \"$@\" 2>/dev/null\nexit 0\n", 0o755)
	w.write("work/a.txt", "one\n", 0o644)
	gitIn(t, w, w.work, "init", "-q", ".")
	gitIn(t, w, w.work, "add", "a.txt")
	gitIn(t, w, w.work, "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "one")
	w.write("work/a.txt", "one\ntwo\n", 0o644)
	return script, marker
}

func gitIn(t *testing.T, w *world, dir string, args ...string) string {
	t.Helper()
	cmd := w.command(append([]string{"git"}, args...)...)
	cmd.Dir = dir
	r := execute(t, cmd)
	if r.code != 0 {
		t.Fatalf("git %s: %s", strings.Join(args, " "), r)
	}
	return r.stdout
}

func ran(marker string) bool {
	_, err := os.Stat(marker)
	return err == nil
}

// TestGitSafeReadPinsConfig: a git read guard runs never runs the programs
// a repository's config names: core.fsmonitor, core.pager, gpg.program
// (log.showSignature) are pinned through git's environment, also against
// GIT_CONFIG_* the caller's environment carries; diff.external, textconv
// drivers and filters, which cannot be pinned, make the read unverified
// (refused here, where no one can be asked). A control run of plain git
// shows that each setting does run the script.
func TestGitSafeReadPinsConfig(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		config [][2]string
		attrs  string
		argv   []string
		env    []string
		want   int // guard's exit code in auto-edit
	}{
		{name: "fsmonitor", config: [][2]string{{"core.fsmonitor", "SCRIPT"}}, argv: []string{"git", "status", "--short"}},
		{name: "fsmonitor via -C", config: [][2]string{{"core.fsmonitor", "SCRIPT"}}, argv: []string{"git", "-C", ".", "diff", "--stat"}},
		{name: "fsmonitor, GIT_CONFIG_COUNT in the environment", config: [][2]string{{"core.fsmonitor", "false"}},
			argv: []string{"git", "status", "--short"},
			env:  []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.fsmonitor", "GIT_CONFIG_VALUE_0=SCRIPT"}},
		{name: "fsmonitor, GIT_CONFIG_PARAMETERS in the environment", config: [][2]string{{"core.fsmonitor", "false"}},
			argv: []string{"git", "status", "--short"},
			env:  []string{"GIT_CONFIG_PARAMETERS='core.fsmonitor'='SCRIPT'"}},
		{name: "fsmonitor, a bogus GIT_CONFIG_COUNT", config: [][2]string{{"core.fsmonitor", "SCRIPT"}},
			argv: []string{"git", "status", "--short"}, env: []string{"GIT_CONFIG_COUNT=x"}},
		{name: "diff.external", config: [][2]string{{"diff.external", "SCRIPT"}}, argv: []string{"git", "diff"}, want: 126},
		{name: "textconv diff", config: [][2]string{{"diff.conv.textconv", "SCRIPT"}}, attrs: "*.txt diff=conv\n",
			argv: []string{"git", "diff"}, want: 126},
		{name: "textconv log -p", config: [][2]string{{"diff.conv.textconv", "SCRIPT"}}, attrs: "*.txt diff=conv\n",
			argv: []string{"git", "log", "-p"}, want: 126},
		{name: "textconv show", config: [][2]string{{"diff.conv.textconv", "SCRIPT"}}, attrs: "*.txt diff=conv\n",
			argv: []string{"git", "show"}, want: 126},
		{name: "textconv blame", config: [][2]string{{"diff.conv.textconv", "SCRIPT"}}, attrs: "*.txt diff=conv\n",
			argv: []string{"git", "blame", "a.txt"}, want: 126},
		{name: "diff driver command", config: [][2]string{{"diff.conv.command", "SCRIPT"}}, attrs: "*.txt diff=conv\n",
			argv: []string{"git", "diff"}, want: 126},
		{name: "clean filter", config: [][2]string{{"filter.f.clean", "SCRIPT"}}, attrs: "*.txt filter=f\n",
			argv: []string{"git", "status", "--short"}, want: 126},
		{name: "show signature", config: [][2]string{{"gpg.program", "SCRIPT"}}, argv: []string{"git", "log", "--show-signature"}, want: 126},
		{name: "signature format", config: [][2]string{{"gpg.program", "SCRIPT"}}, argv: []string{"git", "log", "--format=%H %G?"}, want: 126},
		{name: "paginate", config: [][2]string{{"core.pager", "SCRIPT"}}, argv: []string{"git", "-p", "log"}, want: 126},
		{name: "paginate diff", config: [][2]string{{"core.pager", "SCRIPT"}}, argv: []string{"git", "--paginate", "diff"}, want: 126},
		{name: "-c before the subcommand", argv: []string{"git", "-c", "core.fsmonitor=SCRIPT", "status"}, want: 126},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			script, marker := gitRepo(t, w)
			sub := func(s string) string { return strings.ReplaceAll(s, "SCRIPT", script) }
			for _, kv := range tt.config {
				gitIn(t, w, w.work, "config", kv[0], sub(kv[1]))
			}
			if tt.attrs != "" {
				w.write("work/.gitattributes", tt.attrs, 0o644)
			}
			argv := make([]string, len(tt.argv))
			for i, a := range tt.argv {
				argv[i] = sub(a)
			}
			cmd := w.guardCmd(append([]string{"--mode", "auto-edit", "--"}, argv...)...)
			for _, e := range tt.env {
				cmd.Env = append(cmd.Env, sub(e))
			}
			r := execute(t, cmd)
			if ran(marker) {
				out, _ := os.ReadFile(marker)
				t.Errorf("guard --mode auto-edit -- %s: the repository's program ran (%q); %s", strings.Join(argv, " "), out, r)
			}
			if r.code != tt.want {
				t.Errorf("guard --mode auto-edit -- %s: %s, want exit %d", strings.Join(argv, " "), r, tt.want)
			}
		})
	}
}

// TestGitSafeReadControl: without guard, the settings of
// TestGitSafeReadPinsConfig do run the script, so the test tests something.
func TestGitSafeReadControl(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	script, marker := gitRepo(t, w)
	gitIn(t, w, w.work, "config", "core.fsmonitor", script)
	gitIn(t, w, w.work, "status", "--short")
	if !ran(marker) {
		t.Fatalf("plain git status did not run core.fsmonitor: the pinning test proves nothing here")
	}
	os.Remove(marker)
	gitIn(t, w, w.work, "config", "core.fsmonitor", "false")
	gitIn(t, w, w.work, "config", "diff.conv.textconv", script)
	w.write("work/.gitattributes", "*.txt diff=conv\n", 0o644)
	gitIn(t, w, w.work, "diff")
	if !ran(marker) {
		t.Fatalf("plain git diff did not run the textconv driver")
	}
}

// TestGitEmbeddedBareRepository: a bare repository a clone can carry
// (docs/ with HEAD, config, objects, refs) is not used when git finds it by
// walking up: its config's fsmonitor never runs.
func TestGitEmbeddedBareRepository(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	script, marker := gitRepo(t, w)
	docs := filepath.Join(w.work, "docs")
	gitIn(t, w, w.work, "init", "-q", "--bare", docs)
	gitIn(t, w, docs, "config", "core.fsmonitor", script)
	gitIn(t, w, docs, "config", "core.pager", script)
	for _, argv := range [][]string{
		{"git", "-C", "docs", "status"},
		{"git", "-C", "docs", "log"},
		{"bash", "-c", "cd docs && git status"},
	} {
		r := execute(t, w.guardCmd(append([]string{"--mode", "auto-edit", "--"}, argv...)...))
		if ran(marker) {
			t.Errorf("guard -- %s: the embedded repository's program ran; %s", strings.Join(argv, " "), r)
			os.Remove(marker)
		}
		if r.code == 0 {
			t.Errorf("guard -- %s: %s, want a failure (git refuses the bare repository, or guard refuses)", strings.Join(argv, " "), r)
		}
	}
}

// TestGitUserDriversTrusted: filters and drivers in the user's own
// ~/.gitconfig (git-lfs's, say) leave git reads safe; the same settings in
// the repository's config do not.
func TestGitUserDriversTrusted(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, marker := gitRepo(t, w)
	w.write("home/.gitconfig", "[filter \"lfs\"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n\tprocess = git-lfs filter-process\n", 0o644)
	w.write("work/.gitattributes", "*.bin filter=lfs\n", 0o644)
	if r := execute(t, w.guardCmd("--", "git", "status", "--short")); r.code != 0 {
		t.Errorf("git status with git-lfs's filters in ~/.gitconfig: %s, want it run (safe)", r)
	}
	gitIn(t, w, w.work, "config", "filter.x.clean", "touch "+marker)
	if r := execute(t, w.guardCmd("--", "git", "status", "--short")); r.code != 126 || ran(marker) {
		t.Errorf("git status with a filter in the repository's config: %s, want 126 and nothing run", r)
	}
}
