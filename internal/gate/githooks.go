package gate

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
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

// gitHooksOf are the git subcommands that run a hook without being
// gitHookRunners, with the hooks they run: git runs post-index-change
// whenever it writes the index (`git status` and `git diff` write it when
// they refresh a changed file's stat data, after any edit: the agent's own
// `git status` ran the hook where guard asked about `git commit` for it),
// and reference-transaction whenever it updates a ref (`git branch NAME`,
// `git tag NAME`, `git notes add`, `git reset`).
var gitHooksOf = map[string][]string{
	"status": {gitIndexHook}, "diff": {gitIndexHook}, "add": {gitIndexHook}, "rm": {gitIndexHook},
	"mv": {gitIndexHook}, "restore": {gitIndexHook}, "update-index": {gitIndexHook}, "read-tree": {gitIndexHook},
	"describe": {gitIndexHook}, "apply": {gitIndexHook}, "sparse-checkout": {gitIndexHook},
	"checkout-index": {gitIndexHook},
	"reset":          {gitIndexHook, gitRefHook},
	"branch":         {gitRefHook}, "tag": {gitRefHook}, "notes": {gitRefHook}, "update-ref": {gitRefHook},
	"symbolic-ref": {gitRefHook}, "replace": {gitRefHook}, "fetch": {gitRefHook}, "remote": {gitRefHook},
}

// The hooks gitHooksOf names.
const (
	gitIndexHook = "post-index-change"
	gitRefHook   = "reference-transaction"
)

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
// .pre-commit-config.yaml, which the agent may edit). For a subcommand of
// gitHooksOf only the hooks it runs count.
func (g *Gate) gitHooksSet(argv, globals []string, dir string) string {
	if !g.RunsElsewhere || len(argv) < 2 {
		return ""
	}
	sub := gitSubcommand(argv[1:])
	var only []string // nil: any hook
	switch {
	case gitHookRunners[sub]:
	case gitHooksOf[sub] != nil:
		only = gitHooksOf[sub]
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
		if only != nil && !slices.Contains(only, e.Name()) {
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
