package shell

import (
	"path"
	"strings"

	"guard/internal/sysprog"
)

// systemDirs are the directories where a wrapper or shell named by an
// absolute path is taken to be the real one. `./timeout 5 ls` or
// `/tmp/bash -c ls` run programs of unknown behaviour and are reported as
// they are.
func systemDirs(s string) bool { return sysprog.Dir(s) }

// programName returns the name of the program s runs when s is a bare name
// or an absolute path in a system directory.
func programName(s string) (string, bool) {
	if !strings.Contains(s, "/") {
		return s, s != ""
	}
	if path.Clean(s) != s || !systemDirs(path.Dir(s)) {
		return "", false
	}
	return path.Base(s), true
}

// shellName returns the dialect of the shell that s runs.
func shellName(s string) (Dialect, bool) {
	name, ok := programName(s)
	if !ok {
		return Bash, false
	}
	return DialectFor(name)
}

// unwrapped is a wrapper found at the front of a command.
type unwrapped struct {
	n       int      // the wrapper's words; the wrapped command follows
	env     []string // env's NAME=value words
	writes  []string // time -o FILE
	exec    bool     // exec: the shell is replaced
	builtin bool     // command, builtin: builtins such as cd keep their meaning
	loop    bool     // zsh's repeat
}

// unwrap recognises a wrapper at the front of words. Every word of the
// wrapper must be static, and a command must follow it.
func unwrap(words []word, d Dialect) (unwrapped, bool) {
	var u unwrapped
	if !words[0].static() {
		return u, false
	}
	name, ok := programName(words[0].text)
	if !ok {
		return u, false
	}
	args := make([]string, len(words))
	for i, wd := range words {
		args[i] = wd.text
	}
	n := 0
	switch name {
	case "timeout":
		n, ok = options(args, "vfp", "ks", map[string]bool{
			"preserve-status": false, "foreground": false, "verbose": false,
			"kill-after": true, "signal": true,
		}, nil)
		n++ // the duration
	case "nice":
		if len(args) > 1 && oldNice(args[1]) {
			n, ok = 2, true
		} else {
			n, ok = options(args, "", "n", map[string]bool{"adjustment": true}, nil)
		}
	case "nohup", "builtin", "exec":
		n, ok = options(args, "", "", nil, nil)
		u.exec = name == "exec"
		u.builtin = name == "builtin"
		if name == "nohup" {
			// With its output on a terminal nohup appends it to
			// ./nohup.out (through a link planted there: `nohup ls` added
			// the listing to whatever nohup.out pointed at), or to
			// $HOME/nohup.out when it cannot. Whether the output is a
			// terminal is only known when it runs.
			u.writes = append(u.writes, "nohup.out")
		}
		if name == "builtin" && d == POSIX {
			ok = false // dash has no builtin: it is a program there
		}
	case "stdbuf":
		n, ok = options(args, "", "ioe", map[string]bool{"input": true, "output": true, "error": true}, nil)
	case "time":
		n, ok = options(args, "pvqa", "of", map[string]bool{
			"portability": false, "verbose": false, "quiet": false, "append": false,
			"output": true, "format": true,
		}, func(opt, val string) {
			if opt == "o" || opt == "--output" {
				u.writes = append(u.writes, val)
			}
		})
	case "env":
		n, ok = 1, true
		for n < len(args) && strings.Contains(args[n], "=") && !strings.HasPrefix(args[n], "-") {
			u.env = append(u.env, args[n])
			n++
		}
		ok = n < len(args) && !strings.HasPrefix(args[n], "-")
	case "command":
		// Not -v or -V: those only look the name up.
		n, ok = options(args, "p", "", nil, nil)
		// zsh's command runs an external command only (its POSIX_BUILTINS
		// option, off unless it emulates sh, lets it run builtins):
		// `command pushd src` runs a program named pushd there.
		u.builtin = d != Zsh
	case "noglob", "nocorrect":
		n, ok = 1, d == Zsh
		u.builtin = true
	case "repeat":
		// zsh's short form `repeat N cmd`: a loop.
		n, ok = 2, d == Zsh
		u.loop = true
	default:
		return u, false
	}
	if !ok || n <= 0 || n >= len(words) {
		return unwrapped{}, false
	}
	for _, wd := range words[:n] {
		if !wd.static() {
			return unwrapped{}, false
		}
	}
	u.n = n
	return u, true
}

