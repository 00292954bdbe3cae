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
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"guard/internal/config"
	"guard/policy"
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
	Stderr     io.Writer
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
	cfg, projectLayers, err := withProject(cfg, root, getenv, stderr)
	if err != nil {
		return nil, err
	}
	g := &Gate{Cwd: cwd, Env: env, Config: cfg, Getenv: getenv, Stderr: stderr,
		UserPolicy: config.UserPolicyPath(getenv)}

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

	g.Roots = []string{cwd}
	if filepath.IsAbs(opts.Project) {
		g.Roots[0] = filepath.Clean(opts.Project)
	}
	if t := getenv("TMPDIR"); t != "" && filepath.IsAbs(t) {
		g.Roots = append(g.Roots, filepath.Clean(t))
	}
	g.Roots = append(g.Roots, "/tmp")
	g.Roots = append(g.Roots, cfg.WritableRoots...)
	for _, r := range opts.Roots {
		if !filepath.IsAbs(r) {
			r = filepath.Join(cwd, r)
		}
		g.Roots = append(g.Roots, filepath.Clean(r))
	}

	g.AllowNetwork = opts.AllowNetwork || cfg.AllowNetwork
	g.AllowUnixSockets = opts.AllowUnixSockets || cfg.AllowUnixSockets
	g.BestEffort = opts.BestEffort || cfg.Sandbox == "best-effort"
	g.JSON = opts.JSON || getenv("GUARD_JSON") == "1"
	g.AuditLog = getenv("GUARD_AUDIT_LOG")
	if g.AuditLog == "" {
		g.AuditLog = cfg.AuditLog
	}

	if err := g.loadPolicies(opts, cfg); err != nil {
		return nil, err
	}
	// A trusted project's own policies come last: its rules are about its
	// own scripts, and it was trusted by a person.
	g.Set = append(g.Set, projectLayers...)
	return g, nil
}

// loadPolicies builds the layers: the embedded default, /etc/guard/*.policy,
// $XDG_CONFIG_HOME/guard/*.policy, the configuration's policies, then the
// --policy files.
func (g *Gate) loadPolicies(opts Options, cfg config.Config) error {
	cache := policy.Cache{Dir: config.CacheDir(g.Getenv), Version: opts.Version}
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
	for _, f := range files {
		p, err := cache.LoadFile(f)
		if err != nil {
			return err
		}
		g.Set = append(g.Set, p)
	}
	g.PolicyFiles = files
	return nil
}

func globPolicies(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".policy") && !e.IsDir() {
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
	v := g.Set.Judge(argv, g.Cwd)
	return v, policy.Decide(&v, g.Mode, g.Roots)
}
