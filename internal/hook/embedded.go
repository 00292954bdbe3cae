package hook

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Claude Code's native build shadows grep and find in the shell its Bash
// tool runs: its shell snapshot defines functions that run the Claude Code
// binary itself as ugrep (`-G --ignore-files --hidden -I --encoding=UTF-8
// --exclude-dir=.git ...`, the user's arguments after) and as bfs (`-S dfs
// -regextype findutils-default`), unless the user opted into its Grep and
// Glob tools (read in the 2.1.332 binary: "Shadow find/grep with embedded
// bfs/ugrep"). A few options (-z, -Z, --null, the filter, pager, view and
// config ones) send the call to the system grep instead. ugrep reads some
// GNU grep command lines differently; the one that reads more is a
// directory operand: GNU grep says "Is a directory" and reads nothing of it,
// ugrep searches it recursively as -r does (hidden files included). A glob
// in --include or --exclude is a gitignore glob to ugrep (`!x` re-includes
// x), which guard already reads as not narrowing. bfs reads the find
// expressions guard lets through as GNU find does. The function is looked up
// for a command named grep (quoted or escaped too, and in subshells), not
// for `command grep`, `env grep`, `xargs grep` or a new shell's `bash -c`,
// which run the system grep.

// EmbeddedGrepReading returns script with `-r` put after the name of each
// grep command that has an operand (a file or directory after the pattern,
// a dynamic word counting as one), and the first such command; "" when
// there is none. GNU grep with -r reads a file operand as without it, and a
// directory operand as Claude Code's ugrep does; a grep of its standard
// input only (`ls | grep x`) is left alone, as ugrep reads its input then
// too. -r comes first, so a later `-d skip` still wins, as it does in ugrep.
func EmbeddedGrepReading(script string) (reading, command string) {
	return insertInCalls(script, func(call *syntax.CallExpr, add func(after, shown syntax.Node, text string)) {
		if name, ok := wordText(call.Args[0]); !ok || name != "grep" {
			return
		}
		if !grepHasOperand(call.Args[1:]) || grepRecursive(call.Args[1:]) {
			return // nothing to read, or read as grep -r already
		}
		add(call.Args[0], call, " -r")
	})
}

// grepValueShort are GNU grep's short options that take a value (the rest
// of the word, or the next word); grepValueLong its long ones (the value
// after = or in the next word). -e and -f give the pattern.
const grepValueShort = "ABCDdefmX"

var grepValueLong = map[string]bool{
	"--after-context": true, "--before-context": true, "--context": true, "--max-count": true,
	"--directories": true, "--devices": true, "--include": true, "--exclude": true, "--exclude-dir": true,
	"--exclude-from": true, "--binary-files": true, "--label": true, "--regexp": true, "--file": true,
	"--group-separator": true,
}

// grepHasOperand reports whether grep's arguments args name a file or
// directory to read: a word after the pattern (or any word that is not an
// option when -e or -f gives the pattern), GNU getopt's way (options may
// follow operands; `--` ends them). A word guard cannot read as text (an
// expansion) may be either: it counts as an operand.
func grepHasOperand(args []*syntax.Word) bool {
	positional, patternGiven, dynamic := 0, false, false
	for i := 0; i < len(args); i++ {
		a, ok := wordText(args[i])
		switch {
		case !ok:
			dynamic = true
			positional++
		case a == "--":
			for _, w := range args[i+1:] {
				if _, ok := wordText(w); !ok {
					dynamic = true
				}
				positional++
			}
			i = len(args)
		case a == "-" || !strings.HasPrefix(a, "-"):
			positional++
		case strings.HasPrefix(a, "--"):
			name, _, hasValue := strings.Cut(a, "=")
			if name == "--regexp" || name == "--file" {
				patternGiven = true
			}
			if grepValueLong[name] && !hasValue {
				i++
			}
		default:
			for k := 1; k < len(a); k++ {
				if strings.IndexByte(grepValueShort, a[k]) < 0 {
					continue
				}
				if a[k] == 'e' || a[k] == 'f' {
					patternGiven = true
				}
				if k == len(a)-1 {
					i++ // the value is the next word
				}
				break
			}
		}
	}
	if patternGiven {
		return positional > 0
	}
	return positional > 1 || (dynamic && positional > 0)
}

// grepRecursive reports whether grep's arguments surely make it recursive
// already (-r, -R, --recursive, --dereference-recursive, -d recurse) before
// its first operand: then ugrep's reading is the one judged. Only the
// options before the first operand count (after it, POSIXLY_CORRECT would
// make them operands), and a word it cannot read as text ends them.
func grepRecursive(args []*syntax.Word) bool {
	for i := 0; i < len(args); i++ {
		a, ok := wordText(args[i])
		switch {
		case !ok || a == "--" || a == "-" || !strings.HasPrefix(a, "-"):
			return false
		case a == "--recursive" || a == "--dereference-recursive" || a == "--directories=recurse" || a == "-drecurse":
			return true
		case a == "-d" || a == "--directories":
			if i+1 < len(args) {
				if v, ok := wordText(args[i+1]); ok && v == "recurse" {
					return true
				}
			}
			i++
		case strings.HasPrefix(a, "--"):
			if name, _, hasValue := strings.Cut(a, "="); grepValueLong[name] && !hasValue {
				i++
			}
		default:
			for k := 1; k < len(a); k++ {
				if a[k] == 'r' || a[k] == 'R' {
					return true
				}
				if strings.IndexByte(grepValueShort, a[k]) >= 0 {
					if k == len(a)-1 {
						i++ // the value is the next word
					}
					break
				}
			}
		}
	}
	return false
}

// wordText returns the text a shell word stands for when it holds no
// expansion (plain text, quotes, backslashes), and ok false otherwise.
func wordText(w *syntax.Word) (string, bool) {
	var b strings.Builder
	lit := func(v string, dq bool) {
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) && (!dq || strings.IndexByte("$`\"\\\n", v[i+1]) >= 0) {
				i++
			}
			b.WriteByte(v[i])
		}
	}
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "*?[") {
				return "", false // a glob: names guard does not see here
			}
			lit(p.Value, false)
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				lit(l.Value, true)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}
