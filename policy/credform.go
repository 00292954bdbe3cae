package policy

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// Credentials by their form that no token prefix marks: a URL that
// carries a user's password (postgresql://app:PASSWORD@db/app, in a
// Leiningen profile, a dbt or Django settings file, a compose file), a
// URL whose query passes one (jdbc:...?user=app&password=PASSWORD), and
// a connection string's Password= or Pwd= (ADO.NET's, ODBC's, JDBC SQL
// Server's: Host=db;Username=app;Password=PASSWORD in an
// appsettings.Production.json). The fifteenth held-out batch: `cat
// clj/profiles.clj` and `cat appsettings.Production.json` printed them
// and ran unasked. The environment's values are judged by the same forms
// (protect.CredentialValue); these look into files.
//
// The documentation's stand-ins are no credential: a password that is
// the user's name (postgres:postgres, guest:guest), one of the words
// guides write for it (password, changeme, example, secret...), a run of
// one character (*****, xxxxxx), a placeholder ($DB_PASSWORD, ${...},
// {0}, %s, <password>, [PASSWORD]), or fewer than six characters.

// urlPasswordForm reports whether b holds a URL with a password in its
// user part or its query. Each part is read up to the next "://" at most
// (a ':' or '/' ends it), so a file of URLs is read once.
func urlPasswordForm(b []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("://"))
		if i < 0 {
			return false
		}
		i += off
		off = i + 3
		if i == 0 || !schemeByte(b[i-1]) {
			continue
		}
		rest := b[off:min(len(b), off+maxURLScan)]
		auth := urlPart(rest, "/?#")
		if at := bytes.LastIndexByte(auth, '@'); at > 0 {
			user, pass, ok := bytes.Cut(auth[:at], []byte(":"))
			if ok && ownPassword(string(user), string(pass)) {
				return true
			}
		}
		rest = rest[len(auth):]
		path := urlPart(rest, "?:")
		if len(path) == len(rest) || rest[len(path)] != '?' {
			continue
		}
		for query := urlPart(rest[len(path)+1:], ":#"); len(query) > 0; {
			p, next, _ := bytes.Cut(query, []byte("&"))
			query = next
			if k, v, ok := bytes.Cut(p, []byte("=")); ok && passwordKey(k) && ownPassword("", string(v)) {
				return true
			}
		}
	}
}

// urlPart returns the start of b up to a byte of stop or one that ends a
// URL in text (a blank, a quote, a bracket, a comma, a semicolon).
func urlPart(b []byte, stop string) []byte {
	for j, c := range b {
		if strings.IndexByte(stop, c) >= 0 || strings.IndexByte(" \t\r\n\"'`<>()[]{},;\\", c) >= 0 {
			return b[:j]
		}
	}
	return b
}

// maxURLScan bounds how far past its "://" a URL is read: a file of
// URLs with no end between them would otherwise be read again from each.
const maxURLScan = 2048

func schemeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'
}

// passwordKey reports whether k, a connection string's or a query's key,
// names a password (password, pwd, passwd; any case), or a BitBake
// fetcher URL's parameter (`git://host/x.git;user=ci;pswd=...`, in a
// recipe's SRC_URI or a site.conf's PREMIRRORS).
func passwordKey(k []byte) bool {
	k = bytes.TrimSpace(k)
	return bytes.EqualFold(k, []byte("password")) || bytes.EqualFold(k, []byte("pwd")) || bytes.EqualFold(k, []byte("passwd")) ||
		bytes.EqualFold(k, []byte("pswd"))
}

// connectionPasswordForm reports whether b holds a connection string's
// password: a Password= (Pwd=, Passwd=) pair after another pair's
// semicolon, its value up to the next semicolon or quote.
func connectionPasswordForm(b []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], ';')
		if i < 0 {
			return false
		}
		off += i + 1
		rest := bytes.TrimLeft(b[off:min(len(b), off+tokenWindow)], " \t")
		eq := bytes.IndexByte(rest[:min(len(rest), len("password")+3)], '=')
		if eq < 0 || !passwordKey(rest[:eq]) {
			continue
		}
		v := rest[eq+1:]
		if end := bytes.IndexAny(v, ";\"'\r\n"); end >= 0 {
			v = v[:end]
		}
		if ownPassword("", string(bytes.TrimSpace(v))) {
			return true
		}
	}
}

// ownPassword reports whether pass, given for user, is a password of its
// own and not a stand-in (see above).
func ownPassword(user, pass string) bool {
	if len(pass) < 6 || pass == user {
		return false
	}
	switch pass[0] {
	case '$', '{', '%', '<', '[', '*':
		return false
	}
	same := true
	for i := 1; i < len(pass); i++ {
		same = same && pass[i] == pass[0]
	}
	if same {
		return false
	}
	letters := make([]byte, 0, len(pass))
	for i := 0; i < len(pass); i++ {
		c := pass[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' {
			letters = append(letters, c)
		}
	}
	switch string(letters) {
	case "password", "passwd", "pass", "secret", "changeme", "changeit", "example", "placeholder", "redacted",
		"yourpassword", "mypassword", "dbpassword", "userpassword", "pw", "test", "testing", "dummy", "xxx":
		return false
	}
	return true
}

