package policy

import (
	"errors"
	"guard/internal/safefile"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
//     statements and PRAGMAs that only read (a list of names, no `=`, and
//     no `(VALUE)` but a table or index name), or is
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

var sqliteDotCommands = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		".tables": true, ".table": true, ".schema": true, ".indexes": true, ".indices": true, ".dump": true,
		".fullschema": true, ".databases": true, ".headers": true, ".header": true, ".mode": true, ".width": true,
		".nullvalue": true, ".separator": true, ".show": true, ".dbinfo": true, ".timer": true, ".print": true,
		".stats": true, ".eqp": true, ".changes": true, ".version": true,
	}
})

var sqlitePragmas = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"table_info": true, "table_xinfo": true, "table_list": true, "index_list": true, "index_info": true,
		"index_xinfo": true, "foreign_key_list": true, "foreign_key_check": true, "database_list": true,
		"compile_options": true, "user_version": true, "schema_version": true, "application_id": true,
		"page_count": true, "page_size": true, "freelist_count": true, "journal_mode": true, "encoding": true,
		"integrity_check": true, "quick_check": true, "collation_list": true, "function_list": true,
		"pragma_list": true, "module_list": true, "foreign_keys": true, "auto_vacuum": true,
	}
})

// sqlitePragmaArg: reading pragmas whose (argument) is a table or index
// name, or a check's limit, never a new value.
var sqlitePragmaArg = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"table_info": true, "table_xinfo": true, "table_list": true, "index_list": true, "index_info": true,
		"index_xinfo": true, "foreign_key_list": true, "foreign_key_check": true, "integrity_check": true,
		"quick_check": true,
	}
})

var sqliteDenied = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"readfile": true, "writefile": true, "edit": true, "load_extension": true, "fsdir": true, "zipfile": true,
		"zipfile_cds": true, "sqlar_compress": true, "sqlar_uncompress": true, "sha3_query": true,
		"fts3_tokenizer": true, "sqlite_dbptr": true, "sqlite_dbdata": true, "usleep": true,
	}
})

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
	if why := sqliteSchemaWhy(absolute(r.Exec.Args[0].Value, cwd)); why != "" {
		return why
	}
	for _, a := range r.Exec.Args[1:] {
		if why := sqliteSQL(a.Value); why != "" {
			return why
		}
	}
	return sqliteSecretWhy(absolute(r.Exec.Args[0].Value, cwd), r.Exec.Args[1:])
}

// sqliteSecretWhy says why a query that only reads prints what a secret
// is kept in, or "": a database's rows have no form the token scan knows
// (a password digest, a token of the application's own), so the names say
// it. A word of the SQL named for a secret (scriptSecretName: password,
// password_hash, token, api_keys, secret...) asks, as does a star select or
// .dump of a database whose schema names one. Limits: a view that renames
// such a column is read through its new name; a SELECT of every column
// spelled out is judged by those names.
func sqliteSecretWhy(db string, args []MatchedArg) string {
	schemaSecret := ""
	if sqls, err := sqliteSchema(db); err == nil {
		for _, sql := range sqls {
			if w := sqlSecretWord(strings.ToLower(sql)); w != "" {
				schemaSecret = w
				break
			}
		}
	}
	for _, a := range args {
		lower := strings.ToLower(strings.TrimSpace(a.Value))
		if strings.HasPrefix(lower, ".") {
			if f := strings.Fields(lower); f[0] == ".dump" && schemaSecret != "" {
				return "sqlite3's .dump prints the database's " + schemaSecret + ", named for a secret"
			}
			continue
		}
		if w := sqlSecretWord(lower); w != "" {
			return "the query reads " + w + ", named for a secret (its values have no form to tell them by)"
		}
		if schemaSecret != "" && sqlStarSelect(lower) {
			return "the query selects every column, and the database's " + schemaSecret + " is named for a secret"
		}
	}
	return ""
}

// sqlSecretWord returns the first identifier of s named for a secret, or "".
func sqlSecretWord(s string) string {
	for _, w := range sqlWords(s) {
		if scriptSecretName(w) {
			return w
		}
	}
	return ""
}

