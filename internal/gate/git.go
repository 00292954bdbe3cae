package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"guard/internal/sysprog"
	"guard/policy"
	"guard/shim"
)

// gitCheckTimeout bounds guard's own git config lookup; past it the git
// command is unverified.
const gitCheckTimeout = 5 * time.Second

// gitPins are the git settings guard fixes for every git command it runs,
// whatever the repository, the user's config or the environment say: none
// of them runs code then. They go in through git's environment
// (GIT_CONFIG_COUNT/KEY/VALUE and GIT_CONFIG_PARAMETERS, which git reads
// after every config file, and in that order, so they win).
//
//   - core.fsmonitor: a program git status and diff run on every call;
//   - core.hooksPath: hooks;
//   - safe.bareRepository=explicit: a bare repository is used only when
//     named (--git-dir, GIT_DIR), never found by walking up from the
//     working directory: a clone can carry one (docs/ with HEAD, config,
//     objects, refs) whose config would run code;
//   - gpg.program and its ssh and x509 variants: a path that cannot exist
//     (/dev/null is not a directory), so verifying a signature fails;
//   - gpg.ssh.defaultKeyCommand: the program git runs for the key when it
//     signs with ssh and no user.signingKey is set, before the signing
//     program (pinned above) fails: a repository's commit.gpgSign,
//     gpg.format=ssh and this key made `git commit -m x`, which auto-edit
//     runs, run it;
//   - core.pager: cat, which git takes as no pager (GIT_PAGER=cat as well:
//     it wins over core.pager and pager.<command>).
//
// What cannot be pinned by name: diff drivers (diff.<driver>.command and
// .textconv), filters (filter.<driver>.clean, .smudge, .process),
// diff.external and merge drivers (merge.<driver>.driver), which a
// repository's .gitattributes selects, and trailer commands
// (trailer.<token>.cmd and .command), which `git commit --trailer` runs
// for a trailer of that token. checkGit
// makes a git command unverified when the repository's own config defines
// any of them (the user's global config, git-lfs's filters for one, is
// trusted). Nor the lazy fetch of a partial clone (a promisor remote,
// extensions.partialClone): any read that meets an object the clone lacks
// (git show, log -p, diff, cat-file) fetches it from the remote, which
// reaches the network and runs the remote's transport, programs the
// repository's config names (remote.<name>.uploadpack, core.sshCommand,
// a credential helper): `git show HEAD` ran an uploadpack of
// `touch PWNED; git-upload-pack`. GIT_NO_LAZY_FETCH (git 2.44) would stop
// it but also the checkouts that need it; such a repository's git
// commands are unverified.
var gitPins = [][2]string{
	{"core.fsmonitor", "false"},
	{"core.hooksPath", "/dev/null"},
	{"safe.bareRepository", "explicit"},
	{"gpg.program", "/dev/null/guard-pinned-no-gpg"},
	{"gpg.ssh.program", "/dev/null/guard-pinned-no-gpg"},
	{"gpg.x509.program", "/dev/null/guard-pinned-no-gpg"},
	{"gpg.ssh.defaultKeyCommand", "/dev/null/guard-pinned-no-gpg"},
	{"core.pager", "cat"},
}

// gitDrivers matches the config keys that name programs a read may run
// and that gitPins cannot fix.
const gitDrivers = `^(diff\..*\.(command|textconv)|filter\..*\.(clean|smudge|process)|diff\.external|` + gitPromisorKeys + `)$`

// gitMergeDrivers matches the merge drivers a repository's .gitattributes
// selects (merge=NAME): git runs merge.NAME.driver for every file it merges
// that way, and not only in the merges auto-edit runs (merge, rebase,
// cherry-pick, revert, stash pop): a read merges too, `git show -m` and
// `git log -m -p` with the repository's log.diffMerges=remerge redo a merge
// commit's merge to show it, and ran the driver in suggest mode. Asked for
// the repository's top (a submodule's merges are not run by its
// superproject's commands).
const gitMergeDrivers = `merge\..*\.driver`

// gitTrailerCommands matches the commands `git commit --trailer` runs for a
// trailer of their token (trailer.<token>.cmd, the older .command); asked
// only for a script with a --trailer word, the only way git runs them.
const gitTrailerCommands = `trailer\..*\.(cmd|command)`

// gitPromisorKeys make a repository a partial clone, whose reads fetch.
const gitPromisorKeys = `remote\..*\.promisor|extensions\.partialclone`

// gitDriversUnpinned is gitDrivers with the keys gitPins fixes, for a
// command guard does not run itself (Options.RunsElsewhere).
const gitDriversUnpinned = `^(diff\..*\.(command|textconv)|filter\..*\.(clean|smudge|process)|diff\.external|` +
	`core\.fsmonitor|core\.hookspath|core\.pager|pager\..*|gpg\.program|gpg\..*\.program|gpg\.ssh\.defaultkeycommand|` +
	gitVerifyKeys + `|` + gitPromisorKeys + `)$`