// oldNice reports whether s is nice's obsolete -N adjustment.
func oldNice(s string) bool {
	s, ok := strings.CutPrefix(s, "-")
	if !ok {
		return false
	}
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for _, ch := range []byte(s) {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}

// options skips the options of a GNU-style command line that stops at its
// first operand, starting at args[1]. Short options in flags take no
// argument, those in withArg take one (attached or in the next word); long
// maps the long options to whether they take an argument. visit, if not
// nil, sees each option. It returns the index of the first operand; ok is
// false for an unknown or incomplete option.
func options(args []string, flags, withArg string, long map[string]bool, visit func(opt, val string)) (int, bool) {
	if visit == nil {
		visit = func(string, string) {}
	}
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return i + 1, true
		}
		if len(a) < 2 || a[0] != '-' {
			return i, true
		}
		if name, ok := strings.CutPrefix(a, "--"); ok {
			name, val, hasVal := strings.Cut(name, "=")
			takes, known := long[name]
			switch {
			case !known, hasVal && !takes:
				return i, false
			case takes && !hasVal:
				if i+1 >= len(args) {
					return i, false
				}
				i++
				val = args[i]
			}
			visit("--"+name, val)
			continue
		}
		for j := 1; j < len(a); j++ {
			ch := a[j]
			switch {
			case strings.IndexByte(flags, ch) >= 0:
				visit(string(ch), "")
			case strings.IndexByte(withArg, ch) >= 0:
				val := a[j+1:]
				if val == "" {
					if i+1 >= len(args) {
						return i, false
					}
					i++
					val = args[i]
				}
				visit(string(ch), val)
				j = len(a)
			default:
				return i, false
			}
		}
	}
	return i, true
}

// shellLong reports, for a long option of bash, dash or zsh, whether it
// takes an argument; known is false for one that is not.
func shellLong(name string) (takes, known bool) {
	switch name {
	case "login", "noprofile", "norc", "posix", "restricted", "verbose", "noediting", "debugger", "no-rcs":
		return false, true
	case "rcfile", "init-file", "emulate":
		return true, true
	}
	return false, false
}

// riskyLong are the long options that make a shell run files or read its
// script otherwise: why, by option.
func riskyLong(s string) string {
	switch s {
	case "login":
		return "--login runs startup files"
	case "posix":
		return "--posix reads the script otherwise"
	case "debugger":
		return "--debugger runs the debugger's startup file"
	case "rcfile":
		return "--rcfile runs a file"
	case "init-file":
		return "--init-file runs a file"
	case "emulate":
		return "--emulate reads the script otherwise"
	}
	return ""
}

// safeShort are the single-letter options that change neither which files
// a shell runs nor how it reads its script: -c, -s and the set options
// errexit, nounset, xtrace, verbose, noglob, noexec, noclobber, hashall,
// braceexpand, histexpand, allexport, errtrace, functrace, notify. The
// letters are bash's (and dash's); zsh gives them other meanings, and
// safeZshShort are the ones that are harmless there: -e ERR_EXIT, -u
// NO_UNSET, -x XTRACE, -v VERBOSE, -f NO_RCS, -n NO_EXEC, -C NO_CLOBBER,
// -B NO_BEEP, -h HIST_IGNORE_DUPS, -H RM_STAR_SILENT, -a ALL_EXPORT, -E
// PUSHD_SILENT. zsh's -T is CDABLE_VARS (`cd NAME` goes to $NAME when
// ./NAME is no directory) and its -b ends the options, so that a -c after
// it is the name of a script file zsh runs (judge-12 S1).
const (
	safeShort    = "cseuxvfnCBhHaETb"
	safeZshShort = "cseuxvfnCBhHaE"
)

// safeSetOptions are the -o names of the same options, and pipefail.
func safeSetOptions(s string) bool {
	switch s {
	case "errexit", "nounset", "xtrace", "verbose", "noglob", "noexec", "noclobber", "hashall",
		"braceexpand", "histexpand", "allexport", "errtrace", "functrace", "notify", "pipefail":
		return true
	}
	return false
}

// SetOptionRisk says why `-o NAME` (sign '-') or `+o NAME` (sign '+') on
// a shell's command line makes it read its script otherwise than guard
// does, or "": a name that is not one of safeSetOptions (physical makes
// every cd physical, keyword puts NAME=VALUE arguments into the
// environment, posix, onecmd...), and +o braceexpand, which turns brace
// expansion off (bash and zsh then read `x{1,2}` as the one name it is
// written as, where guard judged x1 and x2).
func SetOptionRisk(sign byte, name string) string {
	switch {
	case !safeSetOptions(name):
		return string(sign) + "o " + name + " may change how the script is read"
	case sign == '+' && name == "braceexpand":
		return "+o braceexpand turns brace expansion off: the shell reads {a,b} as it is written"
	}
	return ""
}

