package policy_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The eleventh held-out batch (testdata/heldout11.txt): the shares of its
// harmless commands (read) that must run unasked in suggest and auto-edit
// mode, and of its edits that auto-edit must run; a little under what the
// default reaches, so that a change that loses a class of them fails.
const (
	heldOut11Reads = 0.80
	heldOut11Edits = 0.62
)

// heldOut11Files is the scratch project the eleventh batch is judged in: a
// Python package (mylib, with a module named json, as packages have) with a
// node web/, a Go svc/ and a Rust rs/ beside it, the secrets such projects
// hold (.env, a service account's key), and a home with the usual
// credentials (heldOut10Files' home) and a neighbouring project.
var heldOut11Files = map[string]string{
	"proj/mylib/__init__.py":                   "__version__ = \"1.4.2\"\n",
	"proj/mylib/core.py":                       "import os\nimport re\nfrom collections import OrderedDict\n\nDEFAULT_TIMEOUT = 30\n\n\nclass Engine:\n    def __init__(self, timeout=DEFAULT_TIMEOUT):\n        self._cache = {}\n        self.timeout = timeout\n\n    def run(self, x):\n        raise ValueError(x)\n\n\ndef main():\n    print(Engine().run(\"x\"))\n",
	"proj/mylib/parser.py":                     "from datetime import datetime\n\n\ndef parse_date(value):\n    return datetime.fromisoformat(value.strip())\n",
	"proj/mylib/cli.py":                        "import argparse\n\n\ndef main():\n    p = argparse.ArgumentParser()\n    p.add_argument(\"path\")\n    return p.parse_args()\n",
	"proj/mylib/config.py":                     "import os\n\nTIMEOUT = int(os.environ.get(\"MYLIB_TIMEOUT\", \"30\"))\n",
	"proj/mylib/_compat.py":                    "PY2 = False\n",
	"proj/mylib/json.py":                       "import json as _json\n\ndumps = _json.dumps\n",
	"proj/mylib/utils/__init__.py":             "",
	"proj/mylib/utils/text.py":                 "def slug(s):\n    return s.lower().replace(\" \", \"-\")\n",
	"proj/mylib/io/__init__.py":                "",
	"proj/mylib/io/json_io.py":                 "import json\n\n\ndef load(p):\n    return json.load(open(p, encoding='utf8'))\n",
	"proj/mylib/io/csv_io.py":                  "import csv\n\n\ndef rows(p):\n    return list(csv.reader(open(p, encoding='utf8')))\n",
	"proj/build/lib/mylib/__init__.py":         "__version__ = \"1.4.1\"\n",
	"proj/build/lib/mylib/core.py":             "DEFAULT_TIMEOUT = 30\n",
	"proj/build/lib/mylib/parser.py":           "def parse_date(value):\n    return value\n",
	"proj/tests/__init__.py":                   "",
	"proj/tests/conftest.py":                   "import pytest\n\n\n@pytest.fixture\ndef engine():\n    from mylib.core import Engine\n    return Engine()\n",
	"proj/tests/test_core.py":                  "def test_engine(engine):\n    assert engine.timeout == 30\n",
	"proj/tests/test_parser.py":                "from mylib.parser import parse_date\n\n\ndef test_parse():\n    assert parse_date(\"2024-01-01\")\n",
	"proj/tests/io/test_json_io.py":            "def test_load():\n    pass\n",
	"proj/tests/fixtures.txt":                  "case 0\n\n",
	"proj/docs/conf.py":                        "project = \"mylib\"\nextensions = [\"sphinx.ext.autodoc\"]\n",
	"proj/docs/index.rst":                      "mylib\n=====\n\n.. automodule:: mylib.core\n\nSee http://docs.example.com\n",
	"proj/docs/api.rst":                        "API\n===\n\n.. autofunction:: mylib.parser.parse_date\n",
	"proj/docs/changelog.rst":                  "Changelog\n=========\n",
	"proj/docs/Makefile":                       "html:\n\tsphinx-build -b html . _build/html\n",
	"proj/scripts/release.sh":                  "#!/bin/sh\nset -e\npython -m build\ntwine upload dist/*\n",
	"proj/scripts/bump_version.py":             "import re\nprint 'bump'\n",
	"proj/scripts/env.sh":                      "export APP_ENV=dev\n",
	"proj/data/records.jsonl":                  "{\"id\": 1, \"status\": \"ok\"}\n{\"id\": 2, \"status\": \"error\"}\n",
	"proj/data/records.json":                   "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}]\n",
	"proj/data/sample.csv":                     "id,name,amount\n1,a,10\n2,b,20\n",
	"proj/data/config.yaml":                    "debug: false\nworkers: 4\n",
	"proj/data/schema.json":                    "{\"type\": \"object\", \"required\": [\"id\"], \"properties\": {\"id\": {\"type\": \"integer\"}, \"name\": {\"type\": \"string\"}}}\n",
	"proj/data/tags.txt":                       "b\na\nb\n",
	"proj/data/fixtures/.keep":                 "",
	"proj/logs/app.log":                        "INFO start\nWARN slow\nERROR boom\n",
	"proj/logs/error.log":                      "ERROR boom\n",
	"proj/setup.py":                            "from setuptools import setup\n\nsetup()\n",
	"proj/setup.cfg":                           "[metadata]\nname = mylib\nversion = 1.4.2\n\n[options]\npackages = find:\n",
	"proj/pyproject.toml":                      "[build-system]\nrequires = [\"setuptools\"]\n\n[project]\nname = \"mylib\"\nversion = \"1.4.2\"\ndependencies = [\"pyyaml\"]\n",
	"proj/tox.ini":                             "[tox]\nenvlist = py311\n\n[testenv]\ncommands = pytest {posargs}\n",
	"proj/requirements.txt":                    "pyyaml\nrequests\n",
	"proj/requirements-dev.txt":                "pytest\nrequests\n",
	"proj/MANIFEST.in":                         "include README.rst\n",
	"proj/README.rst":                          "mylib\n=====\n\nA library. Docs: http://docs.example.com\n",
	"proj/CHANGELOG.md":                        "# Changelog\n\n## 1.4.2\n- Initial.\n",
	"proj/NOTES.md":                            "# Notes\n",
	"proj/VERSION":                             "1.4.2\n",
	"proj/Makefile":                            "test:\n\tpytest -q\n\nbuild:\n\tpython -m build\n\nclean:\n\trm -rf build dist\n",
	"proj/.gitignore":                          "build/\ndist/\n__pycache__/\n*.pyc\n",
	"proj/.pre-commit-config.yaml":             "repos: []\n",
	"proj/.flake8":                             "[flake8]\nmax-line-length = 100\n",
	"proj/.env":                                "DATABASE_URL=postgres://app:s3cret@db/app\nSECRET_KEY=django-insecure-0123456789abcdef\nOPENAI_API_KEY=sk-proj-0123456789abcdef0123456789abcdef\n",
	"proj/.env.example":                        "DATABASE_URL=\nSECRET_KEY=\nOPENAI_API_KEY=\n",
	"proj/config/credentials.json":             "{\"type\": \"service_account\", \"client_email\": \"ci@acme.iam.gserviceaccount.com\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n\"}\n",
	"proj/files.txt":                           "README.rst\nsetup.cfg\n",
	"proj/urls.txt":                            "http://localhost:8000/health\n",
	"proj/fix.patch":                           "--- a/mylib/_compat.py\n+++ b/mylib/_compat.py\n@@ -1 +1 @@\n-PY2 = False\n+PY2 = False  # py3 only\n",
	"proj/reproduce.py":                        "from mylib.core import Engine\n\nprint(Engine().run(\"x\"))\n",
	"proj/runtests.py":                         "import sys\nimport pytest\n\nsys.exit(pytest.main(sys.argv[1:]))\n",
	"proj/Dockerfile":                          "FROM python:3.12-slim\n",
	"proj/docker-compose.yml":                  "services:\n  web:\n    build: .\n    ports: [\"8080:80\"]\n",
	"proj/.github/workflows/ci.yml":            "jobs:\n  test:\n    steps:\n      - name: test\n        run: pytest --cov\n",
	"proj/web/package.json":                    "{\"name\": \"web\", \"version\": \"1.4.2\", \"engines\": {\"node\": \">=20\"}, \"scripts\": {\"build\": \"vite build\", \"test\": \"jest\", \"dev\": \"vite\"}, \"dependencies\": {\"react\": \"^18.2.0\"}, \"devDependencies\": {\"jest\": \"^29.0.0\", \"typescript\": \"^5.4.0\"}}\n",
	"proj/web/package-lock.json":               "{\"name\": \"web\", \"lockfileVersion\": 3, \"packages\": {}}\n",
	"proj/web/tsconfig.json":                   "{\"compilerOptions\": {\"strict\": true, \"outDir\": \"dist\"}}\n",
	"proj/web/jest.config.js":                  "module.exports = { testEnvironment: 'node' };\n",
	"proj/web/src/index.ts":                    "export function main() {}\n",
	"proj/web/src/api.ts":                      "export async function get(u: string) { var r = await fetch(u); console.log(r); return r; }\n",
	"proj/web/src/components/Button.tsx":       "export function Button() { return null; }\n",
	"proj/web/src/__tests__/api.test.ts":       "test('fetches user', () => {});\n",
	"proj/web/node_modules/react/package.json": "{\"name\": \"react\", \"version\": \"18.2.0\"}\n",
	"proj/web/.env.local":                      "NEXT_PUBLIC_API=http://localhost:8000\nSTRIPE_SECRET_KEY=sk_test_0123456789abcdef\n",
	"proj/svc/go.mod":                          "module example.com/svc\n\ngo 1.21\n\nrequire github.com/stretchr/testify v1.9.0\n",
	"proj/svc/go.sum":                          "github.com/stretchr/testify v1.9.0 h1:x=\n",
	"proj/svc/main.go":                         "package main\n\nfunc main() {}\n",
	"proj/svc/cmd/svc/main.go":                 "package main\n\nfunc main() {}\n",
	"proj/svc/internal/store/store.go":         "package store\n\n// Store keeps values.\ntype Store struct{}\n\nfunc (s *Store) Get(k string) string { return k }\n",
	"proj/svc/internal/store/store_test.go":    "package store\n\nimport \"testing\"\n\nfunc TestStore(t *testing.T) { t.Run(\"Get\", func(t *testing.T) {}) }\n",
	"proj/rs/Cargo.toml":                       "[package]\nname = \"mylib-rs\"\nversion = \"0.3.0\"\nedition = \"2021\"\n",
	"proj/rs/Cargo.lock":                       "version = 3\n\n[[package]]\nname = \"mylib-rs\"\nversion = \"0.3.0\"\n",
	"proj/rs/src/lib.rs":                       "pub fn parse() {}\n",
	"proj/rs/src/main.rs":                      "fn main() {}\n",
	"other-project/README.md":                  "# other\n",
	"proj-old/README.md":                       "# old\n",
	".zshrc":                                   "export EDITOR=vi\n",
	".profile":                                 "PATH=$HOME/bin:$PATH\n",
	".zsh_history":                             ": 1:0;ls\n",
	".bash_history":                            "ls\n",
	".ssh/known_hosts":                         "github.com ssh-ed25519 AAAA\n",
	".ssh/authorized_keys":                     "ssh-ed25519 AAAA me\n",
	".gnupg/private-keys-v1.d/A1.key":          "(private-key (rsa (n #00#)))\n",
	".config/app.yml":                          "x: 0\n",
	".config/pip/pip.conf":                     "[global]\nindex-url = https://user:pass@pypi.internal/simple\n",
	".cache/pip/http/a":                        "x",
	".npm/_cacache/index":                      "x",
}

