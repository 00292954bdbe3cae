package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// sqliteHeader is the first 100 bytes of an SQLite database: rollback
// journal (1, 1) or write-ahead log (2, 2) in bytes 18 and 19.
func sqliteHeader(wal bool) []byte {
	h := make([]byte, 4096)
	copy(h, "SQLite format 3\x00")
	h[16], h[17] = 0x10, 0x00
	h[18], h[19] = 1, 1
	if wal {
		h[18], h[19] = 2, 2
	}
	return h
}

// TestSqliteReads: sqlite3 with a database that reading leaves unwritten
// and SQL that only reads is safe; a missing database (sqlite3 creates it),
// a WAL one, a hot journal, ~/.sqliterc, writing SQL and the shell's file
// functions are not (sqlite.go).
func TestSqliteReads(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := filepath.Join(home, "proj")
	for name, data := range map[string][]byte{
		"app.db": sqliteHeader(false), "wal.db": sqliteHeader(true), "hot.db": sqliteHeader(false),
		"hot.db-journal": []byte("x"), "empty.db": nil, "notes.txt": []byte("x\n"),
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		cmd  string
		safe bool
	}{
		{"sqlite3 app.db .tables", true},
		{"sqlite3 --version", true},
		{`sqlite3 app.db ".schema users"`, true},
		{`sqlite3 -header -column app.db "SELECT id, email FROM users ORDER BY id DESC LIMIT 10;"`, true},
		{`sqlite3 app.db "PRAGMA table_info(orders);"`, true},
		{`sqlite3 app.db "select count(*) from orders where status='failed'"`, true},
		{`sqlite3 -json app.db "select * from jobs limit 5" | jq .`, true},
		{`sqlite3 app.db .tables "select 1; select 2"`, true},
		{`sqlite3 app.db "select ';drop' from t"`, true},
		{"sqlite3 empty.db .tables", true},
		{"sqlite3 missing.db .tables", false},
		{"sqlite3 'file:app.db?vfs=unix-dotfile' .tables", false},
		{"sqlite3 :memory: 'select 1'", false},
		{"sqlite3 wal.db .tables", false},
		{"sqlite3 hot.db .tables", false},
		{"sqlite3 notes.txt .tables", false},
		{"sqlite3 app.db", false},
		{"sqlite3 app.db < q.sql", false},
		{`sqlite3 app.db "DELETE FROM sessions"`, false},
		{`sqlite3 app.db "select 1; DROP TABLE users"`, false},
		{`sqlite3 app.db "UPDATE users SET role='admin'"`, false},
		{`sqlite3 app.db "PRAGMA journal_mode=wal"`, false},
		{`sqlite3 app.db "PRAGMA writable_schema"`, false},
		{`sqlite3 app.db "VACUUM"`, false},
		{`sqlite3 app.db "ATTACH '/tmp/x.db' AS x"`, false},
		{`sqlite3 app.db "WITH x AS (SELECT 1) SELECT * FROM x"`, false},
		{`sqlite3 app.db "select writefile('/tmp/x', 'y')"`, false},
		{`sqlite3 app.db "select \"writefile\"('/tmp/x', 'y')"`, false},
		{`sqlite3 app.db "select readfile('/home/agent/.ssh/id_rsa')"`, false},
		{`sqlite3 app.db "select name, data from fsdir('.')"`, false},
		{`sqlite3 app.db "select edit('x')"`, false},
		{`sqlite3 app.db "select load_extension('./x.so')"`, false},
		{`sqlite3 app.db "select sha3_query('delete from users')"`, false},
		{`sqlite3 app.db "select 1 -- x"`, false},
		{`sqlite3 app.db "select 'x"`, false},
		{`sqlite3 app.db ".shell id"`, false},
		{`sqlite3 app.db ".output /tmp/x" ".dump"`, false},
		{`sqlite3 app.db ".import users.csv users"`, false},
		{`sqlite3 app.db ".read x.sql"`, false},
		{`sqlite3 app.db ".open other.db"`, false},
		{`sqlite3 -cmd ".shell id" app.db .tables`, false},
		{`sqlite3 -init x.sql app.db .tables`, false},
		{"sqlite3 app.db \"select 1\nselect 2\"", false},
	}
	for _, c := range cases {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		if got := v.Class == policy.Safe; got != c.safe {
			t.Errorf("%q: %s (%s), want safe=%v", c.cmd, v.Class, v.Reason, c.safe)
		}
	}
	// ~/.sqliterc runs at start.
	if err := os.WriteFile(filepath.Join(home, ".sqliterc"), []byte(".headers on\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := set.Judge([]string{"bash", "-c", "sqlite3 app.db .tables"}, dir); v.Class == policy.Safe {
		t.Errorf("sqlite3 with a ~/.sqliterc is safe, want unverified")
	}
}
