package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
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
