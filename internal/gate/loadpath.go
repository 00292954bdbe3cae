package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"guard/policy"
)

// loadPathVars are the variables that put directories before an
// interpreter's own library, and the interpreter whose programs they reach:
// a module the agent writes there (sitecustomize.py, a json/ package, a
// .pm, a .rb) runs in every program of that interpreter, pip list and
// flake8 --version included. The judge refuses them as a command's own
// assignment; this is for the environment guard inherits (a user's shell
// that exports PYTHONPATH=src, direnv). Also the directories an
// interpreter takes compiled code or plugins from (judge-12 S4):
// PYTHONPYCACHEPREFIX holds the .pyc of every module imported (python runs
// the one whose header matches the source's time and size, which a
// planted file copies: `pip --version` ran it), and RubyGems loads every
// *_plugin.rb in GEM_HOME's and each GEM_PATH entry's plugins directory
// at the start of any gem command (`gem list`, `gem --version`; bundler's
// and devcontainers' GEM_HOME=$PWD/.gems or vendor/bundle are in the
// project).
var loadPathVars = []struct{ name, interp string }{
	{"PYTHONPATH", "python"}, {"PYTHONUSERBASE", "python"}, {"PYTHONHOME", "python"},
	{"PYTHONPYCACHEPREFIX", "python"},
	{"PERL5LIB", "perl"}, {"PERLLIB", "perl"}, {"RUBYLIB", "ruby"}, {"NODE_PATH", "node"},
	{"GEM_HOME", "ruby"}, {"GEM_PATH", "ruby"},
	// rustup's proxies (cargo, rustc, rustfmt...) run the toolchain that
	// $RUSTUP_HOME/settings.toml names from $RUSTUP_HOME/toolchains, for
	// --version too: a rustup home in the project (a dev container's, a
	// hermetic shell's) is the agent's to rewrite.
	{"RUSTUP_HOME", "rust"},
	// pip's configuration file: `log = ~/.bashrc` there makes `pip list`
	// append its log to that file, outside the roots.
	{"PIP_CONFIG_FILE", "python"},
	// git runs its scripted and helper commands (git-submodule in 2.39,
	// git-sh-setup, the remote helpers) and its own subprocesses (`git
	// status` in a submodule, gc after a commit) from $GIT_EXEC_PATH: one
	// in the project made `git submodule status` run a planted script
	// (judge-15).
	{"GIT_EXEC_PATH", "git"},
	// file(1)'s magic database: a magic entry prints what it matched
	// (`>0 string x %s`), so an inherited MAGIC naming a file the agent
	// writes (in /tmp) made `file ~/.aws/credentials`, a type query the
	// secret checks let run, print the keys (judge-15).
	{"MAGIC", "file"},
}

// writableLoadPath says which load-path variable of interp names a
// directory inside a writable root, or "" (for a shell script, whose
// programs are not known, any of them). An empty or relative entry is
// taken from the working directory, as the interpreters do: from each of
// dirs, where the script's commands may run (`cd sub && pip list` with
// PYTHONPATH=../lib reads sub/../lib).
func (g *Gate) writableLoadPath(interp string, dirs []string) string {
	for _, v := range loadPathVars {
		val := g.Getenv(v.name)
		if v.interp != interp && interp != "shell" || val == "" {
			continue
		}
		for _, entry := range filepath.SplitList(val) {
			if entry == "" {
				entry = "."
			}
			for _, cwd := range append([]string{g.Cwd}, dirs...) {
				dir := entry
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(cwd, dir)
				}
				real := policy.Resolve(dir, "/")
				for _, rr := range g.resolvedRoots() {
					if policy.Inside(real, rr) {
						return fmt.Sprintf("%s=%s names %s, inside the writable root %s", v.name, val, dir, rr)
					}
				}
				if filepath.IsAbs(entry) {
					break
				}
			}
		}
	}
	return ""
}

