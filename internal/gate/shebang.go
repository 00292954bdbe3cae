package gate

import (
	"fmt"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
	"guard/policy"
)

// shebang returns the words of the #! line of the file bin, or nil (not a
// regular file, no #! line). A FIFO put in its place does not block.
func shebang(bin string) []string {
	f, _, err := safefile.Open(bin)
	if err != nil {
		return nil
	}
	defer f.Close()
	var head [256]byte
	n, _ := f.Read(head[:])
	line := string(head[:n])
	if !strings.HasPrefix(line, "#!") {
		return nil
	}
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return strings.Fields(line[2:])
}

// interpreterWhy says why a program that is a #! script (its #! line's
// words) runs code the agent may have written, or "". The kernel runs the
// line's interpreter with the line's argument and the script; when that
// interpreter is a script, its own #! line in turn (four levels). At each:
//   - the interpreter inside a writable root, or a relative path (found
//     from the directory the command runs in): a tool outside the roots
//     whose #! line names a project's virtual environment
//     (`#!/src/app/.venv/bin/python`, a copied or pip-installed script) ran
//     whatever the agent put at that name;
//   - a file the line hands the interpreter (`#!/usr/bin/python3
//     /src/app/boot.py`) inside a root or relative;
//   - env's program (envShebang): `#!/usr/bin/env -S ./run`, `#!/usr/bin/env
//     /src/app/.venv/bin/python`, a PATH=, -C or ${VAR} that decides which
//     program env finds, an assignment naming a file in a root
//     (`PYTHONPATH=/src/app`): `flake8 --version` ran a planted program
//     through each, unasked. A bare name env finds through guard's own PATH
//     is plantedHelper's (envProgram).
func (g *Gate) interpreterWhy(program string, words []string) string {
	for depth := 0; depth < 4 && len(words) > 0; depth++ {
		if filepath.Base(words[0]) == "env" && filepath.IsAbs(words[0]) && !g.InWritableRoot(words[0]) {
			e, why := envShebang(words[1:])
			if why == "" {
				why = g.envShebangWhy(e)
			}
			if why != "" {
				return fmt.Sprintf("%s is a script whose #! line runs env %s: %s", program, strings.Join(words[1:], " "), why)
			}
			if len(e.program) == 0 || !strings.Contains(e.program[0], "/") {
				return "" // a name env finds on PATH (plantedHelper)
			}
			words = e.program
		}
		interp := words[0]
		if !filepath.IsAbs(interp) {
			return fmt.Sprintf("%s is a script whose interpreter %s is a relative path, found from the directory it runs in", program, interp)
		}
		real := policy.Resolve(interp, "/")
		for _, rr := range g.resolvedRoots() {
			if policy.Inside(real, rr) {
				return fmt.Sprintf("%s is a script whose interpreter %s is inside the writable root %s: a program there may do anything", program, real, rr)
			}
		}
		if why := g.fileWordsWhy(words[1:]); why != "" {
			return fmt.Sprintf("%s is a script whose #! line hands its interpreter %s", program, why)
		}
		words = shebang(real)
	}
	return ""
}

// envLine is what a `#!/usr/bin/env ...` line has env do: the
// assignments it makes, the directory it changes to (-C) and the program
// with its arguments.
type envLine struct {
	assigns []string
	chdir   string
	program []string
}

