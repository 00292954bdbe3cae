// Package policy classifies a command with execpolicy rules: define_program
// specs, prefix rules and forbidding patterns, written in Starlark. Check
// classifies one argv as safe, match (it writes files), unverified or
// forbidden; Judge also reads a shell script or a wrapper through
// policy/shell and lets its worst command decide; Decide turns the class and
// the approval mode into run, run sandboxed, ask or refuse. A rule that asks
// for a person (a prompt prefix_rule, define_program(prompt=)) asks in every
// mode; a command that prints a secret (a file on policy/protect's secret
// list, a search for a secret variable, an environment dump) is never safe.
//
// The embedded default policy is compiled at build time (default_gen.go), so
// classifying costs no Starlark evaluation. Other policy files are evaluated
// once per change and kept in a cache (see Cache).
//
// Limits: a policy sees the argv only, not what the program will do with it;
// a value typed as a file is judged by its path, resolved through symlinks
// as the kernel would at that moment, and a program that writes elsewhere
// than its arguments say is not caught here (the sandbox is what confines it).
//
// Bounds: a policy file is read only when it is a regular file of at most
// MaxPolicyBytes (ReadFile: no FIFO, device or directory, never blocking).
// Its evaluation is bounded in steps (5 million), time (1 s) and memory:
// the operators and methods that make values larger than their operands are
// checked before they run, range() is limited, and allocations are watched
// every 100 steps (bounded.go). A built-in not listed there that makes a
// value much larger than its arguments would only be stopped after it
// returns.
package policy
