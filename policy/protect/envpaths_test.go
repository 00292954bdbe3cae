package protect

import (
	"slices"
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