// loadPathSet reports whether any load-path variable is set, so that the
// check costs nothing in the usual environment.
func (g *Gate) loadPathSet() bool {
	for _, v := range loadPathVars {
		if g.Getenv(v.name) != "" {
			return true
		}
	}
	return false
}

// interpreterOf returns the interpreter family (python, perl, ruby, node)
// that runs bin: bin itself (python3.12), or the one its #! line names
// (directly or through env); "shell" for a shell script; or "" (a compiled
// program).
func interpreterOf(bin string) string {
	if i := family(filepath.Base(bin)); i != "" {
		return i
	}
	for _, w := range shebang(bin) {
		if strings.HasPrefix(w, "-") || strings.Contains(w, "=") || filepath.Base(w) == "env" {
			continue
		}
		if i := family(filepath.Base(w)); i != "" {
			return i
		}
		switch filepath.Base(w) {
		case "sh", "bash", "dash", "zsh", "ksh", "mksh":
			return "shell" // a wrapper (pyenv's and rbenv's shims): it may run any of them
		}
		return ""
	}
	return ""
}

// family maps an interpreter's file name to its family: python3.11 and
// pypy3 are python, nodejs is node.
func family(name string) string {
	switch {
	case strings.HasPrefix(name, "python"), strings.HasPrefix(name, "pypy"):
		return "python"
	case strings.HasPrefix(name, "perl"):
		return "perl"
	case strings.HasPrefix(name, "ruby"):
		return "ruby"
	case name == "node", name == "nodejs":
		return "node"
	case name == "java", javaTool(name):
		return "java"
	case name == "php", strings.HasPrefix(name, "php") && strings.Trim(name[3:], "0123456789.") == "":
		return "php"
	case name == "git":
		return "git"
	case name == "file":
		return "file"
	case name == "cargo", name == "rustc", name == "rustup", name == "rustfmt", name == "rustdoc", name == "cargo-fmt",
		name == "cargo-clippy", name == "clippy-driver", name == "rust-analyzer", name == "rust-gdb", name == "rust-lldb":
		return "rust" // rustup's proxies, when rustup installed them
	}
	return ""
}

// relativeStartupWhy says why a verdict whose commands include bash or zsh
// runs a file the agent may write, or "": one the shell sources before its
// script, named relative to the directory it runs in (RelativeStartup).
func (g *Gate) relativeStartupWhy(v *policy.Verdict) string {
	for _, sh := range []string{"bash", "zsh"} {
		if runsShell(v.Commands, sh) {
			if why := RelativeStartup(sh, false, g.Getenv); why != "" {
				return why
			}
		}
	}
	return ""
}

// RelativeStartup says why the shell named name (started as a login shell
// when login) sources a start-up file before a -c script that is found from
// the directory it runs in (a writable root, as often as not), or "": a
// non-interactive bash sources $BASH_ENV, after expanding it (a command
// substitution there runs too), zsh $ZDOTDIR/.zshenv (~/.zshenv without
// ZDOTDIR), a login shell the profiles in $HOME. A relative one is the
// agent's to write (`ZDOTDIR=zd`: zd/.zshenv, written unasked in auto-edit,
// ran at a safe `zsh -c ls`); a plain absolute one is a protected file
// (envMovedProtected).
func RelativeStartup(name string, login bool, getenv func(string) string) string {
	check := func(value, what string, expanded bool) string {
		switch {
		case expanded && strings.ContainsAny(value, "$`"):
			return name + " sources " + what + " at start, after expanding it, command substitutions included: what it names is known only then"
		case value == "" || filepath.IsAbs(value):
			return ""
		}
		return name + " sources " + what + " at start, a path relative to the directory it runs in: a file the agent writes there runs"
	}
	home := getenv("HOME")
	why := ""
	switch name {
	case "bash":
		why = check(getenv("BASH_ENV"), "BASH_ENV="+getenv("BASH_ENV"), true)
	case "zsh":
		if z := getenv("ZDOTDIR"); z != "" {
			why = check(z, "$ZDOTDIR/.zshenv (ZDOTDIR="+z+")", false)
		} else {
			why = check(home, "~/.zshenv (HOME="+home+")", false)
		}
	}
	if why == "" && login {
		why = check(home, "its profiles in HOME="+home, false)
	}
	return why
}

