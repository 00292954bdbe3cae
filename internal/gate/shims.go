package gate

import (
	"os"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
	"guard/policy"
)

// Version managers (asdf, mise, pyenv, rbenv, nodenv, goenv, jenv, volta,
// proto) put shims on PATH: `node -v` runs the shim, and the shim runs the
// binary the nearest version file names. A version file in the project is
// the project's say: asdf's and mise's take `path:DIR` (the tool in DIR is
// run), pyenv's and rbenv's name a directory below their root, others a
// version to download and install. A program that resolves to such a shim
// while a version file lies in a writable root, in the directory the
// command runs in or above it, is not what its rule describes.

// shimDirs are the directories version managers keep their shims in,
// by their path's end.
var shimDirs = []string{
	"/.asdf/shims", "/asdf/shims", "/mise/shims", "/rtx/shims", "/.pyenv/shims", "/.rbenv/shims", "/.nodenv/shims",
	"/.goenv/shims", "/.jenv/shims", "/.plenv/shims", "/.phpenv/shims", "/.volta/bin", "/.proto/shims", "/.proto/bin",
}

// versionFiles are the files version managers read in a directory and its
// parents.
var versionFiles = []string{
	".tool-versions", ".mise.toml", "mise.toml", ".mise.local.toml", "mise.local.toml", ".mise/config.toml",
	"mise/config.toml", ".config/mise.toml", ".config/mise/config.toml", ".rtx.toml", ".python-version",
	".ruby-version", ".node-version", ".nvmrc", ".go-version", ".java-version", ".perl-version", ".php-version",
	".prototools", "package.json",
}

// versionShim reports whether bin lies in a version manager's shim
// directory.
func versionShim(bin string) bool {
	dir := filepath.Dir(bin)
	for _, s := range shimDirs {
		if strings.HasSuffix(dir, s) {
			return true
		}
	}
	return false
}

// projectVersionFile returns a version file in a writable root that a shim
// run in dir reads (dir and its parents) and that can choose what it runs
// (versionFileChooses), or "".
func (g *Gate) projectVersionFile(dir string) string {
	roots := g.resolvedRoots()
	for d := policy.Resolve(dir, "/"); ; d = filepath.Dir(d) {
		inside := false
		for _, r := range roots {
			if policy.Inside(d, r) {
				inside = true
			}
		}
		if inside {
			for _, name := range versionFiles {
				p := filepath.Join(d, name)
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && versionFileChooses(name, p) {
					return p
				}
			}
		}
		if d == "/" || d == "." {
			return ""
		}
	}
}

// versionFileChooses reports whether the version file at p (named name)
// can make a shim run a binary of the project's choosing: mise's files
// always (they also set environments and run hooks); the others when they
// name a path (asdf's path:, a version with "/" or "..", which older pyenv,
// rbenv and nodenv joined onto their roots) or a source to build (ref:).
// A plain version (3.12.1, lts/iron in .nvmrc, a volta pin) is a release
// the manager installs itself.
func versionFileChooses(name, p string) bool {
	if strings.Contains(name, "mise") || name == ".rtx.toml" {
		return true
	}
	if name == "package.json" || name == ".nvmrc" {
		return false // volta pins and nvm versions are releases
	}
	b, err := safefile.Read(p, 1<<20)
	if err != nil {
		return true // unreadable or too large: not known
	}
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.Contains(line, "path:") || strings.Contains(line, "ref:") || strings.Contains(line, "..") ||
			strings.Contains(line, "/") || strings.Contains(line, "~") {
			return true
		}
	}
	return false
}

// shimmed says why program, found at bin, runs what a project file
// chooses, or "".
func (g *Gate) shimmed(program, bin string, dirs []string) string {
	if !versionShim(bin) {
		return ""
	}
	for _, d := range dirs {
		if f := g.projectVersionFile(d); f != "" {
			return program + " is a version manager's shim (" + bin + "), and " + f +
				" in the project chooses the binary it runs (asdf's and mise's path: runs a directory's)"
		}
	}
	return ""
}
