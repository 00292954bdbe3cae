package gate

import (
	"testing"

	"guard/policy"
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
		if got := writesConfined(tt.mode, tt.d); got != tt.wants {
			t.Errorf("writesConfined(%s, %s %s) = %v, want %v", tt.mode, tt.d.Action, tt.d.Class, got, tt.wants)
		}
	}
}
