package gate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// gitHookRunners are the git subcommands that run hooks (pre-commit,
// commit-msg, post-checkout, post-merge, pre-rebase, pre-push,
// pre-auto-gc, ...) or that can start one through another (commit runs
// gc --auto).
var gitHookRunners = map[string]bool{
	"commit": true, "checkout": true, "switch": true, "merge": true, "rebase": true, "am": true,
	"cherry-pick": true, "revert": true, "pull": true, "push": true, "stash": true, "worktree": true,
	"gc": true, "maintenance": true, "clone": true,
}

// gitIndexWriters are the git subcommands that write the index without
// being gitHookRunners: git runs the post-index-change hook whenever it
// writes the index, and `git status` and `git diff` write it when they
// refresh a changed file's stat data (after any edit): the agent's own
// `git status` ran the hook where guard asked about `git commit` for it.
var gitIndexWriters = map[string]bool{
	"status": true, "diff": true, "add": true, "rm": true, "mv": true, "reset": true, "restore": true,
	"update-index": true, "read-tree": true, "describe": true, "apply": true, "sparse-checkout": true,
	"checkout-index": true,
}

// gitIndexHook is the hook gitIndexWriters run.
const gitIndexHook = "post-index-change"

// gitSubcommand is the first word of args (git's arguments) that is not a
// global option or -C's value.
func gitSubcommand(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-C" || a == "-c":
			i++
		case !strings.HasPrefix(a, "-"):
			return a
		}
	}
	return ""
}

// gitHooksSet says why a git command the agent runs itself (RunsElsewhere,
// where guard's gitPins do not reach it) would run a hook, or "": the
// subcommand runs hooks and the hooks directory git uses (core.hooksPath
// or the repository's hooks, as `git rev-parse --git-path hooks` says)
// holds one that is not a .sample. guard's own git checks run with the
// pins (core.hooksPath=/dev/null), so the directory is found from the
// other config scopes and the common git directory. A hook runs whatever the repository's
// tooling put there (pre-commit's runs the project's
// .pre-commit-config.yaml, which the agent may edit). For a subcommand
// that only writes the index (gitIndexWriters) the one hook that counts is
// post-index-change.
func (g *Gate) gitHooksSet(argv, globals []string, dir string) string {
	if !g.RunsElsewhere || len(argv) < 2 {
		return ""
	}
	sub := gitSubcommand(argv[1:])
	only := ""
	switch {
	case gitHookRunners[sub]:
	case gitIndexWriters[sub]:
		only = gitIndexHook
	default:
		return ""
	}
	hooks, why := g.gitHooksDir(globals, dir)
	if why != "" || hooks == "" {
		return why
	}
	entries, err := os.ReadDir(hooks)
	if err != nil {
		if os.IsNotExist(err) {
			return ""
		}
		return "git would run the hooks in " + hooks + ", which guard cannot list: " + err.Error()
	}
	for _, e := range entries {
		if only != "" && e.Name() != only {
			continue
		}
		if !strings.HasSuffix(e.Name(), ".sample") && !e.IsDir() {
			return "git " + sub + " runs hooks, and " + filepath.Join(hooks, e.Name()) +
				" is one: guard does not run this git itself, so it cannot pin hooks off"
		}
	}
	return ""
}

// gitHooksDir is the hooks directory the agent's own git would use in dir:
// the last core.hooksPath of a config file (the command scope is guard's
// pin), or the common git directory's hooks; "" outside a repository.
func (g *Gate) gitHooksDir(globals []string, dir string) (string, string) {
	var errb bytes.Buffer
	common, _, _, err := g.runGit(dir, append(append([]string{}, globals...), "rev-parse", "--git-common-dir"), &errb)
	if err != nil {
		return "", "" // not a repository: git fails before any hook
	}
	hooks := strings.TrimSpace(common)
	if hooks == "" {
		return "", ""
	}
	if !filepath.IsAbs(hooks) {
		hooks = filepath.Join(dir, hooks)
	}
	hooks = filepath.Join(hooks, "hooks")
	out, _, _, err := g.runGit(dir, append(append([]string{}, globals...), "config", "--show-scope", "--get-all", "core.hooksPath"), &errb)
	if err != nil {
		return hooks, "" // exit 1: not set
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		scope, val, _ := strings.Cut(line, "\t")
		switch {
		case scope == "command" || val == "":
			continue
		case strings.HasPrefix(val, "~/") && g.Home != "":
			hooks = filepath.Join(g.Home, val[2:])
		case filepath.IsAbs(val):
			hooks = val
		default:
			return "", "git runs hooks from core.hooksPath " + val + " (" + scope + "), which guard cannot place"
		}
	}
	return hooks, ""
}