// commandNames are the names a function or alias of a shell that runs the
// verdict would replace: the commands it judged, without a slash (a path is
// no function's name), the builtins the parser follows itself (cd, pushd,
// popd, builtin), and command_not_found_handle, which bash runs for a
// command it does not find.
func commandNames(v *policy.Verdict) map[string]bool {
	names := map[string]bool{"cd": true, "pushd": true, "popd": true, "builtin": true, "command_not_found_handle": true}
	for _, c := range v.Commands {
		if len(c) > 0 && !strings.Contains(c[0], "/") {
			names[c[0]] = true
		}
	}
	return names
}

// runsShell reports whether one of the commands runs a program of one of
// the names (a shell: bash, sh, zsh), by any path.
func runsShell(cmds [][]string, names ...string) bool {
	for _, c := range cmds {
		if len(c) > 0 && slices.Contains(names, filepath.Base(c[0])) {
			return true
		}
	}
	return false
}

// homeMagicWhy says why file(1) reads a magic database the agent may have
// written, or "": with no MAGIC set it reads ~/.magic.mgc or ~/.magic, and
// a home inside a writable root is the agent's to write (see MAGIC in
// loadPathVars for what a magic entry prints).
func (g *Gate) homeMagicWhy() string {
	if g.Getenv("MAGIC") != "" || g.Home == "" {
		return ""
	}
	for _, name := range []string{".magic.mgc", ".magic"} {
		p := filepath.Join(g.Home, name)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		real := policy.Resolve(p, "/")
		for _, rr := range g.resolvedRoots() {
			if policy.Inside(real, rr) {
				return "file reads its magic from " + p + ", inside the writable root " + rr + ": a magic entry prints what it matches"
			}
		}
	}
	return ""
}

// inheritedShellOptsWhy says why SHELLOPTS or BASHOPTS, inherited from
// guard's environment, makes a bash the verdict runs read its script
// otherwise than guard judged it, or "". bash turns on each option those
// variables list before it reads the script (`export SHELLOPTS` is how
// people pass set -o options to child shells): with BASHOPTS=dotglob, `bash
// -c 'head -3 ?env'` printed .env, where guard's globs leave hidden files
// out (judge-16); noglob, physical, keyword, nocaseglob, extglob and the
// rest change globs, cd and words the same way. Only options that change
// none of that pass: errexit, pipefail, xtrace without an inherited PS4
// (which bash expands for each traced line), and the like. sh is checked
// too: on some systems it is bash.
func (g *Gate) inheritedShellOptsWhy(v *policy.Verdict) string {
	if !runsShell(v.Commands, "bash", "sh") {
		return ""
	}
	for _, name := range []string{"SHELLOPTS", "BASHOPTS"} {
		val := g.Getenv(name)
		if val == "" {
			continue
		}
		for _, o := range strings.Split(val, ":") {
			if o == "" || harmlessInheritedShellOption(o) {
				continue
			}
			if o == "xtrace" && g.Getenv("PS4") == "" {
				continue
			}
			return name + "=" + val + " turns on " + o + " in bash before the script runs, which guard does not judge by (globs, cd, words)"
		}
	}
	return ""
}

