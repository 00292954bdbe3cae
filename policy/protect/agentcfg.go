package protect

import (
	"os"
	"path/filepath"
	"strings"
)

// Agents and editors run the programs their protected configs name,
// outside any sandbox: Claude Code a hook's command after every tool call
// and its status line's at every prompt, Gemini CLI and Cursor their hooks,
// every agent its MCP servers at start, VS Code a task, Dev Containers an
// initializeCommand on the host. The config is protected; a script it
// names in the project (`"$CLAUDE_PROJECT_DIR"/scripts/format.sh`, `bash
// scripts/lint.sh`, `node ./tools/mcp.js`) was writable, and ran at the
// agent's next tool call (twentieth red team of the sandbox).

// agentConfigFiles are the files below a protected agent or editor
// directory that name programs to run, by the directory's name.
var agentConfigFiles = map[string][]string{
	".claude":           {"settings.json", "settings.local.json"},
	".gemini":           {"settings.json"},
	".qwen":             {"settings.json"},
	".cursor":           {"hooks.json", "mcp.json"},
	".windsurf":         {"hooks.json", "mcp.json"},
	".vscode":           {"tasks.json", "mcp.json"},
	".codex":            {"config.toml", "hooks.json"},
	".roo":              {"mcp.json"},
	".kilocode":         {"mcp.json"},
	".amazonq":          {"mcp.json", "default.json"},
	".kiro":             {"settings/mcp.json"},
	".devcontainer":     {"devcontainer.json"},
	".opencode":         {"opencode.json", "opencode.jsonc"},
	".augment":          {"settings.json"},
	".kimi":             {"config.toml", "mcp.json"},
	".kimi-code":        {"mcp.json"},
	".devin":            {"hooks.json"},
	".codeium":          {"hooks.json"},
	"windsurf":          {"hooks.json", "mcp_config.json"},
	"windsurf-next":     {"hooks.json", "mcp_config.json"},
	"windsurf-insiders": {"hooks.json", "mcp_config.json"},
	".lmstudio":         {"mcp.json"},
}

// agentConfigNames are config files that name programs wherever the list
// protects them: relative paths in them are their directory's.
var agentConfigNames = []string{".mcp.json", "opencode.json", "opencode.jsonc", "crush.json", ".crush.json",
	".devcontainer.json", ".claude.json"}

// commandKeys are the keys whose value is a command to run: a shell string,
// an argv array, or an object of either (Dev Containers' parallel
// commands). A "command" is joined with the "args" beside it.
var commandKeys = map[string]bool{
	"command": true, "apiKeyHelper": true, "awsCredentialExport": true, "awsAuthRefresh": true,
	"otelHeadersHelper": true, "initializeCommand": true, "discoveryCommand": true, "callCommand": true,
	"notify": true, "bash": true, // Windsurf's {"pre_run_command": {"bash": "..."}}
}

// followAgentConfigs protects the files the agents' and editors' configs
// the resolution protected name as programs, where they reach a root; a
// missing one named as a path for sure is looked for after the command.
func (r *resolver) followAgentConfigs() {
	var configs []string
	add := func(dir string) {
		for _, f := range agentConfigFiles[filepath.Base(dir)] {
			configs = append(configs, filepath.Join(dir, f))
		}
	}
	for _, f := range r.prot {
		if f.Missing {
			continue
		}
		switch base := filepath.Base(f.Path); {
		case agentConfigFiles[base] != nil:
			add(f.Path)
		case has(agentConfigNames, base) || strings.HasSuffix(base, ".code-workspace") ||
			has(agentConfigFiles[filepath.Base(filepath.Dir(f.Path))], base):
			configs = append(configs, f.Path)
		}
	}
	done := map[string]bool{}
	for _, c := range configs {
		if done[c] {
			continue
		}
		done[c] = true
		top := filepath.Dir(c)
		if agentConfigFiles[filepath.Base(top)] != nil {
			top = filepath.Dir(top) // .claude/settings.json: the project's
		} else if d := filepath.Dir(top); agentConfigFiles[filepath.Base(d)] != nil {
			top = filepath.Dir(d) // .kiro/settings/mcp.json
		}
		b, err := readSmall(c)
		if err != nil {
			// One made later (outside: its directory is read-only inside)
			// must not leave a cached plan that does not follow it.
			r.w.AddEntry(c)
			continue
		}
		r.w.Add(c)
		var cmds [][]string
		if strings.HasSuffix(c, ".toml") {
			cmds = tomlCommands(string(b))
		} else {
			cmds = jsonCommands(b)
		}
		vars := strings.NewReplacer("${CLAUDE_PROJECT_DIR}", top, "$CLAUDE_PROJECT_DIR", top,
			"${GEMINI_PROJECT_DIR}", top, "$GEMINI_PROJECT_DIR", top, "${CURSOR_PROJECT_DIR}", top,
			"$CURSOR_PROJECT_DIR", top, "${workspaceFolder}", top, "${workspaceRoot}", top,
			"${localWorkspaceFolder}", top, "${HOME}", r.home, "$HOME", r.home, `"`, "", "'", "")
		for _, argv := range cmds[:min(len(cmds), 64)] {
			line := vars.Replace(strings.Join(argv, " "))
			for _, part := range splitCommands(line) {
				for _, cw := range commandWords(part) {
					r.followProgram(top, cw, "an agent or editor", c, false)
				}
			}
		}
	}
}

