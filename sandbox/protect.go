package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"guard/internal/safefile"
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
	protectWatched(p, l, home, &protect.Watch{}) // for the directories scanned
}

// protectWatched is Protect, recording in w (when not nil) the paths its
// result depends on (protect.Watch).
func protectWatched(p *Profile, l *protect.List, home string, w *protect.Watch) {
	// Not os.TempDir(): $TMPDIR is the caller's to set, and TMPDIR=$PWD made
	// the project a "temporary directory", never scanned (its .env readable).
	roots := make([]string, len(p.WritableRoots))
	for i, r := range p.WritableRoots {
		roots[i] = filepath.Clean(r)
	}
	prot, sec := l.ResolveWatched(p.WritableRoots, scannedRoots(p.WritableRoots), home, w)
	p.ScannedDirs = nil
	if w != nil {
		p.ScannedDirs = slices.Clone(w.Scanned)
	}
	p.ReadOnly, p.Unreadable, p.MissingProtected, p.Checkouts = nil, nil, nil, nil
	for _, f := range prot {
		if f.Checkout {
			p.Checkouts = append(p.Checkouts, f.Path)
			continue
		}
		if f.Missing {
			p.MissingProtected = append(p.MissingProtected, f.Path)
			continue
		}
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
	// One that the list names as it is (the gate adds them: protect's
	// judge knows them too) was resolved above as any absolute entry: found
	// if it exists, and, with a plan cache, its directory watched if it
	// does not. Only the others are left for Exec to look up.
	listed := literalSecrets(l)
	for _, e := range slices.Concat(l.EnvSecretPaths(os.Getenv), krb5Caches(os.Getenv), otherKrb5Caches(w), secretEnvFiles(l),
		runtimeSecrets(os.Getenv)) {
		if listed[e] {
			continue
		}
		wide := home != "" && within(home, e)
		for _, r := range roots {
			if wide {
				break
			}
			wide = within(r, e)
		}
		if !wide {
			p.Unreadable = append(p.Unreadable, e)
		}
	}
	// The files the environment tells programs started later to load or run
	// (BASH_ENV, PYTHONSTARTUP, LD_PRELOAD, NODE_OPTIONS' --require, a JVM's
	// -javaagent, GIT_SSH_COMMAND's program...): the agent and what it runs
	// after the command share guard's environment, outside the sandbox. Those
	// in a root that are regular files at start are protected, through links
	// to what they lead to.
	for _, e := range protect.EnvCodeFiles(os.Getenv) {
		if res, err := filepath.EvalSymlinks(e); err == nil {
			e = res
		}
		if !slices.ContainsFunc(roots, func(r string) bool { return within(e, r) }) {
			continue
		}
		w.AddEntry(e) // made later: the cached plan is looked at again
		if st, err := os.Stat(e); err == nil && st.Mode().IsRegular() {
			p.ReadOnly = append(p.ReadOnly, e)
		}
	}
	// Other people's homes: hidden whole, or, where one holds a root, the
	// working directory or a directory on PATH, the list's "~/" entries
	// applied to it as to the user's own.
	for _, h := range otherHomes(home, p.WritableRoots, w) {
		if !h.inUse {
			p.Unreadable = append(p.Unreadable, h.path)
			continue
		}
		if listNames(l, h.path) {
			continue // the caller's list names that home already (the gate adds the account's own)
		}
		prot, sec := l.ResolveHome(p.WritableRoots, h.path, w)
		for _, f := range prot {
			if !f.Missing && !f.Checkout {
				p.ReadOnly = append(p.ReadOnly, f.Path)
			}
		}
		for _, f := range sec {
			p.Unreadable = append(p.Unreadable, f.Path)
		}
	}
	// A directory in a root that is another path to one outside (a bind
	// mount): what the list protects there, kept read-only where the root
	// reaches it (rootVia).
	if others, inside := rootVia(p.readMounts(), p); len(others) > 0 {
		prot, _ := l.ResolveWatched(others, scannedRoots(others), home, w)
		for _, f := range prot {
			if f.Missing || f.Checkout {
				continue
			}
			for i, o := range others {
				if within(f.Path, o) {
					p.ReadOnly = append(p.ReadOnly, filepath.Join(inside[i], strings.TrimPrefix(f.Path, o)))
				}
			}
		}
	}
	tempPlaceholders(p, home, w)
	p.SecretEnv, p.SecretEnvAllow = l.SecretEnv, l.SecretEnvAllow
	p.ProtectedNames = l.Literal(protect.Protected)
	p.HomeNames, p.HomeDir = homeNames(l, home, p)
	hideBlocked(p)
}

// homeNames are the list's literal "~/" protected entries as names
// relative to the home, when the home is in a writable root (the home is
// the project, or an agent runs in it; or it lies in /tmp or $TMPDIR, as
// a container's HOME=/tmp does: a ~/.bashrc made there stayed and ran at
// the next bash, sandbox-18 S18-5): one absent at
// start (~/.gitconfig, ~/.ssh/config) had nothing for a read-only mount to
// cover, and a ~/.gitconfig made inside ran its core.fsmonitor at the next
// `git status` outside (twelfth red team). lookForNewNames then moves one
// made aside when the home is among the directories it looks at (a root,
// or the working directory or one above it in a root); in the other
// directories it looks at, they are not looked for (a project's bin/ is not ~/bin).
func homeNames(l *protect.List, home string, p *Profile) ([]protect.Entry, string) {
	if home == "" || !filepath.IsAbs(home) {
		return nil, ""
	}
	home = filepath.Clean(home)
	in := slices.ContainsFunc(p.WritableRoots, func(r string) bool { return within(home, filepath.Clean(r)) })
	if !in {
		// Or a root is another path to it (homeVia): looked for there.
		via := homeVia(p.readMounts(), home, p)
		if len(via) == 0 {
			return nil, ""
		}
		home = via[0]
	}
	var out []protect.Entry
	for _, e := range l.Entries {
		rel, ok := strings.CutPrefix(e.Pattern, "~/")
		if e.Kind != protect.Protected || !ok || len(e.Except) != 0 || rel == "" ||
			strings.ContainsAny(rel, "*?[\\") || filepath.Clean(rel) != rel || strings.HasPrefix(rel, "..") {
			continue
		}
		e.Pattern = rel
		out = append(out, e)
	}
	return out, home
}

// upwardNames are protect.UpwardNames: names tools look for in every
// directory above the one they run in. Where none exists at the top of a
// shared root, a symbolic link to protect.Placeholder, a path that cannot
// exist, is made in its place and kept (tempPlaceholders): each tool finds
// nothing there, as without it (an empty directory would not do: go build
// takes an empty .git or .hg directory for a repository and fails). Not the
// JavaScript tools' configuration files (ESLint's, Prettier's, Babel's,
// PostCSS's, found the same way: the decision alone counts ESLint's and
// Prettier's, protect.UpwardTop), node_modules, uv's workspace
// pyproject.toml: the documented limit. The caches tools keep there by a
// fixed name and run later are kept read-only too (tempCaches).
var upwardNames = protect.UpwardNames

// tempPlaceholders adds to p.ReadOnly, for each shared root (p.SharedRoots),
// what lies at its top under upwardNames, a placeholder link made first
// where nothing does. The sandbox pins each (as root; in an ordinary user's
// child); where user namespaces are forbidden nothing is mounted, and they
// are no reason to refuse (tempPlaceholder). Not in a shared root that is the
// home or holds it (TMPDIR=$HOME): that is the user's own tree (~/.cargo).
func tempPlaceholders(p *Profile, home string, w *protect.Watch) {
	p.PrivateTemp = nil
	for _, r := range p.SharedRoots {
		r = filepath.Clean(r)
		if !filepath.IsAbs(r) || r == "/" || home != "" && within(filepath.Clean(home), r) {
			continue
		}
		for _, n := range upwardNames {
			x := r + "/" + n
			w.AddEntry(x)
			var st unix.Stat_t
			err := unix.Lstat(x, &st)
			if err == unix.ENOENT && unix.Symlink(protect.Placeholder, x) == nil {
				err = unix.Lstat(x, &st)
			}
			if err == nil {
				p.ReadOnly = append(p.ReadOnly, x)
			}
		}
		// The caches tools keep there by a fixed name and run later: made
		// as empty directories of the caller's own (0700) where missing,
		// read-only inside (the tools go on without writing to them).
		for _, n := range tempCaches() {
			x := r + "/" + n
			w.AddEntry(x)
			var st unix.Stat_t
			err := unix.Lstat(x, &st)
			if err == unix.ENOENT && unix.Mkdir(x, 0o700) == nil {
				err = unix.Lstat(x, &st)
			}
			if err == nil {
				p.ReadOnly = append(p.ReadOnly, x)
			}
		}
		// The caches that their tools must write as they run: a directory
		// of guard's private /dev/shm over each (PrivateTemp).
		for _, n := range privateTempCaches() {
			x := r + "/" + n
			w.AddEntry(x)
			var st unix.Stat_t
			err := unix.Lstat(x, &st)
			if err == unix.ENOENT && unix.Mkdir(x, 0o700) == nil {
				err = unix.Lstat(x, &st)
			}
			if err == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
				p.PrivateTemp = append(p.PrivateTemp, x)
			}
		}
	}
}

