// Package agenttest drives the real agent CLIs (Claude Code, Codex CLI, Gemini
// CLI, installed from npm by `make test-agents`) against scripted fake model
// servers on 127.0.0.1, with guard's hooks configured by `guard setup`, and
// checks what reached the model and the file system.
//
// The tests run only with GUARD_AGENT_TESTS=1 (make test-agents sets it);
// plain `go test ./...` skips them with that reason. The agents are looked
// up in $GUARD_AGENTS_DIR (default .cache/agents at the module root); when
// they are missing the tests skip, or fail under GUARD_REQUIRE_SANDBOX=1
// (CI). The test binary re-executes itself in a new network namespace with
// only loopback up (it needs root, or fails the same way), so nothing the
// agents try can leave the machine; update checks, telemetry and plugins
// are switched off as well. Every agent runs with a scratch HOME and config
// directories.
//
// Limits: Linux only (network namespaces). The fake servers speak just enough of each API for the agents'
// tool loops (streamed replies, one tool call per turn); an agent version
// that needs more fails its cases rather than passing them. The cases check
// outcomes (files made or not, text the model was sent), not timings.
package agenttest
