package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Exec is a matched argv: what each word was taken as.
type Exec struct {
	Program    string        `json:"program"`
	Flags      []MatchedFlag `json:"flags"`
	Opts       []MatchedOpt  `json:"opts"`
	Args       []MatchedArg  `json:"args"`
	SystemPath []string      `json:"system_path"`
	// WritesRepo: the spec writes the repository it runs in (Writes
	// lists RepoWrite for it).
	WritesRepo bool `json:"writes_repo,omitempty"`
}

// RepoWrite is the written path Writes lists for a command that writes
// the git repository it runs in; the judge makes it that repository's top
// directory (see repoTop).
const RepoWrite = "."

// MatchedFlag is a flag that was given.
type MatchedFlag struct {
	Name string `json:"name"`
}

// MatchedOpt is an option given with its value.
type MatchedOpt struct {
	Name  string  `json:"name"`
	Value string  `json:"value"`
	Type  ArgType `json:"type"`
}

// MatchedArg is a positional word; Index counts from the first word after
// the program, options included.
type MatchedArg struct {
	Index int     `json:"index"`
	Type  ArgType `json:"type"`
	Value string  `json:"value"`
}

// ExecCall is an argv as checked.
type ExecCall struct {
	Program string   `json:"program"`
	Args    []string `json:"args"`
}

// Cause says which forbidding rule matched.
type Cause struct {
	Exec    *Exec       // a define_program spec with forbidden=
	Program string      // forbid_program_regex: the program
	Arg     string      // forbid_substrings: the word
	Prefix  *PrefixRule // a prefix_rule with decision "forbidden"
	Call    ExecCall
}

// Result is the verdict of a policy on one argv.
type Result struct {
	Class  Class
	Exec   *Exec       // for safe and match, and a forbidden= spec
	Reason string      // for forbidden, and for a prompting prefix rule
	Cause  *Cause      // for forbidden
	Err    *MatchError // for unverified
	Prefix *PrefixRule // the prefix rule that decided, if one did
	// Rule names the rule that decided and At where it is; empty when none.
	Rule string
	At   Pos
}

// Writes returns the values typed WriteableFile, in argv order.
func (r *Result) Writes() []string {
	w := r.valuesOf(TypeWriteableFile)
	if r.Exec != nil && r.Exec.WritesRepo {
		w = append(w, RepoWrite)
	}
	return w
}

// valuesOf returns the matched options' values of kind, then the
// arguments', in argv order of each.
func (r *Result) valuesOf(kind TypeKind) []string {
	if r.Exec == nil {
		return nil
	}
	var out []string
	for _, o := range r.Exec.Opts {
		if o.Type.Kind == kind {
			out = append(out, o.Value)
		}
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind == kind {
			out = append(out, a.Value)
		}
	}
	return out
}

// HasUnknown reports whether a matched value is typed Unknown
// (ARG_UNVERIFIED_VARARGS): the program may write anything.
func (r *Result) HasUnknown() bool {
	if r.Exec == nil {
		return false
	}
	for _, o := range r.Exec.Opts {
		if o.Type.Kind == TypeUnknown {
			return true
		}
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind == TypeUnknown {
			return true
		}
	}
	return false
}

// Why is a one-line account of the verdict for people and agents.
func (r *Result) Why() string {
	switch {
	case r.Class == Forbidden:
		return r.Reason
	case r.Err != nil:
		return r.Err.Error()
	case r.Class == Match:
		return "matched a rule that writes files"
	}
	return "matched a read-only rule"
}

// MarshalJSON prints the result as the original execpolicy CLI did.
func (r *Result) MarshalJSON() ([]byte, error) {
	switch r.Class {
	case Safe, Match:
		if r.Exec == nil && r.Prefix != nil {
			return marshal(struct {
				Result Class      `json:"result"`
				Prefix prefixJSON `json:"prefix_rule"`
			}{r.Class, prefixOf(r.Prefix)})
		}
		return marshal(struct {
			Result Class `json:"result"`
			Match  *Exec `json:"match"`
		}{r.Class, r.Exec})
	case Forbidden:
		return marshal(struct {
			Result Class  `json:"result"`
			Reason string `json:"reason"`
			Cause  *Cause `json:"cause"`
		}{r.Class, r.Reason, r.Cause})
	}
	return marshal(struct {
		Result Class       `json:"result"`
		Error  *MatchError `json:"error"`
	}{r.Class, r.Err})
}

