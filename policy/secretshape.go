package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Searches for a secret's shape (issue 16, third held-out batch): a pattern
// that starts with a prefix only issued keys and tokens carry (`rg
// 'sk-[A-Za-z0-9]{20,}'`, `grep -r ghp_`, `grep "BEGIN OPENSSH PRIVATE
// KEY"`), or that names, as a whole word, a setting that holds a credential
// in a well-known file format (`grep _authToken .npmrc`, `grep -i
// aws_secret_access_key`), prints the values it finds; so does a search
// limited by --include/-g/--glob to files named like a secret (`grep -r x
// --include=.env`), whatever the tree holds now.
//
// Limits: only these prefixes and names; a prefix must start the pattern or
// follow a character that cannot be part of a word (`task-` is not `sk-`).
//
// A pattern (or one of its | alternatives) that is nothing but a password's
// key, in any case and with any dotted, underscored or run-together prefix
// (`grep -i password app.properties`, `grep -r "db_password" /etc/app`, `rg
// 'passwd\s*[:=]'`, `grep storePassword app/build.gradle`), finds where a
// password is set in a configuration file of any format, and prints it
// (fourth and fifth held-out batches). A key inside a phrase is
// not one: `grep "Failed password" auth.log` finds log lines.

// secretPrefixes are prefixes of issued credentials.
var secretPrefixes = []string{
	"sk-", "sk_live_", "sk_test_", "rk_live_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
	"glpat-", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "AKIA", "ASIA", "AIza", "ya29.", "npm_", "pypi-",
	"hf_", "shpat_", "SG.", "-----BEGIN", "PRIVATE KEY",
}

// secretSettings name a credential in a well-known file format (.npmrc,
// ~/.aws/credentials, gh's hosts.yml, .pypirc, .netrc).
var secretSettings = []string{
	"_authToken", "_auth", "_password", "aws_secret_access_key", "aws_session_token", "oauth_token",
	"refresh_token", "client_secret", "private_key_id",
}

// credentialKey matches one alternative of a search pattern that is only a
// password's key: anchors, quotes and word boundaries around it, a prefix of
// words joined by _ . or - or run together (spring.datasource.password,
// DB_PASSWORD, storePassword: gradle's signing keys), and
// after it only what a search for an assignment adds (\s*, :, =). Only
// passwords: a person picks them, so no content check can know one by its
// shape, as it knows an issued key (sk-..., ghp_...); a search for api_key
// or token in a source tree finds code.
var credentialKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:\^|\\b|\\<|\.\*|["'])*(?:[a-z0-9]+[_.-]?)*` +
		`(password|passwd|passphrase)(?:\\b|\\>|["'])*(?:\s|\\s|[*+?:=\[\]])*\$?$`)
})

// credentialSearch says why a search pattern finds where a password is set,
// or "": an alternative (split at | and \|) that is only a password's key.
func credentialSearch(pattern string) string {
	if !strings.Contains(strings.ToLower(pattern), "pass") && !hasNonASCII(pattern) {
		return "" // each key credentialKey knows holds "pass" (or a case fold of it, as ſ of s): no need to build it
	}
	for _, alt := range strings.Split(strings.ReplaceAll(pattern, `\|`, "|"), "|") {
		lower := strings.ToLower(alt)
		if credentialKey().MatchString(strings.TrimSpace(alt)) && !codeName(lower[:max(0, strings.Index(lower, "pass"))]) {
			return "searches for the key " + strings.TrimSpace(alt) + ": the lines found set a password"
		}
	}
	return ""
}

