package shell

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// c builds a Command from its words.
func c(argv ...string) Command {
	if argv == nil {
		argv = []string{}
	}
	return Command{Argv: argv}
}

func (cmd Command) in(dir string, others ...string) Command {
	cmd.Dir, cmd.OtherDirs = dir, others
	return cmd
}
func (cmd Command) writes(f ...string) Command  { cmd.Writes = f; return cmd }
func (cmd Command) reads(f ...string) Command   { cmd.Reads = f; return cmd }
func (cmd Command) env(e ...string) Command     { cmd.Env = e; return cmd }
func (cmd Command) wrapped(w ...string) Command { cmd.Wrapper = w; return cmd }
func (cmd Command) dynamic(why string) Command  { cmd.Dynamic = why; return cmd }
func (cmd Command) stdin(text string) Command   { cmd.Stdin = text; return cmd }

func script(unverified string, cmds ...Command) Script {
	return Script{Commands: cmds, Unverified: unverified}
}

// String formats a command for test failures.
func (cmd Command) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q", cmd.Argv)
	for _, f := range []struct {
		name string
		v    any
		set  bool
	}{
		{"dir", cmd.Dir, cmd.Dir != ""},
		{"other dirs", cmd.OtherDirs, cmd.OtherDirs != nil},
		{"writes", cmd.Writes, cmd.Writes != nil},
		{"reads", cmd.Reads, cmd.Reads != nil},
		{"env", cmd.Env, cmd.Env != nil},
		{"wrapper", cmd.Wrapper, cmd.Wrapper != nil},
		{"dynamic", cmd.Dynamic, cmd.Dynamic != ""},
		{"stdin", cmd.Stdin, cmd.Stdin != ""},
	} {
		if f.set {
			fmt.Fprintf(&b, " %s=%q", f.name, f.v)
		}
	}
	return b.String()
}

func (s Script) String() string {
	var b strings.Builder
	b.WriteString("{")
	for i, cmd := range s.Commands {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(cmd.String())
	}
	b.WriteString("}")
	if s.Unverified != "" {
		fmt.Fprintf(&b, " unverified %q", s.Unverified)
	}
	return b.String()
}

type parseTest struct {
	d    Dialect
	src  string
	want Script
}

func runParseTests(t *testing.T, tests []parseTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.d.String()+" "+tt.src, func(t *testing.T) {
			got, err := Parse(tt.src, tt.d)
			if err != nil {
				t.Fatalf("Parse(%q, %v) error: %v", tt.src, tt.d, err)
			}
			for i := range got.Commands {
				// Per-word reasons are checked in TestArgDynamic (splitting in
				// TestArgSplit, braces in TestBracesMatchBash), pipes in
				// TestPipeFrom, dialects in TestCommandDialect, the nested
				// shells in TestCommandShells, climbs in TestClimbed.
				got.Commands[i].ArgDynamic, got.Commands[i].OtherDynamic = nil, false
				got.Commands[i].ArgSplit, got.Commands[i].ArgBraces = nil, nil
				got.Commands[i].Climbed = nil // TestClimbed
				got.Commands[i].PipeFrom = 0
				got.Commands[i].InLineLoop, got.Commands[i].SubstFrom = false, nil // TestLineLoop
				got.Commands[i].OutputMixed = false                                // TestOutputMixed
				got.Commands[i].Dialect = 0
				got.Commands[i].Shells = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q, %v) =\n  %v\nwant\n  %v", tt.src, tt.d, got, tt.want)
			}
		})
	}
}

func TestParseStatic(t *testing.T) {
	runParseTests(t, []parseTest{
		{Bash, "ls", script("", c("ls"))},
		{Bash, "", script("")},
		{Bash, "# just a comment", script("")},
		{Bash, "cat x | grep -n foo | head -20", script("", c("cat", "x"), c("grep", "-n", "foo"), c("head", "-20"))},
		{Bash, "make && make test || echo failed; true\n:\nexit 1", script("",
			c("make"), c("make", "test"), c("echo", "failed"), c("true"), c(":"), c("exit", "1"))},
		{Bash, "! grep -q x f", script("", c("grep", "-q", "x", "f"))},
		{Bash, "ls |& cat", script("", c("ls"), c("cat"))},
		{Bash, `find . -name '*.py' -o -name "*.txt" -exec grep -l x {} \;`, script("",
			c("find", ".", "-name", "*.py", "-o", "-name", "*.txt", "-exec", "grep", "-l", "x", "{}", ";"))},
		{Bash, `echo 'a b' "c\"d\$e\q" f\ g $'h\ti\x41\101\u0042' "" ''`, script("",
			c("echo", "a b", `c"d$e\q`, "f g", "h\tiAAB", "", ""))},
		{Bash, "echo a\\\nb \"c\\\nd\"", script("", c("echo", "ab", "cd"))},
		{Bash, `echo '*.py' "?" \* x\[1] '~' "{a,b}" a~b`, script("", c("echo", "*.py", "?", "*", "x[1]", "~", "{a,b}", "a~b"))},
		{POSIX, `echo $'a\tb' {a,b} \$'c' "$"'d'`, script("", c("echo", `$a\tb`, "{a,b}", "$c", "$d").dynamic(
			"$'...' quoting differs between sh implementations in argument 1; brace expansion {a,b} in argument 2"))},
		{Bash, `python -c "print('hi')"`, script("", c("python", "-c", "print('hi')"))},
		{Bash, "sed -n '10,20p' f.py", script("", c("sed", "-n", "10,20p", "f.py"))},
		{POSIX, "[[ -f x ]] && cat x", script("", c("[[", "-f", "x", "]]"), c("cat", "x"))},
		{Bash, "[[ $X -eq 1 ]] && cat x", script("conditional expression [[ ]]", c("cat", "x"))},
		{POSIX, "[ -f x ] && cat x", script("", c("[", "-f", "x", "]"), c("cat", "x"))},
		{Bash, "git log HEAD~3..HEAD", script("", c("git", "log", "HEAD~3..HEAD"))},
		{Bash, "git commit -m \"$(cat <<'EOF'\nFix $bug\n\nCo-Authored-By: x\nEOF\n)\"", script("",
			c("cat"), c("git", "commit", "-m", "Fix $bug\n\nCo-Authored-By: x"))},
		{Bash, "echo \"<$(cat <<EOF\na \\$b\nEOF\n)>\"", script("", c("cat"), c("echo", "<a $b>"))},
	})
}

