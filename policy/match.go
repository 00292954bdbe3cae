package policy

import (
	"strconv"
	"strings"
)

// positional is a word that is not an option, and its index among the args.
type positional struct {
	index int
	value string
}

// match fits args to the spec. It returns the matched exec, or why it does
// not fit. program is the name reported in errors.
func (s *Spec) match(program string, args []string) (*Exec, *MatchError) {
	// Words are collected in buffers on the stack; a spec that does not
	// fit (most do not) allocates only its error.
	var flagBuf [8]MatchedFlag
	var optBuf [4]MatchedOpt
	var posBuf [8]positional
	flags, opts, pos := flagBuf[:0], optBuf[:0], posBuf[:0]
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if !s.DoubleDash {
				return nil, &MatchError{Type: ErrDoubleDashNotSupportedYet, Program: program}
			}
			if _, ok := s.option("--"); ok {
				// A spec may declare flag("--") to see it, or require it.
				flags = append(flags, MatchedFlag{Name: "--"})
			}
			for j := i + 1; j < len(args); j++ {
				pos = append(pos, positional{j, args[j]})
			}
			break
		}
		if !strings.HasPrefix(arg, "-") {
			pos = append(pos, positional{i, arg})
			continue
		}
		o, ok := s.option(arg)
		if !ok && numFlag(arg) {
			o, ok = s.option(NumFlag)
		}
		if ok {
			if o.Flag {
				flags = append(flags, MatchedFlag{Name: o.Name})
				continue
			}
			if i+1 >= len(args) {
				return nil, &MatchError{Type: ErrOptionMissingValue, Program: program, Option: arg}
			}
			value := args[i+1]
			if strings.HasPrefix(value, "-") {
				return nil, &MatchError{Type: ErrOptionFollowedByOptionInsteadOfValue, Program: program, Option: arg, Value: value}
			}
			opts = append(opts, MatchedOpt{Name: o.Name, Value: value, Type: o.Value.argType()})
			i++
			continue
		}
		var consumed int
		var err *MatchError
		flags, opts, consumed, err = s.matchCompound(program, args, i, flags, opts)
		if err != nil && err.Type == ErrUnknownOption && s.DashArgs {
			pos = append(pos, positional{i, arg})
			continue
		}
		if err != nil {
			return nil, err
		}
		i += consumed
	}

	matched, err := fitPositionals(program, pos, s.Args)
	if err != nil {
		return nil, err
	}
	for _, m := range matched {
		if err := validate(m.Type, m.Value); err != nil {
			return nil, err
		}
	}
	for _, o := range opts {
		if err := validate(o.Type, o.Value); err != nil {
			return nil, err
		}
	}
	var missing []string
	for _, o := range s.Options {
		if o.Required && !hasOpt(opts, o.Name) && !hasFlag(flags, o.Name) {
			missing = append(missing, o.Name)
		}
	}
	if missing != nil {
		return nil, &MatchError{Type: ErrMissingRequiredOptions, Program: program, Options: missing}
	}
	out := &Exec{
		Program:    s.Program,
		Flags:      append(make([]MatchedFlag, 0, len(flags)), flags...),
		Opts:       append(make([]MatchedOpt, 0, len(opts)), opts...),
		Args:       matched,
		SystemPath: s.SystemPath,
	}
	if out.SystemPath == nil {
		out.SystemPath = []string{}
	}
	return out, nil
}

// NumFlag is the name a spec declares, as flag("-NUM"), to accept every
// count written as an option: `head -1368`, `git log -25`.
const NumFlag = "-NUM"

// numFlag reports whether a is a dash and one or more digits.
func numFlag(a string) bool { return len(a) > 1 && a[0] == '-' && a[1] != '0' && digits(a[1:]) }

func hasFlag(flags []MatchedFlag, name string) bool {
	for _, f := range flags {
		if f.Name == name {
			return true
		}
	}
	return false
}

func hasOpt(opts []MatchedOpt, name string) bool {
	for _, o := range opts {
		if o.Name == name {
			return true
		}
	}
	return false
}

