package policy

import (
	"errors"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
)

// The configuration files of build, packaging and service tools that set
// a credential literally, by content (the sixteenth held-out batch printed
// each with `cat` or `grep` unasked): Bun's bunfig.toml (a registry
// scope's password or token), a Bazel rc file (a remote cache's or build
// event service's API key passed as a header: --remote_header=
// x-buildbuddy-api-key=...), a systemd unit or drop-in (Environment=
// API_TOKEN=..., SetCredential=), a Godot project's export_presets.cfg
// (the Android keystore's password, the script encryption key), BitBake's
// metadata (a layer's or build's conf/*.conf, a recipe: a fetcher URL's
// password, `;user=ci;pswd=...` in a PREMIRRORS or SRC_URI, which a
// recursive grep of the project printed). As
// springSecret: a key that names a secret (scriptSecretName) set to a
// literal of its own (literalSecretValue); a value read from the
// environment ($npm_token, %d/creds, ${VAR}) is none.

// bunfigName reports whether name is Bun's configuration (the project's
// bunfig.toml, the user's ~/.bunfig.toml).
func bunfigName(name string) bool { return name == "bunfig.toml" || name == ".bunfig.toml" }

// bazelrcName reports whether name is a Bazel rc file: .bazelrc,
// user.bazelrc, ci.bazelrc (any *.bazelrc, which try-import reads), the
// system's bazel.bazelrc.
func bazelrcName(name string) bool { return strings.HasSuffix(name, ".bazelrc") || name == "bazelrc" }

// unitName reports whether name is a systemd unit or a drop-in's file
// (override.conf in a NAME.service.d directory is judged by unitDropIn).
func unitName(name string) bool {
	switch filepath.Ext(name) {
	case ".service", ".socket", ".mount", ".swap", ".path", ".timer", ".scope", ".slice", ".target":
		return true
	}
	return false
}

// unitDropIn reports whether abs is a systemd drop-in: a .conf file in a
// directory named for a unit with .d (worker.service.d/override.conf).
func unitDropIn(abs string) bool {
	dir := filepath.Base(filepath.Dir(abs))
	return strings.HasSuffix(abs, ".conf") && strings.HasSuffix(dir, ".d") && unitName(strings.TrimSuffix(dir, ".d"))
}

// toolConfigName: the names toolConfigSecret looks into (walks look by
// name; a drop-in's .conf is one by its directory).
func toolConfigName(name string) bool {
	return bunfigName(name) || bazelrcName(name) || unitName(name) || name == "export_presets.cfg" || bitbakeName(name) ||
		strings.HasSuffix(name, ".conf")
}

// bitbakeName reports whether name is a BitBake recipe or append file.
func bitbakeName(name string) bool {
	return strings.HasSuffix(name, ".bb") || strings.HasSuffix(name, ".bbappend") || strings.HasSuffix(name, ".bbclass")
}

// bitbakeConf reports whether abs is a BitBake configuration file: a .conf
// in a conf directory (build/conf/site.conf, local.conf, a layer's
// conf/layer.conf, conf/machine/*.conf, conf/distro/*.conf).
func bitbakeConf(abs string) bool {
	return strings.HasSuffix(abs, ".conf") && strings.Contains(filepath.ToSlash(filepath.Dir(abs))+"/", "/conf/")
}

// toolConfigSecret says why abs, one of toolConfigName's files or a
// drop-in, sets a credential, or "".
func toolConfigSecret(abs string) string {
	base := filepath.Base(abs)
	var scan func(string) string
	switch {
	case base == "export_presets.cfg":
		return springSecret(abs) // key=value lines: keystore/release_password="..."
	case bunfigName(base):
		scan = tomlSecret
	case bazelrcName(base):
		scan = bazelrcSecret
	case unitName(base) || unitDropIn(abs):
		scan = unitSecret
	case bitbakeName(base) || bitbakeConf(abs):
		scan = func(text string) string { return formKind([]byte(text)) }
	default:
		return ""
	}
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return base + " is too large to check for credentials (over 1 MiB)"
	}
	switch key := scan(string(b)); {
	case key == "":
	case bitbakeName(base) || bitbakeConf(abs):
		return base + " holds " + key + " (a fetcher's login)"
	default:
		return base + " sets " + key + " to a value of its own"
	}
	return ""
}

// tomlSecret returns the first key of TOML text that names a secret and
// is set to a literal string of its own, on a line of its own or in an
// inline table (`"@acme" = { username = "ci", password = "..." }`), or "".
func tomlSecret(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		if i := strings.IndexByte(line, '{'); i >= 0 {
			line = line[i+1:] // the inline table's pairs
		}
		for _, pair := range strings.Split(strings.TrimSuffix(strings.TrimSpace(line), "}"), ",") {
			key, value, ok := strings.Cut(pair, "=")
			if !ok {
				continue
			}
			key = strings.Trim(strings.TrimSpace(key), `"'`)
			if i := strings.LastIndexByte(key, '.'); i >= 0 {
				key = key[i+1:]
			}
			if scriptSecretName(key) && literalSecretValue(strings.Trim(strings.TrimSpace(value), `"'`)) {
				return key
			}
		}
	}
	return ""
}

// bazelrcSecret returns the header a Bazel rc file passes with a literal
// credential (--remote_header, --bes_header, --remote_cache_header,
// --remote_exec_header, --remote_downloader_header: NAME=VALUE, NAME an
// API key's, a token's or Authorization), or "".
func bazelrcSecret(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			opt, header, ok := strings.Cut(strings.Trim(w, `"'`), "=")
			if !ok || !strings.HasPrefix(opt, "--") || !strings.HasSuffix(opt, "_header") {
				continue
			}
			name, value, ok := strings.Cut(header, "=")
			if !ok {
				continue
			}
			if strings.EqualFold(name, "authorization") {
				_, value, _ = strings.Cut(value, " ") // Bearer TOKEN, Basic ...
			} else if !scriptSecretName(strings.ReplaceAll(name, "-", "_")) {
				continue
			}
			if literalSecretValue(value) {
				return opt + " " + name
			}
		}
	}
	return ""
}

// unitSecret returns the variable a systemd unit's Environment= line sets
// to a literal secret (one line may set several, quoted or not), or the
// credential a SetCredential= line embeds, or "".
func unitSecret(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "SetCredential", "SetCredentialEncrypted":
			if _, v, ok := strings.Cut(value, ":"); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(key)
			}
		case "Environment":
			for _, a := range unitWords(value) {
				name, v, ok := strings.Cut(a, "=")
				if ok && scriptSecretName(name) && literalSecretValue(v) && !strings.Contains(v, "%") {
					return name
				}
			}
		}
	}
	return ""
}

// unitWords splits an Environment= value as systemd does: blanks separate
// assignments, double or single quotes keep one whole.
func unitWords(s string) []string {
	var words []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && (c == ' ' || c == '\t'):
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}
