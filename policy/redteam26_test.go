package policy_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// tokenLab makes a home holding a token in tok.txt (HOME is set to it) and a
// project beside it, and returns the default set, the home and the project.
func tokenLab(t *testing.T) (policy.Set, string, string) {
	t.Helper()
	set := defaultSet(t)
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	home, proj := filepath.Join(root, "home"), filepath.Join(root, "proj")
	rtWrite(t, map[string]string{
		filepath.Join(home, "tok.txt"):     "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		filepath.Join(proj, "a.txt"):       "a\n",
		filepath.Join(proj, "src", "a.go"): "package a\n",
	})
	t.Setenv("HOME", home)
	policy.UseSecrets(nil)
	return set, home, proj
}

// rt26Prints runs script in each shell named (bash, dash, zsh) in dir and
// fails unless it prints the token: the attack is real in that shell.
func rt26Prints(t *testing.T, dir, script string, shells ...string) {
	t.Helper()
	for _, sh := range shells {
		bin, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s not installed: %q not run in it", sh, script)
			continue
		}
		args := []string{"-c", script}
		if sh == "zsh" {
			args = []string{"-f", "-c", script}
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "ghp_") {
			t.Errorf("%s -c %q did not print the token: %q", sh, script, out)
		}
	}
}

// rt26Asked fails unless the judge asks about script run by shell sh in
// both suggest and auto-edit mode.
func rt26Asked(t *testing.T, set policy.Set, dir, sh, script string) {
	t.Helper()
	v := set.Judge([]string{sh, "-c", script}, dir)
	s := policy.Decide(&v, policy.Suggest, []string{dir})
	a := policy.Decide(&v, policy.AutoEdit, []string{dir})
	if v.Class == policy.Safe || s.Action == policy.Run || a.Action == policy.Run {
		t.Errorf("%s -c %q: %s, suggest %s, auto-edit %s; want asked (%s)", sh, script, v.Class, s.Action, a.Action, s.Reason)
	}
}

// rt26Attacks runs each script in the shells it names, which must print the
// token, and fails unless the judge asks about it as each of them (dash
// judged as sh).
func rt26Attacks(t *testing.T, set policy.Set, dir string, attacks map[string][]string) {
	t.Helper()
	for script, shells := range attacks {
		rt26Prints(t, dir, script, shells...)
		for _, sh := range shells {
			if sh == "dash" {
				sh = "sh"
			}
			rt26Asked(t, set, dir, sh, script)
		}
	}
}

// TestRedTeam26HeredocDelimiterEscapes: the parser ends a here-document at
// its delimiter as written, less quotes; the shells undo the escapes of
// $'...' (bash, zsh) and a backslash before $ ` " \ inside double quotes
// (all three) first, and so end it at an earlier line. The lines between
// are commands to the shell and the document's text to the judge.
func TestRedTeam26HeredocDelimiterEscapes(t *testing.T) {
	set, _, proj := tokenLab(t)
	attacks := map[string][]string{
		"cat <<$'E\\x4fF'\nx\nEOF\ncat ~/tok.txt\nE\\x4fF\n":      {"bash", "zsh"},
		"cat <<$'E\\117F'\nx\nEOF\ncat ~/tok.txt\nE\\117F\n":      {"bash", "zsh"},
		"cat <<$'E\\\\OF'\nx\nE\\OF\ncat ~/tok.txt\nE\\\\OF\n":    {"bash", "zsh"},
		"cat <<\"E\\`OF\"\nx\nE`OF\ncat ~/tok.txt\nE\\`OF\n":      {"bash", "dash", "zsh"},
		"cat <<\"E\\$OF\"\nx\nE$OF\ncat ~/tok.txt\nE\\$OF\n":      {"bash", "dash", "zsh"},
		"cat <<\"E\\\"OF\"\nx\nE\"OF\ncat ~/tok.txt\nE\\\"OF\n":   {"bash", "dash", "zsh"},
		"cat <<\"E\\\\OF\"\nx\nE\\OF\ncat ~/tok.txt\nE\\\\OF\n":   {"bash", "dash", "zsh"},
		"cat <<-$'E\\x4fF'\nx\nEOF\ncat ~/tok.txt\nE\\x4fF\n":     {"bash", "zsh"},
		"{ cat; } <<$'E\\x4fF'\nx\nEOF\ncat ~/tok.txt\nE\\x4fF\n": {"bash", "zsh"},
	}
	rt26Attacks(t, set, proj, attacks)
	for _, script := range []string{
		"cat <<'EOF'\nx\nEOF\n", "cat <<\"EOF\"\nx\nEOF\n", "cat <<$'EOF'\nx\nEOF\n", "cat <<\\EOF\nx\nEOF\n",
		"cat <<\"E\\OF\"\nx\nE\\OF\n", "cat <<-EOF\n\tx\n\tEOF\n",
	} {
		rtSafe(t, set, proj, script)
	}
}

