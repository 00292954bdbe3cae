package policy

import (
	"path/filepath"
	"slices"
	"strings"

	"guard/policy/shell"
)

// A command in the body of a loop over a source's lines (`SRC | while
// read -r f; do CMD "$f"; done`, `while read -r f; do ...; done < FILE`,
// `for f in $(SRC); do ...; done`) reads what `SRC | xargs -I{} CMD {}`
// reads: the shell layer puts shell.LineWord where the variable stands
// and names the source in the word's reason. Such a command is judged as
// that xargs command fed by the source, which pipedSecret follows to the
// files it names (a find over ~/.ssh, a file read, input not known: any
// file) and xargsInput to the words it gives; its program must be one
// xargs may hand any word (injectionSafe), and its name and every other
// word literal. Beyond xargs, the source's words must be plain names for
// every program but echo (lineWords): a loop's word is split and globbed
// (`for f in $(ls)`), a line has its blanks trimmed (`read`). A command
// substitution that is a whole word of an argument (`wc -l $(SRC)`) is
// the same words as such a for loop's (substCommand).

// lineCommand returns c judged as `xargs -I LINE ARGV`, fed by the loop's
// source, when c's only run-time words are lines of one source.
func lineCommand(c *shell.Command, cmds []shell.Command) (shell.Command, bool) {
	if !c.InLineLoop || c.Dynamic == "" || c.OtherDynamic || len(c.Argv) == 0 || len(c.ArgDynamic) != len(c.Argv) ||
		c.ArgDynamic[0] != nil {
		return shell.Command{}, false
	}
	prog := filepath.Base(c.Argv[0])
	if !injectionSafe(prog) {
		// Another program is judged with the loop's variable unknown,
		// as before: xargs's rules would ask otherwise (xargs git).
		return shell.Command{}, false
	}
	src, found, split := -1, false, false
	for _, reasons := range c.ArgDynamic[1:] {
		for _, r := range reasons {
			n, ok := shell.LineSource(r)
			split = split || shell.SplitWord(r)
			if !ok && prog == "echo" && strings.HasPrefix(r, "command substitution ") {
				// echo only prints it; the commands inside are judged
				// on their own (as expandRunTime takes them).
				continue
			}
			if !ok || found && n != src {
				return shell.Command{}, false
			}
			src, found = n, true
		}
	}
	// A pipe inside the body feeds the command (`echo x | grep "$f"`):
	// its input is not the loop's.
	if !found || c.PipeFrom != 0 && c.PipeFrom != src || split && nulSeparated(cmds, src) {
		return shell.Command{}, false
	}
	nc := *c
	nc.Argv = append([]string{"xargs", "-I", shell.LineWord}, c.Argv...)
	nc.Dynamic, nc.ArgDynamic, nc.ArgSplit, nc.ArgBraces = "", nil, nil, nil
	nc.PipeFrom = src
	return nc, true
}

// substCommand returns c judged as `SRC | xargs -I LINE ARGV` when its
// only run-time word is one unquoted command substitution of SRC
// (Command.SubstFrom: `wc -l $(git ls-files '*.go')`), whose output the
// shell splits and globs into words there as a for loop over $(SRC) does:
// its program one xargs may hand any word, and the word none the judge
// reads otherwise (echo, basename and dirname print it; $(which NAME) and
// $(pwd) are known paths), and SRC (cmds' command, through filters) one
// that lists names, not words the script wrote itself (`ls $(echo /)` stays
// run time, as the adversarial tests want).
func substCommand(c *shell.Command, cmds []shell.Command) (shell.Command, bool) {
	if c.SubstFrom == nil || c.OtherDynamic || c.PipeFrom != 0 || len(c.Argv) == 0 || len(c.ArgDynamic) != len(c.Argv) ||
		c.ArgDynamic[0] != nil {
		return shell.Command{}, false
	}
	switch prog := filepath.Base(c.Argv[0]); {
	case !injectionSafe(prog), prog == "echo", prog == "basename", prog == "dirname":
		return shell.Command{}, false
	}
	at := -1
	for i, reasons := range c.ArgDynamic {
		if reasons == nil {
			continue
		}
		text, ok := strings.CutPrefix(reasons[0], "command substitution ")
		if at >= 0 || i >= len(c.SubstFrom) || c.SubstFrom[i] == 0 || len(reasons) != 1 || !ok ||
			strings.HasPrefix(text, "$(which ") || strings.HasPrefix(text, "`which ") || text == "$(pwd)" || text == "`pwd`" {
			return shell.Command{}, false
		}
		at = i
	}
	if at < 0 || !listsNames(cmds, c.SubstFrom[at]) || nulSeparated(cmds, c.SubstFrom[at]) {
		return shell.Command{}, false
	}
	nc := *c
	argv := slices.Clone(c.Argv)
	argv[at] = shell.LineWord
	nc.Argv = append([]string{"xargs", "-I", shell.LineWord}, argv...)
	nc.Dynamic, nc.ArgDynamic, nc.ArgSplit, nc.ArgBraces, nc.SubstFrom = "", nil, nil, nil, nil
	nc.PipeFrom = c.SubstFrom[at]
	return nc, true
}