// envShebang reads the words after env on a #! line as GNU env reads them
// (the kernel hands them over as one argument, which -S splits at blanks,
// as shebang's words are): options, NAME=VALUE assignments, then the
// program. why is set for what guard does not follow: an option it does
// not know, and a `$` (-S expands ${VAR} from the environment the command
// runs with, which decides what runs).
func envShebang(words []string) (e envLine, why string) {
	for _, w := range words {
		if strings.ContainsRune(w, '$') {
			return e, fmt.Sprintf("%s expands a variable", w)
		}
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			e.program = words[i+1:]
			return e, ""
		case w == "-S" || w == "-i" || w == "-0" || w == "-v" || w == "--debug" || w == "--ignore-environment" ||
			strings.HasPrefix(w, "--split-string") || strings.HasPrefix(w, "-S") && len(w) > 2 ||
			strings.HasPrefix(w, "--default-signal") || strings.HasPrefix(w, "--ignore-signal") ||
			strings.HasPrefix(w, "--block-signal") || strings.HasPrefix(w, "--list-signal"):
			// -S's string follows as the next words (already split).
			if rest, ok := strings.CutPrefix(w, "-S"); ok && rest != "" {
				words = append([]string{rest}, words[i+1:]...)
				i = -1
			} else if rest, ok := strings.CutPrefix(w, "--split-string="); ok {
				words = append([]string{rest}, words[i+1:]...)
				i = -1
			}
		case w == "-u" || w == "--unset":
			i++
		case strings.HasPrefix(w, "-u") || strings.HasPrefix(w, "--unset="):
		case w == "-C" || w == "--chdir":
			if i+1 < len(words) {
				e.chdir = words[i+1]
			}
			i++
		case strings.HasPrefix(w, "-C"):
			e.chdir = w[2:]
		case strings.HasPrefix(w, "--chdir="):
			e.chdir = strings.TrimPrefix(w, "--chdir=")
		case strings.HasPrefix(w, "-"):
			return e, fmt.Sprintf("option %s is not one guard follows", w)
		case strings.Contains(w, "="):
			e.assigns = append(e.assigns, w)
		default:
			e.program = words[i:]
			return e, ""
		}
	}
	return e, ""
}

// envShebangWhy says why what env does on a #! line (envShebang) may run
// a file the agent wrote, or "": a -C directory inside a root or relative,
// a PATH= assignment with an entry that is (the program is then found
// there), an assignment naming a file there (a load path: PYTHONPATH=,
// LD_PRELOAD=), or a program's argument naming one.
func (g *Gate) envShebangWhy(e envLine) string {
	if e.chdir != "" {
		if why := g.fileWordsWhy([]string{e.chdir}); why != "" {
			return "-C " + why
		}
	}
	for _, a := range e.assigns {
		name, value, _ := strings.Cut(a, "=")
		parts := strings.FieldsFunc(value, func(r rune) bool { return r == ':' || r == ',' || r == '=' })
		if name == "PATH" {
			for _, p := range strings.Split(value, ":") {
				if !filepath.IsAbs(p) {
					return fmt.Sprintf("its PATH has the relative entry %q, found from the directory it runs in", p)
				}
			}
		}
		if why := g.fileWordsWhy(parts); why != "" {
			return name + "= names " + why
		}
	}
	if len(e.program) > 0 {
		return g.fileWordsWhy(e.program[1:])
	}
	return ""
}

// fileWordsWhy says which of words (a #! line's arguments, an option's
// value after `=`) names a file the agent may have written, or "": a path
// inside a writable root, or a relative one with a slash (found from the
// directory the command runs in). Words without a slash are options and
// names.
func (g *Gate) fileWordsWhy(words []string) string {
	for _, w := range words {
		if _, v, ok := strings.Cut(w, "="); ok && strings.HasPrefix(w, "-") {
			w = v
		}
		w = strings.Trim(w, `"'`)
		if !strings.Contains(w, "/") || strings.HasPrefix(w, "-") {
			continue
		}
		if !filepath.IsAbs(w) {
			return fmt.Sprintf("%s, a relative path found from the directory it runs in", w)
		}
		if g.insideRoot(policy.Resolve(w, "/")) {
			return fmt.Sprintf("%s, inside a writable root", w)
		}
	}
	return ""
}

// envProgram returns the program a `#!/usr/bin/env [OPTIONS] NAME` line
// (its words, from shebang) names by name, found through PATH, or "".
func envProgram(words []string) string {
	if len(words) < 2 || filepath.Base(words[0]) != "env" {
		return ""
	}
	e, why := envShebang(words[1:])
	if why != "" || len(e.program) == 0 || strings.Contains(e.program[0], "/") {
		return ""
	}
	return e.program[0]
}