func TestParseRedirections(t *testing.T) {
	runParseTests(t, []parseTest{
		{Bash, "echo hi > out.txt 2>&1", script("", c("echo", "hi").writes("out.txt"))},
		{Bash, "cmd >> log 2> err &> all &>> all2 >| clob 3> three", script("",
			c("cmd").writes("log", "err", "all", "all2", "clob", "three"))},
		{Bash, "cmd > /dev/null 2>/dev/stderr >/dev/stdout < /dev/null", script("", c("cmd"))},
		{Bash, "cmd >&2 2>&1 3>&- <&0", script("", c("cmd"))},
		{Bash, "ls | time -p cat", script("", c("ls"), c("cat").wrapped("time", "-p"))},
		{Bash, "ls |\ntime cat > f", script("", c("ls"), c("cat").wrapped("time").writes("f"))},
		{Bash, "ls && time cat", script("", c("ls"), c("cat"))},
		{Bash, "cmd 4>&3-", script("redirection 4>&3- to a descriptor the script did not open", c("cmd"))},
		{Bash, "echo x >&3", script("redirection >&3 to a descriptor the script did not open", c("echo", "x"))},
		{Bash, "cmd >& both.log", script("", c("cmd").writes("both.log"))},
		{Bash, "sort < in.txt > out.txt", script("", c("sort").reads("in.txt").writes("out.txt"))},
		{Bash, "cmd 3<> rw", script("", c("cmd").reads("rw").writes("rw"))},
		{Bash, "> empty", script("", c().writes("empty"))},
		{Bash, `echo x > "$OUT"`, script("", c("echo", "x").writes("$OUT").dynamic("parameter expansion $OUT in redirection target"))},
		{Bash, "cat <<'EOF' > f.py\nprint($x, `y`)\nEOF", script("", c("cat").writes("f.py"))},
		{Bash, "cat <<\\EOF > f.py\n$x\nEOF", script("", c("cat").writes("f.py"))},
		{Bash, "cat <<\"E\"OF\n$x\nEOF", script("", c("cat"))},
		{Bash, "cat <<EOF > f.py\nplain \\$x text\nEOF", script("", c("cat").writes("f.py"))},
		{Bash, "cat <<EOF > f.py\nhome is $HOME\nEOF", script("",
			c("cat").writes("f.py").dynamic("parameter expansion $HOME in here-document"))},
		{Bash, "cat <<EOF\n$(rm -rf /)\nEOF", script("command substitution",
			c("rm", "-rf", "/"), c("cat").dynamic("command substitution $(rm -rf /) in here-document"))},
		{Bash, "python - <<'PY'\nimport os\nPY\necho done", script("", c("python", "-").stdin("import os\n"), c("echo", "done"))},
		{Bash, `grep x <<< "$v"`, script("", c("grep", "x").dynamic("parameter expansion $v in here-string"))},
		{Bash, "cat <<< 'lit'", script("", c("cat"))},
		{Bash, "cmd {fd}> f", script("named file descriptor {fd}", c("cmd").writes("f"))},
		{Bash, "{ ls; pwd; } > out 2> err", script("",
			c("ls").writes("out", "err"), c("pwd").writes("out", "err"))},
		{Bash, "for f in a b; do cat $f; done > all.txt", script("",
			c("cat", "a").writes("all.txt"), c("cat", "b").writes("all.txt"))},
		{Bash, "for f in a 'b c'; do cat $f; done", script("",
			c("cat", "a"), c("cat", "$f").dynamic("parameter expansion $f in argument 1"))},
		{Bash, `for f in a 'b c'; do cat "$f"; bash -c 'echo $f'; done`, script("",
			c("cat", "a"), c("echo", "$f").dynamic("parameter expansion $f in argument 1"),
			c("cat", "b c"), c("echo", "$f").dynamic("parameter expansion $f in argument 1"))},
		{Bash, "for f in *.py; do cat $f; done", script("",
			c("cat", "$f").dynamic("parameter expansion $f in argument 1"))},
		{Bash, `for f in *.py; do cat "$f"; done`, script("",
			c("cat", "*.py").dynamic("glob *.py in argument 1"))},
		{Bash, `for f in "*.py"; do cat "$f"; done`, script("",
			c("cat", "*.py"))},
		{Zsh, `for f in *.py; do cat "$f"; done`, script("for loop",
			c("cat", "$f").dynamic("parameter expansion $f in argument 1"))},
		{Bash, `for f in $(ls)/*.py; do cat "$f"; done`, script("for loop; command substitution",
			c("ls"), c("cat", "$f").dynamic("parameter expansion $f in argument 1"))},
		{Bash, "ls > $(mktemp)", script("command substitution",
			c("mktemp"), c("ls").writes("$(mktemp)").dynamic("command substitution $(mktemp) in redirection target"))},
	})
}