// gitVerifyKeys make reads verify signatures (git log and show with
// log.showSignature, git merge with merge.verifySignatures), which runs
// gpg, gpgsm or ssh-keygen by name, through PATH, when no gpg program is
// configured: for a hook (the agent's git is not pinned) a PATH that
// reaches a writable root ran a planted gpg for `git log -1` of a commit
// with a signature header.
const gitVerifyKeys = `log\.showsignature|merge\.verifysignatures`

// gitVerifyPrograms are the programs git verifies signatures with when
// gpg.program and its variants are not set.
var gitVerifyPrograms = []string{"gpg.program gpg", "gpg.x509.program gpgsm", "gpg.ssh.program ssh-keygen"}

// runsGit reports whether any command of v is git.
func runsGit(v *policy.Verdict) bool {
	for _, c := range v.Commands {
		if len(c) > 0 && filepath.Base(c[0]) == "git" {
			return true
		}
	}
	return false
}

// pinGit returns env with gitPins added when v runs git, after any config
// the environment already carries (an existing GIT_CONFIG_COUNT is kept
// and extended; one that is not a number is replaced), GIT_PAGER=cat, and
// GIT_EXTERNAL_DIFF removed.
func (g *Gate) pinGit(env []string, v *policy.Verdict) []string {
	if !runsGit(v) {
		return env
	}
	return PinGit(env)
}

// PinGit is pinGit for any command: env with gitPins in force.
func PinGit(env []string) []string {
	n, err := strconv.Atoi(Getenv(env, "GIT_CONFIG_COUNT"))
	keep := err == nil && n >= 0 && n < 1<<16
	if !keep {
		n = 0
	}
	params := Getenv(env, "GIT_CONFIG_PARAMETERS")
	out := make([]string, 0, len(env)+2*len(gitPins)+3)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "GIT_CONFIG_COUNT", k == "GIT_CONFIG_PARAMETERS", k == "GIT_PAGER", k == "GIT_EXTERNAL_DIFF":
			continue
		case !keep && (strings.HasPrefix(k, "GIT_CONFIG_KEY_") || strings.HasPrefix(k, "GIT_CONFIG_VALUE_")):
			continue
		}
		out = append(out, kv)
	}
	for i, p := range gitPins {
		out = append(out, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", n+i, p[0]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", n+i, p[1]))
		params += " '" + p[0] + "'='" + p[1] + "'"
	}
	out = append(out, fmt.Sprintf("GIT_CONFIG_COUNT=%d", n+len(gitPins)),
		"GIT_CONFIG_PARAMETERS="+strings.TrimPrefix(params, " "), "GIT_PAGER=cat")
	return out
}

// checkGit makes a safe or match verdict unverified when a git command in
// it would read a config that names diff drivers, filters or an external
// diff (see gitPins): git is asked, with the command's global options, the
// pinned environment and the working directory, which of those keys its
// config sets. A repository git refuses to use (a bare one found by
// walking up) counts as one that does.
func (g *Gate) checkGit(v *policy.Verdict) {
	if v.Class != policy.Safe && v.Class != policy.Match {
		return
	}
	// A script's commands run where its cd and pushd lead (`cd docs &&
	// git status`): every directory the judge tracked is asked, not only
	// the one guard starts in.
	dirs := v.Dirs
	if len(dirs) == 0 {
		dirs = []string{g.Cwd}
	}
	done, hooksDone := map[string]bool{}, map[string]bool{}
	extra := gitMergeDrivers
	for _, c := range v.Commands {
		if len(c) > 0 && filepath.Base(c[0]) == "git" && slices.ContainsFunc(c[1:], func(a string) bool {
			return a == "--trailer" || strings.HasPrefix(a, "--trailer=")
		}) {
			extra += "|" + gitTrailerCommands
			break
		}
	}
	for _, c := range v.Commands {
		if len(c) == 0 || filepath.Base(c[0]) != "git" {
			continue
		}
		globals := gitGlobals(c[1:])
		for _, dir := range dirs {
			// Asked once a repository directory, however it is spelled
			// (-C ., -C ./., cd d && git, git -C d): a script of distinct
			// spellings made guard run git thousands of times.
			dir, globals := gitWhere(dir, globals)
			key := dir + "\x00" + strings.Join(globals, "\x00")
			// Hooks: asked once a repository directory too, for the
			// first command that runs them (`git add -A && git commit`).
			// (A runner's question covers every hook, another's the hooks
			// gitHooksOf names: asked apart.)
			sub := gitSubcommand(c[1:])
			if hk := key + "\x00" + strconv.FormatBool(gitHookRunners[sub]) + strings.Join(gitHooksOf[sub], ","); g.RunsElsewhere && !hooksDone[hk] &&
				(gitHookRunners[sub] || gitHooksOf[sub] != nil) {
				hooksDone[hk] = true
				if why := g.gitHooksSet(c, globals, dir); why != "" {
					v.Class, v.Unknown = policy.Unverified, true
					v.Reason = why
					return
				}
			}
			if done[key] {
				continue
			}
			done[key] = true
			if len(done) > maxGitDirs {
				v.Class, v.Unknown = policy.Unverified, true
				v.Reason = fmt.Sprintf("git runs in more than %d directories: too many to check their git config", maxGitDirs)
				return
			}
			why := g.gitDriversSet(globals, dir, extra)
			if left := maxSubmodules; why == "" && !slices.Contains(globals, "--bare") {
				why = g.submoduleDrivers(globals, dir, 0, &left)
			}
			if why != "" {
				v.Class, v.Unknown = policy.Unverified, true
				v.Reason = why
				return
			}
		}
	}
}

