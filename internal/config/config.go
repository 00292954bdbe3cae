package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"guard/internal/safefile"
)

// Defaults for the keys that have one.
const (
	DefaultMode    = "suggest"
	DefaultSandbox = "strict"
)

// maxSize bounds what Load reads, so that GUARD_CONFIG=/dev/zero cannot hang
// guard or exhaust its memory.
const maxSize = 1 << 20

// Config is the content of a configuration file, with defaults for what the
// file does not set. Paths are absolute and cleaned, "~" expanded.
type Config struct {
	Mode             string   // suggest | auto-edit | full-auto
	WritableRoots    []string // extra writable roots for the sandbox and for auto-edit
	AllowNetwork     bool
	AllowUnixSockets bool
	Policies         []string // extra policy files, loaded after the default layers
	AuditLog         string   // "" means no audit log; Load sets DefaultAuditLog unless the file says
	Sandbox          string   // strict | best-effort
	Shell            string   // sh | bash: what guard as $SHELL runs a script with ("" is sh)
	Protect          Protect  // the [protect] table

	// Path is the file the configuration came from, "" if none.
	Path string
	// ModeFrom, when not "", is what set Mode in place of Path: a trusted
	// project's .guard/config.toml, or its .guard when it changed since it
	// was trusted (suggest mode).
	ModeFrom string
	// Set holds the keys the file set (by their TOML names, "mode",
	// "writable_roots", ...), so that callers can order the file between
	// flags, the environment and defaults. It is nil when no file was read.
	Set map[string]bool
}

// Default returns the configuration used when there is no file.
func Default() Config {
	return Config{Mode: DefaultMode, Sandbox: DefaultSandbox}
}

// Dir returns guard's configuration directory: $XDG_CONFIG_HOME/guard, else
// $HOME/.config/guard. A relative XDG_CONFIG_HOME is ignored, as the XDG base
// directory specification requires. Dir returns "" when neither variable
// gives an absolute path.
func Dir(getenv func(string) string) string {
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "guard")
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".config", "guard")
	}
	return ""
}

// CacheDir returns where guard keeps evaluated policy files:
// $XDG_CACHE_HOME/guard/policies, else ~/.cache/guard/policies; "" when
// neither is set to an absolute path.
func CacheDir(getenv func(string) string) string {
	if x := getenv("XDG_CACHE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "guard", "policies")
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".cache", "guard", "policies")
	}
	return ""
}

// Path returns the configuration file to read. explicit reports that it was
// named by GUARD_CONFIG, in which case it must exist. path is "" when there is
// no file to look for (no GUARD_CONFIG, no usable XDG_CONFIG_HOME or HOME).
func Path(getenv func(string) string) (path string, explicit bool) {
	if p := getenv("GUARD_CONFIG"); p != "" {
		return p, true
	}
	d := Dir(getenv)
	if d == "" {
		return "", false
	}
	return filepath.Join(d, "config.toml"), false
}

// ErrRelativeEnv is a variable naming one of guard's files with a relative
// path: it would name a file in each command's directory, which the agent
// writes (its own configuration, its own log), so guard refuses it as it
// refuses a relative path in the configuration file.
var ErrRelativeEnv = errors.New("a relative path names a file in each command's directory, which the agent can write; give an absolute path")

// ErrTildeEnv is a variable naming one of guard's files with a leading
// "~", which no shell expanded (quoted, or after "=" in a file such as a
// systemd unit or .env): taken as relative, it named a directory "~" in
// each command's directory.
var ErrTildeEnv = errors.New(`"~" is not expanded here (a shell expands it only unquoted, at the start of a word); give an absolute path ($HOME/...)`)

// relativeEnv is the error for a variable name=p with p not absolute.
func relativeEnv(name, p string) error {
	if strings.HasPrefix(p, "~") {
		return fmt.Errorf("%s=%s: %w", name, p, ErrTildeEnv)
	}
	return fmt.Errorf("%s=%s: %w", name, p, ErrRelativeEnv)
}

