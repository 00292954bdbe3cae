package policy

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// diffClasses are the hand-written scripts of the differential test, by
// the class of disagreement between a parser and a shell they try. Each
// hides a command guard must see (rm a.txt, touch pwned, a startup file)
// behind something that only looks harmless.
var diffClasses = map[string][]string{
	"comment_backslash_newline": {
		"echo ok #\\\nrm a.txt", "ls # x \\\ntouch pwned", "ls;#\\\nrm a.txt", "#\\\nrm a.txt",
		"echo a #b\\\\\\\nrm a.txt", "ls \\\n#\\\nrm a.txt", "echo 'a' #'\\\nrm a.txt",
		"ls #\\\r\nrm a.txt", "echo $(ls #\\\n)rm a.txt",
	},
	"backslash_cr_lf": {
		"echo a\\\r\nrm a.txt", "ls \\\r\ntouch pwned", "echo \"a\\\r\n\"; ls", "ls\\\r\n-la",
		// A line continuation between a $ and its name: the shells join them.
		"ls $\\\n-la", "cat $\\\n{HOME}/.bashrc", "cat $\\\n'\\x46'", "cat \"$\\\n{HOME}\"/.profile", "ls $\\\n\\\n-",
	},
	"carriage_return": {
		"ls\rrm a.txt", "echo a\r\nrm a.txt", "ls\r", "echo 'a\r' ; ls", "ls #\rrm a.txt\n",
		"cat <<EOF\r\nx\r\nEOF\r\nrm a.txt\r\n",
	},
	"heredoc_delimiter_continuation": {
		"cat <<EO\\\nF\nhi\nEO\\\nF\nrm a.txt\nEOF", "cat <<EOF\nhi\nEO\\\nF\nrm a.txt\nEOF",
		"cat <<'EOF'\nhi\nEO\\\nF\nrm a.txt\nEOF", "cat <<EOF\nhi\\\nEOF\nrm a.txt\nEOF",
		"cat <<-EOF\n\thi\n\tEO\\\nF\nrm a.txt\nEOF", "cat << EOF\nEOF \nrm a.txt\nEOF",
		"cat <<EOF\nx\n EOF\nrm a.txt\nEOF", "cat <<\"EOF\"\nx\nEOF\\\nrm a.txt\nEOF",
		"cat <<E\\OF\nx\nEOF\nls", "cat <<EOF; ls\nx\nEOF", "cat <<EOF\nx\nEOF\nls",
		"cat <<EOF\n$(rm a.txt)\nEOF", "cat <<EOF\n`rm a.txt`\nEOF",
		"cat <<EOF && cat <<EOF\na\nEOF\nb\nEOF\nls",
		"cat <<$x\nrm a.txt\n$x\nls", "cat <<\"E\"OF\nrm a.txt\nEOF\nls", "cat <<E'O'F\nx\nEOF\nls",
		"cat <<'E\\OF'\nx\nE\\OF\nls", "cat <<\\EOF\nx\nEOF\nls", "cat <<EOF;ls\nx\nEOF",
		"cat <<A <<B\na\nA\nb\nB\nls", "cat <<-A\n\ta\n\tA\nls", "cat <<EOF\nx\nEOF", "cat <<EOF\nx",
		"cat <<'EOF'\nx\nEOF\n\nls", "cat <<E\nE E\nrm a.txt\nE", "cat <<''\nrm a.txt\n\nls",
		"cat <<\"\"\nx\n\nls", "cat << 'EOF' # c\nx\nEOF\nls", "cat <<EOF | cat\nx\nEOF\nls",
		"cat <<${x}\nrm a.txt\n${x}\nls", "cat <<`x`\nrm a.txt\n`x`\nls", "cat <<EOF\n\\\nEOF\nls",
		"cat <<'EOF'\nx \\\nEOF\nrm a.txt\nEOF", "cat <<\"EOF\"\na\\\nEOF\nls", "cat <<\\EOF\nEOF\\\nrm a.txt\nEOF",
		"cat <<'E'\\\n\nx\nE\nls", "cat <<-'EOF'\n\tx\\\n\tEOF\nls", "cat <<'A'\nx\nA\ncat <<B\ny\\\nB\nrm a.txt\nB",
		"cat <<'EOF'\nx\nEOF\nls \\\n-la", "cat <<E'O'F\nEO\\\nF\nrm a.txt\nEOF", "cat <<'EOF' \\\n> x\ny\nEOF",
	},
	// The shells undo escapes in a delimiter ($'...', "\`" in double
	// quotes) before they compare lines with it, and find the end of a
	// substitution before they read a here-document inside it: bash ends
	// one in $( ) at a line that begins with the delimiter, all three end
	// backquotes at the next backquote, and dash and zsh take a document
	// whose substitution closes on the << line as empty.
	"heredoc_delimiter_escapes_and_substitutions": {
		"cat <<$'E\\x4fF'\nx\nEOF\nrm a.txt\nE\\x4fF\nls", "cat <<\"E\\`F\"\nx\nE`F\nrm a.txt\nE\\`F\nls",
		"cat <<\"E\\$F\"\nx\nE$F\ntouch pwned\nE\\$F", "cat <<$'E\\tF'\nx\nE\tF\nrm a.txt\nE\\tF",
		"echo \"$(cat <<'EOF'\nmsg\nEOF)\"\nrm a.txt\nEOF\n)\"", "echo \"$(cat <<'EOF'\nmsg\nEOFX)\"\ntouch pwned\nEOF\n)\"",
		"echo \"$(cat <<EOF)\"\nrm a.txt\nEOF\n", "cat <<A; echo \"$(cat <<'B')\"\na\nA\ntouch pwned\nB\n",
		"echo \"`cat <<'EOF'\nmsg `\"\nrm a.txt\necho \"`\nEOF\n`\"", "echo \"`echo 'a`\"; rm a.txt\n: '`\"",
		"echo \"$(cat <<'EOF'\nmsg\nEOF\n)\"; ls", "echo \"`date`\"; ls",
	},
	"nested_shell_startup_files": {
		"bash --rcfile F -ic ls", "bash --init-file F -ic ls", "bash -i <<EOF\nls\nEOF",
		"bash -ic ls", "bash -lc ls", "bash --login -c ls", "bash -l -c ls", "sh -lc ls",
		"sh -ic ls", "dash -ic ls", "bash -i -c ls", "bash --rcfile=F -ic ls",
		"bash -c ls --rcfile F", "bash -s < x.sh", "sh -s < x.sh", "bash < x.sh", "sh x.sh",
		"bash -s <<EOF\nls\nEOF", "bash -O extglob -c ls", "bash +O extglob -c ls",
		"bash -o posix -c ls", "env BASH_ENV=F bash -c ls", "BASH_ENV=F bash -c ls",
		"ENV=F sh -ic ls", "bash -c 'ls' F", "bash -c ls bash x.sh", "bash -ci ls",
		"bash --posix -ic ls", "bash -il <<<ls", "bash -i <<<ls", "bash <<<ls",
		"bash -c 'bash --rcfile F -ic ls'", "bash --norc -ic ls", "bash --noprofile -lc ls",
		"bash -D -c ls", "bash --dump-strings -c ls", "bash -r -c ls", "bash -ec ls", "bash -xc ls",
		"sh -ec ls", "bash -c -i ls", "bash -kc ls", "bash -c -- ls", "sh -c - ls", "bash -c -- 'rm a.txt'", "dash -c - 'touch pwned'",
	},
	"loop_glob_and_inert_env": {
		`for f in *.txt; do cat "$f"; done; rm a.txt`, `for f in *; do cat "$f"; done`,
		`for f in a* b*; do rm "$f"; done`, `for f in *.txt; do echo "$f"; done | sh`,
		`for f in *.txt; do "$f"; done`, `LC_ALL=C rm a.txt`, `env LC_ALL=C touch pwned`,
		`GIT_PAGER=cat ls; rm a.txt`, `TZ=UTC LANG=C ls && touch pwned`,
		`cat {a,b}.txt; rm a.txt`, `grep -r x . --exclude-dir={a,b}; touch pwned`, `ls {a,{b,c}}.txt`,
		`cat *.{txt,md}`, `[ -z "$X" ] || rm a.txt`, `[ "$X" = 1 ] && touch pwned`,
		`(ls; rm a.txt)`, `{ ls; touch pwned; }`, `if ls; then rm a.txt; fi`, `(cd d && ls) && touch pwned`,
		`[[ -f a.txt ]] && rm a.txt`, `[[ 'a[$(touch pwned)]' -eq 1 ]]`, `[[ -v 'a[$(touch pwned)]' ]]`,
		`set -e; ls; touch pwned`, `if [[ a == a ]]; then ls; else rm a.txt; fi`,
	},
	"dev_tcp_redirection": {
		"cat < /dev/tcp/127.0.0.1/9", "ls > /dev/tcp/127.0.0.1/9", "echo hi >/dev/udp/127.0.0.1/9",
		"cat </dev/tcp/localhost/1", "exec 3<>/dev/tcp/127.0.0.1/9", "cat 0</dev/tcp/127.0.0.1/9",
		"ls 2>/dev/tcp/127.0.0.1/9", "echo </dev/tcp/127.0.0.1/9", "cat < //dev/tcp/127.0.0.1/9",
		"cat < /dev/./tcp/127.0.0.1/9", "ls >>/dev/udp/127.0.0.1/9", "ls &>/dev/tcp/127.0.0.1/9",
		"cat <>/dev/tcp/127.0.0.1/9", "cat < /dev/tcp/127.0.0.1/9 || ls",
	},
	"control_and_invisible_bytes": {
		"ls\x0brm a.txt", "ls\x0crm a.txt", "ls\x1b; rm a.txt", "echo a\u00a0;\u00a0rm a.txt",
		"ls\u2028rm a.txt", "ls\u2029rm a.txt", "ls\u3000rm a.txt", "ls\ufeff; rm a.txt",
		"echo \u202erm a.txt", "ls\u200b; rm a.txt", "ls \x85rm a.txt",
	},
	"non_utf8": {
		"ls \xff\nrm a.txt", "echo \xc3; rm a.txt", "echo '\xe2\x80'; ls", "\xff\xfe; ls",
		"echo \xc0\xaf; ls", "ls #\xff\\\nrm a.txt",
	},
	"aliases": {
		"alias ls='rm a.txt'\nls", "shopt -s expand_aliases; alias ls='rm a.txt'\nls",
		"alias x=ls; x", "unalias ls; ls",
	},
	"set_and_shopt": {
		"set -k; ls a=b", "set -o posix; ls", "set -e; ls", "set -euo pipefail; ls", "set -- a b; ls",
		"shopt -s expand_aliases; ls", "set -t; ls; rm a.txt", "set -n; ls", "set +h; ls", "set -P; cd d; ls > y",
	},
	// The agent's shell with nullglob (zsh: NULL_GLOB) drops a glob that
	// matches nothing: grep -r, rg and find then read the directory.
	"nullglob_drops_unmatched": {
		"grep -rh = x*.md", "grep -r -h = nosuch/*.txt", "find x*.md -name '.e*' -exec cat {} +",
		"(grep -rh = q?.rst) && ls", "grep -rn OPENAI x*.md a.txt", "ls x*.md", "cat x*.md",
		"head -1 [[[!a][!a**/]", "cat [!b].touch x!t", "cat [[.[$'^'e]nv", "rm -f *.log",
	},
	// A quoted or escaped ! or ^ at a bracket's start negates nothing, a
	// quoted - makes no range: the set holds them as characters.
	"quoted_bracket_members": {
		`cat .[\^e]nv`, `cat .['^'e]nv`, `cat .["!"e]nv`, `cat .[\!e]nv`, `head -1 .[\^e]*`, `cat .[$'^'e]nv`,
		`cat .e[m'-'o]v; ls`, `cat [!x].txt`, `ls '-'*`,
	},
	"extglob_and_shopt": {
		"shopt -s extglob\nls @(a|b)", "ls !(x)", "shopt -s failglob; ls", "set -f; ls *",
		"shopt -u expand_aliases; ls", "set -o noclobber; echo > x",
	},
	"dollar_single_quote": {
		"echo $'\\x27'; rm a.txt'", "echo $'a\\'b'; ls", "echo $'\\'' ; rm a.txt '", "echo $'#'; ls",
		"echo $\"a\"; ls", "echo $'\\\n'rm a.txt", "echo $'a\\\nb'; ls",
	},
	"quoted_braces_and_globs": {
		`cat {a,x}"{1,2}"`, `cat *.{txt},md}`, `cat a.{txt}",md}"`, `cat *"[x]"`, `cat ?'[a]'*`, `cat {a,b}\{c,d}`,
		`cat x{a}b,c}`, `cat {},a.txt}`, `cat {a.txt,{},b}`, `ls {a,b}"*"`, `ls {a,b}"*touch pwned"E*F`, `ls {x,y}"*z"*`, `ls * > --rcfile Fx`, `cat "{"a.txt,b}`,
		`cat [^a].txt`, `cat [^b].txt`, `cat [!b].txt`, `ls [^a]*`,
	},
	"glob_bytes_and_locale": {
		"cat ??", "cat [![:alpha:]]", "head -1 [!a][!a]", "cat < ??", "grep -n a ??",
	},
	"brace_expansion": {
		"{rm,a.txt}", "echo {a,b}", "{ls,-la}", "echo {1..3}", "ls {a.txt,x}", "{echo,hi}>x",
	},
	"cd_startup_options": {
		// Where a cd lands in the agent's shell with options of the user's
		// start-up files (optionShells), and in the default shells, whose
		// logical cd chdirs through the links when the directory before a
		// .. is not there.
		"cd HOME && cat k", "cd HOME; cat k", "pushd HOME && cat k", "cd lk/.. && cat k", "cd lk && cd .. && cat k",
		"cd lk/../sub/.. && cat k", "cd ./lk/../sub/.. && head -1 k", "cd d && cd ../lk/.. && cat k", "ls ~ >x; cd _ && cat k",
		"cd lk && cat f", "cd d && cd .. && cat a.txt", "cd d/.. && cat a.txt", "cd nosuch && cat k", "cd lk; ls",
	},
	"process_substitution": {
		"cat <(rm a.txt)", "diff <(ls) <(ls)", "ls > >(rm a.txt)", "cat <(ls)",
	},
	"arithmetic": {
		"echo $((a[$(rm a.txt)]))", "(( x = $(touch pwned) ))", "echo $((1+1))", "echo $[1+1]; ls",
		"x=a[$(touch pwned)]; echo $((x))", "((1)); ls",
	},
	"double_bracket": {
		"[[ -v a[$(touch pwned)] ]]", "[[ a == a ]] && ls", "[[ $(rm a.txt) ]]", "[ a = a ] && ls",
		"test -v 'a[$(touch pwned)]'", "[[ a =~ (a) ]] && ls",
	},
	"here_string": {
		"cat <<< $(rm a.txt)", "cat <<<'x'", "cat <<<x; ls", "cat <<< \"$(touch pwned)\"",
	},
	"case_fallthrough": {
		"case a in a) ls;;& *) rm a.txt;; esac", "case a in a) ls;& b) rm a.txt;; esac",
		"case a in (a) ls;; esac", "case a in a) ls;; esac; ls",
	},
	"function_shadowing": {
		"ls() { rm a.txt; }; ls", "cat() { touch pwned; }\ncat a.txt", "function ls { rm a.txt; }; ls",
		"ls() (rm a.txt); ls", "echo() { rm a.txt; }; echo hi", "f() { ls; }; f",
	},
	"builtin_command_exec_enable": {
		"enable -n echo; echo hi", "builtin echo hi > x", "command ls", "command -p ls", "exec ls",
		"exec -a foo ls", "enable -f ./x.so x", "builtin cd d; ls", "command -v ls", "type ls",
		"exec 3>x; ls", "exec >x; ls", "exec -c ls", "command exec ls", "builtin exec ls",
		"hash -p ./x.sh ls; ls", "enable -a; ls",
	},
	"fd_redirections": {
		"ls >&3", "ls 3>x", "echo a >&9", "cat <&5", "ls 2>&7", "cat <> a.txt", "ls >| x", "ls &> x", "ls >& x", "ls 2>&1 >x",
		"ls >&x", "ls 1>&2", "ls 2>x", "ls 3<>x", "ls >x 3>&1", "cat 3<a.txt <&3", "ls 9>x",
		"ls {fd}>x", "ls &>>x", "ls >&-", "ls <&-", "ls 2>&1- ", "echo >d/../x", "ls > d/y",
		"ls | > x", "ls | > $HOME/x", "> x\\", "ls|> d/y\\", "ls && > d/y", "> '$x'",
		"ls >&-touch pwned", "ls <&-rm a.txt", "ls 2>&1-touch pwned", "ls >&1x", "ls >&-- rm a.txt",
		`echo $>&'\'' ; rm a.tx[[t '`, `ls >&'\'x`, `ls >&"\\"x`, `ls <&'\'a.txt`,
		// /dev/stdin, /dev/stdout and /dev/stderr reopen the file on that
		// descriptor: a write there after an input redirection writes it.
		"{ echo pwned >> /dev/stdin; } < a.txt", "echo pwned 2< a.txt >> /dev/stderr", "( echo pwned > /dev/stdout ) 1< a.txt",
		"for i in 1; do echo pwned >> /dev/stdin; done < a.txt", "bash -c 'echo pwned >> /dev/stdin' < a.txt",
		"{ echo pwned >> /dev/stderr; } 3< a.txt 2<&3", "{ cd d && echo pwned >> /dev/stdin; } < a.txt",
		"echo pwned | { echo x >> /dev/stdin; }",
	},
	// zsh reads these otherwise than bash: its time takes no options (-p
	// is a program), it has no descriptor move (`>&1-` writes the file
	// 1-), it decodes $'...' as print does, and it runs a pipeline's last
	// part in the shell itself.
	"zsh_differences": {
		"time -p ls", "ls | time -p cat a.txt", "! time -p ls", "ls 2>&1-", "ls >&1-", "echo x >>&2-",
		"cat <&0-", "ls 2>&1 >&-", "cat $'\\q'a.txt", "cat $'a\\c.txt'", "ls $'\\x'", "ls $'\\C-a'",
		"ls | cd d; ls > y", "ls | cd d && ls > y", "echo hi >&2", "ls &>| x", "ls >! x", "nocorrect ls",
		"noglob ls *", "repeat 2 ls", "ls; exit 0", "echo $HOME:h", "cat <a.txt", "echo }", "ls {",
		"if true; then ls; fi", "{ ls }", "cd d/ && ls > y", "ls |& cat", "ls > $~'y'", "ls > $=''y",
		"ls > d/$^\\\ny", "ls > \"$~y\"", "cat a.txt | sh <<'E'\nls\nE", "sh < x <<<ls", "cat x | bash <<<ls",
	},
	// zsh ties these lower-case names to its own state, bash binds them as
	// plain variables of the script: path is PATH.
	"zsh_special_names": {
		"for path in d; do ls; done", "echo d | while read path; do ls; done", "for path in d .; do ls a.txt; done",
		"printf 'd\\n' | while IFS= read -r path; do ls -la; done", "for fpath in d; do ls; done", "for f in d; do ls; done",
	},
	// dash, the /bin/sh a Codex model may name, reads braces, $'...' and
	// $"..." as text and &> as & and >.
	"dash_agent_readings": {
		"cat {x,y}", "cat a.txt {x,y}", "cat $'x'", "head -1 $'x'", "ls &>/dev/null rm a.txt",
		"ls &>>/dev/null touch pwned", "echo {a,b}", "cat a{.txt,}", "ls &>/dev/null",
	},
	// bash's builtins and keywords dash runs as programs found on PATH
	// (the lab's holds a recorder of each name; judge-29).
	"dash_lacks_builtins": {
		"[[ -f a.txt ]] && echo yes", "ls; [[ -n x ]] || echo no", "echo \"$([[ -d d ]] && echo d)\"",
		"pushd d", "command pushd d", "builtin command pushd d", "popd", "builtin echo hi", "dirs", "ls && builtin cd d",
		"for f in *.txt; do [[ -s \"$f\" ]] && cat \"$f\"; done",
	},
	"dash_differences": {
		"ls &>x", "echo $'a'; ls", "echo {a,b}", "[[ a ]]", "ls |& cat", "ls &> /dev/null",
		"echo a >&x", "function f { ls; }", "ls; source x.sh", "echo ${x:-$(touch pwned)}",
		"ls >&2 &>x",
	},
	// The hooks' plain allow runs the script inside the agent's own
	// wrapper, in its shell: Gemini CLI's writes into the file
	// $_bgpids_file names after the script (geminiWrapperShell).
	"agent_wrapper_state": {
		"for _bgpids_file in a.txt; do ls; done", "for _bgpids_file in d/../a.txt; do :; done",
		"while read -r -d '' _bgpids_file; do :; done <<< a.txt", "for f in a.txt; do ls \"$f\"; done",
		"for _bgpids_file in x a.txt; do ls; done; ls", "ls & wait",
	},
	"cd_and_directories": {
		"cd d; ls > y", "cd d && ls > y", "cd /; ls", "cd d || ls > y", "cd d; cd ..; ls > y",
		"cd - ; ls", "pushd d; ls > y", "cd d/../d; ls > y", "(cd d; ls > y); ls > z",
		// A block's redirections are opened before the cd inside it.
		"{ cd d && ls; } > y", "( cd d && ls ) >> y", "if cd d; then ls; fi > y", "bash -c 'cd d && ls' > y",
		"{ cd d && cat; } < a.txt > y",
	},
	"uncertain_cd_and_loops": {
		"if false; then cd d; fi; for f in *; do ls \"$f\" > y; done", "false && cd d; cat * > y",
		"cd x 2>/dev/null; ls * > y", "for i in 1 2; do ls * > y; cd d; done", "cd /nonexist; ls * > y",
		"for f in *.txt; do for f in d; do :; done; cat \"$f\"; done", "for f in *; do cd d && ls \"$f\"; done",
		"for f in a.txt; do ln -s a.txt n; cat n; done", "ln -s a.txt n && cat n",
	},
	"wrappers": {
		"timeout 5 ls", "nice -n 1 ls", "nohup ls", "env ls", "env FOO=1 ls", "time ls",
		"stdbuf -o0 ls", "timeout 5 bash -c ls", "nice bash -c 'ls > x'", "command timeout 5 ls",
		"ls | time -p cat a.txt", "ls |\ntime cat a.txt", "ls | time -o pwned cat", "ls |& time ls",
		"ls && time -p ls", "! time ls", "time time ls", "ls | time",
	},
	"expanded_words": {
		"cat ~/x", "ls *.txt", "echo $HOME", "cat $HOME/.bashrc", "ls d/*", "echo ~", "cd ~ && ls > x",
		"ls * > x", "echo $x; rm a.txt", "ls *.txt; touch pwned", "cat ~/.bash_profile", "echo ${HOME}",
		"cat \"a.t$(cat <<'EOF'\nxt\nEOF\n)\"", "cat a.t\"x$(cat <<'EOF'\nt # 'q ${HOME}\nEOF\n)\"",
	},
	"plain": {
		"ls", "ls -la", "cat a.txt", "echo hi", "ls && echo ok", "ls | cat", "echo hi > x",
		"cat a.txt >> x", "ls; echo $HOME", "git status", "grep -r a .", "echo hi # comment",
		"ls # x\nls", "echo \"a\\\nb\"", "ls \\\n-la", "echo a\\\nb",
	},
}

