package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guard/policy"
)

// j20PythonEscapes are programs the Python read checker accepted on
// 90329d7 that do more than read literal files: each is run with the real
// interpreter first (the premise: the effect shows in the output or on
// disk), then judged as `python3 -c PROGRAM`, which must not run unasked.
var j20PythonEscapes = []struct {
	name, prog string
	shows      func(dir, out string) bool
}{
	{"a module as a value renames a file", `import os; (os).replace('a.txt', 'b.txt')`, renamed},
	{"a module in a list renames a file", `import os; m = [os][0]; m.replace('a.txt', 'b.txt')`, renamed},
	{"a module bound to a variable puts a directory on the import path",
		`import sys; s = [sys][0]; s.path.insert(0, 'lib'); import csv`, printed("MARK")},
	{"a module passed to a function", "import os\ndef f(m):\n    m.replace('a.txt', 'b.txt')\nf(os)", renamed},
	{"Path bound to a function reads another file", `import pathlib; P = pathlib.Path; Path = lambda s: P('.env'); print(Path('notes.txt').read_text())`, printed("sk-j20")},
	{"pathlib.Path replaced reads another file", `import pathlib; P = pathlib.PosixPath; pathlib.Path = lambda s: P('.env'); print(pathlib.Path('notes.txt').read_text())`, printed("sk-j20")},
	{"a class named Path reads another file", "import pathlib\nclass Path(pathlib.PosixPath):\n    def __new__(cls, s):\n        return pathlib.PosixPath('.env')\nprint(Path('notes.txt').read_text())", printed("sk-j20")},
	{"a listed module's module (fractions.re) reaches builtins.type and compile",
		`import fractions; b = fractions.re.enum.bltns; b.type(lambda: 0)(b.compile("open('made', 'w')", 'x', 'exec'), {})()`, made},
	{"ast.parse reads the line of a syntax error from the file named", "import ast\ntry:\n    ast.parse('(', '.env')\nexcept SyntaxError as e:\n    print(e.text)", printed("sk-j20")},
	{"compile reads the line of a syntax error from the file named", "try:\n    compile('return', '.env', 'exec')\nexcept SyntaxError as e:\n    print(e.text)", printed("sk-j20")},
	{"ast.main parses the file sys.argv names", `import sys, ast; sys.argv[1:] = ['.env']; ast.main()`, printed("SECRET_KEY")},
	{"base64.main encodes the file sys.argv names", `import sys, base64; sys.argv[1:] = ['.env']; base64.main()`, printed("U0VDUkVUX0tFWT1zay1qMjA")},
	{"functools.wraps copies and sets attributes named by strings: a __setattr__ hook gets builtins' exec",
		"import functools\ngot = []\nclass W:\n    def __setattr__(self, k, v):\n        got.append(v)\nfunctools.wraps(print, assigned=('__self__',), updated=())(W())\nfunctools.wraps(got[0], assigned=('exec',), updated=())(W())\ngot[2](\"open('made', 'w')\")", made},
	{"ast.iter_fields reads the attributes a class's _fields names: a function's __globals__, then builtins",
		"import ast, functools\nclass N:\n    _fields = ('__globals__',)\ndef f(): pass\nfunctools.wraps(N)(f)\ng = dict(ast.iter_fields(f))['__globals__']\ndef h(): pass\nfunctools.wraps(g['__builtins__'])(h)\nh.type(lambda: 0)(h.compile(\"open('made', 'w')\", 'x', 'exec'), {})()", made},
	{"copy.deepcopy sets the attributes a __reduce__ names on what it returns: PosixPath's __fspath__",
		"import copy, pathlib\nclass R:\n    def __reduce__(self):\n        return (lambda: pathlib.PosixPath, (), (None, {'__fspath__': lambda self: '.env'}))\ncopy.deepcopy(R())\nprint(pathlib.Path('notes.txt').read_text())", printed("sk-j20")},
	{"an ast node takes any attribute as a keyword: __reduce_ex__ for copy.deepcopy",
		"import ast, copy, pathlib\nn = ast.AST(**{'__reduce_ex__': lambda p: (lambda: pathlib.PosixPath, (), (None, {'__fspath__': lambda self: '.env'}))})\ncopy.deepcopy(n)\nprint(pathlib.Path('notes.txt').read_text())", printed("sk-j20")},
	{"an import in a class body makes the module the class's attribute", "class C:\n    import os as o\nC.o.replace('a.txt', 'b.txt')", renamed},
	{"a TarFile opens any path through its taropen, and a TarInfo class in a variable prints its blocks",
		"import tarfile\nTI = tarfile.TarInfo\nt = tarfile.open('a.tar')\nTI.frombuf = classmethod(lambda cls, buf, enc, err: print(buf) or 1 / 0)\nt.taropen('.env')", printed("sk-j20")},
	{"Path.replace with unpacked arguments renames", `import pathlib; pathlib.Path('a.txt').replace(*['b.txt'], *[])`, renamed},
}

