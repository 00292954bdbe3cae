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
	return helmValues(name) || nugetConfig(name) || dotnetConfig(name) || name == "sys.config" ||
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
	case dotnetConfig(base):
		scan = appSettingsSecret
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
	return addElementSecret(b, func(key, value string) bool {
		return (strings.EqualFold(key, "ClearTextPassword") || strings.EqualFold(key, "Password")) &&
			value != "" && !strings.HasPrefix(value, "%")
	})
}

// dotnetConfig reports whether name is a .NET Framework application's
// configuration: web.config and its transforms (Web.Release.config),
// app.config, a built program's NAME.exe.config or NAME.dll.config.
func dotnetConfig(name string) bool {
	lower := strings.ToLower(name)
	return lower == "web.config" || lower == "app.config" || strings.HasSuffix(lower, ".exe.config") ||
		strings.HasSuffix(lower, ".dll.config") || strings.HasPrefix(lower, "web.") && strings.HasSuffix(lower, ".config")
}

// appSettingsSecret returns the key of a .NET config's appSettings entry
// that sets a secret to a value of its own (<add key="DbPassword"
// value="..."/>, an ApiKey's generated value), or "": a record naming its
// setting in one attribute and holding it in another, as namedRecord's
// (a connection string's Password= is found by its form in any file).
func appSettingsSecret(b []byte) string {
	return addElementSecret(b, func(key, value string) bool { return secretSetting(settingKey(key), value, "") })
}

