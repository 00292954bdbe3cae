package protect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestEnvSecretPaths(t *testing.T) {
	env := map[string]string{
		"KUBECONFIG": "/k/a.yaml:/k/b.yaml", "GOOGLE_APPLICATION_CREDENTIALS": "/g/sa.json", "DOCKER_CONFIG": "/d",
		"XDG_CONFIG_HOME": "/x", "NETRC": "relative/netrc", "GNUPGHOME": "",
	}
	got := Default().EnvSecretPaths(func(k string) string { return env[k] })
	for _, want := range []string{"/k/a.yaml", "/k/b.yaml", "/g/sa.json", "/d/config.json", "/x/gh/hosts.yml", "/x/gcloud"} {
		if !slices.Contains(got, want) {
			t.Errorf("%s missing from %v", want, got)
		}
	}
	for _, bad := range []string{"relative/netrc", "/x/git", "/x/fish"} {
		if slices.Contains(got, bad) {
			t.Errorf("%s in %v: relative, or protected rather than secret", bad, got)
		}
	}
}

// TestMoved: a path below a move's directory is matched as the same path
// below the home's part it stands for, wildcard entries too, once (a move
// onto the home's own part, or into it, does not loop); a relative
// directory is no move.
func TestMoved(t *testing.T) {
	l := Default()
	l.Moved(Move{From: "~/.config/", To: "/x/cfg"}, Move{From: "~/.local/share/", To: "rel"},
		Move{From: "~/.cache/", To: "/h/.cache/in"})
	for p, want := range map[string]bool{
		"/x/cfg/gh/hosts.yml":            true,
		"/x/cfg/JetBrains/IU2024/c.pwd":  true,
		"/x/cfg/gh/config.yml":           false,
		"/x/cfgx/gh/hosts.yml":           false,
		"/x/cfg":                         false,
		"rel/keyrings/login.keyring":     false,
		"/h/.cache/in/in/in/x":           false,
		"/h/.config/gh/hosts.yml":        true,
		"/x/cfg/gh/hosts.yml.bak":        true,
		"/elsewhere/.local/share/x/y.db": false,
	} {
		if got := l.Secret(p, "/h") != nil; got != want {
			t.Errorf("Secret(%s) = %v, want %v", p, got, want)
		}
	}
	if l.Secret("/x/cfg/gh/hosts.yml", "") != nil {
		t.Error("a move matched with no home")
	}
	if d := Default(); d.Secret("/x/cfg/gh/hosts.yml", "/h") != nil {
		t.Error("a move of one list reached another")
	}
}

// TestMovedReason: an entry matched through a move says where the
// variable put it.
func TestMovedReason(t *testing.T) {
	l := Default()
	l.Moved(EnvSecretMoves(func(k string) string { return map[string]string{"XDG_CONFIG_HOME": "/x/cfg"}[k] })...)
	e := l.Secret("/x/cfg/gh/hosts.yml", "/h")
	if e == nil || !strings.Contains(e.Reason, "XDG_CONFIG_HOME") || !strings.Contains(e.Reason, "/x/cfg") {
		t.Fatalf("reason of a moved secret: %+v", e)
	}
}

// TestMovedThroughLink: a move's directory reached through a symbolic link
// holds where the link leads, as Match is given resolved paths (a secret
// with no token's shape, JetBrains' c.pwd, by its name).
func TestMovedThroughLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "cfg")); err != nil {
		t.Fatal(err)
	}
	l := Default()
	l.Moved(Move{From: "~/.config/", To: filepath.Join(dir, "cfg"), By: "XDG_CONFIG_HOME"})
	if l.Secret(filepath.Join(real, "JetBrains", "IU2024", "c.pwd"), "/h") == nil {
		t.Error("a secret where the moved directory's link leads is not one")
	}
}
