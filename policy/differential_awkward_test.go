package policy

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// awkwardHides are the commands an awkward script hides: each runs a
// program, reads a secret or writes a file guard must judge; the harmless
// ones let guard allow more scripts, whose every program and write must
// then be one it judged.
var awkwardHides = []string{"rm a.txt", "touch pwned", "cat .env", "bash --rcfile F -ic ls", "ls", "cat a.txt", "echo x > y", "git status"}

// awkwardForms wrap a hidden command (%) in a piece of syntax a parser may
// read otherwise than a shell: $'..' and $".." quoting, brace expansion,
// arithmetic, extglob, here-documents with odd delimiters, comments after a
// backslash, CR/LF and bytes beyond ASCII, process substitution,
// coprocesses, function forms, aliases, and time, ! and { } placement.
var awkwardForms = []string{
	// $'..' and $"..".
	"echo $'\\x3b' %", "echo $'\\073'; %", "echo $'\\u003b'%", "echo $'\\c;'%", "echo $\"a\"'b'; %",
	"echo $'\\''%'", "echo $'a\\\\'%", "echo $'\\E'; %", "echo $\"$'x'\"; %", "echo $'\\\"'\"; %\"",
	"echo $''%", "echo $\"\"%", "$'ls'; %", "$'\\x6c\\x73'", "echo $'\\n'#; %",
	// Brace expansion.
	"{%,}", "echo {a..c}; %", "echo {1..3..2} %", "echo {,}; %", "{echo,x}; %", "echo \\{a,b}; %",
	"echo {a,b\\}; %", "echo {\"a,b\"}; %", "echo {$x,y} %", "x{a,b}=1; %", "echo {a,{b,c}}}; %",
	"{ls,-la}", "echo {a..}; %", "echo {a..z..-1}; %", "echo {\\,a}; %",
	// Arithmetic.
	"echo $((1#1)); %", "echo $((x=1)) %", "(( 1 )) && %", "(( 0 )) || %", "echo $(( $(%) ))",
	"let 'a[$(%)]'", "declare -i x; x='a[$(%)]'", "printf -v 'a[$(%)]' x", "read 'a[$(%)]' <<< x",
	"unset 'a[$(%)]'", "declare 'a[$(%)]=1'", "echo ${x:$(%)}", "echo ${x[$(%)]}", "x=([$(%)]=1)",
	"echo $[ $(%) ]", "for ((i=0;i<1;i++)); do %; done", "for ((;;)); do break; done; %",
	"[[ 1 -eq 'a[$(%)]' ]]", "test 1 -eq 'a[$(%)]'", "echo $((`%`))", "echo ${#x[$(%)]}",
	// extglob.
	"shopt -s extglob\ncat @(a).txt; %", "shopt -s extglob; cat !(x|a).txt", "cat +(a).txt",
	"shopt -s extglob\ncat @(.env)", "shopt -s extglob\ncat ?(.)env", "shopt -s extglob\ncat *(.)e*(n)v",
	"shopt -s extglob dotglob\ncat ?env", "shopt -s dotglob; cat ?env", "shopt -s nocaseglob\ncat .ENV",
	"shopt -s globstar\ncat **/.env", "set -o extglob; cat @(.env)", "GLOBIGNORE=x; cat ?env",
	"GLOBIGNORE=.; cat .e*", "shopt -s extglob\ncase x in @(x)) %;; esac",
	// Here-documents with odd delimiters.
	"cat <<'a b'\nx\na b\n%", "cat <<a\\ b\nx\na b\n%", "cat <<-'-'\nx\n-\n%", "cat <<E$\nx\nE$\n%",
	"cat <<$'E'\nx\nE\n%", "cat <<$'E'\nx\n$'E'\n%", "cat <<E#\nx\nE#\n%", "cat <<E\\\\\nx\nE\\\n%",
	"cat <<;\nx\n;\n%", "cat <<'EOF'\t\nx\nEOF\n%", "cat <<EOF\nx\nEOF\t\n%\nEOF", "cat <<EOF\nx\n\tEOF\n%\nEOF",
	"cat <<\"\"EOF\nx\nEOF\n%", "cat <<E\"\"\nx\nE\n%", "cat <<E\r\nx\r\nE\r\n%", "cat <<E\nx\nE\r\n%\nE",
	"cat <<)\nx\n)\n%", "cat <<E;cat <<F\na\nE\nb\nF\n%", "cat <<E\n$(\n%\n)\nE", "cat <<'E'\n$(%)\nE",
	"cat <<E\n${x:-$(%)}\nE", "cat <<E\n$((`%`))\nE", "f() { cat <<E\n%\nE\n}; f", "cat <<<$'\\n'%",
	"cat <<E | %\nx\nE", "(cat <<E\nx\nE\n); %", "cat <<E & %\nx\nE", "cat <<E\nx\nE\n#\\\n%",
	// Comments after a backslash.
	"echo \\#x %", "echo \\ #x\n%", "echo a\\#; %", "ls \\\n#\n%", "echo \\\\#\\\n%", "echo x\\ #\\\n%",
	"echo '#'\\\n%", "echo #\\\\\n%", "ls#x; %", "ls;#x\n%", "echo ${x#\\}}; %", "echo ${x#\n}; %",
	// CR/LF, NUL and bytes beyond ASCII.
	"echo a\r; %", "echo a\r\n%", "ls\r\n%\r\n", "echo '\r'%", "echo \xc2\xa0%", "echo \xe2\x80\xa8%",
	"echo \xef\xbb\xbf; %", "echo é; %", "échо; %", "echo \xff; %", "echo a\x7f; %",
	// Process substitution.
	"cat <(%)", "echo >(%)", "ls > >(%)", "diff <(ls) <(%)", "cat < <(%)", "echo <(%) >/dev/null",
	"cat <(echo x) <(%)", "x=<(%); echo $x", "echo a<(%)b", "cat <(<(%))",
	// Coprocesses.
	"coproc %", "coproc x { %; }", "coproc { %; }", "coproc ( % )", "coproc ls; %", "coproc x %",
	// Function forms.
	"function f () { %; }; f", "function f { %; }; f", "f() ( % ); f", "f() if true; then %; fi; f",
	"f() for i in 1; do %; done; f", "f() [[ 1 ]]; f && %", "function f [[ 1 ]]; f; %", "f() { %; }",
	"function ls { %; }\nls", "ls () { %; }; ls", "function f() ( % )\nf", "f() while false; do :; done; f; %",
	"f() { %; } >x; f", "function a.b { %; }; a.b", "f() case x in x) %;; esac; f", "f() (( 1 )); f && %",
	// Aliases, in bash -c and nested.
	"shopt -s expand_aliases\nalias ls='%'\nls", "shopt -s expand_aliases; alias ls='%'; ls",
	"shopt -s expand_aliases\nalias x='% #'\nx", "shopt -s expand_aliases\nalias a='ls ' b='%'\na b",
	"bash -O expand_aliases -c $'alias l=\"%\"\\nl'", "set -o posix\nalias l='%'\nl",
	"shopt -s expand_aliases\nalias l='{'\nl %; }", "alias ls='%'\nls", "sh -c \"alias l='%'\nl\"",
	"bash --posix -c \"alias l='%'\nl\"", "shopt -s expand_aliases\nalias if='%;'\nif true; then :; fi",
	"shopt -s expand_aliases\nalias l='% \\'\nl\nls",
	// time, ! and { } placement.
	"time ! %", "! time %", "time { %; }", "{ time %; }", "time -- %", "time -p -- %", "! ! %",
	"time -p ! %", "! { %; }", "{ ! %; }", "time\n%", "!\n%", "{ %; } 2>&1", "time ( % )", "time %& ls",
	"{ % }", "{%;}", "{ ls; } %", "!%", "time -p\n%", "! -- %", "time-p %", "{ ls;}; %",
	// Assignments and parameters.
	"x=$(%) ls", "x=`%`", "export x=$(%)", "local x=$(%)", "readonly x=$(%)", "echo ${x:-$(%)}",
	"echo ${x:=`%`}", "echo ${x/a/$(%)}", "echo ${x@P}", "x='$(%)'; echo ${x@P}", "PS4='$(%)'; set -x; ls",
	"PROMPT_COMMAND='%' ls", "x='$(%)'; eval echo $x", "trap '%' EXIT", "trap '%' DEBUG; ls", "trap -- '%' ERR; false",
	"BASH_ENV=F bash -c ls", "x=1 %", "IFS=x; %", "IFS=.; cat a.txt", "IFS=a; x=ls; $x",
	// zsh: qualifiers, =(..), $(<f), =cmd and parameter flags.
	"ls *(e:'%':)", "ls *(+f)", "ls =(%)", "echo $(<.env)", "echo ${(e):-'$(%)'}", "echo =ls; %",
	"ls *(N); %", "echo ${~x}; %", "echo ${^x}; %", "echo ${(%):-%%}; %", "echo ${(q)x}; %",
	"ls *(:s/a/b/)", "echo ${:-$(%)}", "echo ${${x}:-$(%)}", "print -r -- $'%'", "ls ^a.txt; %",
	// Text to bash that zsh, the agent's shell, expands (judge-24): flags,
	// subscripts and modifiers of special parameters, =name.
	"head -1 $$:h:s/./.en/:s/n/nv/; %", "cat x$$[1]; %", "head -3 $+HOME; %", "cat =ls; %", "cat $=HOME; %",
	"ls -d $~; %", "cat $?:h; %", "cat \"$$:h\"; %", "cat $$*; %", "head -3 x$$.log; %", "ps -p $$; %",
}

