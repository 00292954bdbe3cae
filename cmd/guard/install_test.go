package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestShimsOnlyForExisting: guard install makes shims only for programs a
// PATH search finds when it runs, so `command -v yarn` does not find a shim
// for a yarn that is not installed; a named absent program is reported and
// the exit status is 1.
func TestShimsOnlyForExisting(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	shims := filepath.Join(w.root, "shims")
	r := execute(t, w.guardCmd("install", "--dir", shims))
	if r.code != 0 {
		t.Fatalf("guard install: %s", r)
	}
	entries, _ := os.ReadDir(shims)
	if len(entries) == 0 {
		t.Fatalf("guard install made no shims")
	}
	for _, e := range entries {
		cmd := w.command("bash", "--noprofile", "--norc", "-c", "command -v "+e.Name())
		cmd.Env = append(cmd.Env, "PATH="+systemPath)
		if r := execute(t, cmd); r.code != 0 {
			t.Errorf("guard install made a shim for %s, which is not on PATH", e.Name())
		}
	}
	r = execute(t, w.guardCmd("install", "--dir", shims, "rm", "guard-no-such-program"))
	if r.code != 1 || !strings.Contains(r.stderr, "not on PATH, no shim made: guard-no-such-program") {
		t.Errorf("guard install rm guard-no-such-program: %s, want 1 and the absent program named", r)
	}
	if fileExists(filepath.Join(shims, "guard-no-such-program")) {
		t.Errorf("a shim was made for a program that does not exist")
	}
}

// TestDoctorReportsBadShims: guard doctor reports a shim whose guard is
// gone (a shell skips it and runs the program unguarded) and a shim for a
// program that is no longer on PATH, and exits 1.
func TestDoctorReportsBadShims(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	shims := filepath.Join(w.home, ".local", "share", "guard", "shims")
	w.install(shims, "cat")
	if err := os.Symlink(filepath.Join(w.root, "old", "guard"), filepath.Join(shims, "rm")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(w.guard, filepath.Join(shims, "guard-gone-program")); err != nil {
		t.Fatal(err)
	}
	w.write("home/.profile", "export PATH=\""+shims+":$PATH\"\n", 0o644)
	r := execute(t, w.guardCmd("doctor"))
	if r.code != 1 {
		t.Errorf("guard doctor with bad shims: exit %d, want 1; %s", r.code, r.stdout)
	}
	for _, want := range []string{
		"NO   " + filepath.Join(shims, "rm") + ": dangling",
		"NO   " + filepath.Join(shims, "guard-gone-program") + ": no guard-gone-program on PATH",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("guard doctor: stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, filepath.Join(shims, "cat")+":") {
		t.Errorf("guard doctor reports the good cat shim:\n%s", r.stdout)
	}
}

// TestDoctorRunsSystemBash: guard doctor is safe for an agent to run, and it
// asked `bash -lc` for the login PATH through PATH, so a bash planted in a
// directory on PATH (a project's .venv/bin) ran. It runs the system's bash.
func TestDoctorRunsSystemBash(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	shims := filepath.Join(w.home, ".local", "share", "guard", "shims")
	w.install(shims, "cat")
	marker := filepath.Join(w.root, "planted-bash-ran")
	w.write("work/.venv/bin/bash", "#!/bin/sh\ntouch "+marker+"\nexec /bin/bash \"$@\"\n", 0o755)
	w.setenv("PATH", filepath.Join(w.work, ".venv", "bin")+":"+systemPath)
	execute(t, w.guardCmd("doctor"))
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("guard doctor ran the bash found first on PATH (%s)", filepath.Join(w.work, ".venv", "bin", "bash"))
	}
}

// TestDoctorGitBareRepository: the sandbox cannot keep a program from making
// a new bare repository inside a root, so guard doctor says whether git
// refuses one it finds by itself, and how to make it; it asks the system's
// git from no repository.
func TestDoctorGitBareRepository(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/bin/git"); err != nil {
		t.Skip("no /usr/bin/git: " + err.Error())
	}
	w := newWorld(t)
	r := execute(t, w.guardCmd("doctor"))
	if !strings.Contains(r.stdout, "git config --global safe.bareRepository explicit") {
		t.Errorf("guard doctor without the setting does not say how to set it:\n%s", r.stdout)
	}
	set := exec.Command("/usr/bin/git", "config", "--global", "safe.bareRepository", "explicit")
	set.Env = append(os.Environ(), "HOME="+w.home, "XDG_CONFIG_HOME="+filepath.Join(w.home, ".config"))
	if out, err := set.CombinedOutput(); err != nil {
		t.Fatalf("git config: %v: %s", err, out)
	}
	r = execute(t, w.guardCmd("doctor"))
	if !strings.Contains(r.stdout, "ok   safe.bareRepository=explicit") {
		t.Errorf("guard doctor with the setting does not report it:\n%s", r.stdout)
	}
}
