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
	dir, err := os.MkdirTemp("/var/tmp", "guard-entry9-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	proj := filepath.Join(dir, "proj")
	mark := filepath.Join(proj, "PLANTED-RAN")
	if err := os.MkdirAll(filepath.Join(proj, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	planted := "#!/bin/sh\necho ran >> " + mark + "\nexec python3 \"$@\"\n"
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
