package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPlantedThroughRelativePath (docs/redteam/judge-5.md): a relative PATH entry
// (bin, node_modules/.bin, an empty one) is looked up from the directory
// a command runs in. With PATH=bin:..., `bash -c 'cd sub && ls'` ran a
// planted sub/bin/ls, judged safe: guard looked only in its own directory.
// Every directory the script may run in is looked in now.
func TestPlantedThroughRelativePath(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	marker := filepath.Join(w.root, "PLANTED")
	w.write("work/a.txt", "a\n", 0o644)
	for _, name := range []string{"ls", "cat"} {
		w.write(filepath.Join("work/sub/bin", name), "#!/bin/sh\ntouch "+marker+"\n", 0o755)
	}
	for _, path := range []string{"bin:" + systemPath, ":" + systemPath, "./bin:" + systemPath} {
		for _, script := range []string{"cd sub && ls", "cd sub; cat ../a.txt", "(cd sub && ls) && ls"} {
			// The empty entry finds sub/ls only: plant it there too.
			if strings.HasPrefix(path, ":") {
				w.write("work/sub/ls", "#!/bin/sh\ntouch "+marker+"\n", 0o755)
				w.write("work/sub/cat", "#!/bin/sh\ntouch "+marker+"\n", 0o755)
			}
			os.Remove(marker)
			cmd := w.guardCmd("--mode", "suggest", "--", "bash", "-c", script)
			cmd.Env = append(cmd.Env, "PATH="+path)
			r := execute(t, cmd)
			if ran(marker) {
				t.Errorf("PATH=%s guard -- bash -c %q: the planted binary ran; %s", path, script, r)
			}
			if r.code != 126 || !strings.Contains(r.stderr, "inside the writable root") {
				t.Errorf("PATH=%s guard -- bash -c %q: %s, want refused as a planted binary", path, script, r)
			}
		}
	}
	// Without a relative entry the same scripts run the system's ls.
	os.Remove(marker)
	cmd := w.guardCmd("--mode", "suggest", "--", "bash", "-c", "cd sub && ls")
	if r := execute(t, cmd); r.code != 0 || ran(marker) {
		t.Errorf("guard -- bash -c 'cd sub && ls' with an absolute PATH: %s", r)
	}
}

// TestLoadPathRelativeAfterCd: a relative load-path entry is read from the
// directory the interpreter runs in, as a relative PATH entry is: with
// PYTHONPATH=../../x/work/lib (climbing to / and down again), `cd sub &&
// pip3 --version` imports the project's lib/sitecustomize.py, where from
// guard's own directory the entry names a directory outside every root.
func TestLoadPathRelativeAfterCd(t *testing.T) {
	t.Parallel()
	pip, err := exec.LookPath("pip3")
	if err != nil {
		t.Skip("pip3 is not installed")
	}
	w := newWorld(t)
	marker := filepath.Join(w.root, "IMPORTED")
	w.write("work/lib/sitecustomize.py", "open("+strconv.Quote(marker)+", 'w').close()\n", 0o644)
	w.write("work/sub/keep", "", 0o644)
	// An entry that climbs to / from guard's directory and names a
	// directory outside every root there, but work/lib from work/sub.
	work, _ := filepath.EvalSymlinks(w.work)
	parts := strings.Split(strings.Trim(work, "/"), "/")
	entry := strings.Repeat("../", len(parts)) + strings.Join(parts[1:], "/") + "/lib"
	script := "cd sub && " + filepath.Base(pip) + " --version"
	cmd := w.guardCmd("--mode", "suggest", "--", "bash", "-c", script)
	cmd.Env = append(cmd.Env, "PYTHONPATH="+entry)
	check := exec.Command("bash", "-c", script)
	check.Dir, check.Env = w.work, append(os.Environ(), "PYTHONPATH="+entry)
	_ = check.Run()
	if !ran(marker) {
		t.Fatalf("pip3 in sub did not import %s/lib/sitecustomize.py: the attack changed", work)
	}
	os.Remove(marker)
	r := execute(t, cmd)
	if ran(marker) {
		t.Errorf("PYTHONPATH=%s guard -- bash -c %q: the planted module ran; %s", entry, script, r)
	}
	if r.code != 126 || !strings.Contains(r.stderr, "PYTHONPATH") {
		t.Errorf("PYTHONPATH=%s guard -- bash -c %q: %s, want refused for the load path", entry, script, r)
	}
}
