package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"guard/policy/protect"
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
	AuditLog         string   // "" means no audit log
	Sandbox          string   // strict | best-effort
	// Protect changes guard's list of protected paths and secrets (keys
	// protected, unprotected, secrets, not_secret, secret_env,
	// secret_env_allow): patterns as package protect reads them.
	Protect protect.Adjust

	// Path is the file the configuration came from, "" if none.
	Path string
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
	path, explicit := Path(getenv)
	if path == "" {
		return Default(), nil
	}
	data, err := readFile(path)
	if err != nil {
		if !explicit && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
			return Default(), nil
		}
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	return Parse(path, data, getenv("HOME"))
}

// readFile reads at most maxSize bytes of path: one open when it is missing.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if len(data) > maxSize {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("file larger than 1 MiB")}
	}
	return data, nil
}

// DataDir returns where guard keeps its shims and data: $XDG_DATA_HOME/guard,
// else ~/.local/share/guard; "" when neither is set to an absolute path.
func DataDir(getenv func(string) string) string {
	if x := getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "guard")
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "share", "guard")
	}
	return ""
}

// ProtectList is guard's list of protected paths and secrets as this
// configuration changes it, with guard's own state added as protected: the
// configuration directory (and the file it came from), the policy cache, the
// data and shims directory, the audit log and guard's binary. A sandboxed
// command may not loosen guard.
func (c Config) ProtectList(getenv func(string) string) (*protect.List, error) {
	l := protect.Default()
	if err := l.Apply(c.Protect); err != nil {
		return nil, fmt.Errorf("config %s: %w", c.Path, err)
	}
	var state []string
	if d := Dir(getenv); d != "" {
		state = append(state, d)
	}
	if d := CacheDir(getenv); d != "" {
		state = append(state, filepath.Dir(d))
	}
	if d := DataDir(getenv); d != "" {
		state = append(state, d)
	}
	if c.Path != "" {
		state = append(state, c.Path)
	}
	if c.AuditLog != "" {
		state = append(state, c.AuditLog)
	}
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		state = append(state, exe)
	}
	for _, s := range state {
		if filepath.IsAbs(s) {
			l.Add(protect.Protected, "guard's own state: a command guard runs may not loosen guard", filepath.Clean(s))
		}
	}
	return l, nil
}