// privateTempCaches are the caches tools keep at the top of the temporary
// directory by a fixed name, run from later unchecked, and must write as
// they run (read-only, the tool fails): jest's (jest_ and the user id in
// base 36), whose transform cache holds each test file and module as jest
// runs it, checked only against a checksum kept beside it (a line put
// there from inside, the checksum made again, ran at the next `npx jest`
// outside: sixteenth red team, S16-2).
func privateTempCaches() []string {
	return []string{"jest_" + strconv.FormatInt(int64(os.Geteuid()), 36)}
}

// tempCaches are protect.TempCaches.
func tempCaches() []string { return protect.TempCaches() }

// tempPlaceholder reports whether x is one of upwardNames at the top of a
// shared root.
func tempPlaceholder(x string, shared []string) bool {
	dir, name := filepath.Split(x)
	if !slices.Contains(upwardNames, name) && !slices.Contains(tempCaches(), name) {
		return false
	}
	dir = filepath.Clean(dir)
	return slices.ContainsFunc(shared, func(s string) bool { return filepath.Clean(s) == dir })
}

// hideBlocked adds to p.Unreadable each protected path that cannot be looked
// up because a directory on its way cannot be searched (EACCES): the
// sandbox's read-only mounts need something to cover, and an ordinary user
// who owns that directory reopens it with chmod, which Landlock does not
// check (chmod 000 .git in one command left the next one's .git/config and
// hooks off the plan, written after `chmod 755 .git`). As a secret, the
// directory that blocks the look is hidden whole (readableHoles' ownBlocker:
// an empty read-only directory over it), so it cannot be opened again
// inside; one of another user's keeps its mode's protection.
func hideBlocked(p *Profile) {
	for _, x := range p.ReadOnly {
		var st unix.Stat_t
		if unix.Lstat(x, &st) == unix.EACCES && !slices.Contains(p.Unreadable, x) {
			p.Unreadable = append(p.Unreadable, x)
		}
	}
}

