// Package gate is guard's run path: it gathers the mode, roots and policy
// layers from flags, environment and configuration, judges a command,
// decides, asks a person when one can answer, logs, resolves the real binary
// and execs it in place (sandboxed in full-auto).
//
// Limits: a command judged here is the argv (or shell script) guard was
// handed; what that program later runs by itself is judged only when it goes
// through guard again (a shim on PATH), or confined by the sandbox in
// full-auto.
package gate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"guard/install"
	"guard/internal/config"
	"guard/internal/rules"
	"guard/internal/safefile"
	"guard/policy"
	"guard/policy/protect"
	"guard/shim"
)

// Exit codes of `guard -- PROGRAM` when guard does not exec the program.
const (
	ExitFailure  = 125 // guard itself failed: usage, policy, config, sandbox
	ExitRefused  = 126 // refused: forbidden, denied, no one to ask, writes outside
	ExitNotFound = 127 // the program was not found
)

// Options are what the command line sets; zero values defer to the
// environment and the configuration file.
type Options struct {
	Mode             string   // --mode
	Policies         []string // --policy, in order
	Roots            []string // --writable-root
	AllowNetwork     bool
	AllowUnixSockets bool
	BestEffort       bool
	JSON             bool
	// PolicyAlone makes a single --policy the only layer when no
	// configuration file exists (guard check, as the original).
	PolicyAlone bool
	// Project, when set, is the writable root in place of the working
	// directory: a hook knows the agent's project, while the agent's shell
	// may have moved anywhere with cd.
	Project string
	// RunsElsewhere says that the command is judged here and run by
	// someone else (an agent's shell, after a hook's allow), so nothing
	// guard pins in the environment of what it execs applies: a git read
	// whose repository config sets a pinned key is then unverified too.
	RunsElsewhere bool
	// Version is guard's version: it keys the policy cache.
	Version string
}

// Gate holds everything needed to judge and run commands.
type Gate struct {
	Mode             policy.Mode
	Set              policy.Set
	Roots            []string // writable roots, absolute
	AllowNetwork     bool
	AllowUnixSockets bool
	BestEffort       bool
	JSON             bool
	AuditLog         string
	Cwd              string
	Env              []string
	Config           config.Config
	Getenv           func(string) string
	// PolicyFiles are the files loaded, in layer order, after the default.
	PolicyFiles []string
	// UserPolicy is where "always" answers are written.
	UserPolicy string
	// ProjectRoot is the project this command belongs to and ProjectPolicy
	// where its "always" answers are kept (outside it: see package rules).
	ProjectRoot, ProjectPolicy string
	Stderr                     io.Writer
	// Caps are the modes guard's configuration files set, when --mode or
	// GUARD_MODE asked for another: each decision is the strictest of the
	// modes' (refuse, then ask, then sandbox, then run). See caps.
	Caps []Cap
	// Home expands the protected list's "~/" entries: $HOME.
	Home string
	// RunsElsewhere: see Options.
	RunsElsewhere bool
	// protect is ProtectList's, made on first use, sandboxProtect
	// SandboxProtectList's; state is guard's own state in them, as
	// absolute paths.
	protect, sandboxProtect *protect.List
	state                   []string
	// pathRoots caches pathReachesRoots: 0 unknown, 1 no, 2 yes.
	pathRoots int
	// judgePATH, when judgePATHSet, is the PATH the judge looks programs
	// up in instead of the environment's (JudgeWithPATH).
	judgePATH    string
	judgePATHSet bool
	// startup is what the start-up files of the shell that runs the script
	// change in it (JudgeWithStartup), when startupSet.
	startup    Startup
	startupSet bool
	// resolved is Roots resolved through symlinks, made on first use
	// (see resolvedRoots).
	resolved []string
	// gitRuns counts checkGitHistory's runs of git in a judgement.
	gitRuns int
	// gitStalled: one of guard's git questions ran out of time (git waits
	// on a FIFO named .git/config, HEAD, index, packed-refs...); the others
	// would too, so they are answered as timed out at once.
	gitStalled bool
	// temps are the indexes in Roots of the temporary directories every
	// process shares ($TMPDIR and /tmp: see sharedRoots).
	temps []int
}

