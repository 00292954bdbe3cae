package policy

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Check classifies argv (argv[0] is the program as typed) against this one
// policy file, as the original execpolicy did, plus prefix rules.
func (p *Policy) Check(argv []string) Result {
	if len(argv) == 0 {
		return Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram}}
	}
	program, args := argv[0], argv[1:]
	call := func() ExecCall {
		a := make([]string, len(args))
		copy(a, args)
		return ExecCall{Program: program, Args: a}
	}
	if re := p.programRegex(program); re != nil {
		return Result{
			Class:  Forbidden,
			Reason: re.Reason,
			Cause:  &Cause{Program: program, Call: call()},
			Rule:   fmt.Sprintf("forbid_program_regex(%q)", re.Source),
			At:     re.Pos,
		}
	}
	for i := range p.Substrings {
		fs := &p.Substrings[i]
		for _, arg := range args {
			if s := fs.find(arg); s != "" {
				return Result{
					Class:  Forbidden,
					Reason: fmt.Sprintf("arg `%s` contains forbidden substring", arg),
					Cause:  &Cause{Arg: arg, Call: call()},
					Rule:   fmt.Sprintf("forbid_substrings(%q)", s),
					At:     fs.Pos,
				}
			}
		}
	}

	spec := gitCheck(program, args, p.checkSpecs(program, args))
	prefix := p.checkPrefixes(argv)
	if prefix == nil {
		return spec
	}
	switch {
	case spec.Class == Forbidden:
		return spec
	case prefix.Decision == DecisionForbidden:
		reason := prefix.Justification
		if reason == "" {
			reason = "forbidden by a prefix rule"
		}
		return Result{Class: Forbidden, Reason: reason, Prefix: prefix,
			Cause: &Cause{Prefix: prefix, Call: call()}, Rule: prefix.Name, At: prefix.Pos}
	case prefix.Decision == DecisionPrompt:
		return Result{Class: Unverified, Reason: prefix.Justification, Prefix: prefix,
			Err:  &MatchError{Type: ErrPrefixRulePrompt, Program: program, Explanation: prefix.Justification},
			Rule: prefix.Name, At: prefix.Pos}
	case spec.Class == Safe || spec.Class == Match:
		return spec
	}
	return Result{Class: Safe, Prefix: prefix, Rule: prefix.Name, At: prefix.Pos}
}

// programRegex returns the first forbid_program_regex rule that matches
// program, or nil. Answers are cached per program name: agents run the same
// few programs over and over, and an unanchored regex scans every position.
func (p *Policy) programRegex(program string) *ProgramRegex {
	if len(p.ProgramRegexes) == 0 {
		return nil
	}
	if i, ok := p.regexCache.Load(program); ok {
		if i.(int) < 0 {
			return nil
		}
		return &p.ProgramRegexes[i.(int)]
	}
	found := -1
	for i := range p.ProgramRegexes {
		if r := &p.ProgramRegexes[i]; r.mayMatch(program) && r.Regex().MatchString(program) {
			found = i
			break
		}
	}
	if p.regexCacheSize.Add(1) < maxRegexCache {
		p.regexCache.Store(program, found)
	}
	if found < 0 {
		return nil
	}
	return &p.ProgramRegexes[found]
}

// maxRegexCache bounds the program names remembered per policy.
const maxRegexCache = 4096

func (r *PrefixRule) name() string {
	words := make([]string, len(r.Pattern))
	for i, alts := range r.Pattern {
		switch {
		case len(alts) == 1:
			words[i] = fmt.Sprintf("%q", alts[0])
		case len(alts) > 4:
			// A name goes into every message: keep it to a line.
			words[i] = fmt.Sprintf("[%q %q %q ...%d more]", alts[0], alts[1], alts[2], len(alts)-3)
		default:
			words[i] = fmt.Sprintf("%q", alts)
		}
	}
	return "prefix_rule([" + strings.Join(words, ", ") + "])"
}

// checkSpecs tries the define_program specs for program in order: the
// first that matches decides. If none does, the error reported is that of
// the last ordinary spec (not forbidden=, not prompt=) written for this
// subcommand (its lead literal is in args, or it has none): a forbidding or
// prompting spec that does not match says nothing about why the command is
// not known, and a spec for another subcommand would name the wrong word
// (`systemctl status x` is not "expected rescue"). With no such spec, the
// command has no rule: NoSpecForProgram names the program and subcommand.
func (p *Policy) checkSpecs(program string, args []string) Result {
	specs := p.programSpecs(program)
	byPath := strings.Contains(program, "/")
	if len(specs) == 0 && !byPath {
		if native := crossToolNative(program); native != "" {
			specs = p.programSpecs(native)
		}
	}
	if byPath {
		specs = nil
		for _, name := range p.pathPrograms(program) {
			specs = append(specs, p.programSpecs(name)...)
		}
	}
	for i := range specs {
		s := &specs[i]
		if byPath && !slices.Contains(s.SystemPath, program) {
			continue
		}
		if s.cannotMatch(args) {
			continue
		}
		exec, err := s.match(program, args)
		if err != nil {
			continue
		}
		rule := s.rule()
		if s.Prompt {
			return Result{Class: Unverified, Reason: s.ForbiddenReason, Exec: exec,
				Err:  &MatchError{Type: ErrPrefixRulePrompt, Program: program, Explanation: s.ForbiddenReason},
				Rule: rule, At: s.Pos}
		}
		if s.Forbidden {
			return Result{Class: Forbidden, Reason: s.ForbiddenReason, Exec: exec,
				Cause: &Cause{Exec: exec}, Rule: rule, At: s.Pos}
		}
		r := Result{Class: Safe, Exec: exec, Rule: rule, At: s.Pos}
		if len(r.Writes()) > 0 || r.HasUnknown() {
			r.Class = Match
		}
		return r
	}
	return p.specError(program, args, specs, byPath)
}

