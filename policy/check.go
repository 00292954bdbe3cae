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
// first that matches decides; if none does, the last error is reported.
func (p *Policy) checkSpecs(program string, args []string) Result {
	specs := p.programSpecs(program)
	byPath := strings.Contains(program, "/")
	if byPath {
		specs = nil
		for _, name := range p.pathPrograms(program) {
			specs = append(specs, p.programSpecs(name)...)
		}
	}
	var last *MatchError
	var lastSpec *Spec
	for i := range specs {
		s := &specs[i]
		if byPath && !slices.Contains(s.SystemPath, program) {
			continue
		}
		if i < len(specs)-1 && s.cannotMatch(args) {
			// The last spec is always matched in full: its error is the
			// one reported when none matches.
			continue
		}
		exec, err := s.match(program, args)
		if err != nil {
			last, lastSpec = err, s
			continue
		}
		rule := s.rule()
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
	if last == nil {
		return Result{Class: Unverified, Err: &MatchError{Type: ErrNoSpecForProgram, Program: program}}
	}
	return Result{Class: Unverified, Err: last,
		Rule: lastSpec.rule(), At: lastSpec.Pos}
}

// checkPrefixes returns the strictest prefix rule that matches argv, or nil.
func (p *Policy) checkPrefixes(argv []string) *PrefixRule {
	if len(p.Prefixes) == 0 {
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
	rules := p.Prefixes.Get(first)
	if name != "" {
		rules = p.Prefixes.Get(name)
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