// resolvedRoots is the writable roots resolved through symlinks, once per
// gate: every program a script runs is checked against them.
func (g *Gate) resolvedRoots() []string {
	if g.resolved == nil || len(g.resolved) != len(g.Roots) {
		g.resolved = policy.ResolveRoots(g.Roots)
	}
	return g.resolved
}

// sharedRoots are the resolved temporary directories among the writable
// roots (sandbox.Profile.SharedRoots), unless the project or the user's
// configuration or options name the same directory as a root of its own.
func (g *Gate) sharedRoots() []string {
	roots := g.resolvedRoots()
	var shared []string
	for _, i := range g.temps {
		if i >= len(roots) {
			continue
		}
		named := false
		for j, r := range roots {
			if r == roots[i] && !slices.Contains(g.temps, j) {
				named = true
			}
		}
		if !named && !slices.Contains(shared, roots[i]) {
			shared = append(shared, roots[i])
		}
	}
	return shared
}

// New builds a gate from the options, the environment and the configuration.
func New(opts Options, env []string, stderr io.Writer) (*Gate, error) {
	getenv := lookup(env)
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", err)
	}
	root := cwd
	if filepath.IsAbs(opts.Project) {
		root = filepath.Clean(opts.Project)
	}
	if err := linkedRootErr(root, getenv("HOME")); err != nil {
		return nil, err
	}
	cfg, projectLayers, err := withProject(cfg, root, getenv, stderr)
	if err != nil {
		return nil, err
	}
	g := &Gate{Cwd: cwd, Env: env, Config: cfg, Getenv: getenv, Stderr: stderr,
		UserPolicy: config.UserPolicyPath(getenv), ProjectRoot: rules.ProjectRoot(root)}
	g.ProjectPolicy = rules.ProjectFile(config.Dir(getenv), g.ProjectRoot)

	mode := opts.Mode
	if mode == "" {
		mode = getenv("GUARD_MODE")
	}
	if mode == "" {
		mode = cfg.Mode
	}
	if mode == "" {
		mode = string(policy.Suggest)
	}
	if g.Mode, err = policy.ParseMode(mode); err != nil {
		return nil, err
	}
	// The trust model: a mode written in a configuration file is the
	// loosest one guard uses; --mode and GUARD_MODE, which a command can
	// set, may only make a decision stricter.
	if g.Caps, err = caps(cfg, g.Mode, getenv); err != nil {
		return nil, err
	}

	g.Roots = []string{cwd}
	if filepath.IsAbs(opts.Project) {
		g.Roots[0] = filepath.Clean(opts.Project)
	}
	if t := getenv("TMPDIR"); t != "" && filepath.IsAbs(t) && tempRoot(t, getenv("HOME")) {
		g.temps = append(g.temps, len(g.Roots))
		g.Roots = append(g.Roots, filepath.Clean(t))
	}
	g.temps = append(g.temps, len(g.Roots))
	g.Roots = append(g.Roots, "/tmp")
	configured, err := existingRoots(cfg.WritableRoots, "writable_roots in guard's configuration", stderr)
	if err != nil {
		return nil, err
	}
	flagged, err := existingRoots(opts.Roots, "--writable-root", stderr)
	if err != nil {
		return nil, err
	}
	g.Roots = append(g.Roots, configured...)
	for _, r := range flagged {
		if !filepath.IsAbs(r) {
			r = filepath.Join(cwd, r)
		}
		if filepath.Clean(r) == "/" {
			return nil, fmt.Errorf("--writable-root %s: %w", Visible(r), config.ErrRootIsSlash)
		}
		g.Roots = append(g.Roots, filepath.Clean(r))
	}
	g.dropMovableRoots()

	g.AllowNetwork = opts.AllowNetwork || cfg.AllowNetwork
	g.AllowUnixSockets = opts.AllowUnixSockets || cfg.AllowUnixSockets
	g.BestEffort = opts.BestEffort || cfg.Sandbox == "best-effort"
	asJSON, err := JSONEnv(getenv)
	if err != nil {
		return nil, err
	}
	g.JSON = opts.JSON || asJSON
	if g.AuditLog, err = config.AuditLogEnv(getenv); err != nil {
		return nil, err
	}
	if g.AuditLog == "" {
		g.AuditLog = cfg.AuditLog
	}
	if config.AuditLogInConfig(g.AuditLog, getenv, cfg.Policies) {
		return nil, fmt.Errorf("config: audit log %s %w", Visible(g.AuditLog), config.ErrAuditLogIsConfig)
	}
	if e := auditLogProtected(g.AuditLog, getenv); e != nil {
		return nil, fmt.Errorf("config: audit log %s is a protected path (%s: %s): guard would append every command's arguments, which the agent chooses, to a file that is run or read as configuration later; give the log a file of its own (by default ~/.local/state/guard/audit.jsonl)",
			Visible(g.AuditLog), e.Pattern, e.Reason)
	}
	// The judge takes a read of the log for a secret read wherever it is.
	policy.UseAuditLog(g.AuditLog)

	if err := g.loadPolicies(opts, cfg); err != nil {
		return nil, err
	}
	// The judge's secrets are the configuration's too ("never safe to
	// print"), not only the sandbox's; so are the credential files the
	// environment names elsewhere, and the secrets below the XDG
	// directories where those variables put them (matched there, not
	// copied: the list is the built-in one unless something changes it).
	var l *protect.List
	var named []string
	moves := protect.EnvSecretMoves(getenv)
	if protect.EnvMovesSecrets(getenv) {
		l = protect.Default()
		named = envNamedSecrets(l, getenv)
	}
	if cp := cfg.Protect; len(cp.Secrets)+len(cp.NotSecret)+len(cp.SecretEnv)+len(cp.SecretEnvAllow)+len(named)+len(moves) > 0 {
		if l == nil {
			l = protect.Default()
		}
		if err := l.Apply(protect.Adjust{Secrets: cp.Secrets, NotSecret: cp.NotSecret, SecretEnv: cp.SecretEnv,
			SecretEnvAllow: cp.SecretEnvAllow}); err != nil {
			return nil, fmt.Errorf("config: [protect]: %w", err)
		}
		l.Add(protect.Secret, whyEnvSecret, named...)
		l.Moved(moves...)
		policy.UseSecrets(l)
	}
	// A trusted project's own policies come last: its rules are about its
	// own scripts, and it was trusted by a person.
	g.Set = append(g.Set, projectLayers...)
	g.Home = getenv("HOME")
	g.RunsElsewhere = opts.RunsElsewhere
	return g, nil
}