// TestDifferential runs each class of scripts that guard allows in bash
// and dash and fails on every program run or file written that guard did
// not judge.
func TestDifferential(t *testing.T) {
	l := newDiffLab(t)
	names := make([]string, 0, len(diffClasses))
	for name := range diffClasses {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			runs := diffCheck(t, l, diffClasses[name])
			t.Logf("%d scripts, %d runs", len(diffClasses[name]), runs)
		})
	}
	// The harness sees the shell, or the real cat, open the secret bait
	// by any name (guard is not asked: it would not allow these).
	t.Run("secret_read_seen", func(t *testing.T) {
		for _, src := range []string{"cat < .env", "cat .e*", "exec 3<./.env"} {
			dir := l.workdir(t)
			events, out, err := l.run(src, diffShells[0], dir)
			os.RemoveAll(dir)
			if err != nil {
				t.Fatalf("%s: %v %s", src, err, out)
			}
			if !slices.ContainsFunc(events, func(e event) bool { return e.syscall == "read" }) {
				t.Errorf("bash -c %q read .env, and the harness did not see it", src)
			}
		}
	})
	t.Run("generated", func(t *testing.T) {
		scripts := generatedScripts()
		runs := diffCheck(t, l, scripts)
		t.Logf("%d scripts, %d runs", len(scripts), runs)
	})
	t.Run("grammar", func(t *testing.T) {
		n := 200
		if testing.Short() {
			n = 40
		}
		if s := os.Getenv("GUARD_DIFF_N"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		scripts := grammarScripts(n, diffSeed(t))
		runs := diffCheck(t, l, scripts)
		t.Logf("%d scripts, %d runs", len(scripts), runs)
	})
	t.Run("agents", func(t *testing.T) {
		// What agents really send: a random sample of the held-out agent
		// commands (committed) and of the shared corpus (when it is beside
		// the checkout), each run in both shells when guard allows it.
		n := 150
		if testing.Short() {
			n = 30
		}
		if s := os.Getenv("GUARD_DIFF_N"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		scripts := agentScripts(t, n, diffSeed(t))
		runs := diffCheck(t, l, scripts)
		t.Logf("%d scripts, %d runs", len(scripts), runs)
	})
	t.Run("mutated", func(t *testing.T) {
		n := 300
		if testing.Short() {
			n = 60
		}
		if s := os.Getenv("GUARD_DIFF_N"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		scripts := mutatedScripts(n, diffSeed(t))
		runs := diffCheck(t, l, scripts)
		t.Logf("%d scripts, %d runs", len(scripts), runs)
	})
}

// diffSeed is the seed of a random subtest: GUARD_DIFF_SEED, a number or
// "random", else a fixed one, so that a run on a clean machine (CI) tests
// what a run here tested; sweeps with many seeds are run by hand
// (GUARD_DIFF_SEED=random GUARD_DIFF_N=5000). The seed is logged, so a
// failure found at random can be run again.
func diffSeed(t *testing.T) uint64 {
	seed := uint64(20261206)
	switch s := os.Getenv("GUARD_DIFF_SEED"); s {
	case "":
	case "random":
		seed = rand.Uint64()
	default:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("GUARD_DIFF_SEED=%q: want a number or random", s)
		}
		seed = n
	}
	t.Logf("seed %d (GUARD_DIFF_SEED)", seed)
	return seed
}

// glue is what comes between a harmless command and a hidden one.
var glue = []string{
	"#\\\n", " #\\\n", " # x\\\n", "\\\r\n", "\r\n", "\r", " #\r\n", "\\\n", ";#\\\n", "\n#\\\n",
	" \\\n#x\n", "\"#\\\n\"", "'#\\\n'\n", "\u00a0;", "\u2028", "\xff\n", "`#`\\\n", " <<<x #\\\n",
	" $'#\\\n'\n", " ${x#\\\n}\n", " <<E\nE\\\n", " <<E\\\nE\nE\n", " <<'E'\n\\\nE\n", " $'\\\n' #\\\n",
	"\x0b", "\x0c", " & ", " &>x ", " |& ", " {a,b}\n", " \\# ", " #'\n", " #\"\n", " #`\n",
	" $((1)) #\\\n", "\n\\\n", " ;;& ", " <<-E\n\tE\\\n",
}

var visible = []string{"ls", "echo ok", "cat a.txt", "git status", "echo \"a\""}
var hidden = []string{"rm a.txt", "touch pwned", "bash --rcfile F -ic ls"}

// generatedScripts combines harmless commands, glue and hidden commands.
func generatedScripts() []string {
	var out []string
	for i, v := range visible {
		for _, g := range glue {
			out = append(out, v+g+hidden[i%len(hidden)])
		}
	}
	return out
}

// mutations are the pieces inserted at random places of the class scripts.
var mutations = []string{
	"\\", "\n", "\r", "#", "'", "\"", "$", "`", "(", ")", "{", "}", "<<", "<<<", ">", ">&", "&", ";",
	"|", " ", "\\\n", "$'", "${", "$(", "<(", "!", "*", "~", "=", "[[", "]]", "\t", "\x00", "\xff",
	"\u00a0", "EOF", "E", "rm a.txt", "\nrm a.txt\n", "touch pwned", "-i", "--rcfile F", ";;&",
	// zsh's own readings: parameter flags, a time that takes no option,
	// descriptor words, print's escapes, qualifiers and =(...).
	"$~", "$=", "$^", "time -p ", "-", "\\q", "\\c", "(N)", "=(", "^", "**/", "&|",
}

// mutatedScripts returns n random mutations of the class scripts.
func mutatedScripts(n int, seed uint64) []string {
	var base []string
	for _, list := range diffClasses {
		base = append(base, list...)
	}
	sort.Strings(base)
	base = append(base, generatedScripts()...)
	base = append(base, grammarScripts(200, seed)...)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]string, n)
	for i := range out {
		out[i] = mutate(r, base[r.IntN(len(base))])
	}
	return out
}

