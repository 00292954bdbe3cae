package policy

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"time"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	starsyntax "go.starlark.net/syntax"
)

// Evaluation limits: a policy is data, so these are generous for data and
// fatal for loops.
const (
	maxSteps = 5_000_000
	// maxLoadTime is the CPU time a load may use, checked between steps
	// (bounded.go's watch); it leaves room for the step under way when it
	// passes: one step is bounded by the value limits of bounded.go
	// (sorting a million values takes about a quarter second), so a load
	// ends within a second of CPU.
	maxLoadTime = 750 * time.Millisecond
	// maxLoadWall stops a load by the clock, for a step that would not end:
	// on a busy machine the clock runs several times faster than the CPU
	// time a load gets, so this is a backstop, not the budget.
	maxLoadWall = 10 * time.Second
)

// Evaluate runs a policy's Starlark source without verifying its examples
// (see Verify and VerifyAll).
func Evaluate(filename string, src []byte) (*Policy, error) {
	// A byte order mark (an editor saving "UTF-8 with BOM") is no
	// character of the policy: Starlark stopped at it, as config.toml does
	// not.
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	b := &builder{
		p:        &Policy{File: filename},
		programs: map[string][]Spec{},
		paths:    map[string][]string{},
		prefixes: map[string][]PrefixRule{},
		hosts:    map[string][]string{},
	}
	thread := &starlark.Thread{
		Name: "policy " + filename,
		Load: func(*starlark.Thread, string) (starlark.StringDict, error) {
			return nil, errors.New("load() is not available in policies")
		},
		Print: func(*starlark.Thread, string) {},
	}
	if len(src) > MaxPolicyBytes {
		return nil, &LoadError{Pos: Pos{File: filename}, Msg: fmt.Sprintf("policy larger than %d bytes", MaxPolicyBytes)}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		// Starlark's scanner takes a NUL byte for the end of the file: the
		// rules after it, a forbidding one among them, were dropped
		// without a word.
		line := 1 + bytes.Count(src[:i], []byte("\n"))
		col := i - bytes.LastIndexByte(src[:i], '\n')
		return nil, &LoadError{Pos: Pos{File: filename, Line: line, Col: col}, Msg: "a NUL byte: the policy would end there and the rules after it be dropped; remove it"}
	}
	var bud budget
	bud.watch(thread, maxSteps)
	timer := time.AfterFunc(maxLoadWall, func() { thread.Cancel("policy took longer than " + maxLoadWall.String() + " to load") })
	defer timer.Stop()

	opts := &starsyntax.FileOptions{TopLevelControl: true, Set: true}
	f, err := opts.Parse(filename, src, 0)
	if err != nil {
		return nil, starlarkError(filename, err)
	}
	checkOperators(f)
	predeclared := b.predeclared()
	for k, v := range bud.builtins() {
		predeclared[k] = v
	}
	prog, err := starlark.FileProgram(f, predeclared.Has)
	if err != nil {
		return nil, starlarkError(filename, err)
	}
	if _, err := prog.Init(thread, predeclared); err != nil {
		return nil, starlarkError(filename, err)
	}
	b.p.Programs = tableOf(b.programs)
	b.p.Paths = tableOf(b.paths)
	b.p.Prefixes = tableOf(b.prefixes)
	b.p.HostExecutables = tableOf(b.hosts)
	return b.p, nil
}

// starlarkError turns a Starlark error into a LoadError at the innermost
// place in the policy file.
func starlarkError(filename string, err error) error {
	var se starsyntax.Error
	if errors.As(err, &se) {
		return &LoadError{Pos: position(se.Pos), Msg: se.Msg}
	}
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		for i := len(ee.CallStack) - 1; i >= 0; i-- {
			if fr := ee.CallStack[i]; fr.Pos.Filename() == filename {
				return &LoadError{Pos: position(fr.Pos), Msg: ee.Msg}
			}
		}
		return &LoadError{Pos: Pos{File: filename}, Msg: ee.Msg}
	}
	var el resolve.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		return &LoadError{Pos: position(el[0].Pos), Msg: el[0].Msg}
	}
	return &LoadError{Pos: Pos{File: filename}, Msg: err.Error()}
}

func position(p starsyntax.Position) Pos {
	return Pos{File: p.Filename(), Line: int(p.Line), Col: int(p.Col)}
}

// builder collects the rules a policy file declares.
type builder struct {
	p        *Policy
	programs map[string][]Spec
	paths    map[string][]string
	prefixes map[string][]PrefixRule
	hosts    map[string][]string
}

