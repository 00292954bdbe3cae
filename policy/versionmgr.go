package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// The rbenv family of version managers (rbenv, pyenv, nodenv, goenv,
// phpenv, plenv, jenv) reads the version a directory asks for from the nearest
// .NAME-version file up from the working directory (or $X_DIR), else from
// the global version file in its root, and prints what that file says when
// no such version is installed: `pyenv: version 'OPENAI_API_KEY=sk-...' is
// not installed (set by .python-version)` (pyenv 2.6, a .python-version
// linked to a secret). Their listing forms are safe in the default policy
// (section 6d); versionFileSecret judges the files they read as cat's would
// be judged: a secret by name (links resolved) or content, or a device.
//
// Limits: the file names are the managers' documented ones (.tool-versions
// belongs to asdf, which is not declared); each version file on the way up
// is judged, not only the nearest, so that a judge and a manager that
// disagree on which one applies still agree on safety.

// versionAlso are the other files a manager's common plugins read a version
// from: nodenv-package-json-engine package.json's engines, goenv go.mod's go
// line.
var versionAlso = map[string]string{"nodenv": "package.json", "goenv": "go.mod"}

// versionManagers maps a manager to its version file's name and its root's
// environment variable and default directory under the home.
var versionManagers = map[string][3]string{
	"pyenv":  {".python-version", "PYENV_ROOT", ".pyenv"},
	"rbenv":  {".ruby-version", "RBENV_ROOT", ".rbenv"},
	"nodenv": {".node-version", "NODENV_ROOT", ".nodenv"},
	"goenv":  {".go-version", "GOENV_ROOT", ".goenv"},
	"phpenv": {".php-version", "PHPENV_ROOT", ".phpenv"},
	"plenv":  {".perl-version", "PLENV_ROOT", ".plenv"},
	"jenv":   {".java-version", "JENV_ROOT", ".jenv"},
}

// versionFileSecret says why prog (a version manager) run in cwd prints a
// secret from a version file, or "".
func versionFileSecret(prog, cwd string) string {
	m, ok := versionManagers[prog]
	if !ok {
		return ""
	}
	var files []string
	dir := cwd
	if d := os.Getenv(strings.ToUpper(prog) + "_DIR"); d != "" {
		dir = absolute(d, cwd)
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		files = append(files, filepath.Join(d, m[0]))
		if also := versionAlso[prog]; also != "" {
			files = append(files, filepath.Join(d, also))
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	root := os.Getenv(m[1])
	if root == "" {
		h := home()
		if !filepath.IsAbs(h) {
			return prog + " reads its global version file under HOME, and HOME is not set"
		}
		root = filepath.Join(h, m[2])
	}
	files = append(files, filepath.Join(absolute(root, cwd), "version"))
	for _, f := range files {
		if _, err := os.Lstat(f); err != nil {
			continue
		}
		if why := deviceRead(f, "/"); why != "" {
			return prog + "'s version file: " + why
		}
		if why := secretPath(f, "/"); why != "" {
			return prog + "'s version file " + why + " (a version not installed is printed)"
		}
	}
	return ""
}