type prefixJSON struct {
	Pattern       [][]string     `json:"pattern"`
	Decision      PrefixDecision `json:"decision"`
	Justification string         `json:"justification,omitempty"`
}

func prefixOf(p *PrefixRule) prefixJSON {
	return prefixJSON{p.Pattern, p.Decision, p.Justification}
}

// MarshalJSON prints the cause as {"Exec":...}, {"Program":...}, {"Arg":...}
// or {"PrefixRule":...}.
func (c *Cause) MarshalJSON() ([]byte, error) {
	call := c.Call
	if call.Args == nil {
		call.Args = []string{}
	}
	switch {
	case c.Exec != nil:
		return marshal(map[string]any{"Exec": map[string]any{"exec": c.Exec}})
	case c.Prefix != nil:
		return marshal(map[string]any{"PrefixRule": struct {
			Rule     prefixJSON `json:"rule"`
			ExecCall ExecCall   `json:"exec_call"`
		}{prefixOf(c.Prefix), call}})
	case c.Arg != "":
		return marshal(map[string]any{"Arg": struct {
			Arg      string   `json:"arg"`
			ExecCall ExecCall `json:"exec_call"`
		}{c.Arg, call}})
	}
	return marshal(map[string]any{"Program": struct {
		Program  string   `json:"program"`
		ExecCall ExecCall `json:"exec_call"`
	}{c.Program, call}})
}

// MarshalJSON prints a literal as {"Literal":"word"} and the rest by name.
func (t ArgType) MarshalJSON() ([]byte, error) {
	if t.Kind == TypeLiteral {
		return marshal(map[string]string{"Literal": t.Literal})
	}
	return marshal(typeNames[t.Kind])
}

// MarshalJSON prints a literal as {"Literal":"word"} and the rest by name.
func (m Matcher) MarshalJSON() ([]byte, error) {
	if m.Kind == MatchLiteral {
		return marshal(map[string]string{"Literal": m.Literal})
	}
	return marshal(matcherNames[m.Kind])
}

// marshal is json.Marshal without HTML escaping (the original did not
// escape <, > and &) and without a trailing newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// JSON is the compact one-line JSON of the result.
func (r *Result) JSON() []byte {
	b, err := marshal(r)
	if err != nil {
		// Every field is a plain string, number or slice: this cannot happen.
		panic(fmt.Sprintf("policy: marshal result: %v", err))
	}
	return b
}

// Stricter returns r, the policy's classification of argv, or the class
// of v, guard's whole judgement of the same argv, when that is worse: a
// rule's "safe" is not safe when the file it reads is a secret or the
// program PATH finds was planted. The policy's own result is kept when it
// decided (a forbidding rule); else the reason is an error of guard's own
// types, SecretRead or Judged.
func Stricter(r Result, v Verdict, argv []string) Result {
	if v.Class.Rank() <= r.Class.Rank() {
		return r
	}
	if v.Result.Class == v.Class {
		return v.Result
	}
	e := &MatchError{Type: ErrJudged, Value: v.Reason}
	if len(argv) > 0 {
		e.Program = argv[0]
	}
	if v.Secret != "" {
		e.Type, e.Value = ErrSecretRead, v.Secret
	}
	if e.Value == "" {
		e.Value = "not known to be safe here"
	}
	return Result{Class: v.Class, Err: e, Rule: r.Rule, At: r.At}
}

// PositionalArg is a word and its index, in errors.
type PositionalArg struct {
	Index int    `json:"index"`
	Value string `json:"value"`
}

