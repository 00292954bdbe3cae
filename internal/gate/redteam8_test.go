package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/policy"
)

// TestGitMessageToken (docs/redteam/judge-8.md J1): a token pasted into a
// commit message, a tag's annotation or a stash's message was printed by
// `git log -1`, `git show -s`, `git tag -n`, `git branch -v`, `git stash
// list`, `git blame --porcelain`, `git cat-file -p HEAD`, all safe; `cat`
// of a file holding the same bytes is asked about. The messages a command
// prints are now scanned as cat's read is.
func TestGitMessageToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "first")
	run("tag", "-a", "v0", "-m", "release notes")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
	commitPrinters := [][]string{{"git", "log", "-1"}, {"git", "show", "-s"}, {"git", "log", "--oneline"},
		{"git", "log", "--format=%B"}, {"git", "reflog"}, {"git", "rev-list", "--format=%s", "HEAD"},
		{"git", "shortlog", "HEAD"}, {"git", "show-branch"}, {"git", "branch", "-v"}, {"git", "branch", "-vv"},
		{"git", "cat-file", "-p", "HEAD"}, {"git", "cat-file", "commit", "HEAD"}, {"git", "whatchanged", "-1"},
		{"git", "blame", "--porcelain", "a.txt"}, {"git", "for-each-ref", "--format=%(subject)"},
		{"git", "branch", "--format", "%(contents:subject)"}, {"bash", "-c", "git log --oneline | head -1"},
		{"git", "-C", ".", "log", "-1", "--", "a.txt"}}
	tagPrinters := [][]string{{"git", "tag", "-n"}, {"git", "tag", "-l", "-n9"}, {"git", "show", "-s", "v1"},
		{"git", "cat-file", "tag", "v1"}, {"git", "for-each-ref", "--format=%(contents)", "refs/tags"},
		{"git", "tag", "--format=%(contents:body)"}}
	quiet := [][]string{{"git", "status"}, {"git", "tag"}, {"git", "branch"}, {"git", "log", "--format=%h"},
		{"git", "rev-list", "HEAD"}, {"git", "for-each-ref"}, {"git", "branch", "--format=%(refname)"}}
	// Harmless messages: every printer is safe.
	for _, argv := range append(append(append([][]string{}, commitPrinters...), quiet...), []string{"git", "tag", "-n"}) {
		if v := judge(argv...); v.Class != policy.Safe {
			t.Errorf("harmless messages: %v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	write("a.txt", "a\nb\n") // the commit changes a.txt: whatchanged, blame and log -- a.txt print it
	run("commit", "-qam", "deploy with "+token)
	if out := run("log", "-1"); !strings.Contains(out, token) {
		t.Fatalf("git log did not print the message: %q", out)
	}
	for _, argv := range commitPrinters {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (a commit message holds a token)", argv)
		}
	}
	for _, argv := range quiet {
		if v := judge(argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe (prints no message)", argv, v.Class, v.Why())
		}
	}
	// The token only in a tag's annotation, the commit's message rewritten.
	run("commit", "-q", "--amend", "--allow-empty", "-m", "second")
	run("reflog", "expire", "--expire=now", "--all")
	run("tag", "-a", "v1", "-m", "key "+token)
	for _, argv := range tagPrinters {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (a tag message holds a token)", argv)
		}
	}
	if v := judge("git", "log", "-1"); v.Class != policy.Safe {
		t.Errorf("git log -1 (the token is in a tag only): %s (%s), want safe", v.Class, v.Why())
	}
	// A stash's own message.
	write("a.txt", "c\n")
	run("stash", "push", "-q", "-m", "wip "+token)
	if v := judge("git", "stash", "list"); v.Class == policy.Safe {
		t.Errorf("git stash list: safe, want asked (a stash message holds a token)")
	}
}

// TestLibraryConfigVarsReachRoot (docs/redteam/judge-8.md J2): an
// inherited OPENSSL_CONF naming a configuration in the project (one whose
// provider section names a shared object) made `openssl version` and `curl
// --version`, safe, load and run that object. The libraries' own variables
// that name a configuration or a module directory are judged as the
// loader's are (judge-7 L1).
func TestLibraryConfigVarsReachRoot(t *testing.T) {
	dir := t.TempDir()
	openssl, errSSL := exec.LookPath("openssl")
	gcc, errCC := exec.LookPath("gcc")
	if errSSL == nil && errCC == nil {
		// The control: openssl loads the project's module named by the
		// project's configuration.
		src := filepath.Join(dir, "ev.c")
		code := `#include <stdlib.h>
__attribute__((constructor)) static void f(void){ system("touch MARKER"); }
int OSSL_provider_init(void){return 0;}
`
		cnf := "openssl_conf = init\n[init]\nproviders = prov\n[prov]\nev = ev_sect\n[ev_sect]\nmodule = " +
			filepath.Join(dir, "ev.so") + "\nactivate = 1\n"
		if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ev.cnf"), []byte(cnf), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(gcc, "-shared", "-fPIC", "-o", filepath.Join(dir, "ev.so"), src).CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v %s", err, out)
		}
		cmd := exec.Command(openssl, "version")
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "OPENSSL_CONF=ev.cnf")
		cmd.Run()
		if _, err := os.Stat(filepath.Join(dir, "MARKER")); err != nil {
			t.Errorf("openssl version did not load the project's module (%v)", err)
		}
	} else {
		t.Log("openssl or gcc missing: the control is left out")
	}
	judge := func(argv []string, env ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, append([]string{"HOME=" + dir, "PATH=/usr/bin:/bin"}, env...)...)
		v, _ := g.Judge(argv)
		return v
	}
	cmds := [][]string{{"openssl", "version"}, {"curl", "--version"}, {"bash", "-c", "ls"}}
	for _, e := range []string{"OPENSSL_CONF=ev.cnf", "OPENSSL_CONF=" + dir + "/ev.cnf", "OPENSSL_CONF=./sub/../ev.cnf",
		"OPENSSL_MODULES=" + dir, "OPENSSL_MODULES=.", "OPENSSL_ENGINES=" + dir + "/eng", "OPENSSL_CONF_INCLUDE=conf.d",
		"GIO_EXTRA_MODULES=/usr/lib/gio:" + dir, "SASL_PATH=sasl", "KRB5_CONFIG=" + dir + "/krb5.conf"} {
		for _, argv := range cmds {
			if v := judge(argv, e); v.Class == policy.Safe {
				t.Errorf("%s: %v safe, want asked (a module from the project loads)", e, argv)
			}
		}
	}
	for _, e := range []string{"OPENSSL_CONF=/dev/null", "OPENSSL_CONF=/usr/lib/ssl/openssl.cnf", "OPENSSL_CONF=",
		"KRB5_CONFIG=/etc/krb5.conf"} {
		for _, argv := range cmds {
			if v := judge(argv, e); v.Class != policy.Safe {
				t.Errorf("%s: %v %s (%s), want safe", e, argv, v.Class, v.Why())
			}
		}
	}
}