func renamed(dir, _ string) bool {
	_, err := os.Stat(filepath.Join(dir, "b.txt"))
	return err == nil
}

func made(dir, _ string) bool {
	_, err := os.Stat(filepath.Join(dir, "made"))
	return err == nil
}

func printed(s string) func(string, string) bool {
	return func(_, out string) bool { return strings.Contains(out, s) }
}

// j20PythonLab makes a project for the escapes: a .env, a file to rename,
// a module of the standard library's name in lib/.
func j20PythonLab(t *testing.T, home string) string {
	t.Helper()
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/.env": "SECRET_KEY=sk-j20\n", "proj/a.txt": "a\n", "proj/notes.txt": "notes\n", "proj/a.py": "def f(): pass\n",
		"proj/lib/csv.py": "print('MARK')\n", "proj/package.json": "{\"version\": \"1\"}\n",
	})
	// An empty tar archive, a.tar: two zero blocks.
	if err := os.WriteFile(filepath.Join(proj, "a.tar"), make([]byte, 10240), 0o644); err != nil {
		t.Fatal(err)
	}
	return proj
}

// TestRedTeamJ20PythonEscapes: each program does what its name says with
// the real python3, and is not run unasked any more (suggest and
// auto-edit). All 19 fail on 90329d7.
func TestRedTeamJ20PythonEscapes(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	set := defaultSet(t)
	home := pythonHome(t)
	for _, c := range j20PythonEscapes {
		proj := j20PythonLab(t, filepath.Join(home, strings.ReplaceAll(c.name, " ", "_")))
		if c.shows != nil {
			cmd := exec.Command(python, "-c", c.prog)
			cmd.Dir = proj
			out, _ := cmd.CombinedOutput()
			if !c.shows(proj, string(out)) {
				t.Errorf("%s: the premise does not hold here: python3 -c %q printed %q", c.name, c.prog, out)
			}
		}
		v := set.Judge([]string{"python3", "-c", c.prog}, proj)
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if policy.Decide(&v, mode, []string{proj}).Action == policy.Run {
				t.Errorf("%s: python3 -c %q runs unasked in %v (%s: %s)", c.name, c.prog, mode, v.Class, v.Why())
			}
		}
		if ok, _ := policy.SafePythonProgram(c.prog); ok {
			t.Errorf("%s: the checker accepts %q", c.name, c.prog)
		}
	}
	// The checks take a name an import binds as that module everywhere:
	// bound to two, the one checked need not be the one that runs.
	for _, p := range []string{"def f():\n    import os as json\nimport json", "import os\ndef f():\n    from os import path as os",
		"from json import loads as open", "import zipfile as Path", "from pathlib import PurePath as Path", "from ast import parse",
		// Hooks and names the standard library calls or reads by string.
		"class A:\n    def __getattr__(self, k): pass", "class A:\n    def __reduce_ex__(self, p): pass",
		"class A:\n    def __set_name__(self, o, n): pass", "class A:\n    _attributes = ()", "_x = 1", "x_ = _y__",
		"import enum; enum.Enum('E', {'a': 1})", "print(**{'sep': ''})", "import ast; ast.Name(**{'id': 'x'})",
		// A computed path read: platform.libc_ver(PATH) greps the file.
		"import platform; print(platform.libc_ver('.e' + 'nv'))"} {
		if ok, _ := policy.SafePythonProgram(p); ok {
			t.Errorf("the checker accepts %q", p)
		}
	}
}