// The error types of an unverified result, named as in the original.
const (
	ErrNoSpecForProgram                     = "NoSpecForProgram"
	ErrUnknownOption                        = "UnknownOption"
	ErrOptionMissingValue                   = "OptionMissingValue"
	ErrOptionFollowedByOptionInsteadOfValue = "OptionFollowedByOptionInsteadOfValue"
	ErrUnexpectedArguments                  = "UnexpectedArguments"
	ErrDoubleDashNotSupportedYet            = "DoubleDashNotSupportedYet"
	ErrNotEnoughArgs                        = "NotEnoughArgs"
	ErrVarargMatcherDidNotMatchAnything     = "VarargMatcherDidNotMatchAnything"
	ErrEmptyFileName                        = "EmptyFileName"
	ErrLiteralValueDidNotMatch              = "LiteralValueDidNotMatch"
	ErrInvalidPositiveInteger               = "InvalidPositiveInteger"
	ErrMissingRequiredOptions               = "MissingRequiredOptions"
	ErrSedCommandNotProvablySafe            = "SedCommandNotProvablySafe"
	ErrAwkProgramNotProvablySafe            = "AwkProgramNotProvablySafe"
	ErrPythonProgramNotProvablySafe         = "PythonProgramNotProvablySafe"
	ErrMultipleVarargPatterns               = "MultipleVarargPatterns"
	ErrPrefixRulePrompt                     = "PrefixRulePrompt"
	// ErrDeviceFile: a file argument names a device, a FIFO or a socket
	// (guard's own type; the original has none).
	ErrDeviceFile = "DeviceFile"
	// ErrOptionAfterOperand: an option word after an operand while
	// POSIXLY_CORRECT is set, which makes it an operand (guard's own).
	ErrOptionAfterOperand = "OptionAfterOperand"
	// ErrSecretRead: the command matched a rule but prints a secret (a
	// secret file, a token in a file, the environment): never safe, in
	// any mode (guard's own; the original has none).
	ErrSecretRead = "SecretRead"
	// ErrJudged: the command matched a rule, but guard's judgement of it
	// where it runs (the files it reads, where PATH leads, git's config)
	// is stricter (guard's own).
	ErrJudged = "Judged"
)

// MatchError says why an argv matched no rule. Type is one of the Err*
// names; the other fields are set as the type needs.
type MatchError struct {
	Type        string
	Program     string
	Option      string
	Value       string // OptionFollowedByOptionInsteadOfValue, InvalidPositiveInteger
	Args        []PositionalArg
	Patterns    []Matcher // NotEnoughArgs
	Matcher     Matcher   // VarargMatcherDidNotMatchAnything; second vararg for MultipleVarargPatterns
	First       Matcher   // MultipleVarargPatterns
	Expected    string    // LiteralValueDidNotMatch
	Actual      string    // LiteralValueDidNotMatch
	Options     []string  // MissingRequiredOptions
	Command     string    // SedCommandNotProvablySafe
	Explanation string    // PrefixRulePrompt: the rule's justification
}

func (e *MatchError) Error() string {
	switch e.Type {
	case ErrNoSpecForProgram:
		return fmt.Sprintf("no rule for program %q", e.Program)
	case ErrUnknownOption:
		return fmt.Sprintf("%s: option %s is not allowed by any rule", e.Program, e.Option)
	case ErrOptionAfterOperand:
		return fmt.Sprintf("%s: %s comes after an operand, and POSIXLY_CORRECT (inherited) makes it an operand, a file the judge did not read as one", e.Program, e.Option)
	case ErrOptionMissingValue:
		return fmt.Sprintf("%s: option %s needs a value", e.Program, e.Option)
	case ErrOptionFollowedByOptionInsteadOfValue:
		return fmt.Sprintf("%s: option %s is followed by %s instead of a value", e.Program, e.Option, e.Value)
	case ErrUnexpectedArguments:
		words := make([]string, len(e.Args))
		for i, a := range e.Args {
			words[i] = a.Value
		}
		return fmt.Sprintf("%s: unexpected arguments %s", e.Program, strings.Join(words, " "))
	case ErrDoubleDashNotSupportedYet:
		return fmt.Sprintf("%s: -- is not supported", e.Program)
	case ErrNotEnoughArgs:
		return fmt.Sprintf("%s: not enough arguments", e.Program)
	case ErrVarargMatcherDidNotMatchAnything:
		return fmt.Sprintf("%s: expected at least one %s", e.Program, e.Matcher)
	case ErrEmptyFileName:
		return "an empty string is not a file name"
	case ErrLiteralValueDidNotMatch:
		return fmt.Sprintf("expected %q, got %q", e.Expected, e.Actual)
	case ErrInvalidPositiveInteger:
		return fmt.Sprintf("%q is not a positive integer", e.Value)
	case ErrDeviceFile:
		return fmt.Sprintf("%s names a device, not a file: reading it is more than a read", e.Value)
	case ErrSecretRead:
		return fmt.Sprintf("%s prints a secret: %s", e.Program, e.Value)
	case ErrJudged:
		return fmt.Sprintf("%s: %s", e.Program, e.Value)
	case ErrMissingRequiredOptions:
		return fmt.Sprintf("%s: missing required options %s", e.Program, strings.Join(e.Options, ", "))
	case ErrSedCommandNotProvablySafe:
		return fmt.Sprintf("sed command %q is not provably safe", e.Command)
	case ErrAwkProgramNotProvablySafe:
		return fmt.Sprintf("awk program %q is not provably safe", e.Command)
	case ErrPythonProgramNotProvablySafe:
		return fmt.Sprintf("python program is not known to only read: %s", e.Value)
	case ErrMultipleVarargPatterns:
		return fmt.Sprintf("%s: more than one vararg pattern", e.Program)
	case ErrPrefixRulePrompt:
		if e.Explanation != "" {
			return fmt.Sprintf("%s: a rule asks for approval: %s", e.Program, e.Explanation)
		}
		return fmt.Sprintf("%s: a rule asks for approval", e.Program)
	}
	return e.Type
}