// TestRedTeam26CommandSubstHeredoc: a here-document inside a command
// substitution, such as "$(cat <<'EOF' ... EOF)" (which the judge reads as
// the document's text) or one in a word echo prints (whose commands the
// judge judges), ends in bash at the first line that begins with the
// delimiter and closes the substitution (`EOF)"`, `EOFX)"`, `EOF x)"`); the
// parser reads on to a line of the delimiter alone, so the lines between
// were the document's text to the judge and commands to bash.
func TestRedTeam26CommandSubstHeredoc(t *testing.T) {
	set, _, proj := tokenLab(t)
	for _, script := range []string{
		"echo \"$(cat <<'EOF'\nmsg\nEOF)\"\ncat ~/tok.txt\nEOF\n)\"",
		"echo \"$(cat <<EOF\nmsg\nEOF)\"\ncat ~/tok.txt\nEOF\n)\"",
		"echo \"$(cat <<\"EOF\"\nmsg\nEOF)\"\ncat ~/tok.txt\nEOF\n)\"",
		"echo \"$(cat <<'EOF'\nmsg\nEOFX)\"\ncat ~/tok.txt\nEOF\n)\"",
		"echo \"$(cat <<'EOF'\nmsg\nEOF )\" && head -1 ~/tok.txt\nEOF\n)\"",
		"echo x \"$(cat <<'EOF'\nmsg\nEOF)\";cat ~/tok.txt\nEOF\n)\"",
		"echo \"$(cat <<'EOF'; echo x\nmsg\nEOF)\"\ncat ~/tok.txt\nEOF\n)\"",
		"echo \"$( (cat <<'EOF'\nmsg\nEOF))\"\ncat ~/tok.txt\nEOF\n))\"",
		"diff <(cat <<'EOF'\nmsg\nEOF) a.txt\ncat ~/tok.txt\nEOF\n) a.txt",
		"echo \"$(cat <<-'EOF'\nmsg\n\tEOF)\"\ncat ~/tok.txt\nEOF\n)\"",
	} {
		rt26Prints(t, proj, script, "bash")
		rt26Asked(t, set, proj, "bash", script)
	}
	// A substitution closed on the line of its <<: bash reads the body
	// from the lines after it, as the parser does; dash and zsh take it
	// as empty and run those lines.
	for _, script := range []string{
		"echo \"$(cat <<EOF)\"\ncat ~/tok.txt\nEOF\n",
		"cat <<A; echo \"$(cat <<'B')\"\na\nA\ncat ~/tok.txt\nB\n",
	} {
		rt26Prints(t, proj, script, "dash", "zsh")
		for _, sh := range []string{"bash", "sh", "zsh"} {
			rt26Asked(t, set, proj, sh, script)
		}
	}
	rtSafe(t, set, proj, "echo \"`date`\" `pwd`")
}

// TestRedTeam26Backquotes: the shells end a backquoted command substitution
// at the next backquote no backslash escapes, inside a here-document's body
// or single quotes too (bash in double quotes), and undo \` before they
// parse its text; the parser reads the quotes and the document first. The
// text after the shells' end was inside the substitution to the judge
// (an echo's argument: printed, its commands judged).
func TestRedTeam26Backquotes(t *testing.T) {
	set, _, proj := tokenLab(t)
	attacks := map[string][]string{
		"echo \"`cat <<'EOF'\nmsg `\"\ncat ~/tok.txt\necho \"`\nEOF\n`\"": {"bash", "dash", "zsh"},
		"echo \"`echo 'a`\"; cat ~/tok.txt\n: '`\"":                       {"bash"},
		"echo \"`cat <<< 'a`\"; cat ~/tok.txt\n: '`\"":                    {"bash"},
	}
	rt26Attacks(t, set, proj, attacks)
	rtSafe(t, set, proj,
		"echo \"$(cat <<'EOF'\nFix the parser\n\nIt ends at EOF.\nEOF\n)\"",
		"echo \"$(cat <<'EOF'\na )\"\nb\nEOF\n)\"",
		"echo \"$(cat <<EOF\nmsg\nEOF\n)\"")
}

