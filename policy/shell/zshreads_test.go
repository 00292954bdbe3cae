package shell

import "testing"

// TestZshReadsOtherwise: constructs zsh runs otherwise than bash in a
// script read as bash (judge-21 Z5, Z7-Z9), and look-alikes both read alike.
func TestZshReadsOtherwise(t *testing.T) {
	for _, script := range []string{
		"time -p cat a.txt", "ls | time -p cat", "time time ls", "ls 2>&1-", "cat <&0-",
		`cat $'note\s.txt'`, `cat $'\cA'`, `cat $'\x'`, `cat $'a\0b'`,
		"cat f | sh <<'E'\nls\nE", "sh < f <<< ls", "cat f | python3 < x",
		"true | cd ~; cat t", "ls | { cd ..; }", "ls | builtin cd ..", "ls | pushd /",
		"cat ~'/t'", `cat ~"/t"`, `cat ~\/t`, "cat ~'root'/t", "cat ~$'/t'",
		"head -1 =tool", "cat =ls", "grep -s a =x.sh", "ls [^**/a]*", "cat [!/]*", "cat x[a/b]y",
		"cat }{}a,{b,c}}.txt", "cat notes.{txt},md}", "head x{}a,{b,c}}", "cat {a,b}}",
	} {
		if ZshReadsOtherwise(script) == "" {
			t.Errorf("ZshReadsOtherwise(%q) = \"\", want a construct", script)
		}
	}
	for _, script := range []string{
		"time cat a.txt", "ls 2>&1", "ls >&-", "cat $'a\\x2e\\t\\n'", "cat < a.txt | wc -l", "ls | wc -l <&-",
		"cd .. | ls", "(cd ..) | ls", "cat ~/t ~ ~root/t ~/'t'", "echo 'time -p' \"~'x'\"", "bash -c 'time -p ls'",
		"echo ==== = '=x' \"=y\" \\=z a=b --f=x", "cat src/[ab]*/x", "ls '[a/b]' \\[a/b]", "cat [a]/b",
		"cat {a,b}.txt a{b{c,d}}", "find . -exec cat {} +", "echo {x} '{'a,b} a\\{b,c}",
	} {
		if got := ZshReadsOtherwise(script); got != "" {
			t.Errorf("ZshReadsOtherwise(%q) = %q, want \"\"", script, got)
		}
	}
}

// TestZshReadsOtherwiseSpecialNames: a for loop or read whose variable is
// one of zsh's special parameters (judge-28 Z1).
func TestZshReadsOtherwiseSpecialNames(t *testing.T) {
	for _, script := range []string{
		"for path in bin; do ls; done", "for fpath in f; do ls; done", "for cdpath in /; do cd etc; done",
		"echo bin | while read path; do ls; done", "while read -r x module_path; do ls; done < a.txt",
		"for argv in a; do ls; done", "for dis_galiases in x; do ls; done",
	} {
		if ZshReadsOtherwise(script) == "" {
			t.Errorf("ZshReadsOtherwise(%q) = \"\", want a construct", script)
		}
	}
	for _, script := range []string{
		"for f in a b; do cat \"$f\"; done", "for p in src; do ls $p; done", "ls | while read -r line; do echo \"$line\"; done",
		"for _ in 1 2; do ls; done", "echo path fpath", "for PATH in x; do ls; done",
	} {
		if got := ZshReadsOtherwise(script); got != "" {
			t.Errorf("ZshReadsOtherwise(%q) = %q, want \"\"", script, got)
		}
	}
}
