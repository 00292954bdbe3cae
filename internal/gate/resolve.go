package gate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"guard/internal/safefile"
	"guard/policy"
	"guard/policy/shell"
	"guard/shim"
)

// ErrNotFound is wrapped when the program cannot be resolved.
var ErrNotFound = errors.New("program not found")

// ErrNotExecutable is wrapped when the program exists but cannot be run.
var ErrNotExecutable = errors.New("not executable")

// Target is what guard execs for a command: the binary and its argv.
type Target struct {
	Path string
	Argv []string
}

// builtinRest returns the command that the shell builtin or keyword at
// argv[0] runs: `command [-p] [--] CMD`, `exec [--] CMD`, `time [-p] [--]
// CMD` (no binary of these names exists on many systems; run outside a
// shell they mean CMD). ok is false for any other word or option, which
// then runs nothing. CMD is argv's own remaining words, the whole of them:
// guard judged it in place of the builtin (the judge unwraps these
// words), so that is what runs, never a command picked out of it (entry-1
// E1: `exec bash -c 'cd /tmp && cat notes.txt' cat notes.txt` was judged
// as /tmp/notes.txt and ran cat on the project's notes.txt, a link to an
// SSH key). defaultPath is set for `command -p`, which searches the
// system's default PATH.
func builtinRest(argv []string) (rest []string, defaultPath bool, ok bool) {
	if len(argv) == 0 {
		return nil, false, false
	}
	opt := ""
	switch argv[0] {
	case "command", "time":
		opt = "p"
	case "exec":
	default:
		return nil, false, false
	}
	i := 1
	for ; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		if opt == "" || strings.Trim(a[1:], opt) != "" {
			return nil, false, false
		}
		defaultPath = argv[0] == "command"
	}
	if i >= len(argv) {
		return nil, false, false
	}
	return argv[i:], defaultPath, true
}

// defaultShellPath is the PATH `command -p` searches (bash's and dash's
// default, confstr(_CS_PATH) on Linux).
const defaultShellPath = "/bin:/usr/bin"

// Target finds what guard execs for argv, judged as v, and the exit code
// when it cannot: the program itself with its own argv. A wrapper
// (timeout, env, nice, nohup, stdbuf, time, ...) is itself resolved and
// exec'd with its whole argv; the wrapped command it runs was what v
// judged. The deciding rule's system_path is used only when the judged
// command is argv itself. A program named with a slash is run as given;
// otherwise PATH is searched, never finding guard itself.
func (g *Gate) Target(argv []string, v *policy.Verdict) (Target, int, error) {
	program := argv[0]
	if strings.Contains(program, "/") {
		fi, err := os.Stat(program)
		switch {
		case err != nil && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)):
			return Target{}, ExitNotFound, fmt.Errorf("%w: %s does not exist", ErrNotFound, program)
		case err != nil:
			return Target{}, ExitRefused, fmt.Errorf("%w: %s: %v", ErrNotExecutable, program, err)
		case !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0:
			return Target{}, ExitRefused, fmt.Errorf("%w: %s is not an executable file", ErrNotExecutable, program)
		}
		return Target{Path: program, Argv: argv}, 0, nil
	}
	if judgedItself(argv, v) {
		for _, p := range v.Result.Exec.SystemPath {
			if executable(p) {
				return Target{Path: p, Argv: argv}, 0, nil
			}
		}
	}
	return g.targetOnPath(argv, v, g.Getenv("PATH"))
}

// pinWrapped returns argv with each program a wrapper runs by name
// (`timeout 5 ls`, `nice env A=1 ls`, `xargs ls`, `find . -exec cat {} +`:
// execvp looks it up again when it runs it; runByName) replaced by the file
// a PATH lookup finds now, when that lookup may reach a writable root; why
// says why one found is not what a rule
// describes (inside a root: it appeared after the judgement). With a
// directory of a root early on PATH (.venv/bin, node_modules/.bin), a file
// put there between guard's judgement and the wrapper's execvp ran in its
// place: a process writing it in a loop won 29 of 200 runs of `guard --
// timeout 5 ls`. The program then sees its path as argv[0], as a program
// run by path does.
func (g *Gate) pinWrapped(argv []string) (pinned []string, why string) {
	var out []string
	for _, i := range runByName(argv) {
		if strings.Contains(argv[i], "/") {
			continue // run as given
		}
		if !g.pathReachesRoots() {
			return argv, ""
		}
		_, self, _ := shim.Self()
		bin, real := g.lookupIn(argv[i], self, g.Cwd)
		if !filepath.IsAbs(bin) {
			continue
		}
		if why := g.plantedAt(argv[i], bin, real, nil); why != "" {
			return argv, why
		}
		if out == nil {
			out = slices.Clone(argv)
		}
		out[i] = g.pinnedRoute(bin, real)
	}
	if out == nil {
		return argv, ""
	}
	return out, ""
}