// inheritedFunctionWhy says why a function bash imports from guard's
// environment runs in place of a command the verdict judged, or "". bash
// defines a function for each BASH_FUNC_NAME%% variable (BASH_FUNC_NAME()
// on some systems) before it reads the script, and a function comes before
// the builtin or program of its name: with BASH_FUNC_cat%%='() { ...; }'
// inherited, `bash -c 'cat a.txt'` ran the function's body, which guard
// never judged (judge-18). Such functions are exported with `export -f`
// (and by some systems' profiles: which, module). The names compared are
// commandNames. sh is checked too: on some systems it is bash.
func (g *Gate) inheritedFunctionWhy(v *policy.Verdict) string {
	if !runsShell(v.Commands, "bash", "sh") {
		return ""
	}
	names := commandNames(v)
	for _, kv := range g.Env {
		name, val, _ := strings.Cut(kv, "=")
		fn, ok := strings.CutPrefix(name, "BASH_FUNC_")
		if !ok || !strings.HasPrefix(val, "() {") {
			continue
		}
		if f, ok := strings.CutSuffix(fn, "%%"); ok {
			fn = f
		} else if f, ok := strings.CutSuffix(fn, "()"); ok {
			fn = f
		} else {
			continue
		}
		if names[fn] {
			return "bash defines the function " + fn + " from the inherited " + name + ", which runs in place of " + fn + ": its body is not judged"
		}
	}
	return ""
}

// bashRcWhy says why a bash the verdict runs sources a startup file before
// its -c script, or "". A non-interactive `bash -c` reads none, unless it
// believes sshd or rshd started it: SSH_CLIENT or SSH2_CLIENT is set (bash
// as Debian and others build it), or its standard input is a socket (what
// Node's child_process gives a child for a pipe), while it is a top-level
// shell (SHLVL unset, or 0: a container's or a service's agent). Then it
// sources the system's bashrc and ~/.bashrc, whose commands guard never
// judged, and whose options and functions change how the script reads:
// with `shopt -s dotglob` in ~/.bashrc, `bash -c 'head -3 ?env'` started
// from node printed .env (judge-18). A file that first returns when the
// shell is not interactive (Debian's and Arch's are written so) runs
// nothing.
func (g *Gate) bashRcWhy(v *policy.Verdict) string {
	if !runsShell(v.Commands, "bash") {
		return ""
	}
	if n, err := strconv.Atoi(strings.TrimSpace(g.Getenv("SHLVL"))); err == nil && n >= 1 {
		return "" // bash is a nested shell (level 2 or more): no startup file
	}
	trigger := ""
	for _, kv := range g.Env {
		if name, _, _ := strings.Cut(kv, "="); name == "SSH_CLIENT" || name == "SSH2_CLIENT" {
			trigger = name + " is set"
		}
	}
	if trigger == "" && !g.RunsElsewhere && inputIsSocket(os.Stdin) {
		// guard's input is the bash it execs; a hook's is not the agent's
		// shell's.
		trigger = "its input is a socket"
	}
	if trigger == "" {
		return ""
	}
	home := g.Getenv("HOME")
	if home == "" {
		home = passwdHome()
	}
	for _, f := range []string{"/etc/bash.bashrc", "/etc/bash/bashrc", filepath.Join(home, ".bashrc")} {
		b, err := os.ReadFile(f)
		if err != nil || returnsUnlessInteractive(b) {
			continue
		}
		return "bash sources " + f + " before a -c script when " + trigger + " and SHLVL is not: what it runs (options, functions, PATH) is not judged"
	}
	return ""
}

// zshEnvWhy says why a zsh the verdict runs sources a startup file before
// its script, or "". Every zsh, a `zsh -c` too, reads the system's zshenv
// and $ZDOTDIR/.zshenv (else ~/.zshenv) first, and zsh expands aliases in
// scripts: an option set there (`setopt globdots`: `zsh -c 'head -3 ?env'`
// printed .env, judged safe), an alias or a function changes what the
// script does (judge-18). A file is passed over when no word of it sets an
// option, an alias or a function, changes directory or runs another file
// (zshChanges): Debian's /etc/zsh/zshenv, which sets PATH when it is empty,
// is such a file. The shell of the script itself, when guard asked it what
// its start-up files did (JudgeWithStartup), is left to startupWhy.
func (g *Gate) zshEnvWhy(v *policy.Verdict) string {
	cmds := v.Commands
	if g.startupSet && v.Script && len(cmds) > 0 {
		cmds = cmds[1:] // the script's own shell, asked itself: startupWhy
	}
	if !runsShell(cmds, "zsh") {
		return ""
	}
	zdot := g.Getenv("ZDOTDIR")
	if zdot == "" {
		if zdot = g.Getenv("HOME"); zdot == "" {
			zdot = passwdHome()
		}
	}
	for _, f := range []string{"/etc/zsh/zshenv", "/etc/zshenv", filepath.Join(zdot, ".zshenv")} {
		if b, err := os.ReadFile(f); err == nil {
			if w := zshChanges(b); w != "" {
				return "zsh sources " + f + " before every script, -c ones included, and its " + w + " changes how the script reads, which guard does not judge by"
			}
		}
	}
	return ""
}