// awkwardScripts returns n scripts: a form with a hidden command, glued to
// another form at random, mutated now and then.
func awkwardScripts(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc908))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	fill := func(form string) string { return strings.ReplaceAll(form, "%", pick(awkwardHides)) }
	out := make([]string, 0, n)
	for _, form := range awkwardForms {
		out = append(out, fill(form))
	}
	for len(out) < n {
		s := fill(pick(awkwardForms))
		if r.IntN(2) == 0 {
			s += pick(gramSeps) + fill(pick(awkwardForms))
		}
		if r.IntN(3) == 0 {
			s = mutate(r, s)
		}
		out = append(out, s)
	}
	return out[:n]
}

// TestDifferentialAwkward runs awkward scripts beyond the grammar's: every
// form once, then random combinations (GUARD_DIFF_SEED, GUARD_DIFF_N).
func TestDifferentialAwkward(t *testing.T) {
	l := newDiffLab(t)
	n := len(awkwardForms)
	if s := os.Getenv("GUARD_DIFF_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	scripts := awkwardScripts(max(n, len(awkwardForms)), diffSeed(t))
	if f := os.Getenv("GUARD_DIFF_SCRIPTS"); f != "" {
		// Scripts of one's own, separated by NUL bytes, in place of the
		// generated ones.
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts = strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
	}
	runs := diffCheck(t, l, scripts)
	t.Logf("%d scripts, %d runs", len(scripts), runs)
}
