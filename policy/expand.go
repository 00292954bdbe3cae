package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"guard/policy/protect"
	"guard/policy/shell"
)

// Words the shell expands to something the judge can know (issue 16):
//
//   - a leading ~ (`~` or `~/x`) and a leading $HOME or ${HOME}, which the
//     shell replaces with the home directory: the word is judged as that
//     path (so `cat ~/.ssh/id_rsa` is a secret read and `touch ~/x` a write
//     outside the roots);
//   - a glob in a word that a rule types as a file read: it expands to
//     names of existing files, which are reads of the same kind. A glob
//     whose fixed part is empty could expand to a name that starts with -
//     (a file named `--output=x`), which the program would take as an
//     option: such a glob is accepted only when no file there starts with -
//     now, and no earlier command of the script writes (and could create
//     one). A glob after a fixed `-` is accepted only in a --NAME=VALUE
//     word that a rule reads as a long option with a pattern or file value
//     (`grep -r --include=*.go x .`): whatever it expands to is that option.
//
//   - $PWD or ${PWD} (once in a word): the directory the command runs in,
//     when the script's cds make it known;
//
//   - $USER or ${USER} (once in a word), when USER is a plain user name:
//     the word is judged with that name (`ps -u $USER`, `ls /home/$USER`);
//
//   - a plain "$NAME" or "${NAME}", double-quoted, as the operand of a
//     unary test or the only word of test or [ (`[ -z "$X" ]`): its value
//     only decides the exit status (unquoted it splits into more words,
//     and `[ -v 'a[$(cmd)]' ]` runs cmd);
//
//   - a plain $NAME or ${NAME} in the words echo prints: the value
//     is only printed, so the command stays what it is (and is a secret
//     read when NAME looks like a secret's name: `echo $OPENAI_API_KEY`).
//
// Anything else dynamic ($VAR elsewhere, $(cmd), ~user, a tilde after = or
// :) keeps the command unverified.

// expandArgv returns the argv to judge for a command whose only dynamic
// parts are such words, the indexes of its glob words, and whether it could.
func expandArgv(c *shell.Command, d shell.Dialect, dir string, written bool) ([]string, []int, string, bool) {
	argv, globs, ok := expandWords(c, d, dir, written)
	if !ok {
		return nil, nil, "", false
	}
	return argv, globs, printedSecret(c), true
}

// printers print their words, and nothing else is done with them. Not
// printf: a split value could begin with -v and assign a shell variable.
func printers(s string) bool {
	switch s {
	case "echo":
		return true
	}
	return false
}

// printedVar reports whether r is a plain $NAME or ${NAME} in a word echo
// prints, and returns NAME.
func printedVar(argv0, r string) (string, bool) {
	if !printers(argv0) {
		return "", false
	}
	if name, ok := plainParam(r); ok {
		return name, true
	}
	return paramForm(r)
}

// paramForm reports whether r is a parameter expansion whose value is a
// variable's, a part of it or a literal word, and returns the variable's
// name: ${NAME:-WORD}, ${NAME-WORD}, ${NAME:+WORD}, ${NAME+WORD} (WORD
// when set), ${NAME#P}, ${NAME##P}, ${NAME%P}, ${NAME%%P} (a prefix or
// suffix removed), with WORD and P literal (no expansion, quote, escape,
// bracket or brace: nothing runs and nothing is assigned), and ${NAME[N]},
// an array's element at a literal index (${PIPESTATUS[0]}; a subscript
// with an expansion would run it). Not ${NAME:=WORD} (it assigns),
// ${NAME:?WORD} or ${NAME:N} (an arithmetic offset).
func paramForm(r string) (string, bool) {
	text, ok := strings.CutPrefix(r, "parameter expansion ${")
	if !ok || !strings.HasSuffix(text, "}") {
		return "", false
	}
	text = text[:len(text)-1]
	n := 0
	for n < len(text) {
		ch := text[n]
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || n > 0 && ch >= '0' && ch <= '9') {
			break
		}
		n++
	}
	name, rest := text[:n], text[n:]
	if name == "" {
		return "", false
	}
	if idx, ok := strings.CutPrefix(rest, "["); ok && strings.HasSuffix(idx, "]") && isDigits(idx[:len(idx)-1]) {
		return name, true
	}
	for _, op := range []string{":-", ":+", "##", "%%", "-", "+", "#", "%"} {
		if word, ok := strings.CutPrefix(rest, op); ok {
			if strings.ContainsAny(word, "$`\\'\"(){}[]~<>|;&!\n") {
				return "", false
			}
			return name, true
		}
	}
	return "", false
}

