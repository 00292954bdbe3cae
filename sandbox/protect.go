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
	// Other people's homes: hidden whole, or, where one holds a root, the
	// working directory or a directory on PATH, the list's "~/" entries
	// applied to it as to the user's own.
	for _, h := range otherHomes(home, p.WritableRoots) {
		if !h.inUse {
			p.Unreadable = append(p.Unreadable, h.path)
			continue
		}
		prot, sec := l.Resolve(p.WritableRoots, nil, h.path)
		for _, f := range prot {
			p.ReadOnly = append(p.ReadOnly, f.Path)
		}
		for _, f := range sec {
			p.Unreadable = append(p.Unreadable, f.Path)
		}
	}
	p.SecretEnv, p.SecretEnvAllow = l.SecretEnv, l.SecretEnvAllow
}

// otherHome is a home directory that is not the user's.
type otherHome struct {
	path  string
	inUse bool // it holds a writable root, the working directory or a PATH directory
}

// otherHomes returns the directories of /home, and /root, but home (the
// user's, resolved or not): other accounts' homes, where root read their
// SSH keys and cloud credentials (root:/home/alice/.ssh/id_ed25519) and an
// ordinary user whatever their permissions leave open. Homebrew's
// /home/linuxbrew holds programs on PATH: such a home is in use, and only
// its credentials are hidden.
func otherHomes(home string, roots []string) []otherHome {
	own := map[string]bool{}
	for _, h := range []string{home, os.Getenv("HOME")} {
		if h != "" {
			own[filepath.Clean(h)] = true
			if r, err := filepath.EvalSymlinks(h); err == nil {
				own[r] = true
			}
		}
	}
	cands := []string{"/root"}
	if ents, err := os.ReadDir("/home"); err == nil {
		for _, e := range ents {
			cands = append(cands, "/home/"+e.Name())
		}
	}
	var used []string
	for _, r := range roots {
		used = append(used, filepath.Clean(r))
	}
	if wd, err := os.Getwd(); err == nil {
		used = append(used, wd)
	}
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if filepath.IsAbs(d) {
			used = append(used, filepath.Clean(d))
		}
	}
	var out []otherHome
	for _, c := range cands {
		r, err := filepath.EvalSymlinks(c)
		if err != nil || own[c] || own[r] || r == "/" {
			continue
		}
		if fi, err := os.Stat(r); err != nil || !fi.IsDir() {
			continue
		}
		h := otherHome{path: r}
		for _, u := range used {
			h.inUse = h.inUse || within(u, r) || within(u, c)
		}
		out = append(out, h)
	}
	return out
}

// scrubEnv removes the variables p.SecretEnv names from env.
func scrubEnv(p Profile, env []string) []string {
	if len(p.SecretEnv) == 0 {
		return env
	}
	l := protect.List{SecretEnv: p.SecretEnv, SecretEnvAllow: p.SecretEnvAllow}
	return l.ScrubEnv(env)
}
