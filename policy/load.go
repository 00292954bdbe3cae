package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"guard/internal/safefile"
)

// ErrLoad is wrapped by every error that stops a policy from loading.
var ErrLoad = errors.New("policy does not load")

// LoadError is a policy that does not load, with the place that is wrong.
type LoadError struct {
	Pos Pos
	Msg string
}

func (e *LoadError) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.Msg
	}
	return e.Msg
}

// Unwrap makes every LoadError match ErrLoad.
func (e *LoadError) Unwrap() error { return ErrLoad }

// MaxPolicyBytes is the largest policy file loaded.
const MaxPolicyBytes = 1 << 20

// ReadFile reads a policy file's source: a regular file of at most
// MaxPolicyBytes, opened without blocking (a FIFO or a device at the path
// is refused, see safefile.Read).
func ReadFile(path string) ([]byte, error) {
	src, err := safefile.Read(path, MaxPolicyBytes)
	if err != nil {
		return nil, &LoadError{Msg: fmt.Sprintf("read policy: %v", err)}
	}
	return src, nil
}

// LoadFile reads (see ReadFile) and loads a policy file.
func LoadFile(path string) (*Policy, error) {
	src, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Load(path, src)
}

// Load evaluates a policy's Starlark source and verifies every rule's
// examples. Evaluation is bounded in steps and time; load() and all I/O are
// unavailable.
func Load(filename string, src []byte) (*Policy, error) {
	p, err := Evaluate(filename, src)
	if err != nil {
		return nil, err
	}
	if err := p.Verify(); err != nil {
		return nil, err
	}
	return p, nil
}

// Verify checks every rule's examples: each should_match example must match
// its own spec, each should_not_match example must not; likewise match and
// not_match of prefix rules. The first failure is returned with the rule's place.
func (p *Policy) Verify() error {
	if errs := p.VerifyAll(); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// VerifyAll is Verify reporting every failing example.
func (p *Policy) VerifyAll() []error {
	var errs []error
	fail := func(at Pos, format string, a ...any) {
		errs = append(errs, &LoadError{Pos: at, Msg: fmt.Sprintf(format, a...)})
	}
	for _, e := range p.AllPrograms() {
		specs := e.Value
		for i := range specs {
			s := &specs[i]
			for _, ex := range s.ShouldMatch {
				if _, err := s.match(s.Program, ex); err != nil {
					fail(s.Pos, "should_match example %s does not match define_program(%q): %v", quoteWords(ex), s.Program, err)
				}
			}
			for _, ex := range s.ShouldNotMatch {
				if _, err := s.match(s.Program, ex); err == nil {
					fail(s.Pos, "should_not_match example %s matches define_program(%q)", quoteWords(ex), s.Program)
				}
			}
		}
	}
	seen := map[Pos]bool{}
	for _, e := range p.Prefixes {
		for i := range e.Value {
			r := &e.Value[i]
			if seen[r.Pos] {
				continue
			}
			seen[r.Pos] = true
			for _, ex := range r.Match {
				if !r.matches(ex) {
					fail(r.Pos, "match example %s does not match %s", quoteWords(ex), r.name())
				}
			}
			for _, ex := range r.NotMatch {
				if r.matches(ex) {
					fail(r.Pos, "not_match example %s matches %s", quoteWords(ex), r.name())
				}
			}
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func quoteWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = fmt.Sprintf("%q", w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