func TestParseDir(t *testing.T) {
	runParseTests(t, []parseTest{
		{Bash, "cd a && cat x > y", script("", c("cat", "x").in("a").writes("y"))},
		{Bash, "cd /testbed && cd sub && pytest", script("", c("pytest").in("/testbed/sub"))},
		{Bash, "cd a && cd /b/../c/ && ls", script("", c("ls").in("/c"))},
		{Bash, "cd .. && ls && cd . && pwd", script("", c("ls").in(".."), c("pwd").in(".."))},
		{Bash, "cd a/.. && ls", script("", c("ls"))},
		{Bash, "cd -L a && cd -- b && cd -L -e c && ls", script("", c("ls").in("a/b/c"))},
		{Bash, "cd -P -L a && cd -- b && cd -e c && ls", script("", c("ls").in("a/b/c"))},
		// -P resolves links: a later .. is the target's parent (TestRedTeam4CdPhysical).
		{Bash, "cd -P a && cd -- b && cd -L -e c && ls", script("working directory unknown: cd -P (links resolved: not followed)", c("ls"))},
		{Bash, "cd a; ls", script("", c("ls").in("a", ""))},
		{Bash, "cd a\nrm -rf build", script("", c("rm", "-rf", "build").in("a", ""))},
		{Bash, "cd a; cd b; cd c; ls; cd d; ls", script("working directory unknown: too many possible directories",
			c("ls").in("a/b/c", "b/c", "a/c", "c", "a/b", "b", "a", ""),
			c("ls").in("a/b/c/d", "b/c/d", "a/c/d", "c/d", "a/b/d", "b/d", "a/d", "d"))},
		{Bash, "cd a && ls || echo no", script("", c("ls").in("a"), c("echo", "no").in("", "a"))},
		{Bash, "cd a || exit 1; ls", script("", c("exit", "1"), c("ls").in("a"))},
		{Bash, "cd a || exit\nls", script("", c("exit"), c("ls").in("a"))},
		{Bash, "cd a && ls; cd /b && ls", script("", c("ls").in("a"), c("ls").in("/b"))},
		{Bash, "ls | cd a; pwd", script("", c("ls"), c("pwd"))},
		{Zsh, "ls | cd a && pwd", script("", c("ls"), c("pwd").in("a"))},
		{Bash, "cd a > log && ls", script("", c("cd", "a").writes("log"), c("ls").in("a"))},
		{Bash, "cd 2>/dev/null a && ls", script("", c("ls").in("a"))},
		{Bash, "cd && ls", script("working directory unknown: cd with no directory", c("ls"))},
		{Bash, "cd - && ls", script("working directory unknown: cd -", c("ls"))},
		{Bash, "cd ~ && ls", script("", c("ls").in("~"))},
		{Bash, "cd ~/src && ls", script("", c("ls").in("~/src"))},
		{Bash, `cd "$HOME/src" && cd lib && ls`, script("", c("ls").in("~/src/lib"))},
		{Bash, "cd ~/a/~b && ls", script("working directory unknown: cd ~/a/~b", c("ls"))},
		{Bash, "cd ~user && ls", script("working directory unknown: cd ~user", c("ls"))},
		{Bash, "cd $HOMEX && ls", script("working directory unknown: cd $HOMEX",
			c("cd", "$HOMEX").dynamic("parameter expansion $HOMEX in argument 1"), c("ls"))},
		{Bash, `cd "$D" && ls`, script("working directory unknown: cd $D", c("cd", "$D").dynamic("parameter expansion $D in argument 1"), c("ls"))},
		{Bash, "cd a b && ls", script("working directory unknown: cd with several arguments", c("ls"))},
		{Bash, "cd $D && cd /abs && ls", script("", c("cd", "$D").dynamic("parameter expansion $D in argument 1"), c("ls").in("/abs"))},
		{Bash, "cd -", script("")},
		{Bash, "pushd a && ls && popd && ls", script("working directory unknown: popd", c("ls").in("a"), c("ls").in("a"))},
		{Bash, "pushd -n a && ls", script("", c("ls"))},
		{Bash, "(cd a && ls) && ls", script("", c("ls").in("a"), c("ls"))},
		{Bash, "cd a && bash -c 'cd b && ls' && ls", script("", c("ls").in("a/b"), c("ls").in("a"))},
		{Bash, "cd a && echo $(cd b; pwd) && ls", script("command substitution",
			c("pwd").in("a/b", "a"), c("echo", "$(cd b; pwd)").in("a").dynamic("command substitution $(cd b; pwd) in argument 1"), c("ls").in("a"))},
		{Bash, "for d in a b; do cd $d; done; ls", script("working directory unknown: a loop may change the directory", c("ls"))},
		{Bash, "if cd a; then ls; else pwd; fi; ls", script("",
			c("ls").in("a"), c("pwd"), c("ls").in("a", ""))},
		{Bash, "command cd a && ls", script("", c("ls").in("a"))},
		{Bash, "eval cd a && ls", script("eval", c("ls").in("a"))},
	})
}