// runByName returns the indices in argv of the programs that argv[0], and
// the programs it runs in turn, look up on PATH when they run them: those
// of the wrappers the judge unwraps (timeout 5 ls, nice env A=1 ls:
// shell.WrappedAt) and the commands of xargs and find -exec that the judge
// reads (policy.RunsByName: xargs ls, find . -exec grep x {} +).
func runByName(argv []string) []int {
	var at []int
	for i := 0; i < len(argv); {
		if n, ok := shell.WrappedAt(argv[i:]); ok {
			i += n
			at = append(at, i)
			continue
		}
		js := policy.RunsByName(argv[i:])
		for _, j := range js {
			at = append(at, i+j)
		}
		if len(js) != 1 {
			break
		}
		i += js[0]
	}
	return at
}

// pinnedRoute returns the path guard hands to execve for bin, judged as
// the file real (bin resolved): real itself when the way to it leads
// through a symbolic link inside a writable root, which a command guard
// lets write there may switch between the judgement and the exec (PATH
// holding PROJECT/tools/bin, tools -> /usr: python3 --version was judged
// as /usr/bin/python3, safe, and ran whatever tools led to a moment
// later); else bin, so that a script's interpreter is given the path the
// program was found at, as usual.
func (g *Gate) pinnedRoute(bin, real string) string {
	if bin == real || !filepath.IsAbs(real) || g.insideRoot(real) || !g.routeThroughRoot(bin) {
		return bin
	}
	return real
}

// routeThroughRoot reports whether resolving path (relative to the working
// directory) follows a symbolic link that lies inside a writable root.
func (g *Gate) routeThroughRoot(path string) bool {
	if !filepath.IsAbs(path) {
		path = filepath.Join(g.Cwd, path)
	}
	through := false
	policy.ResolveVisit(path, func(link, _ string) bool {
		through = g.insideRoot(link)
		return !through
	})
	return through
}

// targetOnPath is Target for a bare program name, searched for in pathEnv.
func (g *Gate) targetOnPath(argv []string, v *policy.Verdict, pathEnv string) (Target, int, error) {
	_, self, err := shim.Self()
	if err != nil {
		return Target{}, ExitFailure, err
	}
	path, _, err := shim.LookPath(argv[0], pathEnv, self)
	if err == nil {
		return Target{Path: path, Argv: argv}, 0, nil
	}
	if rest, defaultPath, ok := builtinRest(argv); ok {
		if defaultPath && !strings.Contains(rest[0], "/") {
			if judgedItself(rest, v) {
				for _, p := range v.Result.Exec.SystemPath {
					if executable(p) {
						return Target{Path: p, Argv: rest}, 0, nil
					}
				}
			}
			return g.targetOnPath(rest, v, defaultShellPath)
		}
		return g.Target(rest, v)
	}
	return Target{}, ExitNotFound, fmt.Errorf("%w: %w", ErrNotFound, err)
}

// judgedItself reports whether v's deciding rule judged argv itself (not a
// wrapped or scripted command inside it), so that its system_path applies.
func judgedItself(argv []string, v *policy.Verdict) bool {
	return !v.Script && v.Result.Exec != nil && slices.Equal(v.Argv, argv)
}

func executable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && shim.Runnable(p, fi)
}

// shellStateChecks are checkPrograms' first checks, in order: what the
// shells the verdict runs bring with them before the script starts
// (BASH_ENV, inherited options and functions, bashrc, zshenv, start-up
// files), each the reason the verdict is unverified or "".
var shellStateChecks = [...]func(*Gate, *policy.Verdict) string{
	(*Gate).relativeStartupWhy, (*Gate).inheritedShellOptsWhy, (*Gate).inheritedFunctionWhy,
	(*Gate).bashRcWhy, (*Gate).zshEnvWhy, (*Gate).startupWhy,
}

