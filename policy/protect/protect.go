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
// Resolve applies the list to writable roots as they are at start, for the
// sandbox: the protected paths that exist inside the roots (with a
// repository's resolved git directory and commondir, core.hooksPath, and
// embedded bare repositories found by the scan), the secrets that exist
// anywhere. Apply changes the list as the configuration's [protect] table
// says; ScrubEnv removes the secret variables from an environment.
//
// Limits: matching is by name, on paths already resolved through symlinks
// (the caller resolves). What a list cannot name it cannot protect: a file
// that will become dangerous only by its content (a new bare repository
// created inside a root, a script a user later runs by hand) is not on it.
// Resolve sees what exists when it runs, looks for names at any depth only
// within ScanDepth levels of the roots it is asked to scan and ScanDirs
// directories in all (skipping node_modules, vendor and the like), reads
// git config files without following includes, and skips /proc patterns
// (the sandbox's ptrace rules cover other processes' environ). Guard's own
// state is added by the caller (the gate's ProtectList).
package protect

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
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

	// The compiled patterns, for one home (see compile).
	mu        sync.Mutex
	cache     *compiledList
	cacheHome string
	cacheLen  int
	// SecretEnv and SecretEnvAllow compiled, and their lengths then.
	env     *envMatcher
	envLens [2]int
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
	prot("direnv or mise runs it when a shell enters the directory", ".envrc", "mise.toml", ".mise.toml",
		"mise.local.toml", ".mise.local.toml", ".config/mise")
	prot("a git hook manager runs what these name at the next commit", ".husky", ".pre-commit-config.yaml",
		"lefthook.yml", ".lefthook.yml", "lefthook-local.yml", ".overcommit.yml")
	prot("an editor runs it when it opens the directory", ".exrc", ".nvimrc", ".nvim.lua", ".zed")
	prot(whyEditor, ".vscode", ".idea", ".devcontainer", ".claude", ".codex", ".gemini", ".cursor", ".windsurf",
		".continue", ".mcp.json", ".guard")
	prot(whyShell, "~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.bash_logout", "~/.profile",
		"~/.zshrc", "~/.zshenv", "~/.zprofile", "~/.zlogin", "~/.config/fish", "~/.inputrc")
	prot("ssh and git run what these files name", "~/.ssh/config", "~/.ssh/authorized_keys", "~/.gitconfig", "~/.config/git")
	prot("the session starts what these name", "~/.config/autostart", "~/.config/systemd", "~/.config/environment.d",
		"~/.pam_environment", "~/.xprofile", "~/.xsession", "~/.xsessionrc", "~/.xinitrc")
	prot("an editor or terminal multiplexer runs what it says at start-up", "~/.vimrc", "~/.config/nvim", "~/.tmux.conf",
		"~/.config/tmux", "~/.emacs", "~/.emacs.d")
	prot("an agent starts the MCP servers and hooks it lists", "~/.claude.json", "~/.claude", "~/.codex/config.toml",
		"~/.codex/hooks.json", "~/.gemini/settings.json")
	prot("npm runs the script-shell and node-options it names", ".npmrc")
	prot("programs there come first on PATH", "~/.local/bin", "~/bin")

	secret(whySSHKey, "~/.ssh/id_*", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_rsa.*", "id_dsa.*", "id_ecdsa.*", "id_ed25519.*")
	for i := range l.Entries {
		if l.Entries[i].Reason == whySSHKey {
			l.Entries[i].Except = []string{"*.pub"} // public keys are not secret
		}
	}
	secret(whyCloud, "~/.aws/credentials", "~/.aws/sso/cache", "~/.aws/cli/cache", "~/.config/gcloud", "~/.azure",
		"~/.kube", "~/.docker/config.json", "~/.config/gh/hosts.yml", "~/.config/hub", "~/.netrc", "~/.git-credentials",
		"~/.pypirc", "~/.npmrc", "~/.cargo/credentials", "~/.cargo/credentials.toml", "~/.gem/credentials",
		"~/.terraform.d/credentials.tfrc.json", "~/.terraformrc", "~/.config/doctl", "~/.vault-token", "~/.pgpass", "~/.my.cnf",
		"~/.oci", "~/.s3cfg", "~/.boto", "~/.config/rclone/rclone.conf", "~/.config/hcloud", "~/.yarnrc.yml",
		"~/.m2/settings.xml", "~/.gradle/gradle.properties",
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
	secret("shell and REPL histories hold the commands typed, tokens and passwords in them included",
		".bash_history", ".zsh_history", ".sh_history", ".ash_history", ".histfile", ".python_history",
		".node_repl_history", ".psql_history", ".mysql_history", ".sqlite_history", ".rediscli_history",
		".irb_history", "~/.local/share/fish/fish_history")

	l.SecretEnv = []string{"*KEY*", "*SECRET*", "*TOKEN*", "*PASSWORD*", "*PASSWD*", "*_PWD", "*CREDENTIAL*", "*_PAT",
		"*COOKIE*", "*OAUTH*", "*_AUTH", "*AUTHORIZATION*", "*JWT*", "*DSN*", "DATABASE_URL", "*_DATABASE_URL", "SSH_AUTH_SOCK"}
	// GIT_CONFIG_KEY_n holds config names (guard's own git pins among
	// them), never secrets; the values are GIT_CONFIG_VALUE_n.
	l.SecretEnvAllow = []string{"*KEYBOARD*", "*KEYMAP*", "KEYTIMEOUT", "GPG_TTY", "GIT_CONFIG_KEY_*", "XAUTHORITY"}
	return l
}

// Add appends entries of one kind, for config additions and the dynamic
// entries (guard's state, a repository's hooks path).
func (l *List) Add(kind Kind, reason string, patterns ...string) {
	l.forget()
	for _, p := range patterns {
		l.Entries = append(l.Entries, Entry{Pattern: p, Kind: kind, Reason: reason})
	}
}

// Remove drops the entries whose pattern is one of patterns, for config
// removals (a user who wants .git/hooks writable). It reports the patterns
// that named no entry, so that a typo is an error, not a silent no-op.
func (l *List) Remove(patterns ...string) (unknown []string) {
	l.forget()
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
// ("" when unknown: "~/" entries then match nothing). The patterns are
// compiled on first use for that home (see compiled).
func (l *List) Match(kind Kind, p, home string) *Entry {
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	p = path.Clean(p) // no copy when it is clean already
	var buf [32]string
	comps := splitInto(buf[:0], p)
	ix := l.compile(home)
	k := &ix.kinds[0]
	if kind == Secret {
		k = &ix.kinds[1]
	} else if kind != Protected {
		return nil
	}
	// The first entry in list order wins, as a scan of the whole list
	// would find it.
	best := -1
	try := func(c *compiled, at int) {
		if (best < 0 || c.entry < best) && prefixMatch(c.pat, comps[at:]) && !c.excepted(comps) {
			best = c.entry
		}
	}
	// The anchored patterns by their leading literal components, a prefix
	// of the path as given (clean, so "/a/b" is comps[:2]).
	end := 0
	for d := 1; d <= anchorDepth && d <= len(comps); d++ {
		end += 1 + len(comps[d-1])
		if end > len(p) || p[end-len(comps[d-1]):end] != comps[d-1] {
			break // unreachable for a clean path
		}
		for _, i := range k.anchored[p[:end]] {
			if ix.pats[i].key == d {
				try(&ix.pats[i], 0)
			}
		}
	}
	for at, c := range comps {
		for _, i := range k.first[c] {
			try(&ix.pats[i], at)
		}
		if j := strings.LastIndexByte(c, '.'); j >= 0 {
			for _, i := range k.ext[c[j:]] {
				try(&ix.pats[i], at)
			}
		}
	}
	for _, i := range k.other {
		c := &ix.pats[i]
		if (best < 0 || c.entry < best) && c.covers(comps) && !c.excepted(comps) {
			best = c.entry
		}
	}
	if best < 0 {
		return nil
	}
	return &l.Entries[best]
}

// Protected is Match(Protected, ...).
func (l *List) Protected(p, home string) *Entry { return l.Match(Protected, p, home) }

// Secret is Match(Secret, ...).
func (l *List) Secret(p, home string) *Entry { return l.Match(Secret, p, home) }

// SecretEnv reports whether an environment variable of this name is
// removed in full-auto.
func (l *List) SecretEnvName(name string) bool {
	return l.envMatcher().secret(name)
}

// envMatcher returns SecretEnv and SecretEnvAllow compiled, kept until
// either changes length (they are only ever appended to) or forget runs.
func (l *List) envMatcher() *envMatcher {
	l.mu.Lock()
	defer l.mu.Unlock()
	lens := [2]int{len(l.SecretEnv), len(l.SecretEnvAllow)}
	if l.env == nil || l.envLens != lens {
		m := newEnvMatcher(l)
		l.env, l.envLens = &m, lens
	}
	return l.env
}

// envMatcher is SecretEnv and SecretEnvAllow upper-cased and compiled once:
// most patterns are "*WORD*", "*_SUFFIX", "PREFIX_*" or a literal name, which
// need no path.Match (ScrubEnv runs before every sandboxed command, over the
// whole environment).
type envMatcher struct {
	secrets, allow []envPattern
}

type envPattern struct {
	kind partKind // literal, prefix, suffix, glob; contains: anyDepth
	s    string   // the part to compare
	pat  string   // the whole pattern, upper-cased
}

func newEnvMatcher(l *List) envMatcher {
	compile := func(pats []string) []envPattern {
		out := make([]envPattern, 0, len(pats))
		for _, p := range pats {
			p = strings.ToUpper(p)
			const meta = `*?[\`
			e := envPattern{kind: glob, s: p, pat: p}
			switch {
			case !strings.ContainsAny(p, meta):
				e.kind = literal
			case len(p) >= 2 && p[0] == '*' && p[len(p)-1] == '*' && !strings.ContainsAny(p[1:len(p)-1], meta):
				e.kind, e.s = anyDepth, p[1:len(p)-1]
			case p[0] == '*' && !strings.ContainsAny(p[1:], meta):
				e.kind, e.s = suffix, p[1:]
			case p[len(p)-1] == '*' && !strings.ContainsAny(p[:len(p)-1], meta):
				e.kind, e.s = prefix, p[:len(p)-1]
			}
			out = append(out, e)
		}
		return out
	}
	return envMatcher{secrets: compile(l.SecretEnv), allow: compile(l.SecretEnvAllow)}
}

// match is path.Match(e's pattern, up), up upper-cased.
func (e envPattern) match(up string) bool {
	if e.kind != literal && strings.IndexByte(up, '/') >= 0 {
		e.kind = glob // path.Match's * stops at a slash
	}
	switch e.kind {
	case literal:
		return up == e.s
	case prefix:
		return strings.HasPrefix(up, e.s)
	case suffix:
		return strings.HasSuffix(up, e.s)
	case anyDepth:
		return strings.Contains(up, e.s)
	}
	ok, _ := path.Match(e.pat, up)
	return ok
}

func matchAny(ps []envPattern, up string) bool {
	for _, p := range ps {
		if p.match(up) {
			return true
		}
	}
	return false
}

// secret is SecretEnvName.
func (m envMatcher) secret(name string) bool {
	up := strings.ToUpper(name)
	return !matchAny(m.allow, up) && matchAny(m.secrets, up)
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

// compiled is one entry's pattern, split and with each component's kind
// decided once: most are literals, "*.ext" suffixes or "name*" prefixes,
// which need no path.Match.
type compiled struct {
	entry    int
	key      int  // anchored: how many components the index key holds
	anchored bool // from the first component only
	never    bool // "~/" with no home
	pat      []part
	except   []compiled
}

type partKind uint8

const (
	literal  partKind = iota
	suffix            // *lit
	prefix            // lit*
	glob              // anything else path.Match reads
	anyDepth          // **
)

type part struct {
	kind partKind
	s    string
}

func (x part) match(c string) bool {
	switch x.kind {
	case literal:
		return c == x.s
	case suffix:
		return strings.HasSuffix(c, x.s)
	case prefix:
		return strings.HasPrefix(c, x.s)
	}
	ok, _ := path.Match(x.s, c)
	return ok
}

func compilePattern(pattern, home string) compiled {
	c := compiled{}
	if abs, ok := Anchored(pattern, home); ok {
		c.anchored = true
		pattern = abs
	} else if strings.HasPrefix(pattern, "~/") {
		c.never = true
		return c
	}
	for _, s := range split(pattern) {
		p := part{kind: glob, s: s}
		meta := strings.ContainsAny(s, `*?[\`)
		switch {
		case s == "**":
			p.kind = anyDepth
		case !meta:
			p.kind = literal
		case s[0] == '*' && !strings.ContainsAny(s[1:], `*?[\`):
			p = part{kind: suffix, s: s[1:]}
		case s[len(s)-1] == '*' && !strings.ContainsAny(s[:len(s)-1], `*?[\`):
			p = part{kind: prefix, s: s[:len(s)-1]}
		}
		c.pat = append(c.pat, p)
	}
	return c
}

// forget drops the compiled patterns after a change of the entries.
func (l *List) forget() {
	l.mu.Lock()
	l.cache, l.env = nil, nil
	l.mu.Unlock()
}

// compiledList is the list's patterns compiled for one home, indexed by
// kind and by the component a match must start with, so that Match looks
// at the few patterns that can cover a path instead of the whole list
// (a tree walk checks every file it sees).
type compiledList struct {
	pats  []compiled
	kinds [2]kindIndex // Protected, Secret
}

// anchorDepth is how many leading literal components of an anchored
// pattern its index key holds ("~/.aws/credentials": /home/u/.aws).
const anchorDepth = 3

type kindIndex struct {
	// anchored: patterns from the root whose first component is a
	// literal, by "/" and their leading literal components (up to
	// anchorDepth); first: patterns at any depth whose first component is
	// a literal, by it; ext: one-component patterns "*.ext" at any depth,
	// by ".ext"; other: the rest, checked in full.
	anchored map[string][]int
	first    map[string][]int
	ext      map[string][]int
	other    []int
}

// compile returns the list's patterns compiled for home, kept until the
// entries or home change.
func (l *List) compile(home string) *compiledList {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cache != nil && l.cacheHome == home && l.cacheLen == len(l.Entries) {
		return l.cache
	}
	out := &compiledList{pats: make([]compiled, len(l.Entries))}
	for k := range out.kinds {
		out.kinds[k] = kindIndex{anchored: map[string][]int{}, first: map[string][]int{}, ext: map[string][]int{}}
	}
	for i := range l.Entries {
		e := &l.Entries[i]
		c := compilePattern(e.Pattern, home)
		c.entry = i
		for _, x := range e.Except {
			c.except = append(c.except, compilePattern(x, home))
		}
		out.pats[i] = c
		k := &out.kinds[0]
		switch e.Kind {
		case Protected:
		case Secret:
			k = &out.kinds[1]
		default:
			continue
		}
		switch {
		case c.never:
		case !c.anchored && len(c.pat) == 1 && c.pat[0].kind == suffix && strings.LastIndexByte(c.pat[0].s, '.') == 0:
			k.ext[c.pat[0].s] = append(k.ext[c.pat[0].s], i)
		case len(c.pat) == 0 || c.pat[0].kind != literal:
			k.other = append(k.other, i)
		case c.anchored:
			key := ""
			for _, x := range c.pat {
				if x.kind != literal || c.key == anchorDepth {
					break
				}
				key += "/" + x.s
				c.key++
			}
			out.pats[i].key = c.key
			k.anchored[key] = append(k.anchored[key], i)
		default:
			k.first[c.pat[0].s] = append(k.first[c.pat[0].s], i)
		}
	}
	l.cache, l.cacheHome, l.cacheLen = out, home, len(l.Entries)
	return out
}

func (c *compiled) excepted(comps []string) bool {
	for i := range c.except {
		if c.except[i].covers(comps) {
			return true
		}
	}
	return false
}

// covers reports whether the pattern names comps or one of its ancestors.
func (c *compiled) covers(comps []string) bool {
	switch {
	case c.never:
		return false
	case c.anchored:
		return prefixMatch(c.pat, comps)
	}
	for i := range comps {
		if prefixMatch(c.pat, comps[i:]) {
			return true
		}
	}
	return false
}

// prefixMatch reports whether the pattern components match a leading run
// of comps ("**" matches any number of components).
func prefixMatch(pat []part, comps []string) bool {
	for len(pat) > 0 {
		if pat[0].kind == anyDepth {
			for i := 0; i <= len(comps); i++ {
				if prefixMatch(pat[1:], comps[i:]) {
					return true
				}
			}
			return false
		}
		if len(comps) == 0 || !pat[0].match(comps[0]) {
			return false
		}
		pat, comps = pat[1:], comps[1:]
	}
	return true
}

func split(p string) []string { return splitInto(nil, p) }

// splitInto appends p's components to out, leaving out "" and ".".
func splitInto(out []string, p string) []string {
	for p != "" {
		var c string
		c, p, _ = strings.Cut(p, "/")
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// Adjust is what a configuration file changes in the list.
type Adjust struct {
	Protected      []string // patterns added as protected paths
	Unprotected    []string // protected entries removed, or exceptions to them
	Secrets        []string // patterns added as secrets
	NotSecret      []string // secret entries removed, or exceptions to them
	SecretEnv      []string // name patterns added to the secret environment variables
	SecretEnvAllow []string // name patterns kept all the same
}

// Apply changes the list as a configuration says. A pattern of Unprotected or
// NotSecret that is an entry's pattern removes that entry; any other one
// becomes an exception to every entry of the kind ("~/work/test.pem" keeps
// that one file readable). An empty or malformed pattern is an error.
func (l *List) Apply(a Adjust) error {
	for _, group := range [][]string{a.Protected, a.Unprotected, a.Secrets, a.NotSecret, a.SecretEnv, a.SecretEnvAllow} {
		for _, p := range group {
			if err := validPattern(p); err != nil {
				return err
			}
		}
	}
	l.Add(Protected, "added by the configuration", a.Protected...)
	l.Add(Secret, "added by the configuration", a.Secrets...)
	except := func(kind Kind, patterns []string) {
		for _, p := range patterns {
			found := false
			kept := l.Entries[:0]
			for _, e := range l.Entries {
				if e.Kind == kind && e.Pattern == p {
					found = true
					continue
				}
				kept = append(kept, e)
			}
			l.Entries = kept
			if found {
				continue
			}
			for i := range l.Entries {
				if l.Entries[i].Kind == kind {
					l.Entries[i].Except = append(slices.Clip(l.Entries[i].Except), p)
				}
			}
		}
	}
	except(Protected, a.Unprotected)
	except(Secret, a.NotSecret)
	l.SecretEnv = append(l.SecretEnv, a.SecretEnv...)
	l.SecretEnvAllow = append(l.SecretEnvAllow, a.SecretEnvAllow...)
	return nil
}

func validPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("empty pattern")
	}
	for _, c := range split(p) {
		if c == "**" {
			continue
		}
		if _, err := path.Match(c, ""); err != nil {
			return fmt.Errorf("pattern %q: %v", p, err)
		}
	}
	return nil
}

// ScrubEnv returns env without the variables SecretEnvName names.
func (l *List) ScrubEnv(env []string) []string {
	m := l.envMatcher()
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if !m.secret(name) && !hasURLPassword(value) || matchAny(m.allow, strings.ToUpper(name)) {
			out = append(out, kv)
		}
	}
	return out
}

// hasURLPassword reports whether value holds a URL with a password in it
// (scheme://user:password@host), as REDIS_URL, HTTPS_PROXY or a
// connection string do, whatever the variable is called.
func hasURLPassword(value string) bool {
	for {
		i := strings.Index(value, "://")
		if i < 0 {
			return false
		}
		value = value[i+3:]
		end := strings.IndexAny(value, "/?# \t")
		if end < 0 {
			end = len(value)
		}
		if at := strings.LastIndexByte(value[:end], '@'); at > 0 && strings.IndexByte(value[:at], ':') >= 0 {
			return true
		}
	}
}
