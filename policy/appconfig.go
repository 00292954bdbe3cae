package policy

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
)

// The configuration files frameworks keep a deployment's passwords in, by
// content (the fifteenth held-out batch printed each with `cat` unasked):
// a Helm chart's values files (values-secrets.yaml setting
// database.password), a NuGet config with a package source's
// ClearTextPassword, an Erlang release's sys.config ({db_password,
// "..."}), an Elixir project's config/*.exs (`password: "..."`, or an
// environment lookup with a literal fallback). Spring's and Typesafe
// Config's application files are springSecret's. As there, a key that
// names a secret (scriptSecretName) set to a literal of its own
// (literalSecretValue: no placeholder, not short) is the secret; the same
// file reading the value from the environment is none.

// helmValues reports whether name is a Helm chart's values file:
// values.yaml, values-ENV.yaml, values.ENV.yaml, ENV-values.yaml (.yml
// too).
func helmValues(name string) bool {
	lower := strings.ToLower(name)
	stem, ok := strings.CutSuffix(lower, ".yaml")
	if !ok {
		stem, ok = strings.CutSuffix(lower, ".yml")
	}
	if !ok {
		return false
	}
	return stem == "values" || strings.HasPrefix(stem, "values-") || strings.HasPrefix(stem, "values.") ||
		strings.HasPrefix(stem, "values_") || strings.HasSuffix(stem, "-values") || strings.HasSuffix(stem, ".values") ||
		strings.HasSuffix(stem, "_values")
}

// nugetConfig reports whether name is a NuGet configuration file (NuGet
// finds nuget.config in any case on Linux).
func nugetConfig(name string) bool { return strings.EqualFold(name, "nuget.config") }

// elixirConfig reports whether abs is a Mix project's configuration
// script other than the generated development and test ones (dev.exs and
// test.exs, where the generators write the local database's password and
// a development-only signing key).
func elixirConfig(abs string) bool {
	base := filepath.Base(abs)
	return strings.HasSuffix(base, ".exs") && base != "dev.exs" && base != "test.exs" &&
		filepath.Base(filepath.Dir(abs)) == "config"
}

// appConfigName: the names appConfigSecret looks into (walks look by name
// first; elixirConfig then needs the directory).
func appConfigName(name string) bool {
	return helmValues(name) || nugetConfig(name) || name == "sys.config" ||
		strings.HasSuffix(name, ".exs") && name != "dev.exs" && name != "test.exs"
}

// appConfigSecret says why abs, one of appConfigName's files, sets a
// password, or "".
func appConfigSecret(abs string) string {
	base := filepath.Base(abs)
	var scan func([]byte) string
	switch {
	case helmValues(base):
		return springSecret(abs)
	case nugetConfig(base):
		scan = nugetSecret
	case base == "sys.config":
		scan = erlangSecret
	case elixirConfig(abs):
		scan = elixirSecret
	default:
		return ""
	}
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return base + " is too large to check for passwords (over 1 MiB)"
	}
	if key := scan(b); key != "" {
		return base + " sets " + key + " to a value of its own"
	}
	return ""
}

// nugetSecret returns the key of a NuGet config's package source
// credential that holds a password (<add key="ClearTextPassword"
// value="..."/>, or Password, which NuGet stores encrypted), or "". A
// %VARIABLE% value is read from the environment.
func nugetSecret(b []byte) string {
	lower := bytes.ToLower(b)
	for off := 0; ; {
		i := bytes.Index(lower[off:], []byte("<add "))
		if i < 0 {
			return ""
		}
		i += off
		off = i + 5
		end := bytes.IndexByte(lower[off:], '>')
		if end < 0 {
			return ""
		}
		elem := b[off : off+end]
		key := xmlAttr(elem, "key")
		if !strings.EqualFold(key, "ClearTextPassword") && !strings.EqualFold(key, "Password") {
			continue
		}
		if v := xmlAttr(elem, "value"); v != "" && !strings.HasPrefix(v, "%") {
			return key
		}
	}
}