// checkPrograms makes a safe or match verdict unverified when a program it
// runs resolves to a binary inside a writable root (a planted
// .venv/bin/git found through PATH): what a file there does is not what
// the rule describes. An entry of the rule's system_path is trusted
// wherever it is. The programs a wrapper or a shell runs are looked up the
// way they would find them, relative PATH entries included; the shell of
// `bash -c SCRIPT` itself is checked by Run, which resolves it. argv is what
// guard execs (Target), not always the command judged (`time ls`).
func (g *Gate) checkPrograms(v *policy.Verdict, argv []string) {
	if v.Class != policy.Safe && v.Class != policy.Match {
		return
	}
	for _, check := range shellStateChecks {
		if why := check(g, v); why != "" {
			v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
			return
		}
	}
	// Before any check runs git in the project: guard's own git would load
	// the library too.
	if why := g.loaderReach(v.Dirs); why != "" {
		v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
		return
	}
	checked := map[string]bool{}
	for _, c := range v.Commands {
		if len(c) == 0 || checked[filepath.Base(c[0])] {
			continue
		}
		why := ""
		switch base := filepath.Base(c[0]); base {
		case "docker":
			checked[base], why = true, g.dockerPluginReach(v.Dirs)
		case "go":
			checked[base], why = true, g.goCompilerReach(v.Dirs)
		case "tar", "gtar":
			checked[base], why = true, g.tarOptionsWhy()
			if why == "" {
				why = g.xzOptionsWhy()
			}
			if why == "" {
				why = g.bzipOptionsWhy()
			}
			if why == "" {
				why = g.gzipOptionsWhy(base)
			}
		case "bzip2", "bunzip2", "bzcat":
			checked[base], why = true, g.bzipOptionsWhy()
		case "gzip", "gunzip", "zcat", "gzcat", "pigz", "unpigz", "zgrep", "zegrep", "zfgrep":
			checked[base], why = true, g.gzipOptionsWhy(base)
		case "xz", "unxz", "xzcat", "lzma", "unlzma", "lzcat":
			checked[base], why = true, g.xzOptionsWhy()
		case "file":
			checked[base], why = true, g.homeMagicWhy()
		case "unzip", "zipinfo", "zip":
			checked[base], why = true, g.zipOptionsWhy(base)
		case "git":
			checked[base], why = true, g.gitTraceWhy()
		case "pkg-config", "pkgconf":
			checked[base], why = true, g.pkgConfigWhy()
		case "npm":
			checked[base], why = true, g.npmConfigWhy()
		default:
			if isPip(base) {
				checked[base], why = true, g.pipOptionsWhy(base)
			}
		}
		if why != "" {
			v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
			return
		}
	}
	_, self, _ := shim.Self()
	seen := map[string]bool{}
	loadPath := g.loadPathSet() || g.optionVarSet() || g.nodeWriteVarSet()
	for i, c := range v.Commands {
		if len(c) == 0 || seen[c[0]] || (i == 0 && v.Script) {
			continue
		}
		seen[c[0]] = true
		if loadPath {
			if why := g.loadPathReach(c, self, v.Dirs); why != "" {
				v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
				return
			}
		}
		dirs := v.Dirs
		if len(dirs) == 0 {
			dirs = []string{g.Cwd}
		}
		if len(v.Commands) == 1 && slices.Equal(c, argv) && judgedItself(argv, v) && g.systemPathExists(v) {
			// guard runs the rule's system_path entry (Target); what it
			// runs through PATH is still looked up. Only when the judged
			// command is the one guard execs: `time ls` was judged as ls
			// (bash's keyword), but guard execs /usr/bin/time, which finds
			// ls through PATH, and a planted bin/ls ran unasked.
			for _, p := range v.Result.Exec.SystemPath {
				if executable(p) {
					if why := g.plantedHelper(c[0], p, self, dirs); why != "" {
						v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
						return
					}
					break
				}
			}
			continue
		}
		var sys []string
		if r := g.Set.Check(c); r.Exec != nil {
			sys = r.Exec.SystemPath
		}
		// A relative PATH entry (bin, node_modules/.bin, an empty one) or a
		// relative program is found from the directory the command runs
		// in: after `cd sub`, sub/bin/tree. Each directory the script may
		// be in is looked in.
		lookIn := []string{g.Cwd}
		if g.relativeLookup(c[0]) {
			lookIn = append(lookIn, dirs...)
		}
		looked := map[string]bool{}
		for _, dir := range lookIn {
			if looked[dir] {
				continue
			}
			looked[dir] = true
			bin, real := g.lookupIn(c[0], self, dir)
			if bin == "" {
				continue
			}
			why := g.plantedAt(c[0], bin, real, sys)
			if why == "" {
				why = g.venvAt(c[0], bin, real, c)
			}
			if why != "" {
				v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
				return
			}
			if why := g.shimmed(c[0], bin, dirs); why != "" {
				v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
				return
			}
			if why := g.plantedHelper(c[0], bin, self, dirs); why != "" {
				v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
				return
			}
		}
	}
}

