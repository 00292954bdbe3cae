package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// pyReads are programs agents send that only read and print.
var pyReads = []string{
	`import json; print(json.load(open('package.json'))['version'])`,
	"import json\nwith open(\"package.json\") as f:\n    pkg = json.load(f)\nfor k, v in sorted(pkg.get(\"dependencies\", {}).items()):\n    print(k, v)\n",
	"import ast\nsrc = open(\"a.py\").read()\nfor node in ast.walk(ast.parse(src)):\n    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):\n        print(node.lineno, node.name)\n",
	"import tomllib\nwith open(\"pyproject.toml\", \"rb\") as f:\n    print(tomllib.load(f)[\"project\"][\"name\"])\n",
	"import configparser\nc = configparser.ConfigParser()\nc.read(\"setup.cfg\")\nprint(c.sections())\n",
	"import sys\nprint(sys.version)\nprint(sys.executable)\n",
	"import tokenize\nwith open(\"a.py\", \"rb\") as f:\n    for tok in tokenize.tokenize(f.readline):\n        if tok.type == tokenize.COMMENT:\n            print(tok.start[0], tok.string)\n",
	`import datetime; print(datetime.datetime(2024, 3, 10, 2, 30).isoformat())`,
	`import re; print(re.findall(r'\d+', 'v1.4.2'))`,
	`from pathlib import Path; print(Path("a.py").read_text().count("def "))`,
	`import os; print(sorted(os.listdir(".")), os.path.join("a", "b"), os.cpu_count())`,
	`import zipfile; print(zipfile.ZipFile('a.zip').namelist())`,
	`import sys; sys.stdout.write("{0} {1:.2f} {0!r:>8}\n".format(1, 2.0))`,
	`print(f"{len(open('a.py').readlines())} lines", "x".replace("x", "y"))`,
	`import locale; print(locale.getpreferredencoding())`,
}

