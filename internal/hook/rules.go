package hook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"guard/internal/safefile"
	"guard/policy"
	"guard/policy/shell"
)

// An agent checks its own permission rules against the command it runs. When
// guard rewrites a command to run under "guard --mode full-auto -- bash -c
// '...'", the agent checks the rewrite, which its rules for the original
// (Bash(rm:*), prefix_rule(["rm"]), commandPrefix = "rm") no longer match. So
// guard applies the agent's deny and ask rules to the original command itself
// before it answers, and the stricter answer wins.
//
// Limits: guard reads the rule files each agent documents (listed at
// [RuleFiles]) and the rule forms listed there; a form it does not know is
// not applied. Rules are matched against every simple command guard's shell
// parser finds in the command (after `&&`, inside `$(...)`, inside `bash -c`,
// wrappers such as timeout stripped and kept, a program given by path also by
// its name), and against the whole command,
// which can only match more often than the agent would: these rules only ever
// tighten.

// RuleEnv is where an agent's rule files are found.
type RuleEnv struct {
	Getenv func(string) string
	// Home is the user's home directory ($HOME when empty).
	Home string
	// Project is the agent's project: its project-level settings count.
	Project string
	// ClaudeManaged, GeminiSystem and CodexSystem are the system-wide
	// directories, /etc/claude-code, /etc/gemini-cli and /etc/codex when
	// empty.
	ClaudeManaged, GeminiSystem, CodexSystem string
	// LoadRules loads a Codex .rules file (policy.LoadFile when nil; a
	// policy.Cache saves evaluating it on every hook call).
	LoadRules func(path string) (*policy.Policy, error)
}

// AgentRule is the agent's own rule that decides a command.
type AgentRule struct {
	Verdict Verdict // Deny or Ask
	Rule    string  // the rule as written, e.g. Bash(rm:*)
	File    string  // where it is written
	Command string  // the simple command it matched
	Message string  // the rule's own message, when it has one
}

// Reason words the rule for the agent and the model.
func (r AgentRule) Reason(a Agent) string {
	what := "denies"
	if r.Verdict == Ask {
		what = "asks about"
	}
	s := fmt.Sprintf("guard: %s's own rule %s in %s %s %s", specOf(a).title, r.Rule, r.File, what, Quote(r.Command))
	if r.Message != "" {
		s += ": " + r.Message
	}
	return s
}

// CheckAgentRules applies agent a's own deny and ask rules to command. It
// returns the strictest rule that matches (a deny before an ask), or ok false
// when none does. The error is for a rule file that exists but cannot be read
// or parsed: the caller refuses, since the rules it holds cannot be applied.
func CheckAgentRules(a Agent, command string, env RuleEnv) (rule AgentRule, ok bool, err error) {
	var rs ruleSet
	switch a {
	case ClaudeCode:
		rs, err = claudeRules(env)
	case Codex:
		rs, err = codexRules(env)
	case Gemini:
		rs, err = geminiRules(env)
	default:
		return AgentRule{}, false, fmt.Errorf("agent rules: %w %d", ErrAgent, int(a))
	}
	if err != nil || rs == nil {
		return AgentRule{}, false, err
	}
	for _, argv := range simpleCommands(command) {
		if r, ok := rs.check(argv); ok && (!rule.found() || r.Verdict < rule.Verdict) {
			rule = r
		}
	}
	if r, ok := rs.check([]string{command}); ok && (!rule.found() || r.Verdict < rule.Verdict) {
		r.Command = command
		rule = r
	}
	return rule, rule.found(), nil
}

func (r AgentRule) found() bool { return r.Rule != "" }