func (b *builder) predeclared() starlark.StringDict {
	d := starlark.StringDict{
		"define_program":       starlark.NewBuiltin("define_program", b.defineProgram),
		"flag":                 starlark.NewBuiltin("flag", flagBuiltin),
		"opt":                  starlark.NewBuiltin("opt", optBuiltin),
		"forbid_substrings":    starlark.NewBuiltin("forbid_substrings", b.forbidSubstrings),
		"forbid_program_regex": starlark.NewBuiltin("forbid_program_regex", b.forbidProgramRegex),
		"prefix_rule":          starlark.NewBuiltin("prefix_rule", b.prefixRule),
		"host_executable":      starlark.NewBuiltin("host_executable", b.hostExecutable),
		"network_rule":         starlark.NewBuiltin("network_rule", b.networkRule),
	}
	for k := MatchOpaqueNonFile; k <= MatchPythonProgram; k++ {
		d[matcherConst(k)] = matcherValue{Matcher{Kind: k}}
	}
	return d
}

// matcherConst is the Starlark constant of a matcher kind ("" for a
// literal).
func matcherConst(k MatcherKind) string {
	if int(k) < len(matcherConsts) {
		return matcherConsts[k]
	}
	return ""
}

var matcherConsts = [...]string{
	MatchOpaqueNonFile:      "ARG_OPAQUE_VALUE",
	MatchReadableFile:       "ARG_RFILE",
	MatchWriteableFile:      "ARG_WFILE",
	MatchReadableFiles:      "ARG_RFILES",
	MatchReadableFilesOrCwd: "ARG_RFILES_OR_CWD",
	MatchPositiveInteger:    "ARG_POS_INT",
	MatchSedCommand:         "ARG_SED_COMMAND",
	MatchUnverifiedVarargs:  "ARG_UNVERIFIED_VARARGS",
	MatchAwkProgram:         "ARG_AWK_PROGRAM",
	MatchPlusFormat:         "ARG_PLUS_FORMAT",
	MatchPythonProgram:      "ARG_PYTHON_PROGRAM",
}

// matcherValue is an ARG_* constant in Starlark.
type matcherValue struct{ m Matcher }

func (v matcherValue) String() string        { return matcherConst(v.m.Kind) }
func (v matcherValue) Type() string          { return "arg_matcher" }
func (v matcherValue) Freeze()               {}
func (v matcherValue) Truth() starlark.Bool  { return true }
func (v matcherValue) Hash() (uint32, error) { return uint32(v.m.Kind) + 1, nil }

// optionValue is the result of flag() or opt() in Starlark.
type optionValue struct{ o Option }

func (v optionValue) String() string {
	if v.o.Flag {
		return fmt.Sprintf("flag(%q)", v.o.Name)
	}
	if v.o.Attached {
		return fmt.Sprintf("opt(%q, %s, attached = True)", v.o.Name, matcherConst(v.o.Value.Kind))
	}
	return fmt.Sprintf("opt(%q, %s)", v.o.Name, matcherConst(v.o.Value.Kind))
}
func (v optionValue) Type() string          { return "option" }
func (v optionValue) Freeze()               {}
func (v optionValue) Truth() starlark.Bool  { return true }
func (v optionValue) Hash() (uint32, error) { return 0, errors.New("option is not hashable") }

// callerPos is where a rule is declared: the top-level statement of the
// policy file that made it, so that a rule made inside a helper function
// points at the helper's call, where a reader looks for it.
func callerPos(thread *starlark.Thread) Pos {
	return position(thread.CallFrame(thread.CallStackDepth() - 1).Pos)
}

func flagBuiltin(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var required bool
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "name", &name, "required?", &required); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(name, "-") {
		return nil, fmt.Errorf("flag: %q does not start with -", name)
	}
	return optionValue{Option{Name: name, Flag: true, Required: required}}, nil
}

func optBuiltin(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var typ starlark.Value
	var required, attached bool
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "name", &name, "type", &typ, "required?", &required, "attached?", &attached); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(name, "-") {
		return nil, fmt.Errorf("opt: %q does not start with -", name)
	}
	if attached && !strings.HasPrefix(name, "--") {
		return nil, fmt.Errorf("opt: %q: attached = True is for a long option (--name=VALUE)", name)
	}
	m, err := toMatcher(typ)
	if err != nil {
		return nil, fmt.Errorf("opt: type: %v", err)
	}
	if v, _ := m.vararg(); v {
		return nil, fmt.Errorf("opt: type %s takes several words; an option value is one word", matcherConst(m.Kind))
	}
	return optionValue{Option{Name: name, Value: m, Required: required, Attached: attached}}, nil
}