// testers are test and [: they only answer with their exit status, so a
// plain $NAME among their words, whatever its value and however it splits,
// prints nothing, writes nothing and runs nothing (test, unlike [[, does
// not evaluate arithmetic in its operands; zsh's does, so not there).
func testers(s string) bool { return s == "test" || s == "[" }

// unaryTest reports whether word i of a test or [ command is the operand
// of a unary test (`[ -n "$X" ]`, `test -f "$F"`, `[ ! -z "$X" ]`) or the
// only one (`[ "$X" ]`): its value then only says whether it is empty or
// names a file. In a comparison (=, !=, <, >, -eq...) a value is held
// against a word the script chose, which, repeated, recovers it.
func unaryTest(argv []string, i int) bool {
	ops := argv[1:]
	if argv[0] == "[" {
		if len(ops) == 0 || ops[len(ops)-1] != "]" {
			return false
		}
		ops = ops[:len(ops)-1]
	}
	j := i - 1
	switch {
	case len(ops) == 1:
		return j == 0
	case len(ops) == 2:
		return j == 1 && unaryTestOp(ops[0])
	case len(ops) == 3:
		return j == 2 && ops[0] == "!" && unaryTestOp(ops[1])
	}
	return false
}

func unaryTestOp(op string) bool {
	switch op {
	case "-z", "-n", "-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-b", "-c", "-p", "-S", "-g", "-u",
		"-k", "-O", "-G", "-N":
		return true
	}
	return false
}

// plainParam reports whether r is a plain $NAME or ${NAME}, and returns NAME.
func plainParam(r string) (string, bool) {
	name, ok := strings.CutPrefix(r, "parameter expansion $")
	if !ok {
		return "", false
	}
	if strings.HasPrefix(name, "{") && strings.HasSuffix(name, "}") {
		name = name[1 : len(name)-1]
	}
	if name == "" {
		return "", false
	}
	for i, ch := range name {
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || i > 0 && ch >= '0' && ch <= '9') &&
			!(len(name) == 1 && strings.ContainsRune("?$!#0123456789", ch)) {
			return "", false
		}
	}
	return name, true
}

func printedSecret(c *shell.Command) string {
	for _, reasons := range c.ArgDynamic {
		for _, r := range reasons {
			if name, ok := printedVar(c.Argv[0], r); ok && secrets().SecretEnvName(name) {
				return "prints $" + name + ", a secret-looking variable"
			} else if ok && secretValue(name) {
				return "prints $" + name + ", whose value looks like a credential"
			}
		}
	}
	return ""
}

