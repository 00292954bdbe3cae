package policy

import (
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"guard/policy/shell"
)

// Run-time words whose effect the judge can still bound (issue 16, the
// third held-out batch):
//
//   - a command substitution in a word that echo, basename or dirname
//     prints, or in a printf argument after a literal format (`echo
//     "branch: $(git branch --show-current)"`, `printf '%s\n' "$(node
//     -v)"`), or in the quoted operand of a unary test (`test -z "$(gofmt
//     -l .)"`): its output is only printed or tested. The commands inside
//     are judged like any other command of the script, so `echo "$(cat
//     .env)"` is still a secret read and `echo $(rm -rf x)` still a removal;
//   - a word that is one process substitution <(...) (`diff <(sort a) <(sort
//     b)`): the program reads a pipe that the commands inside write. It is
//     judged as a path that does not exist, outside every root, so a program
//     that would write there is asked about as any write outside the roots;
//     >(...) is not accepted;
//   - $(which NAME), a whole word, is the path which finds on PATH now
//     (`ls -la $(which python3)`): the word is judged as that path, so
//     `cat $(which x)` is a read of that file; a NAME it does not find, or
//     with a slash, stays unverified;
//   - command substitutions in the here-document of a plain `cat` (`cat
//     <<EOF` ... `$(git branch --show-current)` ... `EOF`), which cat prints;
//   - $(pwd) at the start of a word (`ls "$(pwd)"`, `cat $(pwd)/go.mod`) is
//     the directory the command runs in, judged in each one it may run in:
//     pwd is a shell builtin (a function named pwd is judged where the
//     script defines it), and the directory must hold no blank, quote,
//     glob or expansion character that would change the word;
//   - ${#NAME}, the length of a variable, as a whole word echo or printf prints;
//   - a $'...' escape whose bytes bash's version or the locale decides
//     (`\u2713`, `\x{41}`), in a word echo or printf prints;
//   - an arithmetic expansion of numbers and operators only, in a word echo or
//     printf prints (`echo $((60*60*24))`): no name, so no variable's value
//     (bash evaluates a name's value as an expression, which can hold a
//     command substitution) and no assignment (fourth held-out batch).
//
// These words are only accepted where the command is judged (never where a
// pipeline's first command names the files xargs reads: its output is not
// known), and Script.Unverified's "command substitution" and "process
// substitution" are dropped only when a command of the script holds the
// substitution among its dynamic words, where this judgement applies.

// procSubstPath stands for the pipe a process substitution becomes.
const procSubstPath = "/nonexistent/guard-process-substitution"

// expandRunTime is expandArgv with the words above accepted too.
func expandRunTime(c *shell.Command, d shell.Dialect, dir string, written bool) ([]string, []int, string, bool) {
	if heredocPrinted(c) {
		return []string{"cat"}, nil, "", true
	}
	if c.OtherDynamic || len(c.ArgDynamic) != len(c.Argv) || len(c.Argv) == 0 || c.ArgDynamic[0] != nil {
		return nil, nil, "", false
	}
	cp := *c
	cp.Argv = append([]string(nil), c.Argv...)
	cp.ArgDynamic = make([][]string, len(c.ArgDynamic))
	changed := false
	for i, reasons := range c.ArgDynamic {
		var keep []string
		for _, r := range reasons {
			switch {
			case strings.HasPrefix(r, "command substitution ") && (printedArg(c, i) || testedArg(c, d, i)):
				changed = true
			case strings.HasPrefix(r, "process substitution <(") && len(reasons) == 1 && wholeProcSubst(c.Argv[i], r):
				cp.Argv[i] = procSubstPath
				changed = true
			case len(reasons) == 1 && whichSubst(cp.Argv[i], r) != "":
				cp.Argv[i] = whichSubst(cp.Argv[i], r)
				changed = true
			case len(reasons) == 1 && pwdSubst(cp.Argv[i], r, dir) != "":
				cp.Argv[i] = pwdSubst(cp.Argv[i], r, dir)
				changed = true
			case constArith(r) && printedArg(c, i):
				changed = true
			case strings.HasPrefix(r, "ANSI-C escape ") && printedArg(c, i):
				// bytes the locale or bash's version decides, only printed
				changed = true
			case lengthParam(r) != "" && len(reasons) == 1 && strings.Trim(cp.Argv[i], `"`) == lengthParam(r) && printedArg(c, i):
				// A whole word that echo or printf prints: elsewhere the digits
				// may name a file (cat ${#HOME} read ./5, a link to .env), and
				// inside a word (.env${#X}) a name the judge cannot know.
				cp.Argv[i] = "1"
				changed = true
			default:
				keep = append(keep, r)
			}
		}
		cp.ArgDynamic[i] = keep
	}
	if !changed {
		return nil, nil, "", false
	}
	argv, globs, ok := expandWords(&cp, d, dir, written)
	if !ok {
		return nil, nil, "", false
	}
	return argv, globs, printedSecret(&cp), true
}