// pyNotReads are programs that write, run, reach the environment or a
// module's globals, or open a file the judge cannot name, each refused.
var pyNotReads = []string{
	`open('x', 'w').write('y')`, `open('x', mode='a')`, `open('x', 'r+')`, `open('x', 'w'.strip())`,
	`open(file='x', mode='w')`, `open('.e' 'nv')`, `open('.env'[::-1])`, `o = open; o('x', 'w')`,
	`import os; os.system('id')`, `import os; os.popen('id')`, `import os; print(os.environ)`,
	`import os; print(os.getenv('OPENAI_API_KEY'))`, `import os; os.remove('x')`, `import os; os.execvp('sh', ['sh'])`,
	`import subprocess`, `import shutil`, `import yaml`, `import pickle`, `import importlib`, `from os import system`,
	`from os import *`, `from . import x`, `from os import path as p; p.os.system('id')`, `import sys; sys.modules['os']`,
	`__import__('os')`, `print(().__class__.__base__.__subclasses__())`, `getattr(print, 'x')`, `eval('1')`,
	`exec('1')`, `print(vars())`, `print(globals())`, `breakpoint()`, `input()`, `help()`,
	`print("{0.environ}".format(x))`, `print("{0.environ}" "x".format(x))`, `print(f"{y}" "{}".format(x))`, `print("{:{0.x}}".format(1))`, `print("{0[x]}".format(d))`, `f = "{0.x}"; print(f.format(x))`, `print(str.format("{0.x}", x))`,
	`import os; print(f"{os.environ}")`, `print(f"{open('x', 'w')}")`, `print(type(x)('y', 'w'))`,
	`import tarfile; tarfile.open('a.tar').extractall()`, `import tarfile; tarfile.open('a.tar', 'w')`,
	`import zipfile; zipfile.ZipFile('a.zip', 'w')`, `from zipfile import ZipFile as Z; Z('a.zip', 'w')`,
	`import zipfile; Z = zipfile.ZipFile; Z('a.zip', 'w')`, `import tarfile; t = tarfile.open('a.tar'); t.makefile(m, 'x')`,
	`from pathlib import Path; Path('x').write_text('y')`, `from pathlib import Path; Path('a').replace('b')`,
	`from pathlib import Path; Path('a').rename('b')`, `from pathlib import Path; Path('a').unlink()`,
	`from pathlib import Path; p = Path('.env'); print(p.read_text())`, `from pathlib import Path; Path('a').copy('b')`,
	`from pathlib import Path; print(Path('~/.ssh/id_rsa').expanduser().read_text())`,
	`from pathlib import Path; Path('a').open('w')`, `import os; print(open(os.path.expanduser('~/.ssh/id_rsa')).read())`,
	`import sys; print(open(sys.argv[1]).read())`, `import os; os.path.expandvars('$OPENAI_API_KEY')`,
	`g = (x for x in [1]); print(g.gi_frame.f_globals)`, `import operator; operator.attrgetter('environ')`,
	`import ast; ast.sys.modules`, `import statistics; statistics.sys`, `import sys; sys.path.insert(0, '/tmp')`,
	`import json; print(json.decoder)`, `x._private`, "ｅｖａｌ('1')", "# coding: utf-7\nprint(1)",
	"print(1)\x00", `print("a`, `print(f"{x["k"]}")`, `import os; os.chdir('/'); print(open('etc/shadow').read())`,
	`import typing; typing.get_type_hints(f)`, `import string; string.Formatter().format('{0.environ}', x)`,
	`import sys; print(sys.stdin.read())`, `print(open('a', 'r', 1, None, None, True, o))`, `import io; io.open('x', 'w')`,
	`import tokenize; tokenize.open('.env')`, `import os; os.chmod('x', 0o777)`, `import os; os.kill(1, 9)`,
	`import os; os.makedirs('/tmp/x')`, `import os; os.symlink('a', 'b')`, `import os; os.truncate('a', 0)`,
	`import os; os.setxattr('a', 'user.x', b'1')`, `import tempfile`, `import socket`, `import urllib.request`,
	`import ctypes`, `import code; code.interact()`, `import runpy`, "", `import platform; print(platform.platform())`,
	`print(1..__class__.__base__.__subclasses__())`, `print(0x1.__class__)`, `print(1e5.__class__)`,
	`print(f"\{open('x', 'w')}")`, `print(rf"\{open('x', 'w')}")`, `print(f"\N{DIGIT ONE}{x.__class__}")`,
}

// TestPythonProgramChecked: the read-only checker accepts the snippets
// agents write to read a file and print, and refuses every program that
// writes, runs a program, reaches the environment, a module's globals or
// the interpreter's state, or opens a path it computes.
func TestPythonProgramChecked(t *testing.T) {
	for _, p := range pyReads {
		if ok, why := policy.SafePythonProgram(p); !ok {
			t.Errorf("refused %q: %s", p, why)
		}
	}
	for _, p := range pyNotReads {
		if ok, _ := policy.SafePythonProgram(p); ok {
			t.Errorf("accepted %q", p)
		}
	}
}