// TestRedTeamJ20PythonReadsStillRun: the forms the narrowing touches
// (modules' attributes by name, Path, ast.parse, replace) still run
// unasked when they only read.
func TestRedTeamJ20PythonReadsStillRun(t *testing.T) {
	set := defaultSet(t)
	home := pythonHome(t)
	proj := j20PythonLab(t, home)
	for _, p := range []string{
		`import ast; print(ast.dump(ast.parse(open('a.py').read())))`,
		`import ast; t = ast.parse(open('a.py').read(), mode='exec', type_comments=True); print(len(t.body))`,
		`import ast; print([n.name for n in ast.walk(ast.parse(open('a.py').read())) if isinstance(n, ast.FunctionDef)])`,
		`import os; print(os.path.join('a', 'b'), os.listdir('.'))`,
		`from os import path; print(path.basename('a/b'))`,
		`import os.path; print(os.path.exists('a.py'))`,
		`from pathlib import Path; print(Path('a.py').read_text())`,
		`import pathlib; print(pathlib.Path('a.py').read_text())`,
		`from pathlib import Path; print([p.name for p in Path('.').iterdir()], Path.cwd())`,
		`import re; print(re.compile('a').findall('aa'))`,
		`import collections; print(collections.Counter('aab').most_common(1))`,
		`from collections import abc; print(isinstance({}, abc.Mapping))`,
		`import collections.abc; print(collections.abc.Mapping)`,
		`import math, statistics; print(math.sqrt(2), statistics.mean([1, 2]))`,
		`import datetime as dt; print(dt.datetime.now().isoformat())`,
		`print("a b".replace("a", "c"), "x".replace("x", "y", 1))`,
		`import datetime; print(datetime.date(2024, 1, 1).replace(year=2025))`,
		`import json, sys; json.dump(json.load(open('package.json')), sys.stdout, indent=2)`,
		`import base64, hashlib; print(base64.b64encode(b'x'), hashlib.sha256(b'x').hexdigest())`,
		"import ast\nclass V(ast.NodeVisitor):\n    def visit_FunctionDef(self, node):\n        print(node.name)\n        self.generic_visit(node)\nV().visit(ast.parse(open('a.py').read()))",
		"class P:\n    def __init__(self, x):\n        self.x = x\n    def __repr__(self):\n        return 'P(%r)' % self.x\nprint(P(1), {**{'a': 1}}, 2 ** 3)",
		"def f(*args, **kwargs):\n    return args, kwargs\nfor _ in range(2):\n    print(f(1, k=2))\nif __name__ == '__main__':\n    print('main')",
	} {
		if ok, why := policy.SafePythonProgram(p); !ok {
			t.Errorf("the checker refuses %q: %s", p, why)
			continue
		}
		v := set.Judge([]string{"python3", "-c", p}, proj)
		if policy.Decide(&v, policy.Suggest, []string{proj}).Action != policy.Run {
			t.Errorf("python3 -c %q is asked (%s: %s)", p, v.Class, v.Why())
		}
	}
}