// RuleFiles lists where agent a's rules are read from, in env.
func RuleFiles(a Agent, env RuleEnv) []string {
	env = env.defaults()
	switch a {
	case ClaudeCode:
		files := claudeManagedFiles(env)
		if d := env.Getenv("CLAUDE_CONFIG_DIR"); d != "" {
			files = append(files, filepath.Join(d, "settings.json"))
		} else {
			files = append(files, filepath.Join(env.Home, ".claude", "settings.json"))
		}
		if env.Project != "" {
			files = append(files, claudeSettingsFiles(env.Project)...)
		}
		return files
	case Codex:
		home := env.Getenv("CODEX_HOME")
		if home == "" {
			home = filepath.Join(env.Home, ".codex")
		}
		// /etc/codex/rules too (measured with 0.171.0: a forbidden
		// prefix_rule there rejected the command).
		dirs := []string{filepath.Join(env.CodexSystem, "rules"), filepath.Join(home, "rules")}
		if env.Project != "" {
			for _, d := range codexProjectDirs(env.Project) {
				dirs = append(dirs, filepath.Join(d, ".codex", "rules"))
			}
		}
		return dirs
	case Gemini:
		dirs := []string{filepath.Join(env.GeminiSystem, "policies"), filepath.Join(geminiHome(env), ".gemini", "policies")}
		if env.Project != "" {
			dirs = append(dirs, filepath.Join(env.Project, ".gemini", "policies"))
		}
		return dirs
	}
	return nil
}

// claudeManagedFiles lists Claude Code's managed settings in env's
// ClaudeManaged directory as Claude Code 2.1.332 reads them:
// managed-settings.json, then the files and links of managed-settings.d
// whose name ends in .json and does not start with a dot, in name order
// (drop-ins an organisation adds beside the main file).
func claudeManagedFiles(env RuleEnv) []string {
	files := []string{filepath.Join(env.ClaudeManaged, "managed-settings.json")}
	dir := filepath.Join(env.ClaudeManaged, "managed-settings.d")
	entries, _ := os.ReadDir(dir) // sorted by name
	for _, e := range entries {
		n := e.Name()
		if (e.Type().IsRegular() || e.Type()&os.ModeSymlink != 0) && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			files = append(files, filepath.Join(dir, n))
		}
	}
	return files
}

func (env RuleEnv) defaults() RuleEnv {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Home == "" {
		env.Home = env.Getenv("HOME")
	}
	if env.ClaudeManaged == "" {
		env.ClaudeManaged = "/etc/claude-code"
	}
	if env.GeminiSystem == "" {
		env.GeminiSystem = "/etc/gemini-cli"
	}
	if env.CodexSystem == "" {
		env.CodexSystem = "/etc/codex"
	}
	if env.LoadRules == nil {
		env.LoadRules = policy.LoadFile
	}
	return env
}

// ruleSet answers for one simple command.
type ruleSet interface {
	check(argv []string) (AgentRule, bool)
}

// simpleCommands returns the argv of every simple command in script, each
// also with its wrappers in front when it had some. A script that does not
// parse is split on the shell's list and pipe operators instead.
func simpleCommands(script string) [][]string {
	s, err := shell.Parse(script, shell.Bash)
	if err != nil {
		var out [][]string
		for _, part := range regexp.MustCompile(`&&|\|\||[;|&\n()]`).Split(script, -1) {
			if f := strings.Fields(part); len(f) > 0 {
				out = append(out, f)
			}
		}
		return out
	}
	var out [][]string
	for _, c := range s.Commands {
		if len(c.Argv) == 0 {
			continue
		}
		out = append(out, c.Argv)
		if strings.Contains(c.Argv[0], "/") {
			// /bin/rm is rm to a rule, or the rule would be one path away.
			out = append(out, append([]string{filepath.Base(c.Argv[0])}, c.Argv[1:]...))
		}
		if len(c.Wrapper) > 0 {
			out = append(out, append(append([]string(nil), c.Wrapper...), c.Argv...))
		}
	}
	return out
}

// maxRuleFile bounds an agent's settings or policy file.
const maxRuleFile = 16 << 20

