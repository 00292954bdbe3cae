package gate

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"guard/internal/config"
	"guard/internal/trust"
	"guard/policy"
)

// TrustStore is where `guard trust` records the projects a person trusted:
// trusted.json in guard's configuration directory.
func TrustStore(getenv func(string) string) trust.Store {
	d := config.Dir(getenv)
	if d == "" {
		return trust.Store{}
	}
	return trust.Store{Path: filepath.Join(d, "trusted.json")}
}

// withProject applies the trusted project configuration that covers root
// (the nearest project at or above root that a person trusted) to cfg, and
// returns its policy layers, evaluated from the very bytes that were
// checked. A .guard that was never trusted is ignored with a one-line
// warning naming the command that trusts it: an agent that makes one (even
// nested inside a trusted project) changes nothing. A trusted project whose
// files changed or went away is not applied either, and since what it said
// may have been stricter than the user's configuration, guard then runs in
// suggest mode there until a person trusts it again: tampering never
// loosens. A trusted file that does not load is an error, as the user's own
// config would be.
func withProject(cfg config.Config, root string, getenv func(string) string, stderr io.Writer) (config.Config, policy.Set, error) {
	store := TrustStore(getenv)
	if store.Path == "" {
		return cfg, nil, nil
	}
	nearest := trust.Find(root)
	recs, err := store.List()
	if err != nil {
		return cfg, nil, fmt.Errorf("trusted projects: %w", err)
	}
	if len(recs) > 0 {
		// Projects are recorded resolved (guard trust and trust.Find
		// follow links): a working directory reached through a link
		// ($PWD /link/p for /real/p) is in the same project.
		if r, err := filepath.EvalSymlinks(root); err == nil {
			root = r
		}
	}
	project := ""
	for _, r := range recs {
		if policy.Inside(root, r.Project) && len(r.Project) > len(project) {
			project = r.Project
		}
	}
	if nearest != "" && nearest != project && (project == "" || policy.Inside(nearest, project)) {
		Warn(stderr, "%s/%s is not trusted; ignored (guard trust, run in %s, applies it)", nearest, trust.Dir, nearest)
	}
	if project == "" {
		return cfg, nil, nil
	}
	files, err := store.Check(project)
	if err != nil {
		Warn(stderr, "%s/%s is %v; not applied, and guard runs in suggest mode there until it is trusted again (review it, then guard trust, run in %s; or guard trust --revoke there to forget it)", project, trust.Dir, err, project)
		setMode(&cfg, string(policy.Suggest), filepath.Join(project, trust.Dir)+" (changed since it was trusted)")
		return cfg, nil, nil
	}
	return applyProject(cfg, project, files, getenv)
}

// applyProject applies the checked files of project's .guard to cfg.
func applyProject(cfg config.Config, project string, files []trust.File, getenv func(string) string) (config.Config, policy.Set, error) {
	var set policy.Set
	for _, f := range files {
		path := filepath.Join(project, trust.Dir, f.Name)
		if f.Name != "config.toml" {
			p, err := policy.Evaluate(path, f.Data)
			if err != nil {
				return cfg, nil, err
			}
			set = append(set, p)
			continue
		}
		pc, err := config.Parse(path, f.Data, getenv("HOME"))
		if err != nil {
			return cfg, nil, fmt.Errorf("config: %w", err)
		}
		for _, key := range []string{"policies", "audit_log", "shell"} {
			if pc.Set[key] {
				return cfg, nil, fmt.Errorf("config: %s: %s is not allowed in a project's configuration (put policy files in %s; the log and the shell are the user's)", path, key, trust.Dir)
			}
		}
		// A root that exists but is no directory is refused.
		if _, err := existingRoots(pc.WritableRoots, "writable_roots in "+path, io.Discard); err != nil {
			return cfg, nil, err
		}
		for _, r := range pc.WritableRoots {
			if state := guardState(r, getenv); state != "" {
				return cfg, nil, fmt.Errorf("config: %s: writable root %s would make guard's own state (%s) writable: refused", path, r, state)
			}
		}
		if pc.Set["mode"] {
			setMode(&cfg, pc.Mode, path)
		}
		if pc.Set["sandbox"] {
			cfg.Sandbox = pc.Sandbox
		}
		cfg.AllowNetwork = cfg.AllowNetwork || pc.AllowNetwork
		cfg.AllowUnixSockets = cfg.AllowUnixSockets || pc.AllowUnixSockets
		cfg.WritableRoots = append(cfg.WritableRoots, pc.WritableRoots...)
		cfg.Protect.Protected = append(cfg.Protect.Protected, pc.Protect.Protected...)
		cfg.Protect.Secrets = append(cfg.Protect.Secrets, pc.Protect.Secrets...)
		cfg.Protect.SecretEnv = append(cfg.Protect.SecretEnv, pc.Protect.SecretEnv...)
		if len(pc.Protect.Unprotected)+len(pc.Protect.NotSecret)+len(pc.Protect.SecretEnvAllow) > 0 {
			return cfg, nil, fmt.Errorf("config: %s: a project may add protected paths and secrets, not remove them (unprotected, not_secret and secret_env_allow are the user's)", path)
		}
	}
	return cfg, set, nil
}

