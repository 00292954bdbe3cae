package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry-9 F1: a tool outside the roots whose #! line runs env in a way that
// finds a program the agent wrote: env given a path (`#!/usr/bin/env
// /src/app/.venv/bin/python`, `./run`), env -S with PATH=, -C DIR or
// ${VAR}, an assignment naming a file in the project (PYTHONPATH=), or a
// file handed to the interpreter. Only the line's first word and a bare
// name were looked at: `flake8 --version` (safe) ran each planted file in
// suggest mode, with real bash and dash as the shells around it.
func TestShebangEnvFindsPlanted(t *testing.T) {
	guard := hookGuard(t)
	dir := outsideTmp(t)
	proj := filepath.Join(dir, "proj")
	mark := filepath.Join(proj, "PLANTED-RAN")
	if err := os.MkdirAll(filepath.Join(proj, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	planted := "#!/bin/sh\necho ran >> " + mark + "\nexec /usr/bin/python3 \"$@\"\n"
	for _, f := range []string{"interp", "bin/python3"} {
		if err := os.WriteFile(filepath.Join(proj, f), []byte(planted), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(proj, "sitecustomize.py"), []byte("open('"+mark+"', 'a').write('ran\\n')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "boot.py"), []byte("open('"+mark+"', 'a').write('ran\\n')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"#!/usr/bin/env " + proj + "/interp",
		"#!/usr/bin/env ./interp",
		"#!/usr/bin/env -S ./interp",
		"#!/usr/bin/env -S PATH=" + proj + "/bin:/usr/bin:/bin python3",
		"#!/usr/bin/env -S -i PATH=bin:/usr/bin python3",
		"#!/usr/bin/env -S ${PWD}/interp",
		"#!/usr/bin/env -S -C " + proj + " ./interp",
		"#!/usr/bin/env -S PYTHONPATH=" + proj + " python3",
		"#!/usr/bin/python3 " + proj + "/boot.py",
		"#!/usr/bin/env -S python3 " + proj + "/boot.py",
	}
	env := hookEnv(t, t.TempDir())
	for i, line := range lines {
		tools := filepath.Join(dir, "tools", string(rune('a'+i)))
		if err := os.MkdirAll(tools, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tools, "flake8"), []byte(line+"\nprint('tool')\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		env[0] = "PATH=" + tools + ":" + systemPath
		for _, argv := range [][]string{{"flake8", "--version"}, {"bash", "-c", "flake8 --version"}, {"sh", "-c", "flake8 --version"}} {
			r := hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...)
			if _, err := os.Stat(mark); err == nil {
				os.Remove(mark)
				t.Errorf("%s: guard -- %q ran the project's file: exit %d, stderr %q", line, argv, r.code, r.stderr)
				continue
			}
			if r.code != 126 || !strings.Contains(r.stderr, "flake8 is a script") {
				t.Errorf("%s: guard -- %q: exit %d, stderr %q; want 126, asked", line, argv, r.code, r.stderr)
			}
		}
	}
	// Lines that find only the system's programs still run unasked.
	for i, line := range []string{"#!/usr/bin/env python3", "#!/usr/bin/env -S python3 -I -S", "#!/usr/bin/env -S /usr/bin/python3 -I", "#!/usr/bin/python3 -u"} {
		tools := filepath.Join(dir, "ok", string(rune('a'+i)))
		if err := os.MkdirAll(tools, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tools, "flake8"), []byte(line+"\nprint('tool')\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		env[0] = "PATH=" + tools + ":" + systemPath
		if r := hookRun(t, proj, env, "", guard, "--", "flake8", "--version"); r.code != 0 || r.stdout != "tool\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want it run", line, r.code, r.stdout, r.stderr)
		}
	}
}

// entry-9 F2: a project replaced for good by a link. A program whose root
// holds another session's project (a monorepo's root holding a package)
// replaces that project with a link to the home, or as root to /etc, and
// the other session's next commands took the link's target as their
// writable root: auto-edit wrote the home unasked, and /etc/profile.d was
// inside the root. A person's link to a project elsewhere, and the home
// reached by the name HOME gives it, are taken as before.
func TestProjectLinkedAway(t *testing.T) {
	guard := hookGuard(t)
	dir := outsideTmp(t)
	home := filepath.Join(dir, "home")
	mono := filepath.Join(dir, "mono")
	data := filepath.Join(dir, "data", "proj")
	for _, d := range []string{home, mono, data, filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{"pkg": home, "etcpkg": "/etc", "profiled": "/etc/profile.d", "upper": dir, "mine": data}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(mono, name)); err != nil {
			t.Fatal(err)
		}
	}
	homeLink := filepath.Join(dir, "homelink")
	if err := os.Symlink(home, homeLink); err != nil {
		t.Fatal(err)
	}
	env := func(cwd, homeDir string) []string {
		return []string{"PATH=" + systemPath, "HOME=" + homeDir, "XDG_CONFIG_HOME=" + filepath.Join(homeDir, ".config"),
			"TMPDIR=" + filepath.Join(dir, "tmp"), "PWD=" + cwd, "GUARD_MODE=auto-edit"}
	}
	// Through the link to the home: nothing runs, as a prefix, as $SHELL
	// and in the hook.
	pkg := filepath.Join(mono, "pkg")
	made := filepath.Join(home, "made")
	for _, args := range [][]string{{"--", "touch", made}, {"-c", "touch " + made}, {"--project", pkg, "--", "touch", made}} {
		r := hookRun(t, pkg, env(pkg, home), "", guard, args...)
		if _, err := os.Stat(made); err == nil {
			os.Remove(made)
			t.Errorf("guard %q in %s -> %s wrote the home: exit %d, stderr %q", args, pkg, home, r.code, r.stderr)
			continue
		}
		if r.code != 125 || !strings.Contains(r.stderr, "through a symbolic link") {
			t.Errorf("guard %q: exit %d, stderr %q; want 125, the link named", args, r.code, r.stderr)
		}
	}
	hook := `{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"touch ` + made + `"},"cwd":"` + pkg + `"}`
	if r := hookRun(t, pkg, append(env(pkg, home), "CLAUDE_PROJECT_DIR="+pkg), hook, guard, "hook", "claude-code"); !strings.Contains(r.stdout, `"deny"`) {
		t.Errorf("hook in %s -> %s: %s %s; want deny", pkg, home, r.stdout, r.stderr)
	}
	// Through links to the system's configuration and to a directory
	// above the home: refused (explain only, nothing is written).
	for _, name := range []string{"etcpkg", "profiled", "upper"} {
		p := filepath.Join(mono, name)
		r := hookRun(t, p, env(p, home), "", guard, "explain", "--", "touch", "x.sh")
		if r.code != 125 || !strings.Contains(r.stderr, "through a symbolic link") {
			t.Errorf("explain in %s -> %s: exit %d, stdout %q, stderr %q; want 125", p, links[name], r.code, r.stdout, r.stderr)
		}
	}
	// A person's link to a project elsewhere, and the home by its name.
	for _, c := range []struct{ cwd, home string }{{filepath.Join(mono, "mine"), home}, {homeLink, homeLink}} {
		r := hookRun(t, c.cwd, env(c.cwd, c.home), "", guard, "--", "touch", "ok")
		if r.code != 0 {
			t.Errorf("guard -- touch ok in %s: exit %d, stderr %q; want it run", c.cwd, r.code, r.stderr)
		}
	}
}

// entry-9 F3: an option's attached value that starts the command the
// program runs (`env -Sgit reset --hard`: getopt takes "git" as -S's
// value, env splits it and appends the words after it; `-iSCMD`,
// `--split-string=CMD`). Only separate words were read for a command, so
// it was unverified and full-auto ran it sandboxed, where the project may
// be written: uncommitted work was discarded, as `env -S 'git reset
// --hard'` (asked in every mode) would not have.
func TestAttachedOptionCommand(t *testing.T) {
	guard := hookGuard(t)
	for _, argv := range [][]string{
		{"env", "-Sgit", "reset", "--hard"},
		{"env", "-iSgit", "reset", "--hard"},
		{"env", "--split-string=git", "reset", "--hard"},
		{"env", "-Sgit reset", "--hard"},
	} {
		proj, env := fullAutoRepo(t)
		askedKeepingWork(t, proj, argv, hookRun(t, proj, env, "", guard, append([]string{"--"}, argv...)...))
	}
	// An option's value that names no command still runs sandboxed.
	proj, env := fullAutoRepo(t)
	if r := hookRun(t, proj, env, "", guard, "explain", "--", "nice", "--adjustment=5", "ls"); !strings.Contains(r.stdout, "decision: sandbox") {
		t.Errorf("explain nice --adjustment=5 ls: %q %q; want sandbox", r.stdout, r.stderr)
	}
}

// askedKeepingWork checks that the full-auto run r of argv in proj (made by
// entry7Repo) left its uncommitted work and was asked about in every mode.
func askedKeepingWork(t *testing.T, proj string, argv []string, r hookResult) {
	t.Helper()
	if !keptWork(t, proj, argv) {
		t.Errorf("full-auto %q ran: exit %d, stderr %q", argv, r.code, r.stderr)
		return
	}
	if r.code != 126 || !strings.Contains(r.stderr, "every mode") {
		t.Errorf("full-auto %q: exit %d, stderr %q; want 126, asked in every mode", argv, r.code, r.stderr)
	}
}

// keptWork reports whether proj's uncommitted a.txt (entry7Repo) is still
// there after argv, reporting it when not.
func keptWork(t *testing.T, proj string, argv []string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(proj, "a.txt"))
	if err != nil || string(b) != "UNCOMMITTED\n" {
		t.Errorf("%q discarded the uncommitted work: a.txt %q (%v)", argv, b, err)
		return false
	}
	return true
}

// fullAutoRepo makes entry7Repo's repository in a new directory, and a
// full-auto environment with the system's PATH for guard.
func fullAutoRepo(t *testing.T) (proj string, env []string) {
	t.Helper()
	work := t.TempDir()
	env = hookEnv(t, work, "GUARD_MODE=full-auto")
	env[0] = "PATH=" + systemPath
	return entry7Repo(t, work), env
}