// AuditLogEnv returns GUARD_AUDIT_LOG, the audit log named by the
// environment ("" when unset); a relative path is ErrRelativeEnv.
func AuditLogEnv(getenv func(string) string) (string, error) {
	p := getenv("GUARD_AUDIT_LOG")
	if p != "" && !filepath.IsAbs(p) {
		return "", relativeEnv("GUARD_AUDIT_LOG", p)
	}
	return p, nil
}

// ErrAuditLogIsConfig is an audit log named inside guard's configuration:
// every decision would be appended to a file guard reads as configuration
// (config.toml stops loading; a policy file took the lines as Starlark).
var ErrAuditLogIsConfig = errors.New("is in guard's configuration directory or is a policy file: guard would append a line for every decision to what it reads as configuration; give the log a file of its own (by default ~/.local/state/guard/audit.jsonl)")

// AuditLogInConfig reports whether the audit log path is in guard's
// configuration directory (Dir), /etc/guard, or one of the extra policy
// files.
func AuditLogInConfig(path string, getenv func(string) string, policies []string) bool {
	if path == "" {
		return false
	}
	path = filepath.Clean(path)
	for _, d := range []string{Dir(getenv), "/etc/guard"} {
		if d != "" && (path == d || strings.HasPrefix(path, d+string(filepath.Separator))) {
			return true
		}
	}
	for _, p := range policies {
		if filepath.Clean(p) == path {
			return true
		}
	}
	return false
}

// DefaultAuditLog returns where the audit log is kept when the configuration
// does not say: $XDG_STATE_HOME/guard/audit.jsonl, else
// ~/.local/state/guard/audit.jsonl; "" when neither variable gives an
// absolute path. `audit_log = ""` in the configuration turns the log off.
func DefaultAuditLog(getenv func(string) string) string {
	if x := getenv("XDG_STATE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "guard", "audit.jsonl")
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "state", "guard", "audit.jsonl")
	}
	return ""
}

// UserPolicyPath returns the policy file that "always" answers are appended
// to: user.policy in Dir. It is "" when Dir is.
func UserPolicyPath(getenv func(string) string) string {
	d := Dir(getenv)
	if d == "" {
		return ""
	}
	return filepath.Join(d, "user.policy")
}

// Load finds the configuration file (see Path) and parses it, expanding "~"
// from getenv("HOME"). A missing default file gives Default(); a missing file
// named by GUARD_CONFIG is an error that matches fs.ErrNotExist. Errors in the
// file are *ParseError.
func Load(getenv func(string) string) (Config, error) {
	c, err := load(getenv)
	if err == nil && !c.Set["audit_log"] {
		c.AuditLog = DefaultAuditLogWritten(getenv)
	}
	return c, err
}

// CacheDirWritten is CacheDir where guard writes its caches: "" (none) when
// it would be under a HOME that does not exist, as for the audit log.
func CacheDirWritten(getenv func(string) string) string {
	if !filepath.IsAbs(getenv("XDG_CACHE_HOME")) && homeMissing(getenv) {
		return ""
	}
	return CacheDir(getenv)
}

// DefaultAuditLogWritten is DefaultAuditLog where guard writes it: "" (no
// log) when it would be under a HOME that does not exist, rather than guard
// creating the home directory. DefaultAuditLog itself still names the place,
// for what guard protects.
//
// Root run with another account's HOME (sudo -E, su -m, runuser -m) and no
// configuration there wrote its log in that account's state directory,
// where that account reads every command's arguments (tokens typed in
// them) and erases or rewrites what root ran. When the default place, or a
// directory on the way to it, is one another account could change (see
// OwnPlace), root's log is kept at root's own default place, in the home
// /etc/passwd gives it, as if HOME were that home and no XDG variable set.
// Only root is checked: another account cannot write in a place it does
// not own unless that place lets every account write (a log written there
// is refused as not its own, see audit's appendLine).
func DefaultAuditLogWritten(getenv func(string) string) string {
	if !filepath.IsAbs(getenv("XDG_STATE_HOME")) && homeMissing(getenv) {
		return ""
	}
	p := DefaultAuditLog(getenv)
	if p == "" || os.Geteuid() != 0 || OwnPlace(p) == nil {
		return p
	}
	home := homeOf(0)
	if home == "" || filepath.Clean(home) == filepath.Clean(getenv("HOME")) {
		return p
	}
	return filepath.Join(home, ".local", "state", "guard", "audit.jsonl")
}

