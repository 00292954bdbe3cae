package sandbox

import (
	"os"
	"path/filepath"

	"guard/policy/protect"
)

// Protect fills p's ReadOnly, Unreadable, SecretEnv and SecretEnvAllow from the
// list l for p.WritableRoots, as the roots are now (protect.List.Resolve): the
// protected paths found inside the roots, the secrets found anywhere. The
// roots scanned for names that match at any depth (.env, *.pem) are the
// writable roots but /, /tmp, /var/tmp and /dev/shm (not $TMPDIR, which the
// caller's environment sets). home is the user's home
// directory ("" if unknown).
func Protect(p *Profile, l *protect.List, home string) {
	// Not os.TempDir(): $TMPDIR is the caller's to set, and TMPDIR=$PWD made
	// the project a "temporary directory", never scanned (its .env readable).
	tmp := []string{"/", "/tmp", "/var/tmp", "/dev/shm"}
	var scan []string
	for _, r := range p.WritableRoots {
		r = filepath.Clean(r)
		skip := false
		for _, t := range tmp {
			skip = skip || r == t
		}
		if !skip {
			scan = append(scan, r)
		}
	}
	prot, sec := l.Resolve(p.WritableRoots, scan, home)
	p.ReadOnly, p.Unreadable = nil, nil
	for _, f := range prot {
		p.ReadOnly = append(p.ReadOnly, f.Path)
	}
	for _, f := range sec {
		p.Unreadable = append(p.Unreadable, f.Path)
	}
	// The credentials the environment moved elsewhere (KUBECONFIG,
	// GOOGLE_APPLICATION_CREDENTIALS, XDG_CONFIG_HOME's gh/hosts.yml...):
	// guard's environment is the one the command gets, less the secret
	// variables. Those that do not exist are dropped by Exec.
	// One that holds a root or the home directory (GNUPGHOME=/) would hide
	// the command's whole world: such a value is not a credential's place.
	for _, e := range l.EnvSecretPaths(os.Getenv) {
		wide := home != "" && within(home, e)
		for _, r := range p.WritableRoots {
			wide = wide || within(filepath.Clean(r), e)
		}
		if !wide {
			p.Unreadable = append(p.Unreadable, e)
		}
	}
	p.SecretEnv, p.SecretEnvAllow = l.SecretEnv, l.SecretEnvAllow
}

// scrubEnv removes the variables p.SecretEnv names from env.
func scrubEnv(p Profile, env []string) []string {
	if len(p.SecretEnv) == 0 {
		return env
	}
	l := protect.List{SecretEnv: p.SecretEnv, SecretEnvAllow: p.SecretEnvAllow}
	return l.ScrubEnv(env)
}
