package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// The seventh red team of the judge (docs/redteam/judge-7.md): one test per
// class, each failing on the code before its fix.

// T1: the checks that read a file's content to decide whether a read-only
// command runs code (sqlite3's schema, go's go.mod toolchain line) looked at
// the file as it was before the script, and an earlier command of the same
// script may rewrite it: `cat evil.db > d.db; sqlite3 d.db 'select * from
// e'` ran in auto-edit (a write inside the roots, then a safe read of a
// harmless database) and the view's edit() ran a program.
func TestRedTeam7ScriptRewritesCheckedInput(t *testing.T) {
	set, home, proj := rtLab(t)
	t.Setenv("HOME", home)
	autoRuns := func(cmd string) bool {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		return v.Class == policy.Safe || policy.Decide(&v, policy.AutoEdit, []string{proj}).Action == policy.Run
	}
	if sqlite, err := exec.LookPath("sqlite3"); err != nil {
		t.Log("sqlite3 is not installed: its cases are skipped")
	} else {
		marker := filepath.Join(t.TempDir(), "MARKER")
		for db, sql := range map[string]string{"d.db": "CREATE TABLE t(a)",
			"evil.db": "CREATE TABLE t(a); CREATE VIEW e AS SELECT edit('x', 'touch " + marker + "') AS z"} {
			if out, err := exec.Command(sqlite, filepath.Join(proj, db), sql).CombinedOutput(); err != nil {
				t.Fatalf("sqlite3: %v %s", err, out)
			}
		}
		// The control: the script itself, without guard, runs the program.
		cmd := exec.Command("bash", "-c", "cp d.db d0.db; cat evil.db > d.db; sqlite3 d.db 'select * from e'; mv d0.db d.db")
		cmd.Dir, cmd.Env = proj, append(os.Environ(), "EDITOR=true")
		cmd.Run()
		if _, err := os.Stat(marker); err != nil {
			t.Logf("this sqlite3 did not run edit() from the rewritten database (%v)", err)
		}
		for _, c := range []string{
			"cat evil.db > d.db; sqlite3 d.db 'select * from e'",
			"head -c 99999 evil.db > d.db && sqlite3 d.db 'select * from e'",
			"cat evil.db | tee d.db >/dev/null; sqlite3 d.db 'select * from e'",
			"cat evil.db >> d.db-wal; sqlite3 d.db 'select * from t'",
			"mkdir -p s && cat evil.db > s/d.db && sqlite3 s/d.db 'select * from e'",
		} {
			if autoRuns(c) {
				t.Errorf("%q runs unasked in auto-edit; want asked (the database is rewritten before it is read)", c)
			}
		}
		for _, c := range []string{"sqlite3 d.db 'select * from t'", "echo hi > notes.txt; sqlite3 d.db 'select * from t'"} {
			if !autoRuns(c) {
				t.Errorf("%q: asked in auto-edit, want run", c)
			}
		}
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Log("go is not installed: its cases are skipped")
		return
	}
	t.Setenv("GOTOOLCHAIN", "auto") // go's default
	t.Setenv("GOFLAGS", "")
	t.Setenv("GOWORK", "")
	for _, c := range []string{
		"printf 'module x\\ngo 1.99\\n' > go.mod && go version",
		"printf 'go 1.99\\n' > go.work; go list ./...",
		"mkdir -p sub && printf 'module x\\ngo 1.99\\n' > go.mod && cd sub && go version",
		"cp src/c.txt go.mod; go env GOPATH",
	} {
		if autoRuns(c) {
			t.Errorf("%q runs unasked in auto-edit; want asked (go.mod asks for a toolchain go would fetch and run)", c)
		}
	}
	if !autoRuns("echo hi > notes.txt && go version") {
		t.Errorf("a write beside go version: asked, want run")
	}
}