// tarHelpers are the programs tar runs by name, through PATH, to
// decompress an archive it lists (-z, -j, -J, -a, or found by the
// archive's first bytes).
var tarHelpers = []string{"gzip", "bzip2", "xz", "lzip", "lzma", "lzop", "zstd", "compress", "lz4", "pigz", "pbzip2"}

// goHelpers are the version control programs the go command runs by name
// to fetch a module directly (GOPROXY's "direct", GOPRIVATE): a module
// query (go list -m all) may run them; and the C compilers and pkg-config
// it runs by name for cgo (judge-10 Q4): `go env` and `go env CGO_CFLAGS`
// run $CC (gcc by default) to learn its flags, `go list -json` of a cgo
// package runs it too.
var goHelpers = []string{"git", "hg", "svn", "bzr", "fossil", "gcc", "cc", "clang", "g++", "c++", "clang++", "pkg-config"}

// pipHelpers are the version control programs pip runs by name, through
// PATH, for an editable install from a checkout: `pip freeze` (and `pip
// freeze --path DIR`, DIR's dist-info the agent's to write) runs `git
// config --get-regexp remote\..*\.url` and `git rev-parse HEAD` in the
// project's directory, and ran a planted node_modules/.bin/git (judge-18).
var pipHelpers = []string{"git", "hg", "svn", "bzr"}

// pagerHelpers are the pagers programs run by name, through PATH, for output
// to a terminal (a prefix in a terminal, a Codex command with a tty): git
// runs `pager` (Debian's build; `less` upstream), systemd's tools
// $SYSTEMD_PAGER or else `pager`, `less`, `more`, dpkg `pager`, bat `less`.
// With a planted node_modules/.bin/pager, `guard -- git log -1` (safe) ran
// it (judge-21 W1).
var pagerHelpers = []string{"pager", "less", "more"}

// gitHelpers are the other programs git runs by name for commands guard
// lets run: git-lfs, the filter `git lfs install` puts in the user's config
// (git status and git diff run it in a repository that tracks files with
// it). gpg is judged with the settings that run it (judge-15).
var gitHelpers = []string{"git-lfs"}

// pagingProgram reports whether name pages its output through pagerHelpers.
func pagingProgram(name string) bool {
	switch name {
	case "git", "systemctl", "journalctl", "loginctl", "timedatectl", "hostnamectl", "localectl", "networkctl",
		"resolvectl", "busctl", "coredumpctl", "machinectl", "bootctl", "homectl", "userdbctl", "portablectl",
		"dpkg", "dpkg-query", "bat", "batcat", "dmesg":
		return true
	}
	return false
}

// isPip reports whether a program's name is pip's: pip, pip3, pip3.N.
func isPip(name string) bool { return name == "pip" || strings.HasPrefix(name, "pip3") }

