package hook

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// codexConfigHooks returns the hooks Codex declares in its configuration
// rather than in a hooks.json: the [hooks] table of each config.toml layer
// (the machine's /etc/codex/config.toml and managed_config.toml, the user's
// $CODEX_HOME/config.toml, a project's .codex/config.toml) and of the -c
// (--config) overrides on the hook's ancestors' command lines, which Codex
// 0.171.0 reads as a layer of its own ("<session-flags>/config.toml"). The
// table has hooks.json's shape ([[hooks.PreToolUse]] with a matcher and
// [[hooks.PreToolUse.hooks]] handlers); measured: a trusted echo hook in the
// user's config.toml ran beside guard's and its answer undid guard's
// sandboxed rewrite (hooks-18 H18-3). A file or override that does not
// parse is skipped (Codex refuses to start with one).
func codexConfigHooks(env RuleEnv, home string) []hookSource {
	files := []string{filepath.Join(env.CodexSystem, "config.toml"), filepath.Join(env.CodexSystem, "managed_config.toml"),
		filepath.Join(home, "config.toml")}
	if env.Project != "" {
		for _, d := range codexProjectDirs(env.Project) {
			files = append(files, filepath.Join(d, ".codex", "config.toml"))
		}
	}
	var out []hookSource
	for _, f := range files {
		b, ok, err := readOptional(f)
		if err != nil || !ok {
			continue
		}
		if src, ok := codexHooksTable(f, b); ok {
			out = append(out, src)
		}
	}
	for _, f := range ancestorFlags([]string{"-c", "--config"}, false) {
		key, value, ok := strings.Cut(f.value, "=")
		key = strings.TrimSpace(key)
		if !ok || key != "hooks" && !strings.HasPrefix(key, "hooks.") {
			continue
		}
		if src, ok := codexHooksTable("the "+f.name+" "+quoteCommand(f.value)+" override", []byte(key+" = "+value)); ok {
			out = append(out, src)
		}
	}
	return out
}

// codexHooksTable reads the [hooks] table of a Codex configuration text as
// a hooks.json object (its "state" subtable, the trust records, is no
// event).
func codexHooksTable(name string, text []byte) (hookSource, bool) {
	var cfg struct {
		Hooks map[string]any `toml:"hooks"`
	}
	if toml.Unmarshal(text, &cfg) != nil || len(cfg.Hooks) == 0 {
		return hookSource{}, false
	}
	b, err := json.Marshal(cfg.Hooks)
	if err != nil {
		return hookSource{}, false
	}
	hooks, err := objectFields(b)
	if err != nil || hooks == nil {
		return hookSource{}, false
	}
	return hookSource{file: name, hooks: hooks}, true
}