// maxGitDirs bounds the directories checkGit asks git about for one
// verdict.
const maxGitDirs = 16

// gitWhere applies the -C options of globals to dir, as git does (each
// relative to the one before), and returns the directory, through links,
// with the globals left (--bare).
func gitWhere(dir string, globals []string) (string, []string) {
	var rest []string
	for i := 0; i < len(globals); i++ {
		if globals[i] == "-C" && i+1 < len(globals) {
			if c := globals[i+1]; c != "" {
				if filepath.IsAbs(c) {
					dir = c
				} else {
					dir = dir + "/" + c
				}
			}
			i++
			continue
		}
		rest = append(rest, globals[i])
	}
	return policy.Resolve(dir, "/"), rest
}

// gitGlobals returns the global options in front of git's subcommand that
// choose the repository (-C DIR, --bare); the others were judged already.
func gitGlobals(args []string) []string {
	var out []string
	for i := 0; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		switch args[i] {
		case "-C":
			if i+1 < len(args) {
				out = append(out, "-C", args[i+1])
			}
			i++
		case "--bare":
			out = append(out, "--bare")
		}
	}
	return out
}

// trustedGitScope are the config scopes whose drivers guard lets a read
// run: the user's and the system's files (outside every root, and the
// user's ~/.gitconfig is protected), and the command line (the environment
// guard was given, plus its pins). git-lfs's filters live there. A
// repository's own config ("local", "worktree") is the repository's say,
// not the user's.
func trustedGitScope(s string) bool {
	switch s {
	case "global", "system", "command":
		return true
	}
	return false
}

// gitDriversSet returns why git's config makes a read run programs, or "";
// extra holds more keys to ask about (alternatives of a regular
// expression: gitMergeDrivers, gitTrailerCommands), or is empty.
func (g *Gate) gitDriversSet(globals []string, dir, extra string) string {
	keys := gitDrivers
	if g.RunsElsewhere {
		keys = gitDriversUnpinned
	}
	if extra != "" {
		keys = strings.TrimSuffix(keys, ")$") + "|" + extra + ")$"
	}
	// One question for the drivers and for the files a read opens
	// (gitFileKeys, gitFilesRead): a git run costs milliseconds.
	keys = strings.TrimSuffix(keys, ")$") + "|" + strings.TrimPrefix(gitFileKeys, "^(")
	// git reads config files the repository may make FIFOs: bounded.
	var errb bytes.Buffer
	out, _, _, err := g.runGit(dir, append(append([]string{}, globals...), "config", "--show-scope", "--get-regexp", keys), &errb)
	if errors.Is(err, errNoGit) {
		return ""
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		var files, trusted []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			scope, setting, _ := strings.Cut(line, "\t")
			if key, _, _ := strings.Cut(setting, " "); gitFileKey(key) {
				files = append(files, line)
				continue
			}
			if key, val, _ := strings.Cut(setting, " "); key == "extensions.partialclone" ||
				strings.HasPrefix(key, "remote.") && strings.HasSuffix(key, ".promisor") {
				if key == "extensions.partialclone" || gitTrue(val) {
					return "this repository is a partial clone (" + setting + "): a read fetches the objects it lacks " +
						"from the remote, which reaches the network and runs the transport its config names " +
						"(remote.*.uploadpack, core.sshCommand, a credential helper)"
				}
				continue
			}
			if key, val, _ := strings.Cut(setting, " "); g.RunsElsewhere && gitBool(val) &&
				(key == "core.fsmonitor" || strings.HasPrefix(key, "pager.")) {
				continue // on or off, not a program
			}
			if key, val, _ := strings.Cut(setting, " "); key == "log.showsignature" || key == "merge.verifysignatures" {
				if !gitTrue(val) {
					continue
				}
				if !trustedGitScope(scope) {
					return "the repository's git config makes git verify signatures (" + setting + "), with gpg, gpgsm or ssh-keygen found through PATH: guard does not run this git itself, so it cannot pin them"
				}
				trusted = append(trusted, gitVerifyPrograms...)
				continue
			}
			if key, val, _ := strings.Cut(setting, " "); strings.HasPrefix(key, "merge.") && (val == "true" || val == "false") {
				// `merge.ours.driver true`, the common way to keep one's
				// side of a file: git runs true by name (through PATH).
				trusted = append(trusted, setting)
				continue
			}
			if !trustedGitScope(scope) {
				return "the repository's git config names a program git runs (" + setting + "): guard cannot pin the drivers, filters and commands a .gitattributes or a trailer selects"
			}
			trusted = append(trusted, setting)
		}
		if why := g.driverPlanted(trusted, dir); why != "" {
			return why
		}
		return g.gitFilesRead(globals, dir, files)
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return ""
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(errb.String()), "\n")
	if msg == "" {
		msg = err.Error()
	}
	return "git cannot read this repository's config as guard pins it: " + msg
}