func mutate(r *rand.Rand, s string) string {
	for range 1 + r.IntN(3) {
		at := r.IntN(len(s) + 1)
		m := mutations[r.IntN(len(mutations))]
		if r.IntN(4) == 0 && at < len(s) {
			s = s[:at] + m + s[at+1:] // replace a byte
		} else {
			s = s[:at] + m + s[at:]
		}
	}
	return s
}

// FuzzDifferential runs fuzzed scripts in bash and dash (make fuzz).
func FuzzDifferential(f *testing.F) {
	// A few seeds: the classes run in TestDifferential already.
	for _, name := range []string{"comment_backslash_newline", "heredoc_delimiter_continuation", "nested_shell_startup_files", "plain"} {
		f.Add(diffClasses[name][0])
	}
	l := newDiffLab(f)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		for _, sh := range l.runShells {
			if problems, _ := l.check(t, src, sh); len(problems) > 0 {
				t.Fatalf("guard allows %s -c %q, and %s:\n\t%s", sh.judge, src, sh.name, strings.Join(problems, "\n\t"))
			}
		}
	})
}

// Pieces of the scripts grammarScripts builds: commands the default policy
// allows, words quoted every way, separators, redirections, comments,
// here-documents, continuations, cd, wrappers and nested shells.
var (
	gramCommands = []string{"ls", "cat a.txt", "echo", "grep -n a a.txt", "git status", "wc -l a.txt", "head -1 a.txt", "pwd", "true", "rm a.txt", "touch pwned"}
	gramWords    = []string{"a", "'a b'", `"a b"`, `a\ b`, `'#'`, `"#"`, `\#`, "a#b", `$'\n'`, `'\'`, `"\\"`, `\\`, "''", `""`, `'"'`, `"'"`, `\'`, `\"`, "--", "-n", `"a\"b"`, `'a'\''b'`, "\\\n", "x=1", "%", "@", ":", "{}", "\\;", "';'", "'|'", "'&&'", "\\|", "'<<'", "~", "~/x", "$HOME", "${HOME}/x", "*.txt", "d/*", "$x", "*", "'*'", "\\*", "[a]*", "~nobody", ".env", ".e*", ".[e]nv", "'.env'", ".e{n,}v", "{.env,a.txt}", ".en?", "\\.env", "$'.env'", ".*", "[x]'*'", `[x]\*`, `[x]"*"`, "~'/x'", `~""/x`, `~\/x`, "??", "[![:alpha:]]", "[!a][!a]", `$'\q'`, `$'\cA'`, `$'\x'`, "}", "{", "k"}
	gramSeps     = []string{"; ", " && ", " || ", " | ", "\n", " ;\n", "\n\n", " &&\n", " |\n", " ||\\\n"}
	gramRedirs   = []string{" > x", " >> d/y", " 2>&1", " < a.txt", " 2>/dev/null", " >x 2>&1", " 1>&2", " >| x", " &> x", " <a.txt >x", " 2>>x", " <>x", " </dev/null", " 1>x", " >'x y'", ` >"d"/y`, " < .env", " <.e*", " 0<.en?", " <\\.env", " 3<.env 0<&3", " 2>&1-", " >&2-"}
	// gramDelims are a delimiter as written and the line that ends it to
	// the parser; gramDelimLines the lines that end it to a shell.
	gramDelims = [][2]string{{"$'E\\x4fF'", "E\\x4fF"}, {"\"E\\`F\"", "E\\`F"}, {"\"E\\$F\"", "E\\$F"}, {"\"E\\\\F\"", "E\\\\F"},
		{"$'E\\tF'", "E\\tF"}, {"$\"E\\`F\"", "E\\`F"}, {"'E'", "E"}, {"E", "E"}, {"\\E", "E"}, {"\"E\"F", "EF"}}
	gramDelimLines = []string{"EOF", "E`F", "E$F", "E\\F", "E\tF", "E", "EF", "E)"}
	// gramSubstDocs are here-documents in substitutions: %w a word, %c a
	// command.
	gramSubstDocs = []string{"echo \"$(cat <<'E'\n%w\nE)\"\n%c\nE\n)\"", "echo \"$(cat <<E\n%w\nEX)\"\n%c\nE\n)\"",
		"echo \"$(cat <<E)\"\n%c\nE", "cat <<A; echo \"$(cat <<B)\"\n%w\nA\n%c\nB", "echo \"`cat <<'E'\n%w `\"\n%c\necho \"`\nE\n`\"",
		"echo \"`echo '%w`\"; %c\n: '`\"", "diff <(cat <<'E'\n%w\nE) a.txt\n%c\nE\n) a.txt", "echo \"$(cat <<'E'\n%w\nE\n)\" && %c"}
	gramTails = []string{" # note", " #", " # 'quote", ` # "`, " # \\", " #;rm a.txt", ""}
)

