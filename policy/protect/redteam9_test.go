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