// driverPlanted says why a driver or filter the user's or the system's git
// config names (trusted: git-lfs's filter-process, a difftool's textconv)
// runs a program the agent may have written, or "": git runs the command's
// first word through PATH, and a PATH that reaches a writable root (a
// venv's bin, node_modules/.bin, a relative entry) can hold a planted
// git-lfs, run by `git status` or `git diff` on a file the .gitattributes
// sends through the filter. A first word that is quoted or expanded cannot
// be looked up, and is taken as such a program.
func (g *Gate) driverPlanted(settings []string, dir string) string {
	if len(settings) == 0 || !g.pathReachesRoots() {
		return ""
	}
	_, self, _ := shim.Self()
	for _, setting := range settings {
		key, cmd, _ := strings.Cut(setting, " ")
		f := strings.Fields(cmd)
		if len(f) == 0 || gitBool(cmd) && !strings.HasPrefix(key, "merge.") { // a merge driver `true` is the program true
			continue
		}
		prog := f[0]
		if strings.ContainsAny(prog, "'\"$`\\;|&<>(){}*?[~=") {
			return "the user's git config names " + key + " (" + prog + "), which git runs through a shell and PATH, and PATH reaches a writable root"
		}
		bin, real := g.lookupIn(prog, self, dir)
		if bin == "" {
			continue
		}
		if why := g.plantedAt(prog, bin, real, nil); why != "" {
			return "git runs " + key + " from the user's config through PATH, and " + why
		}
	}
	return ""
}

// gitBinary is the git guard runs for its own questions: a system one.
func (g *Gate) gitBinary() (string, error) {
	if p, ok := sysprog.Find("git"); ok && executable(p) {
		return p, nil
	}
	return "", errNoGit
}

var errNoGit = errors.New("no system git")

// runGit runs the system git with args in dir for guard's own questions:
// pinned (PinGit), within gitCheckTimeout (timedOut), its output cut at
// maxHistoryList (over). err is errNoGit without a system git, else Run's.
func (g *Gate) runGit(dir string, args []string, stderr io.Writer) (out string, over, timedOut bool, err error) {
	return g.runGitMax(dir, args, stderr, maxHistoryList)
}

// runGitMax is runGit keeping at most max bytes of the output.
func (g *Gate) runGitMax(dir string, args []string, stderr io.Writer, max int) (out string, over, timedOut bool, err error) {
	git, err := g.gitBinary()
	if err != nil {
		return "", false, false, err
	}
	if g.gitStalled {
		return "", false, true, context.DeadlineExceeded
	}
	ctx, cancel := context.WithTimeout(context.Background(), gitCheckTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, git, args...)
	cmd.Dir = dir
	// Guard's own questions never fetch what a partial clone lacks
	// (GIT_NO_LAZY_FETCH: git 2.44 and later).
	cmd.Env = append(PinGit(g.Env), "GIT_NO_LAZY_FETCH=1")
	buf := &limitedBuffer{max: max}
	cmd.Stdout, cmd.Stderr = buf, stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		g.gitStalled = true
	}
	return buf.String(), buf.over, ctx.Err() != nil, err
}

// gitTrue reports whether a config value is one of git's true values (a
// key given with no value is true).
func gitTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1", "":
		return true
	}
	return false
}

// gitBool reports whether a config value is one of git's booleans.
func gitBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "1", "0", "":
		return true
	}
	return false
}
