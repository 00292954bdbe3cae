package policy

import (
	"path/filepath"
	"strings"
)

// xargs appends words read from standard input to a command, or puts them
// where -I's replacement string stands. What those words are is not known:
// a line can be `-r` or `--output=x`, so the command must be one whose every
// option is harmless (it only reads and prints, whatever it is given).
// `xargs [-0 -r -t -d C -n N -L N -P N] [-I R] CMD ARGS` with CMD among
// those is judged as CMD ARGS with the replacement string read as a file;
// anything else about xargs (another program, another option) is decided by
// the policy's own rules.
func injectionSafe(s string) bool {
	switch s {
	case "grep", "egrep", "fgrep", "cat", "head", "tail", "wc", "ls", "stat", "file", "du", "nl", "basename",
		"dirname", "realpath", "readlink", "echo", "md5sum", "sha1sum", "sha256sum", "sha512sum", "cksum",
		"diff", "cmp":
		return true
	}
	return false
}

// sudoInner returns the command `sudo [-n] [-u USER] [--] CMD ARGS` runs.
// A read-only command stays read-only as root (and a secret read is still
// one); anything else about sudo (-E, -s, -i, another option, a command
// that writes) is decided by the policy's own rules, which leave sudo
// undefined.
func sudoInner(argv []string) ([]string, bool) {
	if len(argv) < 2 || filepath.Base(argv[0]) != "sudo" {
		return nil, false
	}
	for i := 1; i < len(argv); i++ {
		switch a := argv[i]; {
		case a == "-n" || a == "--non-interactive":
		case a == "-u" || a == "--user":
			i++
		case strings.HasPrefix(a, "--user="):
		case a == "--":
			i++
			fallthrough
		default:
			if i >= len(argv) || strings.HasPrefix(argv[i], "-") {
				return nil, false
			}
			return argv[i:], true
		}
	}
	return nil, false
}

// lineDelimiter reports whether xargs -d C splits its input into whole
// lines (a newline, as GNU xargs writes it) or NUL-ended records (as -0).
// Any other delimiter cuts a name into pieces, each read where xargs runs:
// `find src -name '*.go' | xargs -d / cat` read ./cfg.txt for the directory
// src/cfg.txt/ (judge-23 J23-2).
func lineDelimiter(c string) bool {
	switch c {
	case "\n", `\n`, `\x0a`, `\x0A`, `\012`, `\0`, `\x00`, `\000`:
		return true
	}
	return false
}

// cutsNames reports whether xargs's argv sets a delimiter that is not a
// line's (lineDelimiter), before its command.
func cutsNames(argv []string) bool {
	for i := 1; i < len(argv) && strings.HasPrefix(argv[i], "-"); i++ {
		switch a := argv[i]; {
		case a == "-d":
			return i+1 < len(argv) && !lineDelimiter(argv[i+1])
		case strings.HasPrefix(a, "-d"):
			return !lineDelimiter(a[2:])
		case strings.HasPrefix(a, "--delimiter"):
			return true
		case a == "-n" || a == "-L" || a == "-P" || a == "-s" || a == "-I" || a == "-a" || a == "-E":
			i++
		}
	}
	return false
}

// xargsRenaming returns the ways (xargsRenames's kinds, as bits) in which
// xargs with argv reads a name of its input otherwise than it is: none
// with -0 or a NUL delimiter; with a newline delimiter, a newline or a
// leading -; with -I (whole lines, quotes and backslashes still removed)
// all but a blank inside; by default all.
func xargsRenaming(argv []string) uint8 {
	all := uint8(1<<xargsKinds - 1)
	ways := all
	for i := 1; i < len(argv) && strings.HasPrefix(argv[i], "-"); i++ {
		a := argv[i]
		d, isD := strings.CutPrefix(a, "-d")
		switch {
		case a == "-0" || a == "--null":
			ways = 0
		case a == "-d" && i+1 < len(argv):
			d, isD = argv[i+1], true
			i++
		case a == "-I" || a == "-i" || strings.HasPrefix(a, "-I") || strings.HasPrefix(a, "--replace"):
			if ways == all {
				ways = all &^ (1 << xargsBlank)
			}
			if a == "-I" {
				i++
			}
		case a == "-n" || a == "-L" || a == "-P" || a == "-s" || a == "-a" || a == "-E":
			i++
		}
		if isD {
			switch d {
			case "\n", `\n`, `\x0a`, `\x0A`, `\012`:
				ways = 1<<xargsNewline | 1<<xargsLeading
			case `\0`, `\x00`, `\000`:
				ways = 0
			}
		}
	}
	return ways
}