// TestGitGrepToken (docs/redteam/judge-8.md J3): a token committed in a
// file with a harmless name, removed since, was printed by `git grep
// token= HEAD~1`, safe: the revision's files were judged by name. The
// lines git grep prints are now scanned as cat's read is, in a revision
// and in the work tree.
func TestGitGrepToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("a.txt", "hello\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	write("cfg.txt", "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	for _, argv := range [][]string{{"git", "grep", "token="}, {"git", "grep", "-n", "-e", "token"}} {
		if v := judge(argv...); v.Class != policy.Safe {
			// Untracked: git grep does not search it.
			t.Errorf("untracked cfg.txt: %v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	run("add", "cfg.txt")
	run("commit", "-qm", "cfg")
	if v := judge("git", "grep", "token="); v.Class == policy.Safe {
		t.Errorf("git grep token= (a tracked file holds a token): safe, want asked")
	}
	run("rm", "-q", "cfg.txt")
	run("commit", "-qm", "rm")
	if out := run("grep", "token=", "HEAD~1"); !strings.Contains(out, "ghp_abc") {
		t.Fatalf("git grep did not print the token: %q", out)
	}
	for _, argv := range [][]string{{"git", "grep", "token=", "HEAD~1"}, {"git", "grep", "-h", "-e", "token", "HEAD~1"},
		{"git", "grep", "-i", "TOKEN", "HEAD~1", "--", "cfg.txt"}, {"bash", "-c", "git grep token= HEAD~1 | cut -d= -f2"}} {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (prints a committed token)", argv)
		}
	}
	for _, argv := range [][]string{{"git", "grep", "-l", "token", "HEAD~1"}, {"git", "grep", "-c", "token", "HEAD~1"},
		{"git", "grep", "hello", "HEAD~1"}, {"git", "grep", "token=", "HEAD"}, {"git", "grep", "-n", "hello"}} {
		if v := judge(argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestUpdateChecksPinned (docs/redteam/judge-8.md J4): `terraform version`,
// safe, reached the network (HashiCorp's checkpoint: DNS then HTTPS, seen
// with strace) unless CHECKPOINT_DISABLE is set; npm's update notifier, gh,
// deno and gcloud do the same. A verdict with one of them runs with the
// check off; other commands keep their environment.
func TestUpdateChecksPinned(t *testing.T) {
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "CHECKPOINT_DISABLE=", "NO_UPDATE_NOTIFIER=0"}
	g := newGate(t, dir, Options{}, env...)
	for _, tc := range []struct {
		argv []string
		want []string
	}{
		{[]string{"bash", "-c", "terraform version"}, []string{"CHECKPOINT_DISABLE=1"}},
		{[]string{"npm", "ls"}, []string{"NO_UPDATE_NOTIFIER=1", "NPM_CONFIG_UPDATE_NOTIFIER=false"}},
		{[]string{"bash", "-c", "ls; gh --version"}, []string{"GH_NO_UPDATE_NOTIFIER=1"}},
	} {
		v, _ := g.Judge(tc.argv)
		got := pinUpdateChecks(env, &v)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%v: environment %v lacks %s", tc.argv, got, w)
			}
		}
		if slices.Contains(got, "CHECKPOINT_DISABLE=") && slices.Contains(tc.want, "CHECKPOINT_DISABLE=1") {
			t.Errorf("%v: the inherited CHECKPOINT_DISABLE= is kept beside the pin", tc.argv)
		}
	}
	v, _ := g.Judge([]string{"printenv"})
	if got := pinUpdateChecks(env, &v); !slices.Equal(got, env) {
		t.Errorf("printenv: environment %v, want it as given", got)
	}
	// The pinned variable switches terraform's check off (no socket to
	// the network).
	tf, err1 := exec.LookPath("terraform")
	strace, err2 := exec.LookPath("strace")
	if err1 != nil || err2 != nil {
		t.Log("terraform or strace missing: the run is left out")
		return
	}
	v, _ = g.Judge([]string{"terraform", "version"})
	cmd := exec.Command(strace, "-f", "-e", "trace=connect", tf, "version")
	cmd.Dir, cmd.Env = dir, pinUpdateChecks(env, &v)
	out, _ := cmd.CombinedOutput()
	if strings.Contains(string(out), "AF_INET") {
		t.Errorf("terraform version with the pins connected to the network:\n%s", out)
	}
}