// specError is the result for an argv no spec matched (see checkSpecs). A
// spec whose required options are not in args is no explanation either.
func (p *Policy) specError(program string, args []string, specs []Spec, byPath bool) Result {
	var lead, last, only *Spec
	ordinary, leadScore := 0, 0
	leads := map[string]bool{}
	for i := range specs {
		s := &specs[i]
		if s.Forbidden || s.Prompt || byPath && !slices.Contains(s.SystemPath, program) {
			continue
		}
		ordinary++
		only = s
		if !s.requiredNamed(args) {
			continue
		}
		last = s
		if s.Lead != "" {
			leads[s.Lead] = true
			// Among the specs for this subcommand, the one whose literal
			// words (`compose`, `logs`) are most present explains best.
			if score := s.literalsIn(args); slices.Contains(args, s.Lead) && score >= leadScore {
				lead, leadScore = s, score
			}
		}
	}
	sub := firstWord(args)
	dashLeads := len(leads) > 0
	for l := range leads {
		dashLeads = dashLeads && strings.HasPrefix(l, "-")
	}
	if dashLeads && lead == nil {
		// Every subcommand's spec starts with an option word args lack
		// (python -m MODULE, ninja -t TOOL): no rule for the program.
		return Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: program}}
	}
	if lead != nil && leadScore < lead.literals() {
		// No spec for these words: `docker compose config` when only
		// compose ps and compose logs have one.
		name := program
		for _, w := range positionalWords(args, leadScore+1) {
			name += " " + w
		}
		return Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: name}}
	}
	pick := lead
	switch {
	case ordinary == 1:
		pick = only // one spec: its own error, as the original reports it
	case pick == nil && !(len(leads) > 0 && sub != ""):
		pick = last
	}
	if pick == nil {
		name := program
		if sub != "" && len(leads) > 0 {
			name += " " + sub
		}
		return Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: name}}
	}
	_, err := pick.match(program, args)
	if err == nil {
		err = &MatchError{Type: ErrNoSpecForProgram, Program: program}
	}
	return Result{Class: Unverified, Err: err, Rule: pick.rule(), At: pick.Pos}
}

// literals returns how many literal words the spec's arguments have.
func (s *Spec) literals() int {
	n := 0
	for _, m := range s.Args {
		if m.Kind == MatchLiteral {
			n++
		}
	}
	return n
}

// literalsIn returns how many of the spec's literal words are in args.
func (s *Spec) literalsIn(args []string) int {
	n := 0
	for _, m := range s.Args {
		if m.Kind == MatchLiteral && slices.Contains(args, m.Literal) {
			n++
		}
	}
	return n
}

// positionalWords returns the first n words of args that are not options.
func positionalWords(args []string, n int) []string {
	var out []string
	for _, a := range args {
		if len(out) == n {
			break
		}
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// requiredNamed reports whether every option the spec requires is named
// in args (as a word, --name=value, or a bundle containing it): a spec for
// `X --version` says nothing about why `X script.py` has no rule.
func (s *Spec) requiredNamed(args []string) bool {
	for _, o := range s.Options {
		if !o.Required {
			continue
		}
		found := false
		for _, a := range args {
			if a == o.Name || strings.HasPrefix(a, o.Name+"=") || s.CombinedFormat && strings.HasPrefix(a, o.Name) ||
				s.OptionBundling && len(o.Name) == 2 && len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a[1:], rune(o.Name[1])) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// firstWord returns the first word of args that is not an option, or "".
func firstWord(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// checkPrefixes returns the strictest prefix rule that matches argv, or nil.
func (p *Policy) checkPrefixes(argv []string) *PrefixRule {
	if !p.hasPrefixes() {
		return nil
	}
	first := argv[0]
	var name string
	if strings.Contains(first, "/") {
		// An absolute path counts as its base name only when a
		// host_executable call lists it.
		name = filepath.Base(first)
		if !slices.Contains(p.HostExecutables.Get(name), first) {
			return nil
		}
	}
	var best *PrefixRule
	rules := p.prefixRules(first)
	if name != "" {
		rules = p.prefixRules(name)
	}
	for i := range rules {
		r := &rules[i]
		candidate := argv
		if name != "" {
			candidate = append([]string{name}, argv[1:]...)
		}
		if r.matches(candidate) && (best == nil || r.Decision.rank() > best.Decision.rank()) {
			best = r
		}
	}
	return best
}

// Set is the layered policy guard consults: the embedded default first,
// then system, user and command-line files.
type Set []*Policy

// Check classifies argv against every layer. A forbidding match in any
// layer wins; then a prompting prefix rule in any layer; then the last
// layer whose rules matched; else the last layer's reason it did not match.
func (s Set) Check(argv []string) Result {
	if len(s) == 1 {
		return s[0].Check(argv)
	}
	const (
		none = iota
		unmatched
		matched
		prompt
		forbidden
	)
	var best Result
	rank := none
	for _, p := range s {
		r := p.Check(argv)
		switch {
		case r.Class == Forbidden:
			if rank < forbidden {
				best, rank = r, forbidden
			}
		case r.Err != nil && r.Err.Type == ErrPrefixRulePrompt:
			if rank < prompt {
				best, rank = r, prompt
			}
		case r.Class == Safe || r.Class == Match:
			if rank <= matched {
				best, rank = r, matched
			}
		case rank < unmatched || rank == unmatched && (r.Err == nil || r.Err.Type != ErrNoSpecForProgram):
			best, rank = r, unmatched
		}
	}
	if rank == none {
		return Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: first(argv)}}
	}
	return best
}

func first(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	return argv[0]
}
