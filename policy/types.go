package policy

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Class is what a policy says about one argv.
type Class string

// The four classes, from best to worst.
const (
	Safe       Class = "safe"       // reads only
	Match      Class = "match"      // matched a rule and writes files (or runs unknown code)
	Unverified Class = "unverified" // no rule matched, or a rule asks for a person
	Forbidden  Class = "forbidden"  // a forbidding rule matched
)

// Rank orders classes from best (0) to worst (3).
func (c Class) Rank() int {
	switch c {
	case Safe:
		return 0
	case Match:
		return 1
	case Unverified:
		return 2
	default:
		return 3
	}
}

// Worst returns the worse of two classes.
func Worst(a, b Class) Class {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// Pos is a place in a policy file.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.File == "" {
		return ""
	}
	if p.Col > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// MatcherKind is the kind of an argument pattern of define_program.
type MatcherKind uint8

// The argument matchers. Their names are the JSON names of the original.
const (
	MatchLiteral MatcherKind = iota
	MatchOpaqueNonFile
	MatchReadableFile
	MatchWriteableFile
	MatchReadableFiles
	MatchReadableFilesOrCwd
	MatchPositiveInteger
	MatchSedCommand
	MatchUnverifiedVarargs
	MatchAwkProgram
	MatchPlusFormat
	MatchPythonProgram
)

var matcherNames = [...]string{
	MatchLiteral:            "Literal",
	MatchOpaqueNonFile:      "OpaqueNonFile",
	MatchReadableFile:       "ReadableFile",
	MatchWriteableFile:      "WriteableFile",
	MatchReadableFiles:      "ReadableFiles",
	MatchReadableFilesOrCwd: "ReadableFilesOrCwd",
	MatchPositiveInteger:    "PositiveInteger",
	MatchSedCommand:         "SedCommand",
	MatchUnverifiedVarargs:  "UnverifiedVarargs",
	MatchAwkProgram:         "AwkProgram",
	MatchPlusFormat:         "PlusFormat",
	MatchPythonProgram:      "PythonProgram",
}

// Matcher is one argument pattern: a kind, and the word for a literal.
type Matcher struct {
	Kind    MatcherKind
	Literal string
}

func (m Matcher) String() string {
	if m.Kind == MatchLiteral {
		return fmt.Sprintf("%q", m.Literal)
	}
	return matcherNames[m.Kind]
}

// vararg reports whether the matcher takes a variable number of words, and
// whether it needs at least one.
func (m Matcher) vararg() (isVararg, atLeastOne bool) {
	switch m.Kind {
	case MatchReadableFiles:
		return true, true
	case MatchReadableFilesOrCwd, MatchUnverifiedVarargs:
		return true, false
	}
	return false, false
}

// argType is the type given to a word matched by m.
func (m Matcher) argType() ArgType {
	switch m.Kind {
	case MatchLiteral:
		return ArgType{Kind: TypeLiteral, Literal: m.Literal}
	case MatchReadableFile, MatchReadableFiles, MatchReadableFilesOrCwd:
		return ArgType{Kind: TypeReadableFile}
	case MatchWriteableFile:
		return ArgType{Kind: TypeWriteableFile}
	case MatchPositiveInteger:
		return ArgType{Kind: TypePositiveInteger}
	case MatchSedCommand:
		return ArgType{Kind: TypeSedCommand}
	case MatchAwkProgram:
		return ArgType{Kind: TypeAwkProgram}
	case MatchPlusFormat:
		return ArgType{Kind: TypePlusFormat}
	case MatchPythonProgram:
		return ArgType{Kind: TypePythonProgram}
	case MatchUnverifiedVarargs:
		return ArgType{Kind: TypeUnknown}
	}
	return ArgType{Kind: TypeOpaqueNonFile}
}

// TypeKind is the type of a matched word.
type TypeKind uint8

// The types of matched words.
const (
	TypeLiteral TypeKind = iota
	TypeOpaqueNonFile
	TypeReadableFile
	TypeWriteableFile
	TypePositiveInteger
	TypeSedCommand
	TypeUnknown
	TypeAwkProgram
	TypePlusFormat
	TypePythonProgram
)

var typeNames = [...]string{
	TypeLiteral:         "Literal",
	TypeOpaqueNonFile:   "OpaqueNonFile",
	TypeReadableFile:    "ReadableFile",
	TypeWriteableFile:   "WriteableFile",
	TypePositiveInteger: "PositiveInteger",
	TypeSedCommand:      "SedCommand",
	TypeUnknown:         "Unknown",
	TypeAwkProgram:      "AwkProgram",
	TypePlusFormat:      "PlusFormat",
	TypePythonProgram:   "PythonProgram",
}