// xmlAttr returns the value of the attribute name (any case) in an
// element's text, or "".
func xmlAttr(elem []byte, name string) string {
	lower := bytes.ToLower(elem)
	for off := 0; ; {
		i := bytes.Index(lower[off:], []byte(name+"="))
		if i < 0 {
			return ""
		}
		i += off
		off = i + len(name) + 1
		if i > 0 && !isSpace(lower[i-1]) || off >= len(elem) || elem[off] != '"' && elem[off] != '\'' {
			continue
		}
		if end := bytes.IndexByte(elem[off+1:], elem[off]); end >= 0 {
			return string(elem[off+1 : off+1+end])
		}
		return ""
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// erlangSecret returns the name of a {Key, "Value"} (or <<"Value">>)
// tuple of an Erlang term file whose key names a secret and whose value
// is a literal of its own, or "".
func erlangSecret(b []byte) string {
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], '{')
		if i < 0 {
			return ""
		}
		off += i + 1
		rest := bytes.TrimLeft(b[off:], " \t\r\n")
		n := 0
		for n < len(rest) && (wordByte(rest[n]) || rest[n] == '@') {
			n++
		}
		if n == 0 || rest[0] < 'a' || rest[0] > 'z' {
			continue
		}
		key := string(rest[:n])
		rest = bytes.TrimLeft(rest[n:], " \t\r\n")
		if len(rest) == 0 || rest[0] != ',' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		rest = bytes.TrimPrefix(rest, []byte("<<"))
		if len(rest) == 0 || rest[0] != '"' {
			continue
		}
		end := bytes.IndexByte(rest[1:], '"')
		if end >= 0 && scriptSecretName(key) && literalSecretValue(string(rest[1:1+end])) {
			return key
		}
	}
}

// elixirSecret returns the key of an Elixir keyword pair (`password:
// VALUE`) whose key names a secret and whose value holds a string
// literal of its own, or "": `password: "..."`, `password:
// System.get_env("DB_PASSWORD") || "..."` (the fallback is used where the
// variable is unset). The name a lookup is given (get_env("X"),
// fetch_env!("X")) is no value.
func elixirSecret(b []byte) string {
	for _, line := range bytes.Split(b, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		for off := 0; off < len(line); {
			i := bytes.Index(line[off:], []byte(": "))
			if i < 0 {
				break
			}
			i += off
			off = i + 2
			start := i
			for start > 0 && wordByte(line[start-1]) {
				start--
			}
			if start == i || !scriptSecretName(string(line[start:i])) {
				continue
			}
			value := line[off:]
			if next := keywordAfter(value); next >= 0 {
				value = value[:next]
			}
			if elixirLiteral(value) {
				return string(line[start:i])
			}
		}
	}
	return ""
}

// keywordAfter returns where the next keyword pair (`, key:`) of a line
// starts in value, or -1.
func keywordAfter(value []byte) int {
	for off := 0; ; {
		i := bytes.IndexByte(value[off:], ',')
		if i < 0 {
			return -1
		}
		i += off
		off = i + 1
		rest := bytes.TrimLeft(value[off:], " \t")
		n := 0
		for n < len(rest) && wordByte(rest[n]) {
			n++
		}
		if n > 0 && n+1 < len(rest) && rest[n] == ':' && rest[n+1] == ' ' {
			return i
		}
	}
}

// elixirLiteral reports whether value holds a double-quoted literal of
// its own that is not the name an environment lookup is given.
func elixirLiteral(value []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(value[off:], '"')
		if i < 0 {
			return false
		}
		i += off
		end := bytes.IndexByte(value[i+1:], '"')
		if end < 0 {
			return false
		}
		lit := value[i+1 : i+1+end]
		off = i + end + 2
		before := bytes.TrimRight(value[:i], " \t")
		if bytes.HasSuffix(before, []byte("get_env(")) || bytes.HasSuffix(before, []byte("fetch_env(")) ||
			bytes.HasSuffix(before, []byte("fetch_env!(")) {
			continue
		}
		if literalSecretValue(string(lit)) {
			return true
		}
	}
}

// settingsFile reports whether name is a settings file in one of the
// key-value formats any program may keep its configuration in (YAML,
// TOML, INI and its .cfg, Java properties, JSON), whatever the file is
// called: config/prod.yaml, docker-compose.override.yml, settings.toml,
// app.ini, config/production.json.
//
// And the files most programs keep their settings in that name no format
// (the eighteenth held-out batch): a .conf or .cnf file (a Mojolicious
// app's config/production.conf, a Perl hash of `password => "..."`), and
// a file with no extension at all (~/.pause, `password ...` on a line of
// its own).
func settingsFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".toml", ".ini", ".cfg", ".properties", ".json", ".json5", ".jsonc", ".conf", ".cnf":
		return true
	}
	return !strings.Contains(strings.TrimLeft(name, "."), ".")
}

