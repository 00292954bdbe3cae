package policy

import (
	"path/filepath"
	"strings"

	"guard/policy/shell"
)

// Verdict is the judgement of one command line: an argv, or every command
// of the shell script it runs (`bash -lc SCRIPT`), the worst class winning.
type Verdict struct {
	Class Class
	// Result is the verdict of the command that decided the class.
	Result Result
	// Argv is the command that decided; for a plain argv, the argv itself.
	Argv []string
	// Writes are the paths written, made absolute against the directory the
	// writing command runs in (not yet resolved through symlinks).
	Writes []string
	// Unknown is set when the command may write anything: a value typed
	// Unknown, or a script whose meaning depends on run time.
	Unknown bool
	// Script is set when argv runs a shell script that was parsed.
	Script bool
	// Reason says why a script as a whole is unverified, if it is.
	Reason string
	// Commands are the argvs of every command judged, in order, as
	// written; a wrapper stripped in front of one (timeout, env, ...) is a
	// one-word entry of its own. The caller checks where each program
	// resolves (a binary inside a writable root may be anything) and what
	// each git command may run.
	Commands [][]string
}

// Judge classifies argv as run in directory cwd. A shell running a script
// (`bash -c`, `sh -lc`, `zsh -c`) and the common wrappers (timeout, nice,
// nohup, env NAME=value, ...) are judged by the commands they run.
func (s Set) Judge(argv []string, cwd string) Verdict {
	if src, dialect, ok := ShellScript(argv); ok {
		// A rule for this exact shell command (an "always" answer) decides.
		if r := s.Check(argv); r.Class == Safe && r.Exec != nil {
			return s.judgeArgv(argv, cwd)
		}
		v := s.judgeScript(src, dialect, cwd)
		v.Script = true
		v.Commands = append([][]string{argv[:1]}, v.Commands...)
		return v
	}
	if len(argv) > 0 && isWrapper(argv[0]) {
		return s.judgeScript(shell.Join(argv), shell.Bash, cwd)
	}
	return s.judgeArgv(argv, cwd)
}

func (s Set) judgeArgv(argv []string, cwd string) Verdict {
	r := s.Check(argv)
	v := Verdict{Class: r.Class, Result: r, Argv: argv, Unknown: r.HasUnknown()}
	if len(argv) > 0 {
		v.Commands = [][]string{argv}
	}
	for _, w := range r.Writes() {
		v.Writes = append(v.Writes, absolute(w, cwd))
	}
	if v.Class == Safe || v.Class == Match {
		for _, f := range r.Reads() {
			if why := deviceRead(f, cwd); why != "" {
				v.Class, v.Unknown, v.Reason = Unverified, true, why
				break
			}
		}
	}
	return v
}

func (s Set) judgeScript(src string, d shell.Dialect, cwd string) Verdict {
	script, err := shell.Parse(src, d)
	if err != nil {
		// A shell runs the commands before a syntax error: a line that
		// parses alone and is forbidden still forbids the script.
		for _, line := range strings.Split(src, "\n") {
			if part, perr := shell.Parse(line, d); perr == nil {
				for _, c := range part.Commands {
					if r := s.Check(c.Argv); r.Class == Forbidden {
						return Verdict{Class: Forbidden, Result: r, Argv: c.Argv, Script: true}
					}
				}
			}
		}
		return Verdict{Class: Unverified, Argv: []string{src}, Unknown: true, Reason: err.Error(),
			Result: Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: src}}}
	}
	v := Verdict{Class: Safe}
	first := true
	for _, c := range script.Commands {
		dir := absolute(c.Dir, cwd)
		// A relative write lands in whichever directory the command runs
		// in: Dir, or another one when an earlier cd may have failed.
		dirs := []string{dir}
		for _, o := range c.OtherDirs {
			dirs = append(dirs, absolute(o, cwd))
		}
		addWrites := func(paths []string) {
			for _, w := range paths {
				for _, d := range dirs {
					v.Writes = append(v.Writes, absolute(w, d))
					if filepath.IsAbs(w) {
						break
					}
				}
			}
		}
		addWrites(c.Writes)
		if len(c.Argv) == 0 {
			if first && len(c.Writes) > 0 {
				v.Class, v.Argv, first = Match, c.Writes, false
			}
			continue
		}
		for _, w := range c.Wrapper {
			if isWrapper(w) {
				v.Commands = append(v.Commands, []string{w})
			}
		}
		sub := s.judgeArgv(c.Argv, dir)
		v.Commands = append(v.Commands, sub.Commands...)
		addWrites(sub.Result.Writes())
		v.Unknown = v.Unknown || sub.Unknown
		class := sub.Class
		if class == Safe && len(c.Writes) > 0 {
			class = Match
		}
		if class != Forbidden && sub.Reason != "" {
			c.Dynamic = sub.Reason
		}
		for _, f := range c.Reads {
			if why := deviceRead(f, dir); why != "" && class != Forbidden {
				c.Dynamic = why
			}
		}
		if c.Dynamic != "" && class != Forbidden {
			class = Unverified
			v.Unknown = true
			if sub.Result.Err == nil {
				sub.Result.Reason = c.Dynamic
			}
		}
		if first || class.Rank() > v.Class.Rank() {
			v.Class, v.Result, v.Argv, first = class, sub.Result, c.Argv, false
			if c.Dynamic != "" && class == Unverified {
				v.Reason = c.Dynamic
			}
		}
	}
	if script.Unverified != "" && v.Class != Forbidden {
		if v.Class != Unverified || v.Reason == "" {
			v.Reason = script.Unverified
		}
		v.Class, v.Unknown = Unverified, true
	}
	if first {
		// An empty script runs nothing.
		v.Argv = []string{}
	}
	return v
}

// absolute joins a relative path onto dir without cleaning it: ".." after
// a symlink must be resolved by Resolve, as the kernel does, not lexically.
func absolute(p, dir string) string {
	if p == "" {
		return dir
	}
	if filepath.IsAbs(p) {
		return p
	}
	return dir + "/" + p
}

// ShellScript reports whether argv runs a shell on a script given with -c
// (`bash -c S`, `bash -lc S`, `sh -e -c S`, `/bin/zsh -c S`), and returns the
// script and the shell's dialect.
func ShellScript(argv []string) (src string, d shell.Dialect, ok bool) {
	if len(argv) < 3 {
		return "", 0, false
	}
	d, ok = shell.DialectFor(filepath.Base(argv[0]))
	if !ok {
		return "", 0, false
	}
	sawC := false
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--login" || a == "--norc" || a == "--noprofile":
		case a == "-o" || a == "+o":
			i++
		case len(a) > 1 && (a[0] == '-' || a[0] == '+') && a[1] != '-':
			for _, c := range a[1:] {
				if !strings.ContainsRune("celuxvfBh", c) {
					if sawC {
						// Not an option guard knows: judge the word as
						// the script, which errs on the side of looking.
						return a, d, true
					}
					return "", 0, false
				}
				if c == 'c' {
					sawC = true
				}
			}
		default:
			if !sawC {
				return "", 0, false
			}
			return a, d, true
		}
	}
	return "", 0, false
}

// wrappers are the programs that run another command; an argv that starts
// with one is judged through the shell parser, which unwraps them.
var wrappers = map[string]bool{
	"timeout": true, "nice": true, "nohup": true, "time": true, "stdbuf": true,
	"env": true, "command": true, "exec": true,
}

func isWrapper(name string) bool { return wrappers[name] }