// ArgType is the type of a matched word; a literal carries its word.
type ArgType struct {
	Kind    TypeKind
	Literal string
}

func (t ArgType) String() string {
	if t.Kind == TypeLiteral {
		return fmt.Sprintf("Literal(%q)", t.Literal)
	}
	return typeNames[t.Kind]
}

// Option is a declared option of a program: a flag, or an opt with a value.
type Option struct {
	Name     string
	Flag     bool
	Value    Matcher // the value's type, for an opt
	Required bool
	// Attached: the opt takes its value only in the same word
	// (--name=VALUE); the bare word is a flag and the next word is not its
	// value, as git reads --notes, --abbrev and --pretty
	// (opt(..., attached = True)).
	Attached bool
}

// Spec is one define_program call.
type Spec struct {
	Program         string
	SystemPath      []string
	Options         []Option
	Args            []Matcher
	Forbidden       bool
	ForbiddenReason string
	// Prompt, when set, makes a match ask a person in every approval mode
	// (define_program(prompt = REASON)); ForbiddenReason holds the reason.
	Prompt bool
	// DoubleDash lets `--` end the options, as most programs read it: every
	// later word is positional (define_program(double_dash = True)).
	// Without it `--` fails the spec, as in the original execpolicy.
	DoubleDash bool
	// DashArgs makes a word that looks like an option but is not declared
	// a positional, as GNU echo prints `--- X ---` (define_program(
	// dash_args = True)).
	DashArgs bool
	// WritesRepo says the command writes the git repository it runs in
	// (its index, objects, refs, and the work tree git checks out):
	// define_program(writes_repo = True). The judge counts the
	// repository's top directory as written, so that the mode decides as
	// for a write there.
	WritesRepo     bool
	OptionBundling bool
	CombinedFormat bool
	ShouldMatch    [][]string
	ShouldNotMatch [][]string
	Pos            Pos
	// ByName indexes Options sorted by name, for lookups in long lists.
	ByName []uint16
	// Lead is a literal word every matching argv must contain (the first
	// literal pattern), to pass over specs cheaply.
	Lead string
	// MinPos and MaxPos bound the number of positional words (MaxPos -1:
	// no bound), for the same purpose.
	MinPos, MaxPos int
}

// rule names the spec in messages: define_program("ls").
func (s *Spec) rule() string {
	return `define_program("` + s.Program + `")`
}

// index fills ByName and Lead once the spec is complete.
func (s *Spec) index() {
	s.ByName = make([]uint16, len(s.Options))
	for i := range s.Options {
		s.ByName[i] = uint16(i)
	}
	sort.Slice(s.ByName, func(i, j int) bool { return s.Options[s.ByName[i]].Name < s.Options[s.ByName[j]].Name })
	for _, a := range s.Args {
		if a.Kind == MatchLiteral && s.Lead == "" {
			s.Lead = a.Literal
		}
		isVararg, atLeastOne := a.vararg()
		switch {
		case !isVararg:
			s.MinPos++
		case atLeastOne:
			s.MinPos++
			s.MaxPos = -1
		default:
			s.MaxPos = -1
		}
	}
	if s.MaxPos == 0 {
		s.MaxPos = s.MinPos
	}
}

func (s *Spec) option(name string) (Option, bool) {
	if len(s.ByName) != len(s.Options) {
		for _, o := range s.Options {
			if o.Name == name {
				return o, true
			}
		}
		return Option{}, false
	}
	lo, hi := 0, len(s.ByName)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch o := &s.Options[s.ByName[m]]; {
		case o.Name == name:
			return *o, true
		case o.Name < name:
			lo = m + 1
		default:
			hi = m
		}
	}
	return Option{}, false
}

// cannotMatch reports, cheaply and without allocating, that args cannot
// match: the lead literal is missing, or an option word is not declared
// (and no compound form could explain it).
func (s *Spec) cannotMatch(args []string) bool {
	if s.Lead != "" && !slices.Contains(args, s.Lead) {
		return true
	}
	words, values := 0, 0 // words not starting with -, and how many may be option values
	for i, a := range args {
		if a == "--" && s.DoubleDash {
			words += len(args) - i - 1
			break
		}
		if len(a) == 0 || a[0] != '-' || a == "-" {
			words++
			continue
		}
		if prev := i - 1; prev >= 0 && negativeValue(a) && len(args[prev]) > 1 && args[prev][0] == '-' && args[prev] != "--" {
			if known, flag := s.knownOptionWord(args[prev]); known && !flag {
				words++ // the value of the option before it (find -mtime -1)
				continue
			}
		}
		known, flag := s.knownOptionWord(a)
		if !known && s.DashArgs {
			words++
			continue
		}
		if !known {
			return true
		}
		if !flag {
			values++ // an opt, or a compound word that may end in one
		}
	}
	return words < s.MinPos || s.MaxPos >= 0 && words-values > s.MaxPos
}