// jsonLines puts each member of a JSON object on a line of its own, as
// passwordSetting reads settings: a minified config
// ({"db":{"user":"app","password":"..."}}) is one line.
func jsonLines(r rune) rune {
	if r == '{' || r == '}' || r == ',' {
		return '\n'
	}
	return r
}

// passwordSetting says why abs, a settingsFile, sets a password, or "":
// a key whose last part names a password (password, db_password,
// POSTGRES_PASSWORD, passwd, passphrase, a _PASS or _PWD suffix; camel
// case read as words, so adminPassword is one and passwordFile, a path,
// is not) set to a value of its own (literalSecretValue and ownPassword:
// no placeholder, no environment lookup, no stand-in such as "changeme"
// or "postgres" for the user postgres) that has a password's shape
// (passwordShaped: not a translation's "Passwort" or "Mot de passe", not
// a YAML tag such as Ansible's !vault). Passwords have no form a token
// scan could know; the key tells, as springSecret's does for Spring's
// files (the seventeenth held-out batch: `cat config/prod.yaml`, `yq
// .database config/prod.yaml` and `head config/*.yaml` printed a Go
// service's database password, docker-compose.override.yml a Postgres
// one). Other secret keys (token, api_key) are left to the token scan:
// in such files they mostly name a secret kept elsewhere (secretName:
// tls-cert, existingSecret: db-auth). A read of the file is judged by it
// (cat, head, yq, a glob); a tree walk is not (contentName leaves these
// names out): a project holds thousands of such files (every
// package.json), and a search of its own tree is judged by names.
func passwordSetting(abs string) string {
	var b []byte
	if named := strings.Contains(strings.TrimLeft(filepath.Base(abs), "."), "."); named {
		var err error
		b, err = safefile.Read(abs, maxContent)
		if errors.Is(err, safefile.ErrTooLarge) {
			return filepath.Base(abs) + " is too large to check for passwords (over 1 MiB)"
		}
	} else {
		// No extension: a program or a data file as often as settings.
		// Its head is read; a binary one (a NUL in it) is no settings file.
		b, _ = safefile.ReadHead(abs, maxContent)
		if bytes.IndexByte(b[:min(len(b), 8<<10)], 0) >= 0 {
			return ""
		}
	}
	if lower := bytes.ToLower(b); !bytes.Contains(lower, []byte("pass")) && !bytes.Contains(lower, []byte("pwd")) &&
		!bytes.Contains(lower, []byte("token")) && !bytes.Contains(lower, []byte("secret")) && !bytes.Contains(lower, []byte("key")) {
		return ""
	}
	text := string(b)
	if strings.HasPrefix(strings.ToLower(filepath.Ext(abs)), ".json") {
		text = strings.Map(jsonLines, text)
	}
	user := ""
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "=>") {
			// A Perl, Ruby or PHP hash: its pairs, each on a line.
			line = strings.Map(jsonLines, line)
		}
		for _, pair := range strings.Split(line, "\n") {
			key, value, ok := settingPair(pair)
			if !ok {
				continue
			}
			if userKey(key) {
				user = value
				continue
			}
			if passwordSettingKey(key) && literalSecretValue(value) && ownPassword(user, value) && passwordShaped(value) ||
				tokenSettingKey(key) && randomValue(value) {
				return filepath.Base(abs) + " sets " + key + " to a value of its own"
			}
		}
	}
	return ""
}

// settingPair splits a settings line into its key (settingKey's form)
// and value: KEY: VALUE, KEY = VALUE, KEY => VALUE, or KEY VALUE, a key
// and a single word after it (~/.pause's `password ...`, an option file's
// `--password ...`). Comments, section heads and YAML tags are none.
func settingPair(line string) (key, value string, ok bool) {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
	if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '!' || line[0] == '[' {
		return "", "", false
	}
	i := strings.IndexAny(line, ":=")
	if i < 0 {
		k, v, found := strings.Cut(strings.Replace(line, "\t", " ", 1), " ")
		if !found || strings.ContainsAny(strings.TrimSpace(v), " \t") {
			return "", "", false
		}
		return settingKey(k), settingValue(v), true
	}
	if i == 0 {
		return "", "", false
	}
	rest := line[i+1:]
	if line[i] == '=' && strings.HasPrefix(rest, ">") {
		rest = rest[1:]
	}
	return settingKey(line[:i]), settingValue(rest), true
}

