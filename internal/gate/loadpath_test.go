package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestLoadPathIntoRoot: with PYTHONPATH (inherited, not the command's own
// assignment) naming a directory in a writable root, a python program that a
// rule calls safe runs a module the agent wrote there (shown first with the
// real python3: sitecustomize.py ran at flake8 --version's start), so the
// gate asks; a compiled program, python3 --version (which imports nothing)
// and a PYTHONPATH outside the roots are judged as before. A shell script
// (pyenv's pip shim) may start python: asked too.
func TestLoadPathIntoRoot(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here to run the planted module")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	root := filepath.Join(dir, "proj")
	// The programs' directory lies outside every writable root (/tmp is one),
	// as /usr/bin does: a program inside one is asked about anyway.
	binBase, err := os.MkdirTemp("/var/tmp", "guard-loadpath-")
	if err != nil {
		t.Skipf("no directory outside the writable roots for the programs: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(binBase) })
	bin := filepath.Join(binBase, "bin")
	for _, d := range []string{filepath.Join(root, "src"), bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	marker := filepath.Join(dir, "ran")
	os.WriteFile(filepath.Join(root, "src", "sitecustomize.py"), []byte("open("+`"`+marker+`"`+", 'w').close()\n"), 0o644)
	os.WriteFile(filepath.Join(bin, "flake8"), []byte("#!"+python+"\nprint('7.0.0')\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "pip"), []byte("#!/usr/bin/env bash\nexec python3 -m pip \"$@\"\n"), 0o755)

	// Without guard: the planted module runs.
	cmd := exec.Command(filepath.Join(bin, "flake8"), "--version")
	cmd.Dir, cmd.Env = root, []string{"PYTHONPATH=src", "PATH=/usr/bin:/bin"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("flake8 stand-in: %v %s", err, out)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the planted sitecustomize.py did not run: the attack does not work here")
	}

	path := "PATH=" + bin + ":/usr/bin:/bin"
	for _, c := range []struct {
		env  string
		argv []string
		ask  bool
	}{
		{"PYTHONPATH=src", []string{"flake8", "--version"}, true},
		{"PYTHONPATH=" + root + "/src:/usr/lib/x", []string{"flake8", "--version"}, true},
		{"PYTHONPATH=src", []string{"pip", "list"}, true},
		{"PERL5LIB=src", []string{"flake8", "--version"}, false}, // not python's
		{"PYTHONPATH=/usr/lib/x", []string{"flake8", "--version"}, false},
		{"PYTHONPATH=src", []string{"ls"}, false},
		{"PYTHONPATH=src", []string{"python3", "--version"}, false},
		{"", []string{"flake8", "--version"}, false},
	} {
		g := newGate(t, root, Options{Mode: "suggest"}, path, c.env)
		v, d := g.Judge(c.argv)
		asked := d.Action != policy.Run
		if asked != c.ask || c.ask && !strings.Contains(v.Reason, "a module written there runs in it") {
			t.Errorf("%s %q: %s (%s), want asked %v", c.env, c.argv, d.Action, v.Reason, c.ask)
		}
	}
}

// TestVenvInRoot: a virtual environment inside a writable root, first on
// PATH, makes its python (a link to the system's) load the environment's
// site-packages, whose .pth files run at start: a #!/usr/bin/env python3
// tool a rule calls safe ran a .pth the agent wrote (shown first). Asked;
// python3 --version (which loads nothing) and a tool outside any
// environment stay as they were.
func TestVenvInRoot(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 here")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	root := filepath.Join(dir, "proj")
	os.MkdirAll(root, 0o755)
	if out, err := exec.Command(python, "-m", "venv", "--without-pip", filepath.Join(root, ".venv")).CombinedOutput(); err != nil {
		t.Skipf("python3 -m venv: %v %s", err, out)
	}
	site, _ := filepath.Glob(filepath.Join(root, ".venv/lib/python3*/site-packages"))
	if len(site) != 1 {
		t.Skipf("no site-packages in the environment: %v", site)
	}
	marker := filepath.Join(dir, "pth-ran")
	os.WriteFile(filepath.Join(site[0], "x.pth"), []byte("import os; open("+`"`+marker+`"`+", 'w').close()\n"), 0o644)
	binBase, err := os.MkdirTemp("/var/tmp", "guard-venv-")
	if err != nil {
		t.Skipf("no directory outside the writable roots for the tool: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(binBase) })
	os.WriteFile(filepath.Join(binBase, "flake8"), []byte("#!/usr/bin/env python3\nprint('7.0.0')\n"), 0o755)
	path := "PATH=" + filepath.Join(root, ".venv/bin") + ":" + binBase + ":/usr/bin:/bin"

	cmd := exec.Command(filepath.Join(binBase, "flake8"), "--version")
	cmd.Dir, cmd.Env = root, []string{path}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the tool: %v %s", err, out)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the .pth did not run: the attack does not work here")
	}
	for _, c := range []struct {
		env  string
		argv []string
		ask  bool
	}{
		{path, []string{"flake8", "--version"}, true},
		{path, []string{"python3", "--version"}, false},
		{"PATH=" + binBase + ":/usr/bin:/bin", []string{"flake8", "--version"}, false},
	} {
		g := newGate(t, root, Options{Mode: "suggest"}, c.env)
		v, d := g.Judge(c.argv)
		if asked := d.Action != policy.Run; asked != c.ask || c.ask && !strings.Contains(v.Reason, "virtual environment") {
			t.Errorf("%s %q: %s (%s), want asked %v", c.env, c.argv, d.Action, v.Reason, c.ask)
		}
	}
}

// TestPlantedGoVCS: the go command runs git (and the other version control
// programs) by name through PATH to fetch a module directly, so a module
// query a rule calls safe ran a git planted in a writable root (shown first:
// go list -m -versions of a .git module path with GOPROXY=direct, no
// network needed). Asked while such a git is on PATH.
func TestPlantedGoVCS(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool here")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644)
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	goTelemetryOff(t, dir)
	marker := filepath.Join(dir, "git-ran")
	os.WriteFile(filepath.Join(bin, "git"), []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755)
	path := "PATH=" + bin + ":" + filepath.Dir(goTool) + ":/usr/bin:/bin"

	cmd := exec.Command(goTool, "list", "-m", "-versions", "example.invalid/r.git")
	cmd.Dir = dir
	cmd.Env = []string{path, "HOME=" + dir, "GOPROXY=direct", "GOFLAGS=-mod=mod", "GOPATH=" + filepath.Join(dir, "gopath"),
		"GOCACHE=" + filepath.Join(dir, "cache"), "GOTOOLCHAIN=local"}
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Skip("go did not run git from PATH here (the attack needs it)")
	}
	g := newGate(t, dir, Options{Mode: "suggest"}, path)
	if v, d := g.Judge([]string{"go", "list", "-m", "all"}); d.Action == policy.Run || !strings.Contains(v.Reason, "go runs git through PATH") {
		t.Errorf("go list -m all with a planted git: %s (%s), want asked", d.Action, v.Reason)
	}
	g = newGate(t, dir, Options{Mode: "suggest"}, "PATH="+filepath.Dir(goTool)+":/usr/bin:/bin")
	if _, d := g.Judge([]string{"go", "list", "-m", "all"}); d.Action != policy.Run {
		t.Errorf("go list -m all with no planted git: %s, want run", d.Action)
	}
}

// TestRelativeBashEnv: a relative BASH_ENV in the environment guard
// inherits is sourced by every non-interactive bash from the directory it
// runs in (shown first: a file written in the root ran at bash -c ls), so a
// verdict with a bash in it is asked; dash (sh) ignores it, and an absolute
// BASH_ENV is a protected file.
func TestRelativeBashEnv(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash here")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	marker := filepath.Join(dir, "sourced")
	os.WriteFile(filepath.Join(dir, ".benv"), []byte("touch "+marker+"\n"), 0o644)
	cmd := exec.Command(bash, "-c", "true")
	cmd.Dir, cmd.Env = dir, []string{"BASH_ENV=.benv", "PATH=/usr/bin:/bin"}
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("bash did not source the relative BASH_ENV: the attack does not work here")
	}
	for _, c := range []struct {
		env  string
		argv []string
		ask  bool
	}{
		{"BASH_ENV=.benv", []string{"bash", "-c", "ls"}, true},
		{"BASH_ENV=.benv", []string{"sh", "-c", "echo a && bash -c 'ls'"}, true},
		{"BASH_ENV=.benv", []string{"ls"}, false},
		{"BASH_ENV=/usr/share/none", []string{"bash", "-c", "ls"}, false},
		{"BASH_ENV=/x/$(touch y)", []string{"bash", "-c", "ls"}, true}, // the substitution runs at each start
		{"", []string{"bash", "-c", "ls"}, false},
	} {
		g := newGate(t, dir, Options{Mode: "suggest"}, c.env)
		v, d := g.Judge(c.argv)
		if asked := d.Action != policy.Run; asked != c.ask {
			t.Errorf("%s %q: %s (%s), want asked %v", c.env, c.argv, d.Action, v.Reason, c.ask)
		}
	}
}