func TestParseDynamic(t *testing.T) {
	runParseTests(t, []parseTest{
		{Bash, `echo "$HOME" ${x:-y} $1`, script("", c("echo", "$HOME", "${x:-y}", "$1").dynamic(
			"parameter expansion $HOME in argument 1; parameter expansion ${x:-y} in argument 2; parameter expansion $1 in argument 3"))},
		{Bash, "ls *.py", script("", c("ls", "*.py").dynamic("glob *.py in argument 1"))},
		{Bash, "ls src/[ab]/x?.c", script("", c("ls", "src/[ab]/x?.c").dynamic("glob src/[ab]/x?.c in argument 1"))},
		{Bash, "ls @(a|b)", script("", c("ls", "@(a|b)").dynamic("extended glob @(a|b) in argument 1"))},
		{Bash, "cat ~/.bashrc", script("", c("cat", "~/.bashrc").dynamic("tilde ~/.bashrc in argument 1"))},
		{Bash, "~/bin/tool x", script("", c("~/bin/tool", "x").dynamic("tilde ~/bin/tool in the command name"))},
		{Bash, "echo PATH=a:~/b", script("", c("echo", "PATH=a:~/b").dynamic("tilde PATH=a:~/b in argument 1"))},
		{Bash, "touch f{1..3} {a,b}.c", script("", c("touch", "f{1..3}", "{a,b}.c").dynamic(
			"brace expansion f{1..3} in argument 1; brace expansion {a,b}.c in argument 2"))},
		{Zsh, "ls *(.) =python", script("", c("ls", "*(.)", "=python").dynamic(
			"glob *(.) in argument 1; zsh =command expansion =python in argument 2"))},
		{Zsh, "ls a(.)", script("", c("ls", "a(.)").dynamic("glob a(.) in argument 1"))},
		{Zsh, "ls f<1-10>", script("", c("ls", "f<1-10>").dynamic("glob f<1-10> in argument 1"))},
		{Bash, "$CMD -x", script("", c("$CMD", "-x").dynamic("parameter expansion $CMD in the command name"))},
		{Bash, `echo $"hello"`, script("", c("echo", "hello").dynamic(`locale translation $"hello" in argument 1`))},
		{Bash, "echo $((1+2))", script("arithmetic expansion", c("echo", "$((1+2))").dynamic("arithmetic expansion $((1+2)) in argument 1"))},
		{Bash, "echo \"$(cat <<EOF\n$HOME\nEOF\n)\"", script("command substitution",
			c("cat").dynamic("parameter expansion $HOME in here-document"),
			c("echo", "$(cat <<EOF\n$HOME\nEOF\n)").dynamic("command substitution $(cat <<EOF\n$HOME\nEOF\n) in argument 1"))},
		{Bash, "echo $(cat <<'EOF'\n*\nEOF\n)", script("command substitution",
			c("cat"), c("echo", "$(cat <<'EOF'\n*\nEOF\n)").dynamic("command substitution $(cat <<'EOF'\n*\nEOF\n) in argument 1"))},
		{Bash, "echo \"$(cat -n <<'EOF'\nx\nEOF\n)\"", script("command substitution",
			c("cat", "-n"), c("echo", "$(cat -n <<'EOF'\nx\nEOF\n)").dynamic("command substitution $(cat -n <<'EOF'\nx\nEOF\n) in argument 1"))},
		{Bash, "rm -rf /\\", script("", c("rm", "-rf", "/").dynamic("backslash at the end of the script in argument 2"))},
		{POSIX, "rm -rf /\\", script("", c("rm", "-rf", "/\\").dynamic("backslash at the end of the script in argument 2"))},
		{Bash, "FOO=$(id) make", script("command substitution; assignment before a command: FOO",
			c("id"), c("make").env("FOO=$(id)").dynamic("command substitution $(id) in assignment FOO"))},
	})
}

