package policy

import (
	"os"
	"path/filepath"
	"slices"
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
	// Prompt is set when a rule that asks for a person matched one of the
	// commands (a prompt prefix_rule or define_program(prompt=)), or when
	// one is of a destructive class (undo.go): it holds the reason, and the
	// command is asked about in every mode.
	Prompt string
	// Secret says why a command prints a secret (a secret file read, an
	// environment dump); such a command is never safe.
	Secret string
	// Commands are the argvs of every command judged, in order, as
	// written; a wrapper stripped in front of one (timeout, env, ...) is a
	// one-word entry of its own. The caller checks where each program
	// resolves (a binary inside a writable root may be anything) and what
	// each git command may run.
	Commands [][]string
	// Dirs are the absolute directories the commands of a script may run
	// in (the ones the shell layer tracks through cd and pushd, with those
	// an earlier failed cd may leave), each once; empty for a plain argv,
	// which runs in the caller's directory.
	Dirs []string
	// globWrites are the files a glob among a command's written words
	// names (globsWritten), for the script's Writes.
	globWrites []string
	// Removes are the paths a recursive rm deletes (absolute, not
	// resolved); a glob that covers every entry of a directory is that
	// directory. The decision asks a person when one is a writable root,
	// an ancestor of one or a repository's work tree.
	Removes []string
}

// promptOf returns the reason of a prompting rule's result, or "".
func promptOf(r *Result) string {
	if r.Err == nil || r.Err.Type != ErrPrefixRulePrompt {
		return ""
	}
	if r.Err.Explanation != "" {
		return r.Err.Explanation
	}
	return "a rule asks for a person: " + r.Rule
}

// Judge classifies argv as run in directory cwd. A shell running a script
// (`bash -c`, `sh -lc`, `zsh -c`) and the common wrappers (timeout, nice,
// nohup, env NAME=value, ...) are judged by the commands they run.
func (s Set) Judge(argv []string, cwd string) Verdict {
	resetTokenBudget()
	if src, dialect, ok := ShellScript(argv); ok {
		// A rule for this exact shell command (an "always" answer) decides.
		if r := s.Check(argv); r.Class == Safe && r.Exec != nil {
			return s.judgeArgv(argv, cwd, cwd)
		}
		if inner, ok := NestedShell(argv); ok {
			// Judged as the inner shell is judged on its own; the caller
			// learns its start-up files' state as for that shell
			// (cmd/guard's startupShell unwraps the same way).
			return s.Judge(inner, cwd).under(argv)
		}
		v := s.judgeScript(src, dialect, cwd)
		v.Script = true
		v.Commands = append([][]string{argv[:1]}, v.Commands...)
		return v
	}
	if len(argv) > 0 && isWrapper(argv[0]) {
		return s.judgeScript(shell.Join(argv), shell.Bash, cwd)
	}
	v := s.judgeArgv(argv, cwd, cwd)
	if v.Class == Safe || v.Class == Match {
		// A lone xargs reads the names its input holds, which the judge
		// does not see (`echo ~/.ssh/id_rsa | guard -- xargs cat`).
		if why := pipedSecret([]shell.Command{{Argv: argv}}, 0, shell.Bash, cwd); why != "" {
			v.Secret, v.Class, v.Unknown, v.Reason = why, Unverified, true, "secret: "+why
		} else if why := xargsInput(argv, nil, -1, shell.Bash, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		}
	}
	return v
}

// under makes v, the verdict of what the wrapper argv runs (guard run,
// sudo, xargs), argv's verdict: the wrapper is a one-word entry of Commands.
func (v Verdict) under(argv []string) Verdict {
	v.Argv = argv
	v.Commands = append([][]string{argv[:1]}, v.Commands...)
	return v
}