// TestRedTeamJ20PythonModuleWrittenFirst: the working directory's listing
// is taken before the script runs; a module of the standard library's name
// copied, moved or linked there by an earlier command (auto-edit runs those
// unasked, inside the project) was imported by python3 -c 'import csv',
// which ran the copy's code unasked. 4 cases fail on 90329d7.
func TestRedTeamJ20PythonModuleWrittenFirst(t *testing.T) {
	set := defaultSet(t)
	home := pythonHome(t)
	proj := j20PythonLab(t, home)
	if bash, err := exec.LookPath("bash"); err == nil {
		if _, err := exec.LookPath("python3"); err == nil {
			cmd := exec.Command(bash, "-c", "cp lib/csv.py csv.py && python3 -c 'import csv'; rm -f csv.py")
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "MARK") {
				t.Errorf("the premise does not hold: the copied csv.py was not imported (%q)", out)
			}
		}
	}
	for cmd, want := range map[string]bool{
		"cp lib/csv.py csv.py && python3 -c 'import csv; print(1)'":       false,
		"ln -s lib/csv.py csv.py; python3 -c 'print(1)'":                  false,
		"cat lib/csv.py > json.py && python3 - <<'EOF'\nimport json\nEOF": false,
		"cp -r lib/. . && python3 -m json.tool package.json":              false,
		"cp lib/csv.py notes.py && python3 -c 'print(1)'":                 true,
		"cp lib/csv.py csv.py && python3 -I -c 'import json; print(1)'":   true,
		"echo x > out.txt && python3 -c \"print(open('a.py').read())\"":   true,
	} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if got := policy.Decide(&v, policy.AutoEdit, []string{proj}).Action == policy.Run; got != want {
			t.Errorf("%q, auto-edit: run=%v, want %v (%s: %s)", cmd, got, want, v.Class, v.Why())
		}
	}
}

