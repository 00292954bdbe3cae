package hook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"guard/internal/safefile"
)

// Claude Code takes settings from its command line too, which it does not
// pass on to its hooks: a settings layer of their own (--settings FILE or
// JSON, and the hidden --managed-settings JSON an SDK host passes), with
// its permission rules and hooks, and deny rules (--disallowedTools). guard
// reads them from the command lines of the hook's ancestor processes, as it
// reads --plugin-dir (hooks-17). Measured with Claude Code 2.1.332 in
// full-auto: `--disallowedTools 'Bash(rm:*)'` and `--settings
// '{"permissions": {"deny": ["Bash(rm:*)"]}}'` no longer matched guard's
// sandboxed rewrite of `rm -rf build`, which ran; an echo hook of a
// `--settings FILE` undid the rewrite (hooks-7 H7-2).
//
// Limits: only Linux has /proc to read them from; every ancestor up to
// eight levels counts, Claude Code or not (the stricter reading); a
// settings value that does not parse, or a file that cannot be read, is
// skipped (Claude Code does not start with one).

// ancestorFlag is one value of a flag on an ancestor's command line, and
// the pid of the process that took it, for a relative path.
type ancestorFlag struct {
	name, value string
	pid         int
}

// path resolves p, a path the flag named, as the process that took it
// would: a relative one against its working directory ("" when unknown).
func (f ancestorFlag) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	cwd, err := os.Readlink("/proc/" + strconv.Itoa(f.pid) + "/cwd")
	if err != nil {
		return ""
	}
	return filepath.Join(cwd, p)
}

// ancestor is a process above this hook: its pid and the words of its
// command line.
type ancestor struct {
	pid  int
	args []string
}