func expandWords(c *shell.Command, d shell.Dialect, dir string, written bool) ([]string, []int, bool) {
	argDyn := c.ArgDynamic
	if argDyn == nil && c.OtherDynamic {
		argDyn = make([][]string, len(c.Argv)) // only the redirections are dynamic
	}
	if c.OtherDynamic && !redirectGlobsOK(c, dir, written) || len(argDyn) != len(c.Argv) || len(c.Argv) == 0 ||
		argDyn[0] != nil {
		return nil, nil, false
	}
	h := home()
	homeOK := filepath.IsAbs(h) && !strings.ContainsAny(h, " \t\n*?[]{}~$`\"'\\")
	argv := make([]string, 0, len(c.Argv))
	var globs []int
	for i, reasons := range argDyn {
		if reasons == nil {
			argv = append(argv, c.Argv[i])
			continue
		}
		w := c.Argv[i]
		glob, brace, pid := false, false, false
		for _, r := range reasons {
			switch {
			case strings.HasPrefix(r, "glob "):
				glob = true
			case strings.HasPrefix(r, "brace expansion "):
				brace = true
			case strings.HasPrefix(r, "tilde "):
				if !homeOK || !(w == "~" || strings.HasPrefix(w, "~/")) || strings.Contains(w[1:], "~") {
					return nil, nil, false
				}
				w = h + w[1:]
			case printers(c.Argv[0]) && isPrintedVar(c.Argv[0], r):
				// printed as is; the word stays as written
			case testers(c.Argv[0]) && isPlainParam(r) && d != shell.Zsh && !secretParam(r) && unaryTest(c.Argv, i) &&
				!(i < len(c.ArgSplit) && c.ArgSplit[i]):
				// Quoted only: unquoted, the value splits into more words
				// (a file name `x -o -v a[$(cmd)]` from a loop's glob),
				// and test -v evaluates an array subscript, running cmd.
				// tested, never printed (but with xtrace on, a secret's value
				// would be: not for secret-looking names); the word stays
			case r == "parameter expansion $USER" || r == "parameter expansion ${USER}":
				name := r[len("parameter expansion "):]
				u := os.Getenv("USER")
				if !userName(u) || strings.Count(w, name) != 1 || zshModifies(d, w, name) {
					return nil, nil, false
				}
				w = strings.Replace(w, name, u, 1)
			case r == "parameter expansion $PWD" || r == "parameter expansion ${PWD}":
				// The directory the command runs in, when that is known.
				name := r[len("parameter expansion "):]
				if len(c.OtherDirs) > 0 || strings.ContainsAny(dir, " \t\n*?[]{}~$`\"'\\") || strings.Count(w, name) != 1 ||
					zshModifies(d, w, name) {
					return nil, nil, false
				}
				w = strings.Replace(w, name, dir, 1)
			case r == "parameter expansion $$":
				// The shell's process id, a decimal number whatever the
				// script did (`ps -p $$`, `cat /proc/$$/status`): judged as
				// guard's own, which has the same form (/proc/N/environ is
				// still a secret, as the list names it for every N).
				// Only where any number names the same: the shell's pid is
				// not guard's (a hook's answer runs in another process), so
				// a glob around it or a file named by it may match at run
				// time what it did not here (links 1000 to 99999 planted).
				if strings.Count(w, "$$") != 1 || zshModifies(d, w, "$$") || !pidWordFixed(w, dir) {
					return nil, nil, false
				}
				pid = true
				w = strings.Replace(w, "$$", strconv.Itoa(os.Getpid()), 1)
			case r == "parameter expansion $HOME" || r == "parameter expansion ${HOME}":
				name := r[len("parameter expansion "):]
				rest, ok := strings.CutPrefix(w, name)
				if !homeOK || !ok || rest != "" && rest[0] != '/' || strings.Contains(rest, name) {
					return nil, nil, false
				}
				w = h + rest
			default:
				return nil, nil, false
			}
		}
		words := []string{w}
		if brace {
			var made []string
			if i < len(c.ArgBraces) {
				made = c.ArgBraces[i]
			}
			if words = braceWords(w, made); words == nil {
				return nil, nil, false
			}
		}
		for _, w := range words {
			if glob && pid {
				return nil, nil, false // matches by the process id
			}
			if glob && d == shell.Zsh && (strings.ContainsAny(w, "()<>|#^~") || strings.Contains(w, "**")) {
				// zsh's glob qualifiers run code (*(e:'cmd':), *(+func));
				// its alternation, ranges and extended forms are not
				// Go's globs either, nor its recursive **/ and ***/ (Go
				// reads ** as *: `cat **/notes.txt` was judged as
				// */notes.txt, which matched nothing, and zsh printed a
				// token from deep/er/notes.txt).
				return nil, nil, false
			}
			if glob && strings.ContainsAny(w, "*?[") {
				if !globOK(w, dir, written) {
					return nil, nil, false
				}
				globs = append(globs, len(argv))
			} else if glob && (!brace || strings.ContainsAny(w, "()<>|#^~")) {
				return nil, nil, false // zsh's (a|b) and <1-9>: not judged
			}
			argv = append(argv, w)
		}
	}
	return argv, globs, true
}

