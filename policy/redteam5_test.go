package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// The fifth red team of the judge (docs/redteam/judge-5.md): one test per class, each
// failing on the code before its fix.

// A $'...' escape the judge decoded otherwise than bash: bash 5.2 reads
// `\x{6e}` as n, so `cat $'.e\x{6e}v'` printed .env while the judge saw
// the harmless name `.e\x{6e}v`; `\c\\` eats both backslashes; `\u` and
// `\U` above U+007F are decoded by the locale at run time (the text
// `\u00E9` itself in the C locale, raw bytes for a surrogate). Such a word
// is now dynamic: unverified, except as a word echo or printf prints.
func TestRedTeam5AnsiCEscapes(t *testing.T) {
	set, _, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "OPENAI_API_KEY=sk-rtj5\n"})
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", `cat $'.e\x{6e}v'`)
		cmd.Dir = proj
		out, _ := cmd.Output()
		if !strings.Contains(string(out), "sk-rtj5") {
			t.Logf("this bash does not read \\x{...} (%q): the attack needs bash 5.2", out)
		}
	}
	// A planted name for the locale's spelling: a link `\u00E9` to .env.
	if err := os.Symlink(".env", filepath.Join(proj, `\u00E9`)); err != nil {
		t.Fatal(err)
	}
	rtNotSafe(t, set, proj, `cat $'.e\x{6e}v'`, `head -1 $'\x{2e}env'`, `cat $'.en\x{76}zz}'`,
		`cat $'\u00e9'`, `cat $'\U000000e9'`, `cat $'\ud800'`, `cat $'\U80000000'`, `cat $'x\c\\/../.env'`,
		`cat a.txt $'.e\x{6e}v'`)
	rtSafe(t, set, proj, `cat $'a.\x74xt'`, `cat $'\u0061.txt'`, `echo $'\u2713 done'`,
		`printf '%s\n' $'\x{41}' $'\u00e9'`, `cat $'a\x2etxt'`)
}

// A repository's git config can include any file, and the commands that
// print config print what it holds: with `[include] path = ~/.pypirc` in
// .git/config, `git config pypi.password` printed the upload token (INI
// files parse as git config), judged safe. The includes are followed now,
// as git does (relative to the including file, ~/ from HOME, through
// other included files, [includeIf] too).
func TestRedTeam5GitConfigInclude(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{
		filepath.Join(home, ".pypirc"):  "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCJGFi\n",
		filepath.Join(home, ".my.cnf"):  "[client]\npassword = Sup3rS3cret\n",
		filepath.Join(proj, "team.cfg"): "[include]\n\tpath = " + filepath.Join(home, ".my.cnf") + "\n",
		filepath.Join(proj, "urls.cfg"): "[remote \"o\"]\n\turl = https://u:tok123@example.com/r.git\n",
		filepath.Join(proj, "user.cfg"): "[user]\n\tname = A\n",
	})
	printing := []string{"git config --list", "git config pypi.password", "git config client.password", "git remote -v", "git help -a"}
	for _, cfg := range []string{
		"[include]\n\tpath = ~/.pypirc\n",
		"[Include] PATH = ~/.pypirc\n",
		"[includeIf \"gitdir:/\"]\n\tpath = \"../team.cfg\" ; shared\n",
		"[include]\n\tpath = ../urls.cfg\n",
		"[include]\n\tpath = ~/.py\\\npirc\n",
	} {
		rtWrite(t, map[string]string{filepath.Join(proj, ".git", "config"): "[core]\n\tbare = false\n" + cfg})
		rtNotSafe(t, set, proj, printing...)
	}
	rtWrite(t, map[string]string{filepath.Join(proj, ".git", "config"): "[core]\n\tbare = false\n[include]\n\tpath = ../user.cfg\n"})
	rtSafe(t, set, proj, "git config --list", "git config user.name", "git log --oneline")
}