// xargsInner returns the command xargs runs (echo when none is named),
// with the replacement string made a plain file name, and whether its every
// option is harmless (only then may it be safe; a forbidden or prompting
// command always counts).
func xargsInner(argv []string) (inner []string, harmless bool, ok bool) {
	i, repl, ok := xargsCommandAt(argv)
	if !ok {
		return nil, false, false
	}
	if i >= len(argv) {
		// No command: xargs runs echo, which prints the words it reads.
		return []string{"echo", "xargs-input"}, true, true
	}
	if repl != "" && strings.Contains(argv[i], repl) {
		return nil, false, false
	}
	inner = append([]string(nil), argv[i:]...)
	for j := 1; repl != "" && j < len(inner); j++ {
		inner[j] = strings.ReplaceAll(inner[j], repl, "xargs-input")
	}
	if repl == "" && len(inner) == 1 {
		// The words read are appended: `xargs basename` needs one.
		inner = append(inner, "xargs-input")
	}
	return inner, injectionSafe(argv[i]), true
}

// xargsCommandAt returns the index in argv of the command xargs runs
// (len(argv) when none is named) and its -I replacement string; ok is
// false for an option xargsInner does not read.
func xargsCommandAt(argv []string) (at int, repl string, ok bool) {
	if len(argv) < 1 || filepath.Base(argv[0]) != "xargs" {
		return 0, "", false
	}
	i := 1
	for ; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "-0" || a == "-r" || a == "--no-run-if-empty" || a == "-t" || a == "--verbose" || a == "--null" ||
			a == "-x" || a == "--exit" || a == "-o" || a == "--open-tty" || a == "-l" ||
			strings.HasPrefix(a, "-l") && isDigits(a[2:]) || strings.HasPrefix(a, "--max-lines="):
		case a == "-d":
			if i+1 >= len(argv) || !lineDelimiter(argv[i+1]) {
				return 0, "", false
			}
			i++
		case strings.HasPrefix(a, "-d") && !lineDelimiter(a[2:]):
			return 0, "", false
		case a == "-n" || a == "-L" || a == "-P" || a == "-s":
			i++
		case a == "-I":
			if i+1 >= len(argv) {
				return 0, "", false
			}
			i++
			repl = argv[i]
		case strings.HasPrefix(a, "-I") && len(a) > 2:
			repl = a[2:]
		case strings.HasPrefix(a, "--replace="):
			repl = strings.TrimPrefix(a, "--replace=")
		case a == "-i":
			repl = "{}"
		case len(a) > 2 && (a[:2] == "-n" || a[:2] == "-L" || a[:2] == "-P" || a[:2] == "-d") ||
			strings.HasPrefix(a, "--max-args=") || strings.HasPrefix(a, "--max-procs="):
		case strings.HasPrefix(a, "-"):
			return 0, "", false
		default:
			return i, repl, true
		}
	}
	return i, repl, true
}

// RunsByName returns the indices in argv of the programs that xargs (its
// command) or find (the command of each -exec) runs by name, as the judge
// reads them (xargsInner, findExecInner): they look each up on PATH again
// when they run it, after guard's judgement. nil for any other argv.
func RunsByName(argv []string) []int {
	if i, _, ok := xargsCommandAt(argv); ok && i < len(argv) {
		return []int{i}
	}
	at, _ := findExecAt(argv)
	return at
}

// findExecInner splits `find ... -exec CMD ARGS {} ;` (or `+`): the find
// command with every -exec action taken out, and the commands run, each
// with {} made a plain file name. find puts there the path of a file it
// found, which starts with a starting point the find rule typed as a path
// (never an option), so each command is judged as CMD ARGS on a file. Only
// -exec and programs that only read and print (injectionSafe) qualify;
// -execdir (another working directory), -ok and anything else are decided
// by the policy's own rules.
func findExecInner(argv []string) (find []string, inners [][]string, ok bool) {
	at, ends := findExecAt(argv)
	if at == nil {
		return nil, nil, false
	}
	find = []string{argv[0]}
	prev := 1
	for n, i := range at {
		find = append(find, argv[prev:i-1]...)
		inner := append([]string(nil), argv[i:ends[n]]...)
		for k := 1; k < len(inner); k++ {
			inner[k] = strings.ReplaceAll(inner[k], "{}", "find-input")
		}
		inners = append(inners, inner)
		// The action is true when the command succeeds: -true keeps the
		// expression's shape for the find rule.
		find = append(find, "-true")
		prev = ends[n] + 1
	}
	return append(find, argv[prev:]...), inners, true
}

// findExecAt returns the index in argv of the command of each -exec of
// `find ... -exec CMD ARGS {} ;` (or `+`), and the index of the word that
// ends it, when each runs a program that only reads and prints; nil
// otherwise.
func findExecAt(argv []string) (at, ends []int) {
	if len(argv) < 2 || filepath.Base(argv[0]) != "find" {
		return nil, nil
	}
	for i := 1; i < len(argv); i++ {
		if argv[i] != "-exec" {
			continue
		}
		end := -1
		for j := i + 1; j < len(argv); j++ {
			if argv[j] == ";" || argv[j] == "+" && j > i+1 && argv[j-1] == "{}" {
				end = j
				break
			}
		}
		if end < i+2 || !injectionSafe(argv[i+1]) {
			return nil, nil
		}
		at, ends = append(at, i+1), append(ends, end)
		i = end
	}
	return at, ends
}