// setMode makes mode, which from sets, the configured mode: the ceiling of
// --mode and GUARD_MODE (see caps), as the user's own mode is. A trusted
// project's mode that was left out of Set was no ceiling at all where the
// user's config.toml sets no mode: GUARD_MODE=full-auto ran what the
// project's auto-edit asks about, sandboxed, unasked.
func setMode(cfg *config.Config, mode, from string) {
	set := maps.Clone(cfg.Set)
	if set == nil {
		set = map[string]bool{}
	}
	set["mode"] = true
	cfg.Mode, cfg.Set, cfg.ModeFrom = mode, set, from
}

// guardState returns the part of guard's own state that a writable root
// would contain or be inside, or "".
func guardState(root string, getenv func(string) string) string {
	for _, s := range []string{config.Dir(getenv), filepath.Dir(config.CacheDir(getenv)), filepath.Dir(config.DefaultAuditLog(getenv))} {
		if s == "" || s == "." {
			continue
		}
		if policy.Inside(s, root) || policy.Inside(root, s) {
			return s
		}
	}
	return ""
}

// someNames is names joined, the first twelve, then how many more.
func someNames(names []string) string {
	const most = 12
	shown := strings.Join(names[:min(len(names), most)], ", ")
	if len(names) > most {
		shown += fmt.Sprintf(" and %d more", len(names)-most)
	}
	return shown
}

// ProjectEffect says, one line each, what trusting project's files would
// change in guard there: the loosenings a person is asked to approve (the
// mode, each writable root, the network, Unix sockets, a best-effort
// sandbox, and the programs each policy file has rules for), then what only
// tightens. `guard trust` shows it before it asks: the agent may have
// written the files, and a list of names and sizes says nothing of what
// they allow. The lines hold the files' own words, unescaped. The error is
// the one applying the files would give (a policy or config.toml that does
// not load, a key a project may not set, a root over guard's state): a
// person is never asked to trust files that would stop every command there.
func ProjectEffect(project string, files []trust.File, getenv func(string) string) ([]string, error) {
	base := config.Default()
	cfg, set, err := applyProject(base, project, files, getenv)
	if err != nil {
		return nil, err
	}
	// What each policy file has rules for first, what only tightens next,
	// and what loosens the most last, right above the question: a .guard
	// with hundreds of policy files pushed the mode and the roots off the
	// screen. Past the first few, the policy files share one line.
	const shownFiles = 8
	var out, last []string
	var more []string
	moreFiles := 0
	for _, p := range set {
		var names, inside []string
		for _, pr := range p.AllPrograms() {
			names = append(names, pr.Key)
			for _, spec := range pr.Value {
				for _, sp := range spec.SystemPath {
					if policy.Inside(filepath.Clean(sp), project) && !slices.Contains(inside, sp) {
						inside = append(inside, sp)
					}
				}
			}
		}
		for _, pr := range p.Prefixes {
			for _, rule := range pr.Value {
				if rule.Decision == policy.DecisionAllow && !slices.Contains(names, rule.Name) {
					names = append(names, rule.Name)
				}
			}
		}
		for _, sp := range inside {
			// Unlike a remembered rule for ./script, not bound to the
			// file's content.
			last = append(last, filepath.Base(p.File)+": runs "+sp+" as its rules say, whatever an agent that writes in the project puts in it")
		}
		if len(names) == 0 {
			continue
		}
		if moreFiles > 0 || len(out) == shownFiles {
			moreFiles++
			for _, n := range names {
				if !slices.Contains(more, n) {
					more = append(more, n)
				}
			}
			continue
		}
		out = append(out, filepath.Base(p.File)+": rules (allowing, or stricter) for "+someNames(names))
	}
	if moreFiles > 0 {
		out = append(out, fmt.Sprintf("%d more policy files: rules (allowing, or stricter) for %s", moreFiles, someNames(more)))
	}
	if n := len(cfg.Protect.Protected) + len(cfg.Protect.Secrets) + len(cfg.Protect.SecretEnv); n > 0 {
		out = append(out, fmt.Sprintf("%d protected paths, secrets or secret variables added (stricter)", n))
	}
	if cfg.Mode != base.Mode {
		out = append(out, "mode "+cfg.Mode+": the mode where neither --mode nor GUARD_MODE names one, and the loosest used here")
	}
	for _, r := range cfg.WritableRoots {
		where := "outside the project"
		if policy.Inside(filepath.Clean(r), project) {
			where = "inside the project"
		}
		out = append(out, "writable root "+r+" ("+where+"): commands and edits may write there unasked in auto-edit and full-auto")
	}
	if cfg.AllowNetwork {
		out = append(out, "allow_network: full-auto's sandbox reaches the network")
	}
	if cfg.AllowUnixSockets {
		out = append(out, "allow_unix_sockets: full-auto's sandbox connects to Unix sockets (a Docker socket is a root shell)")
	}
	if cfg.Sandbox != base.Sandbox {
		out = append(out, "sandbox "+cfg.Sandbox+": full-auto runs with what the kernel enforces instead of refusing")
	}
	out = append(out, last...)
	return out, nil
}