func TestParseUnverified(t *testing.T) {
	rm := c("rm", "-rf", "/")
	runParseTests(t, []parseTest{
		{Bash, "echo $(rm -rf /)", script("command substitution",
			rm, c("echo", "$(rm -rf /)").dynamic("command substitution $(rm -rf /) in argument 1"))},
		{Bash, "echo `rm -rf /`", script("command substitution",
			rm, c("echo", "`rm -rf /`").dynamic("command substitution `rm -rf /` in argument 1"))},
		{Bash, `echo "${x:-$(rm -rf /)}"`, script("command substitution",
			rm, c("echo", "${x:-$(rm -rf /)}").dynamic("parameter expansion ${x:-$(rm -rf /)} in argument 1"))},
		{Bash, "diff <(ls a) <(ls b)", script("process substitution",
			c("ls", "a"), c("ls", "b"), c("diff", "<(ls a)", "<(ls b)").dynamic(
				"process substitution <(ls a) in argument 1; process substitution <(ls b) in argument 2"))},
		{Bash, "(rm -rf /)", script("", rm)},
		{Bash, "{ rm -rf /; }", script("", rm)},
		{Bash, "if true; then rm -rf /; elif false; then :; else ls; fi", script("",
			c("true"), rm, c("false"), c(":"), c("ls"))},
		{Bash, "while true; do rm -rf /; done", script("while loop", c("true"), rm)},
		{Bash, "until false; do rm -rf /; done", script("until loop", c("false"), rm)},
		// A loop over ls's words (TestLineLoop): its commands, each judged.
		{Bash, "for i in $(ls); do rm -rf /; done", script("", c("ls"), rm)},
		{Bash, "for i in $(ls) x; do rm -rf /; done", script("for loop; command substitution", c("ls"), rm)},
		{Bash, "for ((i=0; i<3; i++)); do rm -rf /; done", script("for loop", rm)},
		{Bash, "select x in a b; do rm -rf /; done", script("select loop", rm)},
		{Bash, "case $x in a) rm -rf /;; *) ls;; esac", script("case statement", rm, c("ls"))},
		{Bash, "f() { rm -rf /; }; f", script("function definition: f", rm, c("f"))},
		{Bash, "function g { rm -rf /; }", script("function definition: g", rm)},
		{Bash, "(( x = $(rm -rf /) ))", script("arithmetic command (( )); command substitution", rm)},
		{Bash, "let x=1", script("let")},
		{Bash, "[[ -f x ]] && cat x", script("", c("cat", "x"))},
		{Zsh, "[[ -f x ]] && cat x", script("conditional expression [[ ]]", c("cat", "x"))},
		{Bash, "coproc rm -rf /", script("coprocess", rm)},
		{Bash, "sleep 10 &", script("background job &", c("sleep", "10"))},
		{Zsh, "sleep 10 &|", script("background job &", c("sleep", "10"))},
		{Bash, "X=1", script("assignment: X")},
		{Bash, "X=1 Y=2", script("assignment: X Y")},
		{Bash, "X=1 > f", script("assignment: X", c().writes("f").env("X=1"))},
		{Bash, "PATH=/tmp:$PATH ls", script("assignment before a command: PATH",
			c("ls").env("PATH=/tmp:$PATH").dynamic("parameter expansion $PATH in assignment PATH"))},
		{Bash, "FOO=1 BAR='a b' make", script("assignment before a command: FOO BAR", c("make").env("FOO=1", "BAR=a b"))},
		{Bash, "export A=1 B", script("changes shell state: export", c("export", "A=1", "B"))},
		{POSIX, "export A=1", script("changes shell state: export", c("export", "A=1"))},
		{Bash, "declare -a arr=(1 2)", script("changes shell state: declare", c("declare", "-a", "arr=(1 2)").dynamic("array in argument 2"))},
		{Bash, "unset PATH; hash -p /tmp/x ls", script("changes shell state: unset; changes shell state: hash",
			c("unset", "PATH"), c("hash", "-p", "/tmp/x", "ls"))},
		{Bash, "source venv/bin/activate && pytest", script("source", c("source", "venv/bin/activate"), c("pytest"))},
		{Bash, ". ./env.sh", script("source", c(".", "./env.sh"))},
		{Bash, "eval 'rm -rf /'", script("eval", rm)},
		{Bash, `eval "$CMD"`, script("eval", c("eval", "$CMD").dynamic("parameter expansion $CMD in argument 1"))},
		{Bash, "trap 'rm -rf /' EXIT", script("trap", rm, c("trap", "rm -rf /", "EXIT"))},
		{Bash, "alias ls='rm -rf /'", script("alias", rm, c("alias", "ls=rm -rf /"))},
		{Bash, "printf -v 'a[$(rm -rf /)]' x", script("array subscript in a variable name may run code",
			c("printf", "-v", "a[$(rm -rf /)]", "x"))},
		{Bash, "[ -v 'a[`id`]' ]", script("array subscript in a variable name may run code", c("[", "-v", "a[`id`]", "]"))},
		{Bash, "printf '%s[$x]\n' a", script("array subscript in a variable name may run code", c("printf", "%s[$x]\n", "a"))},
		{Bash, "printf '%s\n' '$x' '[a]'", script("", c("printf", "%s\n", "$x", "[a]"))},
		{Zsh, "repeat 3 rm -rf /", script("zsh repeat loop", rm.wrapped("repeat", "3"))},
		{Bash, "repeat 3 rm -rf /", script("", c("repeat", "3", "rm", "-rf", "/"))},
		{Bash, "exec > log", script("exec redirects the shell", c("exec").writes("log"))},
		{Bash, "exec 2>&1", script("", c("exec"))},
		{Bash, "exec make; rm -rf /", script("", c("make").wrapped("exec"), rm)},
	})
}