// plantedHelper says why a program that bin (run for program) runs by name
// through PATH resolves inside a writable root, or "": the interpreter of
// a `#!/usr/bin/env NAME` script (npm, eslint and tsc are `env node`
// scripts: `npm ls` ran a planted .venv/bin/node) and tar's decompressors
// (`tar tzf x.tar.gz` ran a planted gzip), the go command's and pip's
// version control programs, and pagers (and git's git-lfs).
// Looked up from every directory
// in dirs, as the program is.
func (g *Gate) plantedHelper(program, bin string, self os.FileInfo, dirs []string) string {
	words := shebang(bin)
	if why := g.interpreterWhy(program, words); why != "" {
		return why
	}
	if g.pathRoots == 1 {
		return "" // known already: nothing a PATH lookup finds can be in a root
	}
	var helpers []string
	if name := envProgram(words); name != "" {
		helpers = append(helpers, name)
	}
	switch filepath.Base(policy.Resolve(bin, "/")) {
	case "tar", "gtar", "bsdtar":
		helpers = append(helpers, tarHelpers...)
	case "go":
		helpers = append(helpers, goHelpers...)
	case "yq":
		helpers = append(helpers, "jq") // python-yq hands its filter to jq
	case "dpkg":
		helpers = append(helpers, "dpkg-query", "dpkg-deb", "tar") // dpkg -l runs dpkg-query, -c dpkg-deb
	case "dpkg-deb":
		helpers = append(helpers, "tar")
	case "docker":
		helpers = append(helpers, g.dockerHelpers()...)
	}
	if isPip(filepath.Base(program)) {
		helpers = append(helpers, pipHelpers...)
	}
	if base := filepath.Base(policy.Resolve(bin, "/")); pagingProgram(base) {
		helpers = append(helpers, pagerHelpers...)
		if base == "git" {
			helpers = append(helpers, gitHelpers...)
		}
	}
	if len(helpers) == 0 && len(words) == 0 {
		return "" // a binary that runs no other program by name
	}
	if !g.pathReachesRoots() {
		return "" // nothing a PATH lookup finds can be in a root
	}
	if len(words) > 0 {
		helpers = append(helpers, g.scriptHelpers(bin, dirs)...)
	}
	for _, h := range helpers {
		for _, dir := range append([]string{g.Cwd}, dirs...) {
			hb, real := g.lookupIn(h, self, dir)
			if hb == "" {
				continue
			}
			why := g.plantedAt(h, hb, real, nil)
			if why == "" {
				why = g.venvAt(h, hb, real, nil)
			}
			if why != "" {
				return program + " runs " + h + " through PATH, and " + why
			}
			if !g.relativeLookup(h) {
				break
			}
		}
	}
	return ""
}

// scriptHelpers returns the names a script bin (a #! file: zcat, zgrep,
// egrep, lsb_release are shell scripts) mentions that a PATH directory
// inside a writable root holds: the script runs its commands by name
// through PATH (`exec gzip -cd`, `exec grep -E`), and `zcat h.gz` ran a
// planted .venv/bin/gzip. Only when PATH reaches a root (plantedHelper's
// condition) is the script read, its first 256 KiB.
func (g *Gate) scriptHelpers(bin string, dirs []string) []string {
	names := g.rootPathNames(dirs)
	if len(names) == 0 {
		return nil
	}
	b, err := safefile.ReadHead(bin, 256<<10)
	if err != nil {
		return nil
	}
	return namesIn(string(b), names)
}

