package shell

import (
	"fmt"
	"strings"
	"testing"
)

// TestUnverifiedWhereShellsDiffer: each class of text that bash or dash
// reads otherwise than the parser makes the script unverified, with a
// reason naming it. The differential test (policy/differential_test.go)
// runs such scripts in the real shells.
func TestUnverifiedWhereShellsDiffer(t *testing.T) {
	for _, tt := range []struct {
		class, src, want string
		d                Dialect
	}{
		{"comment_backslash_newline", "echo ok #\\\nrm a.txt", "ends in a backslash", Bash},
		{"comment_backslash_newline", "ls # x \\\ntouch pwned", "ends in a backslash", POSIX},
		{"comment_backslash_newline", "echo 'a' #'\\\nrm a.txt", "ends in a backslash", Bash},
		{"backslash_cr_lf", "echo a\\\r\nrm a.txt", "carriage return", Bash},
		{"carriage_return", "ls\rrm a.txt", "carriage return", POSIX},
		{"heredoc_delimiter_continuation", "cat <<EO\\\nF\nhi\nEO\\\nF\nrm a.txt\nEOF", "here-document", Bash},
		{"heredoc_delimiter_continuation", "cat <<EOF\nhi\nEO\\\nF\nrm a.txt\nEOF", "here-document", Bash},
		{"heredoc_operator_continuation", "cat <<'EOF' \\\n> x\ny\nEOF", "here-document", Bash},
		{"heredoc_unquoted_after_quoted", "cat <<'A'\nx\nA\ncat <<B\ny\\\nB\nrm a.txt\nB", "here-document", Bash},
		{"nested_shell_rcfile", "bash --rcfile F -ic ls", "--rcfile runs a file", Bash},
		{"nested_shell_init_file", "bash --init-file=F -ic ls", "--init-file runs a file", Bash},
		{"nested_shell_interactive_stdin", "bash -i <<EOF\nls\nEOF", "-i runs startup files", Bash},
		{"nested_shell_login", "sh -lc ls", "-l runs startup files", Bash},
		{"nested_shell_login_long", "bash --login -c ls", "--login runs startup files", POSIX},
		{"nested_shell_shopt", "bash -O extglob -c ls", "O sets a shell option", Bash},
		{"nested_shell_shopt_off", "bash +O extglob -c ls", "O sets a shell option", Bash},
		{"nested_shell_set_option", "bash -o posix -c ls", "-o posix", Bash},
		{"nested_shell_keyword", "bash -kc ls", "-k may change", Bash},
		{"nested_shell_deep", "bash -c 'bash --rcfile F -ic ls'", "--rcfile", Bash},
		{"dev_tcp", "cat < /dev/tcp/127.0.0.1/9", "network connection", Bash},
		{"dev_udp", "echo hi >/dev/udp/127.0.0.1/9", "network connection", POSIX},
		{"dev_tcp_uncleaned", "cat < //dev/./tcp/h/1", "network connection", Bash},
		{"nul_byte", "ls\x00; rm a.txt", "NUL", Bash},
		{"non_utf8", "ls \xff\nrm a.txt", "not UTF-8", Bash},
		{"control_character", "ls\x0brm a.txt", "control character", Bash},
		{"unicode_space", "echo a\u00a0;\u00a0rm a.txt", "space-like", Bash},
		{"line_separator", "ls\u2028rm a.txt", "space-like", Bash},
		{"zero_width", "ls\u200b; rm a.txt", "space-like", Bash},
		{"bidi_override", "echo \u202erm a.txt", "space-like", Bash},
		{"fd_dash_word", "ls >&-touch pwned", "target otherwise", Bash},
		{"fd_digit_word", "ls 2>&1x", "target otherwise", Bash},
		{"fd_quoted_file", `echo $>&'\'' ; rm a.tx[[t '`, "target otherwise", Bash},
		{"nested_eval_cr", "eval $'ls\\rrm a.txt'", "carriage return", Bash},
	} {
		t.Run(tt.class, func(t *testing.T) {
			s, err := Parse(tt.src, tt.d)
			if err != nil {
				// The parser refuses some bytes itself: unverified too
				// (policy.Judge).
				if tt.class == "non_utf8" && strings.Contains(err.Error(), "UTF-8") {
					return
				}
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if !strings.Contains(s.Unverified, tt.want) {
				t.Errorf("Parse(%q, %v).Unverified = %q, want it to say %q", tt.src, tt.d, s.Unverified, tt.want)
			}
		})
	}
}

// TestDashBuiltins: builtin, pushd and popd are programs in dash.
func TestDashBuiltins(t *testing.T) {
	for _, src := range []string{"builtin cd d; ls", "pushd d; ls"} {
		s, err := Parse(src, POSIX)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Commands) != 2 || s.Commands[1].Dir != "" {
			t.Errorf("Parse(%q, sh) = %v, want the first word run as a program and ls in the start directory", src, s.Commands)
		}
		if strings.HasPrefix(src, "pushd") && !strings.Contains(s.Unverified, "working directory unknown") {
			t.Errorf("Parse(%q, sh).Unverified = %q, want the directory unknown (sh may be bash)", src, s.Unverified)
		}
	}
}

