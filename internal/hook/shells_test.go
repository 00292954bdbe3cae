package hook

import (
	"strings"
	"testing"
)

// TestZshRunsProgram: the statements that zsh, unlike bash, runs a program
// for ($READNULLCMD, $NULLCMD), wherever they are in the script; $(< file)
// reads the file in both.
func TestZshRunsProgram(t *testing.T) {
	for script, want := range map[string]bool{
		"< README": true, "<<< x": true, "ls; < README": true, "(< a)": true, "{ < a; }": true,
		"if true; then < a; fi": true, "< a | cat": true, "2>/dev/null": true, "zsh -c '< a'": true,
		"cat README": false, "echo $(< README)": false, `x="$(<VERSION)"; echo "$x"`: false,
		"bash -c '< a'": false, ": < a": false, "ls > /dev/null": false,
	} {
		if got := ZshRunsProgram(script) != ""; got != want {
			t.Errorf("ZshRunsProgram(%q) = %q, want found %v", script, ZshRunsProgram(script), want)
		}
	}
}

// TestZshGlobReading: words that zsh with EXTENDED_GLOB reads as patterns
// and bash literally, widened to what bash can judge; the rest unchanged.
func TestZshGlobReading(t *testing.T) {
	for script, want := range map[string]string{
		"cat .env~x":             "cat .env",
		"cat .en^x":              "cat .en*",
		"cat .e#nv":              "cat .*nv",
		"cat ^README":            "cat *",
		"cat src/^a/b":           "cat src/*/b",
		"git log HEAD~1 -- a~b":  "git log HEAD -- a",
		"ls ~ ~/x":               "",
		"cat '.env~x' \\.e\\#nv": "",
		"echo #comment~x":        "",
		"cat \"$x\"~y":           "cat \"$x\"",
	} {
		got, word := ZshGlobReading(script)
		if got != want {
			t.Errorf("ZshGlobReading(%q) = %q (word %s), want %q", script, got, word, want)
		}
	}
}

// TestGlobOptionReading: each unquoted glob argument is followed by what it
// also names with dotglob (a name's leading * or ? as a dot) and
// nocaseglob (letters of a globbing name in either case).
func TestGlobOptionReading(t *testing.T) {
	for script, want := range map[string]string{
		"cat *":                           "cat * * .[!.]*",
		"cat .EN?":                        "cat .EN? .[eE][nN]?",
		"cat a/*.txt":                     "cat a/*.txt a/*.[tT][xX][tT] a/.[!.]*.txt a/.txt",
		"cat *env":                        "cat *env *[eE][nN][vV] .*env",
		"cat < ?env":                      "cat < ?env <?[eE][nN][vV] <.env",
		"for f in *; do cat \"$f\"; done": "for f in * * .[!.]*; do cat \"$f\"; done",
		"select f in ?env; do :; done":    "select f in ?env ?[eE][nN][vV] .env; do :; done",
		"cat > *.log; cat <<< *":          "",
		"cat ?env":                        "cat ?env ?[eE][nN][vV] .env",
		"cat README":                      "",
		"cat '*' \\*":                     "",
		"x=*; echo hi":                    "",
		"ls src/[ab]*.go":                 "ls src/[ab]*.go src/[ab]*.[gG][oO] src/.*.go",
	} {
		if got, _ := GlobOptionReading(script); got != want {
			t.Errorf("GlobOptionReading(%q) = %q, want %q", script, got, want)
		}
	}
}

