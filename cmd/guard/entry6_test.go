package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry6Project makes a project in a scratch directory with bin/NAME, for
// each name, a program that leaves a mark in the project when it runs, and
// returns the project and the mark's path.
func entry6Project(t *testing.T, work string, names ...string) (proj, mark string) {
	t.Helper()
	proj = filepath.Join(work, "proj")
	mark = filepath.Join(proj, "PLANTED-RAN")
	if err := os.MkdirAll(filepath.Join(proj, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		body := "#!/bin/sh\necho \"$0 $*\" >> " + mark + "\n"
		if err := os.WriteFile(filepath.Join(proj, "bin", n), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return proj, mark
}

// entry-6 F1: `guard -- time ls` was judged as ls (time is bash's keyword,
// which the parser takes away), and the check of what a program finds on
// PATH trusted ls's system_path, which guard execs only for ls itself. guard
// execs /usr/bin/time, which runs the first ls on PATH: a planted bin/ls in
// the project ran unasked, in suggest mode too.
func TestTimeRunsWhatPATHFinds(t *testing.T) {
	guard := hookGuard(t)
	timeBin := ""
	for _, dir := range filepath.SplitList(systemPath) {
		if _, err := os.Stat(filepath.Join(dir, "time")); err == nil {
			timeBin = filepath.Join(dir, "time")
			break
		}
	}
	if timeBin == "" {
		t.Skip("no time program on the system's PATH (the builtin's fallback execs the judged program's system_path)")
	}
	work := t.TempDir()
	proj, mark := entry6Project(t, work, "ls", "echo", "cat")
	for _, mode := range []string{"suggest", "auto-edit"} {
		env := hookEnv(t, work, "GUARD_MODE="+mode)
		env[0] = "PATH=" + filepath.Join(proj, "bin") + ":" + systemPath
		for _, argv := range [][]string{{"time", "ls"}, {"time", "-p", "echo", "hi"}, {"time", "--", "cat", "/dev/null"}} {
			r := hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...)
			if _, err := os.Stat(mark); err == nil {
				b, _ := os.ReadFile(mark)
				t.Fatalf("%s: guard -- %s ran the planted program (%q); exit %d, stderr %q", mode, strings.Join(argv, " "), b, r.code, r.stderr)
			}
			if r.code != 126 || !strings.Contains(r.stderr, "inside the writable root") && !strings.Contains(r.stderr, "no rule") {
				t.Errorf("%s: guard -- %s: exit %d, stderr %q; want 126, refused for the program PATH finds", mode, strings.Join(argv, " "), r.code, r.stderr)
			}
		}
	}
	// Without the planted directory on PATH, time runs as before.
	env := hookEnv(t, work)
	env[0] = "PATH=" + systemPath
	if r := hookRun(t, proj, env, "", guard, "--", "time", "-p", "ls", "bin"); r.code != 0 || !strings.Contains(r.stdout, "ls") {
		t.Errorf("guard -- time -p ls bin: exit %d, stdout %q, stderr %q; want it run", r.code, r.stdout, r.stderr)
	}
}

// entry-6: the user's own config.toml with a mode that lets no one read it
// (chmod 000, a umask gone wrong) was told about another account's home, as
// sudo leaves HOME (entry-5 E9). The line now says whose file it is and
// what fixes it; still 125, nothing run.
func TestOwnConfigUnreadable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run guard as another account (root reads any file)")
	}
	dir, guard := guardForOthers(t, "guard-ownconfig-")
	home := filepath.Join(dir, "home")
	config := filepath.Join(home, ".config", "guard", "config.toml")
	if err := os.MkdirAll(filepath.Dir(config), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("mode = \"suggest\"\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{home, filepath.Join(home, ".config"), filepath.Dir(config), config} {
		if err := os.Chown(p, 12345, 12345); err != nil {
			t.Fatal(err)
		}
	}
	r := trueAsOther(t, guard, dir, home)
	if r.code != 125 || !strings.Contains(r.stderr, "permission denied (it is this account's own file, mode 0000: chmod u+r "+config+")") || strings.Contains(r.stderr, "another account") {
		t.Errorf("guard -- true as uid 12345 with its own config.toml at mode 000: %s, want 125 and chmod u+r", r)
	}
}