// printedArg reports whether word i of c is only printed: any word of echo,
// basename or dirname (which print a part of it, and open no file), or a
// printf argument after a literal format that is not an option.
func printedArg(c *shell.Command, i int) bool {
	switch c.Argv[0] {
	case "echo", "basename", "dirname":
		return i > 0
	case "printf":
		return i >= 2 && c.ArgDynamic[1] == nil && !strings.HasPrefix(c.Argv[1], "-")
	}
	return false
}

// testedArg reports whether word i of c is the quoted operand of a unary
// test (`test -z "$(gofmt -l .)"`, `[ -n "$(git status --porcelain)" ]`):
// its value only says whether it is empty or names a file. Unquoted, it
// splits into more words (`-v a[$(cmd)]`: test -v runs cmd).
func testedArg(c *shell.Command, d shell.Dialect, i int) bool {
	return testers(c.Argv[0]) && d != shell.Zsh && unaryTest(c.Argv, i) && !(i < len(c.ArgSplit) && c.ArgSplit[i])
}

// wholeProcSubst reports whether word w is exactly the process substitution
// reason r names (the reason may hold a shortened text).
func wholeProcSubst(w, r string) bool {
	text := strings.TrimPrefix(r, "process substitution ")
	if !strings.HasPrefix(w, "<(") || !strings.HasSuffix(w, ")") || strings.Count(w, "<(") != 1 && text != w {
		return false
	}
	if text == w {
		return true
	}
	// short(): the first 40 bytes, cut at a rune start, then "...".
	cut := 40
	for cut > 0 && cut < len(w) && !utf8.RuneStart(w[cut]) {
		cut--
	}
	return len(w) > 40 && text == w[:cut]+"..."
}

// lengthParam returns ${#NAME} when r is that expansion, or "".
func lengthParam(r string) string {
	text, ok := strings.CutPrefix(r, "parameter expansion ")
	if !ok || !strings.HasPrefix(text, "${#") || !strings.HasSuffix(text, "}") {
		return ""
	}
	name := text[3 : len(text)-1]
	if name == "" {
		return ""
	}
	for i, ch := range name {
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || i > 0 && ch >= '0' && ch <= '9') {
			return ""
		}
	}
	return text
}

// heredocPrinted reports whether c is a plain `cat` whose only run-time
// parts are command substitutions in its here-document (`cat <<EOF` with
// `Branch: $(git branch --show-current)`): cat prints the text, so the
// output is only printed, as echo's word is.
func heredocPrinted(c *shell.Command) bool {
	if len(c.Argv) != 1 || c.Argv[0] != "cat" || c.Dynamic == "" || len(c.ArgDynamic) > 1 || len(c.ArgDynamic) == 1 && c.ArgDynamic[0] != nil {
		return false
	}
	for _, r := range strings.Split(c.Dynamic, "; ") {
		if !strings.HasPrefix(r, "command substitution ") || !strings.HasSuffix(r, " in here-document") {
			return false
		}
	}
	return true
}