// codeName reports whether the word that ends prefix, the text before a
// password's or a credential setting's key in a search pattern, is a verb
// or an adjective (hashPassword, validate_password, hashed_password,
// onPasswordChange): a search for a function or a column in code, which
// prints code, not a configuration file's password. A noun there
// (db_password, storePassword, spring.datasource.password) makes a key.
func codeName(prefix string) bool {
	prefix = strings.TrimRight(strings.ToLower(prefix), "_.-")
	j := strings.LastIndexFunc(prefix, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	switch prefix[j+1:] {
	case "hash", "hashed", "check", "verify", "validate", "valid", "invalid", "reset", "update", "set", "get",
		"compare", "change", "forgot", "forget", "encrypt", "encrypted", "decrypt", "generate", "gen", "random",
		"confirm", "show", "hide", "toggle", "handle", "on", "send", "create", "delete", "remove", "is", "has",
		"require", "requires", "match", "matches", "mock", "fake", "strong", "weak", "wrong", "bad", "recover",
		"request", "with", "without", "no", "min", "max", "test", "bcrypt", "argon2", "rehash", "needs":
		return true
	}
	return false
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// secretShape says why a search pattern finds a secret's value, or "".
func secretShape(pattern string) string {
	for _, p := range secretPrefixes {
		for i := 0; ; {
			j := strings.Index(pattern[i:], p)
			if j < 0 {
				break
			}
			at := i + j
			if at == 0 || !wordByte(pattern[at-1]) || !wordByte(p[0]) {
				// A short all-letter prefix must be followed by what such a
				// key holds, not by more of an ordinary word.
				rest := pattern[at+len(p):]
				if p != "hf_" && p != "npm_" || rest == "" || !strings.ContainsAny(rest[:1], "abcdefghijklmnopqrstuvwxyz") {
					return "searches for " + p + "...: the lines found hold keys or tokens"
				}
			}
			i = at + 1
		}
	}
	for _, p := range secretPrefixes {
		if stem := prefixStem(p); stem != "" && wordAt(pattern, stem) {
			return "searches for " + p + "...: the lines found hold keys or tokens"
		}
	}
	lower := strings.ToLower(pattern)
	for _, s := range secretSettings {
		s = strings.ToLower(s)
		for i := 0; ; {
			j := strings.Index(lower[i:], s)
			if j < 0 {
				break
			}
			at, end := i+j, i+j+len(s)
			if (at == 0 || !wordByte(lower[at-1]) || s[0] == '_' && !codeName(lower[:at])) && (end == len(lower) || !wordByte(lower[end])) {
				return "searches for " + s + ": the lines found hold its value"
			}
			i = at + 1
		}
	}
	return ""
}

// secretInclude says why a search limited to files named like a secret
// prints one, or "": grep --include=GLOB, rg -g/--glob/--iglob GLOB (not a
// negated !GLOB, which excludes).
func secretInclude(o MatchedOpt) string {
	switch o.Name {
	case "--include", "-g", "--glob", "--iglob":
	default:
		return ""
	}
	v := o.Value
	if strings.HasPrefix(v, "!") {
		return ""
	}
	if n := nameCanBeSecret(filepath.Base(v), o.Name == "--iglob"); n != "" {
		return "searches only files named " + v + ", which names " + n
	}
	return ""
}

// remoteArchive says why a tar command reaches another machine, or "": GNU
// tar reads an archive named HOST:PATH (no slash before the colon) through
// rsh or ssh, unless --force-local.
func remoteArchive(r *Result, argv []string) string {
	if r.Exec == nil || filepath.Base(argv[0]) != "tar" || slicesContains(argv, "--force-local") {
		return ""
	}
	values := []string{}
	for _, o := range r.Exec.Opts {
		values = append(values, o.Value)
	}
	for _, a := range r.Exec.Args {
		values = append(values, a.Value)
	}
	for _, v := range values {
		if i := strings.IndexByte(v, ':'); i > 0 && !strings.Contains(v[:i], "/") {
			return "tar reads " + v + " on another machine (a remote archive, through rsh or ssh)"
		}
	}
	return ""
}

func slicesContains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// yqFilter says why a yq expression reads beyond its input, or "": the
// environment (env, strenv, envsubst in mikefarah's yq; env and $ENV in the
// Python yq, which hands its filter to jq), files (load, load_str,
// load_xml, load_props, load_base64; jq's import, include,
// input_filename) or an expression taken from the data (eval). A key
// named so (`.env`, `."load"`) is not one.
func yqFilter(f string) string {
	switch name := filterName(f, "env", "ENV", "strenv", "envsubst", "load", "load_str", "load_xml", "load_props",
		"load_base64", "eval", "import", "include", "input_filename", "get_search_list", "modulemeta", "__prog_args"); name {
	case "":
		return ""
	case "env", "ENV", "strenv", "envsubst":
		return "environment: yq's " + name + " prints the environment, which holds API keys and tokens"
	default:
		return "yq's " + name + " reads files or expressions beyond its input"
	}
}

// yqJudge returns a matched yq command's secret read or the reason it is not
// a plain read (see yqFilter): a first argument that names a file is read as
// a file, not an expression, by mikefarah's yq.
func yqJudge(r *Result, cwd string) (secret, why string) {
	if r.Exec == nil || len(r.Exec.Args) == 0 {
		return "", ""
	}
	expr := r.Exec.Args[0].Value
	if len(r.Exec.Args) > 1 && (expr == "e" || expr == "eval" || expr == "ea" || expr == "eval-all") {
		expr = r.Exec.Args[1].Value
	}
	if fi, err := os.Stat(absolute(expr, cwd)); err == nil && !fi.IsDir() {
		return "", "yq reads " + expr + " as a file, not an expression"
	}
	if why := yqFilter(expr); strings.HasPrefix(why, "environment") {
		return why, ""
	} else if why != "" {
		return "", why
	}
	return "", ""
}

// xmllintNetwork says why xmllint or ffprobe reaches more than a file,
// or "": xmllint fetches a document named by a URL (http://, ftp://);
// ffprobe opens its input through one of ffmpeg's protocols when its name
// has a colon (tcp:, concat:a|b, subfile:, async:http://, data:), not
// only by the scheme:// form urlRead knows.
func xmllintNetwork(r *Result, argv []string) string {
	if r.Exec == nil {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "xmllint":
		for _, a := range r.Exec.Args {
			if strings.Contains(a.Value, "://") {
				return "xmllint fetches " + a.Value + " over the network"
			}
		}
	case "ffprobe":
		for _, v := range r.Reads() {
			if strings.Contains(v, ":") {
				return "ffprobe opens " + v + " through one of its protocols (a network or a composite input), not as a file"
			}
		}
	}
	return ""
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// credentialNameSearch reports whether a search's pattern names a
// credential's setting as code and configs spell it (apiKey, api_key,
// API_TOKEN, clientSecret, password): the lines it finds set one, so the
// tree it reads is judged by what its files hold, the project's own
// included (the sixteenth held-out batch: `rg -n apiKey Sources` printed
// a key a generated Secrets.swift held). A search for code (tokenizer,
// keyboard) is not one.
func credentialNameSearch(r *Result) bool {
	if r.Exec == nil {
		return false
	}
	for _, v := range opaqueValues(r) {
		for _, w := range strings.FieldsFunc(v, func(c rune) bool { return !wordByte(byte(c)) || c > 127 }) {
			if credentialWord(w) {
				return true
			}
		}
	}
	return false
}

// credentialWord reports whether w, one word of a pattern, names a
// credential: in its snake-case upper spelling (apiKey: API_KEY) a part
// is PASSWORD, PASSWD, SECRET, TOKEN, APIKEY, CREDENTIAL(S), or an HTTP
// carrier of one (BEARER, AUTHORIZATION, COOKIE(S)), or two
// parts are API, ACCESS, PRIVATE or SECRET and then KEY.
func credentialWord(w string) bool {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' && i > 0 && w[i-1] >= 'a' && w[i-1] <= 'z' {
			b.WriteByte('_')
		}
		b.WriteByte(c)
	}
	parts := strings.Split(strings.ToUpper(b.String()), "_")
	for i, p := range parts {
		switch p {
		case "PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS",
			// What carries a credential over HTTP: a search for it in a
			// test run's or a proxy's logs prints the tokens and sessions
			// sent (`grep -rh "Bearer " test-results/`, eighteenth
			// held-out batch).
			"BEARER", "AUTHORIZATION", "COOKIE", "COOKIES":
			return true
		case "KEY":
			if i > 0 && (parts[i-1] == "API" || parts[i-1] == "ACCESS" || parts[i-1] == "PRIVATE" || parts[i-1] == "SECRET") {
				return true
			}
		}
	}
	return false
}

// opaqueValues returns the values of a matched command's options and
// arguments that name no file (a search's patterns), in argv order of
// each kind.
func opaqueValues(r *Result) []string { return r.valuesOf(TypeOpaqueNonFile) }

// prefixStem returns the part of a secret prefix before its closing
// separator when that part alone marks the key too, or "": a search for
// sk_live, github_pat or glpat finds the same tokens as one for sk_live_,
// github_pat_ or glpat- (the seventeenth held-out batch: `grep -rn
// "sk_live" dist` printed a key a build had inlined in a bundle). A stem
// shorter than four letters (sk, ghp, npm, hf) and pypi, a package index's
// name, are words of their own.
func prefixStem(p string) string {
	stem := strings.TrimRight(p, "_-.")
	if stem == p || stem == "pypi" || len(stem) < 4 && !strings.Contains(stem, "_") {
		return ""
	}
	return stem
}

// wordAt reports whether word stands in pattern as a whole word: not
// inside a longer one on either side.
func wordAt(pattern, word string) bool {
	for i := 0; ; {
		j := strings.Index(pattern[i:], word)
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len(word)
		if (at == 0 || !wordByte(pattern[at-1])) && (end == len(pattern) || !wordByte(pattern[end])) {
			return true
		}
		i = at + 1
	}
}
