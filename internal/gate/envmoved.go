package gate

import (
	"path/filepath"
	"strings"

	"guard/policy/protect"
)

// envMovers are the variables that move protected files of the default
// list's "~/" entries elsewhere: an agent's own configuration (where its
// hooks, guard's among them, and its permission mode are), a shell's
// start-up files, git's global configuration, and the XDG directories. Each
// maps the entries under from ("~/.codex/", or a whole entry "~/.claude") to
// the same names under the directory the variable names, joined with to.
var envMovers = []struct {
	env  string
	from []string // entry prefixes ending in "/" (the rest is kept), or whole entries
	to   string   // joined onto the variable's value, before the rest
	file bool     // the variable names the file itself (from is one whole entry)
	// whole: the directory the variable names is protected as the entry
	// from[0] (a name protected wherever it is) says.
	whole bool
}{
	// Claude Code keeps settings.json, its hooks, agents, skills and
	// .claude.json (MCP servers) in CLAUDE_CONFIG_DIR.
	{env: "CLAUDE_CONFIG_DIR", from: []string{"~/.claude/", "~/.claude"}},
	{env: "CLAUDE_CONFIG_DIR", from: []string{"~/.claude.json"}, to: ".claude.json"},
	// Codex: config.toml (trust of hooks, approval policy), hooks.json,
	// rules/ (which guard applies too); all of it, as any .codex is.
	{env: "CODEX_HOME", from: []string{".codex"}, whole: true},
	// Gemini CLI: GEMINI_CLI_HOME stands for the home; settings in .gemini.
	{env: "GEMINI_CLI_HOME", from: []string{"~/.gemini/"}, to: ".gemini"},
	{env: "XDG_CONFIG_HOME", from: []string{"~/.config/"}},
	{env: "XDG_DATA_HOME", from: []string{"~/.local/share/"}},
	{env: "ZDOTDIR", from: []string{"~/.zshrc", "~/.zshenv", "~/.zprofile", "~/.zlogin", "~/.zlogout", "~/.zshrc.zwc",
		"~/.zshenv.zwc", "~/.zprofile.zwc", "~/.zlogin.zwc", "~/.zlogout.zwc", "~/.zcompdump", "~/.zcompdump.zwc"}},
	{env: "GIT_CONFIG_GLOBAL", from: []string{"~/.gitconfig"}, file: true},
	// The system file git reads before the user's (core.fsmonitor,
	// core.pager, aliases run as surely from it), moved by its variable.
	{env: "GIT_CONFIG_SYSTEM", from: []string{"~/.gitconfig"}, file: true},
	// go's env file (GOFLAGS=-toolexec), rustup's toolchains, cargo's config
	// and installed programs, docker's CLI plugins, where their variables
	// put them (the rust images set CARGO_HOME and RUSTUP_HOME).
	{env: "GOENV", from: []string{"~/.config/go/env"}, file: true},
	{env: "RUSTUP_HOME", from: []string{"~/.rustup"}, whole: true},
	{env: "CARGO_HOME", from: []string{"~/.cargo/"}},
	{env: "DOCKER_CONFIG", from: []string{"~/.docker/"}},
	// Credential files that name a program to run (gpg-agent.conf's
	// pinentry-program, terraform's dev_overrides, Gradle's jvmargs).
	{env: "GNUPGHOME", from: []string{"~/.gnupg"}, whole: true},
	{env: "TF_CLI_CONFIG_FILE", from: []string{"~/.terraformrc"}, file: true},
	{env: "GRADLE_USER_HOME", from: []string{"~/.gradle/"}},
	// The caches tools run code from (corepack's, pre-commit's).
	{env: "XDG_CACHE_HOME", from: []string{"~/.cache/"}},
	{env: "COREPACK_HOME", from: []string{"~/.cache/node/corepack"}, whole: true},
	{env: "PRE_COMMIT_HOME", from: []string{"~/.cache/pre-commit"}, whole: true},
	// The browsers and drivers test tools start at every run.
	{env: "PLAYWRIGHT_BROWSERS_PATH", from: []string{"~/.cache/ms-playwright"}, whole: true},
	{env: "PUPPETEER_CACHE_DIR", from: []string{"~/.cache/puppeteer"}, whole: true},
	{env: "CYPRESS_CACHE_FOLDER", from: []string{"~/.cache/Cypress"}, whole: true},
	{env: "SE_CACHE_PATH", from: []string{"~/.cache/selenium"}, whole: true},
	// ccache's config, where its variables put it.
	{env: "CCACHE_CONFIGPATH", from: []string{"~/.config/ccache"}, file: true},
	{env: "CCACHE_DIR", from: []string{"~/.ccache/ccache.conf"}, to: "ccache.conf"},
}