// sqlStarSelect reports whether s (lower case) selects * or T.*: a star
// after select, distinct, all, a comma or a dot, not count(*).
func sqlStarSelect(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '*' {
			continue
		}
		before := strings.TrimRight(s[:i], " \t")
		if strings.HasSuffix(before, ",") || strings.HasSuffix(before, ".") {
			return true
		}
		for _, k := range []string{"select", "distinct", "all"} {
			if strings.HasSuffix(before, k) && (len(before) == len(k) || !sqlWordByte(before[len(before)-len(k)-1])) {
				return true
			}
		}
	}
	return false
}

func sqlWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
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
	f, _, err := safefile.Open(db)
	if errors.Is(err, safefile.ErrNotRegular) {
		return db + " is not a regular file"
	} else if err != nil {
		return "sqlite3 cannot be judged: " + err.Error()
	}
	defer f.Close()
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
		if sqliteDenied()[w] {
			return "sqlite3's " + w + " reaches outside the database"
		}
	}
	if strings.HasPrefix(t, ".") {
		if f := strings.Fields(lower); !sqliteDotCommands()[f[0]] {
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
		// EXPLAIN [QUERY PLAN] SELECT prints the plan or the program of the
		// SELECT and runs neither; it is judged as the SELECT.
		if f[0] == "explain" {
			f = f[1:]
			if len(f) >= 2 && f[0] == "query" && f[1] == "plan" {
				f = f[2:]
			}
			if len(f) == 0 || f[0] != "select" {
				return "sqlite3 runs EXPLAIN of what is not a SELECT"
			}
		}
		switch f[0] {
		case "select":
			if name := sqlCalledName(st); name != "" {
				return "sqlite3's " + name + "(...) is not a function known to only read"
			}
		case "pragma":
			name := strings.TrimPrefix(strings.TrimPrefix(strings.Join(f[1:], " "), "main."), "temp.")
			if i := strings.IndexAny(name, "( ;"); i >= 0 {
				name = name[:i]
			}
			if !sqlitePragmas()[name] || strings.Contains(st, "=") {
				return "sqlite3's pragma " + name + " is not one that only reads"
			}
			// PRAGMA NAME(VALUE) sets it as NAME=VALUE does (`PRAGMA
			// journal_mode(WAL)`, `user_version(7)`); only the pragmas whose
			// argument names a table or index, or bounds a check, read.
			if strings.Contains(st, "(") && !sqlitePragmaArg()[name] {
				return "sqlite3's pragma " + name + "(...) sets a value"
			}
		default:
			return "sqlite3 runs " + strings.ToUpper(f[0]) + ", not only SELECT and PRAGMA"
		}
	}
	return ""
}

// sqliteReadFunctions are the functions (and table-valued functions) a
// SELECT may call: sqlite 3.40 shell's list less those that reach outside
// the database or write it (optimize(t) merges an FTS3/FTS4 table's index:
// `select optimize(t) from t limit 1` wrote the database), and the keywords
// a ( may follow. A function of a newer sqlite is refused until listed.
var sqliteReadFunctions = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`abs acos acosh asin asinh atan atan2 atanh avg bm25 ceil ceiling changes char
		coalesce cos cosh count cume_dist current_date current_time current_timestamp date datetime decimal decimal_add
		decimal_cmp decimal_mul decimal_sub decimal_sum degrees dense_rank exp first_value floor format glob
		group_concat hex highlight ieee754 ieee754_exponent ieee754_from_blob ieee754_mantissa ieee754_to_blob ifnull
		iif instr json json_array json_array_length json_extract json_group_array json_group_object json_insert
		json_object json_patch json_quote json_remove json_replace json_set json_type json_valid julianday lag
		last_insert_rowid last_value lead length like likelihood likely ln log log10 log2 lower ltrim match
		matchinfo max min mod nth_value ntile nullif offsets percent_rank pi pow power printf quote radians random
		randomblob rank regexp regexpi replace round row_number rtreecheck rtreedepth rtreenode rtrim sha3 sign sin
		sinh snippet soundex sqlite_compileoption_get sqlite_compileoption_used sqlite_source_id sqlite_version
		sqrt strftime substr substring subtype sum tan tanh time total total_changes trim trunc typeof unicode
		unixepoch unlikely upper zeroblob json_each json_tree generate_series
		and or not in exists over filter cast where on select from join using when then else case by limit offset
		having distinct all is between escape as values`) {
		m[n] = true
	}
	return m
})

