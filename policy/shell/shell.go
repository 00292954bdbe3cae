package shell

import (
	"fmt"
	"path"
	"strings"
)

// Dialect is the shell language a script is written in. The same text can
// mean different things in different dialects: `[[` is a keyword in bash and
// zsh and a command name in POSIX sh.
type Dialect int

const (
	Bash  Dialect = iota // GNU bash
	POSIX                // POSIX sh, dash
	Zsh                  // zsh
)

// String returns the dialect's shell name: "bash", "sh" or "zsh".
func (d Dialect) String() string {
	switch d {
	case Bash:
		return "bash"
	case POSIX:
		return "sh"
	case Zsh:
		return "zsh"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// DialectFor returns the dialect of the shell named shellName, which may be a
// path: only its base name counts ("bash", "/bin/bash" → Bash; "sh", "dash",
// "ash" → POSIX; "zsh" → Zsh). ok is false for any other name.
func DialectFor(shellName string) (d Dialect, ok bool) {
	switch path.Base(shellName) {
	case "bash":
		return Bash, true
	case "sh", "dash", "ash":
		return POSIX, true
	case "zsh":
		return Zsh, true
	}
	return Bash, false
}

// Command is one simple command the script would run.
type Command struct {
	// Argv holds the words after quote removal. It is the exact argument
	// vector only when Dynamic is empty; otherwise dynamic parts keep their
	// source text ("$HOME/x", "*.py"). Argv is empty for a statement that has
	// only redirections or assignments and redirections (`> f`, `X=1 > f`):
	// it runs no program but still opens the files in Writes and Reads.
	Argv []string
	// Dir is the directory the command runs in, as far as known: "" is the
	// script's starting directory; after `cd DIR &&` it is DIR (a relative
	// DIR is joined onto the previous Dir and cleaned, an absolute one
	// replaces it). When the directory cannot be known statically, Dir is
	// the likeliest one and Script.Unverified says why. A Dir that starts
	// with "~" is below the home directory (`cd ~/src`, `cd "$HOME"`),
	// which the caller knows and the parser does not.
	Dir string
	// OtherDirs lists the other directories the command may run in, when
	// an earlier cd may have failed without stopping it (`cd d; cmd`,
	// `cd d && a || b`): in "" (the starting directory) as well as in "d".
	// Paths relative to Dir must be checked against these too.
	OtherDirs []string
	// Climbed lists the directories an earlier cd reached through a ..
	// after a name (`cd link/../sub`), as written (not cleaned), relative
	// like Dir. bash's logical cd goes to the cleaned path only when it
	// exists; else it chdirs to the path as written, where .. is the
	// parent of a link's target, as a shell that resolves links always
	// does (bash's set -P, zsh's CHASE_LINKS and CHASE_DOTS, which users'
	// start-up files set). The caller checks both are the same directory.
	Climbed []string
	// Writes lists the files opened for writing by output redirections
	// (>, >>, >|, &>, &>>, N>, <>, >&FILE), as written: not made absolute,
	// relative to Dir. /dev/null, /dev/stdout and /dev/stderr are left out;
	// descriptor duplications (2>&1, >&2) are not writes. Redirections of an
	// enclosing group, loop or `bash -c` apply to every command inside.
	Writes []string
	// Reads lists the files opened for reading by input redirections (<,
	// <>). Here-documents and here-strings are not files.
	Reads []string
	// Dynamic, when not empty, says why the command's meaning depends on run
	// time (expansions, globs, tilde, a dynamic redirection target, dynamic
	// environment assignments), one reason per part, joined with "; ".
	Dynamic string
	// ArgDynamic holds, when Dynamic is set, the reasons of each word of
	// Argv (nil for a literal word), for a judge that can expand some of
	// them itself (a leading ~, $HOME, a glob). OtherDynamic is set when
	// Dynamic has reasons that are not in Argv's words (redirections,
	// assignments).
	ArgDynamic   [][]string
	OtherDynamic bool
	// ArgSplit, when not nil, marks the words of Argv that hold an
	// unquoted expansion ($X, $(cmd), $((...))): the shell splits its value
	// into more words (and globs them), so one word here may be several
	// arguments, options among them, at run time.
	ArgSplit []bool
	// ArgBraces holds, for a word of Argv with a brace expansion, the
	// words bash makes of it, read with the quotes in place (a quoted { ,
	// or } is text) and bash's matching of braces; a word that also globs
	// is given as patterns, its quoted * ? [ ] \ escaped. nil for a word
	// whose expansion is not followed (a sequence {1..5}, more than 64
	// words, an empty word), which the judge cannot know.
	ArgBraces [][]string
	// Env holds the NAME=value assignments made for this command only
	// (`FOO=1 cmd`, `env FOO=1 cmd`), after quote removal. Any of them makes
	// the script unverified: they can change PATH, LD_PRELOAD and the like.
	Env []string
	// Stdin is the text of a static here-document or here-string on the
	// standard input of apply_patch (Codex's patch tool, which models call
	// as `apply_patch <<'EOF'`): the patch it applies; or of a Python
	// interpreter (`python3 - <<'EOF'`): the program it may read there; or
	// of sqlite3 (`sqlite3 app.db <<'SQL'`): its SQL and dot-commands. ""
	// otherwise, and for every other program.
	Stdin string
	// PipeFrom says where the command's standard input comes from when it
	// is read through a pipe: 1 + the index in Script.Commands of the
	// simple command before the | (the last one of that part), -1 when that
	// part is not a simple command (a group, a loop, a subshell), 0 when the
	// command is not on the right of a pipe.
	PipeFrom int
	// InLineLoop is set for a command in the body of a loop over a
	// source's lines (`SRC | while read -r f`, `for f in $(SRC)`), whose
	// words may hold LineWord: the body is walked once, for every line.
	InLineLoop bool
	// OutputMixed is set when the command's standard output may carry
	// more than what it prints there: its standard error too (2>&1, |&,
	// 2>/dev/stdout), or descriptors swapped, by its own redirections or
	// an enclosing one's. A judge that reads its output as a list of
	// names must not.
	OutputMixed bool
	// SubstFrom, when not nil, gives for each word of Argv that is one
	// unquoted command substitution of a simple command or a pipeline
	// ending in one (`wc -l $(git ls-files '*.go')`) 1 + the index in
	// Script.Commands of that command, whose output the shell splits and
	// globs into the words there; 0 for any other word.
	SubstFrom []int
	// Dialect is the language of the shell that runs the command: a `zsh -c`
	// nested in a bash script runs its commands in zsh.
	Dialect Dialect
	// Wrapper holds the words of the wrappers that were stripped in front of
	// Argv, outermost first ("timeout", "10", "nice", "-n", "5"), including
	// those of an enclosing `timeout 5 bash -c '...'`. Nil when the command
	// was not wrapped.
	Wrapper []string
	// Shells are the programs of the shells nested around the command, as
	// written, outermost first: "bash" for the ls of `nice bash -c 'ls'`
	// inside a script. They run as programs too, so the caller resolves
	// them as it resolves Argv[0] (a bash planted on PATH inside a writable
	// root would run instead of the shell the script was judged for).
	Shells []string
}

// Script is the result of parsing a script.
type Script struct {
	// Commands lists every simple command found anywhere in the script, in
	// source order (a command substitution's commands come before the
	// command whose words contain it): inside substitutions, subshells,
	// groups, control flow, function bodies, pipelines, eval and trap
	// strings, and `bash -c STRING` nested up to MaxDepth shells deep.
	Commands []Command
	// Unverified, when not empty, says why the script as a whole is not a
	// plain list of static commands; reasons are joined with "; ".
	Unverified string
}

// Static reports whether the script is a plain list of static commands:
// Unverified is empty and no command is Dynamic.
func (s Script) Static() bool {
	if s.Unverified != "" {
		return false
	}
	for _, c := range s.Commands {
		if c.Dynamic != "" {
			return false
		}
	}
	return true
}

// MaxDepth is how many shells deep `bash -c STRING`, eval strings, trap
// actions, alias values and here-documents fed to a shell are parsed. Deeper
// strings are not parsed: the command that would run them is reported as
// is, and the script is unverified.
const MaxDepth = 4

// pythonName reports whether name (a path or a program's name) is a Python
// interpreter's: python, python3 or python3.N.
func pythonName(name string) bool {
	b := name[strings.LastIndexByte(name, '/')+1:]
	if b == "python" || b == "python3" {
		return true
	}
	minor, ok := strings.CutPrefix(b, "python3.")
	if !ok || minor == "" || len(minor) > 2 {
		return false
	}
	for _, c := range minor {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
