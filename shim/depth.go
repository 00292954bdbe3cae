package shim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DepthEnv is the environment variable that counts guard-to-guard hops. Its
// value is "PID:N": guard process PID has exec'd in place N times in a row into
// programs resolved by guard.
//
// Guard execs in place, so a guard that runs another guard (a second copy's
// shim, a script whose interpreter is guard) keeps the process ID. A loop of
// such hops therefore happens in one PID, while ordinary nesting (make running
// a shimmed rm) happens in child processes with new PIDs. Counting only hops in
// the same PID stops loops without limiting how deeply real programs nest. The
// marker never makes guard skip a check: at worst it makes guard refuse.
const DepthEnv = "GUARD_SHIM_DEPTH"

// MaxDepth is how many guard-to-guard hops in one process are allowed before
// guard refuses with a [LoopError]. Real chains need one or two (guard execs
// "bash -c X", bash execs a shimmed X in place).
const MaxDepth = 5

// ErrLoop is wrapped by a [LoopError].
var ErrLoop = errors.New("guard shim loop")

// LoopError reports that guards kept exec'ing each other for program Name.
type LoopError struct {
	Name  string
	Depth int
}

func (e *LoopError) Error() string {
	return fmt.Sprintf("%s: %v: resolved to another guard %d times in a row (%s); "+
		"two guard installations probably have their shim directories on PATH; run 'guard which %s'",
		e.Name, ErrLoop, e.Depth, DepthEnv, e.Name)
}

func (e *LoopError) Unwrap() error { return ErrLoop }

// Depth returns the number of guard-to-guard hops recorded in env (a list of
// KEY=VALUE strings, as os.Environ) for process pid. A marker left by another
// process, a missing marker or a malformed one counts as 0. When the variable
// appears more than once, the first one counts, as for os.Getenv.
func Depth(env []string, pid int) int {
	for _, kv := range env {
		v, ok := strings.CutPrefix(kv, DepthEnv+"=")
		if !ok {
			continue
		}
		p, n, ok := strings.Cut(v, ":")
		if !ok {
			return 0
		}
		gotPID, err1 := strconv.Atoi(p)
		depth, err2 := strconv.Atoi(n)
		if err1 != nil || err2 != nil || gotPID != pid || depth < 0 {
			return 0
		}
		return depth
	}
	return 0
}

// WithDepth returns a copy of env with every DepthEnv entry removed and
// DepthEnv=PID:N appended.
func WithDepth(env []string, pid, n int) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, DepthEnv+"=") {
			out = append(out, kv)
		}
	}
	return append(out, DepthEnv+"="+strconv.Itoa(pid)+":"+strconv.Itoa(n))
}

// Next returns the environment for the program that guard (process pid, run
// for name) is about to exec in place: env with the hop count raised by one.
// When the count in env has already reached [MaxDepth], it returns a
// *LoopError instead and guard must not exec.
func Next(env []string, pid int, name string) ([]string, error) {
	d := Depth(env, pid)
	if d >= MaxDepth {
		return nil, &LoopError{Name: name, Depth: d}
	}
	return WithDepth(env, pid, d+1), nil
}