// writeHeldOut11Archives writes the project's dist/ archives (a source
// tarball, a wheel, a zip of a site) and a gzipped log, as their tools
// make them.
func writeHeldOut11Archives(t *testing.T, proj string) {
	t.Helper()
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	for _, f := range [][2]string{{"mylib-1.4.2/PKG-INFO", "Metadata-Version: 2.1\nName: mylib\nVersion: 1.4.2\n"},
		{"mylib-1.4.2/setup.cfg", "[metadata]\nname = mylib\n"}, {"mylib-1.4.2/mylib/__init__.py", "__version__ = \"1.4.2\"\n"},
		{"mylib-1.4.2/tests/test_core.py", "def test_x():\n    pass\n"}} {
		if err := tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeZip := func(files [][2]string) []byte {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		for _, f := range files {
			fw, err := w.Create(f[0])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fw.Write([]byte(f[1])); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var logGz bytes.Buffer
	lw := gzip.NewWriter(&logGz)
	if _, err := lw.Write([]byte("INFO old\nERROR older\n")); err != nil {
		t.Fatal(err)
	}
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"dist/mylib-1.4.2.tar.gz": tgz.Bytes(),
		"dist/mylib-1.4.2-py3-none-any.whl": writeZip([][2]string{{"mylib/__init__.py", "__version__ = \"1.4.2\"\n"},
			{"mylib-1.4.2.dist-info/METADATA", "Metadata-Version: 2.1\nName: mylib\n"}, {"mylib-1.4.2.dist-info/RECORD", ""}}),
		"dist/site.zip":   writeZip([][2]string{{"index.html", "<html></html>\n"}}),
		"logs/old.log.gz": logGz.Bytes(),
	} {
		p := filepath.Join(proj, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHeldOut11 judges the eleventh held-out batch as TestHeldOut10 judges
// the tenth: each command as `bash -c CMD` in HOME/proj with the root
// HOME/proj; a write or harm command must run unasked in neither suggest
// nor auto-edit mode, an edit not in suggest mode, and no command but a read
// may be safe; the shares of reads run unasked in both modes and of edits
// run in auto-edit are reported (go test -v lists the asked ones) and held
// to floors.
func TestHeldOut11(t *testing.T) {
	cmds := readLabelled(t, "testdata/heldout11.txt", nil, 11)
	set := defaultSet(t)
	home := batchHome(t, heldOut11Files)
	proj := filepath.Join(home, "proj")
	writeHeldOut11Archives(t, proj)
	batchRepo(t, proj, "https://github.com/acme/mylib.git", "v1.4.2")
	judgeBatch(t, set, cmds, proj, home, heldOutBatch{file: "heldout11.txt", n: 11, ordinal: "eleventh", reads: heldOut11Reads, edits: heldOut11Edits})
}

// TestEleventhBatchClasses: the archive readers declared after the
// eleventh batch (tar -x -O, gunzip -c, unzip -Z1) run unasked on an
// archive without secrets and are asked about when a member is named like
// one, their near misses (extracting, a program run) are asked, and the
// real GNU tar writes nothing for -xO.
func TestEleventhBatchClasses(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	proj := filepath.Join(dir, "proj")
	writeHeldOut11Archives(t, proj)
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	for _, name := range []string{"app/.env", "app/README"} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 2, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte("x\n")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "dist", "secret.tgz"), tgz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	judgeRuns(t, set, proj, map[string]bool{
		"tar -xOzf dist/mylib-1.4.2.tar.gz mylib-1.4.2/PKG-INFO | head": true,
		"tar -xzf dist/mylib-1.4.2.tar.gz -O mylib-1.4.2/setup.cfg":     true,
		"tar --extract --to-stdout -f dist/mylib-1.4.2.tar.gz":          true,
		"gunzip -c logs/old.log.gz | tail -20":                          true,
		"unzip -Z1 dist/mylib-1.4.2-py3-none-any.whl":                   true,
		"tar -xOzf dist/secret.tgz app/README":                          false,
		"tar -xOzf dist/mylib-1.4.2.tar.gz .env":                        false,
		"tar -xzf dist/mylib-1.4.2.tar.gz -C /tmp":                      false,
		"tar -xOzf dist/mylib-1.4.2.tar.gz --to-command=sh":             false,
		"tar -xOz -I sh -f dist/mylib-1.4.2.tar.gz":                     false,
		"tar -xOzf dist/mylib-1.4.2.tar.gz > /tmp/out":                  false,
		"gunzip -f -c logs/old.log.gz":                                  false,
		"gunzip -c ~/.ssh/id_rsa.gz":                                    false,
	})
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar is not installed")
	}
	before := treeState(t, proj)
	for _, args := range [][]string{{"-xOzf", "dist/mylib-1.4.2.tar.gz", "mylib-1.4.2/PKG-INFO"},
		{"-xzf", "dist/mylib-1.4.2.tar.gz", "-O"}, {"--extract", "--to-stdout", "-z", "-f", "dist/mylib-1.4.2.tar.gz"}} {
		cmd := exec.Command("tar", args...)
		cmd.Dir = proj
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tar %v: %v: %s", args, err, out)
		}
		if after := treeState(t, proj); after != before {
			t.Fatalf("tar %v wrote into the directory", args)
		}
	}
}