func TestParseWrappers(t *testing.T) {
	mk := c("make")
	runParseTests(t, []parseTest{
		{Bash, "timeout 10 pytest -x", script("", c("pytest", "-x").wrapped("timeout", "10"))},
		{Bash, "timeout -s KILL -k5 --preserve-status 1m make", script("",
			mk.wrapped("timeout", "-s", "KILL", "-k5", "--preserve-status", "1m"))},
		{Bash, "timeout --signal=TERM --kill-after 2 5 make", script("",
			mk.wrapped("timeout", "--signal=TERM", "--kill-after", "2", "5"))},
		{Bash, "timeout 5", script("", c("timeout", "5"))},
		{Bash, "timeout --bogus 5 make", script("", c("timeout", "--bogus", "5", "make"))},
		{Bash, "timeout $T make", script("", c("timeout", "$T", "make").dynamic("parameter expansion $T in argument 1"))},
		{Bash, "nice -n 5 make", script("", mk.wrapped("nice", "-n", "5"))},
		{Bash, "nice -5 make && nice --adjustment=3 make", script("", mk.wrapped("nice", "-5"), mk.wrapped("nice", "--adjustment=3"))},
		{Bash, "nice", script("", c("nice"))},
		{Bash, "nohup make > build.log 2>&1", script("", mk.wrapped("nohup").writes("build.log", "nohup.out"))},
		{Bash, "nohup make", script("", mk.wrapped("nohup").writes("nohup.out"))},
		{Bash, "time make", script("", mk)},
		{Bash, "time -p make", script("", mk)},
		{POSIX, "time make", script("", mk.wrapped("time"))},
		{Bash, `\time -o t.txt -f "%e" make`, script("", mk.wrapped("time", "-o", "t.txt", "-f", "%e").writes("t.txt"))},
		{Bash, "stdbuf -oL -e0 make | tee log", script("", mk.wrapped("stdbuf", "-oL", "-e0"), c("tee", "log"))},
		{Bash, "env make", script("", mk.wrapped("env"))},
		{Bash, "env A=1 B=2 make", script("assignment via env: A B", mk.wrapped("env", "A=1", "B=2").env("A=1", "B=2"))},
		{Bash, "env -i make", script("", c("env", "-i", "make"))},
		{Bash, "env", script("", c("env"))},
		{Bash, "env A=1", script("", c("env", "A=1"))},
		{Bash, "command make", script("", mk.wrapped("command"))},
		{Bash, "command -v make", script("", c("command", "-v", "make"))},
		{Bash, "exec make", script("", mk.wrapped("exec"))},
		{Bash, "exec -a x make", script("", c("exec", "-a", "x", "make"))},
		{Zsh, "noglob make", script("", mk.wrapped("noglob"))},
		{Bash, "noglob make", script("", c("noglob", "make"))},
		{Bash, "/usr/bin/timeout 5 make", script("", mk.wrapped("/usr/bin/timeout", "5"))},
		{Bash, "./timeout 5 make", script("", c("./timeout", "5", "make"))},
		{Bash, "/usr/bin/../../tmp/env make", script("", c("/usr/bin/../../tmp/env", "make"))},
		{Bash, "timeout 5 nice -n 2 env make", script("", mk.wrapped("timeout", "5", "nice", "-n", "2", "env"))},
		{Bash, "sudo make", script("", c("sudo", "make"))},
		{Bash, "xargs rm < list", script("", c("xargs", "rm").reads("list"))},
	})
}