// matchCompound matches an option word that is not declared verbatim:
// --opt=value and -n5 (combined_format), -al (option_bundling). It returns
// the flags and opts with what it matched appended, and how many words after
// args[i] it consumed.
func (s *Spec) matchCompound(program string, args []string, i int, flags []MatchedFlag, opts []MatchedOpt) ([]MatchedFlag, []MatchedOpt, int, *MatchError) {
	arg := args[i]
	unknown := &MatchError{Type: ErrUnknownOption, Program: program, Option: arg}
	if s.CombinedFormat {
		if strings.HasPrefix(arg, "--") {
			if eq := strings.IndexByte(arg, '='); eq > 2 {
				if o, ok := s.option(arg[:eq]); ok && !o.Flag {
					return flags, append(opts, MatchedOpt{Name: o.Name, Value: arg[eq+1:], Type: o.Value.argType()}), 0, nil
				}
			}
			return flags, opts, 0, unknown
		}
		if len(arg) > 2 {
			if o, ok := s.option(arg[:2]); ok && !o.Flag {
				return flags, append(opts, MatchedOpt{Name: o.Name, Value: arg[2:], Type: o.Value.argType()}), 0, nil
			}
		}
	}
	if !s.OptionBundling || strings.HasPrefix(arg, "--") || len(arg) < 3 {
		return flags, opts, 0, unknown
	}
	// -abc: every letter a declared option; an opt may only come last (its
	// value is the next word) or, with combined_format, take the rest.
	before := len(flags)
	for j := 1; j < len(arg); j++ {
		o, ok := s.option("-" + arg[j:j+1])
		if !ok {
			return flags[:before], opts, 0, unknown
		}
		if o.Flag {
			flags = append(flags, MatchedFlag{Name: o.Name})
			continue
		}
		var value string
		consumed := 0
		switch {
		case j+1 < len(arg) && s.CombinedFormat:
			value = arg[j+1:]
		case j+1 < len(arg):
			return flags[:before], opts, 0, unknown
		case i+1 >= len(args):
			return flags[:before], opts, 0, &MatchError{Type: ErrOptionMissingValue, Program: program, Option: o.Name}
		default:
			value = args[i+1]
			if strings.HasPrefix(value, "-") {
				return flags[:before], opts, 0, &MatchError{Type: ErrOptionFollowedByOptionInsteadOfValue, Program: program, Option: o.Name, Value: value}
			}
			consumed = 1
		}
		return flags, append(opts, MatchedOpt{Name: o.Name, Value: value, Type: o.Value.argType()}), consumed, nil
	}
	return flags, opts, 0, nil
}

// fitPositionals fits the positional words to the patterns: the exact
// patterns before the one vararg take the first words, those after it the
// last words, and the vararg the rest.
func fitPositionals(program string, pos []positional, patterns []Matcher) ([]MatchedArg, *MatchError) {
	vararg := -1
	for i, p := range patterns {
		if v, _ := p.vararg(); v {
			if vararg >= 0 {
				return nil, &MatchError{Type: ErrMultipleVarargPatterns, Program: program, First: patterns[vararg], Matcher: p}
			}
			vararg = i
		}
	}
	exact := len(patterns)
	if vararg >= 0 {
		exact--
	}
	if len(pos) < exact {
		return nil, &MatchError{Type: ErrNotEnoughArgs, Program: program, Args: positionalArgs(pos), Patterns: patterns}
	}
	out := make([]MatchedArg, 0, len(pos))
	if vararg < 0 {
		if len(pos) > exact {
			return nil, &MatchError{Type: ErrUnexpectedArguments, Program: program, Args: positionalArgs(pos[exact:])}
		}
		for i, p := range patterns {
			out = append(out, MatchedArg{Index: pos[i].index, Type: p.argType(), Value: pos[i].value})
		}
		return out, nil
	}
	before, after := patterns[:vararg], patterns[vararg+1:]
	middle := len(pos) - len(before) - len(after)
	if _, atLeastOne := patterns[vararg].vararg(); atLeastOne && middle == 0 {
		return nil, &MatchError{Type: ErrVarargMatcherDidNotMatchAnything, Program: program, Matcher: patterns[vararg]}
	}
	for i, p := range before {
		out = append(out, MatchedArg{Index: pos[i].index, Type: p.argType(), Value: pos[i].value})
	}
	t := patterns[vararg].argType()
	for _, w := range pos[len(before) : len(before)+middle] {
		out = append(out, MatchedArg{Index: w.index, Type: t, Value: w.value})
	}
	for i, p := range after {
		w := pos[len(before)+middle+i]
		out = append(out, MatchedArg{Index: w.index, Type: p.argType(), Value: w.value})
	}
	return out, nil
}