// followProgram protects the file a command word of config names,
// relative to top, for the runner that runs it later: an existing regular
// file, or a missing one the word names as a path for sure; with onlySure,
// a word that is no path for sure is not followed. A package a manager
// installs (node_modules/.bin/eslint) is not: the roots' dependencies are
// the documented limit, and keeping them read-only would fail every
// install.
func (r *resolver) followProgram(top string, cw commandWord, runner, config string, onlySure bool) {
	f := r.expandHome(cw.word)
	sure := cw.sure || filepath.IsAbs(f) || strings.HasPrefix(f, "./") || strings.HasPrefix(f, "../")
	if onlySure && !sure || strings.Contains("/"+f, "/node_modules/") {
		return
	}
	if !filepath.IsAbs(f) {
		f = filepath.Join(top, f)
	}
	f, _ = r.realPath(f)
	r.w.AddEntry(f)
	if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
		r.addGit(f, runner+" runs it later, outside the sandbox: "+config+" names it")
	} else if err != nil && sure {
		r.addMissing(f, runner+" runs it once it exists: "+config+" names it")
	}
}

// jsonCommands returns the commands a JSON (or JSONC: comments and
// trailing commas) document names under commandKeys, each as its words: a
// string is one word (a shell command line), an array its elements, a
// "command" followed by its object's "args". It reads tokens, not values:
// a malformed document yields what was read before the fault.
func jsonCommands(b []byte) [][]string {
	type frame struct {
		object, wantKey, commands bool // commands: every value in it is a command
		key                       string
		words                     []string // an array's strings
		command, args             []string // an object's
	}
	var out [][]string
	stack := []frame{{}}
	for i := 0; i < len(b); i++ {
		top := &stack[len(stack)-1]
		switch c := b[i]; c {
		case '/':
			if i+1 < len(b) && b[i+1] == '/' {
				for i < len(b) && b[i] != '\n' {
					i++
				}
			} else if i+1 < len(b) && b[i+1] == '*' {
				end := strings.Index(string(b[i+2:]), "*/")
				if end < 0 {
					return out
				}
				i += end + 3
			}
		case '{', '[':
			f := frame{object: c == '{', wantKey: c == '{'}
			if top.object {
				f.key = top.key
				f.commands = top.commands || commandKeys[top.key]
			} else {
				f.commands = top.commands
			}
			if len(stack) > 64 {
				return out
			}
			stack = append(stack, f)
		case '}', ']':
			if len(stack) == 1 {
				return out
			}
			stack = stack[:len(stack)-1]
			parent := &stack[len(stack)-1]
			switch {
			case top.object && top.command != nil:
				out = append(out, append(top.command, top.args...))
			case top.object:
			case parent.object && top.key == "command":
				parent.command = top.words
			case parent.object && top.key == "args":
				parent.args = top.words
			case top.commands && len(top.words) > 0:
				out = append(out, top.words)
			}
		case ',':
			if top.object {
				top.wantKey = true
			}
		case '"':
			s, n := jsonString(b[i:])
			i += n - 1
			switch {
			case top.object && top.wantKey:
				top.key, top.wantKey = s, false
			case !top.object:
				top.words = append(top.words, s)
			case top.key == "command":
				top.command = []string{s}
			case top.commands || commandKeys[top.key]:
				out = append(out, []string{s})
			}
		}
	}
	return out
}

// jsonString decodes the string literal at the start of b (escapes read
// as the character they stand for, \uXXXX as nothing) and returns it with
// the bytes it took.
func jsonString(b []byte) (string, int) {
	var s strings.Builder
	for i := 1; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			return s.String(), i + 1
		case '\\':
			if i+1 < len(b) {
				i++
				switch b[i] {
				case 'n', 't', 'r':
					s.WriteByte(' ')
				case 'u':
					i += 4
				default:
					s.WriteByte(b[i])
				}
			}
		default:
			s.WriteByte(c)
		}
	}
	return s.String(), len(b)
}