// tokenSettingKey reports whether key (settingKey's form) names a token,
// a secret or an API key rather than a password (TOKEN, API_KEY,
// CLIENT_SECRET), and not a name, path or reference of one.
func tokenSettingKey(key string) bool {
	return !passwordSettingKey(key) && scriptSecretName(key)
}

// randomValue reports whether v, a token setting's value, looks generated
// rather than named: 20 characters or more of a token's alphabet (letters,
// digits, - _ . + / =), no blank, with upper- and lower-case letters and
// digits, or 32 hexadecimal digits and more. A token's settings mostly
// name a secret kept elsewhere (secretName: tls-cert, existingSecret:
// db-auth, ${{ secrets.X }}, a path); those are words. A generated key
// has no form a token scan knows when no service prefix marks it (`token:
// Sp8m...` in a tool's YAML, a hex API key).
func randomValue(v string) bool {
	if len(v) < 20 || !literalSecretValue(v) {
		return false
	}
	var upper, lower, digit, hexOnly = false, false, false, true
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
			hexOnly = hexOnly && c <= 'F'
		case c >= 'a' && c <= 'z':
			lower = true
			hexOnly = hexOnly && c <= 'f'
		case c >= '0' && c <= '9':
			digit = true
		case strings.IndexByte("-_.+/=", c) >= 0:
			hexOnly = false
		default:
			return false
		}
	}
	return upper && lower && digit || hexOnly && digit && len(v) >= 32
}

// settingKey is a settings line's key as passwordKey reads it: the last
// part of a dotted key, quotes left out, camel case and dashes as words
// joined by _ (adminPassword: ADMIN_PASSWORD).
func settingKey(k string) string {
	k = strings.Trim(strings.TrimSpace(k), `"'`)
	if j := strings.LastIndexByte(k, '.'); j >= 0 {
		k = k[j+1:]
	}
	var out []byte
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 'A' && c <= 'Z' && i > 0 && k[i-1] >= 'a' && k[i-1] <= 'z' {
			out = append(out, '_')
		}
		if c == '-' {
			c = '_'
		}
		out = append(out, c)
	}
	return strings.ToUpper(string(out))
}

// settingValue is a settings line's value: the quoted text of a quoted
// one, else the text before a trailing comment.
func settingValue(v string) string {
	v = strings.TrimSpace(v)
	if v != "" && (v[0] == '"' || v[0] == '\'') {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			return v[1 : 1+end]
		}
		return v
	}
	if k := strings.Index(v, " #"); k >= 0 {
		v = strings.TrimSpace(v[:k])
	}
	return v
}

// passwordSettingKey reports whether key (settingKey's form) names a password:
// not a path, name, length or other setting about one (scriptSecretName's
// exclusions: PASSWORD_FILE, PASSWORD_MIN_LENGTH).
func passwordSettingKey(key string) bool {
	if !scriptSecretName(key) {
		return false
	}
	for _, w := range []string{"PASSWORD", "PASSWD", "PASSPHRASE"} {
		if strings.Contains(key, w) {
			return true
		}
	}
	return key == "PASS" || key == "PWD" || strings.HasSuffix(key, "_PASS") || strings.HasSuffix(key, "_PWD")
}

// userKey reports whether key names the user a following password is
// given for (user, username, POSTGRES_USER, db_user).
func userKey(key string) bool {
	return key == "USER" || key == "USERNAME" || strings.HasSuffix(key, "_USER") || strings.HasSuffix(key, "_USERNAME")
}

// passwordShaped reports whether v, a setting's value, looks like a
// password a person or a generator set rather than words or YAML syntax:
// no blank, not a tag, block scalar, anchor or alias (!vault |, >, &a,
// *a), and a digit or a symbol in it, as password rules ask for. A
// locale file's labels ("password": "Passwort", "Mot de passe") are not.
func passwordShaped(v string) bool {
	if v == "" || strings.ContainsAny(v, " \t") || strings.ContainsRune("!|>&*", rune(v[0])) || sealedValue(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' || c < 0x80 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return true
		}
	}
	return false
}

// sealedValue reports whether v is a value an encryption tool wrote in
// place of the secret, readable only with a key the file does not hold:
// sops's ENC[AES256_GCM,data:...], ejson's EJ[1:...], dotenvx's
// encrypted:..., Vault transit's vault:v1:... (the eighteenth held-out
// batch: `yq keys secrets/prod.enc.yaml` asked for a sops file's
// ciphertext).
func sealedValue(v string) bool {
	for _, p := range []string{"ENC[", "EJ[", "encrypted:", "vault:v"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}