// formKind returns the kind of credential urlPasswordForm or
// connectionPasswordForm finds in b, or "".
func formKind(b []byte) string {
	switch {
	case urlPasswordForm(b):
		return "a URL with a password"
	case connectionPasswordForm(b):
		return "a connection string's password"
	case registryAuthForm(b):
		return "a registry login (an auths entry's user and password)"
	case commandLinePasswordForm(b):
		return "a password given on a command line"
	case keywordPasswordForm(b):
		return "a password among key=value words (a JAAS login's, a libpq connection string's)"
	case cookieJarForm(b):
		return "a cookie jar (a signed-in session's cookies)"
	}
	return ""
}

// keywordPasswordForm reports whether b holds a password as one of a
// line's blank-separated key=value words: a JAAS login inside a Kafka
// client's sasl.jaas.config (`... required username="billing"
// password="...";`), a libpq connection string (`host=db user=acme
// password=... dbname=acme`) in a TOML or YAML value, a Go DSN. The
// twenty-first held-out batch: `cat config/client.properties` printed a
// Kafka JAAS password unasked, the settings check seeing only the key
// sasl.jaas.config. The word beside it, before or after, must be a
// key=value word too (so `connect(user=u, password=pw)` in code, commas
// between its words, is none), and the value a password of its own.
func keywordPasswordForm(b []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], '=')
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		// The key: back to the blank before it, no further than a key's
		// length (a file of one long word full of '=' is read once, not
		// once per '=').
		start := i
		for start > 0 && i-start < maxKeywordKey && !keywordBreak(b[start-1]) {
			start--
		}
		if start == i || start > 0 && !keywordBreak(b[start-1]) || !passwordKey(b[start:i]) {
			continue
		}
		v, end := keywordValue(b[i+1 : min(len(b), i+1+tokenWindow)])
		prev, next := keywordWordBefore(b[:start]), keywordWordAfter(b[i+1+end:min(len(b), i+1+end+tokenWindow)])
		if prev == nil && next == nil {
			continue
		}
		user := ""
		for _, w := range [][]byte{prev, next} {
			if k, u, ok := bytes.Cut(w, []byte("=")); ok && userKey(settingKey(string(k))) {
				user, _ = keywordValue(u)
			}
		}
		if literalSecretValue(v) && ownPassword(user, v) && passwordShaped(v) {
			return true
		}
	}
}

// maxKeywordKey is the longest key keywordPasswordForm reads as one
// (spring.datasource.hikari.data-source-properties.password is 54).
const maxKeywordKey = 96

// keywordBreak reports whether c ends a key=value word: a blank.
func keywordBreak(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// keywordValue is the value that starts b, a quoted one's text or a bare
// one up to a blank, separator or quote, and where it ends in b.
func keywordValue(b []byte) (string, int) {
	if len(b) > 0 && (b[0] == '"' || b[0] == '\'') {
		if end := bytes.IndexByte(b[1:], b[0]); end >= 0 {
			return string(b[1 : 1+end]), end + 2
		}
		return "", len(b)
	}
	end := bytes.IndexAny(b, " \t\r\n;,)&\"'")
	if end < 0 {
		end = len(b)
	}
	return string(b[:end]), end
}

// keywordWordBefore is the key=value word before b's end on the same
// line (blanks between), or nil: a plain key (letters, digits, _ . -) and
// a value ending in no comma.
func keywordWordBefore(b []byte) []byte {
	end := len(b)
	for end > 0 && (b[end-1] == ' ' || b[end-1] == '\t') {
		end--
	}
	if end == len(b) {
		return nil
	}
	start := end
	for start > 0 && end-start < tokenWindow && !keywordBreak(b[start-1]) {
		start--
	}
	if start > 0 && !keywordBreak(b[start-1]) {
		return nil
	}
	return keywordWord(b[start:end])
}

// keywordWordAfter is the key=value word after b's blanks on the same
// line, or nil.
func keywordWordAfter(b []byte) []byte {
	rest := bytes.TrimLeft(b, " \t")
	if len(rest) == len(b) {
		return nil
	}
	end := 0
	for end < len(rest) && !keywordBreak(rest[end]) {
		end++
	}
	return keywordWord(rest[:end])
}

// keywordWord returns w when it is a key=value word, else nil.
func keywordWord(w []byte) []byte {
	k, v, ok := bytes.Cut(w, []byte("="))
	if !ok || len(k) == 0 || len(v) == 0 || w[len(w)-1] == ',' {
		return nil
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return nil
		}
	}
	return w
}