func toMatcher(v starlark.Value) (Matcher, error) {
	switch v := v.(type) {
	case matcherValue:
		return v.m, nil
	case starlark.String:
		return Matcher{Kind: MatchLiteral, Literal: string(v)}, nil
	}
	return Matcher{}, fmt.Errorf("want an ARG_* matcher or a literal string, got %s", v.Type())
}

func (b *builder) defineProgram(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var (
		program                      string
		systemPath, options, argList *starlark.List
		forbidden, prompt            starlark.Value = starlark.None, starlark.None
		shouldMatch, shouldNotMatch  *starlark.List
		bundling, combined, dashes   bool
		dashArgs, writesRepo         bool
	)
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs,
		"program", &program,
		"system_path?", &systemPath,
		"option_bundling?", &bundling,
		"combined_format?", &combined,
		"options?", &options,
		"args?", &argList,
		"forbidden?", &forbidden,
		"prompt?", &prompt,
		"double_dash?", &dashes,
		"dash_args?", &dashArgs,
		"writes_repo?", &writesRepo,
		"should_match?", &shouldMatch,
		"should_not_match?", &shouldNotMatch,
	); err != nil {
		return nil, err
	}
	if program == "" || strings.ContainsAny(program, "/ \t\n") {
		return nil, fmt.Errorf("define_program: program %q must be a plain command name", program)
	}
	spec := Spec{Program: program, OptionBundling: bundling, CombinedFormat: combined, DoubleDash: dashes, DashArgs: dashArgs, WritesRepo: writesRepo, Pos: callerPos(thread)}
	var err error
	if spec.SystemPath, err = stringList("system_path", systemPath); err != nil {
		return nil, err
	}
	for _, p := range spec.SystemPath {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("system_path: %q is not an absolute path", p)
		}
	}
	seen := map[string]bool{}
	for i := 0; options != nil && i < options.Len(); i++ {
		o, ok := options.Index(i).(optionValue)
		if !ok {
			return nil, fmt.Errorf("options[%d]: want flag() or opt(), got %s", i, options.Index(i).Type())
		}
		if seen[o.o.Name] {
			return nil, fmt.Errorf("options: %s is declared twice", o.o.Name)
		}
		seen[o.o.Name] = true
		spec.Options = append(spec.Options, o.o)
	}
	varargs := 0
	for i := 0; argList != nil && i < argList.Len(); i++ {
		m, err := toMatcher(argList.Index(i))
		if err != nil {
			return nil, fmt.Errorf("args[%d]: %v", i, err)
		}
		if v, _ := m.vararg(); v {
			varargs++
		}
		spec.Args = append(spec.Args, m)
	}
	if varargs > 1 {
		return nil, errors.New("args: at most one pattern may take several words")
	}
	switch f := forbidden.(type) {
	case starlark.NoneType:
	case starlark.String:
		spec.Forbidden, spec.ForbiddenReason = true, string(f)
	default:
		return nil, fmt.Errorf("forbidden: want a string reason or None, got %s", forbidden.Type())
	}
	switch p := prompt.(type) {
	case starlark.NoneType:
	case starlark.String:
		if spec.Forbidden {
			return nil, errors.New("define_program: forbidden and prompt exclude each other")
		}
		if p == "" {
			return nil, errors.New("prompt: the reason a person is asked must not be empty")
		}
		spec.Prompt, spec.ForbiddenReason = true, string(p)
	default:
		return nil, fmt.Errorf("prompt: want a string reason or None, got %s", prompt.Type())
	}
	if spec.ShouldMatch, err = examples("should_match", shouldMatch); err != nil {
		return nil, err
	}
	if spec.ShouldNotMatch, err = examples("should_not_match", shouldNotMatch); err != nil {
		return nil, err
	}
	spec.index()
	b.programs[program] = append(b.programs[program], spec)
	for _, path := range spec.SystemPath {
		if !slices.Contains(b.paths[path], program) {
			b.paths[path] = append(b.paths[path], program)
		}
	}
	return starlark.None, nil
}

func (b *builder) forbidSubstrings(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var list *starlark.List
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "strings", &list); err != nil {
		return nil, err
	}
	strs, err := stringList("strings", list)
	if err != nil {
		return nil, err
	}
	for _, s := range strs {
		if s == "" {
			return nil, errors.New("forbid_substrings: an empty string would forbid every argument")
		}
	}
	b.p.Substrings = append(b.p.Substrings, Substrings{Strings: strs, Pos: callerPos(thread), Common: commonPrefix(strs)})
	return starlark.None, nil
}

func (b *builder) forbidProgramRegex(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var expr, reason string
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "regex", &expr, "reason", &reason); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("forbid_program_regex: %v", err)
	}
	regexps.Store(expr, re)
	r := ProgramRegex{Source: expr, Reason: reason, Pos: callerPos(thread)}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		r.Needles = needles(tree.Simplify())
	}
	b.p.ProgramRegexes = append(b.p.ProgramRegexes, r)
	return starlark.None, nil
}