// TestRedTeam26XargsSplitsNames: xargs (without -0) cuts the names it reads
// at blanks and removes quotes and backslashes, and with -d '\n' cuts them
// at newlines; the judge walked the source's tree and judged the files
// there, whole. A name `x cfg.txt` below src is read as src/x and ./cfg.txt
// (a file whose content is a token, here), and a directory named .'.' makes
// src/.'.'/.'.'/home/tok.txt the path src/../../home/tok.txt.
func TestRedTeam26XargsSplitsNames(t *testing.T) {
	set, _, proj := tokenLab(t)
	token := "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
	blank, quoted, newline := filepath.Join(proj, "blank"), filepath.Join(proj, "quoted"), filepath.Join(proj, "newline")
	rtWrite(t, map[string]string{
		filepath.Join(blank, "cfg.txt"):                                         token,
		filepath.Join(blank, "src", "a.go"):                                     "package a\n",
		filepath.Join(blank, "src", "x cfg.txt"):                                "x\n",
		filepath.Join(quoted, "src", "a.go"):                                    "package a\n",
		filepath.Join(quoted, "src", ".'.'", ".'.'", ".'.'", "home", "tok.txt"): "x\n",
		filepath.Join(newline, "cfg.txt"):                                       token,
		filepath.Join(newline, "src", "a.go"):                                   "package a\n",
		filepath.Join(newline, "src", "x\ncfg.txt"):                             "x\n",
	})
	for dir, scripts := range map[string][]string{
		blank: {"find src -type f | xargs cat", "find src -name '*.txt' | xargs cat", "ls src | xargs cat",
			"find src | xargs -r cat"},
		quoted:  {"find src -name tok.txt | xargs cat", "find src -type f | xargs -I{} cat {}"},
		newline: {"find src -type f | xargs -d '\\n' cat", "find src -type f | xargs cat"},
	} {
		for _, script := range scripts {
			rt26Prints(t, dir, script, "bash")
			rt26Asked(t, set, dir, "bash", script)
		}
	}
	// Names xargs passes on whole: NUL-separated, or lines without a
	// newline, or a tree whose listed files have none of those names.
	for dir, scripts := range map[string][]string{
		blank: {"find src -type f -print0 | xargs -0 cat", "find src -type f | xargs -d '\\n' cat", "find src -name '*.go' | xargs cat",
			"find src -type f | xargs -I{} head -3 {}"},
		newline: {"find src -type f -print0 | xargs -0 cat", "find src -name '*.go' | xargs cat"},
	} {
		rtSafe(t, set, dir, scripts...)
	}
}

// TestRedTeam26ZshBraces: zsh expands a word's braces as bash does only
// when they nest; `}{}a,{b,c}}.txt` is }}a.txt, }b.txt and }c.txt to bash
// and }{}a,b}.txt and }{}a,c}.txt to zsh, a link to the token here. Judged
// as zsh (zsh -c), such a word is unknown; judged as bash for a zsh agent,
// the hooks ask (shell.ZshReadsOtherwise, TestZshReadsOtherwise).
func TestRedTeam26ZshBraces(t *testing.T) {
	set, _, proj := tokenLab(t)
	mustLink(t, "../home/tok.txt", filepath.Join(proj, "}{}a,b}.txt"))
	mustLink(t, "../home/tok.txt", filepath.Join(proj, "n.{txt},md}x"))
	for _, script := range []string{"cat }{}a,{b,c}}.txt", "head -1 n.{txt},md}x"} {
		rt26Prints(t, proj, script, "zsh")
		rt26Asked(t, set, proj, "zsh", script)
	}
	for _, script := range []string{"cat a.{txt,go}", "cat src/{a,b}.go"} {
		v := set.Judge([]string{"zsh", "-c", script}, proj)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action != policy.Run {
			t.Errorf("zsh -c %q: %s (%s); want run", script, d.Action, d.Reason)
		}
	}
}
