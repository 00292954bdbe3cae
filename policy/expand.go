package policy

import (
	"path/filepath"
	"strings"

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
//     one). A glob after a fixed `-` is never accepted.
//
//   - a plain $NAME or ${NAME} in the words echo prints: the value
//     is only printed, so the command stays what it is (and is a secret
//     read when NAME looks like a secret's name: `echo $OPENAI_API_KEY`).
//
// Anything else dynamic ($VAR elsewhere, $(cmd), ~user, a tilde after = or
// :) keeps the command unverified.

// expandArgv returns the argv to judge for a command whose only dynamic
// parts are such words, the indexes of its glob words, and whether it could.
func expandArgv(c *shell.Command, dir string, written bool) ([]string, []int, string, bool) {
	argv, globs, ok := expandWords(c, dir, written)
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
			}
		}
	}
	return ""
}

func expandWords(c *shell.Command, dir string, written bool) ([]string, []int, bool) {
	if c.OtherDynamic || len(c.ArgDynamic) != len(c.Argv) || len(c.Argv) == 0 || c.ArgDynamic[0] != nil {
		return nil, nil, false
	}
	h := home()
	homeOK := filepath.IsAbs(h) && !strings.ContainsAny(h, " \t\n*?[]{}~$`\"'\\")
	argv := append([]string(nil), c.Argv...)
	var globs []int
	for i, reasons := range c.ArgDynamic {
		if reasons == nil {
			continue
		}
		w := argv[i]
		glob := false
		for _, r := range reasons {
			switch {
			case strings.HasPrefix(r, "glob "):
				glob = true
			case strings.HasPrefix(r, "tilde "):
				if !homeOK || !(w == "~" || strings.HasPrefix(w, "~/")) || strings.Contains(w[1:], "~") {
					return nil, nil, false
				}
				w = h + w[1:]
			case printers(argv[0]) && isPrintedVar(argv[0], r):
				// printed as is; the word stays as written
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
		if glob {
			meta := strings.IndexAny(w, "*?[")
			if meta < 0 {
				return nil, nil, false // zsh's (a|b) and <1-9>: not judged
			}
			fixed := w[:meta]
			if strings.HasPrefix(fixed, "-") {
				return nil, nil, false
			}
			if fixed == "" {
				if written {
					return nil, nil, false
				}
				matches, err := filepath.Glob(absolute(w, dir))
				if err != nil {
					return nil, nil, false
				}
				for _, m := range matches {
					if strings.HasPrefix(filepath.Base(m), "-") {
						return nil, nil, false
					}
				}
			}
			globs = append(globs, i)
		}
		argv[i] = w
	}
	return argv, globs, true
}

func isPrintedVar(argv0, r string) bool { _, ok := printedVar(argv0, r); return ok }

// globsRead reports whether every glob word of argv was matched as a file
// read by a rule that only reads.
func globsRead(r *Result, globs []int) bool {
	if len(globs) == 0 {
		return true
	}
	if r.Class != Safe || r.Exec == nil {
		return false
	}
	for _, g := range globs {
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
