package policy

import (
	"path/filepath"
	"strings"

	"guard/policy/shell"
)

// pipedSearch says why a search or filter on the right of a pipe picks a
// secret out of the files the command on its left prints, or "": `cat
// app.properties | grep -i password` prints the same lines as `grep -i
// password app.properties`, which the search rules call a secret read
// (a password's key, a secret variable's name, a key's prefix). The
// filter (grep, egrep, fgrep, rg, sed, awk) is judged again with the
// left command's operands as its files; a left command that reads its
// own standard input, or whose words are known only at run time, names
// no file and changes nothing. Words of the left command that are option
// values are taken as files too: they can only add reads. The files are
// resolved where the left command runs.
func pipedSearch(s Set, c *shell.Command, cmds []shell.Command, cwd string) string {
	prog := filepath.Base(c.Argv[0])
	switch prog {
	case "grep", "egrep", "fgrep", "rg", "sed", "awk", "gawk", "mawk", "nawk":
	default:
		return ""
	}
	if c.Dynamic != "" || c.PipeFrom <= 0 || c.PipeFrom > len(cmds) {
		return ""
	}
	switch prog {
	case "grep", "egrep", "fgrep", "rg":
		// An inverted search prints the lines that do not match
		// (`| grep -v password` drops them).
		for _, w := range c.Argv[1:] {
			if w == "--invert-match" || len(w) > 1 && w[0] == '-' && w[1] != '-' && strings.ContainsRune(w, 'v') {
				return ""
			}
		}
	}
	// Back through filters that read only their standard input (`cat f
	// | sort | grep -i password`) to the command that names files.
	var u *shell.Command
	var files []string
	for from, hops := c.PipeFrom, 0; len(files) == 0; hops++ {
		if from <= 0 || from > len(cmds) || hops == 16 {
			return ""
		}
		u = &cmds[from-1]
		if u.Dynamic != "" || len(u.Argv) == 0 || !filePrinters(filepath.Base(u.Argv[0])) {
			return ""
		}
		for _, w := range u.Argv[1:] {
			if w != "" && w[0] != '-' {
				files = append(files, w)
			}
		}
		from = u.PipeFrom
	}
	argv := append(append([]string{}, c.Argv...), files...)
	for _, d := range srcDirs(u, cwd) {
		if v := s.judgeArgv(argv, d, cwd); v.Secret != "" {
			return filepath.Base(u.Argv[0]) + " | " + prog + ": " + v.Secret
		}
	}
	return ""
}

// filePrinters print the files their operands name, whole or in part,
// and take no other operand (a pattern, a script).
func filePrinters(s string) bool {
	switch s {
	case "cat", "head", "tail", "tac", "nl", "sort", "uniq", "strings", "zcat", "bzcat", "xzcat", "zstdcat", "bat",
		"less", "more", "cut", "paste", "column", "fold", "fmt", "expand", "unexpand", "rev", "base64", "od",
		"hexdump", "xxd":
		return true
	}
	return false
}