// knownOptionWord reports whether an option word could be matched: declared
// verbatim, or (with option_bundling or combined_format) made of declared
// options; and whether it is certainly a flag, taking no value. It errs on
// the side of "could".
func (s *Spec) knownOptionWord(a string) (known, flag bool) {
	if o, ok := s.option(a); ok {
		return true, o.Flag || o.Attached
	}
	if numFlag(a) {
		if o, ok := s.option(NumFlag); ok {
			return true, o.Flag
		}
	}
	if a == "--" {
		return true, false
	}
	if s.CombinedFormat {
		if name, _, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "--") {
			_, ok := s.option(name)
			return ok, false
		}
		if _, ok := s.option(a[:2]); ok {
			return true, false
		}
	}
	if s.OptionBundling && a[1] != '-' {
		for i := 1; i < len(a); i++ {
			o, ok := s.option("-" + a[i:i+1])
			if !ok {
				return false, false
			}
			if !o.Flag {
				return true, false // an opt may take the rest; match decides
			}
		}
		return true, true
	}
	return false, false
}

// PrefixDecision is what a prefix_rule decides.
type PrefixDecision string

// The prefix_rule decisions, from most to least permissive.
const (
	DecisionAllow     PrefixDecision = "allow"
	DecisionPrompt    PrefixDecision = "prompt"
	DecisionForbidden PrefixDecision = "forbidden"
)

func (d PrefixDecision) rank() int {
	switch d {
	case DecisionAllow:
		return 0
	case DecisionPrompt:
		return 1
	}
	return 2
}

// PrefixRule is one prefix_rule call: argv prefixes, each position a set of
// alternative words.
type PrefixRule struct {
	Pattern       [][]string
	Decision      PrefixDecision
	Justification string
	Match         [][]string
	NotMatch      [][]string
	Pos           Pos
	// Name is how messages show the rule: prefix_rule(["git", "push"]).
	Name string
	// Sorted holds, for a position with many alternatives, the same words
	// sorted, for binary search; nil where a scan is as fast.
	Sorted [][]string
}

// sortAlternatives fills Sorted.
func (r *PrefixRule) sortAlternatives() {
	for i, alts := range r.Pattern {
		if len(alts) > 8 {
			if r.Sorted == nil {
				r.Sorted = make([][]string, len(r.Pattern))
			}
			r.Sorted[i] = append([]string(nil), alts...)
			sort.Strings(r.Sorted[i])
		}
	}
}

// matches reports whether argv starts with the rule's pattern.
func (r *PrefixRule) matches(argv []string) bool {
	if len(argv) < len(r.Pattern) {
		return false
	}
	for i, alts := range r.Pattern {
		if r.Sorted != nil && r.Sorted[i] != nil {
			j := sort.SearchStrings(r.Sorted[i], argv[i])
			if j == len(r.Sorted[i]) || r.Sorted[i][j] != argv[i] {
				return false
			}
			continue
		}
		if !slices.Contains(alts, argv[i]) {
			return false
		}
	}
	return true
}

// ProgramRegex is one forbid_program_regex call.
type ProgramRegex struct {
	Source string
	Reason string
	Pos    Pos
	// Needles are words one of which every match contains (nil: no such
	// set is known), so most programs are cleared without the regexp.
	Needles []string
}

// mayMatch reports whether program could match: it holds a needle.
func (r *ProgramRegex) mayMatch(program string) bool {
	if r.Needles == nil {
		return true
	}
	for _, n := range r.Needles {
		if strings.Contains(program, n) {
			return true
		}
	}
	return false
}