// addElementSecret returns the key of the first <add key="..."
// value="..."/> element of an XML config whose key and value secret
// accepts, or "".
func addElementSecret(b []byte, secret func(key, value string) bool) string {
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
		if key := xmlAttr(elem, "key"); key != "" && secret(key, xmlAttr(elem, "value")) {
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
func passwordSetting(abs string) string { return settingSecret(abs, false) }

// codeSettings reports whether name is a program's configuration kept as
// code, by its name: a Python, Ruby, JavaScript, TypeScript, PHP or Lua
// file named for config, settings, secrets, credentials or an
// environment (Airflow's webserver_config.py, Superset's
// superset_config.py, Django's settings.py, Angular's
// environment.prod.ts, config/secrets.rb).
func codeSettings(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".py", ".rb", ".js", ".cjs", ".mjs", ".ts", ".php", ".lua":
	default:
		return false
	}
	stem := strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
	for _, w := range []string{"config", "settings", "secret", "credential", "environment"} {
		if strings.Contains(stem, w) {
			return true
		}
	}
	return false
}

// codeSettingSecret says why abs, a codeSettings file, assigns a secret
// of its own, or "": passwordSetting's pairs (SECRET_KEY = '...', apiKey:
// "...", config.secret_key_base = "...") where the value is a string
// literal, so that code reading a secret from elsewhere
// (os.environ['DB_PASSWORD'], process.env.TOKEN) is none (the twentieth
// held-out batch: `cat ~/airflow/webserver_config.py` printed its Flask
// SECRET_KEY unasked).
func codeSettingSecret(abs string) string { return settingSecret(abs, true) }

// settingSecret is passwordSetting's and codeSettingSecret's reading of
// abs; in code only string literals are values.
func settingSecret(abs string, code bool) string {
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
	if strings.HasPrefix(strings.ToLower(filepath.Ext(abs)), ".json") || strings.HasPrefix(strings.TrimSpace(text), "{") {
		// JSON, by its name or its first byte (~/.serverlessrc, an rc file
		// of any name a tool writes as JSON).
		text = strings.NewReplacer("{", "\n{\n", "}", "\n}\n", ",", "\n").Replace(text)
	}
	user := ""
	var outer settingScopes
	var record namedRecord
	for _, line := range strings.Split(text, "\n") {
		switch strings.TrimSpace(line) {
		case "{":
			outer.open()
			record = namedRecord{}
			continue
		case "}":
			outer.close()
			record = namedRecord{}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "- ") {
			record = namedRecord{} // a YAML list's next item
		}
		if strings.Contains(line, "=>") {
			// A Perl, Ruby or PHP hash: its pairs, each on a line.
			line = strings.Map(jsonLines, line)
		}
		for _, pair := range strings.Split(line, "\n") {
			key, value, ok := settingPair(pair)
			if !ok || code && !quotedValue(pair) {
				continue
			}
			outer.indent(pair)
			if userKey(key) {
				user = value
				continue
			}
			if secretSetting(key, value, user) {
				return filepath.Base(abs) + " sets " + key + " to a value of its own"
			}
			if k := outer.secretKey(); k != "" && !sealedKey(key) && secretSetting(k, value, user) {
				return filepath.Base(abs) + " sets " + key + " under " + k + " to a value of its own"
			}
			if k, v := record.pair(key, value); k != "" && secretSetting(k, v, user) {
				return filepath.Base(abs) + " sets " + k + " to a value of its own, as a name and a value"
			}
			if value == "" {
				outer.pending(pair, key)
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

// quotedValue reports whether a settings line's value (after its first :
// or =, or =>) is a string literal alone: a quoted text followed by
// nothing but a comma, semicolon, closing bracket or comment.
func quotedValue(line string) bool {
	i := strings.IndexAny(line, ":=")
	if i < 0 {
		return false
	}
	v := strings.TrimSpace(strings.TrimPrefix(line[i+1:], ">"))
	if v == "" || v[0] != '"' && v[0] != '\'' {
		return false
	}
	end := strings.IndexByte(v[1:], v[0])
	if end < 0 {
		return false
	}
	rest := strings.TrimSpace(strings.TrimLeft(v[end+2:], ",;)] \t"))
	return rest == "" || strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "--")
}

// tokenSettingKey reports whether key (settingKey's form) names a token,
// a secret or a key rather than a password (TOKEN, API_KEY, CLIENT_SECRET,
// privateKey, DEPLOYER_KEY, accessKeys), and not a name, path or
// reference of one, nor a key that is no secret (PUBLIC_KEY,
// PUBLISHABLE_KEY, SSH_PUBKEY). A bare KEY or one of a database's
// (PRIMARY_KEY, SORT_KEY) is a key's name too, but only a generated value
// (randomValue) makes any of them a secret.
func tokenSettingKey(key string) bool {
	if passwordSettingKey(key) {
		return false
	}
	if scriptSecretName(key) {
		return true
	}
	if key != "KEY" && !strings.HasSuffix(key, "_KEY") {
		return false
	}
	for _, none := range []string{"PUBLIC", "PUBLISHABLE", "PUB_", "PRIMARY", "FOREIGN", "SORT", "PARTITION", "CACHE", "IDEMPOTENCY"} {
		if strings.Contains(key, none) {
			return false
		}
	}
	return true
}

// secretSetting reports whether key (settingKey's form) set to value is
// a secret of its own: a password key with a password's value (no
// placeholder, not user's own name, a password's shape) or a token key
// with a generated one.
func secretSetting(key, value, user string) bool {
	return passwordSettingKey(key) && literalSecretValue(value) && ownPassword(user, value) && passwordShaped(value) ||
		tokenSettingKey(key) && randomValue(value)
}

// settingScopes follows where a settings file's pairs sit: the keys of
// the objects (JSON braces) and blocks (YAML indentation) that hold them.
// A key that names a secret and holds an object makes the values in it
// secrets: hardhat's vars.json keeps {"DEPLOYER_KEY": {"value": "0x..."}},
// ~/.serverlessrc {"accessKeys": {"acme": "..."}}, a YAML `tokens:` block
// one token per service (the twentieth held-out batch: `cat
// ~/.config/hardhat-nodejs/vars.json` and `cat ~/.serverlessrc` printed
// them unasked, the pair holding the value named for nothing).
type settingScopes struct {
	scopes []settingScope
	last   settingScope // the last pair with no value: the next block's key
}

type settingScope struct {
	key    string
	indent int  // the key's column; a YAML block holds the lines indented further
	brace  bool // a JSON object, closed by its brace
}

func (o *settingScopes) pending(pair, key string) {
	o.last = settingScope{key: key, indent: lineIndent(pair)}
}

// open enters the object the last key with no value opened.
func (o *settingScopes) open() {
	o.last.brace = true
	o.scopes = append(o.scopes, o.last)
	o.last = settingScope{}
}

func (o *settingScopes) close() {
	for n := len(o.scopes); n > 0; n-- {
		brace := o.scopes[n-1].brace
		o.scopes = o.scopes[:n-1]
		if brace {
			return
		}
	}
}

// indent leaves the YAML blocks pair is not indented into, and enters the
// last key's when pair is.
func (o *settingScopes) indent(pair string) {
	col := lineIndent(pair)
	for n := len(o.scopes); n > 0 && !o.scopes[n-1].brace && col <= o.scopes[n-1].indent; n-- {
		o.scopes = o.scopes[:n-1]
	}
	if o.last.key != "" && !o.last.brace && col > o.last.indent {
		o.scopes = append(o.scopes, o.last)
	}
	o.last = settingScope{}
}

// secretKey is the innermost enclosing key that names a secret, or a
// collection of them (passwords, tokens, accessKeys), or "".
func (o *settingScopes) secretKey() string {
	for i := len(o.scopes) - 1; i >= 0; i-- {
		k := o.scopes[i].key
		for _, one := range []string{k, strings.TrimSuffix(k, "S")} {
			if passwordSettingKey(one) || tokenSettingKey(one) {
				return one
			}
		}
	}
	return ""
}

// namedRecord follows a record that names its setting in one field and
// holds its value in another: a Kubernetes container's env (`- name:
// DB_PASSWORD` then `value: ...`), an ECS task definition's environment,
// Nextflow's secrets store ([{"name": "NCBI_API_KEY", "value": "..."}]),
// SSM's get-parameters output ({"Name": "/prod/db/password", "Value":
// ...}). No pair of such a record names a secret by its key (the
// twenty-first held-out batch: `cat ~/.nextflow/secrets/store.json`
// printed an API key unasked). A record is a JSON object or a YAML list
// item; its name is its NAME or KEY field (a path's last part), its value
// its VALUE field, in either order.
type namedRecord struct {
	name, value string
	named, set  bool
}

// pair takes a record's pair and returns the setting's key (settingKey's
// form) and value once the record holds both, else "".
func (r *namedRecord) pair(key, value string) (string, string) {
	switch key {
	case "NAME", "KEY":
		if i := strings.LastIndexByte(value, '/'); i >= 0 {
			value = value[i+1:]
		}
		r.name, r.named = settingKey(value), true
	case "VALUE":
		r.value, r.set = value, true
	default:
		return "", ""
	}
	if !r.named || !r.set {
		return "", ""
	}
	return r.name, r.value
}

// sealedKey reports whether key (settingKey's form) names an encryption's
// output or parameters rather than the secret: a Chef encrypted data bag
// keeps {"password": {"encrypted_data": "...", "iv": "...", "cipher":
// "aes-256-gcm"}}, an Ethereum keystore {"crypto": {"ciphertext": ...}}.
func sealedKey(key string) bool {
	switch key {
	case "IV", "SALT", "NONCE", "MAC", "HMAC", "TAG", "AUTH_TAG":
		return true
	}
	return strings.Contains(key, "ENCRYPTED") || strings.Contains(key, "CIPHER")
}

// lineIndent is the column of line's first character that is not a blank
// or a YAML list's dash.
func lineIndent(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t-"))
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
	if h, ok := strings.CutPrefix(v, "0x"); ok && len(h) >= 32 && strings.Trim(h, "0123456789abcdefABCDEF") == "" {
		return true // a key written as a number: Ethereum's 0x and 64 hexadecimal digits
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

// tableFile reports whether name is a table of comma- or tab-separated
// values by its name.
func tableFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".tsv":
		return true
	}
	return false
}

// tableSecret says why abs, a tableFile, holds a secret, or "": a column
// whose heading names one (password, login_password, api_token) holding a
// value secretSetting takes for a secret in a row, or a row that names
// its secret in one field and holds a generated value (randomValue: a
// row's other fields are labels as often as values) in another, as
// ESP-IDF's NVS partition tables do (`device_key,data,string,...`: the
// twentieth held-out batch's `cat nvs/device_keys.csv` printed a device's
// key unasked), and password managers' exports.
func tableSecret(abs string) string {
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return filepath.Base(abs) + " is too large to check for secrets (over 1 MiB)"
	}
	if lower := bytes.ToLower(b); !bytes.Contains(lower, []byte("pass")) && !bytes.Contains(lower, []byte("pwd")) &&
		!bytes.Contains(lower, []byte("token")) && !bytes.Contains(lower, []byte("secret")) && !bytes.Contains(lower, []byte("key")) {
		return ""
	}
	sep := ","
	if strings.EqualFold(filepath.Ext(abs), ".tsv") {
		sep = "\t"
	}
	var heading []string
	for n, line := range strings.Split(string(b), "\n") {
		fields := strings.Split(strings.TrimRight(line, "\r"), sep)
		for i, f := range fields {
			fields[i] = strings.Trim(strings.TrimSpace(f), `"`)
		}
		if n == 0 {
			heading = make([]string, len(fields))
			for i, f := range fields {
				heading[i] = settingKey(f)
			}
		}
		user := ""
		for i, f := range fields {
			if i < len(heading) && userKey(heading[i]) {
				user = f
			}
		}
		for i, f := range fields {
			if n > 0 && i < len(heading) && secretSetting(heading[i], f, user) {
				return filepath.Base(abs) + " holds a " + strings.ToLower(heading[i]) + " column with a value of its own"
			}
			name := settingKey(f)
			if !passwordSettingKey(name) && !tokenSettingKey(name) {
				continue
			}
			for j, v := range fields {
				if j != i && randomValue(v) {
					return filepath.Base(abs) + " holds a row naming " + f + " with a value of its own"
				}
			}
		}
	}
	return ""
}

// firmwareImage reports whether name is a firmware or kernel image by its
// name: what a Kconfig build (ESP-IDF, Zephyr, Linux, Buildroot, U-Boot)
// writes.
func firmwareImage(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".bin", ".elf", ".hex", ".img", ".uf2", ".srec", ".axf":
		return true
	}
	switch name {
	case "Image", "zImage", "bzImage", "uImage", "vmlinux":
		return true
	}
	return false
}

// kconfigFiles are the names a Kconfig build keeps its configuration
// under: ESP-IDF's sdkconfig, Linux's, Buildroot's and U-Boot's .config
// (Zephyr's in its build directory), Zephyr's prj.conf.
var kconfigFiles = [...]string{"sdkconfig", ".config", "prj.conf"}

// kconfigImageSecret says why abs, a firmwareImage, holds a secret, or
// "": the Kconfig configuration in its directory or one of the three
// above (build/, build/zephyr/, the project) sets a password or key
// (passwordSetting), and a Kconfig string option is compiled into the
// image as it is (the twentieth held-out batch: `strings
// build/acme-fw.bin | grep -i -A1 ssid` printed the Wi-Fi password
// sdkconfig set, which has no form a scan of the image could know).
func kconfigImageSecret(abs string) string {
	d := filepath.Dir(abs)
	for range 4 {
		for _, name := range kconfigFiles {
			if why := passwordSetting(filepath.Join(d, name)); why != "" {
				return filepath.Base(abs) + " is built from " + filepath.Join(d, name) + ", which " +
					strings.TrimPrefix(why, name+" ")
			}
		}
		if up := filepath.Dir(d); up != d {
			d = up
		}
	}
	return ""
}
