package protect

import (
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// followMiseConfigs protects what the mise configs found (mise.toml and its
// other names, protected themselves) have mise run or load when a shell with
// `mise activate` shows a prompt in the directory: mise trusts a config, not
// the files it names, and reads those again, changed, without a new trust.
// [env]'s _.source (a bash script mise runs, keeping what it exports) and
// _.file (a dotenv read into the shell: PROMPT_COMMAND=CMD runs CMD at the
// next prompt), and the scripts [hooks] (enter, leave, cd...) and
// [[watch_files]]'s run name by path. Existing files are kept read-only,
// missing ones watched. Paths are relative to the config's root (the project
// for .mise/config.toml and .config/mise.toml), "{{config_root}}/" allowed;
// other templates are not followed.
func (r *resolver) followMiseConfigs() {
	var configs []string
	for _, f := range r.prot {
		if f.Missing || f.Checkout || f.Entry.Reason != whyMise {
			continue
		}
		if strings.HasSuffix(f.Path, ".toml") {
			configs = append(configs, f.Path)
			continue
		}
		if base := filepath.Base(f.Path); base != ".mise" && base != "mise" {
			continue // an .envrc (followEnvrcs)
		}
		// A .mise, mise or .config/mise directory: its config.toml and conf.d.
		r.w.Add(f.Path)
		configs = append(configs, filepath.Join(f.Path, "config.toml"))
		for i, name := range listNames(filepath.Join(f.Path, "conf.d")) {
			if i < 32 && strings.HasSuffix(name, ".toml") {
				configs = append(configs, filepath.Join(f.Path, "conf.d", name))
			}
		}
	}
	for _, c := range configs {
		b, err := readSmall(c)
		if err != nil {
			continue
		}
		r.w.Add(c)
		var doc map[string]any
		if toml.Unmarshal(b, &doc) != nil {
			continue
		}
		root := miseConfigRoot(c)
		for _, p := range miseLoads(doc) {
			p, ok := strings.CutPrefix(p, "{{config_root}}/")
			if !ok {
				p, _ = strings.CutPrefix(p, "{{ config_root }}/")
			}
			if p == "" || strings.Contains(p, "{{") {
				continue
			}
			r.followProgram(root, commandWord{p, true}, "mise", c, true)
		}
		for _, cmd := range miseCommands(doc) {
			for _, part := range splitCommands(cmd) {
				for _, cw := range commandWords(part) {
					r.followProgram(root, cw, "mise", c, true)
				}
			}
		}
	}
}

// whyMise is the reason of the list's entry for mise's configs.
const whyMise = "direnv or mise runs it when a shell enters the directory"

// miseConfigRoot is the directory a mise config's relative paths start
// from: the project, for a config in .mise/, mise/, .config/mise/ (and its
// conf.d) or .config/.
func miseConfigRoot(config string) string {
	dir := filepath.Dir(config)
	if filepath.Base(dir) == "conf.d" {
		dir = filepath.Dir(dir)
	}
	switch filepath.Base(dir) {
	case ".mise", "mise":
		dir = filepath.Dir(dir)
		if filepath.Base(dir) == ".config" {
			dir = filepath.Dir(dir)
		}
	case ".config":
		dir = filepath.Dir(dir)
	}
	return dir
}

// miseLoads are the files [env]'s _.source and _.file name (a string, an
// array, or a table with path), in [env] as a table or an array of tables.
func miseLoads(doc map[string]any) []string {
	var envs []map[string]any
	switch e := doc["env"].(type) {
	case map[string]any:
		envs = append(envs, e)
	case []any:
		for _, x := range e {
			if m, ok := x.(map[string]any); ok {
				envs = append(envs, m)
			}
		}
	}
	var out []string
	for _, env := range envs {
		directives, _ := env["_"].(map[string]any)
		for _, key := range []string{"source", "file"} {
			out = append(out, tomlPaths(directives[key])...)
		}
	}
	return out
}

// tomlPaths are the paths a directive's value names: a string, an array of
// strings or of tables with path, a table with path.
func tomlPaths(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case map[string]any:
		if p, ok := v["path"].(string); ok {
			return []string{p}
		}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, tomlPaths(x)...)
		}
		return out
	}
	return nil
}

// miseCommands are the shell commands [hooks] (each hook a string, an
// array, or tables with script or run) and [[watch_files]]'s run hold.
func miseCommands(doc map[string]any) []string {
	var out []string
	var add func(v any)
	add = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				add(x)
			}
		case map[string]any:
			add(v["script"])
			add(v["run"])
		}
	}
	if hooks, ok := doc["hooks"].(map[string]any); ok {
		for _, v := range hooks {
			add(v)
		}
	}
	add(doc["watch_files"])
	return out
}
