package gate

import (
	"bytes"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
	"guard/policy"
	"guard/shim"
)

// entryDirs returns the directories a PATH entry may name for a program
// looked up by a command that runs in the directory cwd. An absolute entry
// is itself and an empty one is cwd. Any other entry is relative: dash,
// zsh, env and execvp look below cwd. But bash expands a leading tilde in
// each PATH element when it searches (`~/.yarn/bin`, `~user/bin`, `~+`,
// `~-`: a PATH written with the tilde quoted, `export
// PATH="~/.yarn/bin:$PATH"`, works in bash and nowhere else), so such an
// entry names the expanded directory as well (entry-1 E2: with HOME a
// writable root, auto-edit let `.yarn/bin/ls` be written, and then ran
// `bash -c ls`, judged as /usr/bin/ls, which ran the written file
// unconfined).
func (g *Gate) entryDirs(entry, cwd string) []string {
	switch {
	case entry == "":
		return []string{cwd}
	case filepath.IsAbs(entry):
		return []string{entry}
	}
	dirs := []string{shim.InDir(cwd, entry)}
	if exp := g.tildeDir(entry, cwd); exp != "" {
		dirs = append(dirs, exp)
	}
	return dirs
}

// tildeDir is bash's tilde expansion of a PATH element, or "" when entry
// does not start with a tilde prefix bash expands to a known directory.
func (g *Gate) tildeDir(entry, cwd string) string {
	if !strings.HasPrefix(entry, "~") {
		return ""
	}
	prefix, rest, _ := strings.Cut(entry[1:], "/")
	var base string
	switch prefix {
	case "":
		base = g.Getenv("HOME")
		if base == "" {
			base = passwdHome()
		}
	case "+":
		base = cwd
	case "-":
		base = g.Getenv("OLDPWD")
	default:
		base = passwdHomeOf(prefix)
	}
	if !filepath.IsAbs(base) {
		return ""
	}
	return filepath.Join(base, rest)
}

// passwdHomeOf returns the home directory /etc/passwd gives the user
// name, or "".
func passwdHomeOf(name string) string {
	if name == "" || strings.ContainsAny(name, ":\n") {
		return ""
	}
	data, _ := safefile.Read("/etc/passwd", 4<<20)
	for _, line := range bytes.Split(data, []byte("\n")) {
		f := bytes.Split(line, []byte(":"))
		if len(f) >= 7 && string(f[0]) == name && filepath.IsAbs(string(f[5])) {
			return string(f[5])
		}
	}
	return ""
}

// bashDefaultPath is the search path bash uses when PATH is not set at all
// (Debian's bash 5.2; it ends in ".", the working directory). dash's holds
// the same directories without "."; execvp's is /bin:/usr/bin.
const bashDefaultPath = "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:."

// pathEntries returns PATH's entries as the shells and execvp read them:
// an empty PATH is one empty entry, the working directory (bash, dash and
// execvp search it there; a split that drops it found no program at all,
// so `guard -c ls` with PATH= ran a planted ./ls judged as ls, entry-1
// E5), and with no PATH at all, bash's default, which ends in ".".
func (g *Gate) pathEntries() []string {
	if g.judgePATHSet {
		return strings.Split(g.judgePATH, ":")
	}
	for i := len(g.Env) - 1; i >= 0; i-- { // the entry Getenv reads
		if v, ok := strings.CutPrefix(g.Env[i], "PATH="); ok {
			return strings.Split(v, ":")
		}
	}
	return strings.Split(bashDefaultPath, ":")
}

// JudgeWithPATH makes the judge look the programs a command runs up in
// path, the PATH it will really search: a login shell's, which its start-up
// files set up (`guard -lc ls` with `PATH="./node_modules/.bin:$PATH"` in
// ~/.profile ran the project's node_modules/.bin/ls, judged as /usr/bin/ls:
// entry-1 E6). guard still finds and execs the program itself with the
// environment's PATH, and passes the environment on as it is.
func (g *Gate) JudgeWithPATH(path string) {
	g.judgePATH, g.judgePATHSet, g.pathRoots = path, true, 0
}

// Startup is what a shell's start-up files (a login shell's profiles,
// .zshenv, BASH_ENV) change in the shell its script then runs in: options
// turned on (+name) or off (-name), the functions and aliases they define,
// and the directory they leave it in ("" when the same). Unknown, when not
// "", says why guard did not learn them (a shell it does not run): the
// verdict is then unverified for that reason.
type Startup struct {
	Shell   string
	Options []string
	Names   []string
	Dir     string
	Unknown string
}

// JudgeWithStartup makes the judge take the state the start-up files of the
// shell that runs the script leave it in (learned from the shell itself, as
// its PATH is: JudgeWithPATH): a verdict the shell would read otherwise is
// unverified (startupWhy).
func (g *Gate) JudgeWithStartup(s Startup) {
	g.startup, g.startupSet = s, true
}

// startupWhy says why the start-up files of the shell of a script make it
// read the script otherwise than guard judged it, or "": an option that
// changes globs, words or cd (harmlessInheritedShellOption lists the
// others), a function or alias named as a command the verdict runs, or
// another directory. With `shopt -s dotglob` in ~/.bashrc, which
// ~/.profile sources, `bash -lc 'head -3 ?env'` printed .env (judge-18).
func (g *Gate) startupWhy(v *policy.Verdict) string {
	if !g.startupSet {
		return ""
	}
	s := g.startup
	if s.Unknown != "" {
		return s.Unknown
	}
	for _, o := range s.Options {
		if !harmlessInheritedShellOption(o[1:]) {
			return s.Shell + "'s start-up files turn " + o[1:] + map[byte]string{'+': " on", '-': " off"}[o[0]] + " before the script runs, which guard does not judge by (globs, cd, words)"
		}
	}
	names := commandNames(v)
	for _, n := range s.Names {
		if names[n] {
			return s.Shell + "'s start-up files define " + n + " (a function or an alias), which runs in place of the command: its body is not judged"
		}
	}
	if s.Dir != "" {
		return s.Shell + "'s start-up files leave it in " + s.Dir + ", not the directory the script was judged in"
	}
	return ""
}

// InWritableRoot reports whether the file path (relative to the working
// directory), resolved through symlinks, lies inside a writable root: a
// program there is the agent's to write, and guard runs none of it before
// its judgement.
func (g *Gate) InWritableRoot(path string) bool {
	return g.insideRoot(policy.Resolve(path, g.Cwd))
}

// insideRoot reports whether real (resolved) lies inside a writable root.
func (g *Gate) insideRoot(real string) bool {
	for _, rr := range g.resolvedRoots() {
		if policy.Inside(real, rr) {
			return true
		}
	}
	return false
}
