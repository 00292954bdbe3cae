package hook

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"guard/internal/safefile"
	"guard/internal/sysprog"
)

// LoginPath is the PATH a login shell sets up before it runs a command.
type LoginPath struct {
	Shell string // the shell, as Codex runs it: /bin/bash -lc, zsh -lc, /bin/sh -lc
	PATH  string
	// Unknown: the shell failed or took over 3 s to tell its PATH (PATH is
	// ""). Codex still runs the command there, with whatever PATH its
	// start-up files make, once they are done.
	Unknown bool
}

// loginShells are the shells Codex may run a command in: its default
// `bash -lc`, and zsh and sh, which exec_command's shell argument (not in
// the hook's request) may name. Each is the system's (sysprog): guard runs
// it unconfined to ask, and a zsh found on the hook's PATH was a project's
// .venv/bin/zsh, which the agent writes.
var loginShells = []string{"/bin/bash", "zsh", "/bin/sh"}

// startupFiles are the files the login shells read that may set PATH (for
// the cache key): the system's and the user's.
func startupFiles(getenv func(string) string) []string {
	home := getenv("HOME")
	zdot := getenv("ZDOTDIR")
	if zdot == "" {
		zdot = home
	}
	files := []string{"/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment",
		"/etc/zsh/zshenv", "/etc/zsh/zprofile", "/etc/zsh/zshrc", "/etc/zsh/zlogin",
		"/etc/zshenv", "/etc/zprofile", "/etc/zshrc", "/etc/zlogin"}
	if d, err := os.ReadDir("/etc/profile.d"); err == nil {
		for _, e := range d {
			files = append(files, filepath.Join("/etc/profile.d", e.Name()))
		}
	}
	for _, f := range []string{".bash_profile", ".bash_login", ".profile", ".bashrc"} {
		files = append(files, filepath.Join(home, f))
	}
	for _, f := range []string{".zshenv", ".zprofile", ".zshrc", ".zlogin"} {
		files = append(files, filepath.Join(zdot, f))
	}
	for _, k := range []string{"BASH_ENV", "ENV"} {
		if f := getenv(k); filepath.IsAbs(f) {
			files = append(files, f) // bash -c sources BASH_ENV; sh -l, ENV
		}
	}
	return files
}

// LoginPaths returns the PATH of each login shell Codex may run a command
// in, started as Codex starts it (`SHELL -lc`, with env, in dir), for the
// shells installed, each once. Codex 0.171.0 runs exec_command in a login
// shell, which reads /etc/profile and the user's start-up files: there the
// PATH is theirs, not the one Codex (and so its hooks) has. With a user's
// ~/.bash_profile putting ./node_modules/.bin first, as many do, a project's
// node_modules/.bin/ls ran at a plain `ls` that guard had judged with
// Codex's own PATH (safe: /bin/ls).
//
// The shells run the user's own start-up files, as Codex does for every
// command. The result is cached in cacheDir (guard's cache directory, which commands
// cannot write), keyed by the shell, dir, the variables the shells read
// and the size and time of each start-up file; a start-up file that reads
// another one (nvm.sh) is not in the key. "" in cacheDir: no cache. A shell
// that fails or takes over 3 s ends the list, marked Unknown: measured, a
// ~/.bash_profile that took 4 s before putting ./node_modules/.bin first
// had guard judge `ls` with the hook's PATH while Codex's login bash, 4 s
// later, ran the project's node_modules/.bin/ls.
func LoginPaths(env []string, dir, cacheDir string) []LoginPath {
	getenv := envGetter(env)
	var out []LoginPath
	seen := map[string]bool{}
	for _, sh := range loginShells {
		path, ok := sh, sysprog.Is(sh)
		if !filepath.IsAbs(sh) {
			path, ok = sysprog.Find(sh)
		}
		if !ok {
			continue
		}
		p, ok := loginPath(path, env, dir, cacheDir, getenv)
		if !ok {
			return append(out, LoginPath{Shell: path + " -lc", Unknown: true})
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, LoginPath{Shell: path + " -lc", PATH: p})
		}
	}
	return out
}

// envGetter returns a lookup of env, the last setting of a name winning.
func envGetter(env []string) func(string) string {
	return func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
}

