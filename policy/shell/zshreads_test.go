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
