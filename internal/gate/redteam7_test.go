package gate

import (
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