// existingRoots returns roots less those that do not exist, with a warning
// for each, naming from, where it was given; one that exists but is not a
// directory (links followed) is an error. A root a newcomer mistyped
// (~/scrach) or gave as a file did nothing, with no word of why: the
// commands meant to write there were asked about, or ran confined and
// failed with "Read-only file system". A missing one is dropped, not
// refused: a build directory given as a root comes and goes (make clean),
// and refusing every command until it is back would refuse the one that
// makes it. One stat a root.
func existingRoots(roots []string, from string, stderr io.Writer) ([]string, error) {
	var out []string
	for _, r := range roots {
		fi, err := os.Stat(r)
		switch {
		case err != nil:
			Warn(stderr, "writable root %s (%s) is no root: %v; writes there are asked about (make the directory, or remove it from there)",
				r, from, errors.Unwrap(err))
			continue
		case !fi.IsDir():
			return nil, fmt.Errorf("config: writable root %s (%s) is not a directory; name the directory that holds what may be written, or remove it from there",
				Visible(r), Visible(from))
		}
		out = append(out, r)
	}
	return out, nil
}

// auditLogProtected returns the built-in protected entry an audit log moved
// from its default place falls under (a shell's start-up file, .envrc, a git
// hook, an agent's settings), nil for none: a line appended there is run
// later, and its arguments are the agent's (bash expands "$(...)" inside
// the JSON's double quotes). The default place is not checked (no cost on
// the run path).
func auditLogProtected(log string, getenv func(string) string) *protect.Entry {
	if log == "" || log == config.DefaultAuditLog(getenv) {
		return nil
	}
	return protect.Default().Protected(log, getenv("HOME"))
}