// envMovedProtected adds to l, as protected, the places the environment
// moves the list's protected "~/" entries to (CLAUDE_CONFIG_DIR,
// CODEX_HOME, GEMINI_CLI_HOME, XDG_CONFIG_HOME, XDG_DATA_HOME, ZDOTDIR,
// GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GOENV, RUSTUP_HOME, CARGO_HOME,
// DOCKER_CONFIG, GNUPGHOME, TF_CLI_CONFIG_FILE, GRADLE_USER_HOME, XDG_CACHE_HOME, COREPACK_HOME, PRE_COMMIT_HOME,
// PLAYWRIGHT_BROWSERS_PATH, PUPPETEER_CACHE_DIR, CYPRESS_CACHE_FOLDER,
// SE_CACHE_PATH, CCACHE_CONFIGPATH, CCACHE_DIR): the agent reads its
// configuration, and the shell its start-up files, from there, so writing
// them there loosens the agent or runs code later as surely as writing them
// in the home. Only absolute values count.
func envMovedProtected(l *protect.List, getenv func(string) string) {
	type add struct{ reason, path string }
	var adds []add
	for _, m := range envMovers {
		val := getenv(m.env)
		if !filepath.IsAbs(val) {
			continue
		}
		base := filepath.Join(val, m.to)
		for _, e := range l.Entries {
			if e.Kind != protect.Protected || !movedBy(e.Pattern, m.from) || strings.ContainsAny(e.Pattern, `*?[\`) {
				continue
			}
			for _, from := range m.from {
				switch {
				case m.whole && e.Pattern == from:
					adds = append(adds, add{e.Reason, filepath.Clean(val)})
				case m.whole:
				case m.file && e.Pattern == from:
					adds = append(adds, add{e.Reason, filepath.Clean(val)})
				case m.file:
				case strings.HasSuffix(from, "/") && strings.HasPrefix(e.Pattern, from):
					adds = append(adds, add{e.Reason, filepath.Join(base, strings.TrimPrefix(e.Pattern, from))})
				case e.Pattern == from:
					p := base
					if strings.HasPrefix(from, "~/.z") {
						p = filepath.Join(base, strings.TrimPrefix(from, "~/"))
					}
					adds = append(adds, add{e.Reason, p})
				}
			}
		}
	}
	// Files a shell runs at every start that only a variable names.
	for _, name := range []string{"BASH_ENV", "ENV"} {
		if p := getenv(name); filepath.IsAbs(p) {
			adds = append(adds, add{"a shell runs it at start-up (" + name + ")", filepath.Clean(p)})
		}
	}
	for _, a := range adds {
		l.Add(protect.Protected, a.reason+" (moved there by the environment)", a.path)
	}
}

// movedBy reports whether pattern is one of from or begins with one that
// ends in "/": the only patterns envMovedProtected's cases can move (a
// quick test before the others, over every entry of the list).
func movedBy(pattern string, from []string) bool {
	for _, f := range from {
		if pattern == f || strings.HasSuffix(f, "/") && strings.HasPrefix(pattern, f) {
			return true
		}
	}
	return false
}

// whyEnvSecret is the reason for a secret its environment variable names.
const whyEnvSecret = "a credential file its environment variable names (GOOGLE_APPLICATION_CREDENTIALS, KUBECONFIG, DOCKER_CONFIG, XDG_CONFIG_HOME...)"

// envMovedSecrets returns the secrets the environment moves away from the
// places the list names (protect.List.EnvSecretPaths), leaving out those the
// list already names where they are (XDG_CONFIG_HOME set to ~/.config), as
// paths: the protected list's (the hook's file tools, the sandbox) know
// `$XDG_CONFIG_HOME/gh/hosts.yml` for a secret by them.
func envMovedSecrets(l *protect.List, getenv func(string) string) []string {
	return notListed(l, l.EnvSecretPaths(getenv), getenv("HOME"))
}

// envNamedSecrets is envMovedSecrets for the files credential variables
// name only (protect.EnvNamedSecrets): the judge matches the XDG
// directories' secrets through moves (protect.List.Moved).
func envNamedSecrets(l *protect.List, getenv func(string) string) []string {
	return notListed(l, protect.EnvNamedSecrets(getenv), getenv("HOME"))
}

// notListed returns the paths of ps that are no secret by l already.
func notListed(l *protect.List, ps []string, home string) []string {
	var out []string
	for _, p := range ps {
		if l.Secret(p, home) == nil {
			out = append(out, p)
		}
	}
	return out
}
