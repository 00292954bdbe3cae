package config

import (
	"testing"
)

func TestProtectList(t *testing.T) {
	src := `[protect]
protected = ["Makefile", "~/bin"]
unprotected = [".git/hooks"]
secrets = ["**/*.secret"]
not_secret = ["~/.npmrc"]
secret_env = ["*_AUTH"]
secret_env_allow = ["MY_TOKEN"]
`
	c, err := Parse("/c.toml", []byte(src), home)
	if err != nil {
		t.Fatal(err)
	}
	c.AuditLog = "/s/audit.jsonl"
	env := map[string]string{"HOME": home, "XDG_DATA_HOME": "/d"}
	l, err := c.ProtectList(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"/p/.git/hooks/x": false, "/p/.git/config": true, "/p/Makefile": true, "/home/u/bin/x": true,
		"/home/u/.config/guard/config.toml": true, "/home/u/.cache/guard/policies/x": true, "/d/guard/shims/rm": true,
		"/c.toml": true, "/s/audit.jsonl": true, "/p/main.go": false} {
		if got := l.Protected(p, home) != nil; got != want {
			t.Errorf("ProtectList: Protected(%s) = %v, want %v", p, got, want)
		}
	}
	if l.Secret("/home/u/.npmrc", home) != nil || l.Secret("/p/a/b.secret", home) == nil {
		t.Errorf("ProtectList: secrets not adjusted")
	}
	if l.SecretEnvName("MY_TOKEN") || !l.SecretEnvName("X_AUTH") {
		t.Errorf("ProtectList: secret env not adjusted")
	}
	c, err = Parse("/c.toml", []byte("[protect]\nsecrets = [\"[x\"]\n"), home)
	if err == nil {
		_, err = c.ProtectList(func(k string) string { return env[k] })
	}
	if err == nil {
		t.Errorf("a malformed pattern: no error")
	}
}
