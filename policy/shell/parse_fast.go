//go:build guardfast

package shell

import (
	"errors"
	"fmt"
)

// ErrNoParser is returned by Parse in the guardfast build, which leaves the
// shell parser out: guard hands such commands to guard-full.
var ErrNoParser = errors.New("this build has no shell parser (guard-full has it)")

// Parse fails in the guardfast build: see ErrNoParser.
func Parse(src string, d Dialect) (Script, error) {
	return Script{}, fmt.Errorf("parse %s script: %w", d, ErrNoParser)
}
