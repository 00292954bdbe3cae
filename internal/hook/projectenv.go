package hook

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"

	"guard/internal/safefile"
)

// ProjectVar is a variable a project sets in its agent's environment, which
// the agent's hooks, guard's included, inherit.
type ProjectVar struct {
	Name, Value string
	File        string // where the project sets it
	// Unread, when set, is why guard could not read File, which the agent
	// reads whole (Name and Value are then empty): it may set anything.
	Unread error
}

// unread reports whether err, reading a file of the project's environment,
// means the agent may read what guard did not: a file over guard's size
// bound (measured: Gemini CLI 0.61.0 loaded a 17 MiB .env whose last line set
// BASH_ENV, and ran that script at every command, while guard skipped the
// file). A file that is missing, or that guard may not open, is one the
// agent does not read either.
func unread(err error) bool {
	return errors.Is(err, safefile.ErrTooLarge)
}

// guardVars are the variables guard's hook reads for its mode,
// configuration, roots, state and the agent's project and rules (besides
// every GUARD_ variable): a project that sets them would choose how guard
// judges it.
func guardVars(name string) bool {
	switch name {
	case "HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
		"XDG_DATA_HOME", "CLAUDE_PROJECT_DIR", "GEMINI_PROJECT_DIR", "CLAUDE_CONFIG_DIR",
		"CODEX_HOME", "GEMINI_CLI_HOME", "GEMINI_CLI_SYSTEM_SETTINGS_PATH":
		return true
	}
	return false
}

// codeVars are variables that make a program the agent runs run other code
// it names (a shell's start-up file, a preloaded library, a runtime's
// options, a pager, an editor, git's helpers): set by the project, every
// command the agent runs, a plain allow included, runs code guard never
// judged (with the real Gemini CLI, BASH_ENV from a .env the agent itself can
// write ran a project script at each ls).
func codeVars(name string) bool {
	switch name {
	case "BASH_ENV", "ENV", "ZDOTDIR", "SHELLOPTS", "BASHOPTS", "PROMPT_COMMAND",
		"PS4", "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "NODE_OPTIONS",
		"PERL5OPT", "RUBYOPT", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
		"DOTNET_STARTUP_HOOKS", "PYTHONSTARTUP", "LESSOPEN", "LESSCLOSE", "PAGER",
		"GIT_PAGER", "MANPAGER", "SYSTEMD_PAGER", "EDITOR", "VISUAL", "GIT_EDITOR",
		"GIT_SSH", "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_ASKPASS", "SSH_ASKPASS",
		"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
		"GIT_DIR", "GIT_EXEC_PATH", "GIT_TEMPLATE_DIR", "GIT_PROXY_COMMAND", "GIT_SEQUENCE_EDITOR",
		// Options a safe program reads from the environment that run a
		// program: tar's --use-compress-program and --to-command (a project's
		// .env made Gemini CLI's `tar tf a.tar` run its script), zip's -TT,
		// less's +!command, man's -P, rsync's remote shell.
		"TAR_OPTIONS", "ZIPOPT", "LESS", "MANOPT", "RSYNC_RSH", "RSYNC_CONNECT_PROG", "SYSTEMD_EDITOR",
		"SUDO_ASKPASS", "BROWSER",
		// The agent's own shell: Claude Code runs the Bash tool with $SHELL
		// (a program named zsh or bash), CLAUDE_CODE_SHELL, and wraps every
		// command in CLAUDE_CODE_SHELL_PREFIX (each seen to run a project's
		// script before every command), and runs the file CLAUDE_ENV_FILE
		// names ahead of every Bash command (seen with 2.1.332); it starts
		// background processes and teammates under CLAUDE_CODE_PROCESS_WRAPPER
		// and CLAUDE_CODE_TEAMMATE_COMMAND.
		"SHELL", "CLAUDE_CODE_SHELL", "CLAUDE_CODE_SHELL_PREFIX", "CLAUDE_ENV_FILE",
		"CLAUDE_CODE_PROCESS_WRAPPER", "CLAUDE_CODE_TEAMMATE_COMMAND":
		return true
	}
	return false
}

