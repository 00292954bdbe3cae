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

// TestGitNotesToken (docs/redteam/judge-7.md N1): a note holding a token
// (`git notes add -m 'deploy key: ghp_...'`, or -F .env) was printed by
// `git notes show`, a plain `git log -1`, `git show -s` and `--format=%N`,
// all safe: a note is a blob with no file name for the history check to
// judge. Notes of every notes ref, and of a ref core.notesRef or
// GIT_NOTES_REF names outside refs/notes, are now scanned as cat's read.
func TestGitNotesToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(env []string, argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	printers := [][]string{{"git", "notes", "show"}, {"git", "notes", "show", "HEAD"}, {"git", "log", "-1"},
		{"git", "show", "-s"}, {"git", "log", "--format=%N"}, {"bash", "-c", "git log -1 | cat"},
		{"git", "log", "--notes=other", "-1"}, {"git", "rev-list", "--format=%N", "HEAD"}}
	// Without notes: the same commands are safe (and run no extra git).
	for _, argv := range printers {
		if v := judge(env, argv...); v.Class != policy.Safe {
			t.Errorf("no notes: %v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	run("notes", "add", "-m", "deploy key: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "HEAD")
	if out := run("log", "-1"); !strings.Contains(out, "ghp_abc") {
		t.Fatalf("git log did not print the note: %q", out)
	}
	for _, argv := range printers {
		if v := judge(env, argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (a note holds a token)", argv)
		}
	}
	for _, argv := range [][]string{{"git", "status"}, {"git", "notes", "list"}, {"git", "diff"}} {
		if v := judge(env, argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	// Another notes ref, shown by GIT_NOTES_REF or --notes=REF.
	run("notes", "remove", "HEAD")
	run("notes", "--ref=other", "add", "-m", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "HEAD")
	for _, argv := range [][]string{{"git", "log", "--notes=other", "-1"}, {"git", "notes", "--ref", "other", "show"}} {
		if v := judge(env, argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (refs/notes/other holds a token)", argv)
		}
	}
	if v := judge(append(env, "GIT_NOTES_REF=refs/notes/other"), "git", "log", "-1"); v.Class == policy.Safe {
		t.Errorf("GIT_NOTES_REF=refs/notes/other git log -1: safe, want asked")
	}
	// core.notesRef naming a branch whose tree holds a note file.
	run("update-ref", "-d", "refs/notes/other")
	write("n/x", "ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	head := strings.TrimSpace(run("rev-parse", "HEAD"))
	blob := strings.TrimSpace(run("hash-object", "-w", "n/x"))
	run("update-index", "--add", "--cacheinfo", "100644,"+blob+","+head)
	tree := strings.TrimSpace(run("write-tree"))
	run("read-tree", "HEAD")
	commit := strings.TrimSpace(run("commit-tree", "-m", "n", tree))
	run("update-ref", "refs/heads/nt", commit)
	run("config", "core.notesRef", "refs/heads/nt")
	if out := run("log", "-1"); !strings.Contains(out, "ghp_abc") {
		t.Fatalf("git log did not print the branch's note: %q", out)
	}
	if v := judge(env, "git", "log", "-1"); v.Class == policy.Safe {
		t.Errorf("core.notesRef=refs/heads/nt: git log -1 safe, want asked")
	}
}

// TestLoaderVarsReachRoot (judge-7 L1): an inherited LD_LIBRARY_PATH with
// an empty entry (":/opt/x", what `export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:
// /opt/x` gives when it was unset) made a safe `ls` in the project load
// the project's libselinux.so.1 (a marker was created, through guard too);
// a relative LD_PRELOAD, or one inside a root, and GCONV_PATH likewise.
// Such a variable now makes every safe command unverified; system
// directories keep it safe.
func TestLoaderVarsReachRoot(t *testing.T) {
	dir := t.TempDir()
	judge := func(env ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, append([]string{"HOME=" + dir, "PATH=/usr/bin:/bin"}, env...)...)
		v, _ := g.Judge([]string{"bash", "-c", "ls"})
		return v
	}
	for _, e := range []string{"LD_LIBRARY_PATH=:/opt/none", "LD_LIBRARY_PATH=/opt/none:", "LD_LIBRARY_PATH=/opt/a::/opt/b",
		"LD_LIBRARY_PATH=lib", "LD_LIBRARY_PATH=" + dir + "/lib", "LD_LIBRARY_PATH=/opt/x;.", "LD_LIBRARY_PATH=$ORIGIN/../lib",
		"LD_PRELOAD=lib/evil.so", "LD_PRELOAD=" + dir + "/evil.so", "LD_PRELOAD=/usr/lib/x.so " + dir + "/e.so",
		"LD_AUDIT=./a.so", "GCONV_PATH=.", "GCONV_PATH=" + dir} {
		if v := judge(e); v.Class == policy.Safe {
			t.Errorf("%s: ls safe, want asked (a library from the project runs in it)", e)
		}
	}
	for _, e := range []string{"LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/opt/x", "LD_LIBRARY_PATH=", "LD_PRELOAD=libfoo.so",
		"GCONV_PATH=/usr/lib/x86_64-linux-gnu/gconv"} {
		if v := judge(e); v.Class != policy.Safe {
			t.Errorf("%s: ls %s (%s), want safe", e, v.Class, v.Why())
		}
	}
}

// TestOptionVarsReachRoot (judge-7 L2): an inherited NODE_OPTIONS that
// requires a file of the project (Yarn Plug'n'Play's `--require
// /project/.pnp.cjs`, or a relative `-r ./hook.js`, or a module name found
// in the project's node_modules) ran that file in `npm -v`, safe; RUBYOPT's
// and PERL5OPT's -I and the JVM's -javaagent likewise for their programs.
func TestOptionVarsReachRoot(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hook.js"), []byte(`require("fs").writeFileSync("MARKER", "x")`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The control: node loads the project's file for npm -v.
	cmd := exec.Command(npm, "-v")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "NODE_OPTIONS=--require ./hook.js")
	cmd.Run()
	if _, err := os.Stat(filepath.Join(dir, "MARKER")); err != nil {
		t.Logf("npm -v did not load ./hook.js here (%v)", err)
	}
	judge := func(env ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, append([]string{"HOME=" + dir, "PATH=" + filepath.Dir(npm) + ":/usr/bin:/bin"}, env...)...)
		v, _ := g.Judge([]string{"npm", "-v"})
		return v
	}
	for _, e := range []string{"NODE_OPTIONS=--require ./hook.js", "NODE_OPTIONS=-r dotenv/config",
		"NODE_OPTIONS=--require " + dir + "/.pnp.cjs", "NODE_OPTIONS=--import=./x.mjs", "NODE_OPTIONS=--max-old-space-size=99 --loader ./l.mjs"} {
		if v := judge(e); v.Class == policy.Safe {
			t.Errorf("%s: npm -v safe, want asked", e)
		}
	}
	for _, e := range []string{"NODE_OPTIONS=--max-old-space-size=4096", "NODE_OPTIONS=--require /usr/lib/x.js", "RUBYOPT=-Ilib"} {
		if v := judge(e); v.Class != policy.Safe {
			t.Errorf("%s: npm -v %s (%s), want safe", e, v.Class, v.Why())
		}
	}
	for _, c := range []struct {
		interp, val string
		want        []string
	}{
		{"ruby", "-Ilib -rjson", []string{"lib"}},
		{"ruby", "-I /x -r./y", []string{"/x", "./y"}},
		{"perl", "-Mstrict -I.", []string{"."}},
		{"java", "-Xmx1g -javaagent:agent.jar=opt @args", []string{"agent.jar", "args"}},
	} {
		if got := optionLoads(c.interp, c.val); !slices.Equal(got, c.want) {
			t.Errorf("optionLoads(%s, %q) = %q, want %q", c.interp, c.val, got, c.want)
		}
	}
}

// TestGitPatchToken (judge-7 H1): a token committed or staged in a file
// whose name is harmless (config.py) was printed by git show, git diff
// --cached, git diff A B and, once removed from the work tree, as a - line
// by plain git diff: the history check judged the files by name, and M13
// scanned only the work tree's side. The patch the command prints is
// scanned now; `git show --stat` and `git log` (no patch) stay safe.
func TestGitPatchToken(t *testing.T) {
	dir, run, write := gitLab(t)
	write("a.txt", "a\n")
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	write("config.py", "API = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n")
	run("add", "config.py")
	for _, argv := range [][]string{{"git", "diff", "--cached"}, {"bash", "-c", "git diff --staged | head"}} {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("staged token: %v safe, want asked", argv)
		}
	}
	run("commit", "-qm", "cfg")
	write("config.py", "API = os.environ['API']\n")
	if out := run("diff"); !strings.Contains(out, "-API = 'ghp_abc") {
		t.Fatalf("git diff did not print the removed line: %q", out)
	}
	for _, argv := range [][]string{{"git", "show"}, {"git", "show", "HEAD"}, {"git", "diff", "HEAD~1", "HEAD"},
		{"git", "diff"}, {"git", "show", "-p", "--stat"}, {"git", "log", "-p", "-1"}, {"bash", "-c", "git log -p | head"}} {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("committed token: %v safe, want asked", argv)
		}
	}
	for _, argv := range [][]string{{"git", "show", "--stat"}, {"git", "log", "-1"}, {"git", "diff", "--stat"},
		{"git", "show", "HEAD~1"}, {"git", "status"}} {
		if v := judge(argv...); v.Class != policy.Safe {
			t.Errorf("%v: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}