// TestRedTeamJ20PythonTwo: `python` may be Python 2, where a function's
// globals are f.func_globals (no underscores) and builtins' file() opens
// for writing: `b = f.func_globals['__builtins__']; b.file('x', 'w')` wrote
// a file, run unasked with a Python 2 first on PATH as python. 1 case
// fails on 90329d7 (and the checker's 3).
func TestRedTeamJ20PythonTwo(t *testing.T) {
	for _, p := range []string{"def f(): pass\nb = f.func_globals['__builtins__']", "class A:\n    def m(self): pass\nprint(A().m.im_func.func_code)",
		"def f(): pass\nprint(f.func_closure)"} {
		if ok, _ := policy.SafePythonProgram(p); ok {
			t.Errorf("the checker accepts %q", p)
		}
	}
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		root = filepath.Join(os.Getenv("HOME"), ".pyenv")
	}
	candidates, _ := filepath.Glob(filepath.Join(root, "versions", "2.7*", "bin", "python2.7"))
	if p, err := exec.LookPath("python2.7"); err == nil {
		candidates = append(candidates, p)
	}
	py2 := ""
	for _, c := range candidates {
		if out, err := exec.Command(c, "-c", "import sys; print(sys.version_info[0])").Output(); err == nil && strings.TrimSpace(string(out)) == "2" {
			py2 = c
			break
		}
	}
	if py2 == "" {
		t.Skip("no Python 2 here")
	}
	set := defaultSet(t)
	home := pythonHome(t)
	proj := j20PythonLab(t, home)
	bin := filepath.Join(home, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(py2, filepath.Join(bin, "python")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	prog := "def f(): pass\nb = f.func_globals['__builtins__']\nb.file('made', 'w').close()"
	cmd := exec.Command(filepath.Join(bin, "python"), "-c", prog)
	cmd.Dir = proj
	if out, err := cmd.CombinedOutput(); err != nil || !made(proj, "") {
		t.Fatalf("the premise does not hold: Python 2 did not write the file (%v: %s)", err, out)
	}
	v := set.Judge([]string{"python", "-c", prog}, proj)
	if policy.Decide(&v, policy.Suggest, []string{proj}).Action == policy.Run {
		t.Errorf("python -c %q runs unasked with Python 2 as python (%s: %s)", prog, v.Class, v.Why())
	}
}

// TestRedTeamJ20SqliteOptimize: the SQL check listed the sqlite shell's
// functions that reach outside the database, but not optimize(), which
// merges an FTS3/FTS4 table's index: `sqlite3 f.db "select optimize(t)
// from t limit 1"` rewrote f.db unasked in suggest mode. A SELECT now calls
// only the functions known to read. 2 cases fail on 90329d7.
func TestRedTeamJ20SqliteOptimize(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 is not installed")
	}
	set, _, proj := rtLab(t)
	db := filepath.Join(proj, "f.db")
	mk := exec.Command(sqlite, db, "create virtual table t using fts4(x); insert into t values('a b'); insert into t values('c d');")
	if out, err := mk.CombinedOutput(); err != nil {
		t.Skipf("sqlite3 has no fts4: %v: %s", err, out)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(t.TempDir(), "p.db")
	if err := os.WriteFile(probe, before, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sqlite, probe, "select optimize(t) from t limit 1").CombinedOutput(); err != nil {
		t.Fatalf("optimize: %v: %s", err, out)
	}
	if after, _ := os.ReadFile(probe); string(after) == string(before) {
		t.Errorf("the premise does not hold: optimize() left the database as it was")
	}
	rtNotSafe(t, set, proj, `sqlite3 f.db "select optimize(t) from t limit 1"`, `sqlite3 f.db 'select "optimize"(t) from t limit 1'`)
	rtSafe(t, set, proj, `sqlite3 f.db "select count(*), upper(x), length(x) from t"`, `sqlite3 f.db "select * from pragma_table_info('t')"`,
		`sqlite3 f.db "select x from t where x in (select x from t) and (1 = 1)"`, `sqlite3 f.db "select cast(1 as text), coalesce(null, 2)"`,
		`sqlite3 f.db "select x from t where t match 'a'"`, `sqlite3 -json f.db "select json_object('a', x) from t"`)
}

// TestRedTeamJ20PythonModuleAssigned: assigning a module's listed attribute
// was not refused, and from Python 3.12 pathlib splits and joins a path
// with os.path.sep: `os.path.sep = 'n'` made Path('.ennv').read_text() read
// .env, judged as a read of .ennv (run unasked with a 3.12 as python3);
// a pathlib class put in a variable (or got back from AttributeError.obj)
// and given a drive property did the same. The statement's targets, the
// pathlib classes' uses, mro and obj are checked now. 3 judged cases and
// 12 checker cases fail on 90329d7.
func TestRedTeamJ20PythonModuleAssigned(t *testing.T) {
	for _, p := range []string{"import os\nos.path.sep = 'n'", "import os\nos.path.sep: str = 'n'", "import os\nos.path.sep, x = 'n', 1",
		"import os\n[os.path.sep] = ['n']", "import os\nfor os.path.sep in ['n']: pass", "import os\ndel os.path.sep",
		"import sys\nsys.argv += ['x']",
		// A pathlib class in a variable, changed: from 3.12, str(path) starts with its drive.
		"import pathlib\nP = pathlib.PurePath\nP.drive = property(lambda s: '.env')",
		"from pathlib import PurePath\nPurePath.drive = property(lambda s: '.env')",
		"import pathlib\nm = pathlib.Path.mro()", "import pathlib\ntry:\n    pathlib.PurePath.x\nexcept AttributeError as e:\n    c = e.obj",
		"import pathlib\nclass Q(pathlib.PurePosixPath): pass"} {
		if ok, _ := policy.SafePythonProgram(p); ok {
			t.Errorf("the checker accepts %q", p)
		}
	}
	for _, p := range []string{"import sys\nif sys.version_info >= (3, 8): print(1)",
		"import os\nx = os.sep\nprint(x == os.sep, [p for p in os.listdir('.') if p != os.sep])",
		"import os\nwith open('a.py') as f: print(os.sep, f.read())", "import os\nn = 0\nn += len(os.listdir('.'))\nprint(n)"} {
		if ok, why := policy.SafePythonProgram(p); !ok {
			t.Errorf("the checker refuses %q: %s", p, why)
		}
	}
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		root = filepath.Join(os.Getenv("HOME"), ".pyenv")
	}
	candidates, _ := filepath.Glob(filepath.Join(root, "versions", "3.1[2-9]*", "bin", "python3"))
	for _, n := range []string{"python3.12", "python3.13", "python3.14"} {
		if p, err := exec.LookPath(n); err == nil {
			candidates = append(candidates, p)
		}
	}
	progs := []string{"import os; os.path.sep = 'n'; from pathlib import Path; print(Path('.ennv').read_text())",
		"import pathlib\nP = pathlib.PurePath\nP.drive = property(lambda s: '.env')\nprint(pathlib.Path('.').read_text())",
		"import pathlib\ntry:\n    pathlib.PurePath.x\nexcept AttributeError as e:\n    c = e.obj\nc.drive = property(lambda s: '.env')\nprint(pathlib.Path('.').read_text())"}
	set := defaultSet(t)
	home := pythonHome(t)
	proj := j20PythonLab(t, home)
	for _, py := range candidates {
		cmd := exec.Command(py, "-c", progs[0])
		cmd.Dir = proj
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-j20") {
			continue // a shim, or a Python that no longer joins with os.path.sep
		}
		for _, prog := range progs[1:] {
			cmd := exec.Command(py, "-c", prog)
			cmd.Dir = proj
			if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-j20") {
				t.Errorf("the premise does not hold: %s -c %q printed %q", py, prog, out)
			}
		}
		bin := filepath.Join(home, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(py, filepath.Join(bin, "python3")); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		for _, prog := range progs {
			v := set.Judge([]string{"python3", "-c", prog}, proj)
			if policy.Decide(&v, policy.Suggest, []string{proj}).Action == policy.Run {
				t.Errorf("python3 -c %q runs unasked with %s as python3 (%s: %s)", prog, py, v.Class, v.Why())
			}
		}
		return
	}
	t.Skip("no Python 3.12 or later here that reads .env through os.path.sep")
}

