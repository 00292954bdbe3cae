package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"guard/internal/safefile"
	"guard/policy/shell"
)

// Where a cd lands depends on options the agent's shell takes from the
// user's start-up files (Claude Code's and Codex's shell snapshots carry
// them), which no script shows:
//
//   - cdable_vars (bash) and CDABLE_VARS (zsh; prezto sets it): a cd to a
//     relative path that is no directory goes to $NAME (bash: the whole
//     argument a variable) or ~NAME/rest (zsh: NAME a user, a parameter
//     holding a directory, or a directory stack entry: ~1), NAME the
//     path's first name. `cd HOME && cat tok.txt` read ~/tok.txt.
//   - set -P (bash: physical) and CHASE_LINKS or CHASE_DOTS (zsh): cd
//     resolves links, so a .. after a link is the link target's parent
//     (`cd link/..`, `cd link && cd ..`), not the directory the path
//     names once cleaned, which is where the default logical cd goes.
//     The default goes there too when a directory before a .. is not
//     there (`cd link/../sub/..` with no ./sub).
//
// The judge reads the default; these return why a command's directory is
// not known under the other readings, "" when it is the same.

// cdReachedByName returns why the directory rel (a Command's Dir, an
// OtherDirs entry or a Climbed path, relative to cwd or below ~) may be
// another one in a shell with cdable_vars: a name on its path is no
// directory now, no earlier write of the script (writes, absolute) makes
// it, and the shells could look the name up. Only the first name missing
// matters: what follows it is relative to wherever the lookup went.
func cdReachedByName(rel, cwd string, writes []string) string {
	if rel == "" {
		return ""
	}
	at := cwd
	rest := rel
	switch {
	case underHome(rel):
		at, rest = homePath("~"), strings.TrimPrefix(strings.TrimPrefix(rel, "~"), "/")
	case filepath.IsAbs(rel):
		at, rest = "", rel[1:]
	}
	for _, name := range strings.Split(rest, "/") {
		if name == "" || name == "." {
			continue
		}
		next := at + "/" + name
		if fi, err := os.Stat(next); err == nil && fi.IsDir() {
			at = next
			continue
		}
		if name == ".." || !cdableLookup(name) {
			return ""
		}
		clean := filepath.Clean(next)
		for _, w := range writes {
			if w == clean || strings.HasPrefix(w, clean+"/") {
				return "" // an earlier command makes it (mkdir)
			}
		}
		return "working directory unknown: a cd to " + name + ", which is no directory here: a shell with cdable_vars (zsh: " +
			"CDABLE_VARS), as users' start-up files set, goes to $" + name + " or ~" + name + " instead"
	}
	return ""
}

// cdableLookup reports whether bash's cdable_vars or zsh's CDABLE_VARS
// could find a directory for name: a variable the shells always set or
// the environment holds, `_` (the last argument of the command before), a
// directory stack entry (zsh's ~1) or a user (zsh's ~root).
func cdableLookup(name string) bool {
	switch name {
	case "HOME", "PWD", "OLDPWD", "_":
		return true
	}
	digits := true
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			digits = false
		}
	}
	if digits {
		return true
	}
	if strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != "" {
		return false
	}
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return true
	}
	return slices.Contains(passwdNames(), name)
}

// passwdNames returns the user names of /etc/passwd, read once. Limit:
// zsh asks the system's name service, which may know users of a directory
// (LDAP) too.
func passwdNames() []string {
	passwd.once.Do(func() {
		data, _ := safefile.Read("/etc/passwd", 4<<20) // a regular file only, never blocking
		for _, line := range bytes.Split(data, []byte("\n")) {
			if name, _, ok := bytes.Cut(line, []byte(":")); ok && len(name) > 0 {
				passwd.names = append(passwd.names, string(name))
			}
		}
	})
	return passwd.names
}

var passwd struct {
	once  sync.Once
	names []string
}

