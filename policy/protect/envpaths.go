package protect

import (
	"path/filepath"
	"strings"
)

// envSecretFiles are the variables that move a credential file or
// directory away from the place the list names: the file (or, with a
// suffix, the file below the directory) they name is a secret too.
var envSecretFiles = []struct {
	name   string
	suffix []string // below the directory the variable names; none: the variable names the secret itself
}{
	{"GOOGLE_APPLICATION_CREDENTIALS", nil},
	{"AWS_SHARED_CREDENTIALS_FILE", nil},
	{"KUBECONFIG", nil}, // a list, like PATH
	{"NETRC", nil},
	{"PGPASSFILE", nil},
	{"NPM_CONFIG_USERCONFIG", nil},
	{"npm_config_userconfig", nil},
	{"TF_CLI_CONFIG_FILE", nil},
	{"OCI_CLI_CONFIG_FILE", nil},
	{"REGISTRY_AUTH_FILE", nil},
	{"HF_TOKEN_PATH", nil},
	{"VAULT_TOKEN_FILE", nil},
	{"GNUPGHOME", nil},
	{"PASSWORD_STORE_DIR", nil},
	{"GCM_PLAINTEXT_STORE_PATH", nil}, // Git Credential Manager's plaintext store
	{"CLOUDSDK_CONFIG", nil},
	{"AZURE_CONFIG_DIR", nil},
	{"DOCKER_CONFIG", []string{"config.json"}},
	{"GH_CONFIG_DIR", []string{"hosts.yml"}},
	{"CODEX_HOME", []string{"auth.json"}},
	{"CLAUDE_CONFIG_DIR", []string{".credentials.json"}},
	{"GEMINI_CLI_HOME", []string{".gemini/oauth_creds.json"}},
	{"CARGO_HOME", []string{"credentials", "credentials.toml"}},
	{"HF_HOME", []string{"token"}},
	{"KAGGLE_CONFIG_DIR", []string{"kaggle.json"}},
}

// envSecretDirs are the XDG variables whose directory holds secrets the
// list names below "~/.config/", "~/.local/share/" and "~/.cache/".
var envSecretDirs = []struct{ env, under string }{
	{"XDG_CONFIG_HOME", "~/.config/"}, {"XDG_DATA_HOME", "~/.local/share/"}, {"XDG_CACHE_HOME", "~/.cache/"},
}

// EnvMovesSecrets reports whether a variable that EnvSecretPaths reads is
// set: when none is, there is nothing to look for (and no list to build).
func EnvMovesSecrets(getenv func(string) string) bool {
	for _, v := range envSecretFiles {
		if getenv(v.name) != "" {
			return true
		}
	}
	for _, x := range envSecretDirs {
		if getenv(x.env) != "" {
			return true
		}
	}
	return false
}