// limitScripts are the inputs that used to take seconds or gigabytes, or
// overflow the stack, by name; each is built to about n bytes.
var limitScripts = map[string]func(n int) string{
	"cd_ls_lines":   func(n int) string { return strings.Repeat("cd d; ls\n", n/9) },
	"and_chain":     func(n int) string { return strings.Repeat("ls && ", n/6) + "ls" },
	"pipe_chain":    func(n int) string { return strings.Repeat("ls | ", n/5) + "ls" },
	"nested_subst":  func(n int) string { return strings.Repeat("echo $(", n/8) + strings.Repeat(")", n/8) },
	"nested_quoted": func(n int) string { return strings.Repeat("$( ')' ", n/7) },
	"semicolons":    func(n int) string { return strings.Repeat("ls;", n/3) },
	"words":         func(n int) string { return "echo " + strings.Repeat("a ", n/2) },
	"nested_if": func(n int) string {
		return strings.Repeat("if true; then ", n/17) + "ls;" + strings.Repeat("fi;", n/17)
	},
	"heredoc":          func(n int) string { return "cat > f.py <<'EOF'\n" + strings.Repeat("print((1, 2))\n", n/14) + "EOF\n" },
	"nested_cd_subst":  func(n int) string { return strings.Repeat("cd d && echo \"$(ls)\"; ", n/22) },
	"long_dynamic_arg": func(n int) string { return "echo " + strings.Repeat("$x", n/2) },
	"nested_loops":     func(n int) string { return nestedLoops(min(n/24, 255), "a b", "cd .") },
	// Every '{' asked whether it starts a brace expansion scanned to the
	// end of the word: a 1 MiB word of `{a}` took seconds.
	"brace_scan": func(n int) string {
		return "echo " + strings.Repeat("{a}", min(n/6, MaxOpeners-1)) + strings.Repeat("a", n/2) + ",}"
	},
	// Expressions: the parser makes a node per operator, with no bracket
	// to count before parsing, and a recursive walk of 900,000 of them
	// overflowed the stack (a crash).
	"arith_unary":     func(n int) string { return "echo $((" + strings.Repeat("~", n-10) + "1))" },
	"arith_chain":     func(n int) string { return "echo $((" + strings.Repeat("1+", n/2-5) + "1))" },
	"arith_assign":    func(n int) string { return "echo $((a=" + strings.Repeat("a=", n/2-6) + "1))" },
	"arith_ternary":   func(n int) string { return "echo $((" + strings.Repeat("1?1:", n/4-3) + "1))" },
	"arith_command":   func(n int) string { return "((" + strings.Repeat("-", n-4) + "1))" },
	"arith_subscript": func(n int) string { return "a[" + strings.Repeat("~", n-6) + "1]=x" },
	"let_chain":       func(n int) string { return "let " + strings.Repeat("1+", n/2-3) + "1" },
	"let_unary":       func(n int) string { return "let " + strings.Repeat("~", n-5) + "1" },
	"test_not":        func(n int) string { return "[[ " + strings.Repeat("! ", n/2-4) + "a ]]" },
	"test_and":        func(n int) string { return "[[ " + strings.Repeat("a && ", n/5-2) + "a ]]" },
	"time_chain":      func(n int) string { return strings.Repeat("time ", n/5-1) + "true" },
	"distinct_params": func(n int) string {
		var b strings.Builder
		b.WriteString("echo ")
		for i := 0; b.Len() < n-12; i++ {
			fmt.Fprintf(&b, "${v%d}", i)
		}
		return b.String()
	},
}

