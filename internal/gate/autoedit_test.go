package gate

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"guard/policy"
	"guard/sandbox"
)

// TestWritesConfined: only auto-edit's "match, every write inside" runs
// write-confined; safe commands, approvals, other modes and actions do not.
func TestWritesConfined(t *testing.T) {
	for _, tt := range []struct {
		mode  policy.Mode
		d     policy.Decision
		wants bool
	}{
		{policy.AutoEdit, policy.Decision{Action: policy.Run, Class: policy.Match}, true},
		{policy.AutoEdit, policy.Decision{Action: policy.Run, Class: policy.Safe}, false},
		{policy.AutoEdit, policy.Decision{Action: policy.Ask, Class: policy.Match}, false},
		{policy.AutoEdit, policy.Decision{Action: policy.Refuse, Class: policy.Forbidden}, false},
		{policy.Suggest, policy.Decision{Action: policy.Run, Class: policy.Safe}, false},
		{policy.FullAuto, policy.Decision{Action: policy.RunSandboxed, Class: policy.Match}, false},
	} {
		if got := WritesConfined(tt.mode, tt.d); got != tt.wants {
			t.Errorf("WritesConfined(%s, %s %s) = %v, want %v", tt.mode, tt.d.Action, tt.d.Class, got, tt.wants)
		}
	}
}

// TestWritesUnconfined: where writes cannot be confined, best-effort runs the
// command with a warning; any other failure of the confinement refuses it.
func TestWritesUnconfined(t *testing.T) {
	var stderr bytes.Buffer
	g := &Gate{Mode: policy.AutoEdit, BestEffort: true, Stderr: &stderr}
	d := policy.Decision{Action: policy.Run, Class: policy.Match}
	unsupported := fmt.Errorf("%w (plan9): Landlock and seccomp are Linux features", sandbox.ErrUnsupported)
	if _, refused := g.writesUnconfined([]string{"touch", "x"}, &policy.Verdict{}, d, unsupported); refused ||
		!strings.Contains(stderr.String(), "writes not confined") {
		t.Errorf("best-effort, unsupported: refused=%v, stderr %q; want it run with a warning", refused, stderr.String())
	}
	stderr.Reset()
	code, refused := g.writesUnconfined([]string{"touch", "x"}, &policy.Verdict{}, d, errors.New("landlock_restrict_self: invalid argument"))
	if !refused || code != ExitFailure || !strings.Contains(stderr.String(), "cannot here") {
		t.Errorf("a failed step: refused=%v code=%d stderr %q; want a refusal with 125", refused, code, stderr.String())
	}
}