// EnvSecretPaths returns the secrets that the environment moves away from
// the places the list's "~/" entries name: the files credential variables
// name (EnvNamedSecrets), and the list's "~/.config/", "~/.local/share/"
// and "~/.cache/" secrets without wildcards below XDG_CONFIG_HOME,
// XDG_DATA_HOME and XDG_CACHE_HOME (EnvSecretMoves), as paths: for a
// sandbox that hides each. Only absolute values count; the paths are not
// checked for existence.
func (l *List) EnvSecretPaths(getenv func(string) string) []string {
	out := EnvNamedSecrets(getenv)
	for _, m := range EnvSecretMoves(getenv) {
		for _, e := range l.Entries {
			if rest, ok := strings.CutPrefix(e.Pattern, m.From); ok && e.Kind == Secret && !strings.ContainsAny(rest, `*?[\`) {
				out = append(out, filepath.Join(m.To, rest))
			}
		}
	}
	return out
}

// EnvNamedSecrets returns the credential files that variables name
// (GOOGLE_APPLICATION_CREDENTIALS, KUBECONFIG, DOCKER_CONFIG's config.json,
// GNUPGHOME...), absolute values only.
func EnvNamedSecrets(getenv func(string) string) []string {
	var out []string
	add := func(p string) {
		if filepath.IsAbs(p) {
			out = append(out, filepath.Clean(p))
		}
	}
	for _, v := range envSecretFiles {
		val := getenv(v.name)
		if val == "" {
			continue
		}
		if v.name == "KUBECONFIG" {
			for _, p := range filepath.SplitList(val) {
				add(p)
			}
			continue
		}
		if len(v.suffix) == 0 {
			add(val)
		}
		for _, s := range v.suffix {
			add(filepath.Join(val, s))
		}
	}
	return out
}

// SecretEnvFiles returns the absolute paths that the values of secret
// variables (SecretEnvName: ANSIBLE_VAULT_PASSWORD_FILE, SOPS_AGE_KEY_FILE,
// DB_PASSWORD_FILE, JWT_PRIVATE_KEY_PATH...) name, a colon-separated list
// split: the variable says a credential is there, whatever it is called.
// The caller checks what they are.
func (l *List) SecretEnvFiles(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(val, "/") || !l.SecretEnvName(name) {
			continue
		}
		for _, p := range strings.Split(val, ":") {
			if filepath.IsAbs(p) {
				out = append(out, filepath.Clean(p))
			}
		}
	}
	return out
}

// envCodeVars name a file that programs started later with the same
// environment load or run: bash's and sh's start-up file for every
// script, python's interactive start-up, the dynamic loader's preloads,
// node's --require and --import modules, a JVM's agents, ruby's -r
// libraries, the programs git, ssh, sudo and editors run by path, and
// tools' config files that name commands.
var envCodeVars = []struct {
	name string
	how  int // envWhole, envList, envFlags, envCommand
}{
	{"BASH_ENV", envWhole}, {"ENV", envWhole}, {"PYTHONSTARTUP", envWhole},
	{"LD_PRELOAD", envList}, {"LD_AUDIT", envList},
	{"NODE_OPTIONS", envFlags}, {"JAVA_TOOL_OPTIONS", envFlags}, {"_JAVA_OPTIONS", envFlags},
	{"JDK_JAVA_OPTIONS", envFlags}, {"MAVEN_OPTS", envFlags}, {"GRADLE_OPTS", envFlags}, {"RUBYOPT", envFlags},
	{"GIT_SSH", envWhole}, {"GIT_SSH_COMMAND", envCommand}, {"GIT_ASKPASS", envCommand}, {"SSH_ASKPASS", envCommand},
	{"SUDO_ASKPASS", envCommand}, {"GIT_EDITOR", envCommand}, {"GIT_PAGER", envCommand}, {"GIT_EXTERNAL_DIFF", envCommand},
	{"EDITOR", envCommand}, {"VISUAL", envCommand}, {"PAGER", envCommand}, {"BROWSER", envCommand},
	// Tools' config files that name commands, and programs by path, that a
	// variable points at (fifteenth red team): ripgrep's flags file (its
	// --pre program runs for every file searched, by the agent's own grep
	// tool too), AWS's config (credential_process), pylint's (init-hook),
	// irb's, R's and bundler's Ruby or R code, starship's prompt commands;
	// cargo's compiler and wrapper, the C compilers, less's input filter,
	// more pagers and editors, npm's script shell.
	{"RIPGREP_CONFIG_PATH", envWhole}, {"AWS_CONFIG_FILE", envWhole}, {"PYLINTRC", envWhole}, {"IRBRC", envWhole},
	{"R_PROFILE_USER", envWhole}, {"BUNDLE_GEMFILE", envWhole}, {"STARSHIP_CONFIG", envWhole},
	{"RUSTC_WRAPPER", envCommand}, {"CARGO_BUILD_RUSTC_WRAPPER", envCommand}, {"RUSTC", envCommand},
	{"CC", envCommand}, {"CXX", envCommand}, {"LESSOPEN", envCommand}, {"LESSCLOSE", envCommand},
	{"MANPAGER", envCommand}, {"SYSTEMD_PAGER", envCommand}, {"SYSTEMD_EDITOR", envCommand},
	{"SUDO_EDITOR", envCommand}, {"FCEDIT", envCommand}, {"GIT_SEQUENCE_EDITOR", envCommand},
	{"npm_config_script_shell", envWhole}, {"NPM_CONFIG_SCRIPT_SHELL", envWhole},
}

const (
	envWhole   = iota // the value is the file
	envList           // files separated by colons or spaces
	envFlags          // options: --require F, -r F, --import=F, -javaagent:F=opts, -agentpath:F, -rF
	envCommand        // a command line: its words that are paths
)

// EnvCodeFiles returns the absolute paths of the files that the
// environment tells programs started later to load or run (envCodeVars):
// BASH_ENV=/p/ci/env.sh is sourced by every bash script the agent runs
// afterwards, outside the sandbox. The caller keeps those that lie in a
// root and exist.
func EnvCodeFiles(getenv func(string) string) []string {
	var out []string
	add := func(p string) {
		if filepath.IsAbs(p) {
			out = append(out, filepath.Clean(p))
		}
	}
	for _, v := range envCodeVars {
		val := getenv(v.name)
		if val == "" {
			continue
		}
		switch v.how {
		case envWhole:
			add(val)
		case envList:
			for _, p := range strings.FieldsFunc(val, func(r rune) bool { return r == ':' || r == ' ' }) {
				add(p)
			}
		case envCommand:
			// LESSOPEN's filter is "|/path %s" (or "||" and "-").
			for _, p := range commandFiles(strings.TrimLeft(val, "|-")) {
				add(p)
			}
		case envFlags:
			words := strings.Fields(val)
			for i, w := range words {
				w = strings.Trim(w, `"'`)
				switch {
				case (w == "--require" || w == "-r" || w == "--import" || w == "--loader" || w == "--experimental-loader") && i+1 < len(words):
					add(strings.Trim(words[i+1], `"'`))
				case strings.HasPrefix(w, "--require="), strings.HasPrefix(w, "--import="), strings.HasPrefix(w, "--loader="),
					strings.HasPrefix(w, "--experimental-loader="):
					add(w[strings.IndexByte(w, '=')+1:])
				case strings.HasPrefix(w, "-javaagent:"), strings.HasPrefix(w, "-agentpath:"):
					p, _, _ := strings.Cut(w[strings.IndexByte(w, ':')+1:], "=")
					add(p)
				case strings.HasPrefix(w, "-r/"):
					add(w[2:])
				}
			}
		}
	}
	return out
}
