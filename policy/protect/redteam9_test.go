package protect

import "testing"

// TestRuntimeLogins: podman's, buildah's and skopeo's registry logins and the
// display managers' cookies outside the home are secrets (ninth red team of
// the sandbox), and the runtime directory's other files are not.
func TestRuntimeLogins(t *testing.T) {
	l := Default()
	home := "/home/u"
	for _, p := range []string{"/run/containers/0/auth.json", "/run/user/1000/containers/auth.json",
		"/home/u/.config/containers/auth.json", "/run/user/1000/gdm/Xauthority",
		"/run/user/1000/.mutter-Xwaylandauth.4FZ3X2", "/run/user/1000/xauth_AbCdEf", "/run/sddm/xauth_x",
		"/run/lightdm/root/:0"} {
		if l.Secret(p, home) == nil {
			t.Errorf("%s: not a secret", p)
		}
	}
	for _, p := range []string{"/run/user/1000/bus", "/run/user/1000/containers/storage.conf",
		"/home/u/.config/containers/registries.conf"} {
		if e := l.Secret(p, home); e != nil {
			t.Errorf("%s: a secret (%s)", p, e.Pattern)
		}
	}
}

// TestScrubEnvTokenValues: a credential by its form goes whatever its
// variable is called; ordinary values that look a little like one stay.
func TestScrubEnvTokenValues(t *testing.T) {
	l := Default()
	gone := []string{"A=-----BEGIN EC PRIVATE KEY-----\nMHc", `B={"private_key":"x"}`, "C=AGE-SECRET-KEY-1QQQQ",
		"D=ghp_0123456789abcdefghijABCDEFGHIJ012345", "E='github_pat_11ABCDEFG0123456789_abcdefghijklmnop'",
		"F=glpat-abcdefghij0123456789", "G=xoxp-1234567890-0987654321", "H=sk-ant-api03-abcdefghijklmnop",
		"I=sk-0123456789abcdefghijklmnopqrstuvwxyzABCD", "J=AKIA2OGYBAH6STMMNXNN", "K=ya29.a0AfH6SMBx0123456789",
		"L=AIzaSyA0123456789abcdefghijklmnopqrstu", "M=SG.abcdefghijklmnopqrstuv.0123456789abcdefghijk",
		"SERVER_PEM=x", "APP_P12=x", "KUBE_CONFIG_DATA=x", "FASTLANE_SESSION=x", "SONAR_LOGIN=x",
		"YARN_NPM_AUTH_IDENT=x"}
	kept := []string{"LANG=sk_SK.UTF-8", "HF_HOME=/data/hf", "HF_HUB_ENABLE_HF_TRANSFER=1", "TERM=xterm-256color",
		"npm_lifecycle_event=build", "npm_config_cache=/root/.npm", "MODE=sk-short", "AWS_REGION=us-east-1",
		"NODE_OPTIONS=--max-old-space-size=4096", "TOOL=hf_cache_dir", "NAME=AKIA", "PATH=/usr/bin:/bin",
		"SSL_CERT_FILE=/etc/ssl/certs/ca.pem", "DOC=see -----BEGIN CERTIFICATE----- blocks", "X=ghp_short"}
	out := l.ScrubEnv(append(append([]string{}, gone...), kept...))
	have := map[string]bool{}
	for _, kv := range out {
		have[kv] = true
	}
	for _, kv := range gone {
		if have[kv] {
			t.Errorf("kept %q", kv)
		}
	}
	for _, kv := range kept {
		if !have[kv] {
			t.Errorf("removed %q", kv)
		}
	}
}