func TestParseShells(t *testing.T) {
	rm := c("rm", "-rf", "/")
	runParseTests(t, []parseTest{
		{Bash, "bash -c 'ls | wc -l'", script("", c("ls"), c("wc", "-l"))},
		{Bash, `bash -c "cd x && git status | head"`, script("", c("git", "status").in("x"), c("head").in("x"))},
		{Bash, `bash -lc "cd x && git status | head"`, script("bash -l runs startup files (profiles)", c("git", "status").in("x"), c("head").in("x"))},
		{Bash, "bash -ec ls && bash -o pipefail -c ls && bash --norc -c ls", script("", c("ls"), c("ls"), c("ls"))},
		{Bash, "/bin/bash -c ls && /usr/bin/env bash -c ls && sh -c ls && dash -c ls && zsh -c ls", script("",
			c("ls"), c("ls").wrapped("/usr/bin/env"), c("ls"), c("ls"), c("ls"))},
		{Bash, "timeout 9 bash -c 'make; make test' > log", script("",
			c("make").wrapped("timeout", "9").writes("log"), c("make", "test").wrapped("timeout", "9").writes("log"))},
		{Bash, "FOO=1 bash -c make", script("assignment before a command: FOO", c("make").env("FOO=1"))},
		{Bash, "sh -c 'echo $1' _ x", script("", c("echo", "$1").dynamic("parameter expansion $1 in argument 1"))},
		{Bash, "sh -c '[[ -f x ]]'", script("", c("[[", "-f", "x", "]]"))},
		{Bash, "zsh -c '[[ -f x ]]'", script("conditional expression [[ ]]", c("zsh", "-c", "[[ -f x ]]"))},
		{Bash, "zsh -c '[[ -f x ]]' > f", script("conditional expression [[ ]]", c("zsh", "-c", "[[ -f x ]]").writes("f"))},
		{Bash, "bash -c 'echo *.py'", script("", c("echo", "*.py").dynamic("glob *.py in argument 1"))},
		{Bash, "bash script.sh arg", script("", c("bash", "script.sh", "arg"))},
		{Bash, "bash", script("", c("bash"))},
		{Bash, `bash -c "$SCRIPT"`, script("", c("bash", "-c", "$SCRIPT").dynamic("parameter expansion $SCRIPT in argument 2"))},
		{Bash, "bash -c", script("", c("bash", "-c"))},
		{Bash, "bash -c ''", script("", c("bash", "-c", ""))}, // runs nothing, but bash runs
		{Bash, "bash -c '' 2> f", script("", c("bash", "-c", "").writes("f"))},
		{Bash, "bash -c 'X=1' > f", script("assignment: X", c("bash", "-c", "X=1").writes("f"))},
		{Bash, "bash -c 'X=1'", script("assignment: X", c("bash", "-c", "X=1"))},
		{Bash, "bash --bogus -c ls", script("", c("bash", "--bogus", "-c", "ls"))},
		{Bash, "/tmp/bash -c ls", script("", c("/tmp/bash", "-c", "ls"))},
		{Bash, "ksh -c ls", script("", c("ksh", "-c", "ls"))},
		{Bash, "bash -c 'if'", script("bash -c script does not parse: 1:1: `if` must be followed by a statement list", c("bash", "-c", "if"))},
		{Bash, "bash <<'EOF'\nrm -rf /\nEOF", script("", rm)},
		{Bash, "bash -s arg <<'EOF'\nrm -rf /\nEOF", script("", rm)},
		{Bash, "sh <<EOF\nrm -rf $D\nEOF", script("", c("sh").dynamic("parameter expansion $D in here-document"))},
		{Bash, "bash < script.sh", script("", c("bash").reads("script.sh"))},
		{Bash, nest(4, "rm"), script("", c("rm"))},
		{Bash, nest(5, "rm"), script("shells nested more than 4 deep", c("bash", "-c", "rm"))},
		{Bash, nest(6, "rm"), script("shells nested more than 4 deep", c("bash", "-c", nest(1, "rm")))},
		{Bash, "exec bash -c ls; rm -rf /", script("", c("ls").wrapped("exec"), rm)},
	})
}

// nest returns src run by n nested `bash -c`.
func nest(n int, src string) string {
	for range n {
		src = "bash -c '" + strings.ReplaceAll(src, "'", `'\''`) + "'"
	}
	return src
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		d    Dialect
		src  string
		want string
	}{
		{Bash, `echo "unterminated`, "parse bash script: 1:6: reached EOF without closing quote `\"`"},
		{Bash, "if true; then ls", "parse bash script: 1:1: `if` statement must end with `fi`"},
		{Bash, "ls |", "parse bash script: 1:4: `|` must be followed by a statement"},
		{POSIX, "a=(1 2)", "parse sh script: 1:3: arrays are a bash/mksh/zsh feature; tried parsing as posix"},
		{POSIX, "echo $((1+2)) ${x/a/b}", "parse sh script: 1:18: search and replace is a bash/mksh/zsh feature; tried parsing as posix"},
	} {
		_, err := Parse(tt.src, tt.d)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q, %v) error = %v, want %s", tt.src, tt.d, err, tt.want)
		}
		var perr syntax.ParseError
		var lerr syntax.LangError
		if err != nil && !errors.As(err, &perr) && !errors.As(err, &lerr) {
			t.Errorf("Parse(%q, %v) error %T does not unwrap to syntax.ParseError or LangError", tt.src, tt.d, err)
		}
	}
}

func TestDialectFor(t *testing.T) {
	for _, tt := range []struct {
		name string
		want Dialect
		ok   bool
	}{
		{"bash", Bash, true}, {"/bin/bash", Bash, true}, {"/usr/local/bin/bash", Bash, true},
		{"sh", POSIX, true}, {"/bin/sh", POSIX, true}, {"dash", POSIX, true}, {"ash", POSIX, true},
		{"zsh", Zsh, true}, {"/bin/zsh", Zsh, true},
		{"ksh", Bash, false}, {"fish", Bash, false}, {"", Bash, false}, {"bash5", Bash, false},
	} {
		d, ok := DialectFor(tt.name)
		if d != tt.want || ok != tt.ok {
			t.Errorf("DialectFor(%q) = %v, %v, want %v, %v", tt.name, d, ok, tt.want, tt.ok)
		}
	}
}

func TestStatic(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{"cd a && ls | head > out", true},
		{"ls *.py", false},
		{"ls &", false},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil {
			t.Fatal(err)
		}
		if s.Static() != tt.want {
			t.Errorf("Parse(%q).Static() = %v, want %v", tt.src, s.Static(), tt.want)
		}
	}
}

