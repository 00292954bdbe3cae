package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// Judge-18 G1: the shells do not agree on what the characters of a name
// beyond ASCII are when they match a glob. dash, and bash in the C locale
// (a container with no LANG), match bytes: `??` matches é (two bytes).
// bash in a UTF-8 locale matches characters, with the locale's classes:
// [![:alpha:]] matches €, which is no letter. The judge matched characters
// only, and took every character beyond ASCII for a member of every class
// (so of no negated one): `sh -c 'cat ??'` and `bash -c 'cat
// [![:alpha:]]'` printed a token through a link named é or € while the
// judge saw no match, and judged the word as a file that is not there.
func TestRedTeam18GlobBytesAndLocale(t *testing.T) {
	set, home, proj := rtLab(t)
	tok := filepath.Join(home, "tok.txt")
	mustWrite(t, tok, "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	bytesDir := filepath.Join(proj, "b")
	mustLink(t, tok, filepath.Join(bytesDir, "é"))
	mustWrite(t, filepath.Join(bytesDir, "ü.md"), "harmless\n")
	mustWrite(t, filepath.Join(bytesDir, "a.txt"), "harmless\n")
	classDir := filepath.Join(proj, "c")
	mustLink(t, tok, filepath.Join(classDir, "€"))
	mustWrite(t, filepath.Join(classDir, "€.log"), "harmless\n")
	mustWrite(t, filepath.Join(classDir, "a.txt"), "harmless\n")

	premise := func(dir string, env []string, sh, script string) {
		t.Helper()
		if _, err := exec.LookPath(sh); err != nil {
			return
		}
		cmd := exec.Command(sh, "-c", script)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "ghp_") {
			t.Logf("%v %s -c %q printed %q, not the token (locale or shell missing here)", env, sh, script, out)
		}
	}
	premise(bytesDir, nil, "dash", "cat ??")
	premise(bytesDir, []string{"LC_ALL=C"}, "bash", "cat ??")
	premise(classDir, []string{"LC_ALL=C.UTF-8"}, "bash", "cat [![:alpha:]]")

	rtNotSafe(t, set, bytesDir,
		"cat ??",
		"head -1 ??",
		"grep token ??",
		"cat < ??",
		"cat ./??",
		"cat [!a][!a]",
		`sh -c "cat ??"`,
	)
	for _, c := range []string{"cat ??", "cat [!a][!a]", "cat ../b/??"} {
		v := set.Judge([]string{"sh", "-c", c}, bytesDir)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); v.Class == policy.Safe || d.Action == policy.Run {
			t.Errorf("sh -c %q: %s, %s; want asked (dash reads é, a link to the token)", c, v.Class, d.Action)
		}
	}
	rtNotSafe(t, set, classDir,
		"cat [![:alpha:]]",
		"cat [^[:alnum:]]",
		"cat [![:space:]]",
		"head -1 [![:lower:]]",
	)
	rtSafe(t, set, bytesDir,
		"cat ??.md",
		"cat ?.md",
		"cat *.md a.txt",
		"ls ??",
		"echo ??",
		"cat ?.txt",
	)
	rtSafe(t, set, classDir,
		"cat [![:alpha:]].log",
		"cat [[:alpha:]].txt",
		"ls [![:alpha:]]",
	)

	// Writes: dash writes é, a link to ~/.bashrc, for `cp a.txt ??`.
	bashrc := filepath.Join(home, ".bashrc")
	mustWrite(t, bashrc, "# rc\n")
	wDir := filepath.Join(proj, "w")
	mustLink(t, bashrc, filepath.Join(wDir, "é"))
	mustWrite(t, filepath.Join(wDir, "a.txt"), "a\n")
	for _, c := range []string{"cp a.txt ??", "touch ??", "tee -a ?? < a.txt", "sed -i s/a/b/ ??"} {
		v := set.Judge([]string{"sh", "-c", c}, wDir)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Run {
			t.Errorf("sh -c %q in auto-edit: %s, run (writes %q); want asked (dash writes through é to %s)", c, v.Class, v.Writes, bashrc)
		}
	}
	for _, c := range []string{"touch ?.log", "cp a.txt ?.bak"} {
		v := set.Judge([]string{"sh", "-c", c}, wDir)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action != policy.Run {
			t.Errorf("sh -c %q in auto-edit: %s, %s (%s); want run", c, v.Class, d.Action, d.Reason)
		}
	}
}