// AuditLogProtected reports whether an audit log moved from its default
// place is on the built-in protected list (see auditLogProtected).
func AuditLogProtected(log string, getenv func(string) string) bool {
	return auditLogProtected(log, getenv) != nil
}

// tempRoot reports whether t, the TMPDIR guard was given, is taken as a
// writable root: not "/", and neither the home ($HOME's, or the one
// /etc/passwd names, which no command sets) nor a directory above it,
// as written or through links. A command sets TMPDIR for one run where no
// guard above judges it (a shim's, a prefix's): `TMPDIR=~ rm -rf ~/x` ran in
// auto-edit through an rm shim, the home a root, and full-auto's sandbox
// would have let it write there. Such a TMPDIR is no root: writes there are
// judged as anywhere else.
func tempRoot(t, home string) bool {
	var homes []string
	for _, h := range []string{home, passwdHome()} {
		if filepath.IsAbs(h) {
			homes = append(homes, filepath.Clean(h), policy.Resolve(h, "/"))
		}
	}
	for _, p := range []string{filepath.Clean(t), policy.Resolve(t, "/")} {
		if p == "/" || slices.ContainsFunc(homes, func(h string) bool { return policy.Inside(h, p) }) {
			return false
		}
	}
	return true
}

// whyGuardState is the reason given for a write into guard's own state.
const whyGuardState = "guard's own state: a command guard runs may not loosen guard"

// ProtectList is the list of protected paths and secrets for this gate:
// protect.Default() with the configuration's [protect] changes, and guard's
// own state, which no configuration removes. It is made on first use (only
// a command that writes needs it) and shared; callers must not change it.
func (g *Gate) ProtectList() *protect.List {
	if g.protect == nil {
		g.protect = g.protectList()
		g.addUpwardTops(g.protect)
	}
	return g.protect
}

// SandboxProtectList is ProtectList less the names at the tops of the
// writable roots other than the project (addUpwardTops), for the sandbox's
// profile: resolving them cost an lstat each, 33 a root (300 configured
// roots: 3 ms a command, measured), while the sandbox keeps the tops of the
// temporary directories with placeholders of its own (SharedRoots), and
// moves aside one a command makes at the top of a configured root after it
// (sandbox-17 S17-3); one there at start stays writable inside.
func (g *Gate) SandboxProtectList() *protect.List {
	if g.sandboxProtect == nil {
		g.sandboxProtect = g.protectList()
	}
	return g.sandboxProtect
}

// protectList is the default protected list plus guard's own state, named
// from the environment guard was given and from the account's home in the
// password database (a command that sets HOME or XDG_CONFIG_HOME for one
// run still cannot reach the real files): the configuration directory and
// file, every policy layer, user.policy, the policy cache, the audit log,
// the shim directory, /etc/guard and guard's binary.
func (g *Gate) protectList() *protect.List {
	l := protect.Default()
	cp := g.Config.Protect
	if err := l.Apply(protect.Adjust{Protected: cp.Protected, Unprotected: cp.Unprotected, Secrets: cp.Secrets,
		NotSecret: cp.NotSecret, SecretEnv: cp.SecretEnv, SecretEnvAllow: cp.SecretEnvAllow}); err != nil {
		// A malformed pattern (Apply changed nothing): the additions all the same.
		l.Remove(cp.Unprotected...)
		l.Add(protect.Protected, "named protected in guard's configuration", cp.Protected...)
		l.Add(protect.Secret, "named secret in guard's configuration", cp.Secrets...)
	}
	envMovedProtected(l, g.Getenv)
	l.Add(protect.Secret, whyEnvSecret, envMovedSecrets(l, g.Getenv)...)
	var state []string
	add := func(ps ...string) {
		for _, p := range ps {
			if filepath.IsAbs(p) {
				state = append(state, filepath.Clean(p))
			}
		}
	}
	for _, getenv := range []func(string) string{g.Getenv, accountEnv(g.Getenv)} {
		add(config.Dir(getenv), config.CacheDir(getenv), config.UserPolicyPath(getenv))
		if a := config.DefaultAuditLog(getenv); a != "" {
			add(filepath.Dir(a)) // the state directory
		}
		if p, _ := config.Path(getenv); p != "" {
			add(p)
		}
		if d, err := install.DefaultDir(getenv); err == nil {
			add(d)
		}
	}
	add("/etc/guard", g.Config.Path, g.AuditLog, g.UserPolicy)
	if g.AuditLog != "" {
		// The rotated log, which guard log reads as the older history: at
		// its default place the state directory covers it, but beside a log
		// moved to /tmp or a root, `cp forged LOG.1` ran unasked in auto-edit.
		add(g.AuditLog + ".1")
	}
	add(g.PolicyFiles...)
	add(g.Config.Policies...)
	if p, _, err := shim.Self(); err == nil {
		add(p)
	}
	if home := passwdHome(); home != "" && home != g.Home {
		// The "~/" entries hold for the real home as well.
		var real []protect.Entry
		for _, e := range protect.Default().Entries {
			if rest, ok := strings.CutPrefix(e.Pattern, "~/"); ok {
				e.Pattern = filepath.Join(home, rest)
				real = append(real, e)
			}
		}
		l.AddEntries(real...)
	}
	// Each path also as it resolves through symlinks, resolved together: most
	// share their directories (one lstat each, not one per component per path).
	for i, r := range policy.ResolveRoots(state) {
		if r != state[i] {
			state = append(state, r)
		}
	}
	l.Add(protect.Protected, whyGuardState, state...)
	g.state = state
	return l
}