// sqlCalledName returns the first name in the SQL s (lower case) that a (
// follows and sqliteReadFunctions does not hold, or "". A quoted name
// counts ("optimize"(t) calls optimize); pragma_NAME(...) is a pragma's
// table-valued function, which only pragmas without side effects have.
func sqlCalledName(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '"' || c == '`':
			quote = c
			continue
		case c == '[':
			quote = ']'
			continue
		case c != '(':
			continue
		}
		j := i
		for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
			j--
		}
		end := j
		if j > 0 && strings.IndexByte("\"`]'", s[j-1]) >= 0 {
			open := map[byte]byte{'"': '"', '`': '`', ']': '[', '\'': '\''}[s[j-1]]
			k := strings.LastIndexByte(s[:j-1], open)
			if k < 0 {
				return s[:j]
			}
			if name := s[k+1 : j-1]; !sqliteReadFunctions()[name] {
				return name
			}
			continue
		}
		for j > 0 && (s[j-1] == '_' || s[j-1] >= 'a' && s[j-1] <= 'z' || s[j-1] >= '0' && s[j-1] <= '9') {
			j--
		}
		name := s[j:end]
		if name != "" && !sqliteReadFunctions()[name] && !strings.HasPrefix(name, "pragma_") {
			return name
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

// sqliteSchemaWhy says why the schema of db runs what the SQL given does
// not show, or "": a view's SQL runs when a SELECT names the view (a view
// that calls edit() runs a program), and a virtual table's module reads
// what its arguments name. Every statement of sqlite_master is checked
// against sqliteDenied; a schema that cannot be read is not judged.
func sqliteSchemaWhy(db string) string {
	sqls, err := sqliteSchema(db)
	if err != nil {
		return "sqlite3's database schema cannot be read to judge it: " + err.Error()
	}
	for _, s := range sqls {
		for _, w := range sqlWords(strings.ToLower(s)) {
			if sqliteDenied()[w] {
				return "the database's schema calls " + w + " (a view or virtual table runs it when read)"
			}
		}
	}
	return ""
}

// sqliteSchema returns the sql column of every row of sqlite_master (the
// table b-tree rooted at page 1), following interior and overflow pages.
func sqliteSchema(db string) ([]string, error) {
	f, st, err := safefile.Open(db)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() == 0 {
		return nil, nil
	}
	head := make([]byte, 100)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, err
	}
	pageSize := int(head[16])<<8 | int(head[17])
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return nil, errString("bad page size")
	}
	if enc := head[59]; enc > 1 || head[56] != 0 || head[57] != 0 || head[58] != 0 {
		return nil, errString("not a UTF-8 database")
	}
	usable := pageSize - int(head[20])
	pages := st.Size() / int64(pageSize)
	const maxBytes = 8 << 20 // a schema larger than this is not judged
	read := 0
	page := func(n uint32) ([]byte, error) {
		read++
		if n == 0 || int64(n) > pages || read*pageSize > maxBytes {
			return nil, errString("schema page out of range or too many pages")
		}
		b := make([]byte, pageSize)
		if _, err := f.ReadAt(b, int64(n-1)*int64(pageSize)); err != nil {
			return nil, err
		}
		return b, nil
	}
	var out []string
	var walk func(n uint32, depth int) error
	walk = func(n uint32, depth int) error {
		if depth > 20 {
			return errString("schema b-tree too deep")
		}
		b, err := page(n)
		if err != nil {
			return err
		}
		off := 0
		if n == 1 {
			off = 100
		}
		if off+8 > len(b) {
			return errString("short page")
		}
		kind := b[off]
		cells := int(b[off+3])<<8 | int(b[off+4])
		hdr := 8
		if n == 1 && kind == 0 && cells == 0 {
			return nil // no b-tree: sqlite3 reads no schema ("file is not a database")
		}
		if kind == 0x05 {
			hdr = 12
		} else if kind != 0x0d {
			return errString("not a table b-tree page")
		}
		for i := 0; i < cells; i++ {
			p := off + hdr + 2*i
			if p+2 > len(b) {
				return errString("bad cell pointer")
			}
			c := int(b[p])<<8 | int(b[p+1])
			if c >= len(b) {
				return errString("bad cell pointer")
			}
			if kind == 0x05 {
				if c+4 > len(b) {
					return errString("bad cell")
				}
				if err := walk(be32(b[c:]), depth+1); err != nil {
					return err
				}
				continue
			}
			payload, k := varint(b[c:])
			if c+k >= len(b) {
				return errString("bad cell")
			}
			_, k2 := varint(b[c+k:])
			if c += k + k2; c > len(b) {
				return errString("bad cell")
			}
			rec, err := sqlitePayload(b, c, payload, usable, page)
			if err != nil {
				return err
			}
			s, err := sqliteRecordText(rec, 4)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		if kind == 0x05 {
			return walk(be32(b[off+8:]), depth+1)
		}
		return nil
	}
	if err := walk(1, 0); err != nil {
		return nil, err
	}
	return out, nil
}

