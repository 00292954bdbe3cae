//go:build !linux

package sandbox

import (
	"errors"
	"testing"
)

func TestUnsupported(t *testing.T) {
	err := Exec(Profile{}, "/bin/true", []string{"true"}, nil, nil)
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("Exec = %v, want ErrUnsupported", err)
	}
	if fs := Probe(); len(fs) != 1 || fs[0].Enforced {
		t.Errorf("Probe = %v, want one unenforced line", fs)
	}
}