func positionalArgs(pos []positional) []PositionalArg {
	out := make([]PositionalArg, len(pos))
	for i, p := range pos {
		out[i] = PositionalArg{Index: p.index, Value: p.value}
	}
	return out
}

// validate checks one matched word against its type.
func validate(t ArgType, value string) *MatchError {
	switch t.Kind {
	case TypeReadableFile, TypeWriteableFile:
		if value == "" {
			return &MatchError{Type: ErrEmptyFileName}
		}
		if t.Kind == TypeReadableFile && devicePath(value) {
			return &MatchError{Type: ErrDeviceFile, Value: value}
		}
	case TypeLiteral:
		if value != t.Literal {
			return &MatchError{Type: ErrLiteralValueDidNotMatch, Expected: t.Literal, Actual: value}
		}
	case TypePositiveInteger:
		if n, err := strconv.ParseUint(value, 10, 64); err != nil || n == 0 {
			return &MatchError{Type: ErrInvalidPositiveInteger, Value: value}
		}
	case TypeSedCommand:
		if !SafeSedCommand(value) {
			return &MatchError{Type: ErrSedCommandNotProvablySafe, Command: value}
		}
	}
	return nil
}

// SafeSedCommand reports whether a sed script only prints lines: commands
// separated by ';' or newlines, each an address or address range of line
// numbers, '$', 'N~S', 'N,+M' or a /regex/ (ours: a regex address selects
// lines, it runs nothing), followed by p, or a lone q/Nq. Nothing else (no
// e, w, r, s///, no other regex delimiters) is accepted.
func SafeSedCommand(script string) bool {
	script = strings.TrimSpace(script)
	if script == "" {
		return false
	}
	for _, cmd := range strings.FieldsFunc(script, func(r rune) bool { return r == ';' || r == '\n' }) {
		cmd = strings.TrimSpace(cmd)
		if cmd == "" {
			continue
		}
		last := cmd[len(cmd)-1]
		if last != 'p' && last != 'q' {
			return false
		}
		addr := strings.TrimSpace(cmd[:len(cmd)-1])
		if last == 'q' {
			if addr != "" && !lineAddress(addr) {
				return false
			}
			continue
		}
		if addr == "" {
			return false
		}
		first, rest, ok := sedAddress(addr)
		if !ok || first == "" {
			return false
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, ",") {
			second := strings.TrimSpace(rest[1:])
			if strings.HasPrefix(second, "+") || strings.HasPrefix(second, "~") {
				if !digits(second[1:]) {
					return false
				}
				rest = ""
			} else if _, rest, ok = sedAddress(second); !ok {
				return false
			}
			rest = strings.TrimSpace(rest)
		}
		if rest != "" && rest != "!" {
			return false
		}
	}
	return true
}

// sedAddress splits one address off the front of s: a line address
// (digits, $, first~step) or a /regex/ with backslash escapes and an
// optional I; it returns the address and what follows.
func sedAddress(s string) (addr, rest string, ok bool) {
	if strings.HasPrefix(s, "/") {
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '\n':
				return "", "", false
			case '/':
				end := i + 1
				if end < len(s) && s[end] == 'I' {
					end++
				}
				return s[:end], s[end:], true
			}
		}
		return "", "", false
	}
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '$' || s[end] == '~') {
		end++
	}
	if !lineAddress(s[:end]) {
		return "", "", false
	}
	return s[:end], s[end:], true
}

// lineAddress reports whether a is a line number, '$' or 'first~step'.
func lineAddress(a string) bool {
	if a == "$" {
		return true
	}
	first, step, ok := strings.Cut(a, "~")
	if ok {
		return digits(first) && digits(step)
	}
	return digits(a)
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