// listsNames reports whether the command from (1 + its index in cmds),
// followed back through the filters that only drop or reorder lines,
// prints the names of files it found: find, ls, du, grep -l and the
// like, git's listings (nameSource's trees).
func listsNames(cmds []shell.Command, from int) bool {
	for hops := 0; hops < 16 && from > 0 && from <= len(cmds); hops++ {
		u := &cmds[from-1]
		if len(u.Argv) == 0 || filepath.Base(u.Argv[0]) == "echo" || u.OutputMixed {
			return false
		}
		roots, filter := nameSource(u.Argv)
		if !filter {
			return roots != nil
		}
		from = u.PipeFrom
	}
	return false
}

// nulSeparated reports whether the command from (1 + its index in cmds),
// or a filter it reads through, may end its names with NUL bytes
// (find -print0, ls --zero, git -z, grep -Z, sort -z, xargs -0's
// partners): $(SRC) drops the NULs and joins the names, and `find .
// -print0` then gives ../NAME, a file of the directory above. Options
// are read roughly: any word -0, -z, -Z, --zero, --null, --null-data,
// -print0, --print0, -fprint0, or a cluster of letters with z or Z.
func nulSeparated(cmds []shell.Command, from int) bool {
	for hops := 0; hops < 16 && from > 0 && from <= len(cmds); hops++ {
		u := &cmds[from-1]
		for _, a := range u.Argv[min(1, len(u.Argv)):] {
			switch {
			case a == "-0", a == "--zero", a == "--null", a == "--null-data", a == "-print0", a == "--print0",
				a == "-fprint0", strings.HasPrefix(a, "--null="), strings.HasPrefix(a, "--zero="):
				return true
			case len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a, "zZ") &&
				strings.Trim(a[1:], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "":
				return true
			}
		}
		from = u.PipeFrom
	}
	return false
}

// lineWords says why the words the loop's source gives command i (made by
// lineCommand) are more than plain names, or "".
func lineWords(cmds []shell.Command, i int, cwd string) string {
	inner, _, ok := xargsInner(cmds[i].Argv)
	if !ok || filepath.Base(inner[0]) == "echo" && !slices.Contains(inner[1:], "-e") {
		return ""
	}
	return inputNames("the loop's variable may be an option or any path", "the loop's variable", cmds, i, cwd, true)
}

// shownLine writes a loop's line as {line} in what the verdict shows (its
// reason, its secret, its words): shell.LineWord holds a NUL byte.
func (v *Verdict) shownLine() {
	if v.Reason == "" && v.Class != Safe && v.Class != Forbidden {
		v.Reason = v.Result.Why()
	}
	show := func(s string) string { return strings.ReplaceAll(s, shell.LineWord, "{line}") }
	v.Reason, v.Secret = show(v.Reason), show(v.Secret)
	argv := make([]string, len(v.Argv))
	for i, a := range v.Argv {
		argv[i] = show(a)
	}
	v.Argv = argv
}
