package protect

import (
	"path"
	"slices"
	"strings"
	"testing"
)

// The compiled environment patterns answer as path.Match on the upper-cased
// pattern and name, with a slash as an ordinary character (a variable's name
// is not a path), for the shapes they shortcut and the ones they do not.
func TestEnvMatcherAsPathMatch(t *testing.T) {
	pats := []string{"*KEY*", "*_pwd", "GIT_CONFIG_KEY_*", "DATABASE_URL", "*", "**", "*a*b*", "[AB]*", "A?C", `*\*`, `X\`, "*[", "K*Y", ""}
	names := []string{"API_KEY", "key", "MY_PWD", "PWD", "GIT_CONFIG_KEY_0", "database_url", "A/KEY", "KEY/", "a/b", "ABC", "AXC",
		"B", "*", "X", "", "XKEYX", "K_Y", "AB", "*A*B*", "npm_config_//registry.npmjs.org/:_authToken", "/", "A/C"}
	for _, p := range pats {
		m := newEnvMatcher(&List{SecretEnv: []string{p}})
		for _, n := range names {
			slash := strings.NewReplacer("/", "\x01")
			want, _ := path.Match(slash.Replace(strings.ToUpper(p)), slash.Replace(strings.ToUpper(n)))
			if got := m.secret(n); got != want {
				t.Errorf("pattern %q, name %q: %v, path.Match says %v", p, n, got, want)
			}
		}
	}
}

// BenchmarkScrubEnv is the secret-variable scrub over a typical environment.
func BenchmarkScrubEnv(b *testing.B) {
	l := Default()
	var env []string
	for _, n := range []string{"PATH", "HOME", "USER", "SHELL", "TERM", "LANG", "PWD", "OLDPWD", "EDITOR", "PAGER", "LESS", "LS_COLORS",
		"XDG_RUNTIME_DIR", "XDG_SESSION_ID", "SSH_AUTH_SOCK", "GOPATH", "GOROOT", "NODE_ENV", "API_KEY", "GITHUB_TOKEN", "HOSTNAME",
		"DISPLAY", "COLORTERM", "TMUX", "VIRTUAL_ENV", "CARGO_HOME", "RUSTUP_HOME", "JAVA_HOME", "MAIL", "LOGNAME", "SHLVL", "_"} {
		env = append(env, n+"=/some/value/here")
	}
	for b.Loop() {
		l.ScrubEnv(env)
	}
}

// TestScrubEnvSlash: npm's per-registry token variable holds slashes in its
// name, and is a secret all the same.
func TestScrubEnvSlash(t *testing.T) {
	env := []string{"npm_config_//registry.npmjs.org/:_authToken=npm_x", "MY/API_KEY=k", "PATH=/bin"}
	if got := Default().ScrubEnv(env); len(got) != 1 || got[0] != "PATH=/bin" {
		t.Errorf("ScrubEnv kept %v, want only PATH", got)
	}
}

// TestScrubEnvAuthHeaders: a credential header reaches no program, whatever
// the variable is called; git's config from the environment keeps the rest
// (guard's pins are among it).
func TestScrubEnvAuthHeaders(t *testing.T) {
	env := []string{
		"PATH=/usr/bin:/bin",
		"AUTH_HEADER=Bearer sk-x",
		"EXTRA=PRIVATE-TOKEN: glpat-x",
		"CURL_HDR=authorization: basic eDp5",
		`GIT_CONFIG_PARAMETERS='http.extraheader'='Authorization: Bearer sk-x' 'core.fsmonitor'='false' 'a.b'='it'\''s'`,
		"GIT_CONFIG_COUNT=2",
		"GIT_CONFIG_KEY_0=http.https://github.com/.extraheader",
		"GIT_CONFIG_VALUE_0=AUTHORIZATION: basic eDp5",
		"GIT_CONFIG_KEY_1=core.hooksPath",
		"GIT_CONFIG_VALUE_1=/dev/null",
		"NOTE=see https://example.com:8080/x",
		"MSG=Authorization required",
	}
	want := []string{
		"PATH=/usr/bin:/bin",
		`GIT_CONFIG_PARAMETERS='core.fsmonitor'='false' 'a.b'='it'\''s'`,
		"GIT_CONFIG_COUNT=2",
		"GIT_CONFIG_KEY_0=http.https://github.com/.extraheader",
		"GIT_CONFIG_VALUE_0=",
		"GIT_CONFIG_KEY_1=core.hooksPath",
		"GIT_CONFIG_VALUE_1=/dev/null",
		"NOTE=see https://example.com:8080/x",
		"MSG=Authorization required",
	}
	if got := Default().ScrubEnv(env); !slices.Equal(got, want) {
		t.Errorf("ScrubEnv =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, ok := dropGitParams(`'a'='Authorization: x'`); ok {
		t.Errorf("dropGitParams kept %q", got)
	}
	if _, ok := dropGitParams(`'a'='unbalanced`); ok {
		t.Error("dropGitParams kept an unbalanced value")
	}
}