func (s Set) judgeArgv(argv []string, cwd, own string) Verdict {
	if why := guardAdmin(argv); why != "" {
		return Verdict{Class: Forbidden, Result: guardAdminResult(why), Argv: argv, Commands: [][]string{argv}}
	}
	if in, ok := guardRunInner(argv); ok {
		if iv := s.Judge(in, cwd); iv.Class == Forbidden {
			return iv.under(argv)
		}
	}
	r := s.checkInput(argv, "")
	var inner []string // what sudo or xargs runs, when it decided
	if r.Class != Safe && r.Class != Forbidden {
		if in, ok := sudoInner(argv); ok {
			// What sudo runs decides when it is read-only, forbidden or
			// asks a person; otherwise sudo's own (unverified) result.
			ir := s.judgeArgv(in, cwd, own)
			switch {
			case ir.Class == Forbidden, ir.Prompt != "", ir.Secret != "":
				return ir.under(argv)
			case ir.Class == Safe && ir.Result.Exec != nil && rootOnlyRead(in, ir.Result.Reads(), cwd) != "":
				ir.Class, ir.Secret = Unverified, rootOnlyRead(in, ir.Result.Reads(), cwd)
				ir.Reason = "secret: " + ir.Secret
				return ir.under(argv)
			case ir.Class == Safe && ir.Result.Exec != nil:
				ex := *ir.Result.Exec
				ex.SystemPath = []string{}
				r = ir.Result
				r.Exec = &ex
				inner = in
			}
		}
		if in, harmless, ok := xargsInner(argv); ok {
			if iv := s.judgeArgv(in, cwd, own); iv.Class == Forbidden || iv.Prompt != "" {
				return iv.under(argv)
			}
			if ir := s.Check(in); harmless && ir.Class == Safe && ir.Exec != nil {
				// The program run is xargs, found on PATH: not the inner
				// rule's system_path.
				ex := *ir.Exec
				ex.SystemPath = []string{}
				ir.Exec = &ex
				r = ir
				inner = in
			}
		}
	}
	var execs [][]string // what find -exec runs, when it decided
	findWhy := ""        // why a find rule's safe -exec is not
	if r.Class != Forbidden {
		// The commands find -exec runs are judged in full whatever rule
		// matched find (a find rule that lists grep's options would let
		// -exec grep -r DIR or -f KEY through).
		if fa, inners, ok := findExecInner(argv); ok {
			fr := s.Check(fa)
			safe := fr.Class == Safe && fr.Exec != nil
			for _, in := range inners {
				iv := s.judgeArgv(in, cwd, own)
				for k, w := range in {
					if k > 0 && w != "find-input" && strings.Contains(w, "find-input") && findWhy == "" &&
						!opaqueWord(&iv.Result, k) {
						findWhy = "find -exec puts the path it finds inside the word " +
							strings.ReplaceAll(w, "find-input", "{}") + ": the path it makes is not judged"
					}
				}
				if iv.Class == Forbidden || iv.Prompt != "" || iv.Secret != "" {
					return iv.under(argv)
				}
				if iv.Class != Safe && findWhy == "" {
					findWhy = "find -exec runs " + quoteArgv(in) + ", which is not known to be safe"
					if iv.Reason != "" {
						findWhy += ": " + iv.Reason
					}
				}
				safe = safe && iv.Class == Safe
			}
			if safe && findWhy == "" && r.Class != Safe {
				r, execs = fr, inners
			}
		}
	}
	v := Verdict{Class: r.Class, Result: r, Argv: argv, Unknown: r.HasUnknown(), Prompt: promptOf(&r)}
	if len(argv) > 0 {
		v.Commands = [][]string{argv}
		if inner != nil {
			v.Commands = [][]string{argv[:1], inner}
		}
		if execs != nil {
			v.Commands = append([][]string{argv[:1]}, execs...)
		}
	}
	// The files git names are the -C directory's (git changes into it
	// first): `git -C /tmp diff --output=x` writes /tmp/x.
	files := gitChdir(argv, cwd)
	v.Writes = append(v.Writes, writtenPaths(&r, files)...)
	readsFiles := true
	if isLn(&r) && r.Class == Match {
		// ln reads nothing: its targets are where its links point.
		readsFiles = false
		if ws, ok := lnPaths(argv, files); ok {
			v.Writes = ws
		}
	}
	if v.Class != Forbidden {
		if v.Prompt == "" {
			v.Prompt = destructive(argv, nil)
		}
		v.Removes = removes(argv, nil, cwd)
	}
	if r.Class == Unverified && v.Prompt == "" {
		// No rule vouches for it: what it may run from its own words
		// decides when that is forbidden or asks a person (runsinner.go).
		iv, rm, ok := s.runsInner(argv, cwd)
		if ok {
			return iv
		}
		v.Removes = append(v.Removes, rm...)
	}
	if findWhy != "" && (v.Class == Safe || v.Class == Match) {
		v.Class, v.Unknown, v.Reason = Unverified, true, findWhy
	}
	if v.Class == Safe || v.Class == Match {
		if why := npmrcWhy(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := remoteArchive(&r, argv); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := extractWhy(&r, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := gitCheckoutWhy(&r, argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := perlWhy(&r, argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := sqliteWhy(&r, argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := kubectlWhy(&r, argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := serviceWhy(argv); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := sysctlWhy(argv); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := embeddedRepoWhy(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := goWhy(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := queryWhy(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := pythonWhy(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := xmllintNetwork(&r, argv); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := pandocWhy(&r, argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		} else if why := hiddenInputsWhy(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		}
	}
	if (v.Class == Safe || v.Class == Match) && readsFiles {
		for _, f := range r.Reads() {
			if why := urlRead(f); why != "" {
				v.Class, v.Unknown, v.Reason = Unverified, true, why
				break
			}
			if why := deviceRead(f, files); why != "" {
				v.Class, v.Unknown, v.Reason = Unverified, true, why
				break
			}
		}
		if why := setIDMode(argv, cwd); why != "" {
			v.Class, v.Unknown, v.Reason = Unverified, true, why
		}
	}
	if r.Class != Forbidden {
		if v.Secret = envDump(argv); v.Secret == "" && readsFiles {
			v.Secret = secretRead(&r, files, own)
		}
		if v.Secret == "" {
			v.Secret = secretDump(argv, cwd, own)
		}
		if v.Secret == "" && readsFiles {
			v.Secret = keptFromOthers(argv, r.Reads(), files)
		}
		if v.Secret == "" && readsFiles {
			v.Secret = archiveRead(&r, argv, cwd)
		}
		if v.Secret == "" && filepath.Base(argv[0]) == "yq" {
			if secret, why := yqJudge(&r, cwd); secret != "" {
				v.Secret = secret
			} else if why != "" && (v.Class == Safe || v.Class == Match) {
				v.Class, v.Unknown, v.Reason = Unverified, true, why
			}
		}
		if v.Secret == "" && filepath.Base(argv[0]) == "jq" && r.Exec != nil && len(r.Exec.Args) > 0 {
			if why := jqFilter(r.Exec.Args[0].Value); strings.HasPrefix(why, "environment") {
				v.Secret = why
			} else if why != "" && (v.Class == Safe || v.Class == Match) {
				v.Class, v.Unknown, v.Reason = Unverified, true, why
			}
		}
		if v.Secret == "" {
			v.Secret = recursiveSecret(&r, argv, cwd, own)
		}
		if v.Secret == "" && (v.Class == Safe || v.Class == Match) {
			if why, ok := strings.CutPrefix(hiddenSecret(&r, argv, cwd), unjudged); ok {
				v.Class, v.Unknown, v.Reason = Unverified, true, why
			} else {
				v.Secret = why
			}
		}
		if v.Secret != "" {
			v.Class, v.Reason = Unverified, "secret: "+v.Secret
		}
	}
	return v
}

func (s Set) judgeScript(src string, d shell.Dialect, cwd string) Verdict {
	script, err := shell.Parse(src, d)
	if err != nil {
		// A shell runs the commands before a syntax error: a forbidden one
		// there still forbids the script.
		if v, ok := s.forbiddenBefore(src, d, err); ok {
			return v
		}
		return Verdict{Class: Unverified, Argv: []string{src}, Unknown: true, Reason: err.Error(),
			Result: Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: src}}}
	}
	v := Verdict{Class: Safe}
	first := true
	written := false               // an earlier command may have written (created) files
	var moved []string             // paths an earlier mv, ln or cp made or changed
	lined, loopWrites := false, "" // a loop's line judged as xargs's input; a loop body's write
	var held []shell.Command       // the commands as walked, before lineCommand rewrote some
	for ci, c := range script.Commands {
		lineCmd := false
		nc, ok := lineCommand(&c, script.Commands)
		if !ok {
			nc, ok = substCommand(&c, script.Commands)
		}
		if ok {
			if held == nil {
				held = slices.Clone(script.Commands)
			}
			c, lineCmd, lined = nc, true, true
			script.Commands[ci] = nc
		}
		if underHome(c.Dir) && !filepath.IsAbs(home()) {
			script.Unverified = strings.TrimPrefix(script.Unverified+"; working directory below ~ and HOME is not set", "; ")
		}
		dir := cdDir(c.Dir, cwd)
		for _, d := range c.Climbed {
			// bash's cd goes to a path with .. as written only when that
			// is there; else through links (`cd link/../sub` entered the
			// link target's sibling).
			if fi, err := os.Stat(cdDir(d, cwd)); err != nil || !fi.IsDir() {
				script.Unverified = strings.TrimPrefix(script.Unverified+"; working directory unknown: a cd through .. to "+
					d+", which is not there (bash then follows the links of the path)", "; ")
				break
			}
		}
		if why := cdReachedOtherwise(&c, cwd, v.Writes, moved); why != "" && !strings.Contains(script.Unverified, why) {
			script.Unverified = strings.TrimPrefix(script.Unverified+"; "+why, "; ")
		}
		// A relative write lands in whichever directory the command runs
		// in: Dir, or another one when an earlier cd may have failed.
		dirs := []string{dir}
		for _, o := range c.OtherDirs {
			dirs = append(dirs, cdDir(o, cwd))
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
			// Only redirections (`> f`, `ls | > $X`): it runs nothing but
			// opens its files, which makes it a match, and a dynamic
			// target makes it unverified.
			class := Safe
			if len(c.Writes) > 0 {
				class = Match
			}
			if c.Dynamic != "" {
				class, v.Unknown = Unverified, true
			}
			// `$(< f)` is bash's cat: what it reads is printed where the
			// substitution stands (runtime.go), so its input is checked as
			// a read.
			if why := bareReads(&c, dirs); why != "" {
				class, v.Unknown = Unverified, true
				c.Dynamic = why
				if v.Secret == "" && strings.HasPrefix(why, "secret: ") {
					v.Secret = strings.TrimPrefix(why, "secret: ")
				}
			}
			if class != Safe && (first || class.Rank() > v.Class.Rank()) {
				v.Class, v.Argv, v.Result, first = class, c.Writes, Result{Class: class, Reason: c.Dynamic}, false
				if class == Unverified {
					v.Reason = c.Dynamic
				}
			}
			continue
		}
		for _, w := range c.Wrapper {
			if isWrapper(w) {
				v.Commands = append(v.Commands, []string{w})
			}
		}
		for _, s := range c.Shells {
			v.Commands = append(v.Commands, []string{s})
		}
		for _, d := range dirs {
			if !slices.Contains(v.Dirs, d) {
				v.Dirs = append(v.Dirs, d)
			}
		}
		judgeAt := func(dir string) (Verdict, string) {
			sub := s.judgeStdin(c.Argv, c.Stdin, dir, cwd)
			dynamic := c.Dynamic
			if dynamic != "" && sub.Class != Forbidden {
				argv, globs, secret, ok := expandArgv(&c, c.Dialect, dir, written)
				if !ok {
					argv, globs, secret, ok = expandRunTime(&c, c.Dialect, dir, written)
				}
				if ok {
					exp := s.judgeArgv(argv, dir, cwd)
					// A glob among the written files: judged by what it
					// names now, where the command surely runs.
					extra, globWrites := globsWritten(&exp, argv, globs, dir, written || len(dirs) > 1)
					if globWrites {
						exp.globWrites = extra
					}
					lit := false
					if exp.Class == Safe && !globsJudged(&exp, argv, globs) {
						// Words that match nothing are passed as words:
						// judged again as such.
						if largv, keep := literalGlobs(argv, globs, dir, written); len(keep) < len(globs) {
							if !slices.Equal(largv, argv) {
								// What runs is judged: a read it asks
								// about (a link named [x]*) is asked.
								exp = s.judgeArgv(largv, dir, cwd)
								lit = exp.Class != Safe
							}
							lit = lit || globsJudged(&exp, largv, keep)
						}
					}
					if exp.Class == Forbidden || globWrites || lit || globsJudged(&exp, argv, globs) {
						if exp.Class == Safe {
							// The agent's shell may drop the words that
							// match nothing instead.
							if nexp, worse := s.judgeNullGlob(argv, globs, dir, cwd, written); worse {
								exp = nexp
							} else {
								// git's own checks (its diffs, its
								// history) run each command judged.
								exp.Commands = append(exp.Commands, nexp.Commands...)
							}
						}
						if exp.Prompt == "" {
							exp.Prompt = sub.Prompt
						}
						if secret != "" && exp.Secret == "" && exp.Class != Forbidden {
							exp.Secret, exp.Class = secret, Unverified
						}
						sub, dynamic = exp, ""
					}
				}
			}
			return sub, dynamic
		}
		sub, dynamic := judgeAt(dir)
		// An earlier cd may not have run or may have failed: the command
		// is judged in every directory it may run in (its globs expand
		// there, its relative paths and trees are there), the worst
		// judgement winning.
		for _, o := range dirs[1:] {
			if sub.Class == Forbidden || dynamic != "" {
				break
			}
			alt, altDyn := judgeAt(o)
			if alt.Class == Forbidden {
				sub, dynamic = alt, altDyn
				break
			}
			if sub.Prompt == "" {
				sub.Prompt = alt.Prompt
			}
			if altDyn == "" && alt.Class.Rank() <= sub.Class.Rank() && (alt.Secret == "" || sub.Secret != "") {
				continue
			}
			why := altDyn
			if why == "" {
				why = alt.Reason
			}
			if why == "" {
				why = "not known to be safe there"
			}
			if alt.Secret != "" && sub.Secret == "" {
				sub.Secret = alt.Secret
			}
			dynamic = "an earlier cd may not have run or may have failed, and in " + o + " " + why
			break
		}
		if sub.Secret == "" && (sub.Class == Safe || sub.Class == Match) {
			if why := pipedSecret(script.Commands, ci, d, cwd); why != "" {
				sub.Secret, sub.Class, sub.Unknown = why, Unverified, true
				sub.Reason = "secret: " + why
			} else if why := xargsInput(c.Argv, script.Commands, ci, d, cwd); why != "" {
				sub.Class, sub.Unknown, sub.Reason = Unverified, true, why
			} else if why := pipedSearch(s, &c, script.Commands, cwd); why != "" {
				sub.Secret, sub.Class, sub.Unknown = why, Unverified, true
				sub.Reason = "secret: " + why
			} else if lineCmd {
				if why := lineWords(script.Commands, ci, cwd); why != "" {
					sub.Class, sub.Unknown, sub.Reason = Unverified, true, why
				}
			}
		}
		if sub.Class == Safe || sub.Class == Match {
			if why := readsMoved(&sub, &c, dirs, moved); why != "" {
				sub.Class, sub.Unknown, sub.Reason = Unverified, true, why
			} else if why := writtenInput(&sub, dir, v.Writes, moved); why != "" {
				// v.Writes holds the earlier commands' writes and this
				// one's redirections, which the shell opens before it runs.
				sub.Class, sub.Unknown, sub.Reason = Unverified, true, why
			}
		}
		if mv := unSudo(sub.Argv); len(mv) > 0 && (movesFiles(filepath.Base(mv[0])) || gitMoves(mv)) {
			moved = append(moved, sub.Writes...)
			if len(sub.Writes) == 0 || len(dirs) > 1 {
				// where it moved or linked is not known: anywhere below
				moved = append(moved, dirs...)
			}
		} else if len(mv) > 0 && gitPlacesFiles(mv) {
			moved = append(moved, gitWorkTrees(mv, dirs)...)
		}
		if sub.Class != Safe || len(c.Writes) > 0 {
			written = true
		}
		if sub.Class != Forbidden && sub.Prompt == "" && len(c.Env) > 0 {
			if ev, ok := s.envRuns(c.Env, dirs[0]); ok {
				if ev.Class == Forbidden {
					sub.Class, sub.Result, sub.Argv = Forbidden, ev.Result, ev.Argv
				} else {
					sub.Prompt = ev.Prompt
				}
				sub.Removes = append(sub.Removes, ev.Removes...)
			}
		}
		if sub.Class != Forbidden {
			if sub.Prompt == "" && c.Dynamic != "" {
				sub.Prompt = destructive(c.Argv, c.ArgDynamic)
			}
			if c.Dynamic != "" {
				sub.Removes = nil
				for _, d := range dirs {
					sub.Removes = append(sub.Removes, removes(c.Argv, c.ArgDynamic, d)...)
				}
			} else {
				for _, d := range dirs[1:] {
					sub.Removes = append(sub.Removes, removes(c.Argv, nil, d)...)
				}
			}
			v.Removes = append(v.Removes, sub.Removes...)
		}
		if sub.Prompt != "" && v.Prompt == "" {
			v.Prompt = sub.Prompt
		}
		if v.Secret == "" {
			v.Secret = sub.Secret
			for _, r := range c.Reads {
				for _, d := range dirs {
					if v.Secret == "" { // only the first secret is reported
						v.Secret = secretPath(r, d)
					}
				}
			}
		}
		v.Commands = append(v.Commands, sub.Commands...)
		for _, d := range dirs {
			// ln's target is resolved from the link's directory, not
			// the command's (lnPaths), in a script as alone.
			if isLn(&sub.Result) && sub.Result.Class == Match {
				if ws, ok := lnPaths(sub.Argv, d); ok {
					v.Writes = append(v.Writes, ws...)
					continue
				}
			}
			v.Writes = append(v.Writes, writtenPaths(&sub.Result, gitChdir(sub.Argv, d))...)
		}
		v.Writes = append(v.Writes, sub.globWrites...)
		v.Unknown = v.Unknown || sub.Unknown
		class := sub.Class
		if class == Safe && len(c.Writes) > 0 {
			class = Match
		}
		if c.InLineLoop && class != Safe && loopWrites == "" {
			loopWrites = quoteArgv(c.Argv)
		}
		if class != Forbidden && sub.Reason != "" {
			dynamic = sub.Reason
		}
		for _, f := range c.Reads {
			for _, d := range dirs {
				if why := deviceRead(f, d); why != "" && class != Forbidden {
					dynamic = why
				}
			}
		}
		if dynamic != "" && class != Forbidden {
			class = Unverified
			v.Unknown = true
			if sub.Result.Err == nil {
				sub.Result.Reason = dynamic
			}
		}
		if first || class.Rank() > v.Class.Rank() {
			v.Class, v.Result, v.Argv, first = class, sub.Result, sub.Argv, false
			if dynamic != "" && class == Unverified {
				v.Reason = dynamic
			}
		}
	}
	if lined && loopWrites != "" {
		// The body was judged once; it runs once per line, and a later
		// round may read what an earlier one wrote or linked.
		script.Unverified = strings.TrimPrefix(script.Unverified+"; a loop over lines whose body also runs "+loopWrites+
			", which is not known to be read-only", "; ")
	}
	if held == nil {
		held = script.Commands
	}
	script.Unverified = runTimeUnverified(script.Unverified, held)
	if script.Unverified != "" && v.Class != Forbidden {
		if v.Class != Unverified || v.Reason == "" {
			v.Reason = script.Unverified
		}
		v.Class, v.Unknown = Unverified, true
	}
	if v.Secret != "" && v.Class != Forbidden {
		v.Class, v.Reason = Unverified, "secret: "+v.Secret
	}
	if lined {
		v.shownLine()
	}
	if first {
		// An empty script runs nothing.
		v.Argv = []string{}
	}
	return v
}

// maxErrorLines bounds how many lines of a script that does not parse are
// parsed one by one.
const maxErrorLines = 2000

// forbiddenBefore looks for a forbidden command where a shell would run
// it before the syntax error err: in the lines before the error's line,
// parsed together (one parse, whatever the length), and in the error's
// line; when those lines do not parse together, in each of the first
// maxErrorLines lines that parses alone.
func (s Set) forbiddenBefore(src string, d shell.Dialect, err error) (Verdict, bool) {
	check := func(part shell.Script) (Verdict, bool) {
		for _, c := range part.Commands {
			if r := s.Check(c.Argv); r.Class == Forbidden {
				return Verdict{Class: Forbidden, Result: r, Argv: c.Argv, Script: true}, true
			}
		}
		return Verdict{}, false
	}
	lines := strings.Split(src, "\n")
	if n, ok := shell.ErrorLine(err); ok && n >= 1 && n <= len(lines) {
		if part, perr := shell.Parse(strings.Join(lines[:n-1], "\n"), d); perr == nil {
			if v, ok := check(part); ok {
				return v, true
			}
			if part, perr := shell.Parse(lines[n-1], d); perr == nil {
				return check(part)
			}
			return Verdict{}, false
		}
	}
	for i, line := range lines {
		if i == maxErrorLines {
			break
		}
		if part, perr := shell.Parse(line, d); perr == nil {
			if v, ok := check(part); ok {
				return v, true
			}
		}
	}
	return Verdict{}, false
}

// homePath makes a directory the shell layer wrote as "~..." absolute.
// Without a usable HOME it returns "/": the caller then marks the script
// unverified (noHome), since the shell would find the home elsewhere.
func homePath(dir string) string {
	if !underHome(dir) {
		return dir
	}
	h := home()
	if !filepath.IsAbs(h) {
		return "/"
	}
	return filepath.Join(h, dir[1:])
}

func underHome(dir string) bool { return dir == "~" || strings.HasPrefix(dir, "~/") }

// writtenPaths is what r writes when run in dir, absolute: its written
// words, and for a command that writes its git repository (WritesRepo)
// the repository's top directory (dir when none holds it), which must be
// inside a root as a whole: git writes its .git there, and checks files
// out anywhere below it.
func writtenPaths(r *Result, dir string) []string {
	ws := r.Writes()
	out := make([]string, 0, len(ws))
	for i, w := range ws {
		if r.Exec != nil && r.Exec.WritesRepo && i == len(ws)-1 {
			top := repoTop(dir)
			if top == "" {
				top = filepath.Clean(dir)
			}
			out = append(out, top)
			continue
		}
		out = append(out, absolute(w, dir))
	}
	// An archive's members land where the command line does not say.
	out = append(out, extractedPaths(r, dir)...)
	out = append(out, intoDir(r, ws, dir)...)
	return append(out, backupPaths(r, out)...)
}

// backupPaths returns the backups cp and mv make with -b, --backup, -S or
// --suffix (-S alone turns backups on): each file written is first
// renamed to its name and the suffix (-S's, else the inherited
// SIMPLE_BACKUP_SUFFIX, else ~). `cp -b -S rc a.txt .env` renamed the old
// .env to .envrc, a protected file direnv runs, where the judge saw a
// write of .env only (judge-16). Numbered backups (NAME.~N~) are left
// out: no protected name has that form.
func backupPaths(r *Result, written []string) []string {
	if r.Exec == nil {
		return nil
	}
	switch filepath.Base(r.Exec.Program) {
	case "cp", "mv", "install", "ln":
	default:
		return nil
	}
	backup, suffix := false, ""
	for _, f := range r.Exec.Flags {
		backup = backup || f.Name == "-b" || f.Name == "--backup" || strings.HasPrefix(f.Name, "--backup=")
	}
	for _, o := range r.Exec.Opts {
		if o.Name == "-S" || o.Name == "--suffix" {
			backup, suffix = true, o.Value
		}
	}
	if !backup {
		return nil
	}
	if suffix == "" {
		suffix = os.Getenv("SIMPLE_BACKUP_SUFFIX")
	}
	if suffix == "" || strings.Contains(suffix, "/") {
		suffix = "~"
	}
	out := make([]string, 0, len(written))
	for _, w := range written {
		out = append(out, w+suffix)
	}
	return out
}

// intoDir returns the files a copy into an existing directory writes (`cp
// a.txt d/`, `cp -t d a b`, `mv a d/`): d/NAME for each source, NAME its last
// component. cp writes such a file in place when it is there, through a
// symlink or into a file with other names (hard links), so those are judged
// as written too, not only the directory. Nothing below a directory copied
// with -r is listed.
func intoDir(r *Result, ws []string, dir string) []string {
	if len(ws) == 0 || r.Exec == nil || r.Exec.WritesRepo {
		return nil
	}
	dest := ws[len(ws)-1]
	if fi, err := os.Stat(absolute(dest, dir)); err != nil || !fi.IsDir() {
		return nil
	}
	srcs := append(r.Reads(), ws[:len(ws)-1]...)
	if len(srcs) > maxIntoDir {
		srcs = srcs[:maxIntoDir]
	}
	var out []string
	for _, s := range srcs {
		if name := filepath.Base(s); name != "." && name != ".." && name != "/" {
			out = append(out, absolute(dest, dir)+"/"+name)
		}
	}
	return out
}

// maxIntoDir bounds the sources intoDir lists.
const maxIntoDir = 256

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
		case a == "--" || a == "-":
			// The end of the options (bash, dash and zsh alike): after -c
			// the next word is the script, as in `bash -c -- 'ls'`.
			if !sawC || i+1 >= len(argv) {
				return "", 0, false
			}
			return argv[i+1], d, true
		case a == "-o" || a == "+o":
			// The option's name: one that changes how the script is read
			// (-o physical, -o keyword, +o braceexpand) leaves the shell
			// judged as a program (judge-12 S1).
			i++
			if i >= len(argv) || shell.SetOptionRisk(a[0], argv[i]) != "" {
				return "", 0, false
			}
		case len(a) > 1 && (a[0] == '-' || a[0] == '+') && a[1] != '-':
			for _, c := range a[1:] {
				if !strings.ContainsRune("celuxvfBh", c) || shell.ShortOptionRisk(d, a[0], c) != "" {
					// Not an option guard knows, before or after -c: bash,
					// dash and zsh read every word that starts with - or +
					// up to the script as their options (`bash -c -a S`,
					// `sh -c -eo pipefail S`), so the script is not this
					// word, and where it starts depends on options guard
					// does not read (-o and -O take the next word). The
					// shell is judged as a program, its words as what
					// they may run.
					return "", 0, false
				}
				if c == 'c' {
					sawC = true
				}
			}
		case !sawC || a != "" && (a[0] == '-' || a[0] == '+'):
			// A long option guard does not know (zsh takes `--OPTNAME`
			// after -c as well), or words before -c.
			return "", 0, false
		default:
			return a, d, true
		}
	}
	return "", 0, false
}

// NestedShell returns the argv of the shell that argv, a shell's script,
// runs as its one command: `bash -c "bash -lc 'rg x'"` (an agent's
// command line `bash -lc '...'` that a tool runs with bash -c) runs `bash
// -lc 'rg x'` and nothing else, so it is judged as that argv is, the inner
// shell's start-up files included. Only when the outer shell is bash or sh
// and reads no start-up files itself (no -l, -i or --login; BASH_ENV is
// the caller's to check), so that it finds the inner shell with the PATH
// guard was given, and when the script is one simple command with static
// words (shell.SoleCommand) naming a shell with a -c script.
func NestedShell(argv []string) ([]string, bool) {
	src, d, ok := ShellScript(argv)
	if !ok || d == shell.Zsh {
		return nil, false
	}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "--" || a == "-" || len(a) < 2 || a[0] != '-' && a[0] != '+' {
			break
		}
		if a == "-o" || a == "+o" {
			i++ // the option's name
			continue
		}
		if a == "--login" || a[1] != '-' && strings.ContainsAny(a[1:], "li") {
			return nil, false
		}
	}
	inner, ok := shell.SoleCommand(src, d)
	if !ok {
		return nil, false
	}
	if _, _, ok := ShellScript(inner); !ok {
		return nil, false
	}
	return inner, true
}

// wrappers are the programs that run another command; an argv that starts
// with one is judged through the shell parser, which unwraps them.
func wrappers(s string) bool {
	switch s {
	case "timeout", "nice", "nohup", "time", "stdbuf", "env", "command", "exec":
		return true
	}
	return false
}

func isWrapper(name string) bool { return wrappers(name) }

// movesFiles are the programs that put a file's content under another
// name: a later read of that name reads what the judge never saw there.
func movesFiles(prog string) bool {
	switch prog {
	case "mv", "ln", "link", "cp", "rename", "install", "rsync":
		return true
	}
	return false
}

// gitMoves reports whether argv is git mv (which renames like mv).
func gitMoves(argv []string) bool {
	if filepath.Base(argv[0]) != "git" {
		return false
	}
	i := gitSubcommand(argv)
	return i > 0 && argv[i] == "mv"
}

// gitPlacesFiles reports whether argv is a git command that writes work
// tree files from the object store or a patch: a branch switched to, a
// merge, a stash popped. Such files hold what a commit says, links
// included: `git switch b && cat sub/tok.txt` with sub a link to $HOME
// committed on b read the token through a path that was no link when the
// script was judged. (git mv is gitMoves.)
func gitPlacesFiles(argv []string) bool {
	if filepath.Base(argv[0]) != "git" {
		return false
	}
	i := gitSubcommand(argv)
	if i == 0 {
		return false
	}
	switch argv[i] {
	case "checkout", "switch", "merge", "pull", "rebase", "cherry-pick", "revert", "reset", "restore", "stash",
		"am", "apply", "read-tree", "checkout-index", "sparse-checkout", "worktree", "submodule", "bisect", "clone":
		return true
	}
	return false
}

// gitWorkTrees are the directories a git command run in dirs may write
// files below: the top of each one's repository (after -C, or the
// --work-tree given), or the directory itself outside one.
func gitWorkTrees(argv []string, dirs []string) []string {
	var out []string
	for _, d := range dirs {
		at := d
		for i := 1; i < len(argv); i++ {
			a := argv[i]
			switch {
			case a == "-C" && i+1 < len(argv):
				at = absolute(argv[i+1], at)
				i++
			case a == "-c":
				i++
			case strings.HasPrefix(a, "--work-tree="):
				out = append(out, absolute(strings.TrimPrefix(a, "--work-tree="), at))
			case !strings.HasPrefix(a, "-"):
				i = len(argv)
			}
		}
		if top := repoTop(at); top != "" {
			at = top
		}
		out = append(out, at)
	}
	return out
}

// readsMoved says why v, a later command of a script, reads what an
// earlier mv, ln or cp put in place (moved holds their paths), or "": a
// file read at, below or above (a tree) one of those paths. The secret
// checks look at the file system as it is before the script runs, so
// `ln -s .env notes.txt && cat notes.txt` would read a secret through a
// harmless name.
func readsMoved(v *Verdict, c *shell.Command, dirs []string, moved []string) string {
	if len(moved) == 0 || len(v.Argv) == 0 {
		return ""
	}
	reads := append([]string(nil), c.Reads...)
	switch prog := filepath.Base(v.Argv[0]); {
	case prog == "find":
		// find prints names; what its -exec runs reads the files found.
		execs := false
		for _, a := range v.Argv {
			execs = execs || a == "-exec" || a == "-execdir" || a == "-ok" || a == "-okdir"
		}
		if !execs {
			return ""
		}
		starts, _ := findStarts(v.Argv)
		reads = append(reads, append(starts, ".")...)
	case prog == "xargs", prog == "rg", prog == "ag", prog == "git" && hasWord(v.Argv, "grep"),
		strings.HasSuffix(prog, "grep") && recursiveFlag(v.Argv):
		// xargs reads what its input names; a recursive search with no
		// path searches the working directory
		reads = append(reads, ".")
	case pythonProgram(prog):
		argv := v.Argv
		if in, ok := pythonStdinArgv(argv, c.Stdin); ok {
			argv = in // python3 - <<'EOF': the program on its input
		}
		reads = append(reads, pythonProgramFiles(argv)...)
	case metadataOnly(prog):
		return ""
	}
	reads = append(reads, v.Result.Reads()...)
	for _, r := range reads {
		for _, dir := range dirs {
			p := filepath.Clean(absolute(r, dir))
			for _, m := range moved {
				m = filepath.Clean(m)
				if p == m || strings.HasPrefix(p, m+"/") || strings.HasPrefix(m, p+"/") || p == "/" {
					return "reads " + r + ", and an earlier command of the script moves, links or copies files there: what it holds is not known now"
				}
			}
		}
	}
	return ""
}

// opaqueWord reports whether word k of the argv r judged was matched as a
// value that names no file (a grep pattern): a path find puts inside it is
// only text.
func opaqueWord(r *Result, k int) bool {
	if r.Class != Safe || r.Exec == nil {
		return false
	}
	for _, a := range r.Exec.Args {
		if a.Index == k-1 {
			return a.Type.Kind == TypeOpaqueNonFile
		}
	}
	return false
}

// grepRecurseWord reports whether w, a word of a grep command line, may
// be a -d/--directories value that makes grep recurse. GNU grep takes
// the action as argmatch does, any unambiguous abbreviation of it
// (`-d rec`, `--directories=recur`, `-drecu`), so every prefix of
// "recurse" counts: `r` and `re` (read or recurse) make grep fail, and a
// pattern that happens to be such a word only makes guard look at more
// (judge-12 S2).
func grepRecurseWord(w string) bool {
	return w != "" && strings.HasPrefix("recurse", w)
}

// grepRecursesAt reports whether words[i] asks grep to recurse through its
// -d action: `--directories=V`, or V after `-d` or `--directories`
// (a bundle ending in d takes the next word; `-drec` holds an r anyway).
func grepRecursesAt(words []string, i int) bool {
	w := words[i]
	if v, ok := strings.CutPrefix(w, "--directories="); ok {
		return grepRecurseWord(v)
	}
	if i == 0 {
		return false
	}
	p := words[i-1]
	return (p == "--directories" || len(p) > 1 && p[0] == '-' && p[1] != '-' && strings.HasSuffix(p, "d")) && grepRecurseWord(w)
}

// recursiveFlag reports whether a grep argv asks to recurse.
func recursiveFlag(argv []string) bool {
	for i, a := range argv[1:] {
		switch {
		case a == "--":
			return false
		case a == "--recursive" || a == "--dereference-recursive" || grepRecursesAt(argv[1:], i):
			return true
		case len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a, "rR"):
			return true
		}
	}
	return false
}

// cdDir is the absolute directory a script's cds lead to, Command.Dir (""
// for the starting one), as bash's logical cd computes it: joined onto the
// starting directory as guard was given it (its $PWD, which may name a
// link) and cleaned, so `cd ..` from a directory reached through a link
// is the link's parent, not its target's.
func cdDir(d, cwd string) string {
	if d == "" {
		return cwd
	}
	d = homePath(d)
	if filepath.IsAbs(d) {
		return d
	}
	return filepath.Join(cwd, d)
}
