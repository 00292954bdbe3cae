// Package sysprog finds the programs guard runs for its own questions, before
// it has decided anything: git, asked about a repository, and a shell, asked
// what its start-up files set. guard runs them unconfined, so they must be
// programs no agent could have written: installed in the system's program
// directories, never one that PATH or a command names. Whether a file lies
// in this run's writable roots is no answer to that: the roots follow the
// working directory and --project, which a command chooses (`cd /usr &&
// guard explain bash -lc ls` had guard run a project's .venv/bin/bash).
package sysprog

import (
	"os"
	"path/filepath"
	"strings"
)

// dirs are the system's program directories, in the order a name is looked
// for in them.
var dirs = [...]string{"/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew/bin", "/usr/sbin", "/sbin"}

// prefixes hold the files the programs in dirs lead to through links:
// /bin/sh -> /usr/bin/dash, /usr/bin/ksh -> /etc/alternatives/ksh ->
// /usr/bin/ksh93, /opt/homebrew/bin/zsh -> ../Cellar/zsh/5.9/bin/zsh.
var prefixes = [...]string{"/usr", "/bin", "/sbin", "/opt/homebrew"}

// Dir reports whether dir is one of the system's program directories.
func Dir(dir string) bool {
	for _, d := range dirs {
		if dir == d {
			return true
		}
	}
	return false
}

// Find returns the first program name in the system's program directories
// that Is one.
func Find(name string) (string, bool) {
	if name == "" || strings.ContainsRune(name, '/') {
		return "", false
	}
	for _, d := range dirs {
		if p := d + "/" + name; Is(p) {
			return p, true
		}
	}
	return "", false
}

// Is reports whether path is a program of the system's: an absolute path
// named in one of its program directories, whose file, links followed, is
// a regular executable file below the system's prefixes.
func Is(path string) bool {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path || !Dir(filepath.Dir(path)) {
		return false
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	below := false
	for _, p := range prefixes {
		below = below || real == p || strings.HasPrefix(real, p+"/")
	}
	if !below {
		return false
	}
	fi, err := os.Stat(real)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
