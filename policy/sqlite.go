package policy

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// sqlite3 reading a database (issue 16, the third held-out batch): `sqlite3
// DB "SELECT ..."`, `sqlite3 DB .tables`. The policy's spec declares only
// the output options (no -cmd, -init, -A, -vfs, -deserialize); the judge
// then decides what a spec cannot say, and sqliteWhy makes the command
// unverified unless all of these hold:
//
//   - ~/.sqliterc does not exist: the shell runs it at start, and its
//     dot-commands can run programs (.shell) or write files (.output);
//   - DB is an existing regular file (sqlite3 creates a missing one) in
//     rollback-journal mode, with no -journal or -wal file beside it: a
//     reader of a WAL database creates -wal and -shm files, and a reader
//     that finds a hot journal rolls it back, a write;
//   - each SQL argument is one line, without comments, made of SELECT
//     statements and PRAGMAs that only read (a list of names, no `=`), or is
//     one dot-command that only prints (.tables, .schema, .indexes, .dump,
//     .mode, .headers, ...); statements are split on `;` outside quotes;
//   - no word names a function or table that reaches outside the database:
//     readfile, writefile, edit, load_extension, fsdir, zipfile, the sqlar
//     functions, sha3_query (it runs the SQL it is given), fts3_tokenizer,
//     sqlite_dbptr, sqlite_dbdata, usleep. Words inside quotes count too, as
//     a quoted name can be a function's.
//
// Limits: the list of the shell's functions is that of sqlite 3.40's
// shell; a newer shell's new function is caught only if it is on the list.

var sqliteDotCommands = map[string]bool{
	".tables": true, ".table": true, ".schema": true, ".indexes": true, ".indices": true, ".dump": true,
	".fullschema": true, ".databases": true, ".headers": true, ".header": true, ".mode": true, ".width": true,
	".nullvalue": true, ".separator": true, ".show": true, ".dbinfo": true, ".timer": true, ".print": true,
	".stats": true, ".eqp": true, ".changes": true, ".version": true,
}

var sqlitePragmas = map[string]bool{
	"table_info": true, "table_xinfo": true, "table_list": true, "index_list": true, "index_info": true,
	"index_xinfo": true, "foreign_key_list": true, "foreign_key_check": true, "database_list": true,
	"compile_options": true, "user_version": true, "schema_version": true, "application_id": true,
	"page_count": true, "page_size": true, "freelist_count": true, "journal_mode": true, "encoding": true,
	"integrity_check": true, "quick_check": true, "collation_list": true, "function_list": true,
	"pragma_list": true, "module_list": true, "foreign_keys": true, "auto_vacuum": true,
}

var sqliteDenied = map[string]bool{
	"readfile": true, "writefile": true, "edit": true, "load_extension": true, "fsdir": true, "zipfile": true,
	"zipfile_cds": true, "sqlar_compress": true, "sqlar_uncompress": true, "sha3_query": true,
	"fts3_tokenizer": true, "sqlite_dbptr": true, "sqlite_dbdata": true, "usleep": true,
}

// sqliteWhy says why a matched sqlite3 command is not a plain read, or "".
func sqliteWhy(r *Result, argv []string, cwd string) string {
	if r.Exec == nil || filepath.Base(argv[0]) != "sqlite3" || len(r.Exec.Args) == 0 {
		return "" // sqlite3 --version, --help
	}
	if len(r.Exec.Args) < 2 {
		return "sqlite3 reads its SQL from standard input"
	}
	if h := home(); !filepath.IsAbs(h) {
		return "sqlite3 runs ~/.sqliterc at start, and HOME is not set"
	} else if _, err := os.Lstat(filepath.Join(h, ".sqliterc")); err == nil || !os.IsNotExist(err) {
		return "sqlite3 runs ~/.sqliterc at start (its dot-commands can run programs and write files)"
	}
	if db := r.Exec.Args[0].Value; strings.HasPrefix(db, "file:") || strings.HasPrefix(db, ":") {
		return "sqlite3 reads " + db + " as a URI or a special name, with its own options"
	}
	if why := sqliteDatabase(absolute(r.Exec.Args[0].Value, cwd)); why != "" {
		return why
	}
	for _, a := range r.Exec.Args[1:] {
		if why := sqliteSQL(a.Value); why != "" {
			return why
		}
	}
	return ""
}

// sqliteDatabase says why opening db to read it could write, or "".
func sqliteDatabase(db string) string {
	fi, err := os.Stat(db)
	switch {
	case err != nil:
		return "sqlite3 creates " + db + " when it does not exist"
	case !fi.Mode().IsRegular():
		return db + " is not a regular file"
	}
	for _, side := range []string{"-journal", "-wal"} {
		if _, err := os.Lstat(db + side); err == nil || !os.IsNotExist(err) {
			return "sqlite3 may write " + db + side + " (a journal or write-ahead log is there)"
		}
	}
	if fi.Size() == 0 {
		return ""
	}
	f, err := os.OpenFile(db, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return "sqlite3 cannot be judged: " + err.Error()
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return db + " is not a regular file"
	}
	head := make([]byte, 100)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:16]) != "SQLite format 3\x00" {
		return db + " is not an SQLite database"
	}
	if head[18] != 1 || head[19] != 1 {
		return db + " is in write-ahead-log mode: a reader creates its -wal and -shm files"
	}
	return ""
}

// sqliteSQL says why one SQL argument does more than read, or "".
func sqliteSQL(s string) string {
	if strings.ContainsAny(s, "\n\r") {
		return "sqlite3's SQL spans lines"
	}
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	for _, w := range sqlWords(lower) {
		if sqliteDenied[w] {
			return "sqlite3's " + w + " reaches outside the database"
		}
	}
	if strings.HasPrefix(t, ".") {
		if f := strings.Fields(lower); !sqliteDotCommands[f[0]] {
			return "sqlite3's " + f[0] + " is not a dot-command that only prints"
		}
		return ""
	}
	if strings.Contains(t, "--") || strings.Contains(t, "/*") {
		return "sqlite3's SQL holds a comment"
	}
	stmts, ok := sqlStatements(lower)
	if !ok {
		return "sqlite3's SQL has an unterminated quote"
	}
	for _, st := range stmts {
		f := strings.Fields(st)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "select":
		case "pragma":
			name := strings.TrimPrefix(strings.TrimPrefix(strings.Join(f[1:], " "), "main."), "temp.")
			if i := strings.IndexAny(name, "( ;"); i >= 0 {
				name = name[:i]
			}
			if !sqlitePragmas[name] || strings.Contains(st, "=") {
				return "sqlite3's pragma " + name + " is not one that only reads"
			}
		default:
			return "sqlite3 runs " + strings.ToUpper(f[0]) + ", not only SELECT and PRAGMA"
		}
	}
	return ""
}

// sqlWords returns the identifier-like words of s.
func sqlWords(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool {
		return !(c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
	})
}

// sqlStatements splits s on semicolons outside '...', "...", `...` and
// [...]; ok is false for an unterminated quote.
func sqlStatements(s string) (stmts []string, ok bool) {
	start := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '[':
			quote = ']'
		case c == ';':
			stmts = append(stmts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if quote != 0 {
		return nil, false
	}
	return append(stmts, strings.TrimSpace(s[start:])), true
}
