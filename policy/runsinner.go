package policy

import (
	"path/filepath"
	"strings"

	"guard/policy/shell"
)

// Runners: a command no rule vouches for may run a command given in its own
// words, in a form the judge does not unwrap. The wrappers the shell layer
// reads (timeout, nice, env NAME=value...) are judged by what they run, and
// so are sudo, xargs and find -exec; but another program that runs its
// operands (setsid, ionice, chrt, taskset, flock, doas, strace, valgrind,
// busybox, unbuffer, watch...) or a wrapper option the judge does not read
// (`timeout --fore`, getopt's abbreviation of --foreground; `nice -1 -5`;
// `env -i`, `env -S 'CMD'`) left the command unverified, and full-auto ran
// it sandboxed: `setsid rm -rf .` deleted the project and `nice --adj=5 git
// reset --hard` discarded uncommitted work, which are asked about in every
// mode, and `setsid rm -rf /` was not refused. Whatever the program, what
// its words would run if it ran them is judged: each tail argv[i:] that
// starts with a program the policy has something to say about, and each
// word, or setting's value, that reads as a shell script (`flock -c 'CMD'`,
// `script -c`, `watch 'CMD'`, `su -c`, `env -S`, `git -c
// core.editor='CMD'`). The strictest of them decides: forbidden, or a
// person asked in every mode, or a recursive removal that the decision
// finds holds a root.

// maxRunnerTails bounds the tails judged for one command; past it the
// command is asked about in every mode (it cannot be looked through).
const maxRunnerTails = 256

// maxRunnerWords bounds the words those tails hold together (a program's
// rules are matched against each: some 5 µs a word).
const maxRunnerWords = 1 << 16

// maxRunnerScripts bounds the different words judged as shell command lines
// for one command (each is parsed and judged: some 0.3 ms).
const maxRunnerScripts = 256

// runsInner judges what argv, unverified, may run from its own words (see
// above), and reports the verdict that then decides, if one does: the
// command found, forbidden or asking a person, under argv. gone are the
// paths the recursive removals among those commands delete, for the
// decision to weigh against the roots.
func (s Set) runsInner(argv []string, cwd string) (v Verdict, gone []string, ok bool) {
	count, words := 0, 0
	judged := map[string]bool{}
	tooMany := func() (Verdict, []string, bool) {
		return Verdict{Class: Unverified, Argv: argv, Commands: [][]string{argv}, Unknown: true,
			Result: Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: argv[0]}},
			Prompt: argv[0] + " is given more commands than guard looks through for one it would run"}, gone, true
	}
	for i := 1; i < len(argv); i++ {
		w := argv[i]
		for _, src := range scriptsIn(w) {
			if judged[src] {
				continue
			}
			if judged[src] = true; len(judged) > maxRunnerScripts {
				return tooMany()
			}
			sv := s.judgeScript(src, shell.Bash, cwd)
			gone = append(gone, sv.Removes...)
			if sv.Class == Forbidden || sv.Prompt != "" {
				sv.Script, sv.Removes = true, gone
				return sv.under(argv), gone, true
			}
		}
		tails := [][]string{argv[i:]}
		for _, v := range attachedValues(w) {
			// `env -Sgit reset --hard`, `env --split-string=git ...`: the
			// option's value starts the command, the words after it go on.
			// (env -S splits a value of more than one word at blanks).
			if f := strings.Fields(v); len(f) > 0 {
				tails = append(tails, append(f, argv[i+1:]...))
			}
		}
		for _, tail := range tails {
			if !s.mayDecide(tail[0]) {
				continue
			}
			if count++; count > maxRunnerTails {
				return tooMany()
			}
			if words += len(tail); words > maxRunnerWords {
				return tooMany()
			}
			if tv, decides := s.judgeTail(argv, tail, cwd, &gone); decides {
				return tv, gone, true
			}
		}
	}
	return Verdict{}, gone, false
}