// TestZshParamReading: zsh's flagged expansions ($~x, $=x, $^x, $+x, $#x),
// text to bash, are read as the plain expansion; quoted, escaped and
// literal here-document text is left alone.
func TestZshParamReading(t *testing.T) {
	for script, want := range map[string]string{
		"echo .env >/dev/null; cat $~_":  "echo .env >/dev/null; cat $_",
		`cat "$~_"`:                      `cat "$_"`,
		"cat $=X $^Y $+Z $+#W $#W":       "cat $X $Y ${_}Z ${_}W $#W",
		"cat a$~~=HOME/b":                "cat a$HOME/b",
		"cat $~{X}":                      "cat ${X}",
		"echo $(cat $~_)":                "echo $(cat $_)",
		"echo ${X:-$~_}":                 "echo ${X:-$_}",
		"cat <<EOF\n$~_\nEOF\n":          "cat <<EOF\n$_\nEOF\n",
		"cat <<'EOF'\n$~_\nEOF\n":        "",
		"cat <<\\EOF\n$~_\nEOF\n":        "",
		"cat '$~_' \\$~_":                "",
		"echo $~ $= a=b x~y $# $$ $~/":   "echo   a=b x~y $# $$ /",
		"cat $~'notes.txt'":              "cat 'notes.txt'",
		`cat notes$=".txt" "$^~.x"`:      `cat notes".txt" ".x"`,
		"echo a=b x~y $# $$ ~/ $+/":      "",
		"git log HEAD~1; echo $((1+2))":  "",
		"echo 'a' \"b $HOME\" ~/x $+":    "",
		"cat .e$PWD[99]nv":               "cat .e${_}nv",
		`cat "$PWD[1,3]" $1[2]`:          `cat "${_}" ${_}`,
		"cat $~PWD[1]":                   "cat ${_}",
		"cat ${PWD}[1] $PWD [a] $PWD[ ]": "",
		"cat .e$PWD:t:s/proj/nv/ b":      "cat .e${_} b",
		`cat "x$PWD:h/y" z`:              `cat "x${_}" z`,
		"cat $HOME:$PATH $h:22 $u:/tmp":  "",
		// Special parameters too: $$ is judged as a number (judge-24).
		"cat $$:h:s/./.en/:s/n/nv/":    "cat ${_}",
		`cat "x$$[1]" $?:h $#[1] $-:t`: `cat "x${_}" ${_} ${_} ${_}`,
		"echo pid $$: $$ /proc/$$/x":   "",
		// $+name is 1 or 0, a file name of its own.
		"head -3 $+HOME": "head -3 ${_}HOME",
	} {
		got, word := ZshParamReading(script)
		if got != want {
			t.Errorf("ZshParamReading(%q) = %q (word %s), want %q", script, got, word, want)
		}
	}
}

// TestZshQuoteBraceReading: RC_QUOTES and BRACE_CCL readings (judge-25).
func TestZshQuoteBraceReading(t *testing.T) {
	for script, want := range map[string]string{
		"cat '.e''nv'":           `cat '.e'\''nv'`,
		"cat .e{n}v":             "cat .env",
		"cat .e{m-o}v":           "cat .e{m,n,o}v",
		"cat x{ab}y{c}":          "cat x{a,b}yc",
		"cat $(echo '.e''nv')":   `cat $(echo '.e'\''nv')`,
		"echo {a,b} {1..3} {}":   "",
		"cat $'a''b' \"'a''b'\"": "",
		"find . -exec cat {} +":  "",
		`cat \{n} '{n}' ${n}`:    "",
	} {
		if got, _ := ZshQuoteBraceReading(script); got != want {
			t.Errorf("ZshQuoteBraceReading(%q) = %q, want %q", script, got, want)
		}
	}
}

func TestDashReading(t *testing.T) {
	for script, want := range map[string]string{
		"cat .[^e]nv":                     `cat .[\^e]nv`,
		"ls a[^b]c [^x][^y]":              `ls a[\^b]c [\^x][\^y]`,
		"cat $(ls .[^e]*)":                `cat $(ls .[\^e]*)`,
		"cat [!x] \\[^x] '[^x]' \"[^x]\"": "",
		"grep -E '^a' x; [[ a ]]":         "",
		"cat {x,y} a{b..d}":               `cat \{x,y} a\{b..d}`,
		"cat $'x' $\"y\" \"$'z'\"":        `cat \$'x' \$"y" "$'z'"`,
		"ls &>/dev/null rm f":             "ls & >/dev/null rm f",
		"ls &>>x -la; ls -la &>x":         "ls & >>x -la; ls -la &>x",
		"find . -exec cat {} + ; echo {}": "",
	} {
		if got, _ := DashReading(script); got != want {
			t.Errorf("DashReading(%q) = %q, want %q", script, got, want)
		}
	}
}

// TestLooksUp: the names of a script that bash runs as its own and dash or
// zsh looks up on PATH.
func TestLooksUp(t *testing.T) {
	for script, want := range map[string][2]string{
		"[[ -f a.txt ]] && echo yes":     {"[[", ""},
		"pushd src; popd":                {"pushd popd", ""},
		"command pushd src":              {"pushd", "pushd"},
		"builtin command pushd src":      {"builtin", "pushd"},
		"command -v pushd; command -V x": {"", ""},
		"command -p -- cd src":           {"", "cd"},
		"echo $([[ -d d ]] && echo d)":   {"[[", ""},
		"time pushd src":                 {"pushd", ""},
		"ls -la; cd src; echo hi":        {"", ""},
		"exec builtin echo hi":           {"builtin", ""},
	} {
		dash, zsh := strings.Join(DashLooksUp(script), " "), strings.Join(ZshLooksUp(script), " ")
		if dash != want[0] || zsh != want[1] {
			t.Errorf("%q: dash %q, zsh %q; want %q, %q", script, dash, zsh, want[0], want[1])
		}
	}
}