// zshModifies reports whether, in zsh, the unbraced parameter name ($PWD)
// in w is followed by a history modifier that changes its value: `cat
// $PWD:h/x` reads the parent directory's x (judge-12 S5).
func zshModifies(d shell.Dialect, w, name string) bool {
	if d != shell.Zsh || strings.HasPrefix(name, "${") {
		return false
	}
	_, rest, _ := strings.Cut(w, name)
	return shell.ZshModifier(rest)
}

// globOK applies the rules for a glob word (see the top of this file).
func globOK(w, dir string, written bool) bool {
	meta := strings.IndexAny(w, "*?[")
	if meta < 0 {
		return false // zsh's (a|b) and <1-9>: not judged
	}
	fixed := w[:meta]
	if _, ok := longOptGlob(w); (strings.HasPrefix(fixed, "-") || strings.HasPrefix(fixed, `\-`)) && !ok {
		return false
	}
	if fixed == "" {
		if written {
			return false
		}
		matches, ok := shellGlob(globAbsolute(w, dir))
		if !ok {
			return false
		}
		for _, m := range matches {
			if strings.HasPrefix(filepath.Base(m), "-") {
				return false
			}
		}
	}
	return true
}

// braceWords checks the words the shell parser says word w's brace
// expansion makes (`--exclude-dir={node_modules,dist}`, `src/{a,b}.ts`,
// `*.{ts,tsx}`; Command.ArgBraces, read with w's quoting and bash's
// matching of braces): nil when it could not follow it (a sequence {1..5},
// too many words) or when a word made starts with - and is not the same
// --NAME= option as the others (a word that is an option could change the
// command's meaning), or holds a ~ (bash expands a tilde that a brace put
// at the start: {~,x}/.ssh).
func braceWords(w string, out []string) []string {
	if len(out) == 0 {
		return nil
	}
	name, long := longOptPrefix(w)
	for _, o := range out {
		if (strings.HasPrefix(o, "-") || strings.HasPrefix(o, `\-`)) && (!long || !strings.HasPrefix(o, name)) {
			return nil
		}
		if strings.Contains(o, "~") {
			return nil // bash expands a tilde that a brace put at the start: {~,x}/.ssh
		}
	}
	return out
}

// longOptPrefix returns "--NAME=" when w starts with it.
func longOptPrefix(w string) (string, bool) {
	eq := strings.IndexByte(w, '=')
	if !strings.HasPrefix(w, "--") || eq < 3 || strings.ContainsAny(w[:eq], "{},") {
		return "", false
	}
	return w[:eq+1], true
}