// TestPythonReadsJudged: python3 -c PROGRAM, a here-document on python3 -
// and python3 -m's reading command lines run unasked when they only read,
// and are asked when the program opens a secret, when the working
// directory holds a module of the standard library's name (imported in
// place of it), when a PYTHON* variable changes what is imported, or when
// the form is one the rules do not declare. Judged as `bash -c CMD`.
func TestPythonReadsJudged(t *testing.T) {
	set := defaultSet(t)
	home := pythonHome(t)
	writeTree(t, home, map[string]string{
		"proj/package.json": "{\"version\": \"1\"}\n", "proj/.env": "API_KEY=sk-0123456789\n", "proj/a.py": "def f(): pass\n",
		"proj/lib/json.py": "print('shadow')\n", "proj/shadow1/_sysconfigdata__linux_x86_64-linux-gnu.py": "print(1)\n",
		"proj/shadow2/tzdata/__init__.py": "print(1)\n", "proj/pkg/__init__.py": "", "proj/shadow3/org/python/core.py": "print(1)\n", "proj/pkg/__pycache__/x.pyc": "", "proj/lib/a.json": "{}\n", ".ssh/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
	})
	proj := filepath.Join(home, "proj")
	writeHeldOut11Archives(t, proj)
	zipped := exec.Command("python3", "-I", "-c", "import zipfile; z = zipfile.ZipFile('backup.zip', 'w'); z.writestr('app/.env', 'K=v'); z.close()")
	zipped.Dir = proj
	if out, err := zipped.CombinedOutput(); err != nil {
		t.Skipf("python3 could not make a zip: %v: %s", err, out)
	}
	judgeRuns(t, set, proj, map[string]bool{
		`python3 -c "import json; print(json.load(open('package.json'))['version'])"`:     true,
		"python3 - <<'EOF'\nimport json\nprint(json.load(open('package.json')))\nEOF":     true,
		"python3 <<'PY'\nimport ast\nprint(ast.dump(ast.parse(open('a.py').read())))\nPY": true,
		`python3 -I -c 'print(1)'`:                             true,
		`python3 -m json.tool package.json`:                    true,
		`python3 -m json.tool --sort-keys package.json | head`: true,
		`python -c 'import sys; print(sys.version)'`:           true,
		`cd lib && python3 -I -c 'import json; print(1)'`:      true,
		// A secret opened, by name or through a link.
		`python3 -c "print(open('.env').read())"`:               false,
		`python3 -c "print(open('../.ssh/id_rsa').read())"`:     false,
		`python3 -c "print(open('/proc/self/environ').read())"`: false,
		`python3 -c "print(open('\x2eenv').read())"`:            false,
		`python3 -m json.tool .env`:                             false,
		"python3 - <<'EOF'\nprint(open('.env').read())\nEOF":    false,
		// json.py in the working directory is imported instead of json.
		`cd lib && python3 -c 'import json; print(1)'`: false,
		"cd lib && python3 - <<'EOF'\nprint(1)\nEOF":   false,
		`cd lib && python3 -m json.tool a.json`:        false,
		// sysconfig imports _sysconfigdata_*, zoneinfo tzdata: by name.
		`cd shadow1 && python3 -c 'import sysconfig; print(sysconfig.get_paths())'`:   false,
		`cd shadow2 && python3 -c 'import zoneinfo; print(zoneinfo.ZoneInfo("UTC"))'`: false,
		`cd pkg && python3 -c 'print(1)'`:                                             true,
		// Forms not declared.
		`python3 -c 'print(1)' extra`:                        false,
		`python3 -W error::x.Y -c 'print(1)'`:                false,
		`PYTHONPATH=. python3 -c 'print(1)'`:                 false,
		"python3 - <<EOF\nprint('$HOME')\nEOF":               false,
		`python3 -m json.tool package.json out.json`:         false,
		`python3 -m zipfile -e a.zip /tmp/x`:                 false,
		`python -c "print(file('x', 'w'))"`:                  false,
		`python3 -c "import os; os.system('id')"`:            false,
		"python3 - <<'EOF'\nimport os\nos.system('id')\nEOF": false,
	})
	t.Setenv("PYTHONPATH", proj)
	judgeRuns(t, set, proj, map[string]bool{`python3 -c 'print(1)'`: false, `python3 -E -c 'print(1)'`: true})
}