// grammarScripts returns n random scripts made of the grammar's pieces:
// mostly scripts guard allows, whose words and statements must be those
// the shells run.
func grammarScripts(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed^0x51ed2701))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	var out []string
	for range n {
		var b strings.Builder
		for i := range 1 + r.IntN(4) {
			if i > 0 {
				b.WriteString(pick(gramSeps))
			}
			switch r.IntN(16) {
			case 14:
				// A here-document whose delimiter the shells unescape.
				delim := gramDelims[r.IntN(len(gramDelims))]
				b.WriteString("cat <<" + delim[0] + "\n" + pick(gramWords) + "\n" + pick(gramDelimLines) + "\n" + pick(gramCommands) + "\n" + delim[1])
				continue
			case 15:
				// A here-document inside a substitution.
				b.WriteString(strings.ReplaceAll(strings.ReplaceAll(pick(gramSubstDocs), "%w", pick(gramWords)), "%c", pick(gramCommands)))
				continue
			case 0:
				b.WriteString(pick([]string{"cd d", "pushd d", "cd ..", "cd /", "exit", "eval 'ls " + pick(gramWords) + "'",
					"cd HOME", "cd lk/..", "cd lk", "cd lk/../d", "cd _",
					// State the agent's own wrapper reads after the script.
					"for _bgpids_file in " + pick(gramWords) + "; do :; done", "while read -r -d '' _bgpids_file; do :; done <<< " + pick(gramWords)}))
				continue
			case 10:
				b.WriteString("git commit -m \"$(cat <<'EOF'\n" + pick(gramWords) + pick(gramTails) + "\nEOF\n)\"")
				continue
			case 11:
				b.WriteString(pick([]string{"bash", "sh", "bash -s", "zsh"}) + " <<'E'\n" + pick(gramCommands) + " " + pick(gramWords) + pick(gramTails) + "\nE")
				continue
			case 12:
				b.WriteString(pick([]string{"bash -c ", "sh -c ", "zsh -c "}) + "\"" + pick(gramCommands) + " " + strings.ReplaceAll(pick(gramWords), `"`, `\"`) + pick(gramRedirs) + "\"")
				continue
			case 13:
				b.WriteString(pick(gramCommands) + " <<< " + pick(gramWords))
				continue
			case 1:
				b.WriteString("cat <<'E'\n" + pick(gramWords) + " " + pick(gramCommands) + "\nE")
				continue
			case 2:
				b.WriteString("cat <<E\n" + pick(gramWords) + "\nE")
				continue
			case 3:
				b.WriteString(pick([]string{"timeout 5 ", "nice ", "env ", "command ", "bash -c 'ls' && ", "time ", "time -p ", "! ", "exec ", "nohup ", "sh -c 'ls'; "}))
			}
			b.WriteString(pick(gramCommands))
			for range r.IntN(3) {
				b.WriteString(" " + pick(gramWords))
			}
			if r.IntN(3) == 0 {
				b.WriteString(pick(gramRedirs))
			}
			if r.IntN(4) == 0 {
				b.WriteString(pick(gramTails))
			}
		}
		out = append(out, b.String())
	}
	return out
}

// agentScripts returns n commands drawn at random from the held-out agent
// commands (testdata/heldout_agents.txt: LABEL<TAB>command, a line starting
// with a tab continuing the one above) and, when it is beside the checkout,
// the shared corpus of real agent commands (JSON lines with "cmd").
func agentScripts(t *testing.T, n int, seed uint64) []string {
	data, err := os.ReadFile("testdata/heldout_agents.txt")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "\t") && len(all) > 0:
			all[len(all)-1] += "\n" + line[1:]
		case line != "" && !strings.HasPrefix(line, "#"):
			if _, cmd, ok := strings.Cut(line, "\t"); ok {
				all = append(all, cmd)
			}
		}
	}
	for _, f := range []string{"../../shared/corpus/agent-commands.jsonl", "../../../shared/corpus/agent-commands.jsonl"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			var c struct{ Cmd string }
			if json.Unmarshal([]byte(line), &c) == nil && c.Cmd != "" {
				all = append(all, c.Cmd)
			}
		}
		break
	}
	r := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	t.Logf("seed %d: %d of %d agent commands", seed, min(n, len(all)), len(all))
	return all[:min(n, len(all))]
}
