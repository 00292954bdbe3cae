package gate

import "golang.org/x/sys/unix"

// insideSandbox reports whether this process runs with no_new_privs set,
// as everything guard's sandbox runs does (and so does anything an agent
// started from there). A terminal seen from there is one the sandboxed
// command may have made itself (script(1), a pty library) and can answer,
// so guard does not take it for a person: it refuses instead of asking.
// A person who runs guard by hand inside another no_new_privs sandbox gets
// the same answer; the README says so.
func insideSandbox() bool {
	nnp, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	return err == nil && nnp == 1
}