// TestLimitsAnswerCleanly: every input class, past the limits, gives an
// unverified script with a reason, without error, panic or stack
// overflow. (Time and memory: BenchmarkLimits.)
func TestLimitsAnswerCleanly(t *testing.T) {
	for name, gen := range limitScripts {
		t.Run(name, func(t *testing.T) {
			for _, n := range []int{1 << 10, MaxScriptBytes - 64, MaxScriptBytes + 1} {
				src := gen(n)
				s, err := Parse(src, Bash)
				if err != nil {
					continue // a parse error is an answer too
				}
				if len(src) > MaxScriptBytes && !strings.Contains(s.Unverified, "longer than") {
					t.Errorf("%d bytes: Unverified = %q, want the size limit", len(src), s.Unverified)
				}
				if len(s.Commands) > MaxCommands {
					t.Errorf("%d bytes: %d commands reported, limit %d", len(src), len(s.Commands), MaxCommands)
				}
				for _, c := range s.Commands {
					if len(c.Dir) > maxDirLen {
						t.Fatalf("%d bytes: a directory of %d bytes", len(src), len(c.Dir))
					}
				}
			}
		})
	}
	// The limits themselves, with their reasons.
	for _, tt := range []struct{ src, want string }{
		{strings.Repeat("x", MaxScriptBytes+1), "longer than"},
		{strings.Repeat("echo $(", MaxNesting+1) + strings.Repeat(")", MaxNesting+1), "nested more than"},
		{strings.Repeat("$( ')' ", MaxOpeners+1), "brackets"},
		{strings.Repeat("if a; then echo \"; fi\"; ", MaxKeywords+1), "compound commands"},
		{strings.Repeat("ls;", MaxCommands+1), "more than 10000 commands"},
		{"echo $((" + strings.Repeat("~", MaxUnaryRun+1) + "1))", "a run of more than"},
		{"[[ " + strings.Repeat("! ", MaxUnaryRun+1) + "a ]]", "a run of more than"},
		// Right-associative chains: the parser nests once per operator.
		{"echo $((" + strings.Repeat("a=", MaxRightAssoc+1) + "1))", "operators = ? **"},
		{"echo $((" + strings.Repeat("a= ", MaxRightAssoc+1) + "1))", "operators = ? **"},
		{"((" + strings.Repeat("1?1:", MaxRightAssoc+1) + "1))", "operators = ? **"},
		{"let x=" + strings.Repeat("2**", MaxRightAssoc+1) + "1", "operators = ? **"},
		{"a[" + strings.Repeat("b+=", MaxRightAssoc+1) + "1]=1", "operators = ? **"},
		{"let " + strings.Repeat("1+", MaxTreeDepth) + "1", "nested more than 2000 deep"},
		{"echo $((" + strings.Repeat("a=", MaxTreeDepth) + "1))", "nested more than 2000 deep"},
		{"[[ " + strings.Repeat("a && ", MaxTreeDepth) + "a ]]", "nested more than 2000 deep"},
		{strings.Repeat("time ", MaxKeywords+1) + "true", "compound commands"},
		{"echo" + strings.Repeat(" a", MaxWords), "more than 100000 words"},
		{strings.Repeat("cd d && ", 5000) + "ls", "longer than 4096"},
		{strings.Repeat("cd d; ", 5000) + "ls", "directories"},
		// A literal for loop is walked once per word: nested, the rounds
		// multiply (2^40 here, from 1 KB), with or without commands to
		// report, and a nested script is parsed again in every round.
		{nestedLoops(40, "a b", "cd ."), "steps to walk"},
		{nestedLoops(300, "a b", "cat a"), "steps to walk"},
		{nestedLoops(5, loopWords(32), "cd ."), "steps to walk"},
		{nestedLoops(3, loopWords(32), "bash -c '"+strings.Repeat("ls ", 30000)+"'"), "steps to walk"},
		{nestedLoops(2, loopWords(32), "ls"+strings.Repeat(" a", 50000)), "steps to walk"},
		{nestedLoops(2, loopWords(32), "eval '"+nestedLoops(2, loopWords(32), "cd .")+"'"), "steps to walk"},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil {
			t.Errorf("Parse(%.20q...): %v", tt.src, err)
			continue
		}
		if !strings.Contains(s.Unverified, tt.want) {
			t.Errorf("Parse(%.20q...).Unverified = %.200q, want %q", tt.src, s.Unverified, tt.want)
		}
	}
}

// nestedLoops nests n `for` loops over words around body.
func nestedLoops(n int, words, body string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "for x%d in %s; do ", i, words)
	}
	b.WriteString(body)
	b.WriteString(strings.Repeat("; done", n))
	return b.String()
}

// loopWords returns n words w0 w1 ...
func loopWords(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("w%d", i)
	}
	return strings.Join(w, " ")
}

// TestLimitsSparePlainText: prose and code in a here-document (keywords
// in sentences, brackets in code) are no nesting.
func TestLimitsSparePlainText(t *testing.T) {
	for _, src := range []string{
		"cat > README.md <<'EOF'\n" + strings.Repeat("If you do this, do that if needed; then do it, case by case.\n", 1000) + "EOF\n",
		"cat > f.py <<'EOF'\n" + strings.Repeat("if x: print(f(a[0], {1: [2]}))\n", 1000) + "EOF\n",
		// A quoted here-document is read line by line as it is, by the
		// shells as by the parser: its line continuations are text.
		"cat > f.py <<'EOF'\nx = 1 + \\\n    2\nEOF\npython f.py",
	} {
		s, err := Parse(src, Bash)
		if err != nil || s.Unverified != "" {
			t.Errorf("Parse(%.40q...) = %q, %v; want a plain script", src, s.Unverified, err)
		}
	}
}

// BenchmarkLimits: time and memory of Parse for each input class at 1 KB,
// 10 KB, 100 KB and 1 MB: linear in the size.
func BenchmarkLimits(b *testing.B) {
	for _, name := range sortedNames(limitScripts) {
		for _, n := range []int{1 << 10, 10 << 10, 100 << 10, MaxScriptBytes - 64} {
			src := limitScripts[name](n)
			b.Run(name+"/"+sizeName(n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					Parse(src, Bash)
				}
			})
		}
	}
}

func sortedNames[V any](m map[string]V) []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	return names
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20-64:
		return "1MB"
	case n >= 100<<10:
		return "100KB"
	case n >= 10<<10:
		return "10KB"
	}
	return "1KB"
}