// whichSubst returns the path `which NAME` prints when word is exactly the
// command substitution $(which NAME) that reason r names (quoted or not),
// or "": NAME a plain program name found on PATH, as which finds it (the
// first executable regular file), the path free of blanks and glob
// characters, which the shell would split or expand, and no empty or
// relative PATH entry before it (which would look in the working
// directory, where a link can stand for any file).
func whichSubst(word, r string) string {
	text, ok := strings.CutPrefix(r, "command substitution ")
	if !ok || strings.Trim(word, `"`) != text || strings.Count(word, `"`)%2 != 0 {
		return ""
	}
	name, ok := strings.CutPrefix(text, "$(which ")
	if !ok || !strings.HasSuffix(name, ")") {
		return ""
	}
	name = strings.TrimSuffix(name, ")")
	if name == "" || strings.ContainsAny(name, "/ \t$`'\"\\*?[]{}~;&|<>()") || name[0] == '-' {
		return ""
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if !filepath.IsAbs(dir) {
			return "" // an empty or relative entry: which looks in the working directory there
		}
		p := dir + "/" + name // as which prints it: a ".." after a link is the kernel's
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			if strings.ContainsAny(p, " \t\n*?[]{}$`'\"\\") {
				return ""
			}
			return p
		}
	}
	return ""
}

// pwdSubst returns word with its leading command substitution $(pwd)
// (quoted or not) replaced by dir, when reason r is that substitution and
// the word holds no other, or "". dir must be absolute and hold nothing the
// shell would split, expand or unquote.
func pwdSubst(word, r, dir string) string {
	if r != "command substitution $(pwd)" || !filepath.IsAbs(dir) || strings.ContainsAny(dir, " \t\n*?[]{}$`'\"\\~") ||
		strings.Count(word, "$(") != 1 || strings.ContainsRune(word, '`') {
		return ""
	}
	if rest, ok := strings.CutPrefix(word, "$(pwd)"); ok {
		return dir + rest
	}
	if rest, ok := strings.CutPrefix(word, `"$(pwd)`); ok {
		return `"` + dir + rest
	}
	return ""
}

// constArith reports whether r is an arithmetic expansion of numbers and
// operators only: $((60*60*24)), $(( (7 + 3) % 4 )).
func constArith(r string) bool {
	text, ok := strings.CutPrefix(r, "arithmetic expansion ")
	if !ok || !strings.HasPrefix(text, "$((") || !strings.HasSuffix(text, "))") || len(text) < 6 {
		return false
	}
	for _, ch := range text[3 : len(text)-2] {
		if !strings.ContainsRune("0123456789+-*/%()<>!&|^~?: \t", ch) {
			return false
		}
	}
	return true
}

// runTimeUnverified returns unverified without "command substitution",
// "process substitution" and "arithmetic expansion" when commands hold them
// among their dynamic words (each such command is judged with them, above).
func runTimeUnverified(unverified string, cmds []shell.Command) string {
	if unverified == "" {
		return ""
	}
	var keep []string
	for _, u := range strings.Split(unverified, "; ") {
		if (u == "command substitution" || u == "process substitution" || u == "arithmetic expansion") && heldByCommand(cmds, u) {
			continue
		}
		keep = append(keep, u)
	}
	return strings.Join(keep, "; ")
}

func heldByCommand(cmds []shell.Command, kind string) bool {
	for _, c := range cmds {
		if strings.Contains(c.Dynamic, kind+" ") {
			return true
		}
	}
	return false
}

// bareReads says why a command with no program but input redirections
// (`$(< f)`) reads what it must not: a secret or a device.
func bareReads(c *shell.Command, dirs []string) string {
	for _, r := range c.Reads {
		for _, d := range dirs {
			if why := secretPath(r, d); why != "" {
				return "secret: " + why
			}
			if why := deviceRead(r, d); why != "" {
				return why
			}
		}
	}
	return ""
}