// MarshalJSON prints {"type":T,...} with the fields of T in the original's order.
func (e *MatchError) MarshalJSON() ([]byte, error) {
	type program struct {
		Type    string `json:"type"`
		Program string `json:"program"`
	}
	type option struct {
		Type    string `json:"type"`
		Program string `json:"program"`
		Option  string `json:"option"`
	}
	args := e.Args
	if args == nil {
		args = []PositionalArg{}
	}
	switch e.Type {
	case ErrNoSpecForProgram, ErrDoubleDashNotSupportedYet:
		return marshal(program{e.Type, e.Program})
	case ErrUnknownOption, ErrOptionMissingValue, ErrOptionAfterOperand:
		return marshal(option{e.Type, e.Program, e.Option})
	case ErrOptionFollowedByOptionInsteadOfValue:
		return marshal(struct {
			Type    string `json:"type"`
			Program string `json:"program"`
			Option  string `json:"option"`
			Value   string `json:"value"`
		}{e.Type, e.Program, e.Option, e.Value})
	case ErrUnexpectedArguments:
		return marshal(struct {
			Type    string          `json:"type"`
			Program string          `json:"program"`
			Args    []PositionalArg `json:"args"`
		}{e.Type, e.Program, args})
	case ErrNotEnoughArgs:
		pats := e.Patterns
		if pats == nil {
			pats = []Matcher{}
		}
		return marshal(struct {
			Type        string          `json:"type"`
			Program     string          `json:"program"`
			Args        []PositionalArg `json:"args"`
			ArgPatterns []Matcher       `json:"arg_patterns"`
		}{e.Type, e.Program, args, pats})
	case ErrVarargMatcherDidNotMatchAnything:
		return marshal(struct {
			Type    string  `json:"type"`
			Program string  `json:"program"`
			Matcher Matcher `json:"matcher"`
		}{e.Type, e.Program, e.Matcher})
	case ErrMultipleVarargPatterns:
		return marshal(struct {
			Type    string  `json:"type"`
			Program string  `json:"program"`
			First   Matcher `json:"first"`
			Second  Matcher `json:"second"`
		}{e.Type, e.Program, e.First, e.Matcher})
	case ErrEmptyFileName:
		return marshal(struct {
			Type string `json:"type"`
		}{e.Type})
	case ErrLiteralValueDidNotMatch:
		return marshal(struct {
			Type     string `json:"type"`
			Expected string `json:"expected"`
			Actual   string `json:"actual"`
		}{e.Type, e.Expected, e.Actual})
	case ErrInvalidPositiveInteger, ErrDeviceFile:
		return marshal(struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		}{e.Type, e.Value})
	case ErrMissingRequiredOptions:
		return marshal(struct {
			Type    string   `json:"type"`
			Program string   `json:"program"`
			Options []string `json:"options"`
		}{e.Type, e.Program, e.Options})
	case ErrSecretRead, ErrJudged:
		return marshal(struct {
			Type    string `json:"type"`
			Program string `json:"program"`
			Reason  string `json:"reason"`
		}{e.Type, e.Program, e.Value})
	case ErrSedCommandNotProvablySafe, ErrAwkProgramNotProvablySafe, ErrPythonProgramNotProvablySafe:
		return marshal(struct {
			Type    string `json:"type"`
			Command string `json:"command"`
		}{e.Type, e.Command})
	case ErrPrefixRulePrompt:
		return marshal(struct {
			Type          string `json:"type"`
			Program       string `json:"program"`
			Justification string `json:"justification"`
		}{e.Type, e.Program, e.Explanation})
	}
	return marshal(program{e.Type, e.Program})
}
