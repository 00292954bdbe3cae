// Package sandboxtest helps tests that depend on kernel sandbox features.
//
// A test that cannot prove anything on this machine (no Landlock, not root, a tool
// missing) skips with a reason. In CI, GUARD_REQUIRE_SANDBOX=1 turns every such
// skip into a failure, so that a machine without the features cannot pass by
// skipping.
package sandboxtest

import (
	"fmt"
	"os"
	"testing"
)

// RequireEnv is the environment variable that turns skips into failures when "1".
const RequireEnv = "GUARD_REQUIRE_SANDBOX"

// Required reports whether skips must fail.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Skip skips the test with the reason, or fails it when Required.
func Skip(t testing.TB, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("%s=1 but the test would skip: %s", RequireEnv, fmt.Sprint(args...))
	}
	t.Skip(args...)
}

// NotApplicable skips the test even when Required: only for an attack on a
// feature this kernel does not have at all (no x32 ABI, no module loading, no
// IPv6), where there is nothing to confine.
func NotApplicable(t testing.TB, args ...any) {
	t.Helper()
	t.Skip("not applicable: " + fmt.Sprint(args...))
}

// Skipf is Skip with a format.
func Skipf(t testing.TB, format string, args ...any) {
	t.Helper()
	Skip(t, fmt.Sprintf(format, args...))
}