// ShortOptionRisk says why the single-letter option ch, given with sign
// '-' or '+' to a shell of dialect d, makes it read its script otherwise
// than guard does, or "", for the letters safeShort (bash, sh) or
// safeZshShort (zsh) hold: +B turns bash's brace expansion off. A letter
// outside those is the caller's to judge.
func ShortOptionRisk(d Dialect, sign byte, ch rune) string {
	if d == Zsh {
		if !strings.ContainsRune(safeZshShort, ch) {
			return string(sign) + string(ch) + " is another option in zsh (-T makes cd follow variables, -b ends the options)"
		}
		return ""
	}
	if ch == 'B' && sign == '+' {
		return "+B turns brace expansion off: the shell reads {a,b} as it is written"
	}
	return ""
}

// shellArgs reads the options of a shell command line. With -c, idx is the
// index of the script string. fromStdin is set when the shell reads its
// script from standard input (no operand, or -s). risky, when not empty,
// says why the shell may run more than its script or read it otherwise:
// -i and -l run startup files (~/.bashrc, --rcfile FILE, $ENV, profiles),
// -O sets shell options that change parsing (extglob), -k, -t, -p, -P and
// unknown -o names change what runs. ok is false for a script file
// operand, an unknown option, or dynamic options.
func shellArgs(words []word, d Dialect) (idx int, fromStdin bool, risky string, ok bool) {
	cmd, stdin := false, false
	var why []string
	i := 1
loop:
	for ; i < len(words); i++ {
		if !words[i].static() {
			return 0, false, "", false
		}
		a := words[i].text
		switch {
		case a == "--" || a == "-":
			i++
			break loop
		case len(a) < 2 || (a[0] != '-' && a[0] != '+'):
			break loop
		case strings.HasPrefix(a, "--"):
			name, _, hasVal := strings.Cut(a[2:], "=")
			takes, known := shellLong(name)
			if !known {
				return 0, false, "", false
			}
			if r := riskyLong(name); r != "" {
				why = append(why, r)
			}
			if takes && !hasVal {
				i++
			}
			continue
		}
		for _, ch := range a[1:] {
			switch {
			case ch == 'c':
				cmd = true
			case ch == 's':
				stdin = true
			case ch == 'o':
				i++ // the option's name
				if i < len(words) {
					if r := SetOptionRisk(a[0], words[i].text); r != "" {
						why = append(why, r)
					}
				}
			case ch == 'O':
				i++
				why = append(why, string(a[0])+"O sets a shell option that may change how the script is read")
			case ch == 'i':
				why = append(why, "-i runs startup files (~/.bashrc, --rcfile, $ENV)")
			case ch == 'l':
				why = append(why, "-l runs startup files (profiles)")
			case d == Zsh && ch == 'b':
				// zsh's -b ends the options: a -c after it is a script
				// file's name.
				return 0, false, "", false
			case strings.ContainsRune(safeShort, ch):
				if r := ShortOptionRisk(d, a[0], ch); r != "" {
					why = append(why, r)
				}
			default:
				why = append(why, string(a[0])+string(ch)+" may change what runs")
			}
		}
	}
	risky = strings.Join(why, "; ")
	switch {
	case cmd && i < len(words):
		return i, false, risky, true
	case cmd:
		return 0, false, "", false
	case i >= len(words) || stdin:
		return 0, true, risky, true
	}
	return 0, false, "", false
}

// WrappedAt returns the index in argv of the command that the wrapper
// program at argv[0] runs by name through PATH (execvp), as the judge
// unwraps it: `timeout 5 ls` 2, `nice -n 3 env A=1 ls` 3. ok is false for
// any other argv, for the shell's builtins (command, exec), which guard
// runs itself, and for env setting PATH.
func WrappedAt(argv []string) (int, bool) {
	if len(argv) < 2 {
		return 0, false
	}
	words := make([]word, len(argv))
	for i, a := range argv {
		words[i] = word{text: a}
	}
	u, ok := unwrap(words, Bash)
	if !ok || u.exec || u.builtin || u.loop {
		return 0, false
	}
	for _, a := range u.env {
		if strings.HasPrefix(a, "PATH=") {
			return 0, false // looked up in another PATH, as a person approved it
		}
	}
	return u.n, true
}