// addUpwardTops adds to l what tools below a writable root other than the
// project take for their own (protect.UpwardTop): an agent's file tool
// writes unsandboxed, and a command's visible write there is judged as
// one to a protected path. Not in a root inside the project (its own
// files), nor one that is or holds the home (the user's own tree: ~/.cargo;
// its top has entries of its own).
func (g *Gate) addUpwardTops(l *protect.List) {
	roots := g.resolvedRoots()
	var homes []string
	if h := g.Getenv("HOME"); filepath.IsAbs(h) {
		homes = append(homes, filepath.Clean(h), policy.Resolve(h, "/"))
	}
	for i, r := range roots {
		if i == 0 || r == "/" || policy.Inside(r, roots[0]) || slices.ContainsFunc(homes, func(h string) bool { return policy.Inside(h, r) }) {
			continue
		}
		l.Add(protect.Protected, protect.WhyUpwardTop, protect.UpwardTop(r)...)
	}
	// A project inside a shared root (/tmp/work/proj): the directories
	// between are above it too (sandbox's betweenSharedAndRoots).
	for _, s := range g.sharedRoots() {
		if roots[0] == s || !policy.Inside(roots[0], s) {
			continue
		}
		for d := filepath.Dir(roots[0]); d != s && policy.Inside(d, s); d = filepath.Dir(d) {
			l.Add(protect.Protected, protect.WhyUpwardTop, protect.UpwardTop(d)...)
		}
	}
}

// stateBelow returns the guard state paths strictly below the written path
// w (absolute, resolved): removing, moving or changing the mode of w
// (`rm -r ~/.config`) reaches them too.
func (g *Gate) stateBelow(w string) []string {
	var out []string
	for _, s := range g.state {
		if s != w && policy.Inside(s, w) {
			out = append(out, s)
		}
	}
	return out
}

// accountEnv is getenv with HOME taken from the password database and the
// XDG variables unset: where guard's state is for this account by default.
func accountEnv(getenv func(string) string) func(string) string {
	home := passwdHome()
	return func(key string) string {
		switch key {
		case "HOME":
			return home
		case "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "GUARD_CONFIG":
			return ""
		}
		return getenv(key)
	}
}