// GeminiOwnVar reports whether Gemini CLI itself, outside any tool call and
// so outside any hook, acts on the variable name at value when a project's
// .env sets it (Gemini CLI 0.61.0 loads the .env before its first request,
// read in its bundle): GEMINI_SYSTEM_MD naming a file makes that file the
// system prompt of every request (measured: a .env's
// GEMINI_SYSTEM_MD=~/.ssh/id_rsa sent the key to the model), and
// GEMINI_WRITE_SYSTEM_MD writes that prompt, the project's text, to the
// file it names (a start-up file of the user's); its debug log, context
// traces and activity log are written where theirs name; the base URL and
// proxies send the conversation elsewhere; its container sandbox's
// variables build the project's image and run a proxy command on the host;
// its IDE companion's command is started, and the IDE's other variables
// (GEMINI_CLI_IDE_*) make a project's folders of choice part of the
// workspace or a server of its choice the IDE. A switch value that names no
// path (GEMINI_SYSTEM_MD=true: the project's .gemini/system.md) and one
// that turns the feature off are no such variable.
func GeminiOwnVar(name, value string) bool {
	v := strings.ToLower(strings.TrimSpace(value))
	switch name {
	case "GEMINI_SYSTEM_MD":
		return v != "" && v != "0" && v != "false" && v != "1" && v != "true"
	case "GEMINI_WRITE_SYSTEM_MD":
		return v != "" && v != "0" && v != "false"
	}
	return v != "" && (slices.Contains(geminiOwnVars, name) || strings.HasPrefix(name, "GEMINI_CLI_IDE_"))
}

// geminiOwnVars are the variables of GeminiOwnVar.
var geminiOwnVars = []string{
	"GEMINI_SYSTEM_MD", "GEMINI_WRITE_SYSTEM_MD",
	"GEMINI_DEBUG_LOG_FILE", "GEMINI_CONTEXT_TRACE_DIR", "GEMINI_CLI_ACTIVITY_LOG_TARGET",
	"GOOGLE_GEMINI_BASE_URL", "GEMINI_BASE_URL", "GOOGLE_VERTEX_BASE_URL", "HTTPS_PROXY", "HTTP_PROXY",
	"https_proxy", "http_proxy", "ALL_PROXY", "all_proxy",
	"GEMINI_SANDBOX", "GEMINI_SANDBOX_IMAGE", "GEMINI_SANDBOX_PROXY_COMMAND", "BUILD_SANDBOX",
	"SANDBOX_FLAGS", "SANDBOX_MOUNTS", "SANDBOX_ENV", "SANDBOX_PORTS",
	"GEMINI_CLI_IDE_SERVER_STDIO_COMMAND", "GEMINI_CLI_IDE_SERVER_STDIO_ARGS",
	// The rest of the IDE's connection (any GEMINI_CLI_IDE_ variable counts):
	// the folders it adds to the workspace, whose file names go to the model
	// at the start and whose files Gemini CLI's own boundary then admits, the
	// port and token it connects to, the process it takes for the IDE.
	"GEMINI_CLI_IDE_WORKSPACE_PATH", "GEMINI_CLI_IDE_SERVER_PORT", "GEMINI_CLI_IDE_AUTH_TOKEN", "GEMINI_CLI_IDE_PID",
}

// GeminiOwnVars returns the names of GeminiOwnVar.
func GeminiOwnVars() []string { return slices.Clone(geminiOwnVars) }

// LookupVar reports whether the variable name says where programs or
// their libraries are found.
func LookupVar(name string) bool {
	switch name {
	case "PATH", "PYTHONPATH", "PYTHONHOME", "NODE_PATH", "PERL5LIB", "PERLLIB", "RUBYLIB", "GEM_PATH", "GEM_HOME", "LUA_PATH", "CLASSPATH":
		return true
	}
	return false
}

// GuardVar reports whether guard's hook reads the variable name.
func GuardVar(name string) bool {
	return strings.HasPrefix(name, "GUARD_") || guardVars(name)
}