type errString string

func (e errString) Error() string { return string(e) }

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// varint decodes SQLite's big-endian varint (1 to 9 bytes).
func varint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < 9 && i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return v, len(b) + 1
}

// sqlitePayload returns a table leaf cell's payload of size n starting at
// b[c:], with its overflow pages.
func sqlitePayload(b []byte, c int, n uint64, usable int, page func(uint32) ([]byte, error)) ([]byte, error) {
	if n > 1<<24 {
		return nil, errString("schema record too large")
	}
	maxLocal := usable - 35
	local := int(n)
	if local > maxLocal {
		minLocal := (usable-12)*32/255 - 23
		k := minLocal + (int(n)-minLocal)%(usable-4)
		if k <= maxLocal {
			local = k
		} else {
			local = minLocal
		}
	}
	if c+local > len(b) {
		return nil, errString("bad cell")
	}
	out := append([]byte(nil), b[c:c+local]...)
	if local == int(n) {
		return out, nil
	}
	if c+local+4 > len(b) {
		return nil, errString("bad cell")
	}
	next := be32(b[c+local:])
	for len(out) < int(n) {
		ov, err := page(next)
		if err != nil {
			return nil, err
		}
		next = be32(ov)
		take := usable - 4
		if rest := int(n) - len(out); rest < take {
			take = rest
		}
		out = append(out, ov[4:4+take]...)
	}
	return out, nil
}

// sqliteRecordText returns column col of a record as sqlite3 reads it for
// the schema: text, and a blob's bytes too (sqlite3 takes a blob in
// sqlite_master's sql column as its text: a view stored so ran edit()
// where a reader of text only saw nothing). A NULL, a number or a column
// the record does not have is "" (no statement). A record whose header
// does not fit it is an error: sqlite3 may read it otherwise than this
// reader would, so the schema is not judged.
func sqliteRecordText(rec []byte, col int) (string, error) {
	hsize, k := varint(rec)
	if hsize > uint64(len(rec)) || k > len(rec) {
		return "", errString("bad schema record")
	}
	pos, body := k, int(hsize)
	for i := 0; pos < int(hsize); i++ {
		t, n := varint(rec[pos:])
		pos += n
		if pos > int(hsize) || t == 10 || t == 11 || t > 1<<32 {
			return "", errString("bad schema record")
		}
		size := 0
		switch {
		case t >= 1 && t <= 4:
			size = int(t)
		case t == 5:
			size = 6
		case t == 6 || t == 7:
			size = 8
		case t >= 12:
			size = int((t - 12) / 2)
		}
		if body+size > len(rec) {
			return "", errString("bad schema record")
		}
		if i == col {
			if t < 12 {
				return "", nil
			}
			return string(rec[body : body+size]), nil
		}
		body += size
	}
	return "", nil
}

// sqliteStdinArgv returns the argv that judges `sqlite3 [OPTIONS] DB` with
// stdin (a static here-document or here-string) as its input: each
// non-blank line one argument, as sqlite3 runs the arguments after DB, so
// that sqliteSQL judges each (a statement split over lines is not a SELECT
// in each part, and asks). Not when the argv has SQL arguments of its own
// (sqlite3 then does not read its input) or the line holds no DB.
func sqliteStdinArgv(argv []string, stdin string) ([]string, bool) {
	if stdin == "" || len(argv) < 2 || filepath.Base(argv[0]) != "sqlite3" {
		return nil, false
	}
	positional := 0
	for _, a := range argv[1:] {
		if !strings.HasPrefix(a, "-") {
			positional++
		}
	}
	if positional != 1 || strings.HasPrefix(argv[len(argv)-1], "-") {
		return nil, false
	}
	out := append([]string{}, argv...)
	for _, line := range strings.Split(stdin, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, len(out) > len(argv)
}