// literalSecrets are l's secret entries that name one absolute path (no
// glob, no exception, not in /proc, which the resolution skips): the
// resolution looks each up as it is.
func literalSecrets(l *protect.List) map[string]bool {
	var out map[string]bool
	for _, e := range l.Entries {
		if e.Kind != protect.Secret || len(e.Except) > 0 || !filepath.IsAbs(e.Pattern) || e.Pattern != filepath.Clean(e.Pattern) ||
			strings.ContainsAny(e.Pattern, `*?[\`) || within(e.Pattern, "/proc") {
			continue
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[e.Pattern] = true
	}
	return out
}

// listNames reports whether an entry of l is anchored below dir: the list
// was given that home's credentials already.
// krb5Caches are where Kerberos keeps the user's tickets, each a credential
// for every service of the realm: KRB5CCNAME's file or directory (FILE:,
// DIR: or a path; KEYRING: and KCM: caches are out of reach already, the
// keyring calls and sockets being refused), else /tmp/krb5cc_UID, in a
// directory that is a root and never scanned.
func krb5Caches(getenv func(string) string) []string {
	out := []string{"/tmp/krb5cc_" + strconv.Itoa(os.Geteuid())}
	v := getenv("KRB5CCNAME")
	for _, prefix := range []string{"FILE:", "DIR:", ""} {
		if p, ok := strings.CutPrefix(v, prefix); ok && filepath.IsAbs(p) {
			out = append(out, filepath.Clean(p))
			break
		}
	}
	return out
}

// runtimeSecrets are the logins the environment places outside the home:
// the display's authorization cookie XAUTHORITY (ICEAUTHORITY's session
// manager cookie too) names, wherever the display manager put it
// (/tmp/xauth_*, the runtime directory), and podman's, buildah's and
// skopeo's registry logins in $XDG_RUNTIME_DIR/containers/auth.json (read
// only here, for the sandbox: the variables are set in every desktop
// session, where EnvSecretPaths would cost each decision a list).
func runtimeSecrets(getenv func(string) string) []string {
	var out []string
	for _, v := range []string{"XAUTHORITY", "ICEAUTHORITY"} {
		if p := getenv(v); filepath.IsAbs(p) {
			out = append(out, filepath.Clean(p))
		}
	}
	if d := getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		out = append(out, filepath.Join(d, "containers", "auth.json"), filepath.Join(d, "gdm", "Xauthority"))
	}
	return out
}

// otherKrb5Caches are, for root, every person's default Kerberos ticket
// cache in /tmp (/tmp/krb5cc_UID of each account of /etc/passwd from uid
// 1000 up): root reads
// them all, and each is that user's credential for every service of the
// realm (ninth red team: root in full-auto read /tmp/krb5cc_1000). Not the
// names with a random part (pam_krb5's krb5cc_UID_XXXXXX): matching them
// would list /tmp, whose every change would then drop the plan cache.
func otherKrb5Caches(w *protect.Watch) []string {
	if os.Geteuid() != 0 {
		return nil
	}
	w.Add("/etc/passwd")
	b, err := safefile.Read("/etc/passwd", 1<<20)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 4)
		if len(f) < 3 {
			continue
		}
		// People's accounts (system accounts, nobody included, get no
		// tickets): a few lookups a run, not one per account.
		if uid, err := strconv.Atoi(f[2]); err == nil && uid >= 1000 && uid < 65534 {
			out = append(out, "/tmp/krb5cc_"+f[2])
		}
	}
	return out
}

// scannedRoots are the roots Resolve scans for names at any depth: all but
// the temporary directories (and /).
func scannedRoots(roots []string) []string {
	var scan []string
	for _, r := range roots {
		r = filepath.Clean(r)
		if !slices.Contains([]string{"/", "/tmp", "/var/tmp", "/dev/shm"}, r) {
			scan = append(scan, r)
		}
	}
	return scan
}

func listNames(l *protect.List, dir string) bool {
	for _, e := range l.Entries {
		if len(e.Pattern) > len(dir) && e.Pattern[len(dir)] == '/' && e.Pattern[:len(dir)] == dir && e.Kind == protect.Secret {
			return true
		}
	}
	return false
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
// its credentials are hidden; so is one that a variable of the environment
// names a path in (GOPATH=/root/go with HOME elsewhere).
func otherHomes(home string, roots []string, w *protect.Watch) []otherHome {
	// Resolved only when it is a link: most homes are plain directories.
	resolve := func(p string) string {
		var st unix.Stat_t
		if unix.Lstat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
			w.MarkUnsure() // where it leads is not watched
			if r, err := filepath.EvalSymlinks(p); err == nil {
				return r
			}
		}
		return p
	}
	var own []string
	for _, h := range []string{home, os.Getenv("HOME")} {
		if h != "" {
			own = append(own, filepath.Clean(h), resolve(filepath.Clean(h)))
		}
	}
	cands := []string{"/root"}
	w.Add("/")
	w.Add("/home")
	if names := listDir("/home"); len(names) > 0 {
		for _, n := range names {
			cands = append(cands, "/home/"+n)
		}
	}
	var out []otherHome
	for _, c := range cands {
		var st unix.Stat_t
		w.Add(c) // followed by stat: a link's target changing type shows
		if slices.Contains(own, c) || unix.Stat(c, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			continue
		}
		r := resolve(c)
		if r == "/" || slices.Contains(own, r) {
			continue
		}
		out = append(out, otherHome{path: r})
	}
	if len(out) == 0 {
		return nil
	}
	// In use: holding a root, the working directory or a PATH directory.
	used := slices.Clone(roots)
	if wd, err := unix.Getwd(); err == nil {
		used = append(used, wd)
	}
	// PATH's directories, and every other path the environment names
	// (GOPATH, GOMODCACHE, CARGO_HOME, VIRTUAL_ENV, JAVA_HOME...): tools
	// that live in that home.
	for _, kv := range os.Environ() {
		if _, v, ok := strings.Cut(kv, "="); ok && strings.Contains(v, "/") {
			used = append(used, filepath.SplitList(v)...)
		}
	}
	for i := range out {
		for _, u := range used {
			if filepath.IsAbs(u) && within(filepath.Clean(u), out[i].path) {
				out[i].inUse = true
				break
			}
		}
	}
	return out
}

// listDir returns the names in dir (unsorted), nil when it cannot be read.
func listDir(dir string) []string {
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY, 0) // a FIFO fails, not waits
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	return names
}

// scrubEnv removes the variables p.SecretEnv names from env.
func scrubEnv(p Profile, env []string) []string {
	if len(p.SecretEnv) == 0 {
		return env
	}
	l := protect.List{SecretEnv: p.SecretEnv, SecretEnvAllow: p.SecretEnvAllow}
	return l.ScrubEnv(env)
}

// within reports whether path is dir or lies below it, component-wise; both
// are clean absolute paths.
func within(path, dir string) bool {
	if dir == "/" || path == dir {
		return true
	}
	return strings.HasPrefix(path, dir+"/")
}

// secretEnvFiles are the files that secret variables name
// (protect.List.SecretEnvFiles): ANSIBLE_VAULT_PASSWORD_FILE=~/.vault_pass
// is scrubbed from the program's environment, and the file it names is
// hidden too (Exec drops what does not exist). Not a directory, which
// could hold what every program needs, nor a socket (SSH_AUTH_SOCK), which
// is refused by other means and would cost a mount each run.
func secretEnvFiles(l *protect.List) []string {
	var out []string
	for _, p := range l.SecretEnvFiles(os.Environ()) {
		if st, err := os.Stat(p); err != nil || st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

// readMounts returns the mount table (loadMountTable), read once for p.
func (p *Profile) readMounts() *mountTable {
	if !p.mountsSet {
		p.mounts, p.mountsSet = loadMountTable(), true
	}
	return p.mounts
}
