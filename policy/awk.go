package policy

import "strings"

// SafeAwkProgram reports whether an awk program (the program text given on
// the command line) can only read its input files and print to standard
// output. The check is on the raw text, so that no question of where a
// string or a regular expression ends can hide anything from it:
//
//   - none of the names that run a command, read another file or the
//     environment, or change which files are read: system, getline,
//     ENVIRON, PROCINFO, ARGV, ARGC, and gawk's SYMTAB and FUNCTAB, which
//     reach every variable (ARGV, ENVIRON, PROCINFO) and function by a
//     computed string, and bindtextdomain (a whole word each, wherever it
//     is, strings and regular expressions included);
//   - no @ (gawk's @include, @load and indirect calls), no |& (a gawk
//     coprocess), no backslash-newline;
//   - output redirection (`print > "f"`, `print | "cmd"`) belongs to print
//     and printf only, so once the text contains "print" (sprintf
//     included), no > or | may follow it anywhere.
//
// So `{print $1}`, `NR>1 {s+=$3} END {print s}` and `/a|b/ {n++} END
// {print n}` are safe, and `{print > "out"}`, `{print | "sh"}` and
// `BEGIN{system("id")}` are not; neither, by the same rule, is a harmless
// `{print} $2 > 1`, which is the price of not parsing awk.
func SafeAwkProgram(prog string) bool {
	if strings.TrimSpace(prog) == "" || strings.ContainsAny(prog, "@\x00") ||
		strings.Contains(prog, "|&") || strings.Contains(prog, "\\\n") || strings.Contains(prog, "\\\r") {
		return false
	}
	for _, name := range []string{"system", "getline", "ENVIRON", "PROCINFO", "ARGV", "ARGC", "SYMTAB", "FUNCTAB", "bindtextdomain"} {
		if containsWord(prog, name) {
			return false
		}
	}
	if i := strings.Index(prog, "print"); i >= 0 && strings.ContainsAny(prog[i:], ">|") {
		return false
	}
	return true
}

// containsWord reports whether name occurs in s with no letter, digit or
// underscore on either side.
func containsWord(s, name string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(name)
		if (j == 0 || !identByte(s[j-1])) && (end == len(s) || !identByte(s[end])) {
			return true
		}
		i = j + 1
	}
}

func identByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// jqFilter says why a jq filter is more than a transformation of its
// input, or "": env and $ENV (the whole environment, a secret dump: the
// answer starts with "environment"), import and include (read jq modules,
// any file, from the search path), input_filename, get_search_list,
// modulemeta and $__prog_args. A name right after '.' is a field
// (`.env`), and "env" alone in quotes is a string.
func jqFilter(f string) string {
	switch name := filterName(f, "env", "ENV", "import", "include", "input_filename", "get_search_list",
		"modulemeta", "__prog_args", "getpath_env"); name {
	case "":
		return ""
	case "env", "ENV":
		return "environment: jq's " + name + " prints the environment, which holds API keys and tokens"
	default:
		return "jq's " + name + " reads files or state beyond its input"
	}
}

// filterName returns the first of names that stands in the jq or yq
// expression f as a name of its own, or "": not part of a longer
// identifier, not a field (`.env`), not a string of that name alone
// (`"env"`).
func filterName(f string, names ...string) string {
	for _, name := range names {
		for i := 0; ; {
			j := strings.Index(f[i:], name)
			if j < 0 {
				break
			}
			j += i
			end := j + len(name)
			i = j + 1
			if j > 0 && identByte(f[j-1]) || end < len(f) && identByte(f[end]) {
				continue
			}
			if j > 0 && (f[j-1] == '.' || f[j-1] == '"' && end < len(f) && f[end] == '"') {
				continue
			}
			return name
		}
	}
	return ""
}