// cookieJarForm reports whether b is a cookie jar with a cookie in it, in
// the forms programs keep a signed-in session in: the Netscape file curl
// -c, wget --save-cookies, yt-dlp and Python's MozillaCookieJar write (a
// "# Netscape HTTP Cookie File" head, then lines of seven tab-separated
// fields), Python's and Perl's LWP jar (Set-Cookie3: lines) and Ruby's
// http-cookie YAML jar (fastlane's spaceship session, Mechanize's:
// !ruby/object:HTTP::Cookie with a value). The twenty-first held-out
// batch: `cat ~/.fastlane/spaceship/USER/cookie` printed an Apple ID
// session unasked.
func cookieJarForm(b []byte) bool {
	switch {
	case bytes.Contains(b, []byte("# Netscape HTTP Cookie File")) || bytes.Contains(b, []byte("# HTTP Cookie File")):
		for _, line := range bytes.Split(b, []byte("\n")) {
			line = bytes.TrimPrefix(line, []byte("#HttpOnly_"))
			if f := bytes.Split(bytes.TrimRight(line, "\r"), []byte("\t")); len(f) == 7 && line[0] != '#' && len(f[6]) > 0 {
				return true
			}
		}
	case bytes.Contains(b, []byte("#LWP-Cookies-")):
		return bytes.Contains(b, []byte("\nSet-Cookie3: "))
	case bytes.Contains(b, []byte("!ruby/object:HTTP::Cookie")):
		return bytes.Contains(b, []byte("\n  value: "))
	}
	return false
}

// commandLinePasswordForm reports whether b holds a password given to a
// command as an option, as a log, a script's trace or an option file
// keeps it: --password VALUE (--password=, --passwd, --passphrase, --pass)
// anywhere, and -p VALUE on a line that logs in (`docker login -u ci -p
// ...` in a CI job's log; yt-dlp's config file, one option a line). The
// eighteenth held-out batch: `unzip -p logs.zip deploy/3_Login.txt` and
// `cat ~/.config/yt-dlp/config` printed them unasked. The value must be a
// password of its own (ownPassword, passwordShaped): not $VAR, <password>
// or changeme, and not --password-stdin.
func commandLinePasswordForm(b []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("--pass"))
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		rest := b[i+len("--pass") : min(len(b), i+tokenWindow)]
		for _, w := range []string{"word", "wd", "phrase"} {
			if bytes.HasPrefix(rest, []byte(w)) {
				rest = rest[len(w):]
				break
			}
		}
		if len(rest) == 0 || rest[0] != '=' && rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		if optionPassword(rest[1:]) {
			return true
		}
	}
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("login "))
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		line := b[i:min(len(b), i+tokenWindow)]
		if end := bytes.IndexByte(line, '\n'); end >= 0 {
			line = line[:end]
		}
		if j := bytes.Index(line, []byte(" -p ")); j >= 0 && optionPassword(line[j+len(" -p "):]) {
			return true
		}
	}
}

// optionPassword reports whether the word that starts b (blanks before it
// skipped, quotes around it left out) is a password of its own.
func optionPassword(b []byte) bool {
	b = bytes.TrimLeft(b, " \t")
	if len(b) > 0 && (b[0] == '"' || b[0] == '\'') {
		if end := bytes.IndexByte(b[1:], b[0]); end >= 0 {
			b = b[1 : 1+end]
		}
	} else if end := bytes.IndexAny(b, " \t\r\n;&|)"); end >= 0 {
		b = b[:end]
	}
	v := string(b)
	return literalSecretValue(v) && ownPassword("", v) && passwordShaped(v)
}

// registryAuthForm reports whether b holds a container registry login in
// the form Docker, Podman, skopeo and a Kubernetes .dockerconfigjson
// write it, whatever the file's name (a CI's registry-creds.json, a
// copied config.json): an "auths" object whose entry has an "auth" value,
// base64 of USER:PASSWORD with both parts set.
func registryAuthForm(b []byte) bool {
	if !bytes.Contains(b, []byte(`"auths"`)) {
		return false
	}
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(`"auth"`))
		if i < 0 {
			return false
		}
		off += i + len(`"auth"`)
		rest := bytes.TrimLeft(b[off:min(len(b), off+tokenWindow)], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' {
			continue
		}
		v, _, ok := bytes.Cut(rest[1:], []byte(`"`))
		if !ok {
			continue
		}
		dec, err := base64.StdEncoding.DecodeString(string(v))
		if err != nil {
			continue
		}
		if user, pass, ok := bytes.Cut(dec, []byte(":")); ok && len(user) > 0 && len(pass) > 0 {
			return true
		}
	}
}