// TestRedTeamJ20PythonSysconfigDataVariable: sysconfig imports the module
// _PYTHON_SYSCONFIGDATA_NAME names, and the working directory is first on
// the path: inherited with a project's evilmod.py, `python3 -c "import
// sysconfig; print(sysconfig.get_paths())"` ran evilmod.py unasked. The
// judge looked at PYTHON* variables only. 1 case fails on 90329d7.
func TestRedTeamJ20PythonSysconfigDataVariable(t *testing.T) {
	set := defaultSet(t)
	home := pythonHome(t)
	proj := j20PythonLab(t, home)
	writeTree(t, proj, map[string]string{"evilmod.py": "print('MARK')\nbuild_time_vars = {}\n"})
	prog := "import sysconfig; print(sysconfig.get_paths()['stdlib'])"
	if python, err := exec.LookPath("python3"); err == nil {
		cmd := exec.Command(python, "-c", prog)
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "_PYTHON_SYSCONFIGDATA_NAME=evilmod")
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "MARK") {
			t.Errorf("the premise does not hold: evilmod was not imported (%q)", out)
		}
	}
	t.Setenv("_PYTHON_SYSCONFIGDATA_NAME", "evilmod")
	v := set.Judge([]string{"python3", "-c", prog}, proj)
	if policy.Decide(&v, policy.Suggest, []string{proj}).Action == policy.Run {
		t.Errorf("python3 -c %q runs unasked with _PYTHON_SYSCONFIGDATA_NAME set (%s: %s)", prog, v.Class, v.Why())
	}
}

// TestRedTeamJ20PythonCheckerLinear: the statement targets' pass is linear
// (a first version scanned from each for to its in: 120 KB of "for "
// took 11 s, past a hook's deadline). Each input here took 20-120 ms.
func TestRedTeamJ20PythonCheckerLinear(t *testing.T) {
	for _, p := range []string{strings.Repeat("for ", 30000), strings.Repeat("with x as ", 20000),
		strings.Repeat("x = ", 30000), strings.Repeat("[a for b in ", 20000), strings.Repeat("(", 30000)} {
		start := time.Now()
		policy.SafePythonProgram(p)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%d bytes of %q...: %v", len(p), p[:12], d)
		}
	}
}