// needles returns words one of which every match of re contains, or nil.
func needles(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return needles(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return needles(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if n := needles(sub); n != nil && (best == nil || shortest(n) > shortest(best)) {
				best = n
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			n := needles(sub)
			if n == nil {
				return nil
			}
			all = append(all, n...)
		}
		return all
	}
	return nil
}

func shortest(words []string) int {
	m := -1
	for _, w := range words {
		if m < 0 || len(w) < m {
			m = len(w)
		}
	}
	return m
}

// compiled regexps by source, shared by every policy: the compiled default
// keeps only the source, and a process needs each regexp once.
var regexps sync.Map

// Regex returns the compiled regexp (its source compiled when it loaded).
func (r *ProgramRegex) Regex() *regexp.Regexp {
	if re, ok := regexps.Load(r.Source); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(r.Source)
	regexps.Store(r.Source, re)
	return re
}

// Substrings is one forbid_substrings call.
type Substrings struct {
	Strings []string
	Pos     Pos
	// Common is the longest prefix all Strings share: an argument without
	// it holds none of them.
	Common string
}

// find returns the first of the strings that arg contains, or "".
func (f *Substrings) find(arg string) string {
	if f.Common != "" && !strings.Contains(arg, f.Common) {
		return ""
	}
	for _, s := range f.Strings {
		if strings.Contains(arg, s) {
			return s
		}
	}
	return ""
}

// commonPrefix returns the longest prefix the words share.
func commonPrefix(words []string) string {
	if len(words) == 0 {
		return ""
	}
	p := words[0]
	for _, w := range words[1:] {
		for !strings.HasPrefix(w, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// Table maps string keys to values: a slice sorted by key, looked up by
// binary search. Unlike a map it can be laid out statically by the linker,
// so the compiled default policy costs nothing at start-up.
type Table[V any] []Pair[V]

// Pair is one key of a Table and its value.
type Pair[V any] struct {
	Key   string
	Value V
}

// Get returns the value for key, or the zero value.
func (t Table[V]) Get(key string) V {
	i := sort.Search(len(t), func(i int) bool { return t[i].Key >= key })
	if i < len(t) && t[i].Key == key {
		return t[i].Value
	}
	var zero V
	return zero
}

// tableOf makes a Table of a map.
func tableOf[V any](m map[string]V) Table[V] {
	t := make(Table[V], 0, len(m))
	for _, k := range sortedKeys(m) {
		t = append(t, Pair[V]{k, m[k]})
	}
	return t
}

// Policy is one loaded policy file (or the embedded default).
type Policy struct {
	// Programs maps a program name to its specs, in file order.
	Programs Table[[]Spec]
	// Paths maps a system_path entry to the program names whose specs list it.
	Paths Table[[]string]
	// Prefixes maps a first word to the prefix rules that can start with it.
	Prefixes Table[[]PrefixRule]
	// HostExecutables maps a program name to the absolute paths that count as it.
	HostExecutables Table[[]string]
	ProgramRegexes  []ProgramRegex
	Substrings      []Substrings
	// NetworkRules are the places of network_rule calls: accepted, not enforced.
	NetworkRules []Pos
	File         string

	regexCache     sync.Map // program name -> index of the matching regex, or -1
	regexCacheSize atomic.Int64

	// packed holds the specs instead of Programs and Paths in the
	// compiled default (see packed.go).
	packed *packed
	// lazy serves Programs and Prefixes from an indexed cache entry (see
	// lazy.go), decoding only the names an argv needs.
	lazy *lazyPolicy
}

// prefixRules returns the prefix rules that can start with name.
func (p *Policy) prefixRules(name string) []PrefixRule {
	if p.lazy != nil {
		return p.lazy.chunk(name).prefixes
	}
	return p.Prefixes.Get(name)
}

// hasPrefixes reports whether the policy may have prefix rules.
func (p *Policy) hasPrefixes() bool { return p.lazy != nil || len(p.Prefixes) > 0 }

// AllPrefixes returns every prefix rule by first word (decoding a cached
// policy entirely: for listing, not for checking).
func (p *Policy) AllPrefixes() Table[[]PrefixRule] {
	if p.lazy != nil {
		_, prefixes := p.lazy.all()
		return prefixes
	}
	return p.Prefixes
}

// programSpecs returns the define_program specs for a program name.
func (p *Policy) programSpecs(name string) []Spec {
	if p.packed != nil {
		return p.packed.Specs(name, p.File)
	}
	if p.lazy != nil {
		return p.lazy.chunk(name).specs
	}
	return p.Programs.Get(name)
}

// pathPrograms returns the programs whose specs list path in system_path.
func (p *Policy) pathPrograms(path string) []string {
	if p.packed != nil {
		return p.packed.PathPrograms(path)
	}
	return p.Paths.Get(path)
}

// AllPrograms returns every program and its specs (unpacking the compiled
// default entirely: for listing, not for checking).
func (p *Policy) AllPrograms() Table[[]Spec] {
	if p.lazy != nil {
		specs, _ := p.lazy.all()
		return specs
	}
	if p.packed == nil {
		return p.Programs
	}
	var t Table[[]Spec]
	for _, name := range p.packed.Names() {
		t = append(t, Pair[[]Spec]{name, p.packed.Specs(name, p.File)})
	}
	return t
}