// judgeTail judges tail, a command argv's words may run, and reports the
// verdict that then decides under argv: forbidden, or asking a person.
// The paths its recursive removals delete are added to *gone.
func (s Set) judgeTail(argv, tail []string, cwd string, gone *[]string) (Verdict, bool) {
	if _, _, isShell := ShellScript(tail); isShell {
		tv := s.Judge(tail, cwd)
		*gone = append(*gone, tv.Removes...)
		if tv.Class == Forbidden || tv.Prompt != "" {
			tv.Removes = *gone
			return tv.under(argv), true
		}
		return Verdict{}, false
	}
	r := s.Check(tail)
	tv := Verdict{Class: r.Class, Result: r, Argv: tail, Commands: [][]string{tail}, Prompt: promptOf(&r)}
	if r.Class == Forbidden && len(tail) == 1 {
		// A last word alone is as often a subcommand of the same name
		// (`redis-cli shutdown`, `bazel shutdown`, `vagrant halt`): a
		// person decides.
		tv.Class, tv.Unknown = Unverified, true
		tv.Prompt = argv[0] + " may run " + tail[0] + ", which is forbidden (" + r.Reason + "), or mean a subcommand of that name"
	}
	if r.Class != Forbidden {
		if tv.Prompt == "" {
			tv.Prompt = destructive(tail, nil)
		}
		tv.Removes = removes(tail, nil, cwd)
		*gone = append(*gone, tv.Removes...)
	}
	if tv.Class == Forbidden || tv.Prompt != "" {
		if tv.Class != Forbidden {
			tv.Class, tv.Unknown = Unverified, true
		}
		tv.Removes = *gone
		return tv.under(argv), true
	}
	return Verdict{}, false
}

// attachedValues returns the values an option word may carry attached to
// it, any of which a program may take for the command it runs: a long
// option's after `=` (`--split-string=CMD`), and for a cluster of short
// options each rest after a letter (`-SCMD`, `-iSCMD`, `-vS CMD`'s word
// `-vSCMD`: getopt takes the rest of the word as the value of the first
// letter that wants one).
func attachedValues(w string) []string {
	if len(w) < 3 || w[0] != '-' {
		return nil
	}
	if w[1] == '-' {
		if _, v, ok := strings.Cut(w, "="); ok && v != "" {
			return []string{v}
		}
		return nil
	}
	var out []string
	for k := 2; k < len(w); k++ {
		if c := w[k-1]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			break
		}
		out = append(out, w[k:])
	}
	return out
}

// scriptsIn returns what in the word w reads as a shell command line of
// more than one word: the word (what `sh -c`, `flock -c`, `watch`, `su -c`
// and `env -S` hand to a shell or split), and the value of a NAME=VALUE or
// --option=VALUE word, a leading ! taken away (`git -c
// core.editor='CMD'`, `-c alias.x='!CMD'`, `env EDITOR='CMD'`, `--exec=CMD`:
// settings a program runs through a shell).
func scriptsIn(w string) []string {
	var out []string
	if scriptWord(w) {
		out = append(out, w)
	}
	if _, v, ok := strings.Cut(w, "="); ok {
		if strings.HasPrefix(v, "() ") {
			// A function as bash exports it (BASH_FUNC_git%%='() { BODY
			// }'): a bash started with it defines the function, which
			// runs in place of the program of that name. Its body is
			// judged as a definition is (bash reads `() {...}` alone as
			// no command at all).
			return append(out, "f"+v)
		}
		if v = strings.TrimPrefix(v, "!"); scriptWord(v) {
			out = append(out, v)
		}
	}
	return out
}

// scriptWord reports whether w holds more than one word of a command line.
func scriptWord(w string) bool {
	return strings.ContainsAny(strings.TrimSpace(w), " \t\n;&|")
}

// mayDecide reports whether a tail that starts with the word w can be
// forbidden or ask a person: a program (a bare name or a path, not an
// option or an assignment) that some layer has a rule for, by its name or
// its path, or that a forbid_program_regex matches, or a shell.
func (s Set) mayDecide(w string) bool {
	if w == "" || w[0] == '-' || w[0] == '+' || strings.ContainsAny(w, "= \t\n") {
		return false
	}
	name := filepath.Base(w)
	if _, ok := shell.DialectFor(name); ok {
		return true
	}
	for _, p := range s {
		if len(p.programSpecs(name)) > 0 || len(p.prefixRules(name)) > 0 || p.programRegex(w) != nil ||
			strings.Contains(w, "/") && (len(p.pathPrograms(w)) > 0 || p.programRegex(name) != nil) {
			return true
		}
	}
	return false
}

// envRuns judges the values of a command's own assignments (`EDITOR='CMD'
// git commit`, `GIT_PAGER=... git log`, `env VISUAL=... crontab -e`) as
// command lines, as runsInner judges a setting's value: a program runs
// such a variable through a shell. It reports the verdict that then
// decides, forbidden or asking a person, if one does.
func (s Set) envRuns(env []string, cwd string) (Verdict, bool) {
	for _, a := range env {
		for _, src := range scriptsIn(a) {
			if src == a {
				continue // the whole NAME=VALUE word: its value is what runs
			}
			if sv := s.judgeScript(src, shell.Bash, cwd); sv.Class == Forbidden || sv.Prompt != "" {
				return sv, true
			}
		}
	}
	return Verdict{}, false
}
