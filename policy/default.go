package policy

import (
	_ "embed"
	"sync"
)

//go:embed default.policy
var defaultSource string

// DefaultFile is the name the embedded default policy's rules report.
const DefaultFile = "default.policy"

// compiledDefault is the default policy compiled at build time
// (default_gen.go, written by `make generate`), so that guard does not
// evaluate Starlark on every command. TestGeneratedDefault keeps it equal
// to default.policy.
var compiledDefault *Policy

var (
	defaultOnce   sync.Once
	defaultPolicy *Policy
	defaultErr    error
)

// Default returns the embedded default policy.
func Default() (*Policy, error) {
	defaultOnce.Do(func() {
		if compiledDefault != nil {
			defaultPolicy = compiledDefault
			return
		}
		defaultPolicy, defaultErr = Load(DefaultFile, []byte(defaultSource))
	})
	return defaultPolicy, defaultErr
}

// DefaultSource returns the text of the embedded default policy.
func DefaultSource() []byte { return []byte(defaultSource) }