// TestPythonShadowingReal checks the facts pythonWhy rests on with the real
// interpreter: a module of the standard library's name in the working
// directory is imported in place of it by a -c program and by one read
// from standard input, not under -I; sitecustomize and usercustomize there
// are not run; copy imports org.python.core from there.
func TestPythonShadowingReal(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"json.py": "print('SHADOW')\n", "sitecustomize.py": "print('SITE')\n", "usercustomize.py": "print('USER')\n",
	})
	run := func(stdin string, args ...string) string {
		cmd := exec.Command("python3", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := run("", "-c", "import json"); !strings.Contains(out, "SHADOW") || strings.Contains(out, "SITE") || strings.Contains(out, "USER") {
		t.Errorf("python3 -c 'import json' in a directory holding json.py printed %q, want SHADOW only", out)
	}
	if out := run("import json\n", "-"); !strings.Contains(out, "SHADOW") {
		t.Errorf("python3 - reading 'import json' printed %q, want SHADOW", out)
	}
	writeTree(t, dir, map[string]string{"org/python/core.py": "print('ORG')\n"})
	if out := run("", "-c", "import copy"); !strings.Contains(out, "ORG") {
		t.Logf("python3 -c 'import copy' in a directory holding org/python/core.py printed %q: this python no longer tries org.python.core (3.11 does)", out)
	}
	if out := run("", "-I", "-c", "import json"); strings.Contains(out, "SHADOW") {
		t.Errorf("python3 -I -c 'import json' printed %q: -I should leave the directory off the path", out)
	}
}

// TestPythonReadsWriteNothing runs each program the checker accepts with
// the real interpreter in a directory holding the files they name, and
// checks that nothing in it changed.
func TestPythonReadsWriteNothing(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{
		"package.json": "{\"version\": \"1\", \"dependencies\": {\"a\": \"1\"}}\n", "a.py": "# c\ndef f(): pass\n",
		"pyproject.toml": "[project]\nname = \"x\"\n", "setup.cfg": "[metadata]\nname = x\n",
	})
	zip := exec.Command("python3", "-c", "import zipfile; z = zipfile.ZipFile('a.zip', 'w'); z.writestr('x', 'y'); z.close()")
	zip.Dir = dir
	if out, err := zip.CombinedOutput(); err != nil {
		t.Fatalf("making a.zip: %v: %s", err, out)
	}
	// The interpreter itself, not a version manager's shim (slow to start).
	real, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatal(err)
	}
	before := treeState(t, dir)
	for _, p := range pyReads {
		cmd := exec.Command(strings.TrimSpace(string(real)), "-c", p)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil && !strings.Contains(string(out), "ModuleNotFoundError: No module named 'tomllib'") {
			t.Errorf("python3 -c %q: %v: %s", p, err, out)
		}
		if after := treeState(t, dir); after != before {
			t.Fatalf("python3 -c %q changed the directory:\n%s\n---\n%s", p, before, after)
		}
	}
}

// TestPythonReadsThroughMovedNames: a file a Python program opens is a
// read of the script's, as cat's is: `ln -s .env notes.txt` then a program
// that prints notes.txt printed the secret in auto-edit, where the link
// alone is an edit inside the project that runs unasked.
func TestPythonReadsThroughMovedNames(t *testing.T) {
	set := defaultSet(t)
	home := pythonHome(t)
	writeTree(t, home, map[string]string{"proj/.env": "API_KEY=sk-0123456789\n", "proj/a.json": "{}\n"})
	proj := filepath.Join(home, "proj")
	for cmd, want := range map[string]bool{
		`ln -s .env notes.txt; python3 -c "print(open('notes.txt').read())"`:            false,
		`ln -s .env notes.txt && python3 -c "print(open('notes.txt').read())"`:          false,
		"ln -s .env notes.txt\npython3 - <<'EOF'\nprint(open('notes.txt').read())\nEOF": false,
		`mkdir d && ln -s ../.env d/n && python3 -c "print(open('d/n').read())"`:        false,
		// The control: the link is elsewhere, the program reads a.json.
		`ln -s .env notes.txt; python3 -c "print(open('a.json').read())"`: true,
	} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if got := policy.Decide(&v, policy.AutoEdit, []string{proj}).Action == policy.Run; got != want {
			t.Errorf("%q, auto-edit: run=%v, want %v (%s: %s)", cmd, got, want, v.Class, v.Why())
		}
	}
}

// pythonHome makes a scratch home, HOME, and leaves out the PYTHON*
// variables of the environment the tests run in (each changes what python3
// imports, and the judge asks about it).
func pythonHome(t *testing.T) string {
	t.Helper()
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	for _, k := range os.Environ() {
		if name, _, _ := strings.Cut(k, "="); strings.HasPrefix(name, "PYTHON") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	return home
}