// cdClimbedElsewhere returns why a cd through .. after a name (climbed,
// as written) may land elsewhere in a shell that resolves links: the
// path as written, which the kernel resolves, is another directory than
// the cleaned one (logical, known to exist).
func cdClimbedElsewhere(climbed, cwd string, logical os.FileInfo) string {
	written := climbed
	switch {
	case underHome(climbed):
		written = homePath("~") + strings.TrimPrefix(climbed, "~")
	case !filepath.IsAbs(climbed):
		written = cwd + "/" + climbed
	}
	fi, err := os.Stat(written)
	if err != nil || os.SameFile(fi, logical) {
		// Not there: a cd that resolves links fails, and the command
		// runs where it would after a failed cd, which is judged too.
		return ""
	}
	return "working directory unknown: a cd through " + climbed + ", whose .. follows a link: bash and zsh go to the link " +
		"target's parent when a directory before a .. is not there, and always with set -P (zsh: CHASE_LINKS, CHASE_DOTS), " +
		"as users' start-up files set"
}

// cdClimbsMoved returns why a cd through .. (climbed, as written) may land
// elsewhere when a directory it climbs out of is one an earlier mv, ln or
// cp of the script puts in place (moved, absolute): a link made then (`ln
// -s a/b l && cd l/../q/..` entered a in default bash) is not there for the
// checks above, which look at the file system before the script runs.
func cdClimbsMoved(climbed, cwd string, moved []string) string {
	at, rest := cwd, climbed
	switch {
	case underHome(climbed):
		at, rest = homePath("~"), strings.TrimPrefix(climbed, "~")
	case filepath.IsAbs(climbed):
		at = "/"
	}
	for _, name := range strings.Split(rest, "/") {
		switch name {
		case "", ".":
		case "..":
			for _, m := range moved {
				if m = filepath.Clean(m); at == m || strings.HasPrefix(at, m+"/") {
					return "working directory unknown: a cd through " + climbed + " climbs out of " + at +
						", which an earlier command of the script moves, links or copies: where its .. leads is not known now"
				}
			}
			at = filepath.Dir(at)
		default:
			at = filepath.Join(at, name)
		}
	}
	return ""
}

// cdReachedOtherwise returns why c's working directory may not be the one
// judged under the start-up options above or through what an earlier
// command moved (moved), "" when it is.
func cdReachedOtherwise(c *shell.Command, cwd string, writes, moved []string) string {
	if c.Dialect == shell.POSIX {
		return "" // dash has neither option, and its logical cd never chdirs to the path as written
	}
	for _, d := range append(append([]string{c.Dir}, c.OtherDirs...), c.Climbed...) {
		if why := cdReachedByName(d, cwd, writes); why != "" {
			return why
		}
	}
	for _, d := range c.Climbed {
		if why := cdClimbsMoved(d, cwd, moved); why != "" {
			return why
		}
	}
	// A directory above the start (`cd ..`, `cd ../x`: cleaned, they start
	// with ..) is the start's parent as written: a link's parent, the
	// target's to a shell that resolves links.
	var above []string
	for _, d := range append([]string{c.Dir}, c.OtherDirs...) {
		if d == ".." || strings.HasPrefix(d, "../") {
			above = append(above, d)
		}
	}
	for _, d := range append(above, c.Climbed...) {
		fi, err := os.Stat(cdDir(d, cwd))
		if err != nil || !fi.IsDir() {
			// Not there: bash's logical cd chdirs to the path as written
			// (the judge asks about a Climbed one already).
			if slices.Contains(above, d) {
				if pfi, err := os.Stat(cwd + "/" + d); err == nil && pfi.IsDir() {
					return "working directory unknown: a cd to " + d + ", which is not there from the starting directory " +
						"as named, but is through its links, where bash and zsh then go"
				}
			}
			continue
		}
		if why := cdClimbedElsewhere(d, cwd, fi); why != "" {
			return why
		}
	}
	return ""
}
