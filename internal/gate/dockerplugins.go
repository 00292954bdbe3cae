package gate

import (
	"encoding/json"
	"errors"
	"fmt"
	"guard/internal/safefile"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"guard/policy"
)

// The docker CLI runs its plugins (buildx, compose, scout...) as programs:
// docker-NAME from $DOCKER_CONFIG/cli-plugins (~/.docker/cli-plugins when
// the variable is unset), the directories config.json's
// cliPluginsExtraDirs names, then the system's. `docker buildx ls` and
// `docker compose ps` (rules call them safe) run the binary found there,
// and docker 26's plugin hooks run plugins after other commands too. A
// DOCKER_CONFIG in the project (CI and dev containers keep per-project
// logins so) made them run a program the agent may write (judge-11 R3).
// dockerPluginReach says which plugin directory of a docker command lies
// inside a writable root, or "". A directory the environment or the
// configuration names counts whether or not it exists yet (an earlier
// command of the script may make it); the default one under HOME counts
// when it exists. A relative DOCKER_CONFIG is taken from each directory the
// command may run in.
//
// Limits: podman's helpers (its containers.conf) are not looked at.
func (g *Gate) dockerPluginReach(dirs []string) string {
	cfg := g.Getenv("DOCKER_CONFIG")
	var cands []struct {
		dir   string
		named bool
	}
	add := func(d string, named bool) {
		cands = append(cands, struct {
			dir   string
			named bool
		}{filepath.Clean(d), named})
	}
	var cfgDirs []string
	switch {
	case cfg == "":
		if h := g.Getenv("HOME"); filepath.IsAbs(h) {
			cfgDirs = append(cfgDirs, filepath.Join(h, ".docker"))
		}
	case filepath.IsAbs(cfg):
		cfgDirs = append(cfgDirs, cfg)
	default:
		for _, d := range append([]string{g.Cwd}, dirs...) {
			cfgDirs = append(cfgDirs, filepath.Join(d, cfg))
		}
	}
	for _, c := range cfgDirs {
		add(filepath.Join(c, "cli-plugins"), cfg != "")
		for _, x := range dockerExtraPluginDirs(filepath.Join(c, "config.json")) {
			if !filepath.IsAbs(x) {
				x = filepath.Join(g.Cwd, x)
			}
			add(x, true)
		}
	}
	for _, c := range cands {
		if !c.named {
			if _, err := os.Lstat(c.dir); err != nil {
				continue
			}
		}
		real := policy.Resolve(c.dir, "/")
		for _, rr := range g.resolvedRoots() {
			if policy.Inside(real, rr) {
				return fmt.Sprintf("docker runs its CLI plugins (buildx, compose...) from %s, inside the writable root %s: a program written there runs", c.dir, rr)
			}
		}
	}
	return ""
}

// dockerExtraPluginDirs returns config.json's cliPluginsExtraDirs, or none
// (no file, or one that is not that JSON: docker then fails or ignores it).
func dockerExtraPluginDirs(path string) []string {
	b, err := safefile.Read(path, 1<<20) // not waiting on a FIFO
	if err != nil {
		return nil
	}
	var c struct {
		Extra []string `json:"cliPluginsExtraDirs"`
	}
	if json.Unmarshal(b, &c) != nil {
		return nil
	}
	return c.Extra
}

// dockerHelpers returns the programs a docker command may run by name
// through PATH: ssh, when the daemon is reached over ssh (DOCKER_HOST
// ssh://..., or a context other than the default, whose endpoint may be
// ssh: `docker ps` ran a planted ssh from a PATH directory in the project,
// judge-15), and the credential helpers config.json names (credsStore,
// credHelpers: docker-credential-NAME, run for a registry's login, `docker
// search` among them).
func (g *Gate) dockerHelpers() []string {
	var out []string
	cfgDir := g.Getenv("DOCKER_CONFIG")
	if cfgDir == "" {
		if h := g.Getenv("HOME"); filepath.IsAbs(h) {
			cfgDir = filepath.Join(h, ".docker")
		}
	}
	var c struct {
		CurrentContext string            `json:"currentContext"`
		CredsStore     string            `json:"credsStore"`
		CredHelpers    map[string]string `json:"credHelpers"`
	}
	known := false
	if filepath.IsAbs(cfgDir) {
		if b, err := safefile.Read(filepath.Join(cfgDir, "config.json"), 1<<20); err == nil {
			known = json.Unmarshal(b, &c) == nil
		} else {
			known = errors.Is(err, fs.ErrNotExist)
		}
	}
	ctx := g.Getenv("DOCKER_CONTEXT")
	if ctx == "" {
		ctx = c.CurrentContext
	}
	if strings.HasPrefix(g.Getenv("DOCKER_HOST"), "ssh://") || ctx != "" && ctx != "default" || !known {
		out = append(out, "ssh")
	}
	if c.CredsStore != "" {
		out = append(out, "docker-credential-"+c.CredsStore)
	}
	for _, h := range c.CredHelpers {
		out = append(out, "docker-credential-"+h)
	}
	return out
}
