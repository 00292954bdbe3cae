package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The sixth red team of the judge (docs/redteam/judge-6.md): one test per
// class, each failing on the code before its fix.

// sqlite3 reads a view's SQL from sqlite_master whatever the type of the
// value stored there: a view whose sql is a BLOB (PRAGMA writable_schema;
// UPDATE sqlite_master SET sql=CAST(sql AS BLOB)) runs as the text would,
// and edit() with a second argument runs a program. guard's schema reader
// took text only and skipped the rest, so `sqlite3 d.db "select * from
// e"` was safe and ran `touch MARKER`. A blob is read as text now, and a
// record the reader cannot decode makes the schema unjudged.
func TestRedTeam6SqliteBlobSchema(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 is not installed")
	}
	set, home, proj := rtLab(t)
	t.Setenv("HOME", home)
	marker := filepath.Join(t.TempDir(), "MARKER")
	run := func(db string, sql ...string) {
		t.Helper()
		for _, s := range sql {
			cmd := exec.Command(sqlite, db, s)
			cmd.Dir = proj
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("sqlite3 %s %q: %v: %s", db, s, err, out)
			}
		}
	}
	run("d.db", "CREATE TABLE t(a); INSERT INTO t VALUES(1)",
		"CREATE VIEW e AS SELECT edit('x', 'touch "+marker+"') AS z",
		"CREATE VIEW r AS SELECT * FROM t",
		"PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql=CAST(sql AS BLOB) WHERE name IN ('e', 'r')")
	// The control: sqlite3 itself runs the view's program.
	cmd := exec.Command(sqlite, "d.db", "select * from e")
	cmd.Dir = proj
	cmd.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Logf("this sqlite3 did not run edit() from a view stored as a blob (%v); the judge must still refuse it", err)
	}
	rtNotSafe(t, set, proj, `sqlite3 d.db "select * from e"`, `sqlite3 d.db "select count(*) from r"`,
		"sqlite3 d.db .tables", `sqlite3 -json d.db "SELECT a FROM t"`)
	// A harmless view kept as text stays readable.
	run("ok.db", "CREATE TABLE t(a)", "CREATE VIEW v AS SELECT a FROM t")
	rtSafe(t, set, proj, `sqlite3 ok.db "select * from v"`, "sqlite3 ok.db .tables")
}