// readOptional reads a file that may be missing, with safefile.Read: a
// FIFO or device put at a project's settings path is refused, not waited on.
func readOptional(path string) ([]byte, bool, error) {
	b, err := safefile.Read(path, maxRuleFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// ruleFilesIn lists the files in dir ending in ext, sorted; none when dir is
// missing; dir itself when it is such a file.
func ruleFilesIn(dir, ext string) ([]string, error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		if strings.HasSuffix(dir, ext) {
			return []string{dir}, nil
		}
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ext) && !e.IsDir() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// Claude Code: permissions.deny and permissions.ask in its settings files.

type claudeRule struct {
	verdict Verdict
	text    string // Bash(...)
	pattern string // inside the parentheses; "" for all
	all     bool
	file    string
}

type claudeSet []claudeRule

func claudeRules(env RuleEnv) (ruleSet, error) {
	var set claudeSet
	add := func(v Verdict, rules []json.RawMessage, source string) {
		for _, raw := range rules {
			text, err := decodeString(raw)
			if err != nil {
				continue
			}
			if r, ok := parseClaudeRule(text); ok {
				r.verdict, r.file = v, source
				set = append(set, r)
			}
		}
	}
	for _, f := range RuleFiles(ClaudeCode, env) {
		b, ok, err := readOptional(f)
		if err != nil {
			return nil, fmt.Errorf("settings of Claude Code: %w", err)
		}
		if !ok {
			continue
		}
		// permissions.deny and .ask, keys as Claude Code reads them (exactly).
		deny, ask, err := claudePermissions(b)
		if err != nil {
			return nil, fmt.Errorf("settings of Claude Code, %s: %v", f, jsonError(err))
		}
		add(Deny, deny, f)
		add(Ask, ask, f)
	}
	// Its command line's settings and deny rules (flags.go).
	for _, fs := range claudeFlagSettings(env.Home) {
		perms, err := objectFields(orNull(fs.top["permissions"]))
		if err != nil || perms == nil {
			continue
		}
		deny, _ := arrayElems(orNull(perms["deny"]))
		ask, _ := arrayElems(orNull(perms["ask"]))
		add(Deny, deny, fs.source)
		add(Ask, ask, fs.source)
	}
	for _, text := range claudeDisallowedRules() {
		if r, ok := parseClaudeRule(text); ok {
			r.verdict, r.file = Deny, "the --disallowedTools flag"
			set = append(set, r)
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	return set, nil
}

// claudePermissions returns the deny and ask lists of a settings file.
func claudePermissions(b []byte) (deny, ask []json.RawMessage, err error) {
	top, err := objectFields(b)
	if err != nil {
		return nil, nil, err
	}
	perms, err := objectFields(orNull(top["permissions"]))
	if err != nil {
		return nil, nil, fmt.Errorf("permissions: %w", err)
	}
	if deny, err = arrayElems(orNull(perms["deny"])); err != nil {
		return nil, nil, fmt.Errorf("permissions.deny: %w", err)
	}
	if ask, err = arrayElems(orNull(perms["ask"])); err != nil {
		return nil, nil, fmt.Errorf("permissions.ask: %w", err)
	}
	return deny, ask, nil
}

// parseClaudeRule reads a Bash rule: "Bash", "Bash()", "Bash(*)",
// "Bash(PREFIX:*)", "Bash(GLOB with *)", "Bash(exact command)".
func parseClaudeRule(text string) (claudeRule, bool) {
	t := strings.TrimSpace(text)
	if t == "Bash" {
		return claudeRule{text: text, all: true}, true
	}
	inner, ok := strings.CutPrefix(t, "Bash(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return claudeRule{}, false
	}
	inner = strings.TrimSpace(strings.TrimSuffix(inner, ")"))
	r := claudeRule{text: text, pattern: inner}
	if inner == "" || inner == "*" || inner == ":*" {
		r.all = true
	}
	return r, true
}

func (s claudeSet) check(argv []string) (AgentRule, bool) {
	var best AgentRule
	forms := commandForms(argv)
	for _, r := range s {
		if best.found() && r.verdict >= best.Verdict {
			continue
		}
		for _, cmd := range forms {
			if r.all || claudeMatch(r.pattern, cmd) {
				best = AgentRule{Verdict: r.verdict, Rule: r.text, File: r.file, Command: forms[0]}
				break
			}
		}
	}
	return best, best.found()
}

// commandForms are the strings a rule is matched against: the words joined
// by spaces, and as the shell would quote them.
func commandForms(argv []string) []string {
	plain := strings.Join(argv, " ")
	if q := shell.Join(argv); q != plain {
		return []string{plain, q}
	}
	return []string{plain}
}

// claudeMatch matches a Bash rule's pattern: PREFIX:* is the command PREFIX
// alone or followed by a space; a pattern with * is a glob in which * is any
// text (a trailing " *" also matches no arguments); else the exact command.
func claudeMatch(pattern, cmd string) bool {
	if prefix, ok := strings.CutSuffix(pattern, ":*"); ok {
		prefix = strings.TrimSpace(prefix)
		return cmd == prefix || strings.HasPrefix(cmd, prefix+" ")
	}
	if strings.Contains(pattern, "*") {
		if glob(pattern, cmd) {
			return true
		}
		if base, ok := strings.CutSuffix(pattern, " *"); ok && glob(base, cmd) {
			return true
		}
		return false
	}
	return cmd == pattern
}

// glob matches s against pattern, where * is any text and everything else is
// literal.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

// Codex: prefix_rule with decision forbidden or prompt in its .rules files.

type codexSet []*policy.Policy

func codexRules(env RuleEnv) (ruleSet, error) {
	env = env.defaults()
	var set codexSet
	for _, dir := range RuleFiles(Codex, env) {
		files, err := ruleFilesIn(dir, ".rules")
		if err != nil {
			return nil, fmt.Errorf("rules of Codex: %w", err)
		}
		for _, f := range files {
			p, err := env.LoadRules(f)
			if err != nil {
				return nil, fmt.Errorf("rules of Codex: %w", err)
			}
			set = append(set, p)
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	return set, nil
}

func (s codexSet) check(argv []string) (AgentRule, bool) {
	var best AgentRule
	for _, p := range s {
		r := p.Check(argv)
		if r.Prefix == nil {
			continue
		}
		v := Allow
		switch r.Prefix.Decision {
		case policy.DecisionForbidden:
			v = Deny
		case policy.DecisionPrompt:
			v = Ask
		}
		if v == Allow || (best.found() && v >= best.Verdict) {
			continue
		}
		best = AgentRule{Verdict: v, Rule: r.Prefix.Name, File: r.Prefix.Pos.String(),
			Command: shell.Join(argv), Message: r.Prefix.Justification}
	}
	return best, best.found()
}

// Gemini CLI: [[rule]] tables in the TOML files of its policy directories.
// Of all rules for run_shell_command that match, the one with the highest
// priority in the highest tier (system, then user, then workspace) decides,
// as in Gemini CLI; a deny or ask_user decides here, an allow lets the
// command be.

type geminiRule struct {
	decision string // allow, deny, ask_user
	score    float64
	prefixes []string
	re       *regexp.Regexp // commandRegex or argsPattern, over the args JSON
	all      bool
	text     string
	file     string
	message  string
}

type geminiSet []geminiRule

// geminiTiers are the tiers of the directories RuleFiles lists, in order.
var geminiTiers = []float64{5, 4, 3}

func geminiRules(env RuleEnv) (ruleSet, error) {
	env = env.defaults()
	var set geminiSet
	dirs := RuleFiles(Gemini, env)
	type source struct {
		path string
		tier float64
	}
	var sources []source
	for i, dir := range dirs {
		sources = append(sources, source{dir, geminiTiers[i]})
	}
	// policyPaths and adminPolicyPaths in the settings files add policy
	// files or directories (policyPaths replace ~/.gemini/policies in Gemini
	// CLI; guard reads both, which only adds rules).
	for _, f := range geminiSettingsFiles(env) {
		user, admin, err := geminiPolicyPaths(f, env)
		if err != nil {
			return nil, fmt.Errorf("settings of Gemini CLI: %w", err)
		}
		for _, p := range user {
			sources = append(sources, source{p, geminiTiers[1]})
		}
		for _, p := range admin {
			sources = append(sources, source{p, geminiTiers[0]})
		}
	}
	// And the --policy and --admin-policy flags of its command line (a
	// list, comma-separated or repeated; relative to its working
	// directory), which take the settings' place: measured with 0.61.0, a
	// --policy file's deny rule for rm no longer matched guard's
	// sandboxed rewrite of `rm -rf build`, which ran (hooks-18 H18-2).
	for _, f := range ancestorFlags([]string{"--policy", "--admin-policy", "--adminPolicy"}, false) {
		tier := geminiTiers[1]
		if f.name != "--policy" {
			tier = geminiTiers[0]
		}
		for _, p := range strings.Split(f.value, ",") {
			if p = f.path(expandHome(strings.TrimSpace(p), env.Home)); p != "" {
				sources = append(sources, source{p, tier})
			}
		}
	}
	for _, src := range sources {
		files, err := ruleFilesIn(src.path, ".toml")
		if err != nil {
			return nil, fmt.Errorf("policies of Gemini CLI: %w", err)
		}
		for _, f := range files {
			b, err := safefile.Read(f, maxRuleFile)
			if err != nil {
				return nil, fmt.Errorf("policies of Gemini CLI: %w", err)
			}
			rules, err := parseGeminiPolicy(f, b, src.tier)
			if err != nil {
				return nil, fmt.Errorf("policy of Gemini CLI, %w", err)
			}
			set = append(set, rules...)
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	return set, nil
}

// geminiHome is the directory that holds Gemini CLI's .gemini:
// GEMINI_CLI_HOME, else the home.
func geminiHome(env RuleEnv) string {
	if home := env.Getenv("GEMINI_CLI_HOME"); home != "" {
		return home
	}
	return env.Home
}

// geminiSettingsFiles are Gemini CLI's settings files: the system's, the
// user's and the project's.
func geminiSettingsFiles(env RuleEnv) []string {
	system := env.Getenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH")
	if system == "" {
		system = filepath.Join(env.GeminiSystem, "settings.json")
	}
	files := []string{system, filepath.Join(geminiHome(env), ".gemini", "settings.json")}
	if env.Project != "" {
		files = append(files, filepath.Join(env.Project, ".gemini", "settings.json"))
	}
	return files
}

// geminiPolicyPaths reads policyPaths and adminPolicyPaths from a settings
// file, which may hold comments. A missing file has none.
func geminiPolicyPaths(file string, env RuleEnv) (user, admin []string, err error) {
	b, ok, err := readOptional(file)
	if err != nil || !ok {
		return nil, nil, err
	}
	top, err := objectFields(StripJSONComments(b))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", file, jsonError(err))
	}
	var s struct{ PolicyPaths, AdminPolicyPaths []string }
	for _, f := range []struct {
		key string
		dst *[]string
	}{{"policyPaths", &s.PolicyPaths}, {"adminPolicyPaths", &s.AdminPolicyPaths}} {
		elems, err := arrayElems(orNull(top[f.key]))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %v", file, f.key, err)
		}
		for _, raw := range elems {
			p, err := decodeString(raw)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %s: not a string", file, f.key)
			}
			*f.dst = append(*f.dst, p)
		}
	}
	resolve := func(ps []string) []string {
		var out []string
		for _, p := range ps {
			switch {
			case p == "~" || strings.HasPrefix(p, "~/"):
				p = filepath.Join(env.Home, p[1:])
			case !filepath.IsAbs(p) && env.Project != "":
				p = filepath.Join(env.Project, p)
			}
			out = append(out, p)
		}
		return out
	}
	return resolve(s.PolicyPaths), resolve(s.AdminPolicyPaths), nil
}

// StripJSONComments blanks // and /* */ comments outside strings, as the
// JSON with comments that Gemini CLI's settings files may be.
func StripJSONComments(b []byte) []byte {
	out := append([]byte(nil), b...)
	inString := false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			stop := len(out)
			if end := bytes.Index(out[i+2:], []byte("*/")); end >= 0 {
				stop = i + 2 + end + 2
			}
			for k := i; k < stop; k++ {
				if out[k] != '\n' {
					out[k] = ' '
				}
			}
			i = stop - 1
		}
	}
	return out
}

func parseGeminiPolicy(file string, src []byte, tier float64) ([]geminiRule, error) {
	var doc struct {
		Rule []map[string]any `toml:"rule"`
	}
	if err := toml.Unmarshal(src, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, fmt.Errorf("%s:%d: %v", file, row, de)
		}
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	var out []geminiRule
	for i, t := range doc.Rule {
		where := fmt.Sprintf("%s: rule #%d", file, i+1)
		if !geminiShellRule(t["toolName"]) {
			continue
		}
		if _, ok := t["mcpName"]; ok {
			continue
		}
		r := geminiRule{file: file}
		r.decision, _ = t["decision"].(string)
		switch r.decision {
		case "allow", "deny", "ask_user":
		default:
			return nil, fmt.Errorf("%s: decision %v is not allow, deny or ask_user", where, t["decision"])
		}
		p, _ := t["priority"].(int64)
		r.score = tier + float64(p)/1000
		r.message, _ = t["denyMessage"].(string)
		switch v := t["commandPrefix"].(type) {
		case string:
			r.prefixes = []string{v}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					r.prefixes = append(r.prefixes, s)
				}
			}
		}
		expr := ""
		if s, ok := t["commandRegex"].(string); ok {
			expr = `"command":"` + s
		} else if s, ok := t["argsPattern"].(string); ok {
			expr = s
		}
		if expr != "" {
			re, err := regexp.Compile(expr)
			if err != nil {
				if r.decision == "allow" {
					continue // not applying an allow only tightens
				}
				return nil, fmt.Errorf("%s: guard cannot read its pattern: %v", where, err)
			}
			r.re = re
		}
		r.all = len(r.prefixes) == 0 && r.re == nil
		r.text = geminiRuleText(t, i)
		out = append(out, r)
	}
	return out, nil
}

func geminiShellRule(v any) bool {
	switch t := v.(type) {
	case string:
		return t == "run_shell_command" || t == "ShellTool" || t == "*"
	case []any:
		for _, x := range t {
			if geminiShellRule(x) {
				return true
			}
		}
	}
	return false
}

func geminiRuleText(t map[string]any, i int) string {
	for _, k := range []string{"commandPrefix", "commandRegex", "argsPattern"} {
		if v, ok := t[k]; ok {
			b, _ := json.Marshal(v)
			return fmt.Sprintf("[[rule]] #%d (%s = %s, decision = %q)", i+1, k, b, t["decision"])
		}
	}
	return fmt.Sprintf("[[rule]] #%d (toolName = %q, decision = %q)", i+1, t["toolName"], t["decision"])
}

func (s geminiSet) check(argv []string) (AgentRule, bool) {
	cmd := strings.Join(argv, " ")
	args := `{"command":` + string(jsonString(cmd)) + `}`
	var best *geminiRule
	for i := range s {
		r := &s[i]
		if !r.matches(cmd, args) {
			continue
		}
		if best == nil || r.score > best.score || (r.score == best.score && geminiRank(r.decision) < geminiRank(best.decision)) {
			best = r
		}
	}
	if best == nil || best.decision == "allow" {
		return AgentRule{}, false
	}
	v := Deny
	if best.decision == "ask_user" {
		v = Ask
	}
	return AgentRule{Verdict: v, Rule: best.text, File: best.file, Command: cmd, Message: best.message}, true
}

func geminiRank(d string) int {
	switch d {
	case "deny":
		return 0
	case "ask_user":
		return 1
	}
	return 2
}

func (r *geminiRule) matches(cmd, args string) bool {
	if r.all {
		return true
	}
	for _, p := range r.prefixes {
		if cmd == p || (strings.HasPrefix(cmd, p) && strings.ContainsAny(cmd[len(p):len(p)+1], " \t\n\"")) {
			return true
		}
	}
	return r.re != nil && r.re.MatchString(args)
}