// loadPolicies builds the layers: the embedded default, /etc/guard/*.policy,
// $XDG_CONFIG_HOME/guard/*.policy, the configuration's policies, then the
// --policy files.
func (g *Gate) loadPolicies(opts Options, cfg config.Config) error {
	cache := policy.Cache{Dir: config.CacheDirWritten(g.Getenv), Version: opts.Version}
	if opts.PolicyAlone && len(opts.Policies) == 1 && cfg.Path == "" {
		p, err := cache.LoadFile(opts.Policies[0])
		if err != nil {
			return err
		}
		g.Set, g.PolicyFiles = policy.Set{p}, opts.Policies
		return nil
	}
	def, err := policy.Default()
	if err != nil {
		return fmt.Errorf("embedded default policy: %w", err)
	}
	g.Set = policy.Set{def}
	// The user's "always" answers (user.policy) come last: the last layer
	// that matches decides (a forbidding match in any layer still wins), and
	// an answer given at a prompt must hold the next time.
	files := globPolicies("/etc/guard")
	var answers []string
	for _, f := range globPolicies(config.Dir(g.Getenv)) {
		if f == g.UserPolicy {
			answers = append(answers, f)
		} else {
			files = append(files, f)
		}
	}
	files = append(files, cfg.Policies...)
	files = append(files, opts.Policies...)
	files = append(files, answers...)
	if _, err := os.Stat(g.ProjectPolicy); err == nil {
		files = append(files, g.ProjectPolicy) // this project's answers
	}
	for _, f := range files {
		if err := config.Own(f); err != nil {
			return fmt.Errorf("read policy: %w", err)
		}
		p, err := cache.LoadFile(f)
		if err != nil {
			if hiddenAnswers(f, g) {
				continue
			}
			return err
		}
		g.Set = append(g.Set, p)
	}
	g.PolicyFiles = files
	return nil
}

// hiddenAnswers reports whether f, which failed to load, is a file of
// remembered answers that the sandbox guard runs in hid (a /dev/null
// mounted over it, or a Landlock refusal): it holds "always" answers only,
// so going without it makes guard stricter, never looser (sandbox-6 S6-7).
func hiddenAnswers(f string, g *Gate) bool {
	if f != g.UserPolicy && f != g.ProjectPolicy {
		return false
	}
	if fi, err := os.Stat(f); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return true
	}
	_, err := safefile.Read(f, policy.MaxPolicyBytes) // a FIFO is refused, not waited on
	return errors.Is(err, fs.ErrPermission)
}

// globPolicies lists dir's *.policy files as the shell's glob would: names
// starting with "." are left out, such as the lock Emacs keeps beside a file
// being edited (.#team.policy, a symbolic link that leads nowhere), which
// made every command fail while the user edited their policy.
func globPolicies(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".policy") && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// Getenv is os.Getenv over env: the last entry for a key wins, as in the
// kernel's view of a duplicated variable.
func Getenv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		e := env[i]
		if len(e) > len(key) && e[len(key)] == '=' && e[:len(key)] == key {
			return e[len(key)+1:]
		}
	}
	return ""
}

func lookup(env []string) func(string) string {
	return func(key string) string { return Getenv(env, key) }
}

// Judge classifies argv and decides what the mode does with it.
func (g *Gate) Judge(argv []string) (policy.Verdict, policy.Decision) {
	argv = g.boundArgv(argv)
	v := g.Set.Judge(argv, g.Cwd)
	g.checkPrograms(&v, argv)
	g.checkRemembered(&v)
	g.checkGit(&v)
	g.checkGitPlaced(&v)
	g.checkGitHistory(&v)
	g.checkPathWrites(&v)
	return v, g.decide(&v)
}

// decide applies the mode to a verdict, and the configuration's mode when
// it is a ceiling.
func (g *Gate) decide(v *policy.Verdict) policy.Decision {
	v, prot := g.withState(v)
	d := policy.DecideProtected(v, g.Mode, g.Roots, prot, g.Home)
	for _, cp := range g.Caps {
		c := policy.DecideProtected(v, cp.Mode, g.Roots, prot, g.Home)
		if strictness(c.Action) > strictness(d.Action) {
			c.Reason = strings.TrimSpace(c.Reason + fmt.Sprintf(" (the mode in %s, %s, is the loosest guard uses; %s was asked for)", cp.File, cp.Mode, g.Mode))
			d = c
		}
	}
	return d
}

// withState returns v with the state of guard's that its writes reach (a
// write to a directory that holds guard's state is a write to that state),
// and the protected list, when v writes.
func (g *Gate) withState(v *policy.Verdict) (*policy.Verdict, *protect.List) {
	if len(v.Writes) == 0 {
		return v, nil
	}
	prot := g.ProtectList() // first: it finds the state stateBelow looks for
	var extra []string
	for _, w := range v.Writes {
		extra = append(extra, g.stateBelow(policy.Resolve(w, "/"))...)
	}
	if len(extra) > 0 {
		vv := *v
		vv.Writes = append(slices.Clone(v.Writes), extra...)
		v = &vv
	}
	return v, prot
}