// homeMissing reports whether HOME is absolute but not an existing
// directory (HOME=/nonexistent, a deleted home): guard's state under it is
// then not written, as with HOME unset, since writing it would create the
// home directory itself.
func homeMissing(getenv func(string) string) bool {
	h := getenv("HOME")
	if !filepath.IsAbs(h) {
		return false
	}
	fi, err := os.Stat(h)
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || err == nil && !fi.IsDir()
}

func load(getenv func(string) string) (Config, error) {
	path, explicit := Path(getenv)
	if path == "" {
		return Default(), nil
	}
	if explicit && !filepath.IsAbs(path) {
		return Config{}, relativeEnv("GUARD_CONFIG", path)
	}
	data, err := readFile(path)
	if err != nil {
		if !explicit && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
			// A link that leads nowhere (a dotfiles checkout moved or not
			// there yet) is a configuration the user meant: running
			// without it would drop its mode ceiling and its secrets, as
			// user.policy or trusted.json there stops guard.
			if dest, lerr := os.Readlink(path); lerr == nil {
				return Config{}, fmt.Errorf("load config: %s is a symbolic link to %s, which does not exist; fix the link, or remove it to run with the defaults", path, dest)
			}
			return Default(), nil
		}
		if mode, own := ownMode(path); own && errors.Is(err, fs.ErrPermission) {
			// The user's own file, whose mode lets no one read it.
			return Config{}, fmt.Errorf("load config: %w (it is this account's own file, mode %04o: chmod u+r %s)", err, mode, path)
		}
		if errors.Is(err, fs.ErrPermission) {
			// sudo, su -m, runuser -m keep the caller's HOME: guard cannot
			// tell whether a configuration there bounds this account.
			return Config{}, fmt.Errorf("load config: %w (uid %d cannot read it: when HOME=%s is another account's home, as sudo or su -m leave it, run guard with this account's own: sudo -H, su -, runuser -l, or set XDG_CONFIG_HOME)", err, os.Getuid(), getenv("HOME"))
		}
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	return Parse(path, data, getenv("HOME"))
}

// LinkedError is one of guard's own files with more than one name (hard
// links): see OneName.
type LinkedError struct {
	Path  string
	Names uint64
}

func (e *LinkedError) Error() string {
	return fmt.Sprintf("%s has %d names (hard links): a command guard runs could change it through another name, which no protection covers; keep one name (a symbolic link to the copy you keep is followed, and its target protected)", e.Path, e.Names)
}

// ForeignError is one of guard's own files (the configuration, a policy
// layer, remembered answers, trusted.json), or a directory on the way to
// it, that another account could change: owned by an account other than
// the one guard runs as and root, or writable by others. guard runs
// nothing with it (exit 125), as git refuses a repository of another
// owner: that account could loosen guard for this one's commands (root
// run with a user's HOME by sudo -E or su -m, a configuration directory
// in a shared place).
type ForeignError struct {
	Path string // the file or directory
	File string // the file guard was reading, when Path is a directory above it
	Why  string // "belongs to alice (uid 1001) ...", "is writable by every account (mode 0777)"
	Fix  string // what would allow it
}

func (e *ForeignError) Error() string {
	what := e.Path
	if e.File != "" && e.File != e.Path {
		what = e.Path + " (a directory on the way to " + e.File + ")"
	}
	return fmt.Sprintf("%s %s: another account could change it and so loosen guard for this account's commands; to allow it: %s", what, e.Why, e.Fix)
}

// readFile reads path, a regular file of at most maxSize bytes, without
// blocking on a FIFO or reading a device (see safefile.Read).
func readFile(path string) ([]byte, error) {
	if err := Own(path); err != nil {
		return nil, err
	}
	return safefile.Read(path, maxSize)
}