// userName reports whether u is a plain user name: what $USER expands to
// is then one word that cannot be an option.
func userName(u string) bool {
	if u == "" || len(u) > 32 || u[0] == '-' {
		return false
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isPlainParam(r string) bool { _, ok := plainParam(r); return ok }

func secretParam(r string) bool {
	name, _ := plainParam(r)
	return secrets().SecretEnvName(name) || secretValue(name)
}

// credentialURL matches a URL that carries a user and a password.
var credentialURL = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:[^/\s@]+@`) })

// secretValue reports whether the variable name, as guard's environment
// holds it (a hook's is the agent's), looks like a credential whatever its
// name: a token format of tokenInFile, or a URL with a password
// (ELASTICSEARCH_URL=https://elastic:pw@host, STRIPE_SK=sk_live_...), or
// any value the sandbox's scrub removes by its form (protect.CredentialValue:
// APP_DB=app:pw@tcp(db:3306)/app, a connection string's Password=).
func secretValue(name string) bool {
	v := os.Getenv(name)
	return v != "" && (tokenInFile().MatchString(v) || credentialURL().MatchString(v) || protect.CredentialValue(v))
}

func isPrintedVar(argv0, r string) bool { _, ok := printedVar(argv0, r); return ok }

// longOptGlob returns NAME for a glob word --NAME=VALUE whose glob is in
// VALUE (`grep --include=*.go`). Every name it can expand to starts with
// --NAME=, so each is the same long option with another value; with no
// match the word stays as written.
func longOptGlob(w string) (string, bool) {
	eq := strings.IndexByte(w, '=')
	if !strings.HasPrefix(w, "--") || eq < 3 || strings.IndexAny(w, "*?[") < eq {
		return "", false
	}
	for _, ch := range w[2:eq] {
		if !(ch == '-' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			return "", false
		}
	}
	return w[:eq], true
}

// redirectGlobsOK reports whether every run-time part of c outside its
// words is a glob in an input redirection (`wc -l < "$f"` in `for f in
// data/*.csv`, where the judge puts the glob in $f's place): the command
// reads one of the files the glob matches (bash refuses an ambiguous
// redirection), which the script's read checks judge as the glob's reads
// (secretPath). Only when no earlier command writes and every match now is
// a regular file (no device, no fifo), and never for a redirection that
// writes.
func redirectGlobsOK(c *shell.Command, dir string, written bool) bool {
	if written || c.Dynamic == "" {
		return false
	}
	for _, r := range strings.Split(c.Dynamic, "; ") {
		if i := strings.LastIndex(r, " in argument "); i >= 0 && isDigits(r[i+len(" in argument "):]) {
			continue
		}
		g, ok := strings.CutPrefix(r, "glob ")
		if !ok {
			return false
		}
		g, ok = strings.CutSuffix(g, " in redirection target")
		if !ok || !slices.Contains(c.Reads, g) || slices.Contains(c.Writes, g) {
			return false
		}
		matches, err := boundedGlob(absolute(g, dir))
		if err != nil {
			return false
		}
		for _, m := range matches {
			if fi, err := os.Stat(m); err != nil || !fi.Mode().IsRegular() {
				return false
			}
		}
	}
	return true
}

// literalGlobs returns globs without the words that match no file now,
// and argv with each such word as the shell passes it: the shell passes it
// as written, quotes removed (bash and sh without nullglob or failglob,
// which a script cannot set and stay judged; zsh refuses to run the
// command), so `ps -ef | grep [n]ginx` searches for the pattern [n]ginx
// (fourth held-out batch). A glob word holds its quoted pattern
// characters escaped (`[x]'*'` is the pattern [x]\*), and the shell's
// word is [x]*: with a link of that name, cat read it while the judge
// looked at a file named [x]\* (redteam 15). Not when an earlier command
// of the script writes, which could create a match, and only for a command
// judged safe (a write's glob stays what it was: `rm -f test_*.py` is
// judged where its files are).
func literalGlobs(argv []string, globs []int, dir string, written bool) ([]string, []int) {
	if written || len(globs) == 0 || os.Getenv("BASHOPTS") != "" || os.Getenv("BASH_ENV") != "" {
		return argv, globs // BASHOPTS or a BASH_ENV file can set nullglob before the script runs
	}
	out := argv
	var keep []int
	for _, g := range globs {
		// Go's globs read [!x] and [[:alpha:]] otherwise than the shell:
		// such a word keeps its glob.
		if strings.Contains(argv[g], "[!") || strings.Contains(argv[g], "[:") || strings.Contains(argv[g], "[=") ||
			strings.Contains(argv[g], "[.") {
			keep = append(keep, g)
			continue
		}
		matches, err := boundedGlob(absolute(argv[g], dir))
		if err != nil || len(matches) > 0 {
			keep = append(keep, g)
			continue
		}
		if lit := globLiteral(argv[g]); lit != argv[g] {
			if &out[0] == &argv[0] {
				out = slices.Clone(argv)
			}
			out[g] = lit
		}
	}
	return out, keep
}

// judgeNullGlob judges argv as a shell with nullglob passes it (bash's
// shopt, zsh's NULL_GLOB and CSH_NULL_GLOB): the glob words among globs
// that match nothing now are dropped. The agents' shells read the user's
// start-up files or a snapshot of their options, so an agent's command may
// run so. With no operand left, many programs read a default that the word
// did not name: grep -r and rg search the working directory, find walks
// it, git grep and git log -p take the whole tree, cat reads its input
// (`grep -rh = x*.md` printed .env). After an earlier write of the script
// any glob may match nothing when it runs: all are dropped. worse is set
// when that judgement is not safe. A --NAME=GLOB word (`grep -r
// --include=*.py x .`) is dropped too, and the search then reads every
// file: not judged so (agents write it often, and most shells keep it).
func (s Set) judgeNullGlob(argv []string, globs []int, dir, cwd string, written bool) (v Verdict, worse bool) {
	dropped := make([]string, 0, len(argv))
	for i, w := range argv {
		if _, opt := longOptGlob(w); !opt && slices.Contains(globs, i) && (written || !globMatchesNow(w, dir)) {
			continue
		}
		dropped = append(dropped, w)
	}
	if len(dropped) == len(argv) {
		return v, false
	}
	v = s.judgeArgv(dropped, dir, cwd)
	if v.Class == Safe || v.Class != Forbidden && v.Secret == "" && v.Prompt == "" && v.Result.Err != nil {
		// A program that no rule allows without the word fails on its
		// usage (`file`, `grep` with no pattern) or reads its input.
		return v, false
	}
	note := "a glob that matches nothing is dropped when the shell sets nullglob (zsh: NULL_GLOB), as users' start-up files do, and " +
		quoteArgv(dropped) + " then: "
	switch {
	case v.Class == Forbidden:
	case v.Secret != "":
		v.Secret = note + v.Secret
		v.Reason = "secret: " + v.Secret
	default:
		v.Reason = note + v.Why()
	}
	return v, true
}

// globMatchesNow reports whether the glob word w matches a file in dir
// now; a pattern Go's globs cannot read ([!x], [:alpha:]) may match
// nothing.
func globMatchesNow(w, dir string) bool {
	if strings.Contains(w, "[!") || strings.Contains(w, "[:") || strings.Contains(w, "[=") || strings.Contains(w, "[.") {
		return false
	}
	matches, err := boundedGlob(absolute(w, dir))
	return err != nil || len(matches) > 0
}

// globLiteral is the word the shell passes for a glob pattern that matches
// nothing: its escapes removed (the pattern's `\c` is the word's c).
func globLiteral(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// globsJudged is globsRead for a verdict: when sudo decided by what it
// runs, the result is the inner command's, whose words are argv's last
// ones; when xargs or find -exec did, the result's words are not argv's,
// and no glob is accepted.
func globsJudged(v *Verdict, argv []string, globs []int) bool {
	if len(globs) == 0 || len(v.Commands) < 2 {
		return globsRead(&v.Result, argv, globs)
	}
	if len(v.Commands) != 2 || len(v.Commands[0]) != 1 || filepath.Base(v.Commands[0][0]) != "sudo" {
		return false
	}
	inner := v.Commands[1]
	off := len(argv) - len(inner)
	if off < 1 || !slices.Equal(argv[off:], inner) {
		return false
	}
	shifted := make([]int, len(globs))
	for i, g := range globs {
		if g < off {
			return false // a glob among sudo's own words
		}
		shifted[i] = g - off
	}
	return globsRead(&v.Result, inner, shifted)
}

// globsRead reports whether every glob word of argv was matched as a file
// read by a rule that only reads, or (a --NAME=GLOB word) as the value of
// a long option that the rule types as a pattern or a file read.
func globsRead(r *Result, argv []string, globs []int) bool {
	if len(globs) == 0 {
		return true
	}
	if r.Class != Safe || r.Exec == nil {
		return false
	}
	for _, g := range globs {
		if printers(argv[0]) {
			continue // echo prints the names, whatever they are
		}
		if argv[0] == "printf" && g >= 2 && !strings.HasPrefix(argv[1], "-") {
			continue // after a literal format, printf's words are only data
		}
		if name, ok := longOptGlob(argv[g]); ok {
			value := argv[g][len(name)+1:]
			found := false
			for _, o := range r.Exec.Opts {
				if o.Name == name && o.Value == value && (o.Type.Kind == TypeOpaqueNonFile || o.Type.Kind == TypeReadableFile) {
					found = true
				}
			}
			if !found {
				return false
			}
			continue
		}
		found := false
		for _, a := range r.Exec.Args {
			if a.Index == g-1 && a.Type.Kind == TypeReadableFile {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// globsWritten is for a match verdict whose glob words are all files the
// rule writes (`rm -f *.log`, `chmod +x scripts/*.sh`, `sed -i 's/a/b/'
// src/*.ts`): the files each glob names now, absolute, for the verdict's
// writes (the literal word, which the shell passes when nothing matches,
// is there already), so that every one must be inside a root, through
// links. ok is false when a glob is anything else (a file read, an
// option's value, a word of a wrapper's or xargs' command), when one
// cannot be read as the shell reads it or names more than the budget,
// when the rule is ln's (its words are not all written), or when an
// earlier command of the script writes (it could make a match).
func globsWritten(v *Verdict, argv []string, globs []int, dir string, written bool) ([]string, bool) {
	r := &v.Result
	if written || len(globs) == 0 || v.Class != Match || r.Exec == nil || len(v.Commands) > 1 || isLn(r) {
		return nil, false
	}
	var out []string
	for _, g := range globs {
		found := false
		for _, a := range r.Exec.Args {
			if a.Index == g-1 && a.Type.Kind == TypeWriteableFile && a.Value == argv[g] {
				found = true
			}
		}
		if !found {
			return nil, false
		}
		abs := globAbsolute(argv[g], dir)
		matches, ok := shellGlob(abs)
		if !ok {
			return nil, false
		}
		for _, m := range matches {
			if strings.HasPrefix(filepath.Base(m), "-") {
				return nil, false // an option when the shell passes it
			}
		}
		// With no match, the word the shell passes, quotes removed ([w]'*'
		// is the file [w]*), not the pattern's spelling the rule wrote
		// down; besides the matches, as a shell may see none of them
		// (glob.go).
		if lit := globLiteral(abs); !slices.Contains(matches, lit) {
			out = append(out, lit)
		}
		out = append(out, matches...)
	}
	return out, true
}

// pidWordFixed reports whether w, a word holding $$, names the same kind
// of file whatever the process id is: a /proc/$$ path (the kernel's, one a
// process), or $$ alone (ps -p $$) where dir holds no name of digits only,
// which a link planted for the shell's pid would have.
func pidWordFixed(w, dir string) bool {
	if w == "/proc/$$" || strings.HasPrefix(w, "/proc/$$/") {
		return true
	}
	if w != "$$" {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.Trim(e.Name(), "0123456789") == "" {
			return false
		}
	}
	return true
}
