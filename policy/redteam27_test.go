package policy_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rt27PrintsWith runs script in bash and zsh with the option named set as
// a user's start-up files set it (bash's shopt, zsh's setopt) in dir, and
// fails unless it prints the token there.
func rt27PrintsWith(t *testing.T, dir, script, bashOpt, zshOpt string) {
	t.Helper()
	runs := map[string][]string{
		"bash": {"-O", bashOpt, "-c", script},
		"zsh":  {"-f", "-o", zshOpt, "-c", script},
	}
	for sh, args := range runs {
		bin, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s not installed: %q not run in it", sh, script)
			continue
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "ghp_") {
			t.Errorf("%s %q did not print the token: %q", sh, args, out)
		}
	}
}

// TestRedTeam27NullGlob: a glob that matches nothing is passed as written
// by bash and sh as they start, and the judge judged it so (a missing
// file). The agents' shells run with the user's options (a login shell's
// start-up files, Claude Code's snapshot of them), and with bash's nullglob
// or zsh's NULL_GLOB the word is dropped: a command left with no operand
// reads its default, the working directory for grep -r, rg and find.
func TestRedTeam27NullGlob(t *testing.T) {
	set, _, proj := tokenLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "API_KEY=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	attacks := []string{
		"grep -rh = x*.md",
		"grep -r -h = docs/*.md x?.rst",
		"find x*.md -name '.e*' -exec cat {} +",
		"(grep -rh = x*.md) && ls",
	}
	if _, err := exec.LookPath("rg"); err == nil {
		attacks = append(attacks, "rg -uu -N = x*.md")
	}
	for _, script := range attacks {
		rt27PrintsWith(t, proj, script, "nullglob", "nullglob")
		rt26Asked(t, set, proj, "bash", script)
		rt26Asked(t, set, proj, "zsh", script)
	}
	// Globs that match, and commands whose operand-less form reads
	// nothing secret, stay as they were.
	rtSafe(t, set, proj, "grep -rn package src/*.go", "ls x*.md", "cat x*.md", "grep -rh = src/*.go x*.md", "wc -l x*.md")
}

// TestRedTeam27QuotedBracket: in a bracket expression a quoted or escaped
// ! or ^ negates nothing and a quoted - makes no range: `.[\^e]nv` is the
// set of ^ and e to every shell, naming .env. The judge kept the quotes'
// meaning for * ? [ ] only, read [^e] as "not e", matched nothing, and
// judged the word as a missing file.
func TestRedTeam27QuotedBracket(t *testing.T) {
	set, _, proj := tokenLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "API_KEY=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"})
	mustLink(t, ".env", filepath.Join(proj, "x-y"))
	all := []string{"bash", "dash", "zsh"}
	rt26Attacks(t, set, proj, map[string][]string{
		`cat .[\^e]nv`:    all,
		`cat .['^'e]nv`:   all,
		`cat .["^"e]nv`:   all,
		`cat .[\!e]nv`:    all,
		`cat .['!'e]nv`:   all,
		`cat .[$'^'e]nv`:  all,
		`cat x[a'-'z]y`:   all,
		`cat x[a\-z]y`:    all,
		`head -1 .[\^e]*`: all,
	})
	// An option-like name made by a quoted - is still one; active ! and ^
	// still negate.
	for _, script := range []string{`ls '-'*`, `ls {'-x',y}*`} {
		rt26Asked(t, set, proj, "bash", script)
	}
	rtSafe(t, set, proj, `cat [!x].txt`, `cat [^x].txt`, `cat .[\!x]nv`, `ls *.txt`)
}
