package hook

import (
	"os"
	"path/filepath"

	"guard/policy"
)

// AgentEnvFile returns a reason when one of paths (a write's targets) is a
// file an agent loads into its own environment when a session starts in
// that file's directory or below, "" when none is. Gemini CLI takes the first
// .gemini/.env or .env from the session's directory up to / and sets every variable in it that
// is not set yet, before any tool call and so before any hook: its API
// endpoint (GOOGLE_GEMINI_BASE_URL: the next session's whole conversation
// went to the endpoint an agent-written .env named), a proxy, its system
// prompt file, credentials, the variables every command it runs inherits.
// A write there is judged as the change of the agent's settings it is, not
// as a write of the project's: asked. It counts when agent is Gemini CLI or
// the user has Gemini CLI settings (another agent's session writes the file
// the user's next Gemini CLI session loads). Limits: the file's content is
// not read (a harmless DATABASE_URL is asked too; any .env counts, a session
// may start in a package below the project), and a write the judge
// cannot see (a dynamic path) is the judge's and the sandbox's.
func AgentEnvFile(agent Agent, paths []string, getenv func(string) string) string {
	if len(paths) == 0 || !geminiInUse(agent, getenv) {
		return ""
	}
	for _, p := range paths {
		// Folded: where case is not told apart .ENV is the .env.
		if policy.Folded(filepath.Base(p)) != ".env" && policy.Folded(filepath.Base(policy.Resolve(p, "/"))) != ".env" {
			continue
		}
		return "writes " + p + ", a file Gemini CLI loads into its environment when a session starts in its directory or below" +
			" (before any hook: its API endpoint, a proxy, credentials, what every command inherits): a change of the agent's settings, which a person approves"
	}
	return ""
}

// geminiInUse reports whether Gemini CLI loads a project's .env for this
// user: it is the agent asking, or its settings directory exists.
func geminiInUse(agent Agent, getenv func(string) string) bool {
	if agent == Gemini {
		return true
	}
	home := getenv("GEMINI_CLI_HOME")
	if home == "" {
		home = getenv("HOME")
	}
	if home == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(home, ".gemini"))
	return err == nil
}