// namesIn returns the words of src, a shell script, that names holds, in
// the order met, each once. Comment lines are prose ("which", "file"), not
// commands.
func namesIn(src string, names map[string]bool) []string {
	var text strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			text.WriteString(line)
			text.WriteByte('\n')
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text.String(), func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || r == '+' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		if names[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// rootPathNames returns the names in the PATH directories that lie inside
// a writable root (relative entries taken from guard's directory and from
// each of dirs), at most 4,096 of each.
func (g *Gate) rootPathNames(dirs []string) map[string]bool {
	names := map[string]bool{}
	for _, entry := range g.pathEntries() {
		var cands []string
		for _, d := range append([]string{g.Cwd}, dirs...) {
			for _, c := range g.entryDirs(entry, d) {
				if !slices.Contains(cands, c) {
					cands = append(cands, c)
				}
			}
		}
		for _, c := range cands {
			real := policy.Resolve(c, "/")
			inside := false
			for _, rr := range g.resolvedRoots() {
				if policy.Inside(real, rr) {
					inside = true
				}
			}
			if !inside {
				continue
			}
			f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_DIRECTORY, 0) // a FIFO fails, not waits
			if err != nil {
				continue
			}
			list, _ := f.Readdirnames(4096)
			f.Close()
			for _, n := range list {
				names[n] = true
			}
		}
	}
	return names
}

// StartupRunsPlanted says why the start-up files of the shell named shell
// run a program the agent may have put in a writable root, or "": they run
// programs by name (/etc/profile's `id -u`, /etc/profile.d's scripts) with
// the PATH the shell is given, before any script guard judged, and so does
// guard's own probe of that shell, unconfined. A name one of them mentions
// that a PATH directory inside a root holds is such a program.
func (g *Gate) StartupRunsPlanted(shell string) string {
	if !g.pathReachesRoots() {
		return ""
	}
	names := g.rootPathNames(nil)
	if len(names) == 0 {
		return ""
	}
	for _, f := range startupFiles(shell, g.Getenv) {
		b, err := safefile.ReadHead(f, 256<<10)
		if err != nil {
			continue
		}
		if found := namesIn(string(b), names); len(found) > 0 {
			return fmt.Sprintf("%s's start-up file %s runs %s by name, and PATH (%s) finds that in a writable root: the agent's program would run before the script", shell, Visible(f), found[0], Visible(g.Getenv("PATH")))
		}
	}
	return ""
}

// startupFiles are the files a shell named shell reads as a login shell or,
// zsh, for every script (and bash's BASH_ENV): the system's and the home's,
// and the directory of scripts /etc/profile sources.
func startupFiles(shell string, getenv func(string) string) []string {
	home := getenv("HOME")
	var files []string
	if shell == "zsh" {
		zdot := getenv("ZDOTDIR")
		if zdot == "" {
			zdot = home
		}
		for _, n := range []string{"zshenv", "zprofile", "zlogin"} { // zshrc: interactive shells only
			files = append(files, "/etc/zsh/"+n, "/etc/"+n)
			if zdot != "" {
				files = append(files, zdot+"/."+n)
			}
		}
		return files
	}
	files = append(files, "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc")
	if d, err := os.ReadDir("/etc/profile.d"); err == nil {
		for _, e := range d {
			files = append(files, "/etc/profile.d/"+e.Name())
		}
	}
	if home != "" {
		files = append(files, home+"/.profile", home+"/.bash_profile", home+"/.bash_login", home+"/.bashrc")
	}
	if f := getenv("BASH_ENV"); f != "" {
		files = append(files, f)
	}
	return files
}

// pathReachesRoots reports whether a PATH lookup may find a file inside a
// writable root: an entry is relative (found from the directory a command
// runs in), lies in or above a root once resolved, or leads there through a
// symbolic link inside a root. Made once a gate.
func (g *Gate) pathReachesRoots() bool {
	if g.pathRoots == 0 {
		g.pathRoots = 1
		dirs := g.pathEntries()
		for _, dir := range dirs {
			if !filepath.IsAbs(dir) {
				g.pathRoots = 2
				return true
			}
		}
		for i, real := range policy.ResolveRoots(dirs) {
			for _, rr := range g.resolvedRoots() {
				if policy.Inside(real, rr) || policy.Inside(rr, real) {
					g.pathRoots = 2
				}
			}
			if g.pathRoots == 1 && g.routeThroughRoot(dirs[i]) {
				// PROJECT/tools/bin with tools -> /usr: where it leads
				// is the agent's to change.
				g.pathRoots = 2
			}
		}
	}
	return g.pathRoots == 2
}

// relativeLookup reports whether where program is found depends on the
// working directory: a relative path, or a PATH with a relative or empty
// entry.
func (g *Gate) relativeLookup(program string) bool {
	if strings.Contains(program, "/") {
		return !filepath.IsAbs(program)
	}
	for _, dir := range g.pathEntries() {
		if !filepath.IsAbs(dir) {
			return true
		}
	}
	return false
}

// loadPathReach says why command c runs code the agent may have written
// through a load-path variable (see loadPathVars), or "": the program guard
// would run (the rule's system_path or PATH's) is an interpreter, or a
// script of one, whose library path holds a directory in a writable root.
func (g *Gate) loadPathReach(c []string, self os.FileInfo, dirs []string) string {
	bin, _ := g.lookup(c[0], self)
	if r := g.Set.Check(c); r.Exec != nil {
		for _, p := range r.Exec.SystemPath {
			if executable(p) {
				bin = p
				break
			}
		}
	}
	interp := ""
	if bin != "" {
		interp = interpreterOf(bin)
	}
	if interp == "" || interp != "java" && interp != "php" && interp != "rust" && interp == family(filepath.Base(bin)) && len(c) == 2 &&
		(c[1] == "--version" || c[1] == "-V") {
		return "" // python3 --version imports nothing (a rustup proxy runs the toolchain for it)
	}
	if interp == "node" || interp == "shell" {
		if why := g.nodeWritesWhy(); why != "" {
			return fmt.Sprintf("%s may run node, and %s", c[0], why)
		}
	}
	if interp == "java" || interp == "shell" {
		if why := g.javaOptionsWhy(); why != "" {
			return fmt.Sprintf("%s may run a JVM, and %s", c[0], why)
		}
	}
	why := g.writableLoadPath(interp, dirs)
	if why == "" {
		why = g.optionVarReach(interp)
	}
	if why != "" {
		what := "a " + interp + " program"
		if interp == "shell" {
			what = "a shell script, which may start an interpreter"
		}
		return fmt.Sprintf("%s is %s, and %s: a module written there runs in it", c[0], what, why)
	}
	return ""
}

// plantedAt says why running bin (resolved: real) for program is not what
// a rule describes: it lies inside a writable root and is not one of
// systemPath. "" when it is fine.
func (g *Gate) plantedAt(program, bin, real string, systemPath []string) string {
	for _, p := range systemPath {
		if p == bin || policy.Resolve(p, "/") == real {
			return ""
		}
	}
	for _, rr := range g.resolvedRoots() {
		if policy.Inside(real, rr) {
			return fmt.Sprintf("%s resolves to %s, inside the writable root %s: a binary there may do anything", program, real, rr)
		}
	}
	return ""
}

// venvAt says why running bin (real, resolved) runs code of a virtual
// environment inside a writable root, or "": the environment's python is
// a link to the system's, but run through the link it loads the
// environment's site-packages, whose .pth files run at every start (and
// the agent writes them there). argv, when known, is what runs: python's
// own --version imports nothing.
func (g *Gate) venvAt(program, bin, real string, argv []string) string {
	if bin == real || len(argv) == 2 && (argv[1] == "--version" || argv[1] == "-V") {
		return ""
	}
	venv := filepath.Dir(filepath.Dir(bin))
	if _, err := os.Lstat(filepath.Join(venv, "pyvenv.cfg")); err != nil {
		return ""
	}
	for _, rr := range g.resolvedRoots() {
		if policy.Inside(policy.Resolve(venv, g.Cwd), rr) { // bin may be relative (Plan's target)
			return fmt.Sprintf("%s is %s, in a virtual environment inside the writable root %s: its site-packages run at start", program, bin, rr)
		}
	}
	return ""
}

// lookup returns the file a shell would run for program, and that file
// resolved through symlinks: a path as given (relative to the working
// directory), else the first executable candidate on PATH, relative entries
// included, guard itself skipped.
func (g *Gate) lookup(program string, self os.FileInfo) (bin, real string) {
	return g.lookupIn(program, self, g.Cwd)
}

// lookupIn is lookup for a command that runs in the directory cwd.
func (g *Gate) lookupIn(program string, self os.FileInfo, cwd string) (bin, real string) {
	if strings.Contains(program, "/") {
		if !filepath.IsAbs(program) {
			program = shim.InDir(cwd, program)
		}
		if executable(program) {
			return program, policy.Resolve(program, "/")
		}
		return "", ""
	}
	for _, entry := range g.pathEntries() {
		// An entry may name more than one directory (a tilde bash expands,
		// the others do not): where both hold the program, the one in a
		// writable root is the answer, since some shell runs it.
		found := ""
		foundReal := ""
		for _, dir := range g.entryDirs(entry, cwd) {
			cand := shim.InDir(dir, program)
			fi, err := os.Stat(cand)
			if err != nil || !shim.Runnable(cand, fi) {
				continue // as the shells and execvp pass it over
			}
			if self != nil && os.SameFile(fi, self) {
				continue
			}
			// Another guard's shim judges again when it runs.
			real := policy.Resolve(cand, "/")
			if real != cand && shim.IsGuard(filepath.Base(real)) {
				continue
			}
			if found == "" || g.insideRoot(real) {
				found, foundReal = cand, real
			}
		}
		if found != "" {
			return found, foundReal
		}
	}
	return "", ""
}

// systemPathExists reports whether the deciding rule names a system_path
// entry that exists: Target then runs it, not what PATH finds.
func (g *Gate) systemPathExists(v *policy.Verdict) bool {
	for _, p := range v.Result.Exec.SystemPath {
		if executable(p) {
			return true
		}
	}
	return false
}
