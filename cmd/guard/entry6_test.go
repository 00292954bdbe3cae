package main

import (
	"os"
	"os/exec"
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

// entry-6 F5: the mode in the account's own config.toml bounds every
// decision, also when a command moves HOME and XDG_CONFIG_HOME together to a
// directory it wrote (a shim with no guard above sees only its own
// environment). The caps were read at the places the environment named, so
// `HOME=/tmp/a XDG_CONFIG_HOME=/tmp/a GUARD_MODE=auto-edit touch made`
// through a shim ran past the user's suggest. The account's home comes from
// /etc/passwd, which the test replaces in a mount namespace of its own.
func TestModeCapAtAccountHome(t *testing.T) {
	guard := hookGuard(t)
	if os.Getuid() != 0 {
		t.Skip("needs root: /etc/passwd is replaced in a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare is not installed")
	}
	work := t.TempDir()
	acct := filepath.Join(work, "acct")
	agent := filepath.Join(work, "agent")
	proj := filepath.Join(acct, "proj")
	shims := filepath.Join(work, "shims")
	for _, d := range []string{filepath.Join(acct, ".config", "guard"), filepath.Join(agent, ".config", "guard"), proj, shims, filepath.Join(work, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(acct, ".config", "guard", "config.toml"), []byte("mode = \"suggest\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// What the agent wrote where it moved the home: a looser mode.
	if err := os.WriteFile(filepath.Join(agent, ".config", "guard", "config.toml"), []byte("mode = \"full-auto\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(guard, filepath.Join(shims, "touch")); err != nil {
		t.Fatal(err)
	}
	passwd := filepath.Join(work, "passwd")
	if err := os.WriteFile(passwd, []byte("root:x:0:0:root:"+acct+":/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(home string, argv ...string) hookResult {
		env := []string{"PATH=" + shims + ":" + systemPath, "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
			"TMPDIR=" + filepath.Join(work, "tmp"), "GUARD_MODE=auto-edit"}
		script := `mount --bind "$0" /etc/passwd && exec "$@"`
		return hookRun(t, proj, env, "", unshare, append([]string{"--mount", "--propagation", "private", "sh", "-c", script, passwd}, argv...)...)
	}
	made := filepath.Join(proj, "made")
	for _, home := range []string{acct, agent} {
		for _, argv := range [][]string{{guard, "--", "touch", "made"}, {"touch", "made"}} {
			r := run(home, argv...)
			if _, err := os.Stat(made); err == nil {
				t.Fatalf("HOME=%s %s: ran (exit %d, stderr %q); want refused: the account's config.toml says suggest", home, strings.Join(argv, " "), r.code, r.stderr)
			}
			if r.code != 126 || !strings.Contains(r.stderr, "the mode in "+filepath.Join(acct, ".config", "guard", "config.toml")+", suggest, is the loosest guard uses") {
				t.Errorf("HOME=%s %s: exit %d, stderr %q; want 126, capped by the account's config.toml", home, strings.Join(argv, " "), r.code, r.stderr)
			}
		}
	}
}
