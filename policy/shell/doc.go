// Package shell turns a shell script, such as the string an agent hands to
// `bash -lc`, into the simple commands it would run, so that each can be
// classified on its own. It parses with mvdan.cc/sh/v3/syntax and never runs
// or expands anything.
//
// Parse reports three things:
//
//   - Script.Commands: every simple command found anywhere in the script,
//     wherever it hides: in pipelines and lists, command and process
//     substitutions (also inside ${x:-...}, arithmetic and unquoted
//     here-documents), subshells, groups, if/while/until/for/select/case
//     bodies, function bodies (whether called or not), coprocesses, and in
//     the strings of `bash -c`, eval, trap and alias.
//   - Script.Unverified: why the script is more than a plain list of static
//     commands.
//   - Command.Dynamic: why one command's words, redirections or environment
//     are only known at run time.
//
// A script is static (Script.Static) when it is made only of simple
// commands joined by &&, ||, ;, |, |& and newlines, possibly negated with !,
// grouped in subshells ( ) and groups { } or in if/elif/else statements
// (every branch is walked; a cd inside a subshell stays there, and after an
// if the directory is either branch's), and [[ ]] in bash that only tests
// literal words or a literal loop's variable (no -v/-R, arithmetic only
// between literal numbers: [[ ]] evaluates those operands),
// with redirections, here-documents whose delimiter is quoted or whose body
// has no expansions, cd/pushd to literal directories, the wrappers below,
// bash's `time` keyword, and `bash -c` strings that are static themselves.
// One command substitution is static too, the way agents pass commit
// messages: "$(cat <<'EOF' ... EOF)" inside double quotes, with a bare cat
// and a here-document without expansions, stands for the document's text
// (trailing newlines removed); the cat is reported as a command.
//
// # Unverified
//
// Unverified lists, joined with "; ", each construct found that is not a
// plain static command: command substitution, process substitution,
// arithmetic expansion, while/until/
// for/select loop (and zsh's `repeat N cmd`), case statement, function
// definition, arithmetic command (( )), let, conditional expression [[ ]],
// coprocess, background job & (also zsh's &| and &!), an assignment
// statement (X=1) or assignments before a command (FOO=1 cmd) or through
// env (env FOO=1 cmd), builtins that change the shell's state (export,
// declare, typeset, local, readonly, unset, unalias, hash, enable, setopt,
// ...), source and ., eval, trap, alias, exec with only redirections, a named
// file descriptor ({fd}>f), an array subscript with an expansion passed to
// a builtin that takes variable names (bash evaluates it: `printf -v
// 'a[$(id)]' x` runs id), a nested script that does not parse or is nested
// more than MaxDepth shells deep, and a working directory that cannot be
// known (see below). The commands are still reported.
//
// # Dynamic
//
// Dynamic gives, for each part of a command that is expanded at run time,
// its kind, its source text and where it is ("parameter expansion $X in
// argument 2", "glob *.py in argument 1", "tilde ~/x in the command name",
// "command substitution $(date) in redirection target", "... in
// here-document", "... in assignment FOO"). Kinds: parameter expansion,
// command and process substitution, arithmetic expansion, globs (unquoted
// *, ?, [...]; in zsh also (...) and <N-M>), extended globs @(...), tilde
// (at the start of a word, or after = or :), brace expansion ({a,b},
// {1..3}; not in POSIX sh), zsh's =cmd, $"..." translation, in POSIX sh
// $'...' (literal in dash, ANSI-C quoting in bash's sh), in bash and zsh a
// $'...' escape whose bytes bash's version or the locale decides (\x{..},
// \c\\, \u and \U above U+007F), and a backslash at the very end of the
// script (dropped by bash, kept by dash). Argv then
// keeps the source text of each dynamic part. Quoted text is literal: `find
// . -name '*.py'` is static. Quote removal handles single and double
// quotes, backslashes, line continuations and bash's and zsh's $'...'
// (decoded); the tests check it against bash and dash.
//
// # Directories
//
// cd, pushd (and `command cd`) to a literal directory are not reported as
// commands (unless they redirect or assign); they move Command.Dir for the
// commands after them. A relative directory is joined onto the current one
// and cleaned, as cd's default logical mode does. The failure of a cd is
// followed too: after `cd d; cmd` or in `cd d && a || b`, cmd and b may run
// in "" (the starting directory) as well as in d, and Command.OtherDirs
// lists the other candidates. A cd whose path climbs with .. past a name
// (`cd link/../sub`, `cd ../x` after `cd a`) is followed as cleaned, as
// bash's logical cd does when that directory exists; Command.Climbed lists
// such directories for the caller to check (else bash chdirs through the
// links the path names). cd with no argument, `cd -`, cd to a dynamic
// or tilde directory, cd with several arguments, popd, and a cd inside a
// loop make the directory unknown: commands run after them make the script
// unverified ("working directory unknown: cd -"). Subshells, pipeline parts
// (but zsh's last one) and nested shells do not change the directory of the
// commands after them.
//
// # Redirections
//
// Command.Writes holds the targets of >, >>, >|, &>, &>>, N>, >&FILE and
// <>; Command.Reads those of < and <>; descriptor duplications (2>&1, >&2,
// >&-) are neither, and /dev/null, /dev/stdin, /dev/stdout and /dev/stderr
// are left out. The redirections of a group, loop, `bash -c`, eval or other
// compound apply to every command inside it; when a cd inside moves a
// command away from where they were opened, they are also reported as a
// Command of their own (empty Argv) from that directory. Opening
// /dev/stdin, /dev/stdout or /dev/stderr opens the file on that descriptor
// anew: after `< f` (here or in an enclosing compound) a write there is
// reported as a write of f, after `>> f` or `<> f` a read there as a read
// of f, each as such a Command from where f was opened. A statement with only
// redirections (`> f`, `X=1 > f`) is reported as a Command with an empty
// Argv.
//
// # Wrappers
//
// These are stripped and the wrapped command is reported, with the wrapper's
// words in Command.Wrapper: timeout [opts] DURATION, nice [-n N | -N],
// nohup, time (the program: -o FILE is a write), stdbuf -i/-o/-e MODE, env
// followed only by NAME=value words (into Command.Env), command [-p],
// builtin, exec (the shell does not continue after it), and in zsh noglob,
// nocorrect and repeat N. A wrapper is recognised only under its bare name
// or an absolute path in /bin, /usr/bin, /usr/local/bin, /opt/homebrew/bin,
// /sbin or /usr/sbin (`./timeout 5 ls` is reported as it is), only when
// all its words are static and a command follows, and only with the
// options listed: `env -i cmd`, `env -C dir cmd`, `command -v x`, `exec -a
// name cmd` and unknown options leave the wrapper as the reported command,
// for the policy to judge. After a program wrapper (timeout, nice, nohup,
// stdbuf, time, env) or exec, the shell's command, builtin and exec are
// programs looked up on PATH, and are reported as such (`env builtin cd d`). sudo, xargs, find -exec, watch, ssh and the like
// are not wrappers here.
//
// # Nested shells
//
// bash, sh, dash, ash and zsh (bare or by system path, also behind `env`)
// with -c STRING, after any options (-e, -x, -o NAME, --norc, ...), are not
// reported themselves: STRING is parsed in that shell's
// dialect (sh and dash as POSIX) and its commands are reported, starting in
// the current directory and inheriting the outer redirections, environment
// and wrappers. So is a here-document or here-string fed to such a shell
// without -c (`bash <<'EOF' ... EOF`). A dynamic STRING, a script file
// (`bash x.sh`), a script on a pipe (`curl ... | sh`), an unknown option, a
// STRING that does not parse or one more than MaxDepth shells deep leave the
// shell as the reported command. eval with static arguments is parsed the
// same way (in the current shell, so its cd counts); trap actions and alias
// values are parsed for the commands they name, which run later.
//
// Options that make the nested shell run files or read STRING otherwise
// make the script unverified (STRING is still parsed for its commands): -i
// and -l, --login, --rcfile, --init-file (startup files, $ENV), -O and +O
// (shopt, such as extglob), --posix, -k, -t, -p, -P, and -o with a name
// other than errexit, nounset, xtrace, verbose, noglob, noexec, noclobber,
// hashall, braceexpand, histexpand, allexport, errtrace, functrace, notify
// and pipefail.
//
// # Where the shells read the text otherwise
//
// mvdan.cc/sh does not read every text as bash and dash do. Where they may
// differ, the script is unverified, its commands still reported: a carriage
// return, a NUL byte, bytes that are not UTF-8, other control characters,
// invisible or space-like Unicode characters; a line with a # that ends in
// a backslash (a comment ends at the newline in the shells, the parser
// joins the next line into it); a line continuation on the line of a << or
// after a << with an unquoted delimiter (the shells may end a here-document
// at another line); >& or <& with a target that is
// no descriptor and is quoted or starts with - or a digit (bash splits
// >&-x into >&- and x, and unquotes >&'\'x its own way); a redirection to
// /dev/tcp/ or /dev/udp/ (bash opens a socket); a duplication from or to a
// descriptor above 2 that the script did not open. In POSIX sh, builtin,
// pushd and popd are programs, as in dash (pushd and popd leave the
// directory unknown, sh being bash on some systems). In zsh: `time -p`
// (zsh's time takes no option: -p is a program) and `time time`, a
// descriptor move `N>&M-` (a file to zsh), $~ $= $^ (parameter flags),
// $'...' escapes zsh decodes otherwise than bash, and a command with more
// than one input (a pipe and a redirection: zsh's MULTIOS reads them all).
// ZshReadsOtherwise finds those in a script judged as bash. policy's
// TestDifferential runs scripts in the real bash, dash and zsh to find such
// classes.
//
// # Bounds
//
// A script longer than MaxScriptBytes, with brackets nested more than
// MaxNesting deep (counted on the text before parsing; statements are
// counted again while walking), more than MaxOpeners brackets, MaxKeywords
// if/case/do/time/coproc, MaxOperators of $ ; | &, MaxRightAssoc of = ? **
// (each nests the parser in an arithmetic chain, a=a=…), MaxWords words or
// a run of more than MaxUnaryRun unary operators is not parsed: Parse
// returns it unverified with no commands. Every walk of the syntax tree
// stops at MaxTreeDepth (Walk; past it the script is unverified): the
// parser makes a node per operator of an arithmetic or test expression. At most
// MaxCommands commands are reported. The walk itself is bounded by MaxWork
// steps (statements, rounds of literal for loops, bytes of nested scripts
// parsed, words reported), past which the script is unverified: nested
// loops and a `bash -c` inside a loop would otherwise multiply the work
// (2^40 rounds from 1 KB). `a && b && ...` chains are walked in
// a loop, and cd paths are bounded, so that time and memory grow linearly
// with the script.
//
// # Limits
//
// Nothing outside the text is known:
//
//   - The text is read as UTF-8 (or bytes, in the C locale). In a locale
//     whose multibyte characters can end in an ASCII byte (GBK, Big5,
//     Shift-JIS), the shells read a \ or | after such a character as part
//     of it.
//   - Aliases and functions defined elsewhere (startup files of `bash -l`
//     or `zsh -l`, BASH_ENV, exported bash functions, an interactive
//     shell's rc files) can give any name another meaning. zsh expands
//     aliases in scripts; an alias or function defined in the script makes
//     it unverified, but calls to it are reported under their own name.
//     Shell options set there are not known either: with zsh's
//     extendedglob, ^, # and ~ are glob operators too (setopt in the
//     script makes it unverified).
//   - source and . are not followed; eval only when its arguments are
//     static. Commands run by other programs (xargs, find -exec, make,
//     git hooks, python -c) are the policy's business.
//   - Builtins that evaluate their arguments as code in some forms (test -v,
//     printf -v, read, unset, wait -p) are reported as ordinary commands;
//     only array subscripts with an expansion in them are caught.
//   - CDPATH is not followed: with it set in guard's environment, a cd to a
//     name it may find (`cd src`, not `cd ./src`) leaves the directory
//     unknown. A cd with -P (the last of -L and -P) or -@ leaves the
//     directory unknown: it resolves links, so its .. is the target's
//     parent, which the text does not say. The pushd/popd stack is not
//     modelled. nohup may write nohup.out, which is not reported.
//   - The parser is mvdan.cc/sh's: a few scripts that a shell accepts are
//     parse errors here, and zsh's short loop forms other than `repeat N
//     cmd` fail to parse. A here-document whose delimiter is only partly
//     quoted ("E"OF) is treated as quoted, as shells do.
//   - Dynamic words are not split or expanded, so Argv of a dynamic command
//     may have a different number of words at run time.
package shell