// In a linked worktree (or a submodule) .git is a file naming the git
// directory, and git reads the main repository's config through its
// commondir: `git remote -v` there printed a token in a remote's URL that
// the config-printer check, reading ./.git/config only, never saw. And the
// reason of that check quoted the URL, token included, to the agent it
// kept the token from (`(https://u:ghp_...@...)`): it names the kind now.
func TestRedTeam5LinkedWorktreeConfig(t *testing.T) {
	set, _, proj := rtLab(t)
	const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
	creds := "[remote \"origin\"]\n\turl = https://u:" + token + "@github.com/x/y.git\n"
	main := filepath.Join(proj, "main")
	rtWrite(t, map[string]string{
		filepath.Join(main, ".git", "config"):                              "[core]\n\tbare = false\n" + creds,
		filepath.Join(main, ".git", "worktrees", "wt", "commondir"):        "../..\n",
		filepath.Join(main, ".git", "worktrees", "wt", "HEAD"):             "ref: refs/heads/x\n",
		filepath.Join(proj, "wt", ".git"):                                  "gitdir: ../main/.git/worktrees/wt\n",
		filepath.Join(proj, "srv", "r.git", "config"):                      "[core]\n\tbare = true\n" + creds,
		filepath.Join(proj, "srv", "r.git", "worktrees", "w", "commondir"): "../..\n",
		filepath.Join(proj, "w", ".git"):                                   "gitdir: " + filepath.Join(proj, "srv", "r.git", "worktrees", "w") + "\n",
		filepath.Join(proj, "top", ".git", "modules", "sub", "config"):     creds,
		filepath.Join(proj, "top", "sub", ".git"):                          "gitdir: ../.git/modules/sub\n",
		filepath.Join(proj, "plain", ".git", "config"):                     "[core]\n\tbare = false\n",
	})
	for _, d := range []string{"wt", "w", "top/sub", "main"} {
		rtNotSafe(t, set, filepath.Join(proj, d), "git remote -v", "git config --list", "git config remote.origin.url")
		v := set.Judge([]string{"git", "remote", "-v"}, filepath.Join(proj, d))
		if strings.Contains(v.Reason, token[4:12]) || strings.Contains(v.Secret, token[4:12]) {
			t.Errorf("git remote -v in %s: the reason quotes the token: %s", d, v.Reason)
		}
	}
	rtSafe(t, set, filepath.Join(proj, "plain"), "git remote -v", "git config --list")
	rtWrite(t, map[string]string{filepath.Join(proj, "n", ".npmrc"): "registry=https://bob:hunter2secret@npm.example.com/\n"})
	v := set.Judge([]string{"cat", ".npmrc"}, filepath.Join(proj, "n"))
	if v.Class == policy.Safe || strings.Contains(v.Reason, "hunter2") {
		t.Errorf("cat .npmrc with a password in a URL: %s (%s)", v.Class, v.Reason)
	}
}

// POSIX sh has no brace expansion, and the judge read `sh -c` scripts as
// dash does: `cat .e{n,}v` was a read of the harmless name `.e{n,}v`. But
// where sh is bash (macOS, Fedora, Arch), bash running as sh expands
// braces: it printed .env. Both readings are judged now: bash's words and
// the word as dash leaves it.
func TestRedTeam5ShBraces(t *testing.T) {
	set, _, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "OPENAI_API_KEY=sk-rtj5\n"})
	mustLink(t, ".env", filepath.Join(proj, "{x,y}"))
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "--posix", "-c", `cat .e{n,}v`)
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "sk-rtj5") {
			t.Errorf("bash --posix did not expand the braces (%q): the attack changed", out)
		}
	}
	for _, script := range []string{`cat .e{n,}v`, `head -1 .{env,x}`, `cat a.txt .e{nv,x}`, `cat {x,y}`, `grep -c x .e{n,x}v*`} {
		v := set.Judge([]string{"sh", "-c", script}, proj)
		if v.Class == policy.Safe {
			t.Errorf("sh -c %q: safe, want asked", script)
		}
	}
	for _, script := range []string{`cat {a,b}.txt`, `echo {a,b}`, `find . -name x -exec ls {} +`, `ls src/{c,d}.txt`} {
		if v := set.Judge([]string{"sh", "-c", script}, proj); v.Class != policy.Safe {
			t.Errorf("sh -c %q: %s (%s), want safe", script, v.Class, v.Reason)
		}
	}
}

// $[...] is arithmetic in bash (running as sh too) and literal text in
// dash: `sh -c 'cat $[1]'` was judged as a read of `$[1]`, and bash as sh
// read the file 1, a link to a secret. Such a word is dynamic in sh now.
func TestRedTeam5ShDollarBracket(t *testing.T) {
	set, home, proj := rtLab(t)
	mustLink(t, filepath.Join(home, ".aws", "credentials"), filepath.Join(proj, "1"))
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "--posix", "-c", `cat $[1]`)
		cmd.Dir = proj
		if out, _ := cmd.Output(); !strings.Contains(string(out), "aws_secret_access_key") {
			t.Errorf("bash --posix did not read the file 1 (%q): the attack changed", out)
		}
	}
	for _, script := range []string{`cat $[1]`, `head "$[0+1]"`, `cat ./$[1]`, `cat < $[1]`} {
		if v := set.Judge([]string{"sh", "-c", script}, proj); v.Class == policy.Safe {
			t.Errorf("sh -c %q: safe, want asked", script)
		}
	}
	for _, script := range []string{`cat \$[1] 2>/dev/null; true`, `grep -c '$[' a.txt`, `cat a.txt`} {
		if v := set.Judge([]string{"sh", "-c", script}, proj); v.Class != policy.Safe {
			t.Errorf("sh -c %q: %s (%s), want safe", script, v.Class, v.Reason)
		}
	}
}