// pathMarker frames the PATH in a login shell's output, which start-up
// files may write to as well.
const pathMarker = "@@guard-login-path@@"

func loginPath(shell string, env []string, dir, cacheDir string, getenv func(string) string) (string, bool) {
	return shellPath(shell, []string{"-l"}, env, dir, cacheDir, getenv)
}

// shellPath is the PATH shell, started with opts before its -c, sets up
// before the script: what its start-up files (profiles, BASH_ENV,
// .zshenv) make of the environment's.
func shellPath(shell string, opts, env []string, dir, cacheDir string, getenv func(string) string) (string, bool) {
	return shellProbe(shell, opts, env, dir, cacheDir, getenv, "login-path", `printf '%s' "$PATH"`)
}

// shellProbe runs script (builtins only) in shell, started with opts before
// its -c, in dir with env, and returns what it printed between markers
// (start-up files may print too), cached in cacheDir/kind as shellPath's
// PATH is.
func shellProbe(shell string, opts, env []string, dir, cacheDir string, getenv func(string) string, kind, script string) (string, bool) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", shell, dir)
	for _, o := range opts {
		fmt.Fprintf(h, "opt %s\x00", o)
	}
	for _, k := range []string{"PATH", "HOME", "ZDOTDIR", "BASH_ENV", "ENV", "SHELL", "USER"} {
		fmt.Fprintf(h, "%s=%s\x00", k, getenv(k))
	}
	for _, f := range startupFiles(getenv) {
		if fi, err := os.Stat(f); err == nil {
			fmt.Fprintf(h, "%s %d %d\x00", f, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	key := hex.EncodeToString(h.Sum(nil))[:32]
	var cache string
	if filepath.IsAbs(cacheDir) {
		cache = filepath.Join(cacheDir, kind, key)
		if b, ok := readOwnEntry(cache); ok {
			return string(b), true
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, append(append([]string(nil), opts...), "-c",
		`printf '\n`+pathMarker+`'; `+script+`; printf '`+pathMarker+`\n'`)...)
	cmd.Env, cmd.Dir = env, dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return "", false
	}
	s := out.String()
	end := strings.LastIndex(s, pathMarker)
	if end < 0 {
		return "", false
	}
	start := strings.LastIndex(s[:end], pathMarker)
	if start < 0 {
		return "", false
	}
	p := s[start+len(pathMarker) : end]
	if cache != "" {
		if os.MkdirAll(filepath.Dir(cache), 0o700) == nil {
			if f, err := os.CreateTemp(filepath.Dir(cache), ".tmp-*"); err == nil {
				_, werr := f.WriteString(p)
				if f.Close() == nil && werr == nil {
					os.Rename(f.Name(), cache)
				}
				os.Remove(f.Name())
			}
		}
	}
	return p, true
}

// readOwnEntry reads a cache entry guard wrote (safefile.OpenMine): one
// that another user put in a cache directory others can write is not used.
func readOwnEntry(path string) ([]byte, bool) {
	f, fi, err := safefile.OpenMine(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if fi.Size() > 1<<20 {
		return nil, false
	}
	b, err := io.ReadAll(f)
	return b, err == nil
}

// ShellPathOf is the PATH the shell shell (an absolute path), started with
// opts (its options before -c: -l, --login, -e...), sets up before it runs
// a script in dir with env, as LoginPaths learns it for each of Codex's
// login shells: guard as $SHELL runs `/bin/sh -l -c`, a prefix or shim may
// run `bash -lc`, `bash -c` with BASH_ENV set or `zsh -c`, which reads
// ~/.zshenv (entry-1 E6).
func ShellPathOf(shell string, opts, env []string, dir, cacheDir string) (string, bool) {
	getenv := envGetter(env)
	return shellPath(shell, opts, env, dir, cacheDir, getenv)
}

// StartState is what a shell's start-up files changed in the shell a script
// then runs in, against the same shell started with none: they also set
// options (bash's dotglob, zsh's GLOB_DOTS: `bash -lc 'head -3 ?env'`
// printed .env when ~/.bashrc, which ~/.profile sources, set dotglob),
// define functions and aliases that run in place of the script's commands,
// and may leave it in another directory (judge-18).
type StartState struct {
	Options []string // options turned on (+name) or off (-name)
	Names   []string // functions, and aliases the shell expands in a script
	Dir     string   // the directory the script starts in, when not dir
}

// stateMarks divide a state probe's output: options, then functions and
// aliases, then the directory.
const stateNames, stateDir = "@@guard-names@@", "@@guard-dir@@"

// stateScript is the probe of a shell's state, builtins only. bash: the
// options on (shopt, set -o), its functions, and its aliases when it
// expands them in a script; zsh: the options on, functions and aliases
// (expanded in scripts); dash and others: set -o and aliases (it expands
// them, and cannot list its functions).
func stateScript(shell string) string {
	tail := `; printf '` + stateDir + `\n'; pwd`
	if filepath.Base(shell) == "zsh" {
		return `print -rl -- ${(k)options[(R)on]}; print -r -- '` + stateNames + `'; print -rl -- ${(k)functions} ${(k)aliases}` + tail
	}
	return `if [ -n "${BASH_VERSION-}" ]; then eval 'shopt -s; set -o; printf "%s\n" "` + stateNames +
		`"; compgen -A function; if shopt -q expand_aliases; then compgen -a; fi'; else set -o; printf '%s\n' '` + stateNames +
		`'; alias; fi` + tail
}

// parseState reads a state probe's output: the options on, the names, the
// directory.
func parseState(out string) (on map[string]bool, names map[string]bool, dir string) {
	on, names = map[string]bool{}, map[string]bool{}
	part := 0
	for _, line := range strings.Split(out, "\n") {
		switch line {
		case stateNames:
			part = 1
			continue
		case stateDir:
			part = 2
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case part == 0 && len(f) == 1:
			on[f[0]] = true // zsh's list of the options on
		case part == 0 && len(f) == 2 && f[1] == "on":
			on[f[0]] = true
		case part == 1:
			name, _, _ := strings.Cut(strings.TrimPrefix(f[0], "alias "), "=")
			names[name] = true
		case part == 2:
			dir = line
		}
	}
	return on, names, dir
}

// startOnly are options that tell how the shell was started, not how it
// reads a script.
var startOnly = map[string]bool{"login_shell": true, "login": true, "rcs": true, "globalrcs": true}

// ShellStartOf is what the start-up files of shell (an absolute path),
// started with opts before its -c, change in the shell a script in dir then
// runs in (StartState), against the same shell with no start-up file (bash
// --norc --noprofile without BASH_ENV, zsh -f, which still reads the
// system's zshenv, sh); cached as ShellPathOf's PATH. ok is false when a
// probe fails.
func ShellStartOf(shell string, opts, env []string, dir, cacheDir string) (StartState, bool) {
	getenv := envGetter(env)
	script := stateScript(shell)
	got, ok := shellProbe(shell, opts, env, dir, cacheDir, getenv, "start-state", script)
	if !ok {
		return StartState{}, false
	}
	var bare []string
	switch filepath.Base(shell) {
	case "bash":
		bare = []string{"--norc", "--noprofile"}
	case "zsh":
		bare = []string{"-f"}
	}
	// BASH_ENV is read by every bash -c, --norc or not.
	bareEnv := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, "BASH_ENV=") || strings.HasPrefix(kv, "ENV=")
	})
	base, ok := shellProbe(shell, bare, bareEnv, dir, cacheDir, envGetter(bareEnv), "start-state", script)
	if !ok {
		return StartState{}, false
	}
	on, names, d := parseState(got)
	on0, names0, d0 := parseState(base)
	var st StartState
	for o := range on {
		if !on0[o] && !startOnly[o] {
			st.Options = append(st.Options, "+"+o)
		}
	}
	for o := range on0 {
		if !on[o] && !startOnly[o] {
			st.Options = append(st.Options, "-"+o)
		}
	}
	for n := range names {
		if !names0[n] {
			st.Names = append(st.Names, n)
		}
	}
	if d != d0 {
		st.Dir = d
	}
	slices.Sort(st.Options)
	slices.Sort(st.Names)
	return st, true
}
