// Package protect is guard's one list of protected paths and secrets, used
// by the decision (a write to a protected path counts as outside the
// writable roots), by the judgement of edits, and by the sandbox (protected
// paths read-only, secrets unreadable, secret-looking environment variables
// removed).
//
// Patterns are slash-separated globs, one path.Match pattern a component,
// with "**" for any number of components:
//   - "~/..." is under the user's home directory;
//   - "/..." is absolute;
//   - anything else matches at any depth (".git/hooks" matches
//     /p/.git/hooks and /p/sub/.git/hooks).
//
// A pattern covers the path it names and everything below it.
//
// Limits: matching is by name, on paths already resolved through symlinks
// (the caller resolves). What a list cannot name it cannot protect: a file
// that will become dangerous only by its content (a new bare repository
// created inside a root, a script a user later runs by hand) is not on it;
// the dynamic entries (a repository's core.hooksPath, guard's own state)
// are added by the caller with Add.
package protect

import (
	"path"
	"strings"
)

// Kind says what an entry guards against.
type Kind string

const (
	// Protected paths run code later, outside the sandbox: they stay
	// read-only inside the writable roots.
	Protected Kind = "protected"
	// Secret paths hold credentials: unreadable in full-auto, never safe
	// to print.
	Secret Kind = "secret"
)

// Entry is one pattern of the list and why it is there.
type Entry struct {
	Pattern string `json:"pattern"`
	Kind    Kind   `json:"kind"`
	Reason  string `json:"reason"`
	// Except are patterns that the entry does not cover (".env.example"
	// is not a secret).
	Except []string `json:"except,omitempty"`
}

// List is the protected paths, the secrets and the secret environment
// variable names.
type List struct {
	Entries []Entry
	// SecretEnv are glob patterns on environment variable names, matched
	// case-insensitively; SecretEnvAllow are names kept all the same.
	SecretEnv      []string
	SecretEnvAllow []string
}

const (
	whyGit      = "git runs its config and hooks later, outside the sandbox"
	whyEditor   = "an editor or agent runs what this file says when the project is opened"
	whyShell    = "a shell runs it at start-up"
	whyGuard    = "guard's own state: a command guard runs may not loosen guard"
	whySSHKey   = "an SSH private key"
	whyCloud    = "cloud or registry credentials"
	whyAgent    = "an agent's credentials"
	whyEnvFile  = "environment files hold API keys and passwords"
	whyKeyFile  = "a private key or certificate bundle"
	whyBrowser  = "browser profiles hold session cookies"
	whyToken    = "a token or password file"
	whyProcEnv  = "another process's environment holds its secrets"
	whyPassword = "the system's password hashes or host keys"
)