// TestArgSplit: a word with an unquoted expansion is marked, as bash
// splits it; quoted, a literal loop's value without blanks, or a word
// without expansions, not.
func TestArgSplit(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []bool
	}{
		{`test $X`, []bool{false, true}},
		{`test "$X"`, nil},
		{`echo a$(date)b "$(date)"`, []bool{false, true, false}},
		{`echo $((1+2))`, []bool{false, true}},
		{`for f in a; do cat $f; done`, nil},
		{`for f in 'a b'; do cat $f; done`, []bool{false, true}},
		{`for f in *; do cat $f; done`, []bool{false, true}},
		{`ls *.go`, nil},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil || len(s.Commands) == 0 {
			t.Fatalf("%q: %v", tt.src, err)
		}
		if c := s.Commands[len(s.Commands)-1]; !reflect.DeepEqual(c.ArgSplit, tt.want) {
			t.Errorf("%q: ArgSplit %v, want %v", tt.src, c.ArgSplit, tt.want)
		}
	}
}

// TestClimbed: the directories a cd reaches through a .. after a name
// are listed as written, for the judge to check that they exist (else
// bash's cd follows the path's links) and that the links in the path do
// not lead elsewhere (a shell that resolves them goes there).
func TestClimbed(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{`cd a/.. && ls`, []string{"a/.."}},
		{`cd link/../sub && ls`, []string{"link/../sub"}},
		{`cd a && cd ../b && ls`, []string{"a/../b"}},
		{`cd a && ls && cd .. && ls`, []string{"a/.."}},
		{`cd /x/../y && ls`, []string{"/x/../y"}},
		{`cd .. && ls`, nil},
		{`cd ../../x && ls`, nil},
		{`cd a/b && ls`, nil},
		{`cd ~/l/../s && ls`, []string{"~/l/../s"}},
		{`cd "$HOME/l/../s" && ls`, []string{"~/l/../s"}},
		{`cd a/./b/.. && ls`, []string{"a/./b/.."}},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil || len(s.Commands) == 0 {
			t.Fatalf("%q: %v", tt.src, err)
		}
		if c := s.Commands[len(s.Commands)-1]; !reflect.DeepEqual(c.Climbed, tt.want) {
			t.Errorf("%q: Climbed %q, want %q", tt.src, c.Climbed, tt.want)
		}
	}
}

func TestArgDynamic(t *testing.T) {
	for _, tt := range []struct {
		src   string
		args  [][]string
		other bool
	}{
		{"ls ~/x *.py", [][]string{nil, {"tilde ~/x"}, {"glob *.py"}}, false},
		{"cat \"$HOME/a\" > \"$OUT\"", [][]string{nil, {"parameter expansion $HOME"}}, true},
		{"echo a", nil, false},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil {
			t.Fatal(err)
		}
		c := s.Commands[0]
		if !reflect.DeepEqual(c.ArgDynamic, tt.args) || c.OtherDynamic != tt.other {
			t.Errorf("%q: ArgDynamic %q, OtherDynamic %v; want %q, %v", tt.src, c.ArgDynamic, c.OtherDynamic, tt.args, tt.other)
		}
	}
}

// TestCommandDialect: each command carries the dialect of the shell that
// runs it, so that a `zsh -c` nested in a bash script is judged as zsh
// (its glob qualifiers run code: bash -c "zsh -c 'ls *(e:...:)'" was
// judged as a bash glob).
func TestCommandDialect(t *testing.T) {
	for _, tt := range []struct {
		d    Dialect
		src  string
		want []Dialect
	}{
		{Bash, `ls; zsh -c 'ls; dash -c "ls"'; sh -c ls`, []Dialect{Bash, Zsh, POSIX, POSIX}},
		{Zsh, `ls && bash -c ls`, []Dialect{Zsh, Bash}},
		{POSIX, `ls`, []Dialect{POSIX}},
	} {
		s, err := Parse(tt.src, tt.d)
		if err != nil {
			t.Fatal(err)
		}
		var got []Dialect
		for _, c := range s.Commands {
			got = append(got, c.Dialect)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q, %v): dialects %v, want %v", tt.src, tt.d, got, tt.want)
		}
	}
}

// TestCommandShells: each command lists the programs of the shells nested
// around it, as written, outermost first (the caller resolves them: one
// planted on PATH would run instead); the top-level shell is the caller's
// own argv. A nested shell whose script runs nothing is reported as the
// command it is.
func TestCommandShells(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want [][]string
	}{
		{`ls; bash -c 'ls; /bin/dash -c "ls"'; nice zsh -c ls`, [][]string{nil, {"bash"}, {"bash", "/bin/dash"}, {"zsh"}}},
		{`timeout 5 ash -c 'echo a | wc -l'`, [][]string{{"ash"}, {"ash"}}},
		{`bash -c ''`, [][]string{nil}},
		{`echo x | sh`, [][]string{nil, nil}},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]string
		for _, c := range s.Commands {
			got = append(got, c.Shells)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q): shells %q, want %q", tt.src, got, tt.want)
		}
	}
}