// zshChanges returns the first word of a zsh startup file that sets an
// option, an alias or a function, changes directory, or runs code guard
// cannot see (another file, eval, a module), or "". Comments are left out.
func zshChanges(b []byte) string {
	for _, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if i := strings.Index(t, " #"); i >= 0 {
			t = t[:i] // a comment after the words
		}
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '\t' || r == ';' || r == '&' || r == '|' }) {
			w = strings.TrimLeft(w, "({!")
			switch w {
			case "setopt", "unsetopt", "emulate", "set", "alias", "unalias", "function", "autoload", "source", ".",
				"eval", "cd", "pushd", "popd", "zmodload", "enable", "disable", "hash", "trap", "builtin", "exec":
				return w
			}
			if strings.Contains(w, "()") || strings.HasPrefix(w, "options[") {
				return w
			}
		}
	}
	return ""
}

// inputIsSocket reports whether f is a socket, which bash takes for a
// network connection (rshd's).
func inputIsSocket(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

// quietRcStarts are the first statements, spaces collapsed, with which a
// bashrc returns at once in a shell that is not interactive.
var quietRcStarts = []string{
	`[ -z "$PS1" ] && return`, `[ -z "${PS1}" ] && return`, `[ -z "$PS1" ] && return 0`,
	`case $- in *i*) ;; *) return;; esac`, `case $- in *i*) ;; *) return ;; esac`,
	`case "$-" in *i*) ;; *) return;; esac`,
	`[[ $- != *i* ]] && return`, `[[ "$-" != *i* ]] && return`, `[[ $- == *i* ]] || return`,
}

// rcStatements returns the start of a startup file's text past its
// comments and blank lines, its words joined by single spaces ("" for a
// file of comments).
func rcStatements(b []byte) string {
	var words []string
	for _, line := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			words = append(words, strings.Fields(t)...)
		}
		if len(words) > 32 {
			break
		}
	}
	return strings.Join(words, " ")
}

// returnsUnlessInteractive reports whether a bashrc's first statement, past
// comments and blank lines, is one of quietRcStarts, or there is none.
func returnsUnlessInteractive(b []byte) bool {
	text := rcStatements(b)
	if text == "" {
		return true // comments only
	}
	for _, q := range quietRcStarts {
		rest, ok := strings.CutPrefix(text, q)
		if !ok {
			continue
		}
		if rest == "" || rest[0] == ';' && !strings.HasPrefix(rest, ";;") || rest[0] == ' ' && !strings.ContainsAny(rest[1:2], "|&;") {
			return true
		}
	}
	return false
}

// harmlessInheritedShellOption reports whether the set -o or shopt name o
// changes neither what globs match, where cd goes, how words split, nor
// which files bash runs.
func harmlessInheritedShellOption(o string) bool {
	switch o {
	case "braceexpand", "hashall", "interactive-comments", "errexit", "nounset", "pipefail", "errtrace",
		"functrace", "noclobber", "monitor", "emacs", "vi", "history", "ignoreeof", "notify", "verbose", "nolog",
		"checkwinsize", "cmdhist", "complete_fullquote", "extquote", "force_fignore", "globasciiranges",
		"globskipdots", "hostcomplete", "interactive_comments", "progcomp", "promptvars", "sourcepath", "checkhash",
		"histappend", "lithist", "no_empty_cmd_completion", "inherit_errexit", "checkjobs", "histreedit",
		"histverify", "huponexit", "mailwarn", "shift_verbose":
		return true
	}
	return false
}