// AskedWhateverTheMode returns why guard asks a person about v, or refuses
// it, in every mode even with its writes inside the writable roots, and
// "" when nothing does. prompt is set for what is asked in every mode, full-
// auto included: a rule or a destructive class that asks, a recursive
// removal of a root or a repository; else it is a write to a protected
// path or to guard's state, which full-auto refuses. guard check's "match"
// says only which files are written, which a harness runs when they are
// inside its roots (the original's contract), so check reports these as
// unverified.
func (g *Gate) AskedWhateverTheMode(v *policy.Verdict) (why string, prompt bool) {
	if v.Class == policy.Forbidden {
		return "", false
	}
	if v.Prompt != "" {
		return v.Prompt, true
	}
	vs, prot := g.withState(v)
	d := policy.DecideProtected(vs, policy.FullAuto, g.Roots, prot, g.Home)
	if d.Action == policy.Ask {
		return d.Reason, true
	}
	// Protected wherever it is: a harness's roots are its own.
	d = policy.DecideProtected(vs, policy.FullAuto, []string{"/"}, prot, g.Home)
	for _, w := range d.Writes {
		if w.Protected != "" {
			return "writes " + w.Resolved + " (" + w.Protected + "), which guard treats as outside every writable root", false
		}
	}
	return "", false
}

// Cap is a mode a configuration file sets: no decision is looser than it.
type Cap struct {
	Mode policy.Mode
	File string
}

// caps returns the modes that bound mode: the one the configuration set,
// and those of guard's configuration files at the other places the
// environment names ($XDG_CONFIG_HOME/guard, $HOME/.config/guard): a command
// that points GUARD_CONFIG or XDG_CONFIG_HOME elsewhere does not escape the
// mode the user wrote. One that is there but does not load (a directory,
// a link leading nowhere, an error in it) stops guard, as it does when it is
// the configuration in use.
func caps(cfg config.Config, mode policy.Mode, getenv func(string) string) ([]Cap, error) {
	var out []Cap
	add := func(m, file string) error {
		pm, err := policy.ParseMode(m)
		if err != nil {
			return err
		}
		if pm != mode {
			out = append(out, Cap{pm, file})
		}
		return nil
	}
	if cfg.Set["mode"] && cfg.Mode != "" {
		from := cfg.Path
		if cfg.ModeFrom != "" {
			from = cfg.ModeFrom
		}
		if err := add(cfg.Mode, from); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{filepath.Clean(cfg.Path): true}
	var places []string
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		places = append(places, filepath.Join(x, "guard", "config.toml"))
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		places = append(places, filepath.Join(h, ".config", "guard", "config.toml"))
	}
	for _, p := range places {
		if seen[filepath.Clean(p)] {
			continue
		}
		seen[filepath.Clean(p)] = true
		if _, err := os.Lstat(p); err != nil {
			continue // none there, or none this user can reach (another account's home)
		}
		other, err := config.Load(func(k string) string {
			if k == "GUARD_CONFIG" {
				return p
			}
			return getenv(k)
		})
		if fe := (*config.ForeignError)(nil); errors.As(err, &fe) {
			// Another account's file (root run with a user's HOME): not
			// this account's configuration, and a cap only tightens.
			continue
		}
		if err != nil {
			// Left out, a file whose errors stop guard when it is the
			// one in use stopped nothing once GUARD_CONFIG named another
			// (a file the agent wrote, for a shim with no guard above).
			return nil, fmt.Errorf("config: %w (it bounds the mode whatever GUARD_CONFIG or XDG_CONFIG_HOME names)", err)
		}
		if other.Set["mode"] && other.Mode != "" {
			if err := add(other.Mode, p); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// strictness orders the actions: a person or a refusal is stricter than
// any run, a sandboxed run stricter than a plain one.
func strictness(a policy.Action) int {
	switch a {
	case policy.Refuse:
		return 3
	case policy.Ask:
		return 2
	case policy.RunSandboxed:
		return 1
	}
	return 0
}