// CodeVar reports whether the variable name makes the programs the agent
// runs run other code (see codeVars).
func CodeVar(name string) bool {
	return codeVars(name)
}

// watched: a variable a project must not set for its agent, to value.
func watched(name, value string) bool {
	return GuardVar(name) || CodeVar(name) && !benignValue(name, value)
}

// nodeOptionsBenign are the NODE_OPTIONS options that load no code, open no
// port and write no file: the heap sizes, warnings and TLS choices Node
// projects commonly set in a .env (--openssl-legacy-provider for old
// webpack builds). --require, --import, --loader, --inspect, --env-file,
// --openssl-config and the rest keep the project refused.
func nodeOptionsBenign(opt string) bool {
	switch opt {
	case "max-old-space-size", "max-semi-space-size", "no-warnings", "no-deprecation",
		"trace-warnings", "trace-deprecation", "enable-source-maps", "unhandled-rejections",
		"dns-result-order", "openssl-legacy-provider", "use-openssl-ca", "use-bundled-ca",
		"tls-min-v1.2", "tls-min-v1.3", "max-http-header-size", "preserve-symlinks",
		"no-experimental-fetch", "experimental-json-modules", "no-addons", "frozen-intrinsics":
		return true
	}
	return false
}

// benignValue reports whether a code variable's value names no code of the
// project: NODE_OPTIONS of nodeOptionsBenign only; a pager or editor that is
// a program found on PATH with plain options (less -R, vim, code --wait).
// Anything else (a path, a shell word, --require ./x.js) is not.
func benignValue(name, value string) bool {
	plain := func(s string) bool {
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._+=-", c)) {
				return false
			}
		}
		return s != ""
	}
	words := strings.Fields(value)
	if len(words) == 0 {
		return name != "SHELL" && name != "CLAUDE_CODE_SHELL" // set empty: no code named (an empty SHELL is no shell)
	}
	switch name {
	case "NODE_OPTIONS":
		for _, w := range words {
			opt, val, _ := strings.Cut(strings.TrimPrefix(w, "--"), "=")
			if !strings.HasPrefix(w, "--") || !nodeOptionsBenign(opt) || !plain(val+"x") {
				return false
			}
		}
		return true
	case "LESS":
		// Options only (-R, -FRX): +cmd runs a command, ! in it a shell.
		for _, w := range words {
			if w[0] != '-' || !plain(w[1:]) {
				return false
			}
		}
		return true
	case "PAGER", "GIT_PAGER", "MANPAGER", "SYSTEMD_PAGER", "EDITOR", "VISUAL", "GIT_EDITOR":
		for i, w := range words {
			if !plain(w) || i > 0 && w[0] != '-' || i == 0 && w[0] == '-' {
				return false
			}
		}
		return true
	}
	return false
}

