package policy

import (
	"path/filepath"
	"strings"
)

// perlWhy says why a perl one-liner the rules let through (`perl -pi -e
// 's/old/new/g' FILE`, `perl -pe SCRIPT FILE`) may do more than substitute
// text, or "". The rules (default.policy) declare only -p, -i[.ext], -0,
// -l and -w beside the script; this check holds every script word to
// SafePerlScript. Anything else perl may run is left to the rules: -M, -I,
// -x, -s and the like are not declared.
func perlWhy(r *Result, argv []string, cwd string) string {
	if r.Exec == nil || filepath.Base(argv[0]) != "perl" {
		return ""
	}
	for _, o := range r.Exec.Opts {
		if strings.HasSuffix(o.Name, "e") && !SafePerlScript(o.Value) {
			return "perl script " + quoteWord(o.Value) + " is not a plain substitution (perl can run code in a replacement, a pattern or a statement)"
		}
	}
	// -p and -i read their files through the ARGV handle, which opens each
	// name with perl's two-argument open: `cmd|` runs cmd, `>f` writes f.
	// A glob is checked by the names it matches now (each name's own first
	// and last character: the word the shell makes may start with it).
	for _, a := range r.Exec.Args {
		if a.Type.Kind != TypeReadableFile && a.Type.Kind != TypeWriteableFile {
			continue
		}
		w := a.Value
		if !perlOpenSafe(w) {
			return "perl opens " + quoteWord(w) + " with its two-argument open, which reads such a name as a command or a mode"
		}
		if strings.ContainsAny(w, "*?[") {
			matches, ok := shellGlob(globAbsolute(homeWord(w), cwd))
			if !ok {
				return "perl opens the names " + quoteWord(w) + " matches, which guard cannot list"
			}
			for _, m := range matches {
				if !perlOpenSafe(filepath.Base(m)) {
					return "perl opens " + quoteWord(m) + " with its two-argument open, which reads such a name as a command or a mode"
				}
			}
		}
	}
	return ""
}

// perlOpenSafe reports whether perl's two-argument open reads w as a
// plain file name to read: no mode or pipe character at its ends, no
// white space there (which open strips), no newline or NUL; "-" is
// standard input.
func perlOpenSafe(w string) bool {
	if w == "-" {
		return true
	}
	return w != "" && !strings.ContainsAny(w[:1], "<>|+&- \t") && !strings.ContainsAny(w[len(w)-1:], "| \t") &&
		!strings.ContainsAny(w, "\n\x00")
}

// quoteWord quotes w for a message, cut to a readable length.
func quoteWord(w string) string {
	if len(w) > 80 {
		w = w[:80] + "..."
	}
	return "\"" + w + "\""
}

// SafePerlScript reports whether script is one or more substitutions or
// transliterations (`s/RE/REPL/FLAGS`, `tr/A/B/`, `y/A/B/`, separated by
// `;`) that can run no code. perl interpolates a pattern and a
// replacement as a double-quoted string, where `${ \ CODE }`, `@{[ CODE
// ]}` and a subscript after a variable (`$1{ CODE }`) run code, and a
// pattern's `(?{ CODE })` runs code too; so: no `@` (unescaped) anywhere,
// a `$` only as `$1`..`$9` or `$&` in a replacement (not followed by a
// subscript, `{`, `[` or `->`) and as an end anchor in a pattern (before
// `)`, `|` or the closing delimiter), no `(?{`, `(??{` or `(*{`, the flags
// among g, i, m, s, x (not e, which evaluates the replacement, nor ee, r,
// o), and a delimiter that is a punctuation character read the same at
// both ends (not a bracket, a quote or a word character).
func SafePerlScript(script string) bool {
	s := strings.TrimSpace(script)
	if s == "" {
		return false
	}
	for s != "" {
		var ok bool
		switch {
		case strings.HasPrefix(s, "s"):
			s, ok = perlSubst(s[1:], true)
		case strings.HasPrefix(s, "tr"):
			s, ok = perlSubst(s[2:], false)
		case strings.HasPrefix(s, "y"):
			s, ok = perlSubst(s[1:], false)
		}
		if !ok {
			return false
		}
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return true
		}
		if s[0] != ';' {
			return false
		}
		s = strings.TrimLeft(s[1:], " \t\n")
	}
	return true
}

// perlSubst reads the rest of an s (subst true) or tr/y command after its
// name: delimiter, two parts, flags; it returns what follows.
func perlSubst(s string, subst bool) (string, bool) {
	if s == "" || !strings.ContainsRune("/|#!,:%+=~", rune(s[0])) {
		return "", false
	}
	d := s[0]
	pat, rest, ok := perlPart(s[1:], d)
	if !ok {
		return "", false
	}
	repl, rest, ok := perlPart(rest, d)
	if !ok {
		return "", false
	}
	flags := rest
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c < 'a' || c > 'z' {
			flags, rest = rest[:i], rest[i:]
			break
		}
		if i == len(rest)-1 {
			rest = ""
		}
	}
	allowed := "cdsr"
	if subst {
		allowed = "gimsx"
	}
	for _, c := range flags {
		if !strings.ContainsRune(allowed, c) {
			return "", false
		}
	}
	if !subst {
		return rest, !strings.ContainsAny(pat+repl, "\n")
	}
	return rest, perlPattern(pat, d) && perlReplacement(repl)
}

// perlPart returns the text up to the first d no backslash escapes, and
// what follows d.
func perlPart(s string, d byte) (part, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case d:
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// perlPattern: no interpolated variable or array, no code block.
func perlPattern(p string, d byte) bool {
	if strings.Contains(p, "(?{") || strings.Contains(p, "(??{") || strings.Contains(p, "(*{") || strings.ContainsRune(p, '\n') {
		return false
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '@':
			return false
		case '$':
			if i+1 < len(p) && p[i+1] != ')' && p[i+1] != '|' {
				return false
			}
		}
	}
	return true
}

// perlReplacement: only $1..$9 and $& interpolated, with no subscript.
func perlReplacement(r string) bool {
	if strings.ContainsRune(r, '\n') {
		return false
	}
	for i := 0; i < len(r); i++ {
		switch r[i] {
		case '\\':
			i++
		case '@':
			return false
		case '$':
			if i+1 >= len(r) || !(r[i+1] >= '1' && r[i+1] <= '9' || r[i+1] == '&') {
				return false
			}
			i++
			if i+1 < len(r) && strings.ContainsRune("{[-0123456789", rune(r[i+1])) {
				return false
			}
		}
	}
	return true
}