// tomlCommands returns the commands a TOML file (Codex's config.toml)
// names: a table's `command` with its `args`, and `notify`, read line by
// line; an array may span lines.
func tomlCommands(text string) [][]string {
	var out [][]string
	var command, args, words []string
	key := "" // the key an array being read belongs to
	flush := func() {
		if command != nil {
			out = append(out, append(command, args...))
		}
		command, args = nil, nil
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if key == "" {
			if strings.HasPrefix(line, "[") {
				flush()
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			k, line = strings.TrimSpace(k), strings.TrimSpace(v)
			if k != "command" && k != "args" && k != "notify" {
				continue
			}
			if !strings.HasPrefix(line, "[") {
				if k == "command" {
					command = []string{strings.Trim(line, `"'`)}
				}
				continue
			}
			key, words = k, nil
		}
		words = append(words, strings.Split(line, `"`)[1:]...)
		if strings.Contains(line, "]") {
			var kept []string // the quoted parts: every other piece
			for j := 0; j < len(words); j += 2 {
				kept = append(kept, words[j])
			}
			switch key {
			case "command":
				command = kept
			case "args":
				args = kept
			case "notify":
				out = append(out, kept)
			}
			key = ""
		}
	}
	flush()
	return out
}

// followHookScripts protects the files the protected hooks and hook
// managers' configs run by path: a git hook (`.git/hooks/pre-commit`
// running `./scripts/check.sh`), a core.hooksPath hook, a husky hook, an
// .envrc's commands, pre-commit's `entry:` and lefthook's `run:`. Each
// runs later outside the sandbox, at the person's next commit or cd; the
// hook was read-only and the script it runs was not (sandbox-19's "left").
// Relative paths are the work tree top's, where git, husky and the hook
// managers run them; an .envrc's, its directory's.
func (r *resolver) followHookScripts() {
	for _, f := range r.prot {
		if f.Missing {
			continue
		}
		dir, base := filepath.Dir(f.Path), filepath.Base(f.Path)
		switch {
		case base == "hooks" && filepath.Base(dir) == ".git", base == ".husky",
			strings.HasPrefix(f.Entry.Reason, "core.hooksPath"):
			top := dir // .husky's, and a hooks path's in the work tree (.githooks)
			if base == "hooks" {
				top = filepath.Dir(dir)
			}
			r.w.Add(f.Path) // a hook added later changes the listing
			for i, name := range listNames(f.Path) {
				if i == 64 {
					break
				}
				if strings.HasSuffix(name, ".sample") || name == "_" {
					continue
				}
				r.followScript(filepath.Join(f.Path, name), top, false)
			}
		case base == ".envrc":
			r.followScript(f.Path, dir, false)
		case base == ".pre-commit-config.yaml" || strings.HasPrefix(base, "lefthook") || strings.HasPrefix(base, ".lefthook"):
			r.followScript(f.Path, dir, true)
		}
	}
}

// followScript follows the commands of a shell script (or, yaml, the
// `entry:` and `run:` values of a hook manager's config) as programs top
// runs.
func (r *resolver) followScript(p, top string, yaml bool) {
	b, err := readSmall(p)
	if err != nil {
		return
	}
	r.w.Add(p)
	for n, line := range strings.Split(string(b), "\n") {
		if n == 2000 {
			break
		}
		line = strings.TrimSpace(line)
		if yaml {
			k, v, ok := strings.Cut(strings.TrimPrefix(line, "- "), ":")
			if !ok || strings.TrimSpace(k) != "entry" && strings.TrimSpace(k) != "run" {
				continue
			}
			line = strings.Trim(strings.TrimSpace(v), `"'`)
		}
		if line == "" || line[0] == '#' {
			continue
		}
		// Only the programs and interpreters' scripts: a script's other
		// words are its arguments (prettier --check src/main.ts, direnv's
		// watch_file package.json), files the project edits all the time.
		for _, part := range splitCommands(line) {
			for { // exec ./x, command ./x, nohup ./x: the program is the next word
				w, rest, _ := strings.Cut(strings.TrimSpace(part), " ")
				if w != "exec" && w != "command" && w != "nohup" && w != "time" && w != "env" {
					break
				}
				part = rest
			}
			for _, cw := range commandWords(part) {
				r.followProgram(top, cw, "a hook", p, true)
			}
		}
	}
}

// AgentConfigs returns the paths, relative to a home, of the files
// through which an agent or editor runs programs, guard's hooks among
// them: each protected agent directory's config files and the config files
// named alone (.claude/settings.json, .codex/hooks.json, .claude.json...).
// Where no user namespace is made, the sandbox gives back the owner's
// permissions a command took from them: an agent that cannot read its
// settings starts no hooks.
func AgentConfigs() []string {
	var out []string
	for d, files := range agentConfigFiles {
		for _, f := range files {
			out = append(out, filepath.Join(d, f))
		}
	}
	return append(out, agentConfigNames...)
}