// ProjectGuardVars returns the variables guard reads (see GuardVar), and
// those that make the agent's programs run other code (see CodeVar), that
// agent a took from the project's own files and that hold that value in
// getenv, the hook's environment: Claude Code's "env" in
// .claude/settings.json and .claude/settings.local.json (seen to reach the
// hooks with Claude Code 2.1.332; the repository root's settings.local.json
// too, see layers.go), Gemini CLI's .env file (.gemini/.env or .env, the
// first found from the project up, unless it is in the home directory;
// Gemini CLI 0.61.0 adds the variables that are not set yet), where the
// variables Gemini CLI itself acts on count too (GeminiOwnVar). A repository
// can ship them, and the agent can write a .env: GUARD_CONFIG pointing at a
// file of the project, or TMPDIR at the home directory, would then widen the
// writable roots guard judges by. Codex takes no environment from a project
// for its hooks, but its commands (a rewrite's guard among them) get a
// trusted project's shell_environment_policy.set from .codex/config.toml (in
// each directory from the repository root down), reported whatever the hook's environment holds. With getenv nil, every
// such variable the project sets is returned, whatever the environment
// holds. Files that cannot be read are skipped: the agent cannot
// read them either (a settings file that does not parse is refused where
// the agent's rules are read); one too large for guard is returned with
// Unread set.
func ProjectGuardVars(a Agent, project string, getenv func(string) string) []ProjectVar {
	if project == "" {
		return nil
	}
	var out []ProjectVar
	add := func(file, name, value string) {
		if watched(name, value) && (getenv == nil || getenv(name) == value) {
			out = append(out, ProjectVar{Name: name, Value: value, File: file})
		}
	}
	switch a {
	case ClaudeCode:
		for _, file := range claudeSettingsFiles(project) {
			top, err := settingsObject(file, false)
			if unread(err) {
				out = append(out, ProjectVar{File: file, Unread: err})
			}
			if err != nil || top == nil {
				continue
			}
			env, err := objectFields(orNull(top["env"]))
			if err != nil {
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(env)) {
				if v, err := decodeString(env[k]); err == nil {
					add(file, k, v)
				}
			}
		}
	case Codex:
		// Codex gives its commands, a rewrite's guard among them, the
		// variables of shell_environment_policy.set, from a trusted project's
		// .codex/config.toml too (seen with Codex 0.171: TMPDIR from there
		// made a directory outside a writable root of the sandboxed rewrite).
		for _, dir := range codexProjectDirs(project) {
			file := filepath.Join(dir, ".codex", "config.toml")
			b, ok, err := readOptional(file)
			if unread(err) {
				out = append(out, ProjectVar{File: file, Unread: err})
			}
			if err != nil || !ok {
				continue
			}
			var cfg struct {
				Policy struct {
					Set map[string]any `toml:"set"`
				} `toml:"shell_environment_policy"`
			}
			if toml.Unmarshal(b, &cfg) != nil {
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(cfg.Policy.Set)) {
				v, ok := cfg.Policy.Set[k].(string)
				if !ok {
					continue
				}
				// The hook judges with Codex's own environment, the commands
				// run with this one: a PATH or library path of the project's
				// makes them run other programs than the ones judged (seen:
				// PATH with the project's bin first ran its ls at a plain ls).
				if watched(k, v) || LookupVar(k) && (getenv == nil || getenv(k) != v) {
					out = append(out, ProjectVar{Name: k, Value: v, File: file})
				}
			}
		}
	case Gemini:
		home := ""
		if getenv != nil {
			home = getenv("HOME")
		} else {
			home, _ = os.UserHomeDir()
		}
		for _, file := range geminiEnvFiles(project, home) {
			b, ok, err := readOptional(file)
			if unread(err) {
				out = append(out, ProjectVar{File: file, Unread: err})
			}
			if err != nil || !ok {
				continue
			}
			for _, kv := range parseDotenv(b) {
				if GeminiOwnVar(kv[0], kv[1]) && (getenv == nil || getenv(kv[0]) == kv[1]) {
					out = append(out, ProjectVar{Name: kv[0], Value: kv[1], File: file})
					continue
				}
				add(file, kv[0], kv[1])
			}
		}
	}
	return out
}

// dotenvLine is the line syntax of the dotenv package Gemini CLI uses
// (NAME=value or NAME: value, "export " in front, values quoted with ', "
// or ` over several lines, # comments).
var dotenvLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*` + "`" + `(?:\\` + "`" + `|[^` + "`" + `])*` + "`" + `|[^#\r\n]+)?\s*(?:#.*)?$`)
})

// parseDotenv reads NAME=value pairs as dotenv does.
func parseDotenv(b []byte) [][2]string {
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	var out [][2]string
	for _, m := range dotenvLine().FindAllStringSubmatch(text, -1) {
		v := strings.TrimSpace(m[2])
		if n := len(v); n >= 2 && strings.ContainsRune("'\"`", rune(v[0])) && v[n-1] == v[0] {
			q := v[0]
			v = v[1 : n-1]
			if q == '"' {
				v = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(v)
			}
		}
		out = append(out, [2]string{m[1], v})
	}
	return out
}