// Default returns guard's built-in list. Each call returns a new List the
// caller may change.
func Default() *List {
	l := &List{}
	prot := func(why string, patterns ...string) {
		for _, p := range patterns {
			l.Entries = append(l.Entries, Entry{Pattern: p, Kind: Protected, Reason: why})
		}
	}
	secret := func(why string, patterns ...string) {
		for _, p := range patterns {
			l.Entries = append(l.Entries, Entry{Pattern: p, Kind: Secret, Reason: why})
		}
	}
	prot(whyGit, ".git/hooks", ".git/config", ".git/config.worktree", ".git/modules/*/hooks",
		".git/modules/*/config", ".git/worktrees/*/config.worktree", ".gitmodules")
	prot("direnv runs it when a shell enters the directory", ".envrc")
	prot(whyEditor, ".vscode", ".idea", ".devcontainer", ".claude", ".codex", ".gemini", ".cursor", ".mcp.json", ".guard")
	prot(whyShell, "~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.bash_logout", "~/.profile",
		"~/.zshrc", "~/.zshenv", "~/.zprofile", "~/.zlogin", "~/.config/fish", "~/.inputrc")
	prot("ssh and git run what these files name", "~/.ssh/config", "~/.ssh/authorized_keys", "~/.gitconfig", "~/.config/git")
	prot("the session starts what these name", "~/.config/autostart", "~/.config/systemd")

	secret(whySSHKey, "~/.ssh/id_*", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_rsa.*", "id_dsa.*", "id_ecdsa.*", "id_ed25519.*")
	secret(whyCloud, "~/.aws/credentials", "~/.aws/sso/cache", "~/.aws/cli/cache", "~/.config/gcloud", "~/.azure",
		"~/.kube", "~/.docker/config.json", "~/.config/gh/hosts.yml", "~/.config/hub", "~/.netrc", "~/.git-credentials",
		"~/.pypirc", "~/.npmrc", "~/.cargo/credentials", "~/.cargo/credentials.toml", "~/.gem/credentials",
		"~/.terraform.d/credentials.tfrc.json", "~/.config/doctl", "~/.vault-token", "~/.pgpass", "~/.my.cnf",
		".netrc", ".git-credentials", ".pypirc")
	secret(whyAgent, "~/.codex/auth.json", "~/.claude/.credentials.json", "~/.gemini/oauth_creds.json",
		"~/.config/github-copilot", "auth.json", "credentials.json", ".credentials.json")
	secret("a keyring or password store", "~/.gnupg", "~/.password-store", "~/.local/share/keyrings", "~/.config/op")
	secret(whyBrowser, "~/.mozilla", "~/.config/google-chrome", "~/.config/chromium", "~/.config/BraveSoftware")
	l.Entries = append(l.Entries, Entry{Pattern: ".env", Kind: Secret, Reason: whyEnvFile},
		Entry{Pattern: ".env.*", Kind: Secret, Reason: whyEnvFile,
			Except: []string{".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults"}})
	secret(whyKeyFile, "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore")
	secret(whyToken, ".vault-token", "*.token", "token.json", "secrets.yml", "secrets.yaml", "secrets.json")
	secret(whyProcEnv, "/proc/*/environ", "/proc/*/task/*/environ")
	secret(whyPassword, "/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/ssh/ssh_host_*_key", "/etc/sudoers")

	l.SecretEnv = []string{"*KEY*", "*SECRET*", "*TOKEN*", "*PASSWORD*", "*PASSWD*", "*CREDENTIAL*", "*_PAT", "*COOKIE*"}
	l.SecretEnvAllow = []string{"*KEYBOARD*", "*KEYMAP*", "KEYTIMEOUT", "GPG_TTY"}
	return l
}

// Add appends entries of one kind, for config additions and the dynamic
// entries (guard's state, a repository's hooks path).
func (l *List) Add(kind Kind, reason string, patterns ...string) {
	for _, p := range patterns {
		l.Entries = append(l.Entries, Entry{Pattern: p, Kind: kind, Reason: reason})
	}
}

// Remove drops the entries whose pattern is one of patterns, for config
// removals (a user who wants .git/hooks writable). It reports the patterns
// that named no entry, so that a typo is an error, not a silent no-op.
func (l *List) Remove(patterns ...string) (unknown []string) {
	for _, p := range patterns {
		found := false
		kept := l.Entries[:0]
		for _, e := range l.Entries {
			if e.Pattern == p {
				found = true
				continue
			}
			kept = append(kept, e)
		}
		l.Entries = kept
		if !found {
			unknown = append(unknown, p)
		}
	}
	return unknown
}

// Match returns the first entry of kind that covers p (absolute, clean,
// resolved through symlinks), or nil. home is the user's home directory
// ("" when unknown: "~/" entries then match nothing).
func (l *List) Match(kind Kind, p, home string) *Entry {
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	comps := split(p)
	for i := range l.Entries {
		e := &l.Entries[i]
		if e.Kind != kind {
			continue
		}
		if covers(e.Pattern, comps, home) && !excepted(e, comps, home) {
			return e
		}
	}
	return nil
}

// Protected is Match(Protected, ...).
func (l *List) Protected(p, home string) *Entry { return l.Match(Protected, p, home) }

// Secret is Match(Secret, ...).
func (l *List) Secret(p, home string) *Entry { return l.Match(Secret, p, home) }

// SecretEnv reports whether an environment variable of this name is
// removed in full-auto.
func (l *List) SecretEnvName(name string) bool {
	up := strings.ToUpper(name)
	for _, a := range l.SecretEnvAllow {
		if ok, _ := path.Match(strings.ToUpper(a), up); ok {
			return false
		}
	}
	for _, s := range l.SecretEnv {
		if ok, _ := path.Match(strings.ToUpper(s), up); ok {
			return true
		}
	}
	return false
}

// Anchored reports whether a pattern names absolute paths (after ~
// expansion) rather than a name at any depth, and returns that path's
// pattern. The sandbox uses it to find what to deny before the command
// runs.
func Anchored(pattern, home string) (string, bool) {
	switch {
	case strings.HasPrefix(pattern, "~/"):
		if home == "" {
			return "", false
		}
		return path.Join(home, pattern[2:]), true
	case strings.HasPrefix(pattern, "/"):
		return path.Clean(pattern), true
	}
	return "", false
}

func excepted(e *Entry, comps []string, home string) bool {
	for _, x := range e.Except {
		if covers(x, comps, home) {
			return true
		}
	}
	return false
}

// covers reports whether pattern names comps or one of its ancestors.
func covers(pattern string, comps []string, home string) bool {
	if abs, ok := Anchored(pattern, home); ok {
		return prefixMatch(split(abs), comps)
	}
	if strings.HasPrefix(pattern, "~/") {
		return false
	}
	pat := split(pattern)
	for i := range comps {
		if prefixMatch(pat, comps[i:]) {
			return true
		}
	}
	return false
}

// prefixMatch reports whether the pattern components match a leading run
// of comps ("**" matches any number of components).
func prefixMatch(pat, comps []string) bool {
	if len(pat) == 0 {
		return true
	}
	if pat[0] == "**" {
		for i := 0; i <= len(comps); i++ {
			if prefixMatch(pat[1:], comps[i:]) {
				return true
			}
		}
		return false
	}
	if len(comps) == 0 {
		return false
	}
	if ok, _ := path.Match(pat[0], comps[0]); !ok {
		return false
	}
	return prefixMatch(pat[1:], comps[1:])
}

func split(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}