// ancestors returns this hook's ancestor processes, up to eight levels,
// read once per process: each reading of flags walks the same list (read
// per reading, five readings a hook call cost 300 system calls).
var ancestors = sync.OnceValue(func() []ancestor {
	var out []ancestor
	pid := os.Getppid()
	for range 8 {
		if pid <= 1 {
			break
		}
		proc := "/proc/" + strconv.Itoa(pid)
		if b, err := safefile.ReadProc(proc + "/cmdline"); err == nil {
			out = append(out, ancestor{pid, strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")})
		}
		var err error
		if pid, err = parentOf(pid); err != nil {
			break
		}
	}
	return out
})

// ancestorFlags returns the values the flags names take on the command
// lines of this hook's ancestor processes, up to eight levels: `--flag
// VALUE` and `--flag=VALUE`, and with variadic every argument after the
// flag up to the next one starting with "-", as a variadic option of
// Claude Code's takes them. A "--" ends a command line's flags.
func ancestorFlags(names []string, variadic bool) []ancestorFlag {
	var out []ancestorFlag
	for _, p := range ancestors() {
		args := p.args
		for i := 0; i < len(args); i++ {
			a := args[i]
			if a == "--" {
				break
			}
			for _, n := range names {
				if v, ok := strings.CutPrefix(a, n+"="); ok {
					out = append(out, ancestorFlag{n, v, p.pid})
				} else if a == n && !variadic && i+1 < len(args) {
					i++
					out = append(out, ancestorFlag{n, args[i], p.pid})
				} else if a == n {
					for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
						i++
						out = append(out, ancestorFlag{n, args[i], p.pid})
					}
				}
			}
		}
	}
	return out
}

// flagSettings is a settings object Claude Code's command line gives, and
// where it comes from (for messages).
type flagSettings struct {
	source string
	top    map[string]json.RawMessage
}

// claudeFlagSettings returns the settings of Claude Code's --settings (a
// file, or a JSON object when the value starts with "{") and
// --managed-settings (JSON) flags on the hook's ancestors' command lines.
func claudeFlagSettings(home string) []flagSettings {
	var out []flagSettings
	for _, f := range ancestorFlags([]string{"--settings", "--managed-settings"}, false) {
		v := strings.TrimSpace(f.value)
		source, data := f.name+" "+quoteCommand(v), []byte(v)
		if !strings.HasPrefix(v, "{") {
			file := f.path(expandHome(v, home))
			if file == "" {
				continue
			}
			b, ok, err := readOptional(file)
			if err != nil || !ok {
				continue
			}
			source, data = file+" (the "+f.name+" flag's file)", b
		}
		top, err := objectFields(data)
		if err != nil || top == nil {
			continue
		}
		out = append(out, flagSettings{source, top})
	}
	return out
}

// claudeDisallowedRules returns the rules of Claude Code's --disallowedTools
// (--disallowed-tools) flags on the hook's ancestors' command lines: each
// value is a list separated by commas or spaces outside parentheses
// ("Bash(git log:*) Edit").
func claudeDisallowedRules() []string {
	var out []string
	for _, f := range ancestorFlags([]string{"--disallowedTools", "--disallowed-tools"}, true) {
		out = append(out, splitToolList(f.value)...)
	}
	return out
}

// splitToolList splits a command line's tool list on commas and white space
// outside parentheses.
func splitToolList(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0 && (r == ',' || unicode.IsSpace(r)):
			if t := strings.TrimSpace(s[start:i]); t != "" {
				out = append(out, t)
			}
			start = i + len(string(r))
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// flagAgent is a subagent definition of Claude Code's --agents flag.
type flagAgent struct {
	name, source string
	def          map[string]json.RawMessage
}

// claudeFlagAgents returns the subagent definitions of the --agents flags
// on the hook's ancestors' command lines: a JSON object of definitions by
// name, or the path of a file holding one. Measured with Claude Code
// 2.1.332: a definition there with hooks and mcpServers, started with the
// Agent tool in auto-edit, ran both (`touch` outside the project) while
// guard saw only the subagent's own Bash calls (hooks-18 H18-4).
func claudeFlagAgents(home string) []flagAgent {
	var out []flagAgent
	for _, f := range ancestorFlags([]string{"--agents"}, false) {
		v := strings.TrimSpace(f.value)
		data := []byte(v)
		if !strings.HasPrefix(v, "{") {
			file := f.path(expandHome(v, home))
			if file == "" {
				continue
			}
			b, ok, err := readOptional(file)
			if err != nil || !ok {
				continue
			}
			data = b
		}
		defs, err := objectFields(data)
		if err != nil {
			continue
		}
		for name, raw := range defs {
			def, err := objectFields(raw)
			if err != nil || def == nil {
				continue
			}
			out = append(out, flagAgent{name, "the --agents flag's definition of " + strconv.Quote(name), def})
		}
	}
	return out
}

// flagAgentRunsCode is subagentRunsCode for an --agents definition: hooks,
// worktree isolation, an MCP server configured in it (not only named), or a
// preloaded skill that declares hooks.
func flagAgentRunsCode(d flagAgent, env RuleEnv, depth int) bool {
	if raw, ok := d.def["hooks"]; ok && !isNull(raw) && string(raw) != "{}" {
		return true
	}
	if raw, ok := d.def["isolation"]; ok && !isNull(raw) {
		return true // a git worktree Claude Code makes itself
	}
	if raw, ok := d.def["mcpServers"]; ok && !isNull(raw) {
		elems, err := arrayElems(raw)
		if err != nil {
			return true // an object of servers, or a form guard does not read
		}
		for _, e := range elems {
			if _, err := decodeString(e); err != nil {
				return true
			}
		}
	}
	if raw, ok := d.def["skills"]; ok && !isNull(raw) {
		elems, err := arrayElems(raw)
		if err != nil || depth >= maxDefinitionDepth {
			return true
		}
		for _, e := range elems {
			s, err := decodeString(e)
			if err != nil || len(skillCode(s, env, depth+1)) > 0 {
				return true
			}
		}
	}
	return false
}