func (b *builder) prefixRule(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var (
		pattern         *starlark.List
		decision        = "allow"
		match, notMatch *starlark.List
		justification   starlark.Value = starlark.None
	)
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs,
		"pattern", &pattern, "decision?", &decision, "match?", &match, "not_match?", &notMatch,
		"justification?", &justification); err != nil {
		return nil, err
	}
	r := PrefixRule{Decision: PrefixDecision(decision), Pos: callerPos(thread)}
	switch r.Decision {
	case DecisionAllow, DecisionPrompt, DecisionForbidden:
	default:
		return nil, fmt.Errorf("prefix_rule: decision %q is not allow, prompt or forbidden", decision)
	}
	if pattern.Len() == 0 {
		return nil, errors.New("prefix_rule: pattern is empty")
	}
	for i := 0; i < pattern.Len(); i++ {
		switch v := pattern.Index(i).(type) {
		case starlark.String:
			r.Pattern = append(r.Pattern, []string{string(v)})
		case *starlark.List:
			alts, err := stringList(fmt.Sprintf("pattern[%d]", i), v)
			if err != nil {
				return nil, err
			}
			if len(alts) == 0 {
				return nil, fmt.Errorf("prefix_rule: pattern[%d] has no alternatives", i)
			}
			r.Pattern = append(r.Pattern, alts)
		default:
			return nil, fmt.Errorf("prefix_rule: pattern[%d]: want a string or a list of strings, got %s", i, v.Type())
		}
	}
	switch j := justification.(type) {
	case starlark.NoneType:
	case starlark.String:
		r.Justification = string(j)
	default:
		return nil, fmt.Errorf("prefix_rule: justification: want a string, got %s", j.Type())
	}
	var err error
	if r.Match, err = commandExamples("match", match); err != nil {
		return nil, err
	}
	if r.NotMatch, err = commandExamples("not_match", notMatch); err != nil {
		return nil, err
	}
	r.Name = r.name()
	r.sortAlternatives()
	for _, first := range r.Pattern[0] {
		b.prefixes[first] = append(b.prefixes[first], r)
	}
	return starlark.None, nil
}

func (b *builder) hostExecutable(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var paths *starlark.List
	if err := starlark.UnpackArgs(fn.Name(), args, kwargs, "name", &name, "paths", &paths); err != nil {
		return nil, err
	}
	list, err := stringList("paths", paths)
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("host_executable: %q is not an absolute path", p)
		}
	}
	b.hosts[name] = append(b.hosts[name], list...)
	return starlark.None, nil
}

func (b *builder) networkRule(thread *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	b.p.NetworkRules = append(b.p.NetworkRules, callerPos(thread))
	return starlark.None, nil
}

func stringList(what string, l *starlark.List) ([]string, error) {
	if l == nil {
		return nil, nil
	}
	out := make([]string, 0, l.Len())
	for i := 0; i < l.Len(); i++ {
		s, ok := starlark.AsString(l.Index(i))
		if !ok {
			return nil, fmt.Errorf("%s[%d]: want a string, got %s", what, i, l.Index(i).Type())
		}
		out = append(out, s)
	}
	return out, nil
}

// examples reads should_match lists: each example is a list of the
// arguments after the program.
func examples(what string, l *starlark.List) ([][]string, error) {
	if l == nil {
		return nil, nil
	}
	var out [][]string
	for i := 0; i < l.Len(); i++ {
		inner, ok := l.Index(i).(*starlark.List)
		if !ok {
			return nil, fmt.Errorf("%s[%d]: want a list of arguments, got %s", what, i, l.Index(i).Type())
		}
		args, err := stringList(fmt.Sprintf("%s[%d]", what, i), inner)
		if err != nil {
			return nil, err
		}
		out = append(out, args)
	}
	return out, nil
}

// commandExamples reads prefix_rule examples: each is a whole command, as a
// list of words or a string split on white space.
func commandExamples(what string, l *starlark.List) ([][]string, error) {
	if l == nil {
		return nil, nil
	}
	var out [][]string
	for i := 0; i < l.Len(); i++ {
		switch v := l.Index(i).(type) {
		case starlark.String:
			out = append(out, strings.Fields(string(v)))
		case *starlark.List:
			words, err := stringList(fmt.Sprintf("%s[%d]", what, i), v)
			if err != nil {
				return nil, err
			}
			out = append(out, words)
		default:
			return nil, fmt.Errorf("%s[%d]: want a string or a list of words, got %s", what, i, v.Type())
		}
	}
	return out, nil
}
